package awsjson

import (
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// Virtual private gateways, Site-to-Site VPN connections, customer
// gateways and Direct Connect virtual interfaces.

type rawVGW struct {
	VpnGatewayId, State string
	AmazonSideAsn       int64
	VpcAttachments      []rawAttachment
}

type rawVPNConnection struct {
	VpnConnectionId, VpnGatewayId, TransitGatewayId, CustomerGatewayId, State string
	Options                                                                   struct {
		StaticRoutesOnly bool
	}
	Routes []struct {
		DestinationCidrBlock, State string
	}
	VgwTelemetry []struct {
		OutsideIpAddress string
	}
}

type rawCGW struct {
	CustomerGatewayId, IpAddress, State string
}

type rawVIF struct {
	VirtualInterfaceId, VirtualInterfaceType, VirtualInterfaceState string
	VirtualGatewayId, DirectConnectGatewayId                        string
	AmazonAddress, CustomerAddress                                  string
}

// hybrid builds the VPN and Direct Connect side, then adds the routes a
// virtual private gateway propagates into route tables.
func (b *builder) hybrid() {
	cgw := map[string]netip.Addr{}
	vpnAtt := map[string]model.ResourceRef{} // VPN id -> TGW attachment
	for _, f := range b.files {
		for _, g := range f.d.CustomerGateways {
			if _, ok := cgw[g.CustomerGatewayId]; !ok && !gone(g.State) {
				cgw[g.CustomerGatewayId] = b.addr(f, "customer gateway "+g.CustomerGatewayId, g.IpAddress)
			}
		}
		for _, t := range f.d.TransitGatewayAttachments {
			if t.ResourceType == "vpn" && !gone(t.State) && t.ResourceId != "" {
				vpnAtt[t.ResourceId] = b.attachAddr(t.TransitGatewayAttachmentId, t.TransitGatewayId)
			}
		}
	}
	for _, f := range b.files {
		for _, g := range f.d.VpnGateways {
			if gone(g.State) || !b.first("vgw", g.VpnGatewayId) {
				continue
			}
			b.n.VPNGateways = append(b.n.VPNGateways, model.VPNGateway{
				Addr: a("vgw", g.VpnGatewayId), ID: g.VpnGatewayId, VPC: attachedVPC(g.VpcAttachments),
				ASN: int(min(max(g.AmazonSideAsn, 0), 1<<32-1)),
			})
		}
		for _, c := range f.d.VpnConnections {
			// A deleted connection (and its routes) no longer exists.
			if gone(c.State) || !b.first("vpn", c.VpnConnectionId) {
				continue
			}
			m := model.VPNConnection{
				Addr: a("vpn", c.VpnConnectionId), ID: c.VpnConnectionId, VGW: a("vgw", c.VpnGatewayId),
				TGW: a("tgw", c.TransitGatewayId), TGWAttachment: vpnAtt[c.VpnConnectionId],
				CustomerGateway: c.CustomerGatewayId, CustomerIP: cgw[c.CustomerGatewayId],
				StaticRoutesOnly: c.Options.StaticRoutesOnly,
			}
			for _, r := range c.Routes {
				if gone(r.State) {
					continue
				}
				if p := b.prefix(f, "VPN connection "+c.VpnConnectionId, r.DestinationCidrBlock); p.IsValid() {
					m.Routes = append(m.Routes, p)
				}
			}
			for _, t := range c.VgwTelemetry {
				if ip := b.addr(f, "VPN connection "+c.VpnConnectionId, t.OutsideIpAddress); ip.IsValid() {
					m.TunnelOutside = append(m.TunnelOutside, ip)
				}
			}
			b.n.VPNConnections = append(b.n.VPNConnections, m)
		}
		for _, v := range f.d.VirtualInterfaces {
			if gone(v.VirtualInterfaceState) || v.VirtualInterfaceState == "down" || !b.first("dxvif", v.VirtualInterfaceId) {
				continue
			}
			what := "virtual interface " + v.VirtualInterfaceId
			b.n.VirtualInterfaces = append(b.n.VirtualInterfaces, model.DXVirtualInterface{
				Addr: a("dxvif", v.VirtualInterfaceId), ID: v.VirtualInterfaceId, Type: v.VirtualInterfaceType,
				VGW: a("vgw", v.VirtualGatewayId), DXGateway: v.DirectConnectGatewayId,
				AmazonAddress: ifacePrefix(b, f, what, v.AmazonAddress), CustomerAddress: ifacePrefix(b, f, what, v.CustomerAddress),
			})
		}
	}
	b.propagateVGWRoutes()
}

// ifacePrefix reads an interface address with its mask ("169.254.30.1/30"),
// keeping the host bits.
func ifacePrefix(b *builder, f file, what, s string) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		b.warnf(f, "%s: %q is not an address with a mask; ignored", what, s)
		return netip.Prefix{}
	}
	return p
}

// propagateVGWRoutes records each table's PropagatingVgws and adds, for
// a propagating gateway, the static routes of its static VPN connections
// that the table does not already list. describe-route-tables normally
// lists propagated routes itself (Origin EnableVgwRoutePropagation), so
// this only fills in what a dump lacks. Routes learned over BGP are never
// in the describe output of the connection, so they cannot be added. A
// propagated route inside the VPC's CIDR is dropped: the local route wins
// even over a more specific propagated one.
func (b *builder) propagateVGWRoutes() {
	idx := map[model.ResourceRef]int{}
	for i, rt := range b.n.RouteTables {
		idx[rt.Addr] = i
	}
	for _, f := range b.files {
		for _, t := range f.d.RouteTables {
			i, ok := idx[a("rtb", t.RouteTableId)]
			if !ok {
				continue
			}
			rt := &b.n.RouteTables[i]
			for _, p := range t.PropagatingVgws {
				if g := a("vgw", p.GatewayId); g != "" && !slices.Contains(rt.PropagatingVGWs, g) {
					rt.PropagatingVGWs = append(rt.PropagatingVGWs, g)
				}
			}
		}
	}
	for i := range b.n.RouteTables {
		rt := &b.n.RouteTables[i]
		v, _ := b.n.VPC(rt.VPC)
		for _, g := range rt.PropagatingVGWs {
			for _, c := range b.n.VPNConnections {
				if c.VGW != g || !c.StaticRoutesOnly {
					continue
				}
				for _, p := range c.Routes {
					if v != nil && v.CIDR.IsValid() && v.CIDR.Overlaps(p) && v.CIDR.Bits() <= p.Bits() {
						continue
					}
					if slices.ContainsFunc(rt.Routes, func(r model.Route) bool { return r.Dest == p }) {
						continue
					}
					rt.Routes = append(rt.Routes, model.Route{Dest: p, TargetKind: model.TargetVGW, Target: g, Propagated: true})
				}
			}
		}
	}
}
