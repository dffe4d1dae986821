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
				for _, b := range p.Blocks {
					found = found || strings.Contains(string(b.Resource)+" "+b.Reason, c.block)
				}
				if !found {
					t.Errorf("blocks %+v lack %q", p.Blocks, c.block)
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

	// An IPv6 host and an IPv4-only interface share no packet.
	mixed := reach(t, ix, "2001:db8::1", "service", model.TCP, 8443)
	for _, p := range mixed.Paths {
		if p.Reachable || len(p.Blocks) != 1 || !strings.Contains(p.Blocks[0].Reason, "different IP versions") {
			t.Errorf("IPv6 host -> IPv4 service: %+v", p)
		}
	}

	// A VPC with no internet gateway: the internet cannot open a
	// connection to its IPv6 addresses, egress-only gateway or not.
	n := compiled(t, "testdata/golden/ipv6-bastion-ssh.yaml")
	n.InternetGateways = nil
	a := reach(t, NewIndex(n), "internet", "2001:db8:0:8::10", model.TCP, 8443)
	if a.Verdict != Blocked || len(a.Paths) != 1 || len(a.Paths[0].Blocks) == 0 || !strings.Contains(a.Paths[0].Blocks[0].Reason, "has no internet gateway") {
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
