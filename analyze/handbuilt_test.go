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

// Small networks built by hand, one feature each: peering, Transit
// Gateway, NAT gateway.

// netb builds a model.Network: VPCs with one subnet per call, each with
// its own route table, an allow-all NACL and one interface.
type netb struct{ n model.Network }

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

func (b *netb) vpc(name, cidr string) {
	b.n.VPCs = append(b.n.VPCs, model.VPC{Addr: model.ResourceRef("vpc/" + name), CIDR: pfx(cidr)})
}

// subnet adds subnet/NAME in vpc/VPC with rtb/NAME (a local route to the
// VPC's CIDR and routes), nacl/NAME allowing everything, and eni/NAME at
// host .10 in sg/NAME, which allows all egress and ingress from 10/8.
func (b *netb) subnet(name, vpc, cidr, zone string, routes ...model.Route) {
	v, _ := b.n.VPC(model.ResourceRef("vpc/" + vpc))
	sa, rt, acl, sg := model.ResourceRef("subnet/"+name), model.ResourceRef("rtb/"+name), model.ResourceRef("nacl/"+name), model.ResourceRef("sg/"+name)
	b.n.Subnets = append(b.n.Subnets, model.Subnet{Addr: sa, VPC: v.Addr, ZoneID: zone, CIDR: pfx(cidr), RouteTable: rt, NACL: acl, IPv6Index: -1})
	b.n.RouteTables = append(b.n.RouteTables, model.RouteTable{Addr: rt, VPC: v.Addr,
		Routes: append([]model.Route{{Dest: v.CIDR, TargetKind: model.TargetLocal}}, routes...)})
	all := pfx("0.0.0.0/0")
	b.n.NetworkACLs = append(b.n.NetworkACLs, model.NetworkACL{Addr: acl, VPC: v.Addr, Entries: []model.NACLEntry{
		{RuleNumber: 100, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: all, Action: model.Allow},
		{RuleNumber: 100, Egress: true, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: all, Action: model.Allow},
	}})
	b.n.SecurityGroups = append(b.n.SecurityGroups, model.SecurityGroup{Addr: sg, VPC: v.Addr,
		Ingress: []model.SGRule{{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("10.0.0.0/8")}}},
		Egress:  []model.SGRule{{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: all}}}})
	host := pfx(cidr).Addr().As4()
	host[3] = 10
	b.n.ENIs = append(b.n.ENIs, model.ENI{Addr: model.ResourceRef("eni/" + name), Subnet: sa, PrivateIP: netip.AddrFrom4(host),
		SecurityGroups: []model.ResourceRef{sg}, SourceDestCheck: true})
}

func (b *netb) routeTable(name string) *model.RouteTable {
	for i := range b.n.RouteTables {
		if b.n.RouteTables[i].Addr == model.ResourceRef("rtb/"+name) {
			return &b.n.RouteTables[i]
		}
	}
	panic("no rtb/" + name)
}

// dropRoute removes the route to dest from rtb/NAME.
func (b *netb) dropRoute(name, dest string) {
	rt := b.routeTable(name)
	rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool { return r.Dest == pfx(dest) })
}

func route(dest string, kind model.TargetKind, target string) model.Route {
	return model.Route{Dest: pfx(dest), TargetKind: kind, Target: model.ResourceRef(target)}
}

func (b *netb) ask(t *testing.T, from, to string, port int) Answer {
	t.Helper()
	return reach(t, NewIndex(&b.n), from, to, model.TCP, port)
}

// blockKey is what a test asserts of a block: where, what, which way,
// under which assumption.
type blockKey struct {
	Resource  model.ResourceRef
	Kind      HopKind
	Direction Direction
	Assuming  string
}

func keys(p Path) []blockKey {
	var out []blockKey
	for _, b := range p.Blockers {
		out = append(out, blockKey{b.Resource, b.Kind, b.Direction, b.Assuming})
	}
	return out
}

func hopText(hops []Hop) string {
	var s []string
	for _, h := range hops {
		s = append(s, fmt.Sprintf("%s[%s] %s", h.Resource, h.Kind, h.Rule))
	}
	return strings.Join(s, "\n")
}

// findHop returns the first hop of kind whose resource is res.
func findHop(hops []Hop, res model.ResourceRef, kind HopKind) (Hop, bool) {
	for _, h := range hops {
		if h.Resource == res && h.Kind == kind {
			return h, true
		}
	}
	return Hop{}, false
}

