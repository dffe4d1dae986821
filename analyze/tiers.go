package analyze

import (
	"slices"

	"github.com/moatnet/moat/model"
)

// tierOf is the role verify gives subnet s. A compiled design declares
// it. An imported network (describe-* output or a template) does not, so
// it is read from what the subnet holds and where its routes lead:
//
//   - a subnet a Transit Gateway VPC attachment places its interfaces in
//     is model.Transit;
//   - a subnet holding a Network Firewall endpoint is model.Inspection;
//   - else the tier its routes give (Classify): public, private (a
//     default route through a translating or forwarding hop: NAT, a
//     Transit Gateway, a firewall) or isolated — except that a subnet
//     with no default route whose only routes out lead to a Transit
//     Gateway is model.Internal (an ingress VPC's internal subnets).
//
// So in an imported hub-and-spoke network, as in the compiled one, the
// firewall checks run from the workload subnets (their default route
// leads to the Transit Gateway, and from there to the firewall), not from
// the egress VPC's attachment subnets, whose replies come back from the
// NAT gateway by the local route and never cross the firewall by design.
func (ix *Index) tierOf(s *subnetInfo, classes map[model.ResourceRef]SubnetClass) model.Tier {
	if s.s.Tier != "" {
		return s.s.Tier
	}
	for i := range ix.n.TGWAttachments {
		a := &ix.n.TGWAttachments[i]
		if (a.Kind == model.TGWAttachVPC || a.Kind == "") && slices.Contains(a.Subnets, s.s.Addr) {
			return model.Transit
		}
	}
	for i := range ix.n.Firewalls {
		if slices.Contains(ix.n.Firewalls[i].Subnets, s.s.Addr) {
			return model.Inspection
		}
	}
	c, ok := classes[s.s.Addr]
	if !ok {
		c = ix.classify(s)
	}
	if c.Tier == model.Isolated && s.rt != nil {
		// No default route, but routes to other VPCs through a Transit
		// Gateway: an ingress VPC's internal subnets (model.Internal).
		tgw := false
		for _, r := range s.rt.Routes {
			switch r.Kind() {
			case model.TargetTGW:
				tgw = true
			case model.TargetLocal, model.TargetEndpoint, model.TargetBlackhole:
			default:
				return c.Tier
			}
		}
		if tgw {
			return model.Internal
		}
	}
	return c.Tier
}
