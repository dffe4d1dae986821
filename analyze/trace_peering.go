package analyze

import (
	"fmt"

	"github.com/moatnet/moat/model"
)

// viaPeering crosses a peering connection. Peering is not transitive: the
// destination must be inside the peer VPC itself.
func (w *walker) viaPeering(s *subnetInfo, target model.ResourceRef) {
	p := w.ix.peerings[target]
	if p == nil {
		for _, x := range w.ix.byID[string(target)] {
			if w.ix.peerings[x] != nil {
				p = w.ix.peerings[x]
			}
		}
	}
	if p == nil {
		w.stop(target, HopPeering, fmt.Sprintf("the route points at %s, which does not exist: a blackhole", target), "recreate the peering connection or remove the route")
		return
	}
	if !p.Active {
		w.blocked(p.Addr, HopPeering, fmt.Sprintf("%s is not active", p.Addr), "accept the peering connection")
	}
	var other model.ResourceRef
	switch s.vpc.v.Addr {
	case p.Requester:
		other = p.Accepter
	case p.Accepter:
		other = p.Requester
	default:
		w.stop(p.Addr, HopPeering, fmt.Sprintf("%s does not join %s", p.Addr, s.vpc.v.Addr), "")
		return
	}
	ov := w.ix.vpcs[other]
	if ov == nil {
		w.stop(p.Addr, HopPeering, fmt.Sprintf("the peer VPC %s is not in the model", other), "import the peer account too")
		w.unknown(fmt.Sprintf("the peer VPC %s of %s is not in the input", other, p.Addr))
		return
	}
	if !ov.contains(w.pk.dst) {
		w.stop(p.Addr, HopPeering, fmt.Sprintf("%s is not inside the peer VPC %s, and peering is not transitive", w.pk.dst, other),
			"peer the two VPCs directly, or route through a Transit Gateway")
		return
	}
	w.hop(p.Addr, HopPeering, fmt.Sprintf("to %s", other))
	w.local(nil, ov)
}