func onlyPath(t *testing.T, a Answer) Path {
	t.Helper()
	if len(a.Paths) != 1 {
		t.Fatalf("%d paths, want 1", len(a.Paths))
	}
	return a.Paths[0]
}

func wantBlocks(t *testing.T, p Path, want []blockKey) {
	t.Helper()
	if diff := cmp.Diff(want, keys(p)); diff != "" {
		var why []string
		for _, b := range p.Blockers {
			why = append(why, b.Text())
		}
		t.Errorf("blocks (-want +got):\n%s\n%s", diff, strings.Join(why, "\n"))
	}
}

// --- VPC peering ---

// peered is A <-> B <-> C: A and C both peer with B only. Every table
// routes the other two VPCs' CIDRs to its peering.
func peered() *netb {
	b := &netb{}
	b.vpc("a", "10.1.0.0/16")
	b.vpc("b", "10.2.0.0/16")
	b.vpc("c", "10.3.0.0/16")
	b.n.PeeringConnections = []model.PeeringConnection{
		{Addr: "pcx/ab", ID: "pcx-0ab", Requester: "vpc/a", Accepter: "vpc/b", Active: true},
		{Addr: "pcx/bc", ID: "pcx-0bc", Requester: "vpc/b", Accepter: "vpc/c", Active: true},
	}
	b.subnet("a", "a", "10.1.1.0/24", "use1-az1",
		route("10.2.0.0/16", model.TargetPeering, "pcx/ab"), route("10.3.0.0/16", model.TargetPeering, "pcx/ab"))
	b.subnet("b", "b", "10.2.1.0/24", "use1-az1",
		route("10.1.0.0/16", model.TargetPeering, "pcx/ab"), route("10.3.0.0/16", model.TargetPeering, "pcx/bc"))
	b.subnet("c", "c", "10.3.1.0/24", "use1-az1",
		route("10.2.0.0/16", model.TargetPeering, "pcx/bc"), route("10.1.0.0/16", model.TargetPeering, "pcx/bc"))
	return b
}

func TestPeeringBothWays(t *testing.T) {
	b := peered()
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 22))
	if !p.Reachable {
		t.Fatalf("eni/a -> eni/b blocked: %v", p.Blockers)
	}
	for _, hops := range [][]Hop{p.Forward, p.Return} {
		if _, ok := findHop(hops, "pcx/ab", "peering"); !ok {
			t.Errorf("no peering hop:\n%s", hopText(hops))
		}
	}
	if h, ok := findHop(p.Forward, "eni/b", "sg-ingress"); !ok || !strings.Contains(h.Rule, "sg/b: all traffic from 10.0.0.0/8") {
		t.Errorf("no sg ingress hop naming the rule:\n%s", hopText(p.Forward))
	}
	// Security groups still apply across a peering.
	sg := &b.n.SecurityGroups[1]
	sg.Ingress[0].Peer.CIDR = pfx("10.2.0.0/16")
	p = onlyPath(t, b.ask(t, "eni/a", "eni/b", 22))
	wantBlocks(t, p, []blockKey{{"sg/b", "sg-ingress", Forward, ""}})
}

func TestPeeringNotTransitive(t *testing.T) {
	b := peered()
	a := b.ask(t, "eni/a", "eni/c", 22)
	p := onlyPath(t, a)
	if p.Reachable || a.Verdict != Blocked {
		t.Fatalf("A reaches C through B: %s", p.Summary())
	}
	if len(p.Blockers) == 0 || !strings.Contains(p.Blockers[0].Reason, "peering is not transitive") || p.Blockers[0].Resource != "pcx/ab" {
		t.Fatalf("first block should be pcx/ab, not transitive: %v", p.Blockers)
	}
	// Past it, as if the packet had reached C: C's reply is sent to B's
	// peering, which does not carry it to A either.
	wantBlocks(t, p, []blockKey{
		{"pcx/ab", "peering", Forward, ""},
		{"pcx/bc", "peering", Return, "the packet had reached subnet/c"},
	})
	if _, ok := findHop(p.Forward, "pcx/ab", "peering"); ok {
		t.Errorf("a forward hop through pcx/ab that the packet never made:\n%s", hopText(p.Forward))
	}
}

