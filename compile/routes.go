package compile

import (
	"slices"

	"net/netip"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

var (
	anyV4 = netip.MustParsePrefix("0.0.0.0/0")
	anyV6 = netip.MustParsePrefix("::/0")
)

// natTarget returns where a zone's private default route goes.
func (c *compiler) natTarget(zone string) (model.TargetKind, model.ResourceRef) {
	nat := c.s.Network.NAT
	first := c.zones[0]
	switch nat.Mode {
	case spec.NATInstance:
		if nat.PerZone {
			return model.TargetENI, model.JoinRef("eni", "nat", zone)
		}
		return model.TargetENI, model.JoinRef("eni", "nat", first)
	case spec.NATGateway:
		return model.TargetNATGateway, model.JoinRef("natgw", first)
	case spec.NATGatewayPerZone:
		return model.TargetNATGateway, model.JoinRef("natgw", zone)
	case spec.NATRegionalGateway:
		return model.TargetNATGateway, "natgw/regional"
	}
	return "", ""
}

// buildGateways adds the internet gateway, the egress-only gateway and the
// NAT the spec asks for.
func (c *compiler) buildGateways() {
	c.n.InternetGateways = []model.InternetGateway{{Addr: IGWAddr, VPC: VPCAddr}}
	if c.ipv6 && c.hasNAT() {
		c.n.EgressOnlyInternetGateways = []model.EgressOnlyInternetGateway{{Addr: EIGWAddr, VPC: VPCAddr}}
	}
	nat := c.s.Network.NAT
	public := c.subnets[model.Public]
	switch nat.Mode {
	case spec.NATInstance:
		zones := c.zones
		if !nat.PerZone {
			zones = c.zones[:1]
		}
		for i, z := range zones {
			serves := []string{z}
			if !nat.PerZone {
				serves = append([]string(nil), c.zones...)
			}
			a := model.JoinRef("nat", z)
			eni := model.JoinRef("eni", "nat", z)
			c.n.NATInstances = append(c.n.NATInstances, model.NATInstance{
				Addr: a, VPC: VPCAddr, Subnet: public[i], ENI: eni, InstanceType: nat.InstanceType,
				Architecture: c.arch(nat.InstanceType, "network.nat.instance_type"), SecurityGroup: "sg/nat", Serves: serves,
			})
			// The fixed ENI holds an Elastic IP, so the NAT's public address
			// survives an instance replacement and allowlists elsewhere stay valid.
			c.n.ENIs = append(c.n.ENIs, model.ENI{
				Addr: eni, Subnet: public[i], HasPublicIP: true, SecurityGroups: []model.ResourceRef{"sg/nat"},
				SourceDestCheck: false, Owner: a, Description: "NAT instance interface; private routes point here",
			})
		}
	case spec.NATGateway:
		c.n.NATGateways = []model.NATGateway{{Addr: model.JoinRef("natgw", c.zones[0]), VPC: VPCAddr, Subnet: public[0], PublicIPs: 1}}
	case spec.NATGatewayPerZone:
		for i, z := range c.zones {
			c.n.NATGateways = append(c.n.NATGateways, model.NATGateway{Addr: model.JoinRef("natgw", z), VPC: VPCAddr, Subnet: public[i], PublicIPs: 1})
		}
	case spec.NATRegionalGateway:
		c.n.NATGateways = []model.NATGateway{{
			Addr: "natgw/regional", VPC: VPCAddr, Regional: true,
			Zones: append([]string(nil), c.zones...), PublicIPs: len(c.zones),
		}}
	}
}

// routeTable starts the route table of a tier of v in a zone with the
// VPC's own routes. AWS adds those itself; they are listed so analyzers
// see every route a packet can take.
func (c *compiler) routeTable(v *vpcPlan, t model.Tier, zone string) model.RouteTable {
	r := []model.Route{{Dest: v.cidr, TargetKind: model.TargetLocal}}
	if v.v6.IsValid() {
		r = append(r, model.Route{Dest: v.v6, TargetKind: model.TargetLocal})
	}
	return model.RouteTable{Addr: v.table(t, zone), VPC: v.addr, Routes: r, Tags: c.tags()}
}

// buildRouteTables adds rtb/public, rtb/private/<az> per zone and
// rtb/isolated, each listing its subnets. Gateway endpoint routes are not
// listed here: see Endpoint.RouteTables.
func (c *compiler) buildRouteTables() {
	pub := c.routeTable(c.home, model.Public, "")
	pub.Routes = append(pub.Routes, model.Route{Dest: anyV4, TargetKind: model.TargetIGW, Target: IGWAddr})
	if c.ipv6 {
		pub.Routes = append(pub.Routes, model.Route{Dest: anyV6, TargetKind: model.TargetIGW, Target: IGWAddr})
	}
	c.n.RouteTables = append(c.n.RouteTables, pub)
	if c.hasNAT() {
		for _, z := range c.zones {
			kind, target := c.natTarget(z)
			rt := c.routeTable(c.home, model.Private, z)
			rt.Routes = append(rt.Routes, model.Route{Dest: anyV4, TargetKind: kind, Target: target})
			if c.ipv6 {
				rt.Routes = append(rt.Routes, model.Route{Dest: anyV6, TargetKind: model.TargetEIGW, Target: EIGWAddr})
			}
			c.n.RouteTables = append(c.n.RouteTables, rt)
		}
	}
	// The isolated table has no default route at all: that is what makes
	// the tier isolated.
	c.n.RouteTables = append(c.n.RouteTables, c.routeTable(c.home, model.Isolated, ""))
}

// buildEndpoints adds the workloads' VPC's endpoints: gateway endpoints on
// the route tables of its private and isolated subnets, interface
// endpoints in its app subnets.
func (c *compiler) buildEndpoints() {
	var tables []model.ResourceRef
	for _, rt := range c.n.RouteTables {
		served := slices.ContainsFunc(c.n.Subnets, func(sn model.Subnet) bool {
			return sn.RouteTable == rt.Addr && (sn.Tier == model.Private || sn.Tier == model.Isolated)
		})
		if rt.VPC == c.home.addr && served {
			tables = append(tables, rt.Addr)
		}
	}
	for _, name := range c.home.gateways {
		c.n.Endpoints = append(c.n.Endpoints, model.Endpoint{
			Addr: model.JoinRef("vpce", name), VPC: c.home.addr, Type: model.GatewayEndpoint, Service: name,
			ServiceName: serviceName(c.s.Region, name), RouteTables: slices.Clone(tables),
		})
	}
	for _, name := range c.home.interfaces {
		addr, privateDNS := model.JoinRef("vpce", name), true
		if slices.Contains(c.home.gateways, name) {
			// S3 and DynamoDB can have both kinds in one VPC
			// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html):
			// the free gateway endpoint carries the VPC's own traffic, and
			// the interface endpoint, without private DNS, serves clients
			// outside it (on-premises, peered VPCs) by its own DNS names.
			addr, privateDNS = model.JoinRef("vpce", name+"-interface"), false
		}
		c.n.Endpoints = append(c.n.Endpoints, model.Endpoint{
			Addr: addr, VPC: c.home.addr, Type: model.InterfaceEndpoint, Service: name,
			ServiceName: serviceName(c.s.Region, name), Subnets: c.appSubnets(),
			SecurityGroups: []model.ResourceRef{SGEndpoints}, PrivateDNS: privateDNS,
		})
	}
}

func serviceName(region, name string) string { return "com.amazonaws." + region + "." + name }
