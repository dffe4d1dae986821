package rules

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// ACL is a network ACL compiled: its inbound and outbound entries, each
// in rule-number order (never the input's order). AWS evaluates them
// from the lowest number up, the first match decides, and a packet no
// entry matches is denied. ACLs are stateless: a reply is judged by the
// other direction's entries like any packet. An IPv4 entry never matches
// an IPv6 packet and the other way round.
type ACL struct {
	ACL     *model.NetworkACL
	In, Out []Entry
}

// Entry is one ACL entry.
type Entry struct {
	Rule *model.NACLEntry
	Match
}

// CompileACL compiles a network ACL.
func CompileACL(a *model.NetworkACL) *ACL {
	c := &ACL{ACL: a}
	for i := range a.Entries {
		e := &a.Entries[i]
		x := Entry{Rule: e, Match: Match{Proto: e.Protocol, Ports: e.Ports, ICMP: e.ICMP}}
		if e.Egress {
			c.Out = append(c.Out, x)
		} else {
			c.In = append(c.In, x)
		}
	}
	byNumber := func(x, y Entry) int { return cmp.Compare(x.Rule.RuleNumber, y.Rule.RuleNumber) }
	slices.SortStableFunc(c.In, byNumber)
	slices.SortStableFunc(c.Out, byNumber)
	return c
}

// Entries is the direction's entries in evaluation order.
func (a *ACL) Entries(egress bool) []Entry {
	if egress {
		return a.Out
	}
	return a.In
}

// First is the entry that decides a packet to or from peer (the packet's
// source inbound, its destination outbound), or nil for the implicit
// deny.
func (a *ACL) First(egress bool, peer netip.Addr, proto model.Protocol, port int) *Entry {
	proto, port = InFamily(proto, port, peer)
	es := a.Entries(egress)
	for i := range es {
		if es[i].Rule.CIDR.Contains(peer) && es[i].Covers(proto, port) {
			return &es[i]
		}
	}
	return nil
}

// Text names the entry as explanations do:
// "nacl/public in rule 100 allow tcp/443 from 0.0.0.0/0".
func (a *ACL) Text(e *Entry) string {
	dir, prep := "in", "from"
	if e.Rule.Egress {
		dir, prep = "out", "to"
	}
	return fmt.Sprintf("%s %s rule %d %s %s %s %s", a.ACL.Addr, dir, e.Rule.RuleNumber, e.Rule.Action, e.Match, prep, e.Rule.CIDR)
}
