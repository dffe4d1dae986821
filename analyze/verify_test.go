package analyze

import (
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

// goldenStacks are the compiler's examples and golden cases.
func goldenStacks(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"../examples/*.yaml", "../testdata/golden/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			out = append(out, strings.TrimPrefix(p, "../"))
		}
	}
	if len(out) < 8 {
		t.Fatalf("found only %d golden stacks", len(out))
	}
	return out
}

// TestVerifyGoldenStacks: what the compiler emits, the analyzer proves.
func TestVerifyGoldenStacks(t *testing.T) {
	for _, path := range goldenStacks(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			checks := NewIndex(compiled(t, path)).Verify(nil)
			if len(checks) < 3 {
				t.Fatalf("only %d checks", len(checks))
			}
			for _, c := range checks {
				if !c.OK {
					t.Errorf("%s: %s", c.Intent, c.Detail)
				}
			}
		})
	}
}

// failed returns the failed checks whose intent contains intent.
func failed(checks []Check, intent string) []Check {
	var out []Check
	for _, c := range checks {
		if !c.OK && strings.Contains(c.Intent, intent) {
			out = append(out, c)
		}
	}
	return out
}

func allFailed(checks []Check) []string {
	var out []string
	for _, c := range checks {
		if !c.OK {
			out = append(out, c.Intent+": "+c.Detail)
		}
	}
	return out
}

func evidenceHas(c Check, kind HopKind, rule string) bool {
	for _, p := range c.Evidence {
		for _, h := range append(slices.Clone(p.Forward), p.Return...) {
			if h.Kind == kind && strings.Contains(h.Rule, rule) {
				return true
			}
		}
	}
	return false
}

func TestMutationsAreCaught(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(n *model.Network)
		intent string // the check that must fail
		detail string // in its explanation
		check  func(t *testing.T, c Check)
	}{{
		name: "database group opened to 0.0.0.0/0",
		mutate: func(n *model.Network) {
			g, _ := n.SecurityGroup("sg/db")
			g.Ingress = append(g.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(5432), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}})
		},
		intent: "db is reached on tcp/5432 only from service",
		detail: "reaches eni/db/",
		check: func(t *testing.T, c Check) {
			if !evidenceHas(c, "sg-ingress", "sg/db: tcp/5432 from 0.0.0.0/0") {
				t.Errorf("the counterexample does not name the opened rule: %+v", c.Evidence)
			}
		},
	}, {
		name: "internet gateway route in the isolated table",
		mutate: func(n *model.Network) {
			rt, _ := n.RouteTable("rtb/isolated")
			rt.Routes = append(rt.Routes, model.Route{Dest: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: model.TargetIGW, Target: "igw/main"})
		},
		intent: "subnet/isolated/use1-az1 reaches nothing outside the VPC",
		detail: "rtb/isolated has route 0.0.0.0/0 -> igw/main",
		check: func(t *testing.T, c Check) {
			if !evidenceHas(c, "route", "route 0.0.0.0/0 -> igw/main") {
				t.Errorf("no path through the new route: %+v", c.Evidence)
			}
		},
	}, {
		name: "NAT removed, routes left dangling",
		mutate: func(n *model.Network) {
			n.NATInstances = nil
			n.ENIs = slices.DeleteFunc(n.ENIs, func(e model.ENI) bool { return strings.HasPrefix(string(e.Addr), "eni/nat/") })
		},
		intent: "subnet/private/use1-az2 reaches the internet, only through NAT",
		detail: "points at eni/nat/use1-az2, which does not exist: a blackhole",
	}, {
		name: "NAT removed with its routes",
		mutate: func(n *model.Network) {
			n.NATInstances = nil
			n.ENIs = slices.DeleteFunc(n.ENIs, func(e model.ENI) bool { return strings.HasPrefix(string(e.Addr), "eni/nat/") })
			for i := range n.RouteTables {
				rt := &n.RouteTables[i]
				rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool { return r.TargetKind == model.TargetENI })
			}
		},
		intent: "subnet/private/use1-az1 reaches the internet, only through NAT",
		detail: "rtb/private/use1-az1 has no route to 203.0.113.10",
	}, {
		name: "NACL deny inserted before an allow",
		mutate: func(n *model.Network) {
			a, _ := n.NetworkACL("nacl/public")
			// Appended last: the analyzer must sort by rule number.
			a.Entries = append(a.Entries, model.NACLEntry{RuleNumber: 90, Protocol: model.TCP, Ports: model.Port(443), CIDR: netip.MustParsePrefix("0.0.0.0/0"), Action: model.Deny})
		},
		intent: "the internet reaches alb on its HTTPS:443 listener",
		detail: "nacl/public in rule 90 deny tcp/443 from 0.0.0.0/0",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := compiled(t, "examples/webapp.yaml")
			tc.mutate(n)
			checks := NewIndex(n).Verify(nil)
			got := failed(checks, tc.intent)
			if len(got) == 0 {
				t.Fatalf("not caught: no failed check %q; failures: %q", tc.intent, allFailed(checks))
			}
			if !strings.Contains(got[0].Detail, tc.detail) {
				t.Errorf("explanation %q does not contain %q", got[0].Detail, tc.detail)
			}
			if tc.check != nil {
				tc.check(t, got[0])
			}
		})
	}
}

func TestAssertions(t *testing.T) {
	ix := NewIndex(compiled(t, "examples/webapp.yaml"))
	checks := ix.Verify([]Assertion{
		{Never: true, From: "internet", To: "db"},
		{Never: true, From: "internet", To: "service", Port: 8080},
		{From: "service", To: "s3", Port: 443},
		{Never: true, From: "alb", To: "db"},
		{From: "db", To: "internet", Port: 443, Origin: "spec.yaml:9:7"},
	})
	var bad []string
	for _, c := range checks {
		if !c.OK {
			bad = append(bad, c.Intent)
		}
	}
	want := []string{"always: db -> internet:443"}
	if !slices.Equal(bad, want) {
		t.Errorf("failed checks = %q, want %q", bad, want)
	}
}
