package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
)

// TestBlockedNamesEverySetting: past the first failure the trace goes on as
// if it were fixed, and names every further setting that would have to
// change, each marked with its assumption. The verdict does not move.
func TestBlockedNamesEverySetting(t *testing.T) {
	ix := NewIndex(compiled(t, "examples/webapp.yaml"))
	type blk struct{ Resource, Kind, Dir, Text string }
	for _, tc := range []struct {
		to   string
		port int
		want func(eni string) []blk
	}{
		{"db", 5432, func(eni string) []blk {
			pub := "if " + eni + " had a public IP: "
			return []blk{
				{eni, "address", "forward", eni + " has no public IP: the internet cannot address it"},
				// The ACL denies the database port from outside the VPC
				// before its return-traffic rule opens 1024-65535.
				{"nacl/isolated", "nacl-in", "forward", pub + "nacl/isolated in rule 110 deny tcp/5432 from 0.0.0.0/0 matches tcp/5432 from 203.0.113.10 first"},
				{"sg/db", "sg-ingress", "forward", pub + "no ingress rule of sg/db allows tcp/5432 from 203.0.113.10"},
				{"rtb/isolated", "route", "return", pub + "rtb/isolated has no route to 203.0.113.10"},
				{"nacl/isolated", "nacl-out", "return", "if " + eni + " had a public IP and the reply had reached the internet: " +
					"no outbound rule of nacl/isolated matches tcp/49152 to 203.0.113.10 (implicit deny)"},
			}
		}},
		{"service", 8080, func(eni string) []blk {
			return []blk{
				{eni, "address", "forward", eni + " has no public IP: the internet cannot address it"},
				{"nacl/private", "nacl-in", "forward", "if " + eni + " had a public IP: nacl/private in rule 110 deny tcp/8080 from 0.0.0.0/0 matches tcp/8080 from 203.0.113.10 first"},
				{"sg/service", "sg-ingress", "forward", "if " + eni + " had a public IP: no ingress rule of sg/service allows tcp/8080 from 203.0.113.10"},
			}
		}},
	} {
		t.Run(tc.to, func(t *testing.T) {
			a := reach(t, ix, "internet", tc.to, model.TCP, tc.port)
			if a.Verdict != Blocked || len(a.Paths) != 3 {
				t.Fatalf("verdict %s over %d paths", a.Verdict, len(a.Paths))
			}
			for _, p := range a.Paths {
				if p.Reachable || len(p.Forward) != 0 || len(p.Return) != 0 {
					t.Errorf("%s: reachable %v, forward %v, return %v: the packet went nowhere", p.Flow.Dst, p.Reachable, p.Forward, p.Return)
				}
				var got []blk
				for _, b := range p.Blockers {
					got = append(got, blk{string(b.Resource), string(b.Kind), string(b.Direction), b.Text()})
					if b.Fix == "" {
						t.Errorf("%s: no fix", b.Text())
					}
				}
				if diff := cmp.Diff(tc.want(string(p.Flow.Dst.Addr)), got); diff != "" {
					t.Errorf("%s blocks (-want +got):\n%s", p.Flow.Dst, diff)
				}
				if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, `"if ..."`) }) {
					t.Errorf("no note on the assumption: %q", p.Notes)
				}
			}
		})
	}
}

// TestReplyRouteMissingGoesOn: the internet reaches the load balancer, but
// the public table lost its default route; past it, the reply would meet
// a NACL that denies it.
func TestReplyRouteMissingGoesOn(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	for i := range n.RouteTables {
		if n.RouteTables[i].Addr == "rtb/public" {
			n.RouteTables[i].Routes = slices.DeleteFunc(n.RouteTables[i].Routes, func(r model.Route) bool { return r.TargetKind == model.TargetIGW })
		}
	}
	for i := range n.NetworkACLs {
		if n.NetworkACLs[i].Addr == "nacl/public" {
			n.NetworkACLs[i].Entries = append(n.NetworkACLs[i].Entries, model.NACLEntry{RuleNumber: 1, Egress: true,
				Protocol: model.TCP, Ports: model.AnyPort, CIDR: pfx("203.0.113.0/24"), Action: model.Deny})
		}
	}
	a := reach(t, NewIndex(n), "internet", "alb", model.TCP, 443)
	if a.Verdict != Blocked {
		t.Fatalf("verdict %s", a.Verdict)
	}
	// The exact answer has two blocked classes for each of the three
	// load-balancer interfaces: 203.0.113.0/24, which the NACL denies too,
	// and the rest of the internet, which only the missing route stops.
	if len(a.Paths) != 6 {
		t.Fatalf("%d classes, want 6", len(a.Paths))
	}
	var got []string
	for _, p := range a.Paths[:2] {
		if p.Flow.Src.IP != InternetIPv4 {
			if len(p.Blockers) != 1 || p.Blockers[0].Kind != "route" {
				t.Errorf("the rest of the internet: blocks %+v, want only the missing route", p.Blockers)
			}
			continue
		}
		if want := []netip.Prefix{pfx("203.0.113.0/24")}; !slices.Equal(p.Class.Src, want) {
			t.Errorf("class %v, want %v", p.Class.Src, want)
		}
		for _, b := range p.Blockers {
			got = append(got, fmt.Sprintf("%s %s %s", b.Resource, b.Direction, b.Text()))
		}
	}
	want := []string{
		"rtb/public return rtb/public has no route to 203.0.113.10",
		"nacl/public return if the reply had reached the internet: nacl/public out rule 1 deny tcp/all ports to 203.0.113.0/24 matches tcp/49152 to 203.0.113.10 first",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blocks (-want +got):\n%s", diff)
	}
}

// TestAssumedBlocksNeverChangeVerdicts: on every example and golden
// stack, a path with blocks found under an assumption also has one
// without, and is blocked.
func TestAssumedBlocksNeverChangeVerdicts(t *testing.T) {
	for _, path := range goldenStacks(t) {
		ix := NewIndex(compiled(t, path))
		for _, q := range [][2]string{{"internet", "db"}, {"internet", "service"}, {"service", "internet"}, {"db", "internet"}, {"alb", "db"}} {
			a, err := ix.Reach(Question{From: q[0], To: q[1]})
			if err != nil {
				continue
			}
			for _, p := range a.Paths {
				assumed, actual := 0, 0
				for _, b := range p.Blockers {
					if b.Assuming != "" {
						assumed++
					} else {
						actual++
					}
				}
				if assumed > 0 && (p.Reachable || actual == 0) {
					t.Errorf("%s: %s -> %s: %d assumed blocks, %d actual, reachable %v", path, p.Flow.Src, p.Flow.Dst, assumed, actual, p.Reachable)
				}
			}
		}
	}
}
