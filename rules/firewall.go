package rules

import (
	"net/netip"

	"github.com/moatnet/moat/model"
)

// Firewall is a Network Firewall's stateful rules compiled, in strict
// order: the rules run in the order given, the first pass or drop that
// matches decides (alert rules only log and the evaluation goes on), and
// the default action decides a flow no rule matches. Like the firewall,
// it decides a flow's first packet; replies of a passed flow pass.
//
// A domain rule matches the flow's host name (TLS SNI, HTTP Host) by
// model.DomainMatch; a flow that names no host matches no domain rule.
// Stateless rule groups and action order are not modelled: moat's
// designs and importers hold strict-order stateful rules only.
type Firewall struct {
	Rules []FirewallRule
	// Default is the default action; pass when the input does not say.
	Default model.FirewallAction
}

// FirewallRule is one rule; ICMP rules match every type and code, as
// 5-tuple rules do.
type FirewallRule struct {
	Rule *model.FirewallRule
	Match
}

// CompileFirewall compiles a firewall's rules and default action.
func CompileFirewall(rs []model.FirewallRule, def model.FirewallAction) *Firewall {
	f := &Firewall{Default: def}
	if f.Default == "" {
		f.Default = model.FirewallPass
	}
	for i := range rs {
		r := &rs[i]
		f.Rules = append(f.Rules, FirewallRule{Rule: r, Match: Match{Proto: r.Protocol, Ports: r.Ports, ICMP: model.AnyICMP}})
	}
	return f
}

// Decide is the index of the rule that decides a new flow to dst:port
// naming host ("" for none), and for a domain rule the domain entry that
// matched; -1 when the default action decides.
func (f *Firewall) Decide(proto model.Protocol, dst netip.Addr, port int, host string) (int, string) {
	proto, port = InFamily(proto, port, dst)
	for i := range f.Rules {
		r := &f.Rules[i]
		if !r.Covers(proto, port) || (r.Rule.Dest.IsValid() && !r.Rule.Dest.Contains(dst)) {
			continue
		}
		d := ""
		if len(r.Rule.Domains) > 0 {
			var ok bool
			if d, ok = model.DomainMatch(r.Rule.Domains, host); !ok {
				continue
			}
		}
		if r.Rule.Action == model.FirewallAlert {
			continue
		}
		return i, d
	}
	return -1, ""
}

// HasDomainRules reports whether any rule reads a host name.
func (f *Firewall) HasDomainRules() bool {
	for _, r := range f.Rules {
		if len(r.Rule.Domains) > 0 {
			return true
		}
	}
	return false
}
