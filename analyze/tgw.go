package analyze

import (
	"net/netip"

	"github.com/moatnet/moat/model"
)

// propagated returns the routes a Transit Gateway route table learns from
// the VPC attachments propagating into it that the model does not list:
// AWS adds a route to each CIDR of the attached VPC, secondary blocks too. A network read from a
// template, or built by hand, records the propagation only; a describe-*
// dump already lists the routes (search-transit-gateway-routes), and a
// route the table has for the same prefix, static or propagated, wins.
// VPN and Direct Connect attachments propagate routes learned by BGP,
// which the model does not hold.
func (ix *Index) propagated(t *model.TGWRouteTable) []*model.TGWRoute {
	have := map[netip.Prefix]bool{}
	for _, r := range t.Routes {
		have[r.Dest.Masked()] = true
	}
	var out []*model.TGWRoute
	for _, a := range t.Propagations {
		att := ix.tgwAtt[a]
		if att == nil {
			att = ix.tgwAtt[ix.idOf(a)]
		}
		if att == nil || att.Kind != model.TGWAttachVPC || (!t.TGW.IsZero() && att.TGW != t.TGW) {
			continue
		}
		v := ix.vpcs[att.VPC]
		if v == nil {
			continue
		}
		for _, p := range append([]netip.Prefix{v.v.CIDR, v.v.IPv6CIDR}, v.v.SecondaryCIDRs...) {
			if !p.IsValid() || have[p.Masked()] {
				continue
			}
			have[p.Masked()] = true
			out = append(out, &model.TGWRoute{Dest: p.Masked(), Attachment: att.Addr, Propagated: true})
		}
	}
	return out
}
