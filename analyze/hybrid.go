package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// The hybrid edge: virtual private gateways, Site-to-Site VPN connections
// and Direct Connect virtual interfaces. moat models the AWS side as AWS
// describes it; the customer's routers beyond are an endpoint holding
// the addresses AWS records for them (the customer gateway's outside IP,
// a virtual interface's customer address), not a router.

const (
	// OnPremises is a host beyond a VPN connection, a Direct Connect
	// virtual interface or a virtual private gateway (Addr names which).
	OnPremises FlowEndKind = "on-premises"
	// Router is the VPC router itself (Addr is the VPC): a packet handed to
	// it from outside every subnet, as a gateway, a peering or a Transit
	// Gateway hands one, delivered by the local route.
	Router FlowEndKind = "vpc-router"
)

type hybridIndex struct {
	vgws map[model.ResourceRef]*vgwInfo
	vpns map[model.ResourceRef]*model.VPNConnection
	vifs map[model.ResourceRef]*model.DXVirtualInterface
}

type vgwInfo struct {
	g    *model.VPNGateway
	vpc  *vpcInfo
	vpns []*model.VPNConnection
	vifs []*model.DXVirtualInterface
}

func (ix *Index) indexHybrid() {
	n := ix.n
	h := hybridIndex{vgws: map[model.ResourceRef]*vgwInfo{}, vpns: map[model.ResourceRef]*model.VPNConnection{}, vifs: map[model.ResourceRef]*model.DXVirtualInterface{}}
	for i := range n.VPNGateways {
		g := &n.VPNGateways[i]
		h.vgws[g.Addr] = &vgwInfo{g: g, vpc: ix.vpcs[g.VPC]}
		ix.id(g.ID, g.Addr)
	}
	for i := range n.VPNConnections {
		c := &n.VPNConnections[i]
		h.vpns[c.Addr] = c
		ix.id(c.ID, c.Addr)
		if gi := h.vgws[c.VGW]; gi != nil {
			gi.vpns = append(gi.vpns, c)
		}
	}
	for i := range n.VirtualInterfaces {
		v := &n.VirtualInterfaces[i]
		h.vifs[v.Addr] = v
		ix.id(v.ID, v.Addr)
		if gi := h.vgws[v.VGW]; gi != nil {
			gi.vifs = append(gi.vifs, v)
		}
	}
	ix.hybrid = h
}

// OnPremises returns the on-premises ends whose far-end address is one of
// addrs: a VPN connection whose customer gateway holds it, or a Direct
// Connect virtual interface whose customer address it is. Each endpoint's
// IP is the matching address.
func (ix *Index) OnPremises(addrs []netip.Addr) []FlowEnd {
	var out []FlowEnd
	for i := range ix.n.VPNConnections {
		c := &ix.n.VPNConnections[i]
		if c.CustomerIP.IsValid() && slices.Contains(addrs, c.CustomerIP) {
			out = append(out, FlowEnd{Kind: OnPremises, Addr: c.Addr, IP: c.CustomerIP})
		}
	}
	for i := range ix.n.VirtualInterfaces {
		v := &ix.n.VirtualInterfaces[i]
		if v.CustomerAddress.IsValid() && slices.Contains(addrs, v.CustomerAddress.Addr()) {
			out = append(out, FlowEnd{Kind: OnPremises, Addr: v.Addr, IP: v.CustomerAddress.Addr()})
		}
	}
	return out
}

// resolveHybrid resolves a VPN connection, virtual interface or virtual
// private gateway: as a source, a host beyond it at the far-end address
// AWS records.
func (ix *Index) resolveHybrid(a model.ResourceRef, src bool) ([]FlowEnd, bool, error) {
	var ip netip.Addr
	switch {
	case ix.hybrid.vpns[a] != nil:
		ip = ix.hybrid.vpns[a].CustomerIP
	case ix.hybrid.vifs[a] != nil:
		ip = ix.hybrid.vifs[a].CustomerAddress.Addr()
	case ix.hybrid.vgws[a] != nil:
		gi := ix.hybrid.vgws[a]
		for _, c := range gi.vpns {
			if c.CustomerIP.IsValid() {
				ip = c.CustomerIP
				break
			}
		}
		if !ip.IsValid() && len(gi.vifs) > 0 {
			ip = gi.vifs[0].CustomerAddress.Addr()
		}
	default:
		return nil, false, nil
	}
	if !src {
		return nil, true, fmt.Errorf("%s leads on premises: name the on-premises address as an IP", a)
	}
	if !ip.IsValid() {
		return nil, true, fmt.Errorf("the model records no on-premises address for %s; give the flow's source IP", a)
	}
	return []FlowEnd{{Kind: OnPremises, Addr: a, IP: ip}}, true, nil
}

