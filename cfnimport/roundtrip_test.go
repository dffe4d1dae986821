package cfnimport

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

// golden lists the cases under testdata/golden with the spec each was
// planned from.
func golden(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	// template.yaml, or network.yaml and workload.yaml for a design split
	// across accounts.
	dirs, _ := filepath.Glob("../testdata/golden/*/*.yaml")
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		for _, p := range []string{"../testdata/golden/" + name + ".yaml", "../examples/" + name + ".yaml"} {
			if _, err := os.Stat(p); err == nil {
				out[name] = p
			}
		}
	}
	if len(out) == 0 {
		t.Skip("no golden cases")
	}
	return out
}

func compiled(t *testing.T, path string) *model.Network {
	return testnet.Compile(t, path)
}

// mapAddr maps a compiled address to the one the importer gives the
// resource emitted for it: same kind, logical ID as the name.
func mapAddr(a model.ResourceRef) model.ResourceRef {
	if a == "" {
		return ""
	}
	return model.JoinRef(a.Kind(), cfn.LogicalID(a))
}

type subnetView struct {
	Addr, VPC, RouteTable, NACL model.ResourceRef
	ZoneID, CIDR, IPv6          string
	IPv6Index                   int
	MapPublicIP                 bool
}

func ruleStrings(rs []model.SGRule, mapped bool) []string {
	var out []string
	for _, r := range rs {
		// The emitter's stand-in for "no egress" matches nothing.
		if r.Peer.Kind == model.PeerCIDR && r.Peer.CIDR.String() == "255.255.255.255/32" && r.ICMP == (model.ICMPMatch{Type: 252, Code: 86}) {
			continue
		}
		p := r.Peer
		if mapped {
			p.Group = mapAddr(p.Group)
		}
		out = append(out, fmt.Sprintf("%s %v %v %s %s %s %s", r.Protocol, r.Ports, r.ICMP, p.Kind, p.CIDR, p.Group, p.PrefixList))
	}
	slices.Sort(out)
	return out
}

func routeStrings(rs []model.Route, mapped bool) []string {
	var out []string
	for _, r := range rs {
		tgt := r.Target
		if mapped {
			tgt = mapAddr(tgt)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", r.Dest, r.DestPrefixList, r.TargetKind, tgt))
	}
	slices.Sort(out)
	return out
}

func naclStrings(es []model.NACLEntry) []string {
	var out []string
	for _, e := range es {
		if e.RuleNumber >= 32767 {
			continue // AWS's default deny: implicit in the compiled model
		}
		out = append(out, fmt.Sprintf("%d %v %s %v %s %s", e.RuleNumber, e.Egress, e.Protocol, e.Ports, e.CIDR, e.Action))
	}
	slices.Sort(out)
	return out
}

func TestGoldenTemplatesRoundTrip(t *testing.T) {
	for name, specPath := range golden(t) {
		for _, path := range templatesOf(name) {
			t.Run(name+"/"+filepath.Base(path), func(t *testing.T) {
				want := compiled(t, specPath)
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !IsTemplate(src) {
					t.Fatal("IsTemplate = false")
				}
				got, d := parse(path, src, name, linkValues(want))
				if d.HasErrors() {
					t.Fatalf("errors: %v", d)
				}
				for _, w := range d {
					t.Logf("%s: %s", w.Range, w.Summary)
				}
				if !strings.HasPrefix(filepath.Base(path), "template.") {
					want = partOf(want, got) // roundtrip_hub_test.go
				}
				var ws, gs []subnetView
				for _, s := range want.Subnets {
					ws = append(ws, subnetView{mapAddr(s.Addr), mapAddr(s.VPC), mapAddr(s.RouteTable), mapAddr(s.NACL), s.ZoneID, s.CIDR.String(), s.IPv6CIDR.String(), s.IPv6Index, s.MapPublicIP})
				}
				for _, s := range got.Subnets {
					gs = append(gs, subnetView{s.Addr, s.VPC, s.RouteTable, s.NACL, s.ZoneID, s.CIDR.String(), s.IPv6CIDR.String(), s.IPv6Index, s.MapPublicIP})
				}
				sortV := func(v []subnetView) {
					slices.SortFunc(v, func(a, b subnetView) int { return cmp.Compare(a.Addr, b.Addr) })
				}
				sortV(ws)
				sortV(gs)
				if diff := gocmp.Diff(ws, gs); diff != "" {
					t.Errorf("subnets (-compiled +imported):\n%s", diff)
				}
				for _, rt := range want.RouteTables {
					g, ok := got.RouteTable(mapAddr(rt.Addr))
					if !ok {
						t.Errorf("route table %s missing", rt.Addr)
						continue
					}
					// Gateway endpoint routes live in Endpoint.RouteTables in
					// both models.
					if diff := gocmp.Diff(routeStrings(rt.Routes, true), routeStrings(g.Routes, false)); diff != "" {
						t.Errorf("route table %s routes (-compiled +imported):\n%s", rt.Addr, diff)
					}
				}
				for _, sg := range want.SecurityGroups {
					g, ok := got.SecurityGroup(mapAddr(sg.Addr))
					if !ok {
						t.Errorf("security group %s missing", sg.Addr)
						continue
					}
					if diff := gocmp.Diff(ruleStrings(sg.Ingress, true), ruleStrings(g.Ingress, false)); diff != "" {
						t.Errorf("sg %s ingress (-compiled +imported):\n%s", sg.Addr, diff)
					}
					if diff := gocmp.Diff(ruleStrings(sg.Egress, true), ruleStrings(g.Egress, false)); diff != "" {
						t.Errorf("sg %s egress (-compiled +imported):\n%s", sg.Addr, diff)
					}
				}
				for _, x := range want.NetworkACLs {
					g, ok := got.NetworkACL(mapAddr(x.Addr))
					if !ok {
						t.Errorf("network ACL %s missing", x.Addr)
						continue
					}
					if diff := gocmp.Diff(naclStrings(x.Entries), naclStrings(g.Entries)); diff != "" {
						t.Errorf("nacl %s entries (-compiled +imported):\n%s", x.Addr, diff)
					}
				}
				compareHub(t, want, got) // roundtrip_hub_test.go
			})
		}
	}
}
