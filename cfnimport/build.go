package cfnimport

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

var (
	anyV4 = netip.MustParsePrefix("0.0.0.0/0")
	anyV6 = netip.MustParsePrefix("::/0")
)

func (t *tmpl) build() {
	vpcIdx := t.vpcs()
	rtIdx, naclIdx := t.implicitTables(vpcIdx)
	subIdx := t.subnets(vpcIdx)
	t.routeTables(vpcIdx, rtIdx)
	t.gateways()
	t.interfaces(subIdx)
	t.securityGroups()
	t.nacls(naclIdx)
	t.endpoints()
	t.transit()
	t.hub() // hub.go
	t.loadBalancers()
	t.workloads() // workloads.go
	t.bastions()  // bastion.go
	t.finish()
}

// vpcs reads the VPCs and their extra blocks; the result maps each VPC's
// address to its index in n.VPCs.
func (t *tmpl) vpcs() map[model.ResourceRef]int {
	n := t.n
	// IPv6 blocks first: subnets' Ipv6CidrBlock evaluates through them.
	more := map[model.ResourceRef][]netip.Prefix{}
	t.each("AWS::EC2::VPCCidrBlock", func(r *resource) {
		vpc := t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc")
		if c := r.props.get("CidrBlock"); c != nil {
			if p := t.prefix(r, "CidrBlock", c); p.IsValid() {
				t.v4[vpc] = append(t.v4[vpc], p)
				more[vpc] = append(more[vpc], p)
			}
		}
		if t.boolean(r, "AmazonProvidedIpv6CidrBlock", r.props.get("AmazonProvidedIpv6CidrBlock")) {
			t.v6[vpc] = ipv6Standin
		} else if p := t.prefix(r, "Ipv6CidrBlock", r.props.get("Ipv6CidrBlock")); p.IsValid() {
			t.v6[vpc] = p
		}
	})
	vpcIdx := map[model.ResourceRef]int{}
	t.each("AWS::EC2::VPC", func(r *resource) {
		tags := t.tags(r)
		v := model.VPC{Addr: r.addr, Name: nameOf(tags), Tags: tags, CIDR: t.prefix(r, "CidrBlock", r.props.get("CidrBlock")), SecondaryCIDRs: more[r.addr]}
		if p, ok := t.v6[r.addr]; ok {
			v.IPv6CIDR, v.IPv6Symbolic = p, p == ipv6Standin
		}
		vpcIdx[r.addr] = len(n.VPCs)
		n.VPCs = append(n.VPCs, v)
	})
	return vpcIdx
}

// localRoutes are the local routes of a VPC's route tables.
func (t *tmpl) localRoutes(vpcIdx map[model.ResourceRef]int, vpc model.ResourceRef) []model.Route {
	n := t.n
	i, ok := vpcIdx[vpc]
	if !ok {
		return nil
	}
	var rs []model.Route
	if c := n.VPCs[i].CIDR; c.IsValid() {
		rs = append(rs, model.Route{Dest: c, TargetKind: model.TargetLocal})
	}
	if c := n.VPCs[i].IPv6CIDR; c.IsValid() {
		rs = append(rs, model.Route{Dest: c, TargetKind: model.TargetLocal})
	}
	return rs
}

// implicitTables adds what AWS creates with every VPC: a main route table
// and a default network ACL that subnets without an association use.
func (t *tmpl) implicitTables(vpcIdx map[model.ResourceRef]int) (rtIdx, naclIdx map[model.ResourceRef]int) {
	n := t.n
	local := func(vpc model.ResourceRef) []model.Route { return t.localRoutes(vpcIdx, vpc) }
	rtIdx, naclIdx = map[model.ResourceRef]int{}, map[model.ResourceRef]int{}
	for _, v := range n.VPCs {
		id := strings.TrimPrefix(string(v.Addr), "vpc/")
		rt := model.RouteTable{Addr: model.JoinRef("rtb", id, "main"), VPC: v.Addr, Main: true, Routes: local(v.Addr)}
		rtIdx[rt.Addr] = len(n.RouteTables)
		n.RouteTables = append(n.RouteTables, rt)
		x := model.NetworkACL{Addr: model.JoinRef("nacl", id, "default"), VPC: v.Addr, Default: true}
		for _, egress := range []bool{false, true} {
			x.Entries = append(x.Entries, model.NACLEntry{RuleNumber: 100, Egress: egress, Protocol: model.AllProtocols, CIDR: anyV4, Action: model.Allow})
			if v.IPv6CIDR.IsValid() {
				x.Entries = append(x.Entries, model.NACLEntry{RuleNumber: 101, Egress: egress, Protocol: model.AllProtocols, CIDR: anyV6, Action: model.Allow})
			}
		}
		naclIdx[x.Addr] = len(n.NetworkACLs)
		n.NetworkACLs = append(n.NetworkACLs, x)
	}
	return rtIdx, naclIdx
}

