package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

// TestIPv6FromTheInternet: a VPC's IPv6 addresses are global, so a packet
// from the internet enters through the internet gateway, untranslated,
// and meets the destination subnet's network ACL; a reply to an IPv6 flow
// out through the egress-only gateway comes back the same way and meets
// the ACL too. Before, both were taken as delivered on the internet.
func TestIPv6FromTheInternet(t *testing.T) {
	ix := NewIndex(compiled(t, "testdata/golden/ipv6-bastion-ssh.yaml"))
	hops := func(p Path) string {
		var s []string
		for _, h := range append(append([]Hop{}, p.Forward...), p.Return...) {
			s = append(s, string(h.Resource)+" "+h.Rule)
		}
		return strings.Join(s, "; ")
	}
	for _, c := range []struct {
		name, from, to string
		port           int
		want           Verdict
		hop, block     string
	}{
		{"the service port of a private host: the ACL denies it from ::/0", "internet", "2001:db8:0:8::10", 8443, Blocked,
			"igw/main IPv6 to 2001:db8:0:8::10", "nacl/private in rule 130 deny"},
		{"the database port in an isolated subnet: denied", "internet", "2001:db8:0:10::10", 6432, Blocked,
			"igw/main", "nacl/isolated in rule 130 deny"},
		{"out through the egress-only gateway: the reply comes back through it and the ACL", "2001:db8:0:8::10", "internet", 443, Reachable,
			"eigw/main IPv6 reply back in to 2001:db8:0:8::10", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := reach(t, ix, c.from, c.to, model.TCP, c.port)
			if a.Verdict != c.want || len(a.Paths) != 1 {
				t.Fatalf("verdict %s over %d paths, want %s: %+v", a.Verdict, len(a.Paths), c.want, a.Paths)
			}
			p := a.Paths[0]
			if !strings.Contains(hops(p), c.hop) {
				t.Errorf("hops %q lack %q", hops(p), c.hop)
			}
			if c.block != "" {
				found := false
				for _, b := range p.Blockers {
					found = found || strings.Contains(string(b.Resource)+" "+b.Reason, c.block)
				}
				if !found {
					t.Errorf("blocks %+v lack %q", p.Blockers, c.block)
				}
			}
			if c.want == Reachable {
				var acl bool
				for _, h := range p.Return {
					acl = acl || (h.Resource == "subnet/private/usw2-az1" && strings.Contains(h.Rule, "nacl/private in"))
				}
				if !acl {
					t.Errorf("the reply skipped the subnet's inbound ACL: %s", hops(p))
				}
			}
		})
	}

	// An IPv6 host and an IPv4-only interface (RDS without NetworkType
	// DUAL) share no packet.
	mixed := reach(t, ix, "2001:db8::1", "db", model.TCP, 6432)
	for _, p := range mixed.Paths {
		if p.Reachable || len(p.Blockers) != 1 || !strings.Contains(p.Blockers[0].Reason, "different IP versions") {
			t.Errorf("IPv6 host -> IPv4 database: %+v", p)
		}
	}
	// The service's tasks have IPv6 addresses in their dual-stack subnets,
	// and sg/service admits only sg/alb: an IPv6 host is stopped there.
	for _, p := range reach(t, ix, "2001:db8::1", "service", model.TCP, 8443).Paths {
		if p.Reachable || !p.Flow.Dst.IP.Is6() || len(p.Blockers) != 1 || p.Blockers[0].Resource != "sg/service" {
			t.Errorf("IPv6 host -> service over IPv6: %+v", p)
		}
	}

	// A VPC with no internet gateway: the internet cannot open a
	// connection to its IPv6 addresses, egress-only gateway or not.
	n := compiled(t, "testdata/golden/ipv6-bastion-ssh.yaml")
	n.InternetGateways = nil
	a := reach(t, NewIndex(n), "internet", "2001:db8:0:8::10", model.TCP, 8443)
	if a.Verdict != Blocked || len(a.Paths) != 1 || len(a.Paths[0].Blockers) == 0 || !strings.Contains(a.Paths[0].Blockers[0].Reason, "has no internet gateway") {
		t.Errorf("without an internet gateway: %+v", a)
	}
}

// TestIPv6Exposure: an interface with an IPv6 address in a VPC with an
// internet gateway is exposed over IPv6 when a security group rule admits
// a public IPv6 range and the subnet's ACL lets the port in, whatever its
// subnet's routes: no public IPv4 address is needed.
func TestIPv6Exposure(t *testing.T) {
	n := compiled(t, "testdata/golden/ipv6-bastion-ssh.yaml")
	v6 := netip.MustParseAddr("2001:db8:0:8::20") // in subnet/private/usw2-az1's /64
	found := false
	for i := range n.ENIs {
		if n.ENIs[i].Addr == "eni/service/usw2-az1" {
			n.ENIs[i].IPv6 = []netip.Addr{v6}
			found = true
		}
	}
	if !found {
		t.Fatal("no eni/service/usw2-az1")
	}
	any6 := model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("::/0")}
	any4 := model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}
	for i := range n.SecurityGroups {
		if n.SecurityGroups[i].Addr == "sg/service" {
			n.SecurityGroups[i].Ingress = append(n.SecurityGroups[i].Ingress,
				model.SGRule{Protocol: model.TCP, Ports: model.Port(9443), Peer: any6}, // the ACL's ephemeral rule lets it in
				model.SGRule{Protocol: model.TCP, Ports: model.Port(8443), Peer: any6}, // the ACL denies the app port from ::/0
				model.SGRule{Protocol: model.TCP, Ports: model.Port(9443), Peer: any4}) // no public IPv4: not addressable
		}
	}
	var got []string
	for _, e := range NewIndex(n).Exposure() {
		if e.ENI != "eni/service/usw2-az1" {
			continue
		}
		if e.IPv6 != v6 || e.PublicIP.IsValid() {
			t.Errorf("exposed at %s / %s, want IPv6 %s only", e.PublicIP, e.IPv6, v6)
		}
		for _, p := range e.Ports {
			got = append(got, fmt.Sprintf("%s/%s from %s", p.Proto, p.Ports, p.From))
		}
	}
	if want := []string{"tcp/9443 from ::/0"}; !slices.Equal(got, want) {
		t.Errorf("exposed ports %v, want %v", got, want)
	}
}

