package twin

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// match is the protocol and port part of an nftables rule for a protocol
// and port range as security groups and ACLs state them (ports are
// destination ports, in both directions, for both). ok is false for a
// protocol the twin cannot express; the rule is then left out.
func match(p model.Protocol, r model.PortRange) (string, bool) {
	ports := func(proto string) string {
		switch {
		case r == model.AnyPort || (r.From <= 0 && r.To >= 65535):
			return "meta l4proto " + proto
		case r.From == r.To:
			return fmt.Sprintf("%s dport %d", proto, r.From)
		}
		return fmt.Sprintf("%s dport %d-%d", proto, r.From, r.To)
	}
	switch strings.ToLower(string(p)) {
	case string(model.AllProtocols), "-1", "":
		return "", true
	case string(model.TCP), "6":
		return ports("tcp"), true
	case string(model.UDP), "17":
		return ports("udp"), true
	case string(model.ICMP), "1":
		s := "meta l4proto icmp"
		if r == model.AnyPort || r.From < 0 || r.From > 255 {
			return s, true
		}
		s += fmt.Sprintf(" icmp type %d", r.From)
		if r.To >= 0 && r.To <= 255 {
			s += fmt.Sprintf(" icmp code %d", r.To)
		}
		return s, true
	case string(model.ICMPv6), "58":
		return "", false // IPv4 only
	}
	if n, err := strconv.Atoi(string(p)); err == nil && n >= 0 && n <= 255 {
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
		i := b.aclOf(vs, ss)
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
			entries := slices.Clone(acl.Entries)
			slices.SortStableFunc(entries, func(a, b model.NACLEntry) int { return a.RuleNumber - b.RuleNumber })
			for _, e := range entries {
				if e.Egress != egress {
					continue
				}
				if !e.CIDR.IsValid() || !e.CIDR.Addr().Is4() {
					continue // IPv6 entries never match the twin's IPv4 packets
				}
				m, ok := match(e.Protocol, e.Ports)
				if !ok {
					b.warn("%s rule %d: protocol %q is not run by the twin; left out", acl.Addr, e.RuleNumber, e.Protocol)
					continue
				}
				verdict := "return"
				if e.Action == model.Deny {
					verdict = "drop"
				}
				fmt.Fprintf(&w, "\t\tip %s %s %s comment \"rule %d\"\n", peer, e.CIDR.Masked(), join(m, verdict), e.RuleNumber)
			}
			w.WriteString("\t\tdrop\n\t}\n")
		}
	}
	w.WriteString("}\n")
	return w.String()
}

func (b *builder) aclOf(vs *vpcState, ss *subnetState) int {
	if i := slices.IndexFunc(b.n.NetworkACLs, func(a model.NetworkACL) bool { return a.Addr == ss.s.NACL }); i >= 0 && !ss.s.NACL.IsZero() {
		return i
	}
	if i := slices.IndexFunc(b.n.NetworkACLs, func(a model.NetworkACL) bool { return slices.Contains(a.Subnets, ss.s.Addr) }); i >= 0 {
		return i
	}
	return slices.IndexFunc(b.n.NetworkACLs, func(a model.NetworkACL) bool { return a.VPC == vs.vpc.Addr && a.Default })
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
		for _, r := range g.Ingress {
			if rule, ok := b.sgRule(h, g, r, "saddr"); ok {
				in = append(in, rule)
			}
		}
		for _, r := range g.Egress {
			if rule, ok := b.sgRule(h, g, r, "daddr"); ok {
				out = append(out, rule)
			}
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

// sgRule is one rule as nftables text with VERDICT in place of its
// verdict, or ok false when it matches nothing the twin can express.
func (b *builder) sgRule(h *Host, g *model.SecurityGroup, r model.SGRule, dir string) (string, bool) {
	m, ok := match(r.Protocol, r.Ports)
	if !ok {
		return "", false
	}
	var peers []string
	switch r.Peer.Kind {
	case model.PeerCIDR:
		if !r.Peer.CIDR.IsValid() || !r.Peer.CIDR.Addr().Is4() {
			return "", false
		}
		peers = []string{r.Peer.CIDR.Masked().String()}
	case model.PeerGroup:
		for _, o := range b.hosts {
			if slices.Contains(o.Groups, r.Peer.Group) {
				peers = append(peers, o.IP.String())
			}
		}
	case model.PeerPrefixList:
		for _, p := range b.prefixList(r.Peer.PrefixList) {
			peers = append(peers, p.String())
		}
	}
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
	return fmt.Sprintf("ip %s %s %s comment %q", dir, set, join(m, "VERDICT"), comment(fmt.Sprintf("%s: %s", g.Addr, r.Peer))), true
}
