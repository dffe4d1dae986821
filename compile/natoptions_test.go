package compile

import (
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// TestNATOptionsCoverEveryMode: the table cost --compare prices is
// compile's, has one baseline, and offers every NAT mode the spec
// accepts, each compiling to its own NAT.
func TestNATOptionsCoverEveryMode(t *testing.T) {
	st := webapp()
	opts := build(t, st).NATOptions
	modes, names, baselines := map[spec.NATMode]bool{}, map[string]bool{}, 0
	for _, o := range opts {
		if names[o.Name] {
			t.Errorf("option %s listed twice", o.Name)
		}
		names[o.Name], modes[spec.NATMode(o.Change.Mode)] = true, true
		if o.Baseline {
			baselines++
		}
		n, d := CompileWith(st, o)
		if d.HasErrors() {
			t.Fatalf("%s: %v", o.Name, d)
		}
		if hasNAT := len(n.NATGateways)+len(n.NATInstances) > 0; hasNAT != (o.Change.Mode != string(spec.NATNone)) {
			t.Errorf("%s compiles to %d gateways, %d instances", o.Name, len(n.NATGateways), len(n.NATInstances))
		}
	}
	for _, m := range []spec.NATMode{spec.NATInstance, spec.NATGateway, spec.NATGatewayPerZone, spec.NATRegionalGateway, spec.NATNone} {
		if !modes[m] {
			t.Errorf("no option for nat mode %s", m)
		}
	}
	if baselines != 1 || !opts[0].Baseline {
		t.Errorf("%d baselines; want one, first", baselines)
	}
	if st.Network.NAT.Mode != spec.NATInstance || !st.Network.NAT.PerZone {
		t.Error("CompileWith changed the caller's spec")
	}
}

// TestNATOptionsRecordTheChoice: the compiled network marks the row the
// spec chose, the one whose change compiles the same NAT again, so the
// page names the choice by the model's rows instead of spelling them.
func TestNATOptionsRecordTheChoice(t *testing.T) {
	for _, c := range []struct {
		nat  spec.NAT
		want string
	}{
		{spec.NAT{Mode: spec.NATInstance, InstanceType: "t4g.nano", PerZone: true}, "instance-per-zone"},
		{spec.NAT{Mode: spec.NATInstance, InstanceType: "t4g.micro"}, "instance-shared"},
		{spec.NAT{Mode: spec.NATGateway, PerZone: true}, "gateway"},
		{spec.NAT{Mode: spec.NATGatewayPerZone}, "gateway-per-zone"},
		{spec.NAT{Mode: spec.NATRegionalGateway}, "regional-gateway"},
		{spec.NAT{Mode: spec.NATNone}, "none"},
	} {
		st := webapp()
		st.Network.NAT = c.nat
		n := build(t, st)
		var current []model.NATOption
		for _, o := range n.NATOptions {
			if o.Current {
				current = append(current, o)
			}
		}
		if len(current) != 1 || current[0].Name != c.want {
			t.Errorf("%+v: current rows %+v, want %s", c.nat, current, c.want)
			continue
		}
		again, d := CompileWith(st, current[0])
		if d.HasErrors() || natOf(again) != natOf(n) {
			t.Errorf("%s: its change compiles another NAT: %s, want %s", c.want, natOf(again), natOf(n))
		}
	}
}

// natOf is a network's NAT devices, for telling designs apart.
func natOf(n *model.Network) string {
	var out []string
	for _, g := range n.NATGateways {
		out = append(out, string(g.Addr)+" "+string(g.Subnet))
	}
	for _, ni := range n.NATInstances {
		out = append(out, string(ni.Addr)+" "+ni.InstanceType)
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// TestHubRecordsNATOptions: hub-and-spoke goes through the same build, so
// its design records the same table (cost --compare then finds that every
// row builds the egress VPC's NAT, and says so).
func TestHubRecordsNATOptions(t *testing.T) {
	st := goldenSpec(t, "hub-and-spoke.yaml")
	got, want := build(t, st).NATOptions, NATOptions(st)
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("hub options %+v, want %+v", got, want)
	}
}
