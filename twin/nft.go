package twin

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// match is the protocol and port part of an nftables rule for a rule's
// match as package rules compiles it (ports are destination ports, in
// both directions, for groups and ACLs alike). ok is false for a
// protocol the twin cannot express; the rule is then left out.
func match(m rules.Match) (string, bool) {
	p, r, ic := m.Proto, m.Ports, m.ICMP
	ports := func(proto string) string {
		switch {
		case r == model.AnyPort || (r.From <= 0 && r.To >= 65535):
			return "meta l4proto " + proto
		case r.From == r.To:
			return fmt.Sprintf("%s dport %d", proto, r.From)
		}
		return fmt.Sprintf("%s dport %d-%d", proto, r.From, r.To)
	}
	switch p {
	case model.AllProtocols:
		return "", true
	case model.TCP:
		return ports("tcp"), true
	case model.UDP:
		return ports("udp"), true
	case model.ICMP:
		s := "meta l4proto icmp"
		if ic.IsAny() || ic.Type > 255 {
			return s, true
		}
		s += fmt.Sprintf(" icmp type %d", ic.Type)
		if ic.Code >= 0 && ic.Code <= 255 {
			s += fmt.Sprintf(" icmp code %d", ic.Code)
		}
		return s, true
	case model.ICMPv6:
		s := "meta l4proto ipv6-icmp"
		if !ic.IsAny() && ic.Type <= 255 {
			s += fmt.Sprintf(" icmpv6 type %d", ic.Type)
			if ic.Code >= 0 && ic.Code <= 255 {
				s += fmt.Sprintf(" icmpv6 code %d", ic.Code)
			}
		}
		return s, true
	}
	// Any other IANA protocol (GRE 47).
	if n, ok := p.Number(); ok && n >= 0 {
		return fmt.Sprintf("meta l4proto %d", n), true
	}
	return "", false
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// comment makes text safe for an nftables comment line.
func comment(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}

// naclRuleset is a router's network ACLs: one chain per ACL and
// direction, rules in rule-number order, first match wins (allow returns
// to the next check, deny drops), ending in a drop. A routed packet leaves
// one subnet (its bridge is the input interface: that subnet's outbound
// ACL) and enters another (output interface: the inbound ACL); bridged
// traffic inside a subnet never reaches this chain, as in AWS.
func (b *builder) naclRuleset(vs *vpcState) string {
	var w strings.Builder
	w.WriteString("table inet moat_nacl {\n")
	type use struct {
		ss  *subnetState
		acl int
	}
	var uses []use
	var acls []int
	for _, ss := range vs.subnets {
		i := b.aclOf(ss)
		if i < 0 {
			continue // no ACL: AWS's default ACL allows everything
		}
		uses = append(uses, use{ss, i})
		if !slices.Contains(acls, i) {
			acls = append(acls, i)
		}
	}
	w.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n")
	for _, u := range uses {
		fmt.Fprintf(&w, "\t\tiifname %q jump nacl%d_out # leaves %s\n", u.ss.bridge, u.acl, u.ss.s.Addr)
		fmt.Fprintf(&w, "\t\toifname %q jump nacl%d_in # enters %s\n", u.ss.bridge, u.acl, u.ss.s.Addr)
	}
	w.WriteString(b.tgwNACLJumps(vs))
	w.WriteString("\t}\n")
	for _, i := range acls {
		acl := b.n.NetworkACLs[i]
		for _, egress := range []bool{false, true} {
			dir, peer := "in", "saddr"
			if egress {
				dir, peer = "out", "daddr"
			}
			fmt.Fprintf(&w, "\tchain nacl%d_%s {\n\t\t# %s, %sbound\n", i, dir, acl.Addr, dir)
			for _, x := range rules.CompileACL(&acl).Entries(egress) {
				e := x.Rule
				if !e.CIDR.IsValid() || (e.CIDR.Addr().Is6() && !vs.v6.IsValid()) {
					continue // IPv6 entries never match an IPv4-only twin's packets
				}
				m, ok := match(x.Match)
				if !ok {
					b.warn("%s rule %d: protocol %q is not run by the twin; left out", acl.Addr, e.RuleNumber, e.Protocol)
					continue
				}
				verdict := "return"
				if e.Action == model.Deny {
					verdict = "drop"
				}
				fmt.Fprintf(&w, "\t\t%s %s %s %s comment \"rule %d\"\n", family(e.CIDR.Addr()), peer, e.CIDR.Masked(), join(m, verdict), e.RuleNumber)
			}
			w.WriteString("\t\tdrop\n\t}\n")
		}
	}
	w.WriteString("}\n")
	return w.String()
}

// family is the nftables match prefix for an address's IP version.
func family(a netip.Addr) string {
	if a.Is6() {
		return "ip6"
	}
	return "ip"
}

// aclOf is the index of the subnet's network ACL (model's ACLOf), or -1.
func (b *builder) aclOf(ss *subnetState) int {
	acl, _ := b.n.ACLOf(&ss.s)
	if acl == nil {
		return -1
	}
	return slices.IndexFunc(b.n.NetworkACLs, func(a model.NetworkACL) bool { return a.Addr == acl.Addr })
}

// sgRuleset is an interface's security groups: stateful (replies and
// related ICMP pass by conntrack), allow-only, default drop, ingress on
// input and egress on output. A NAT interface forwards for others; AWS
// applies its groups to that traffic too, so a forwarded packet must pass
// an ingress rule (from its source) and an egress rule (to its
// destination).
func (b *builder) sgRuleset(h *Host) string {
	var in, out []string
	for _, ga := range h.Groups {
		g, ok := b.n.SecurityGroup(ga)
		if !ok {
			b.warn("%s: security group %s is not in the network; it allows nothing", h.Name, ga)
			continue
		}
		c := rules.CompileGroup(g, twinLists)
		for _, r := range c.In {
			in = append(in, b.sgRule(h, g, r, "saddr")...)
		}
		for _, r := range c.Out {
			out = append(out, b.sgRule(h, g, r, "daddr")...)
		}
	}
	var w strings.Builder
	w.WriteString("table inet moat_sg {\n")
	chain := func(name, hook, lo string, rules []string, verdict string) {
		fmt.Fprintf(&w, "\tchain %s {\n", name)
		if hook != "" {
			fmt.Fprintf(&w, "\t\ttype filter hook %s priority filter; policy drop;\n", hook)
		}
		if lo != "" {
			fmt.Fprintf(&w, "\t\t%s accept\n", lo)
		}
		if lo != "" && h.IPv6.IsValid() {
			// Neighbour discovery is the VPC fabric's, not filtered by
			// security groups (AWS answers it itself).
			w.WriteString("\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept\n")
		}
		if hook != "" {
			w.WriteString("\t\tct state established,related accept\n")
		}
		for _, r := range rules {
			fmt.Fprintf(&w, "\t\t%s\n", strings.Replace(r, "VERDICT", verdict, 1))
		}
		w.WriteString("\t}\n")
	}
	chain("input", "input", "iif lo", in, "accept")
	chain("output", "output", "oif lo", out, "accept")
	if h.Forwarder {
		chain("forward", "forward", "", in, "jump forward_egress")
		chain("forward_egress", "", "", out, "accept")
	}
	w.WriteString("}\n")
	return w.String()
}

// twinLists is the prefix-list lookup the twin compiles groups with:
// none, since the twin puts a list's own stand-in addresses in its sets
// (prefixList) rather than the entries the input holds.
func twinLists(string) *model.PrefixList { return nil }

// sgRule is one rule as nftables text with VERDICT in place of its
// verdict: an "ip" rule for its IPv4 peers and, when the host is
// dual-stack, an "ip6" rule for its IPv6 ones; none when it matches
// nothing the twin can express.
func (b *builder) sgRule(h *Host, g *model.SecurityGroup, c rules.Rule, dir string) []string {
	m, ok := match(c.Match)
	if !ok {
		return nil
	}
	r := c.Rule
	var v4, v6 []string
	add := func(a netip.Addr, text string) {
		if a.Is6() {
			v6 = append(v6, text)
		} else {
			v4 = append(v4, text)
		}
	}
	switch r.Peer.Kind {
	case model.PeerCIDR:
		if r.Peer.CIDR.IsValid() {
			add(r.Peer.CIDR.Addr(), r.Peer.CIDR.Masked().String())
		}
	case model.PeerGroup:
		for _, o := range b.hosts {
			if slices.Contains(o.Groups, r.Peer.Group) {
				add(o.IP, o.IP.String())
				if o.IPv6.IsValid() {
					add(o.IPv6, o.IPv6.String())
				}
			}
		}
	case model.PeerPrefixList:
		for _, p := range b.prefixList(r.Peer.PrefixList) {
			add(p.Addr(), p.String())
		}
	}
	var out []string
	if strings.Contains(m, "ipv6-icmp") {
		v4 = nil // ICMPv6 never matches IPv4
	} else if strings.Contains(m, "icmp") {
		v6 = nil
	}
	if rule, ok := b.sgRuleText(g, r, dir, "ip", v4, m); ok {
		out = append(out, rule)
	}
	if !h.IPv6.IsValid() {
		return out
	}
	if rule, ok := b.sgRuleText(g, r, dir, "ip6", v6, m); ok {
		out = append(out, rule)
	}
	return out
}

// sgRuleText is one family's part of a rule: its peers as a set.
func (b *builder) sgRuleText(g *model.SecurityGroup, r *model.SGRule, dir, fam string, peers []string, m string) (string, bool) {
	if len(peers) == 0 {
		return "", false
	}
	slices.SortFunc(peers, func(a, c string) int {
		pa, _ := netip.ParsePrefix(a)
		pc, _ := netip.ParsePrefix(c)
		if pa.IsValid() && pc.IsValid() {
			return pa.Addr().Compare(pc.Addr())
		}
		aa, _ := netip.ParseAddr(a)
		ac, _ := netip.ParseAddr(c)
		return aa.Compare(ac)
	})
	peers = slices.Compact(peers)
	set := peers[0]
	if len(peers) > 1 {
		set = "{ " + strings.Join(peers, ", ") + " }"
	}
	return fmt.Sprintf("%s %s %s %s comment %q", fam, dir, set, join(m, "VERDICT"), comment(fmt.Sprintf("%s: %s", g.Addr, r.Peer))), true
}
