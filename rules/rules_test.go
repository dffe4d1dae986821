package rules

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/moatnet/moat/model"
)

var (
	pfx  = netip.MustParsePrefix
	addr = netip.MustParseAddr
)

// Rules are evaluated from the lowest rule number up, and the first that
// matches applies, whatever a higher-numbered rule says
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html);
// ingress and egress are separate numbered sets
// (https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_NetworkAclEntry.html);
// a packet no rule matches is denied (the "*" rule).
func TestACLFirstMatchByRuleNumber(t *testing.T) {
	acl := &model.NetworkACL{Addr: "nacl/a", Entries: []model.NACLEntry{
		// Listed out of order on purpose: the number decides, not the file.
		{RuleNumber: 200, Protocol: model.TCP, Ports: model.AnyPort, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
		{RuleNumber: 100, Protocol: model.TCP, Ports: model.Port(22), CIDR: pfx("0.0.0.0/0"), Action: model.Deny},
		{RuleNumber: 100, Egress: true, Protocol: model.AllProtocols, CIDR: pfx("10.0.0.0/8"), Action: model.Allow},
		{RuleNumber: 110, Protocol: model.AllProtocols, CIDR: pfx("::/0"), Action: model.Allow},
	}}
	c := CompileACL(acl)
	tests := []struct {
		name   string
		egress bool
		peer   string
		proto  model.Protocol
		port   int
		want   int // rule number; 0 for the implicit deny
	}{
		{"lower number wins though listed later", false, "203.0.113.5", model.TCP, 22, 100},
		{"next rule when the first does not match", false, "203.0.113.5", model.TCP, 443, 200},
		{"implicit deny: no entry for udp", false, "203.0.113.5", model.UDP, 53, 0},
		{"directions are separate", true, "10.1.2.3", model.UDP, 53, 100},
		{"implicit deny outbound", true, "192.0.2.1", model.TCP, 443, 0},
		{"an IPv6 entry matches IPv6 only", false, "2001:db8::1", model.UDP, 53, 110},
	}
	for _, tc := range tests {
		e := c.First(tc.egress, addr(tc.peer), tc.proto, tc.port)
		got := 0
		if e != nil {
			got = e.Rule.RuleNumber
		}
		if got != tc.want {
			t.Errorf("%s: rule %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := c.Text(c.First(false, addr("203.0.113.5"), model.TCP, 22)); got != "nacl/a in rule 100 deny tcp/22 from 0.0.0.0/0" {
		t.Errorf("text %q", got)
	}
}

// Security group rules only allow, and the rules of every group on an
// interface are aggregated into one set (union): "You can specify allow
// rules, but not deny rules" and "If you associate multiple security
// groups with a resource, the rules from each security group are
// effectively aggregated"
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
// A rule naming a group matches its members' private addresses; one
// naming a group the input does not define makes the answer unknown.
func TestSecurityGroupsUnion(t *testing.T) {
	none := func(string) *model.PrefixList { return nil }
	web := CompileGroup(&model.SecurityGroup{Addr: "sg/web", Ingress: []model.SGRule{
		{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("0.0.0.0/0")}},
	}}, none)
	ops := CompileGroup(&model.SecurityGroup{Addr: "sg/ops", Ingress: []model.SGRule{
		{Protocol: model.TCP, Ports: model.Port(22), Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/bastion"}},
		{Protocol: model.TCP, Ports: model.Port(9100), Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/elsewhere"}},
	}}, none)
	groups := []*Group{web, ops}
	defined := func(g model.ResourceRef) bool { return g != "sg/elsewhere" }
	inBastion := func(g model.ResourceRef) bool { return g == "sg/bastion" }
	internet := Peer{Addr: addr("198.51.100.7")}
	bastion := Peer{Addr: addr("10.0.0.9"), InGroup: inBastion}

	if a := Admit(groups, false, model.TCP, 443, internet, defined); a.Rule == nil || web.Text(a.Rule, false) != "sg/web: tcp/443 from 0.0.0.0/0" {
		t.Errorf("443 from the internet: %+v", a)
	}
	if a := Admit(groups, false, model.TCP, 22, bastion, defined); a.Group != ops {
		t.Errorf("22 from the bastion: the second group's rule should admit it: %+v", a)
	}
	if a := Admit(groups, false, model.TCP, 22, internet, defined); a.Rule != nil || a.Unknown != "" {
		t.Errorf("22 from the internet: %+v, want denied and known", a)
	}
	if a := Admit(groups, false, model.TCP, 9100, bastion, defined); a.Rule != nil || a.Unknown == "" {
		t.Errorf("9100 from a host an undefined group may hold: %+v, want not known", a)
	}
	if a := Admit(groups, true, model.TCP, 443, internet, defined); a.Rule != nil {
		t.Errorf("egress: no rule, nothing admitted: %+v", a)
	}
}

// A managed prefix list stands for its service; a customer list the input
// lacks is not known
// (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html).
func TestPrefixListPeers(t *testing.T) {
	lists := map[string]*model.PrefixList{"pl-1": {ID: "pl-1", Name: "corp", Entries: []netip.Prefix{pfx("192.0.2.0/24")}}}
	g := CompileGroup(&model.SecurityGroup{Addr: "sg/x", Egress: []model.SGRule{
		{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerPrefixList, PrefixList: "com.amazonaws.us-east-1.s3"}},
		{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerPrefixList, PrefixList: "pl-1"}},
		{Protocol: model.TCP, Ports: model.Port(8443), Peer: model.Peer{Kind: model.PeerPrefixList, PrefixList: "pl-missing"}},
	}}, func(s string) *model.PrefixList { return lists[s] })
	all := func(model.ResourceRef) bool { return true }
	if a := Admit([]*Group{g}, true, model.TCP, 443, Peer{Addr: addr("203.0.113.1"), Service: "s3"}, all); a.Rule != &g.Out[0] {
		t.Errorf("s3 by name: %+v", a)
	}
	if a := Admit([]*Group{g}, true, model.TCP, 443, Peer{Addr: addr("192.0.2.9")}, all); a.Rule != &g.Out[1] {
		t.Errorf("a customer list's entry: %+v", a)
	}
	if a := Admit([]*Group{g}, true, model.TCP, 8443, Peer{Addr: addr("192.0.2.9")}, all); a.Rule != nil || a.Unknown == "" {
		t.Errorf("a list the input lacks: %+v, want not known", a)
	}
}

// ICMP rules match a type (and code); -1 is any. ICMPv6 (58) is another
// protocol than ICMP (1): moat's "icmp" question over IPv6 is asked as
// ICMPv6 echo (128), which an ICMP rule does not match
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules-reference.html).
func TestICMPMatch(t *testing.T) {
	echo := Match{Proto: model.ICMP, ICMP: model.ICMPType(8)}
	unreachable := Match{Proto: model.ICMP, ICMP: model.ICMPMatch{Type: 3, Code: 4}}
	anyV6 := Match{Proto: model.ICMPv6, ICMP: model.AnyICMP}
	if !echo.Covers(model.ICMP, 8) || echo.Covers(model.ICMP, 0) || echo.Covers(model.ICMPv6, 128) {
		t.Error("echo request rule")
	}
	if unreachable.Covers(model.ICMP, 3) {
		t.Error("type 3 code 4 covered an echo's code 0")
	}
	p, port := InFamily(model.ICMP, 8, addr("2001:db8::1"))
	if p != model.ICMPv6 || port != 128 || !anyV6.Covers(p, port) || echo.Covers(p, port) {
		t.Errorf("icmp over IPv6 is %s type %d", p, port)
	}
	if echo.String() != "icmp type 8" || anyV6.String() != "icmpv6" || (Match{Proto: model.AllProtocols}).String() != "all traffic" {
		t.Errorf("texts %q %q", echo, anyV6)
	}
	gre := Match{Proto: model.ProtocolNumber(47), Ports: model.AnyPort}
	if !gre.Covers(model.ProtocolNumber(47), 0) || gre.Covers(model.TCP, 0) {
		t.Error("a GRE rule covers GRE only, with no ports")
	}
}

// Strict order: rules run in the order given and the first pass or drop
// decides; alert rules only log; a flow no rule matches gets the default
// action
// (https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html).
func TestFirewallStrictOrder(t *testing.T) {
	f := CompileFirewall([]model.FirewallRule{
		{Action: model.FirewallAlert, Protocol: model.AllProtocols},
		{Action: model.FirewallDrop, Protocol: model.TCP, Dest: pfx("192.0.2.0/24"), Ports: model.AnyPort},
		{Action: model.FirewallPass, Protocol: model.TCP, Ports: model.Port(443), Domains: []string{".example.com"}},
		{Action: model.FirewallPass, Protocol: model.TCP, Ports: model.AnyPort},
	}, model.FirewallDrop)
	tests := []struct {
		dst    string
		port   int
		host   string
		want   int
		domain string
	}{
		{"192.0.2.10", 443, "www.example.com", 1, ""}, // the drop comes first
		{"203.0.113.1", 443, "api.example.com", 2, ".example.com"},
		{"203.0.113.1", 443, "", 3, ""}, // no host: no domain rule matches
	}
	for _, tc := range tests {
		i, d := f.Decide(model.TCP, addr(tc.dst), tc.port, tc.host)
		if i != tc.want || d != tc.domain {
			t.Errorf("%s:%d %q: rule %d %q, want %d %q", tc.dst, tc.port, tc.host, i, d, tc.want, tc.domain)
		}
	}
	if i, _ := f.Decide(model.UDP, addr("203.0.113.1"), 53, ""); i != -1 || f.Default != model.FirewallDrop {
		t.Errorf("udp: rule %d, want the default action", i)
	}
	if CompileFirewall(nil, "").Default != model.FirewallPass {
		t.Error("an unknown default action is taken as pass")
	}
}

// "1. Longest prefix ... 2. Static routes ... 3. Prefix list routes ...
// 4. Propagated routes", and a local route beats a propagated one even
// when the propagated one is more specific
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
func TestRoutePriority(t *testing.T) {
	rt := &model.RouteTable{Addr: "rtb/a", Routes: []model.Route{
		{Dest: pfx("10.0.0.0/16"), TargetKind: model.TargetLocal},
		{Dest: pfx("172.31.0.0/24"), TargetKind: model.TargetVGW, Target: "vgw/a", Origin: model.RouteOriginPropagated},
		{Dest: pfx("172.31.0.0/24"), TargetKind: model.TargetIGW, Target: "igw/a"},
		{Dest: pfx("10.0.5.0/24"), TargetKind: model.TargetVGW, Target: "vgw/a", Propagated: true},
		{Dest: pfx("0.0.0.0/0"), TargetKind: model.TargetNATGateway, Target: "nat/a"},
		{DestPrefixList: "pl-corp", TargetKind: model.TargetTGW, Target: "tgw/a"},
		{Dest: pfx("198.51.100.0/24"), TargetKind: model.TargetPeering, Target: "pcx/a"},
	}}
	corp := &model.PrefixList{ID: "pl-corp", Entries: []netip.Prefix{pfx("198.51.100.0/24")}}
	tbl := CompileTable(rt, TableInput{Secondary: []netip.Prefix{pfx("100.64.0.0/16")}, PrefixList: func(s string) *model.PrefixList {
		if s == "pl-corp" {
			return corp
		}
		return nil
	}})
	tests := []struct{ dst, want string }{
		{"172.31.0.9", "route 172.31.0.0/24 -> igw/a"},     // static before propagated
		{"10.0.5.1", "route 10.0.0.0/16 -> local"},         // local beats a more specific propagated route
		{"198.51.100.1", "route 198.51.100.0/24 -> pcx/a"}, // static before prefix list
		{"8.8.8.8", "route 0.0.0.0/0 -> nat/a"},            // longest prefix
		{"100.64.3.3", "route 100.64.0.0/16 -> local"},     // every block has a local route
	}
	for _, tc := range tests {
		e, ok := tbl.Lookup(addr(tc.dst), "")
		if !ok || e.Text() != tc.want {
			t.Errorf("%s: %q, want %q", tc.dst, e.Text(), tc.want)
		}
	}
	// One route per prefix, the one Lookup picks: not the propagated
	// route to 172.31.0.0/24 (a static one exists), nor the one to
	// 10.0.5.0/24 (the local route to 10.0.0.0/16 beats it).
	got := Preferred(rt.Routes, []netip.Prefix{pfx("10.0.0.0/16"), pfx("100.64.0.0/16")})
	if len(got) != len(rt.Routes)-2 {
		t.Errorf("Preferred kept %d of %d routes, want two fewer: %v", len(got), len(rt.Routes), got)
	}
	for _, r := range got {
		if !r.Dest.IsValid() {
			continue
		}
		if e, ok := tbl.Lookup(r.Dest.Addr(), ""); !ok || e.Route.Target != r.Target || e.Route.TargetKind != r.TargetKind {
			t.Errorf("Preferred kept %s -> %s; Lookup picks %s", r.Dest, r.Target, e.Text())
		}
	}
}

// A Transit Gateway picks the longest prefix, and for one destination a
// static route before a prefix-list reference before a propagated route
// (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html#tgw-route-evaluation-overview).
// A VPC attachment that propagates into the table adds a route to each
// CIDR block of its VPC ("Use route propagation to add a route from an
// attachment to a route table",
// https://docs.aws.amazon.com/vpc/latest/tgw/enable-tgw-route-propagation.html);
// a prefix-list reference stands for the list's entries, not known when
// the input lacks the list.
func TestTGWTable(t *testing.T) {
	atts := map[model.ResourceRef]*model.TGWAttachment{
		"tgw-attach/spoke": {Addr: "tgw-attach/spoke", ID: "tgw-attach-1", Kind: model.TGWAttachVPC, VPC: "vpc/spoke", TGW: "tgw/a"},
		"tgw-attach/vpn":   {Addr: "tgw-attach/vpn", Kind: model.TGWAttachVPN, TGW: "tgw/a"},
		"tgw-attach/other": {Addr: "tgw-attach/other", Kind: model.TGWAttachVPC, VPC: "vpc/other", TGW: "tgw/b"},
	}
	in := TGWInput{
		PrefixList: func(s string) *model.PrefixList {
			if s == "pl-corp" {
				return &model.PrefixList{ID: "pl-corp", Entries: []netip.Prefix{pfx("192.0.2.0/24"), pfx("198.51.100.0/24")}}
			}
			return nil
		},
		Attachment: func(a model.ResourceRef) *model.TGWAttachment {
			for _, x := range atts {
				if x.Addr == a || model.ResourceRef(x.ID) == a {
					return x
				}
			}
			return nil
		},
		VPCBlocks: func(v model.ResourceRef) []netip.Prefix {
			switch v {
			case "vpc/spoke":
				return []netip.Prefix{pfx("10.1.0.0/16"), {}, pfx("100.64.0.0/16")}
			case "vpc/other":
				return []netip.Prefix{pfx("10.9.0.0/16")}
			}
			return nil
		},
	}
	tbl := &model.TGWRouteTable{Addr: "tgw-rtb/a", TGW: "tgw/a",
		Propagations: []model.ResourceRef{"tgw-attach-1", "tgw-attach/vpn", "tgw-attach/other"},
		Routes: []model.TGWRoute{
			{Dest: pfx("0.0.0.0/0"), Attachment: "tgw-attach/egress"},
			{Dest: pfx("192.0.2.0/24"), Attachment: "tgw-attach/vpn", Propagated: true},
			{PrefixList: "pl-corp", Attachment: "tgw-attach/dx"},
			{Dest: pfx("198.51.100.0/24"), Attachment: "tgw-attach/static"},
			{PrefixList: "pl-missing", Attachment: "tgw-attach/dx"},
			{Dest: pfx("100.64.0.0/16"), Attachment: "tgw-attach/pinned"},
		}}
	c := CompileTGWTable(tbl, in)
	tests := []struct{ dst, want string }{
		{"192.0.2.7", "tgw-attach/dx"},        // a prefix-list reference before a propagated route
		{"198.51.100.7", "tgw-attach/static"}, // a static route before a prefix-list reference
		{"10.1.2.3", "tgw-attach/spoke"},      // learned from the propagation, by the attachment's id
		{"100.64.1.1", "tgw-attach/pinned"},   // the table's own route to a block wins
		{"10.9.0.1", "tgw-attach/egress"},     // another Transit Gateway's attachment propagates nothing here
		{"203.0.113.1", "tgw-attach/egress"},  // the default route
	}
	for _, tc := range tests {
		r := c.Lookup(addr(tc.dst))
		if r == nil || r.Attachment != model.ResourceRef(tc.want) {
			t.Errorf("%s: %+v, want %s", tc.dst, r, tc.want)
		}
	}
	if len(c.Unresolved) != 1 || c.Unresolved[0] != "pl-missing" {
		t.Errorf("unresolved %v, want pl-missing", c.Unresolved)
	}
	// One route per prefix, in the table's order, learned routes last.
	var got []string
	for _, r := range c.Preferred() {
		got = append(got, r.Dest.String()+" "+string(r.Attachment))
	}
	want := []string{
		"0.0.0.0/0 tgw-attach/egress", "192.0.2.0/24 tgw-attach/dx", "198.51.100.0/24 tgw-attach/static",
		"100.64.0.0/16 tgw-attach/pinned", "10.1.0.0/16 tgw-attach/spoke",
	}
	if !slices.Equal(got, want) {
		t.Errorf("preferred\n%q\nwant\n%q", got, want)
	}
}

// A lookup the caller leaves nil means the input holds none: prefix
// lists are then not known, never a panic.
func TestNilLookups(t *testing.T) {
	tbl := CompileTable(&model.RouteTable{Addr: "rtb/a", Routes: []model.Route{{DestPrefixList: "pl-corp", TargetKind: model.TargetTGW, Target: "tgw/a"}}}, TableInput{})
	if len(tbl.Unresolved) != 1 {
		t.Errorf("route table: unresolved %v", tbl.Unresolved)
	}
	g := CompileGroup(&model.SecurityGroup{Addr: "sg/a", Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerPrefixList, PrefixList: "pl-corp"}}}}, nil)
	if why := g.In[0].Unresolved(func(model.ResourceRef) bool { return true }); why == "" {
		t.Error("group: a prefix list the input lacks is known")
	}
	tgw := CompileTGWTable(&model.TGWRouteTable{Addr: "tgw-rtb/a", Propagations: []model.ResourceRef{"tgw-attach/a"}, Routes: []model.TGWRoute{{PrefixList: "pl-corp"}}}, TGWInput{})
	if len(tgw.Unresolved) != 1 || len(tgw.Routes) != 0 {
		t.Errorf("transit gateway table: %+v", tgw)
	}
}