// subnets reads the subnets; the result maps each subnet's address to its
// index in n.Subnets.
func (t *tmpl) subnets(vpcIdx map[model.ResourceRef]int) map[model.ResourceRef]int {
	n := t.n
	subIdx := map[model.ResourceRef]int{}
	t.each("AWS::EC2::Subnet", func(r *resource) {
		s := model.Subnet{Addr: r.addr, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), IPv6Index: -1, Tags: t.tags(r),
			CIDR:        t.prefix(r, "CidrBlock", r.props.get("CidrBlock")),
			IPv6CIDR:    t.prefix(r, "Ipv6CidrBlock", r.props.get("Ipv6CidrBlock")),
			MapPublicIP: t.boolean(r, "MapPublicIpOnLaunch", r.props.get("MapPublicIpOnLaunch")),
			AssignIPv6:  t.boolean(r, "AssignIpv6AddressOnCreation", r.props.get("AssignIpv6AddressOnCreation")),
		}
		if z, ok := t.str(r, "AvailabilityZoneId"); ok {
			s.ZoneID = z
		} else if z, ok := t.str(r, "AvailabilityZone"); ok {
			s.ZoneID = z
		}
		if i, ok := vpcIdx[s.VPC]; ok {
			t.subnetInVPC(r, s, n.VPCs[i])
			v6 := n.VPCs[i].IPv6CIDR
			if v6.Bits() == 56 && s.IPv6CIDR.Bits() == 64 && v6.Contains(s.IPv6CIDR.Addr()) {
				s.IPv6Index = int(s.IPv6CIDR.Addr().As16()[7])
			}
		}
		subIdx[r.addr] = len(n.Subnets)
		n.Subnets = append(n.Subnets, s)
	})
	return subIdx
}

// routeTables reads the route tables, their routes and the subnet
// associations (claims for model.Finish).
func (t *tmpl) routeTables(vpcIdx, rtIdx map[model.ResourceRef]int) {
	n := t.n
	local := func(vpc model.ResourceRef) []model.Route { return t.localRoutes(vpcIdx, vpc) }
	t.each("AWS::EC2::RouteTable", func(r *resource) {
		vpc := t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc")
		rtIdx[r.addr] = len(n.RouteTables)
		n.RouteTables = append(n.RouteTables, model.RouteTable{Addr: r.addr, VPC: vpc, Routes: local(vpc), Tags: t.tags(r)})
	})
	t.each("AWS::EC2::Route", func(r *resource) {
		rt := t.refAddr(r, "RouteTableId", r.props.get("RouteTableId"), "rtb")
		i, ok := rtIdx[rt]
		if !ok {
			t.r.diags.Warnf(t.rng(r), "", "route %s: route table %s is not in the template; ignored", r.id, rt)
			return
		}
		if route, ok := t.route(r); ok {
			n.RouteTables[i].Routes = append(n.RouteTables[i].Routes, route)
		}
	})
	t.each("AWS::EC2::SubnetRouteTableAssociation", func(r *resource) {
		rt := t.refAddr(r, "RouteTableId", r.props.get("RouteTableId"), "rtb")
		sn := t.refAddr(r, "SubnetId", r.props.get("SubnetId"), "subnet")
		if sn != "" && rt != "" {
			t.rtClaims = append(t.rtClaims, model.Claim{Subnet: sn, By: rt, At: t.rng(r)})
		}
	})
}

func (t *tmpl) rng(r *resource) diag.Range { return diag.Range{File: t.r.file, Start: r.pos} }

// where is the range of the resource at address a, for model.Finish.
func (t *tmpl) where(a model.ResourceRef) diag.Range {
	for _, r := range t.order {
		if r.addr == a {
			return t.rng(r)
		}
	}
	return diag.Range{File: t.r.file}
}