func TestPeeringMissingReturnRoute(t *testing.T) {
	b := peered()
	b.dropRoute("b", "10.1.0.0/16")
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 22))
	if p.Reachable {
		t.Fatal("reachable without a return route")
	}
	wantBlocks(t, p, []blockKey{{"rtb/b", "route", Return, ""}})
	if r := p.Blockers[0].Reason; r != "rtb/b has no route to 10.1.1.10" {
		t.Errorf("reason %q", r)
	}
	if _, ok := findHop(p.Forward, "pcx/ab", "peering"); !ok {
		t.Errorf("the forward packet crossed the peering:\n%s", hopText(p.Forward))
	}
}

func TestPeeringInactive(t *testing.T) {
	b := peered()
	b.n.PeeringConnections[0].Active = false
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 22))
	if p.Reachable || len(p.Blockers) == 0 || p.Blockers[0].Resource != "pcx/ab" || !strings.Contains(p.Blockers[0].Reason, "not active") {
		t.Fatalf("want pcx/ab not active, got %v", p.Blockers)
	}
}

// TestRouteMissingGoesOn: a forward route is missing, and past it the
// destination's group would refuse the port too; both are named, the
// second under the assumption that the packet arrived.
func TestRouteMissingGoesOn(t *testing.T) {
	b := peered()
	b.dropRoute("a", "10.2.0.0/16")
	sg := &b.n.SecurityGroups[1] // sg/b: only SSH
	sg.Ingress[0].Protocol, sg.Ingress[0].Ports = model.TCP, model.Port(22)
	acl := &b.n.NetworkACLs[1] // nacl/b: deny 5432 first
	acl.Entries = append(acl.Entries, model.NACLEntry{RuleNumber: 50, Protocol: model.TCP, Ports: model.Port(5432), CIDR: pfx("10.1.0.0/16"), Action: model.Deny})
	a := b.ask(t, "eni/a", "eni/b", 5432)
	p := onlyPath(t, a)
	if p.Reachable || a.Verdict != Blocked {
		t.Fatal("reachable")
	}
	wantBlocks(t, p, []blockKey{
		{"rtb/a", "route", Forward, ""},
		{"nacl/b", "nacl-in", Forward, "the packet had reached subnet/b"},
		{"sg/b", "sg-ingress", Forward, "the packet had reached subnet/b"},
	})
	if got := p.Blockers[1].Text(); !strings.HasPrefix(got, "if the packet had reached subnet/b: nacl/b") {
		t.Errorf("text %q", got)
	}
	// Forward keeps only what the packet passed: nothing in VPC B.
	for _, h := range p.Forward {
		if strings.HasSuffix(string(h.Resource), "/b") {
			t.Errorf("forward hop %v the packet never reached", h)
		}
	}
	if len(p.Return) != 0 {
		t.Errorf("return hops for a reply that was never sent: %v", p.Return)
	}
}

// --- Transit Gateway ---

// hub is VPCs A and B attached to tgw/main, both associated with
// tgw-rtb/main and propagating into it; A has a second subnet in a zone
// the attachment does not cover.
func hub() *netb {
	b := &netb{}
	b.vpc("a", "10.1.0.0/16")
	b.vpc("b", "10.2.0.0/16")
	b.subnet("a", "a", "10.1.1.0/24", "use1-az1", route("10.2.0.0/16", model.TargetTGW, "tgw/main"))
	b.subnet("a2", "a", "10.1.2.0/24", "use1-az2", route("10.2.0.0/16", model.TargetTGW, "tgw/main"))
	b.subnet("b", "b", "10.2.1.0/24", "use1-az1", route("10.1.0.0/16", model.TargetTGW, "tgw/main"))
	b.n.TransitGateways = []model.TransitGateway{{Addr: "tgw/main", ID: "tgw-0main"}}
	b.n.TGWAttachments = []model.TGWAttachment{
		{Addr: "tgw-attach/a", TGW: "tgw/main", Kind: model.TGWAttachVPC, VPC: "vpc/a", Subnets: []model.ResourceRef{"subnet/a"}, RouteTable: "tgw-rtb/main"},
		{Addr: "tgw-attach/b", TGW: "tgw/main", Kind: model.TGWAttachVPC, VPC: "vpc/b", Subnets: []model.ResourceRef{"subnet/b"}, RouteTable: "tgw-rtb/main"},
	}
	b.n.TGWRouteTables = []model.TGWRouteTable{{Addr: "tgw-rtb/main", TGW: "tgw/main",
		Associations: []model.ResourceRef{"tgw-attach/a", "tgw-attach/b"},
		Propagations: []model.ResourceRef{"tgw-attach/a", "tgw-attach/b"}}}
	return b
}