// Two rules overlap when some packet matches both: the protocols
// (all traffic covers each), then the ports of TCP and UDP, or the ICMP
// type and code (-1 any).
func TestMatchOverlaps(t *testing.T) {
	all := Match{Proto: model.AllProtocols, Ports: model.AnyPort}
	web := Match{Proto: model.TCP, Ports: model.PortRange{From: 80, To: 443}}
	tests := []struct {
		a, b Match
		want bool
	}{
		{web, Match{Proto: model.TCP, Ports: model.Port(443)}, true},
		{web, Match{Proto: model.TCP, Ports: model.Port(8080)}, false},
		{web, Match{Proto: model.UDP, Ports: model.Port(443)}, false},
		{web, all, true},
		{all, Match{Proto: model.ICMP, ICMP: model.ICMPType(8)}, true},
		{Match{Proto: model.ICMP, ICMP: model.ICMPType(8)}, Match{Proto: model.ICMP, ICMP: model.ICMPType(0)}, false},
		{Match{Proto: model.ICMP, ICMP: model.ICMPMatch{Type: 3, Code: 4}}, Match{Proto: model.ICMP, ICMP: model.ICMPType(3)}, true},
		{Match{Proto: model.ICMP, ICMP: model.ICMPMatch{Type: 3, Code: 4}}, Match{Proto: model.ICMP, ICMP: model.ICMPMatch{Type: 3, Code: 1}}, false},
		{Match{Proto: model.ICMP, ICMP: model.AnyICMP}, Match{Proto: model.ICMPv6, ICMP: model.AnyICMP}, false},
		{Match{Proto: model.ProtocolNumber(47), Ports: model.AnyPort}, all, true},
		{Match{Proto: model.ProtocolNumber(47), Ports: model.AnyPort}, web, false},
	}
	for _, tc := range tests {
		if got := tc.a.Overlaps(tc.b); got != tc.want {
			t.Errorf("%s overlaps %s: %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := tc.b.Overlaps(tc.a); got != tc.want {
			t.Errorf("%s overlaps %s: %v, want %v (the other way)", tc.b, tc.a, got, tc.want)
		}
	}
}
