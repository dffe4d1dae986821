package diagram

import (
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// crossFlows draws the flows security groups allow between resources in
// different VPCs, which group references cannot express (a group is
// one VPC's): the source's egress rule names a range inside another VPC
// that holds a subnet of the target, and the target's groups admit a
// range holding a subnet of the source on an overlapping port (or it has
// no groups). In a hub-and-spoke design this is the ingress ALB
// forwarding to the workload NLB across the Transit Gateway. The arrow is
// labelled with the egress rule's protocol and port.
func (s *scene) crossFlows(n *model.Network) {
	nets := map[*node][]netip.Prefix{} // the subnets each node lives in
	add := func(a model.ResourceRef, subnets ...model.ResourceRef) {
		nd := s.nodeOf[a]
		if nd == nil {
			return
		}
		for _, sa := range subnets {
			if sub, ok := n.Subnet(sa); ok && sub.CIDR.IsValid() && !slices.Contains(nets[nd], sub.CIDR) {
				nets[nd] = append(nets[nd], sub.CIDR)
			}
		}
	}
	for _, lb := range n.LoadBalancers {
		add(lb.Addr, lb.Subnets...)
	}
	for _, sv := range n.Services {
		add(sv.Addr, sv.Subnets...)
	}
	for _, d := range n.Databases {
		add(d.Addr, d.Subnets...)
	}
	for _, e := range n.Endpoints {
		add(e.Addr, e.Subnets...)
	}
	for _, e := range n.ENIs {
		add(e.Addr, e.Subnet)
		if !e.Owner.IsZero() {
			add(e.Owner, e.Subnet)
		}
	}
	var all []*node
	for _, vs := range s.vpcs {
		all = append(all, vs.nodes...)
	}
	overlapsAny := func(p netip.Prefix, ps []netip.Prefix) bool {
		return slices.ContainsFunc(ps, p.Overlaps)
	}
	admits := func(dst *node, from []netip.Prefix, r model.SGRule) bool {
		if len(dst.sgs) == 0 {
			return true
		}
		for _, ga := range dst.sgs {
			g, ok := n.SecurityGroup(ga)
			if !ok {
				continue
			}
			for _, in := range g.Ingress {
				if in.Peer.Kind == model.PeerCIDR && overlapsAny(in.Peer.CIDR, from) && rules.SGMatch(&in).Overlaps(rules.SGMatch(&r)) {
					return true
				}
			}
		}
		return false
	}
	for _, src := range all {
		own := s.vpcs[src.vpc].vpc.CIDR
		for _, ga := range src.sgs {
			g, ok := n.SecurityGroup(ga)
			if !ok {
				continue
			}
			for _, r := range g.Egress {
				p := r.Peer.CIDR
				if r.Peer.Kind != model.PeerCIDR || !p.IsValid() || p.Bits() == 0 || own.Overlaps(p) {
					continue
				}
				for _, dst := range all {
					if dst.vpc == src.vpc || !overlapsAny(p, nets[dst]) || !admits(dst, nets[src], r) {
						continue
					}
					s.addCrossEdge(src, dst, ruleText(r.Protocol, r.Ports))
				}
			}
		}
	}
}

// addCrossEdge adds a flow arrow, or a port to the one already there.
func (s *scene) addCrossEdge(from, to *node, label string) {
	for i := range s.edges {
		e := &s.edges[i]
		if e.from == from.id && e.to == to.id && e.kind == edgeFlow {
			if !slices.Contains(splitLabel(e.label), label) {
				e.label += ", " + label
			}
			return
		}
	}
	s.edges = append(s.edges, edge{from: from.id, to: to.id, kind: edgeFlow, label: label})
}

func splitLabel(l string) []string {
	var out []string
	for len(l) > 0 {
		i := 0
		for i < len(l) && !(l[i] == ',' && i+1 < len(l) && l[i+1] == ' ') {
			i++
		}
		out = append(out, l[:i])
		if i+2 > len(l) {
			break
		}
		l = l[i+2:]
	}
	return out
}

// crossRoute draws a flow between two VPCs: down out of the source's VPC
// to a corridor below every VPC (above the Transit Gateway's bus), across,
// and up into the target from below.
func (l *layouter) crossRoute(src, dst Box) []Point {
	s, d := src.Rect, dst.Rect
	bottom := 0
	for _, b := range l.pic.Boxes {
		if b.Kind == KindVPC || b.Kind == KindRegion {
			bottom = max(bottom, b.Rect.bottom())
		}
	}
	y := bottom + rowGap/2
	if len(l.s.joins) > 0 {
		bus := l.joinTop - 12 - 8*(len(l.s.joins)-1)
		if bus > bottom {
			y = (bottom + bus) / 2
		}
	}
	return []Point{{s.cx(), s.bottom()}, {s.cx(), y}, {d.cx(), y}, {d.cx(), d.bottom()}}
}
