package awsjson

import (
	"cmp"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

func (b *builder) routeTables() {
	for _, f := range b.files {
		for _, t := range f.d.RouteTables {
			if !b.first("rtb", t.RouteTableId) {
				continue
			}
			m := model.RouteTable{Addr: a("rtb", t.RouteTableId), VPC: a("vpc", t.VpcId), Tags: tags(t.Tags)}
			for _, as := range t.Associations {
				if st := as.AssociationState.State; st != "" && st != "associated" {
					continue
				}
				if as.Main {
					m.Main = true
				}
				if as.SubnetId != "" {
					b.rtClaims = append(b.rtClaims, model.Claim{Subnet: a("subnet", as.SubnetId), By: m.Addr, At: diag.Range{File: f.name}})
				}
			}
			for _, r := range t.Routes {
				if rt, ok := b.route(f, t.RouteTableId, r); ok {
					m.Routes = append(m.Routes, rt)
				}
			}
			b.n.RouteTables = append(b.n.RouteTables, m)
		}
	}
}

func (b *builder) route(f file, table string, r rawRoute) (model.Route, bool) {
	what := "route table " + table
	var m model.Route
	switch {
	case r.DestinationPrefixListId != "":
		m.DestPrefixList = r.DestinationPrefixListId
	case r.DestinationCidrBlock != "":
		m.Dest = b.prefix(f, what, r.DestinationCidrBlock)
	case r.DestinationIpv6CidrBlock != "":
		m.Dest = b.prefix(f, what, r.DestinationIpv6CidrBlock)
	}
	if !m.Dest.IsValid() && m.DestPrefixList == "" {
		b.warnf(f, "%s: a route has no destination; ignored", what)
		return m, false
	}
	m.Origin = r.Origin
	switch {
	case r.State == "blackhole":
		m.TargetKind = model.TargetBlackhole
	case r.GatewayId == "local":
		m.TargetKind = model.TargetLocal
	case strings.HasPrefix(r.GatewayId, "igw-"):
		m.TargetKind, m.Target = model.TargetIGW, a("igw", r.GatewayId)
	case strings.HasPrefix(r.GatewayId, "vgw-"):
		m.TargetKind, m.Target = model.TargetVGW, a("vgw", r.GatewayId)
	case strings.HasPrefix(r.GatewayId, "vpce-"):
		m.TargetKind, m.Target = model.TargetEndpoint, a("vpce", r.GatewayId)
	case r.NatGatewayId != "":
		m.TargetKind, m.Target = model.TargetNATGateway, a("natgw", r.NatGatewayId)
	case r.NetworkInterfaceId != "":
		m.TargetKind, m.Target = model.TargetENI, a("eni", r.NetworkInterfaceId)
	case r.InstanceId != "":
		eni, ok := b.primaryENI[r.InstanceId]
		if !ok {
			b.warnf(f, "%s: route to instance %s, whose interfaces no file describes; kept as a route to the instance", what, r.InstanceId)
			m.TargetKind, m.Target = model.TargetOther, a("i", r.InstanceId)
			break
		}
		m.TargetKind, m.Target = model.TargetENI, a("eni", eni)
	case r.TransitGatewayId != "":
		m.TargetKind, m.Target = model.TargetTGW, a("tgw", r.TransitGatewayId)
	case r.VpcPeeringConnectionId != "":
		m.TargetKind, m.Target = model.TargetPeering, a("pcx", r.VpcPeeringConnectionId)
	case r.EgressOnlyInternetGatewayId != "":
		m.TargetKind, m.Target = model.TargetEIGW, a("eigw", r.EgressOnlyInternetGatewayId)
	default:
		id := cmp.Or(r.GatewayId, r.CarrierGatewayId, r.LocalGatewayId, r.CoreNetworkArn)
		if id == "" {
			b.warnf(f, "%s: route to %s has no target; ignored", what, cmp.Or(m.DestPrefixList, m.Dest.String()))
			return m, false
		}
		m.TargetKind, m.Target = model.TargetOther, a("other", id)
	}
	return m, true
}