func TestTGWPropagated(t *testing.T) {
	b := hub()
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 443))
	if !p.Reachable {
		t.Fatalf("blocked: %v", p.Blockers)
	}
	// association -> route table -> attachment, both ways.
	want := []string{"tgw-attach/a", "tgw-rtb/main", "tgw-attach/b"}
	var got []string
	for _, h := range p.Forward {
		if strings.HasPrefix(string(h.Kind), "tgw") {
			got = append(got, string(h.Resource))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("forward TGW hops %v, want %v\n%s", got, want, hopText(p.Forward))
	}
	if h, ok := findHop(p.Forward, "tgw-rtb/main", "tgw-route"); !ok || h.Rule != "route 10.2.0.0/16 -> tgw-attach/b (propagated)" {
		t.Errorf("route hop %q", h.Rule)
	}
	if h, ok := findHop(p.Return, "tgw-rtb/main", "tgw-route"); !ok || h.Rule != "route 10.1.0.0/16 -> tgw-attach/a (propagated)" {
		t.Errorf("return route hop %q\n%s", h.Rule, hopText(p.Return))
	}
}

func TestTGWStaticBeatsPropagated(t *testing.T) {
	b := hub()
	rt := &b.n.TGWRouteTables[0]
	// A third VPC's attachment would carry it; here a static route to the
	// same prefix points at B's attachment and wins.
	rt.Routes = []model.TGWRoute{{Dest: pfx("10.2.0.0/16"), Attachment: "tgw-attach/b"}}
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 443))
	if h, _ := findHop(p.Forward, "tgw-rtb/main", "tgw-route"); h.Rule != "route 10.2.0.0/16 -> tgw-attach/b (static)" {
		t.Errorf("route hop %q", h.Rule)
	}
	// A static blackhole for the same prefix drops it, and is named.
	rt.Routes = []model.TGWRoute{{Dest: pfx("10.2.0.0/16"), Blackhole: true}}
	p = onlyPath(t, b.ask(t, "eni/a", "eni/b", 443))
	wantBlocks(t, p, []blockKey{{"tgw-rtb/main", "tgw-route", Forward, ""}})
	if r := p.Blockers[0].Reason; r != "tgw-rtb/main: route 10.2.0.0/16 is a blackhole" {
		t.Errorf("reason %q", r)
	}
	// So does a more specific one: longest prefix first.
	rt.Routes = []model.TGWRoute{{Dest: pfx("10.2.1.0/24"), Blackhole: true}}
	p = onlyPath(t, b.ask(t, "eni/a", "eni/b", 443))
	if p.Reachable || len(p.Blockers) == 0 || !strings.Contains(p.Blockers[0].Reason, "10.2.1.0/24 is a blackhole") {
		t.Errorf("want the /24 blackhole, got %v", p.Blockers)
	}
}

func TestTGWNoPropagationNoRoute(t *testing.T) {
	b := hub()
	b.n.TGWRouteTables[0].Propagations = []model.ResourceRef{"tgw-attach/a"}
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 443))
	wantBlocks(t, p, []blockKey{{"tgw-rtb/main", "tgw-route", Forward, ""}})
	if r := p.Blockers[0].Reason; r != "tgw-rtb/main has no route to 10.2.1.10" {
		t.Errorf("reason %q", r)
	}
	// B -> A still has its route there; the reply does not.
	p = onlyPath(t, b.ask(t, "eni/b", "eni/a", 443))
	wantBlocks(t, p, []blockKey{{"tgw-rtb/main", "tgw-route", Return, ""}})
}

func TestTGWNoAssociation(t *testing.T) {
	b := hub()
	b.n.TGWAttachments[0].RouteTable = ""
	b.n.TGWRouteTables[0].Associations = []model.ResourceRef{"tgw-attach/b"}
	p := onlyPath(t, b.ask(t, "eni/a", "eni/b", 443))
	if p.Reachable || len(p.Blockers) == 0 {
		t.Fatal("reachable without an association")
	}
	if bl := p.Blockers[0]; bl.Resource != "tgw-attach/a" || bl.Reason != "tgw-attach/a is associated with no route table" {
		t.Errorf("block %+v", bl)
	}
}