// fromOnPrem starts a packet beyond a VPN connection, a virtual interface
// or a virtual private gateway.
func (w *walker) fromOnPrem(src FlowEnd) {
	h := &w.ix.hybrid
	if c := h.vpns[src.Addr]; c != nil {
		switch {
		case h.vgws[c.VGW] != nil:
			w.hop(c.Addr, HopVPN, "from customer gateway "+cmpOr(c.CustomerGateway, c.CustomerIP.String()))
			w.vgwIn(h.vgws[c.VGW])
		case w.ix.tgwAtt[c.TGWAttachment] != nil && w.ix.tgws[w.ix.tgwAtt[c.TGWAttachment].TGW] != nil:
			att := w.ix.tgwAtt[c.TGWAttachment]
			w.hop(att.Addr, HopTGWAttachment, fmt.Sprintf("VPN %s into %s", c.ID, att.TGW))
			w.tgwRoute(w.ix.tgws[att.TGW], att, "")
		default:
			w.stop(c.Addr, HopVPN, fmt.Sprintf("the gateway %s ends on is not in the model", c.Addr), "import the virtual private gateway or Transit Gateway too")
			w.unknown(fmt.Sprintf("the gateway %s ends on is not in the input", c.Addr))
		}
		return
	}
	if v := h.vifs[src.Addr]; v != nil {
		if gi := h.vgws[v.VGW]; gi != nil {
			w.hop(v.Addr, HopDXVIF, fmt.Sprintf("%s virtual interface from %s", v.Type, v.CustomerAddress.Addr()))
			w.vgwIn(gi)
			return
		}
		w.stop(v.Addr, HopDXVIF, fmt.Sprintf("%s ends on a Direct Connect gateway, which moat does not model", v.Addr), "")
		w.unknown(fmt.Sprintf("%s ends on a Direct Connect gateway, which moat does not model", v.Addr))
		return
	}
	if gi := h.vgws[src.Addr]; gi != nil {
		w.vgwIn(gi)
		return
	}
	w.stop(src.Addr, HopSource, fmt.Sprintf("%s is not a VPN connection, virtual interface or virtual private gateway in the model", src.Addr), "")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// vgwIn is a packet arriving at a virtual private gateway from the
// customer side. The gateway forwards into its VPC only what the VPC's
// CIDR holds (the VPC router's local route, then the destination subnet's
// NACL and the interface's security groups); anything else can only leave
// again through another connection of the gateway (VPN CloudHub).
func (w *walker) vgwIn(gi *vgwInfo) {
	if !w.step() {
		return
	}
	g := gi.g
	if gi.vpc == nil {
		w.stop(g.Addr, HopVGW, fmt.Sprintf("%s is attached to no VPC in the model", g.Addr), "attach the gateway to the VPC")
		return
	}
	if gi.vpc.contains(w.pk.dst) {
		w.hop(g.Addr, HopVGW, "into "+string(gi.vpc.v.Addr))
		w.hop(gi.vpc.v.Addr, HopRoute, "local route of "+gi.vpc.v.CIDR.String())
		w.local(nil, gi.vpc)
		return
	}
	w.vgwRoute(gi, fmt.Sprintf("%s is not inside %s", w.pk.dst, gi.vpc.v.Addr))
}

// viaVGW sends a packet from subnet s out of a virtual private gateway.
func (w *walker) viaVGW(s *subnetInfo, target model.ResourceRef) {
	gi := w.ix.hybrid.vgws[target]
	if gi == nil {
		gi = w.ix.hybrid.vgws[w.ix.idOf(target)]
	}
	if gi == nil {
		// No describe-vpn-gateways output: the gateway leads out of the
		// modeled network.
		w.hop(target, HopVGW, "leaves the model through the virtual private gateway")
		w.outside(target, "the gateway")
		return
	}
	if s != nil && gi.vpc != s.vpc {
		w.stop(gi.g.Addr, HopVGW, fmt.Sprintf("%s is not attached to %s", gi.g.Addr, s.vpc.v.Addr), "attach the gateway to the VPC, or fix the route")
		return
	}
	w.vgwRoute(gi, "")
}

// vgwRoute forwards a packet at a virtual private gateway toward the
// customer side: by the static routes of its static VPN connections
// (longest prefix), else by the routes its BGP sessions (dynamic VPN
// connections, Direct Connect virtual interfaces) learn, which the
// describe output does not show.
func (w *walker) vgwRoute(gi *vgwInfo, why string) {
	g, dst := gi.g.Addr, w.pk.dst
	var best *model.VPNConnection
	var bestP netip.Prefix
	var static []string
	var dynamic []model.ResourceRef
	for _, c := range gi.vpns {
		if !c.StaticRoutesOnly {
			dynamic = append(dynamic, c.Addr)
			continue
		}
		for _, p := range c.Routes {
			static = append(static, p.String())
			if p.Contains(dst) && (best == nil || p.Bits() > bestP.Bits()) {
				best, bestP = c, p
			}
		}
	}
	for _, v := range gi.vifs {
		dynamic = append(dynamic, v.Addr)
	}
	switch {
	case best != nil:
		w.hop(g, HopVGW, fmt.Sprintf("static route %s -> %s", bestP, best.ID))
		w.hop(best.Addr, HopVPN, "to customer gateway "+cmpOr(best.CustomerGateway, best.CustomerIP.String()))
		w.outside(best.Addr, "the VPN connection")
	case len(dynamic) > 0:
		w.note(fmt.Sprintf("%s learns routes over BGP from %s; they are not in the describe output, so moat assumes they cover %s", g, joinAddrs(dynamic), dst))
		w.unknown(fmt.Sprintf("the routes %s learns over BGP are not in the input", g))
		w.hop(g, HopVGW, "route learned over BGP (assumed)")
		w.hop(dynamic[0], HopVPN, "to the customer side")
		w.outside(dynamic[0], "the connection")
	case len(gi.vpns) == 0:
		w.note(fmt.Sprintf("no VPN connection or virtual interface of %s is in the model: traffic it takes leaves the model", g))
		w.hop(g, HopVGW, "leaves the model through the virtual private gateway")
		w.outside(g, "the gateway")
	default:
		reason := fmt.Sprintf("%s has no route to %s: its VPN connections route only %s", g, dst, strings.Join(static, ", "))
		if why != "" {
			reason = why + "; " + reason
		}
		w.stop(g, HopRoute, reason, fmt.Sprintf("add a static route for %s to a VPN connection of %s", dst, g))
	}
}

// outside ends a packet that left the model through at: it arrives if it
// was meant for an address outside every modeled network.
func (w *walker) outside(at model.ResourceRef, what string) {
	if w.ix.vpcOf(w.pk.dst, nil) == nil && w.ix.byPublic[w.pk.dst] == nil && w.pk.dst == w.target {
		w.reached, w.arrivedVia = true, "outside"
		return
	}
	w.stop(at, HopDeliver, fmt.Sprintf("%s is not outside the model, where %s leads", w.pk.dst, what), "")
}

func joinAddrs(as []model.ResourceRef) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// fromRouter starts a packet at the VPC router: the local route delivers
// it to the subnet holding the destination, through that subnet's NACL
// and the interface's security groups.
func (w *walker) fromRouter(src FlowEnd) {
	vi := w.ix.vpcs[src.Addr]
	if vi == nil {
		w.stop(src.Addr, HopSource, fmt.Sprintf("%s is not a VPC in the model", src.Addr), "")
		return
	}
	if !vi.contains(w.pk.dst) {
		w.stop(vi.v.Addr, HopRoute, fmt.Sprintf("%s is not inside %s: the VPC router delivers only by its local route here", w.pk.dst, vi.v.Addr), "")
		return
	}
	w.hop(vi.v.Addr, HopRoute, "local route of "+vi.v.CIDR.String())
	w.local(nil, vi)
}