// TestVerifyDualStack: a dual-stack design is proved over IPv6 as well,
// and each IPv6 check fails when the setting behind it is broken.
func TestVerifyDualStack(t *testing.T) {
	const stack = "testdata/golden/ipv6-bastion-ssh.yaml"
	any6 := netip.MustParsePrefix("::/0")
	intents := func(checks []Check) []string {
		var out []string
		for _, c := range checks {
			if strings.Contains(c.Intent, "IPv6") {
				out = append(out, c.Intent)
			}
		}
		return out
	}
	base := NewIndex(compiled(t, stack)).Verify(nil)
	if bad := allFailed(base); len(bad) > 0 {
		t.Fatalf("the design fails: %v", bad)
	}
	// Two listeners over IPv6, four private subnets out through the
	// egress-only gateway.
	if got := intents(base); len(got) != 6 {
		t.Errorf("IPv6 checks %v, want 6", got)
	}
	for _, m := range []struct {
		name, intent string
		mutate       func(n *model.Network)
	}{
		{"the public ACL drops HTTPS from ::/0", "alb on its HTTPS:443 listener over IPv6", func(n *model.Network) {
			for i := range n.NetworkACLs {
				if n.NetworkACLs[i].Addr == "nacl/public" {
					n.NetworkACLs[i].Entries = slices.DeleteFunc(n.NetworkACLs[i].Entries, func(e model.NACLEntry) bool {
						return !e.Egress && e.CIDR == any6 && e.Ports == model.Port(443)
					})
				}
			}
		}},
		{"the service admits ::/0 and its ACL no longer denies it", "service is reached on tcp/8443 only from alb", func(n *model.Network) {
			for i := range n.NetworkACLs {
				if n.NetworkACLs[i].Addr == "nacl/private" {
					n.NetworkACLs[i].Entries = slices.DeleteFunc(n.NetworkACLs[i].Entries, func(e model.NACLEntry) bool {
						return e.Action == model.Deny && e.CIDR == any6
					})
					n.NetworkACLs[i].Entries = append(n.NetworkACLs[i].Entries, model.NACLEntry{RuleNumber: 95, Protocol: model.TCP, Ports: model.Port(8443), CIDR: any6, Action: model.Allow})
				}
			}
			for i := range n.SecurityGroups {
				if n.SecurityGroups[i].Addr == "sg/service" {
					n.SecurityGroups[i].Ingress = append(n.SecurityGroups[i].Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(8443), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: any6}})
				}
			}
		}},
		{"a private route table sends ::/0 to the internet gateway", "subnet/private/usw2-az2 reaches the internet over IPv6, only through an egress-only gateway", func(n *model.Network) {
			for i := range n.RouteTables {
				if n.RouteTables[i].Addr != "rtb/private/usw2-az2" {
					continue
				}
				for j, r := range n.RouteTables[i].Routes {
					if r.Dest == any6 {
						n.RouteTables[i].Routes[j].TargetKind, n.RouteTables[i].Routes[j].Target = model.TargetIGW, "igw/main"
					}
				}
			}
		}},
		{"the isolated route table gains ::/0 to the egress-only gateway", "subnet/isolated/usw2-az3 reaches nothing outside the VPC", func(n *model.Network) {
			for i := range n.RouteTables {
				if n.RouteTables[i].Addr == "rtb/isolated" {
					n.RouteTables[i].Routes = append(n.RouteTables[i].Routes, model.Route{Dest: any6, TargetKind: model.TargetEIGW, Target: "eigw/main"})
				}
			}
		}},
	} {
		t.Run(m.name, func(t *testing.T) {
			n := compiled(t, stack)
			m.mutate(n)
			checks := NewIndex(n).Verify(nil)
			bad := failed(checks, m.intent)
			if len(bad) == 0 {
				t.Fatalf("no failed check %q; failed: %v", m.intent, allFailed(checks))
			}
			if m.name == "the service admits ::/0 and its ACL no longer denies it" && !strings.HasPrefix(bad[0].Detail, "internet (IPv6) reaches eni/service/usw2-az1 on tcp/8443 over IPv6") {
				t.Errorf("the counterexample is not the IPv6 internet: %s", bad[0].Detail)
			}
		})
	}
}
