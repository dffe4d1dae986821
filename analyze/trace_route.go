package analyze

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// route forwards the packet by the route table of subnet s.
func (w *walker) route(s *subnetInfo) {
	if !w.step() {
		return
	}
	if s == nil {
		w.stop("", HopRoute, fmt.Sprintf("the packet to %s starts outside any subnet of the model", w.pk.dst), "")
		return
	}
	w.routing = s
	if s.rt == nil {
		w.stop(s.s.Addr, HopRoute, fmt.Sprintf("%s has no route table and its VPC has no main table in the model", s.s.Addr), "associate a route table with the subnet")
		w.unknown(fmt.Sprintf("%s has no route table in the input", s.s.Addr))
		return
	}
	rt := s.rt.Table.Addr
	w.rec.routes(s.rt)
	for _, pl := range s.rt.Unresolved {
		w.unknown(fmt.Sprintf("%s routes prefix list %s, whose entries the input does not hold", rt, pl))
	}
	e, ok := s.rt.Lookup(w.pk.dst, w.pk.service)
	if !ok {
		to := w.pk.dst.String()
		if w.pk.service != "" {
			to = w.pk.service
		}
		w.stop(rt, HopRoute, fmt.Sprintf("%s has no route to %s", rt, to), fmt.Sprintf("add a route for %s to %s", to, rt))
		return
	}
	text := e.Text()
	if s.implicitRT {
		text += " (main route table)"
	}
	w.hop(rt, HopRoute, text)
	target := e.Target()
	switch e.Kind() {
	case model.TargetLocal:
		w.local(s, s.vpc)
	case model.TargetIGW:
		w.naclOut(s)
		w.viaIGW(s, s.vpc, target)
	case model.TargetEIGW:
		w.naclOut(s)
		w.viaEIGW(s, target)
	case model.TargetNATGateway:
		d := w.ix.natgws[target]
		if d == nil {
			d = w.ix.byTarget(target)
		}
		if d == nil {
			w.stop(rt, HopRoute, fmt.Sprintf("%s points at %s, which does not exist: a blackhole", text, target), fmt.Sprintf("create the NAT gateway, or point the route in %s at a live one", rt))
			return
		}
		w.toDevice(s, d)
	case model.TargetENI:
		d := w.ix.byTarget(target)
		if d == nil {
			w.stop(rt, HopRoute, fmt.Sprintf("%s points at %s, which does not exist: a blackhole", text, target), fmt.Sprintf("restore the interface, or point the route in %s at a live target", rt))
			return
		}
		w.toDevice(s, d)
	case model.TargetEndpoint:
		w.naclOut(s)
		if ep := w.ix.endpointOf(e); ep != nil && ep.Type == model.GatewayLBEndpoint {
			w.viaGWLB(rt, text, ep.Addr)
			return
		}
		w.viaEndpoint(s, e)
	case model.TargetGatewayLBEnd:
		w.naclOut(s)
		w.viaGWLB(rt, text, target)
	case model.TargetPeering:
		w.naclOut(s)
		w.viaPeering(s, target)
	case model.TargetTGW:
		w.naclOut(s)
		w.viaTGW(s, target)
	case model.TargetFirewall:
		w.viaFirewall(s, target)
	case model.TargetVGW:
		// A virtual private gateway leads to a VPN or Direct Connect
		// (hybrid.go).
		w.naclOut(s)
		w.viaVGW(s, target)
	case model.TargetBlackhole:
		w.stop(rt, HopRoute, fmt.Sprintf("%s drops the packet (blackhole)", text), fmt.Sprintf("point the route in %s at a live target, or delete it", rt))
	default:
		w.stop(rt, HopRoute, fmt.Sprintf("%s: moat does not model %s targets yet", text, e.Kind()), "")
		w.unknown(fmt.Sprintf("%s leads to %s, whose appliance or network the input does not show", text, e.Target()))
	}
}

// viaGWLB is a packet routed to a Gateway Load Balancer endpoint: the
// load balancer hands it to appliances (firewalls, inspection) whose
// verdict and routing the input does not show, so the answer is not
// known either way
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/introduction.html).
func (w *walker) viaGWLB(rt model.ResourceRef, text string, ep model.ResourceRef) {
	w.stop(ep, HopGWLB, fmt.Sprintf("%s sends the packet to the Gateway Load Balancer endpoint %s, whose appliances moat does not model", text, ep), "")
	w.unknown(fmt.Sprintf("%s leads to the Gateway Load Balancer endpoint %s: what its appliances pass is not in the input", text, ep))
}

// endpointOf is the endpoint a route entry names, by address or AWS id.
func (ix *Index) endpointOf(e rules.Route) *model.Endpoint {
	if e.Endpoint != nil {
		return e.Endpoint
	}
	t := e.Target()
	if ep := ix.endpoints[t]; ep != nil {
		return ep
	}
	for _, x := range ix.byID[string(t)] {
		if ep := ix.endpoints[x]; ep != nil {
			return ep
		}
	}
	return nil
}

// byTarget finds a device named by a route target: an address or an AWS id.
func (ix *Index) byTarget(a model.ResourceRef) *device {
	if d := ix.byAddr[a]; d != nil {
		return d
	}
	for _, x := range ix.byID[string(a)] {
		if d := ix.byAddr[x]; d != nil {
			return d
		}
		if d := ix.natgws[x]; d != nil {
			return d
		}
	}
	return nil
}

// toDevice moves the packet from subnet s to device d (a NAT, an
// appliance) that the route names.
func (w *walker) toDevice(s *subnetInfo, d *device) {
	if d.subnet == nil && d.natgw != nil && d.natgw.Regional {
		// A regional NAT gateway has no subnet: only the sender's NACL
		// applies.
		w.naclOut(s)
	} else {
		w.cross(s, d.subnet)
	}
	w.atDevice(d)
}

// viaEndpoint delivers to an AWS service through a gateway endpoint.
func (w *walker) viaEndpoint(s *subnetInfo, e rules.Route) {
	target := e.Target()
	ep := w.ix.endpoints[target]
	if ep == nil && e.Endpoint != nil {
		ep = e.Endpoint
	}
	if ep == nil {
		for _, x := range w.ix.byID[string(target)] {
			ep = w.ix.endpoints[x]
		}
	}
	name := string(target)
	if ep != nil {
		name = string(ep.Addr)
	}
	if w.pk.service == "" && w.targetService == "" && !slices.Contains([]netip.Addr{w.target}, w.pk.dst) {
		w.stop(model.ResourceRef(name), HopEndpoint, "the gateway endpoint leads only to its AWS service", "")
		return
	}
	svc := e.Service
	if svc == "" && ep != nil {
		svc = ep.Service
	}
	w.hop(model.ResourceRef(name), HopEndpoint, "gateway endpoint to "+svc)
	if w.pk.dst == w.target || (w.targetService != "" && w.targetService == svc) {
		w.reached, w.arrivedVia, w.arrivedVPC = true, "endpoint", s.vpc
		return
	}
	w.stop(model.ResourceRef(name), HopEndpoint, fmt.Sprintf("the endpoint leads to %s, not to %s", svc, w.pk.dst), "")
}

func destText(p netip.Prefix) string {
	if !p.IsValid() {
		return "any"
	}
	return p.String()
}
