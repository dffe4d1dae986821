package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/moatnet/moat/model"
)

// Group is a security group compiled. Groups are stateful (a reply of an
// admitted flow passes whatever the rules say) and allow-only: a packet
// passes when any rule of any of an interface's groups admits it, so the
// order of rules and groups decides only which rule an explanation names.
type Group struct {
	Group   *model.SecurityGroup
	In, Out []Rule
}

// Rule is one security group rule, its peer resolved as far as the input
// allows.
type Rule struct {
	Rule *model.SGRule
	Match
	// Prefixes are a prefix-list peer's entries; PLKnown says the input
	// holds the list. Service is the AWS service a managed prefix list
	// names ("s3" for com.amazonaws.us-east-1.s3), which stands for the
	// service's addresses even when the entries are unknown.
	Prefixes []netip.Prefix
	PLKnown  bool
	Service  string
}

// CompileGroup compiles a group; prefixList finds a prefix list by id or
// name (nil when the input does not hold it).
func CompileGroup(g *model.SecurityGroup, prefixList func(string) *model.PrefixList) *Group {
	return &Group{Group: g, In: compileRules(g.Ingress, prefixList), Out: compileRules(g.Egress, prefixList)}
}

func compileRules(rs []model.SGRule, prefixList func(string) *model.PrefixList) []Rule {
	out := make([]Rule, len(rs))
	for i := range rs {
		r := &rs[i]
		out[i] = Rule{Rule: r, Match: SGMatch(r)}
		if r.Peer.Kind != model.PeerPrefixList {
			continue
		}
		if p := find(prefixList, r.Peer.PrefixList); p != nil {
			out[i].Prefixes, out[i].PLKnown = p.Entries, true
			out[i].Service = ServiceOfPL(p.Name)
		} else {
			out[i].Service = ServiceOfPL(r.Peer.PrefixList)
		}
	}
	return out
}

// SGMatch is the traffic a security group rule states.
func SGMatch(r *model.SGRule) Match {
	return Match{Proto: r.Protocol, Ports: r.Ports, ICMP: r.ICMP}
}

// Rules is the direction's rules.
func (g *Group) Rules(egress bool) []Rule {
	if egress {
		return g.Out
	}
	return g.In
}

// ServiceOfPL returns "s3" for "com.amazonaws.us-east-1.s3", the service
// of an AWS-managed prefix list, and "" for any other name.
func ServiceOfPL(name string) string {
	if !strings.HasPrefix(name, "com.amazonaws.") {
		return ""
	}
	if strings.Contains(name, ".cloudfront.") {
		return "cloudfront" // com.amazonaws.global.cloudfront.origin-facing
	}
	i := strings.LastIndexByte(name, '.')
	return name[i+1:]
}

// Peer is the other end of a packet as a security group rule sees it:
// its address, whether it is a private address of an interface in a
// given group (a group reference matches those, never a public or
// translated address), and the AWS service it is, if any.
type Peer struct {
	Addr    netip.Addr
	InGroup func(model.ResourceRef) bool
	Service string
}

// PeerCovers reports whether the rule's peer covers p.
func (r *Rule) PeerCovers(p Peer) bool {
	switch r.Rule.Peer.Kind {
	case model.PeerCIDR:
		return r.Rule.Peer.CIDR.Contains(p.Addr)
	case model.PeerGroup:
		return p.InGroup != nil && p.InGroup(r.Rule.Peer.Group)
	case model.PeerPrefixList:
		if p.Service != "" && r.Service == p.Service {
			return true
		}
		for _, x := range r.Prefixes {
			if x.Contains(p.Addr) {
				return true
			}
		}
	}
	return false
}

// Unresolved says why the rule's peer holds addresses the input does not
// tell: a group it does not define (defined reports the ones it does),
// or a customer prefix list whose entries it lacks. An AWS-managed list
// stands for its service and is known. "" when the peer is known.
func (r *Rule) Unresolved(defined func(model.ResourceRef) bool) string {
	switch r.Rule.Peer.Kind {
	case model.PeerGroup:
		if !defined(r.Rule.Peer.Group) {
			return fmt.Sprintf("a rule names %s, which the input does not define (another account's group?)", r.Rule.Peer.Group)
		}
	case model.PeerPrefixList:
		if !r.PLKnown && r.Service == "" {
			return fmt.Sprintf("a rule names prefix list %s, whose entries the input does not hold", r.Rule.Peer.PrefixList)
		}
	}
	return ""
}

// Text names a rule as explanations do: "sg/db: tcp/5432 from
// sg/service" (egress: "to").
func (g *Group) Text(r *Rule, egress bool) string {
	prep := "from"
	if egress {
		prep = "to"
	}
	return fmt.Sprintf("%s: %s %s %s", g.Group.Addr, r.Match, prep, r.Rule.Peer)
}

// Admission is what an interface's groups decide about a packet: the
// group and rule that admit it (nil when none does), and otherwise, when
// a rule whose peer the input does not define might have, why the answer
// is not known.
type Admission struct {
	Group   *Group
	Rule    *Rule
	Unknown string
}

// Admit decides a packet of proto to port (for ICMP: its type) between
// an interface with groups and peer: ingress from peer, or egress to it.
// The first admitting rule, in group and rule order, is named.
func Admit(groups []*Group, egress bool, proto model.Protocol, port int, peer Peer, defined func(model.ResourceRef) bool) Admission {
	if peer.Addr.IsValid() {
		proto, port = InFamily(proto, port, peer.Addr)
	}
	var out Admission
	for _, g := range groups {
		rs := g.Rules(egress)
		for i := range rs {
			r := &rs[i]
			if !r.Covers(proto, port) {
				continue
			}
			if !r.PeerCovers(peer) {
				if why := r.Unresolved(defined); why != "" && out.Unknown == "" {
					out.Unknown = fmt.Sprintf("%s: %s", g.Group.Addr, why)
				}
				continue
			}
			return Admission{Group: g, Rule: r}
		}
	}
	return out
}
