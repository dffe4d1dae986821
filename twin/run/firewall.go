package run

import (
	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// inspected reports whether a flow's way meets a Network Firewall with
// domain rules. Such a firewall lets a TCP handshake complete and decides
// on the flow's first data (its TLS SNI or HTTP Host), so the twin's
// probe of such a flow sends that data and counts only a reply to it.
func inspected(n *model.Network, p analyze.Path) bool {
	met := false
	for _, h := range p.Forward {
		met = met || h.Kind == analyze.HopFirewall
	}
	for _, b := range p.Blockers {
		met = met || (b.Kind == analyze.HopFirewall && b.Direction == analyze.Forward)
	}
	if !met {
		return false
	}
	for _, fw := range n.Firewalls {
		if rules.CompileFirewall(fw.Rules, fw.DefaultAction).HasDomainRules() {
			return true
		}
	}
	return false
}