// route reads an AWS::EC2::Route.
func (t *tmpl) route(r *resource) (model.Route, bool) {
	p := r.props
	var m model.Route
	switch {
	case p.get("DestinationPrefixListId") != nil:
		s, _ := t.str(r, "DestinationPrefixListId")
		m.DestPrefixList = t.plName(s)
	case p.get("DestinationCidrBlock") != nil:
		m.Dest = t.prefix(r, "DestinationCidrBlock", p.get("DestinationCidrBlock"))
	case p.get("DestinationIpv6CidrBlock") != nil:
		m.Dest = t.prefix(r, "DestinationIpv6CidrBlock", p.get("DestinationIpv6CidrBlock"))
	}
	if !m.Dest.IsValid() && m.DestPrefixList == "" {
		return m, false
	}
	target := func(prop, kind string) model.ResourceRef { return t.refAddr(r, prop, p.get(prop), kind) }
	switch {
	case p.get("GatewayId") != nil:
		a := target("GatewayId", "igw")
		switch a.Kind() {
		case "vpce":
			m.TargetKind = model.TargetEndpoint
		case "vgw":
			m.TargetKind = model.TargetVGW
		default:
			m.TargetKind = model.TargetIGW
			if id := strings.TrimPrefix(string(a), "igw/"); strings.HasPrefix(id, "vgw-") {
				m.TargetKind, a = model.TargetVGW, model.JoinRef("vgw", id)
			} else if strings.HasPrefix(id, "vpce-") {
				m.TargetKind, a = model.TargetEndpoint, model.JoinRef("vpce", id)
			}
		}
		m.Target = a
	case p.get("NatGatewayId") != nil:
		m.TargetKind, m.Target = model.TargetNATGateway, target("NatGatewayId", "natgw")
	case p.get("NetworkInterfaceId") != nil:
		m.TargetKind, m.Target = model.TargetENI, target("NetworkInterfaceId", "eni")
	case p.get("InstanceId") != nil:
		m.TargetKind, m.Target = model.TargetENI, t.primaryENI(target("InstanceId", "i"))
	case p.get("TransitGatewayId") != nil:
		m.TargetKind, m.Target = model.TargetTGW, target("TransitGatewayId", "tgw")
	case p.get("VpcPeeringConnectionId") != nil:
		m.TargetKind, m.Target = model.TargetPeering, target("VpcPeeringConnectionId", "pcx")
	case p.get("EgressOnlyInternetGatewayId") != nil:
		m.TargetKind, m.Target = model.TargetEIGW, target("EgressOnlyInternetGatewayId", "eigw")
	case p.get("VpcEndpointId") != nil:
		m.TargetKind, m.Target = model.TargetEndpoint, target("VpcEndpointId", "vpce")
		if m.Target.Kind() == "firewall" {
			// A Network Firewall endpoint, picked out of EndpointIds.
			m.TargetKind = model.TargetFirewall
		}
	default:
		m.TargetKind = model.TargetOther
		for _, k := range []string{"CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn"} {
			if p.get(k) != nil {
				m.Target = target(k, "other")
			}
		}
	}
	if m.Target == "" && m.TargetKind != model.TargetBlackhole {
		return m, false
	}
	return m, true
}

// primaryENI is the interface at device index 0 of an instance in the
// template ("eni/<Instance>/0" when the instance declares it inline).
func (t *tmpl) primaryENI(inst model.ResourceRef) model.ResourceRef {
	for _, in := range t.n.Instances {
		if in.Addr == inst && len(in.ENIs) > 0 {
			return in.ENIs[0]
		}
	}
	return model.ResourceRef(string(inst) + "/0")
}