func TestTGWZoneWithoutAttachmentSubnet(t *testing.T) {
	b := hub()
	p := onlyPath(t, b.ask(t, "eni/a2", "eni/b", 443))
	if p.Reachable || len(p.Blockers) == 0 || p.Blockers[0].Resource != "tgw-attach/a" || !strings.Contains(p.Blockers[0].Reason, "no subnet in zone use1-az2") {
		t.Fatalf("want tgw-attach/a has no subnet in use1-az2, got %v", p.Blockers)
	}
}

// --- NAT gateway ---

// natted is a public subnet with a NAT gateway (198.51.100.5) and a
// private one whose default route points at it; eni/app in the private
// subnet admits SSH from anywhere.
func natted() *netb {
	b := &netb{}
	b.vpc("main", "10.0.0.0/16")
	b.n.InternetGateways = []model.InternetGateway{{Addr: "igw/main", VPC: "vpc/main"}}
	b.subnet("public", "main", "10.0.0.0/24", "use1-az1", route("0.0.0.0/0", model.TargetIGW, "igw/main"))
	b.subnet("app", "main", "10.0.1.0/24", "use1-az1", route("0.0.0.0/0", model.TargetNATGateway, "natgw/a"))
	b.n.SecurityGroups[1].Ingress = append(b.n.SecurityGroups[1].Ingress,
		model.SGRule{Protocol: model.TCP, Ports: model.Port(22), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("0.0.0.0/0")}})
	b.n.ENIs = append(b.n.ENIs, model.ENI{Addr: "eni/natgw-a", Subnet: "subnet/public", PrivateIP: ip("10.0.0.5"), PublicIP: ip("198.51.100.5"),
		HasPublicIP: true, Type: "nat_gateway", SourceDestCheck: true})
	b.n.NATGateways = []model.NATGateway{{Addr: "natgw/a", VPC: "vpc/main", Subnet: "subnet/public", PublicIPs: 1, ENI: "eni/natgw-a"}}
	return b
}

func TestNATGatewayOutbound(t *testing.T) {
	p := onlyPath(t, natted().ask(t, "eni/app", "internet", 443))
	if !p.Reachable {
		t.Fatalf("blocked: %v", p.Blockers)
	}
	if h, ok := findHop(p.Forward, "eni/natgw-a", "nat"); !ok || h.Rule != "NAT gateway translates 10.0.1.10 -> 10.0.0.5" {
		t.Errorf("nat hop %q\n%s", h.Rule, hopText(p.Forward))
	}
	if h, ok := findHop(p.Forward, "igw/main", "igw"); !ok || !strings.Contains(h.Rule, "10.0.0.5 -> 198.51.100.5") {
		t.Errorf("igw hop %q", h.Rule)
	}
	if h, ok := findHop(p.Return, "eni/natgw-a", "nat"); !ok || h.Rule != "reply translated back: 10.0.0.5 -> 10.0.1.10" {
		t.Errorf("return nat hop %q\n%s", h.Rule, hopText(p.Return))
	}
}

// TestNATGatewayNoInbound: a NAT gateway's sessions are opened from
// inside; the internet cannot open one, neither to the gateway's address
// nor to the instance behind it, whatever the instance's group allows.
func TestNATGatewayNoInbound(t *testing.T) {
	b := natted()
	p := onlyPath(t, b.ask(t, "internet", "198.51.100.5", 22))
	if p.Reachable {
		t.Fatal("the internet opened a connection through the NAT gateway")
	}
	wantBlocks(t, p, []blockKey{{"eni/natgw-a", "nat", Forward, ""}})
	if r := p.Blockers[0].Reason; !strings.Contains(r, "accepts no connections") {
		t.Errorf("reason %q", r)
	}

	p = onlyPath(t, b.ask(t, "internet", "eni/app", 22))
	if p.Reachable {
		t.Fatal("the internet reached the private instance")
	}
	// Even given a public IP, the reply would leave through the NAT
	// gateway, which has no session for it.
	wantBlocks(t, p, []blockKey{
		{"eni/app", "address", Forward, ""},
		{"eni/natgw-a", "nat", Return, "eni/app had a public IP"},
	})
}
