package compile

import (
	"testing"

	"github.com/moatnet/moat/spec"
)

// TestNATOptionsCoverEveryMode: the table cost --compare prices is
// compile's, has one baseline, and offers every NAT mode the spec
// accepts, each compiling to its own NAT.
func TestNATOptionsCoverEveryMode(t *testing.T) {
	st := webapp()
	opts := NATOptions(st)
	modes, names, baselines := map[spec.NATMode]bool{}, map[string]bool{}, 0
	for _, o := range opts {
		if names[o.Name] {
			t.Errorf("option %s listed twice", o.Name)
		}
		names[o.Name], modes[o.NAT.Mode] = true, true
		if o.Baseline {
			baselines++
		}
		n, d := CompileWith(st, o)
		if d.HasErrors() {
			t.Fatalf("%s: %v", o.Name, d)
		}
		if hasNAT := len(n.NATGateways)+len(n.NATInstances) > 0; hasNAT != (o.NAT.Mode != spec.NATNone) {
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