func (t *tmpl) gateways() {
	n := t.n
	igwVPC := map[model.ResourceRef]model.ResourceRef{}
	t.each("AWS::EC2::VPCGatewayAttachment", func(r *resource) {
		if r.props.get("InternetGatewayId") != nil {
			igwVPC[t.refAddr(r, "InternetGatewayId", r.props.get("InternetGatewayId"), "igw")] = t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc")
		}
	})
	t.each("AWS::EC2::InternetGateway", func(r *resource) {
		n.InternetGateways = append(n.InternetGateways, model.InternetGateway{Addr: r.addr, VPC: igwVPC[r.addr]})
	})
	t.each("AWS::EC2::EgressOnlyInternetGateway", func(r *resource) {
		n.EgressOnlyInternetGateways = append(n.EgressOnlyInternetGateways, model.EgressOnlyInternetGateway{Addr: r.addr, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc")})
	})
	t.each("AWS::EC2::NatGateway", func(r *resource) {
		g := model.NATGateway{Addr: r.addr, Subnet: t.refAddr(r, "SubnetId", r.props.get("SubnetId"), "subnet"),
			VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc")}
		if s, _ := t.str(r, "ConnectivityType"); s == "private" {
			g.Private = true
		}
		if r.props.get("AllocationId") != nil {
			g.PublicIPs = 1
		}
		if m, _ := t.str(r, "AvailabilityMode"); m == "regional" {
			g.Regional = true
			if zl := r.props.get("AvailabilityZoneAddresses"); zl != nil && zl.kind == listNode {
				for _, z := range zl.items {
					if id, ok := t.strOf(r, "AvailabilityZoneAddresses", cmp.Or(z.get("AvailabilityZoneId"), z.get("AvailabilityZone"))); ok {
						g.Zones = append(g.Zones, id)
					}
					g.PublicIPs += max(1, len(t.list(r, "AvailabilityZoneAddresses", z.get("AllocationIds"))))
				}
			}
		}
		n.NATGateways = append(n.NATGateways, g)
	})
}

func (t *tmpl) interfaces(subIdx map[model.ResourceRef]int) {
	n := t.n
	eniIdx := map[model.ResourceRef]int{}
	addENI := func(e model.ENI) {
		if _, ok := eniIdx[e.Addr]; ok {
			return
		}
		eniIdx[e.Addr] = len(n.ENIs)
		n.ENIs = append(n.ENIs, e)
	}
	t.each("AWS::EC2::NetworkInterface", func(r *resource) {
		e := model.ENI{Addr: r.addr, Subnet: t.refAddr(r, "SubnetId", r.props.get("SubnetId"), "subnet"),
			SecurityGroups: t.refAddrs(r, "GroupSet", r.props.get("GroupSet"), "sg"), SourceDestCheck: true, Type: "interface"}
		e.Description, _ = t.str(r, "Description")
		if r.props.get("SourceDestCheck") != nil {
			e.SourceDestCheck = t.boolean(r, "SourceDestCheck", r.props.get("SourceDestCheck"))
		}
		if s, ok := t.str(r, "PrivateIpAddress"); ok {
			e.PrivateIP, _ = netip.ParseAddr(s)
		}
		addENI(e)
	})
	t.each("AWS::EC2::Instance", func(r *resource) {
		in := model.Instance{Addr: r.addr, Name: nameOf(t.tags(r))}
		sdc := true
		if r.props.get("SourceDestCheck") != nil {
			sdc = t.boolean(r, "SourceDestCheck", r.props.get("SourceDestCheck"))
		}
		nics := r.props.get("NetworkInterfaces")
		if nics == nil || nics.kind != listNode || len(nics.items) == 0 {
			e := model.ENI{Addr: model.ResourceRef(string(r.addr) + "/0"), Subnet: t.refAddr(r, "SubnetId", r.props.get("SubnetId"), "subnet"),
				SecurityGroups: t.refAddrs(r, "SecurityGroupIds", r.props.get("SecurityGroupIds"), "sg"), SourceDestCheck: sdc, Owner: r.addr, Type: "interface"}
			if s, ok := t.str(r, "PrivateIpAddress"); ok {
				e.PrivateIP, _ = netip.ParseAddr(s)
			}
			addENI(e)
			in.ENIs = append(in.ENIs, e.Addr)
		} else {
			items := slices.Clone(nics.items)
			idx := func(x *node) int { i, _ := t.integer(r, "DeviceIndex", x.get("DeviceIndex")); return i }
			slices.SortStableFunc(items, func(a, b *node) int { return cmp.Compare(idx(a), idx(b)) })
			for _, it := range items {
				if it.get("NetworkInterfaceId") != nil {
					a := t.refAddr(r, "NetworkInterfaces", it.get("NetworkInterfaceId"), "eni")
					in.ENIs = append(in.ENIs, a)
					continue
				}
				e := model.ENI{Addr: model.JoinRef(string(r.addr), strconv.Itoa(idx(it))), Subnet: t.refAddr(r, "NetworkInterfaces", it.get("SubnetId"), "subnet"),
					SecurityGroups: t.refAddrs(r, "NetworkInterfaces", it.get("GroupSet"), "sg"), SourceDestCheck: sdc, Owner: r.addr, Type: "interface",
					HasPublicIP: t.boolean(r, "NetworkInterfaces", it.get("AssociatePublicIpAddress"))}
				addENI(e)
				in.ENIs = append(in.ENIs, e.Addr)
			}
		}
		n.Instances = append(n.Instances, in)
	})
	for _, in := range n.Instances {
		for _, e := range in.ENIs {
			if i, ok := eniIdx[e]; ok && n.ENIs[i].Owner == "" {
				n.ENIs[i].Owner = in.Addr
			}
		}
	}
	t.each("AWS::EC2::EIPAssociation", func(r *resource) {
		e := t.refAddr(r, "NetworkInterfaceId", r.props.get("NetworkInterfaceId"), "eni")
		if e == "" && r.props.get("InstanceId") != nil {
			e = t.primaryENI(t.refAddr(r, "InstanceId", r.props.get("InstanceId"), "i"))
		}
		if i, ok := eniIdx[e]; ok {
			n.ENIs[i].HasPublicIP = true
		}
	})
	t.each("AWS::EC2::EIP", func(r *resource) {
		if r.props.get("InstanceId") != nil {
			if i, ok := eniIdx[t.primaryENI(t.refAddr(r, "InstanceId", r.props.get("InstanceId"), "i"))]; ok {
				n.ENIs[i].HasPublicIP = true
			}
		}
	})
	// A public subnet's MapPublicIpOnLaunch gives inline instance
	// interfaces a public address.
	for i := range n.ENIs {
		if j, ok := subIdx[n.ENIs[i].Subnet]; ok && n.Subnets[j].MapPublicIP && n.ENIs[i].Owner.Kind() == "i" {
			n.ENIs[i].HasPublicIP = true
		}
	}
}
