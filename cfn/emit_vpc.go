package cfn

import (
	"fmt"
	"strconv"

	"github.com/moatnet/moat/model"
)

func (e *emitter) vpcs() {
	for _, v := range e.n.VPCs {
		id := e.id(v.Addr)
		if !v.CIDR.IsValid() || !v.CIDR.Addr().Is4() {
			e.errorf("vpc %s: needs an IPv4 CIDR", v.Addr)
			continue
		}
		e.add(id, VPC{
			CidrBlock:          String(v.CIDR.String()),
			EnableDnsSupport:   Bool(true),
			EnableDnsHostnames: Bool(true), // interface endpoints' private DNS needs both
			Tags:               e.tags(v.Addr, v.Tags),
		})
		if v.IPv6CIDR.IsValid() {
			// Amazon assigns the /56; subnets carve /64s from it by index.
			block := id + "Ipv6CidrBlock"
			e.v6Block[v.Addr] = block
			e.add(block, VPCCidrBlock{VpcId: Ref{id}, AmazonProvidedIpv6CidrBlock: Bool(true)})
		}
	}
}

func (e *emitter) subnets() {
	for _, s := range e.n.Subnets {
		if _, ok := e.vpcOf(s.VPC); !ok {
			e.errorf("subnet %s: unknown vpc %s", s.Addr, s.VPC)
			continue
		}
		if s.ZoneID == "" {
			e.errorf("subnet %s: no AZ ID", s.Addr)
		}
		p := Subnet{
			VpcId:              e.ref(s.VPC),
			AvailabilityZoneId: String(s.ZoneID),
			CidrBlock:          String(s.CIDR.String()),
			Tags:               e.tags(s.Addr, s.Tags),
		}
		if s.MapPublicIP {
			p.MapPublicIpOnLaunch = Bool(true)
		}
		var dep string
		if s.IPv6CIDR.IsValid() && s.IPv6Index >= 0 {
			if e.v6Block[s.VPC] == "" {
				e.errorf("subnet %s: has IPv6 but vpc %s has none", s.Addr, s.VPC)
				continue
			}
			if s.IPv6Index > 255 {
				e.errorf("subnet %s: IPv6 index %d is outside a /56", s.Addr, s.IPv6Index)
			}
			p.Ipv6CidrBlock = e.v6Subnet(s.VPC, s.IPv6Index)
			if s.AssignIPv6 {
				p.AssignIpv6AddressOnCreation = Bool(true)
			}
			// GetAtt VPC.Ipv6CidrBlocks is empty until the block exists.
			dep = e.v6Block[s.VPC]
		}
		e.add(e.id(s.Addr), p, dep)
	}
}

func (e *emitter) gateways() {
	for _, g := range e.n.InternetGateways {
		id := e.id(g.Addr)
		e.add(id, InternetGateway{Tags: e.tags(g.Addr, nil)})
		att := id + "Attachment"
		if prev := e.attachment[g.VPC]; prev != "" {
			e.errorf("vpc %s: has two internet gateways", g.VPC)
		}
		e.attachment[g.VPC] = att
		e.add(att, VPCGatewayAttachment{VpcId: e.ref(g.VPC), InternetGatewayId: Ref{id}})
	}
	for _, g := range e.n.EgressOnlyInternetGateways {
		e.add(e.id(g.Addr), EgressOnlyInternetGateway{VpcId: e.ref(g.VPC), Tags: e.tags(g.Addr, nil)})
	}
}

// routeTables emits each table, its non-local routes and one association
// per subnet that names a table (model.Finish has settled which).
func (e *emitter) routeTables() {
	for _, rt := range e.n.RouteTables {
		id := e.id(rt.Addr)
		e.add(id, RouteTable{VpcId: e.ref(rt.VPC), Tags: e.tags(rt.Addr, rt.Tags)})
		n := 0
		for _, r := range rt.Routes {
			if r.TargetKind == model.TargetLocal {
				continue
			}
			n++
			e.route(id, rt.Addr, n, r)
		}
	}
	for _, s := range e.n.Subnets {
		rt := s.RouteTable
		if rt.IsZero() {
			continue
		}
		if _, ok := e.n.RouteTable(rt); !ok {
			e.errorf("subnet %s: unknown route table %s", s.Addr, rt)
			continue
		}
		e.add(e.id(s.Addr)+"RouteTableAssociation", SubnetRouteTableAssociation{SubnetId: e.ref(s.Addr), RouteTableId: e.ref(rt)})
	}
}

func (e *emitter) route(rtID string, rtAddr model.ResourceRef, n int, r model.Route) {
	where := fmt.Sprintf("route table %s route to %s", rtAddr, r.Target)
	p := Route{RouteTableId: Ref{rtID}}
	var deps []string
	var suffix string
	switch {
	case r.DestPrefixList != "":
		p.DestinationPrefixListId = e.prefixList(r.DestPrefixList)
		suffix = "PrefixList" + pascal(r.DestPrefixList)
	case r.Dest.Addr().Is4():
		p.DestinationCidrBlock = String(r.Dest.String())
		suffix = "IPv4" + strconv.Itoa(n)
		if r.Dest.Bits() == 0 {
			suffix = "IPv4Default"
		}
	case r.Dest.IsValid():
		v, dep := e.cidr(r.Dest, where)
		p.DestinationIpv6CidrBlock = v
		deps = append(deps, dep)
		suffix = "IPv6" + strconv.Itoa(n)
		if r.Dest.Bits() == 0 {
			suffix = "IPv6Default"
		}
	default:
		e.errorf("%s: no destination", where)
		return
	}
	switch r.TargetKind {
	case model.TargetIGW:
		p.GatewayId = e.ref(r.Target)
		// A route to a detached gateway fails; wait for the attachment.
		if ig := e.igwVPC(r.Target); ig != "" {
			deps = append(deps, e.attachment[ig])
		}
	case model.TargetEIGW:
		p.EgressOnlyInternetGatewayId = e.ref(r.Target)
	case model.TargetNATGateway:
		p.NatGatewayId = e.ref(r.Target)
	case model.TargetENI:
		p.NetworkInterfaceId = e.ref(r.Target)
	case model.TargetEndpoint:
		if ep, ok := e.endpoints[r.Target]; ok && ep.Type == model.GatewayEndpoint {
			// Gateway endpoints install their own routes from RouteTableIds.
			return
		}
		p.VpcEndpointId = e.ref(r.Target)
	case model.TargetTGW:
		if rt, ok := e.n.RouteTable(rtAddr); ok {
			deps = append(deps, e.tgwRoute(&p, rt.VPC, r.Target)...)
		}
	case model.TargetFirewall:
		p.VpcEndpointId = e.firewallEndpoint(rtAddr, r.Target)
	default:
		e.errorf("%s: target kind %q is not supported in CloudFormation output yet", where, r.TargetKind)
		return
	}
	e.add(rtID+suffix, p, deps...)
}

func (e *emitter) igwVPC(a model.ResourceRef) model.ResourceRef {
	for _, g := range e.n.InternetGateways {
		if g.Addr == a {
			return g.VPC
		}
	}
	return ""
}
