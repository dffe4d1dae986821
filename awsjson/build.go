package awsjson

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// builder turns the decoded files into a model. Resources that appear in
// several files (a shared Transit Gateway seen from two accounts) are
// taken from the first file in lexical path order.
type builder struct {
	files []file
	r     *Result
	n     *model.Network
	seen  map[string]bool // "<kind>/<id>" already built

	primaryENI  map[string]string // instance id -> its device-0 ENI id
	eniOwner    map[string]model.ResourceRef
	peeringTGWA map[string]bool // TGW attachment ids of peering attachments
	lbByARN     map[string]string
	tgByARN     map[string]string
	vpcRegion   map[string]string
	enis        map[string]int // ENI id -> index in n.ENIs
	attachIdx   map[model.ResourceRef]int
	vpcBlocks   map[string][]netip.Prefix // VPC id -> every associated IPv4 and IPv6 block
	subnetFrom  map[string]rawSubnetAt    // subnet id -> where it was first read
	sgRefs      []sgRef                   // security groups referred to, in reading order
	// rtClaims and aclClaims are the subnet associations the route
	// tables and network ACLs list, for model.Finish.
	rtClaims, aclClaims []model.Claim
}

// rawSubnetAt is a subnet as first read, to tell a repeat from a conflict.
type rawSubnetAt struct {
	f file
	s rawSubnet
}

// sgRef is a reference to a security group by id, kept to report one that
// no file describes.
type sgRef struct {
	f  file
	id string
}

func newBuilder(files []file, r *Result) *builder {
	return &builder{
		files: files, r: r, n: &model.Network{}, seen: map[string]bool{},
		primaryENI: map[string]string{}, eniOwner: map[string]model.ResourceRef{},
		peeringTGWA: map[string]bool{}, lbByARN: map[string]string{}, tgByARN: map[string]string{},
		vpcRegion: map[string]string{}, enis: map[string]int{}, attachIdx: map[model.ResourceRef]int{},
		vpcBlocks: map[string][]netip.Prefix{}, subnetFrom: map[string]rawSubnetAt{},
	}
}

// first reports whether kind/id is new, and marks it seen. Empty ids are
// never new: an item without an id cannot be referred to.
func (b *builder) first(kind, id string) bool {
	if id == "" {
		return false
	}
	k := kind + "/" + id
	if b.seen[k] {
		return false
	}
	b.seen[k] = true
	return true
}

func (b *builder) warnf(f file, format string, args ...any) {
	b.r.diags.Warnf(diag.Range{File: f.name}, "", format, args...)
}

// prefix parses an AWS CIDR; "" is the zero prefix without a warning.
func (b *builder) prefix(f file, what, s string) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Masked() != p {
		b.warnf(f, "%s: %q is not a valid CIDR; ignored", what, s)
		return netip.Prefix{}
	}
	return p
}

func (b *builder) addr(f file, what, s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		b.warnf(f, "%s: %q is not a valid IP address; ignored", what, s)
		return netip.Addr{}
	}
	return a
}

func tags(ts []tag) []model.Tag {
	var out []model.Tag
	for _, t := range ts {
		out = append(out, model.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func nameTag(ts []tag) string {
	for _, t := range ts {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

func a(kind, id string) model.ResourceRef {
	if id == "" {
		return ""
	}
	return model.JoinRef(kind, id)
}

func (b *builder) build(name string) *model.Network {
	b.n.Name = name
	b.index()
	b.vpcs()
	b.subnets()
	b.routeTables()
	b.gateways()
	b.natGateways()
	b.enisAndInstances()
	b.addresses()
	b.securityGroups()
	b.nacls()
	b.endpoints()
	b.peerings()
	b.transitGateways()
	b.prefixLists()
	b.loadBalancers()
	b.hybrid()
	return b.finish()
}

// index collects the cross references later steps need: which ENI is an
// instance's primary one, and who owns each requester-managed interface.
func (b *builder) index() {
	for _, f := range b.files {
		for _, res := range f.d.Reservations {
			for _, in := range res.Instances {
				for _, e := range in.NetworkInterfaces {
					if e.Attachment != nil && e.Attachment.DeviceIndex == 0 && in.InstanceId != "" {
						b.primaryENI[in.InstanceId] = e.NetworkInterfaceId
					}
					b.setOwner(e.NetworkInterfaceId, a("i", in.InstanceId))
				}
			}
		}
		for _, e := range f.d.NetworkInterfaces {
			if at := e.Attachment; at != nil && at.InstanceId != "" {
				if at.DeviceIndex == 0 {
					if _, ok := b.primaryENI[at.InstanceId]; !ok {
						b.primaryENI[at.InstanceId] = e.NetworkInterfaceId
					}
				}
				b.setOwner(e.NetworkInterfaceId, a("i", at.InstanceId))
			}
			if id, ok := strings.CutPrefix(e.Description, "Network Interface for Transit Gateway Attachment "); ok {
				b.setOwner(e.NetworkInterfaceId, a("tgw-attach", strings.TrimSpace(id)))
			}
		}
		for _, g := range f.d.NatGateways {
			for _, ad := range g.NatGatewayAddresses {
				b.setOwner(ad.NetworkInterfaceId, a("natgw", g.NatGatewayId))
			}
		}
		for _, ep := range f.d.VpcEndpoints {
			for _, e := range ep.NetworkInterfaceIds {
				b.setOwner(e, a("vpce", ep.VpcEndpointId))
			}
		}
		for _, t := range f.d.TransitGatewayAttachments {
			if t.ResourceType == "peering" || t.ResourceType == "tgw-peering" {
				b.peeringTGWA[t.TransitGatewayAttachmentId] = true
			}
		}
		for _, lb := range f.d.LoadBalancers {
			b.lbByARN[lb.LoadBalancerArn] = lb.LoadBalancerName
		}
		for _, tg := range f.d.TargetGroups {
			b.tgByARN[tg.TargetGroupArn] = tg.TargetGroupName
		}
	}
}

func (b *builder) setOwner(eni string, owner model.ResourceRef) {
	if eni == "" || owner == "" {
		return
	}
	if _, ok := b.eniOwner[eni]; !ok {
		b.eniOwner[eni] = owner
	}
}

func (b *builder) vpcs() {
	for _, f := range b.files {
		for _, v := range f.d.Vpcs {
			if !b.first("vpc", v.VpcId) {
				continue
			}
			m := model.VPC{
				Addr: a("vpc", v.VpcId), Name: nameTag(v.Tags), Tags: tags(v.Tags),
				CIDR:    b.prefix(f, "vpc "+v.VpcId, v.CidrBlock),
				Account: cmp.Or(f.scope.account, v.OwnerId),
				Region:  f.scope.region,
			}
			for _, c := range v.CidrBlockAssociationSet {
				if st := c.CidrBlockState.State; (st == "associated" || st == "") && c.CidrBlock != v.CidrBlock {
					if p := b.prefix(f, "vpc "+v.VpcId, c.CidrBlock); p.IsValid() {
						m.SecondaryCIDRs = append(m.SecondaryCIDRs, p)
					}
				}
			}
			for _, c := range v.Ipv6CidrBlockAssociationSet {
				if st := c.Ipv6CidrBlockState.State; st == "associated" || st == "" {
					m.IPv6CIDR = b.prefix(f, "vpc "+v.VpcId, c.Ipv6CidrBlock)
					break
				}
			}
			blocks := []netip.Prefix{m.CIDR, m.IPv6CIDR}
			for _, c := range v.CidrBlockAssociationSet {
				if p, err := netip.ParsePrefix(c.CidrBlock); err == nil {
					blocks = append(blocks, p)
				}
			}
			for _, c := range v.Ipv6CidrBlockAssociationSet {
				if p, err := netip.ParsePrefix(c.Ipv6CidrBlock); err == nil {
					blocks = append(blocks, p)
				}
			}
			b.vpcBlocks[v.VpcId] = blocks
			b.n.VPCs = append(b.n.VPCs, m)
		}
	}
}

func (b *builder) subnets() {
	for _, f := range b.files {
		nth := map[string]int{}
		for _, s := range f.d.Subnets {
			nth[s.SubnetId]++
			if !b.first("subnet", s.SubnetId) {
				b.repeatedSubnet(f, s, nth[s.SubnetId])
				continue
			}
			b.subnetFrom[s.SubnetId] = rawSubnetAt{f, s}
			b.subnetInVPC(f, s)
			m := model.Subnet{
				Addr: a("subnet", s.SubnetId), VPC: a("vpc", s.VpcId),
				ZoneID:      cmp.Or(s.AvailabilityZoneId, s.AvailabilityZone),
				CIDR:        b.prefix(f, "subnet "+s.SubnetId, s.CidrBlock),
				IPv6Index:   -1,
				MapPublicIP: s.MapPublicIpOnLaunch,
				AssignIPv6:  s.AssignIpv6AddressOnCreation,
				Tags:        tags(s.Tags),
			}
			for _, c := range s.Ipv6CidrBlockAssociationSet {
				if st := c.Ipv6CidrBlockState.State; st == "associated" || st == "" {
					m.IPv6CIDR = b.prefix(f, "subnet "+s.SubnetId, c.Ipv6CidrBlock)
					break
				}
			}
			if r := regionOfZone(s.AvailabilityZone); r != "" {
				if _, ok := b.vpcRegion[s.VpcId]; !ok {
					b.vpcRegion[s.VpcId] = r
				}
			}
			b.n.Subnets = append(b.n.Subnets, m)
		}
	}
}

// repeatedSubnet reports a subnet id read before: twice in one file is
// an edited or concatenated file, and two files that disagree on the
// subnet's VPC or CIDR describe different things under one id. The same
// subnet in two files (a shared VPC seen from two accounts) is fine.
func (b *builder) repeatedSubnet(f file, s rawSubnet, nth int) {
	first, ok := b.subnetFrom[s.SubnetId]
	if !ok || s.SubnetId == "" {
		return
	}
	if first.f.name == f.name {
		b.r.diags.Errorf(f.at("SubnetId", s.SubnetId, nth), "each subnet appears once in describe-subnets; save the command's output unchanged",
			"subnet %s appears twice in this file", s.SubnetId)
		return
	}
	if first.s.VpcId != s.VpcId || first.s.CidrBlock != s.CidrBlock {
		b.r.diags.Errorf(f.at("SubnetId", s.SubnetId, nth), "remove the stale file; "+first.f.name+" has the subnet in "+first.s.VpcId+" as "+first.s.CidrBlock,
			"subnet %s is %s in %s here, but %s says otherwise", s.SubnetId, s.CidrBlock, s.VpcId, first.f.name)
	}
}

// subnetInVPC reports a subnet whose CIDR lies outside every block of its
// VPC, which AWS does not allow: the file is not what AWS printed.
func (b *builder) subnetInVPC(f file, s rawSubnet) {
	blocks, ok := b.vpcBlocks[s.VpcId]
	if !ok {
		return // dangling() reports the missing VPC
	}
	check := func(key, cidr string) {
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return // prefix() warns
		}
		for _, v := range blocks {
			if v.IsValid() && v.Bits() <= p.Bits() && v.Contains(p.Addr()) {
				return
			}
		}
		b.r.diags.Errorf(f.at(key, cidr, 1), "a subnet's CIDR must lie inside one of its VPC's CIDR blocks; check that describe-vpcs and describe-subnets come from the same account and Region",
			"subnet %s (%s) is outside every CIDR block of its VPC %s", s.SubnetId, cidr, s.VpcId)
	}
	check("CidrBlock", s.CidrBlock)
	for _, c := range s.Ipv6CidrBlockAssociationSet {
		if st := c.Ipv6CidrBlockState.State; st == "associated" || st == "" {
			check("Ipv6CidrBlock", c.Ipv6CidrBlock)
		}
	}
}

// regionOfZone turns an AZ name (us-east-2b, us-west-2-lax-1a) into its
// Region: the name up to and including the first run of digits.
func regionOfZone(z string) string {
	for i := 0; i < len(z); i++ {
		if z[i] >= '0' && z[i] <= '9' {
			j := i
			for j < len(z) && z[j] >= '0' && z[j] <= '9' {
				j++
			}
			return z[:j]
		}
	}
	return ""
}

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

func (b *builder) gateways() {
	for _, f := range b.files {
		for _, g := range f.d.InternetGateways {
			if b.first("igw", g.InternetGatewayId) {
				b.n.InternetGateways = append(b.n.InternetGateways, model.InternetGateway{Addr: a("igw", g.InternetGatewayId), VPC: attachedVPC(g.Attachments)})
			}
		}
		for _, g := range f.d.EgressOnlyInternetGateways {
			if b.first("eigw", g.EgressOnlyInternetGatewayId) {
				b.n.EgressOnlyInternetGateways = append(b.n.EgressOnlyInternetGateways, model.EgressOnlyInternetGateway{Addr: a("eigw", g.EgressOnlyInternetGatewayId), VPC: attachedVPC(g.Attachments)})
			}
		}
	}
}

// attachedVPC is the VPC a gateway is attached to; zero when detached.
func attachedVPC(as []rawAttachment) model.ResourceRef {
	for _, at := range as {
		if at.State == "available" || at.State == "attached" || at.State == "" {
			return a("vpc", at.VpcId)
		}
	}
	return ""
}

func gone(state string) bool {
	return state == "deleted" || state == "deleting" || state == "failed" || state == "rejected"
}

func (b *builder) natGateways() {
	for _, f := range b.files {
		for _, g := range f.d.NatGateways {
			if gone(g.State) || !b.first("natgw", g.NatGatewayId) {
				continue
			}
			m := model.NATGateway{
				Addr: a("natgw", g.NatGatewayId), VPC: a("vpc", g.VpcId), Subnet: a("subnet", g.SubnetId),
				ID: g.NatGatewayId, Private: g.ConnectivityType == "private",
			}
			for _, ad := range g.NatGatewayAddresses {
				if ad.PublicIp != "" {
					m.PublicIPs++
				}
				if m.ENI == "" {
					m.ENI = a("eni", ad.NetworkInterfaceId)
				}
			}
			b.n.NATGateways = append(b.n.NATGateways, m)
		}
	}
}

// enisAndInstances reads describe-network-interfaces first, then fills in
// interfaces only an instance or NAT gateway mentions, so a dump without
// describe-network-interfaces still has every interface it can.
func (b *builder) enisAndInstances() {
	for _, f := range b.files {
		for _, e := range f.d.NetworkInterfaces {
			b.eni(f, e, "")
		}
	}
	for _, f := range b.files {
		for _, res := range f.d.Reservations {
			for _, in := range res.Instances {
				if gone(in.State.Name) || in.State.Name == "terminated" || !b.first("i", in.InstanceId) {
					continue
				}
				m := model.Instance{Addr: a("i", in.InstanceId), ID: in.InstanceId, Name: nameTag(in.Tags)}
				nics := slices.Clone(in.NetworkInterfaces)
				slices.SortStableFunc(nics, func(x, y rawENI) int { return cmp.Compare(devIndex(x), devIndex(y)) })
				for _, e := range nics {
					if e.SubnetId == "" {
						e.SubnetId = in.SubnetId
					}
					b.eni(f, e, in.InstanceId)
					m.ENIs = append(m.ENIs, a("eni", e.NetworkInterfaceId))
				}
				b.n.Instances = append(b.n.Instances, m)
			}
		}
	}
	for _, f := range b.files {
		for _, g := range f.d.NatGateways {
			if gone(g.State) {
				continue
			}
			for _, ad := range g.NatGatewayAddresses {
				b.eni(f, rawENI{
					NetworkInterfaceId: ad.NetworkInterfaceId, SubnetId: g.SubnetId, PrivateIpAddress: ad.PrivateIp,
					Association: &struct{ PublicIp string }{ad.PublicIp}, InterfaceType: "nat_gateway",
					Description: "Interface for NAT Gateway " + g.NatGatewayId, SourceDestCheck: new(false),
				}, "")
			}
		}
	}
}

func devIndex(e rawENI) int {
	if e.Attachment == nil {
		return 1 << 30
	}
	return e.Attachment.DeviceIndex
}

// eni adds an interface unless one with its id is already there.
func (b *builder) eni(f file, e rawENI, instance string) {
	if !b.first("eni", e.NetworkInterfaceId) {
		return
	}
	what := "network interface " + e.NetworkInterfaceId
	m := model.ENI{
		Addr: a("eni", e.NetworkInterfaceId), ID: e.NetworkInterfaceId, Subnet: a("subnet", e.SubnetId),
		Description: e.Description, Type: e.InterfaceType, SourceDestCheck: true,
		PrivateIP: b.addr(f, what, e.PrivateIpAddress), Owner: b.eniOwner[e.NetworkInterfaceId],
	}
	if m.Owner == "" && instance != "" {
		m.Owner = a("i", instance)
	}
	if e.SourceDestCheck != nil {
		m.SourceDestCheck = *e.SourceDestCheck
	}
	if e.Association != nil && e.Association.PublicIp != "" {
		m.PublicIP, m.HasPublicIP = b.addr(f, what, e.Association.PublicIp), true
	}
	for _, p := range e.PrivateIpAddresses {
		ip := b.addr(f, what, p.PrivateIpAddress)
		switch {
		case !ip.IsValid():
		case p.Primary && !m.PrivateIP.IsValid():
			m.PrivateIP = ip
		case !p.Primary && ip != m.PrivateIP:
			m.SecondaryIPs = append(m.SecondaryIPs, ip)
		}
		if p.Association != nil && p.Association.PublicIp != "" && !m.HasPublicIP {
			m.PublicIP, m.HasPublicIP = b.addr(f, what, p.Association.PublicIp), true
		}
	}
	for _, v6 := range e.Ipv6Addresses {
		if ip := b.addr(f, what, v6.Ipv6Address); ip.IsValid() {
			m.IPv6 = append(m.IPv6, ip)
		}
	}
	for _, g := range e.Groups {
		m.SecurityGroups = append(m.SecurityGroups, a("sg", g.GroupId))
		b.sgRefs = append(b.sgRefs, sgRef{f, g.GroupId})
	}
	b.enis[e.NetworkInterfaceId] = len(b.n.ENIs)
	b.n.ENIs = append(b.n.ENIs, m)
}

// addresses gives interfaces the Elastic IPs describe-addresses lists, for
// dumps whose interfaces lack their Association.
func (b *builder) addresses() {
	for _, f := range b.files {
		for _, ad := range f.d.Addresses {
			i, ok := b.enis[ad.NetworkInterfaceId]
			if !ok || b.n.ENIs[i].HasPublicIP {
				continue
			}
			if ip := b.addr(f, "address "+ad.PublicIp, ad.PublicIp); ip.IsValid() {
				b.n.ENIs[i].PublicIP, b.n.ENIs[i].HasPublicIP = ip, true
			}
		}
	}
}

// protocol maps an IpProtocol or NACL Protocol ("-1", "tcp", "6", "47")
// to a model.Protocol.
func protocol(s string) (model.Protocol, bool) {
	switch strings.ToLower(s) {
	case "-1", "all":
		return model.AllProtocols, true
	case "tcp":
		return model.TCP, true
	case "udp":
		return model.UDP, true
	case "icmp":
		return model.ICMP, true
	case "icmpv6":
		return model.ICMPv6, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1 || n > 255 {
		return "", false
	}
	return model.ProtocolNumber(n), true
}

// ports reads FromPort/ToPort. For ICMP they are type and code, -1 meaning
// any; type and code both any is model.AnyPort. Protocols other than TCP,
// UDP and ICMP match every port (AWS ignores the ports for them): AnyPort.
func ports(p model.Protocol, from, to *int) model.PortRange {
	switch p {
	case model.TCP, model.UDP:
		if from == nil || to == nil || *from == -1 {
			return model.AnyPort
		}
		return model.PortRange{From: *from, To: *to}
	case model.ICMP, model.ICMPv6:
		if from == nil || *from == -1 {
			return model.AnyPort
		}
		code := -1
		if to != nil {
			code = *to
		}
		return model.PortRange{From: *from, To: code}
	}
	// Ports do not apply: AWS matches every port, which the compiler
	// writes as AnyPort.
	return model.AnyPort
}

func (b *builder) securityGroups() {
	for _, f := range b.files {
		for _, g := range f.d.SecurityGroups {
			if !b.first("sg", g.GroupId) {
				continue
			}
			m := model.SecurityGroup{
				Addr: a("sg", g.GroupId), VPC: a("vpc", g.VpcId), Name: g.GroupName,
				Description: g.Description, Tags: tags(g.Tags),
			}
			m.Ingress = b.sgRules(f, g.GroupId, g.IpPermissions)
			m.Egress = b.sgRules(f, g.GroupId, g.IpPermissionsEgress)
			b.n.SecurityGroups = append(b.n.SecurityGroups, m)
		}
	}
}

func (b *builder) sgRules(f file, group string, perms []rawPermission) []model.SGRule {
	var out []model.SGRule
	what := "security group " + group
	for _, p := range perms {
		proto, ok := protocol(p.IpProtocol)
		if !ok {
			b.warnf(f, "%s: unknown IpProtocol %q; rule ignored", what, p.IpProtocol)
			continue
		}
		pr := ports(proto, p.FromPort, p.ToPort)
		add := func(peer model.Peer, desc string) {
			out = append(out, model.SGRule{Protocol: proto, Ports: pr, Peer: peer, Description: desc})
		}
		for _, r := range p.IpRanges {
			if c := b.prefix(f, what, r.CidrIp); c.IsValid() {
				add(model.Peer{Kind: model.PeerCIDR, CIDR: c}, r.Description)
			}
		}
		for _, r := range p.Ipv6Ranges {
			if c := b.prefix(f, what, r.CidrIpv6); c.IsValid() {
				add(model.Peer{Kind: model.PeerCIDR, CIDR: c}, r.Description)
			}
		}
		for _, r := range p.UserIdGroupPairs {
			if r.GroupId != "" {
				add(model.Peer{Kind: model.PeerGroup, Group: a("sg", r.GroupId)}, r.Description)
				b.sgRefs = append(b.sgRefs, sgRef{f, r.GroupId})
			}
		}
		for _, r := range p.PrefixListIds {
			if r.PrefixListId != "" {
				add(model.Peer{Kind: model.PeerPrefixList, PrefixList: r.PrefixListId}, r.Description)
			}
		}
	}
	return out
}

func (b *builder) nacls() {
	for _, f := range b.files {
		for _, x := range f.d.NetworkAcls {
			if !b.first("nacl", x.NetworkAclId) {
				continue
			}
			what := "network ACL " + x.NetworkAclId
			m := model.NetworkACL{Addr: a("nacl", x.NetworkAclId), VPC: a("vpc", x.VpcId), Default: x.IsDefault, Tags: tags(x.Tags)}
			for _, as := range x.Associations {
				if as.SubnetId != "" {
					b.aclClaims = append(b.aclClaims, model.Claim{Subnet: a("subnet", as.SubnetId), By: m.Addr, At: diag.Range{File: f.name}})
				}
			}
			for _, e := range x.Entries {
				proto, ok := protocol(e.Protocol)
				if !ok {
					b.warnf(f, "%s rule %d: unknown protocol %q; rule ignored", what, e.RuleNumber, e.Protocol)
					continue
				}
				en := model.NACLEntry{
					RuleNumber: e.RuleNumber, Egress: e.Egress, Protocol: proto,
					CIDR:   b.prefix(f, what, cmp.Or(e.CidrBlock, e.Ipv6CidrBlock)),
					Action: model.Action(strings.ToLower(e.RuleAction)),
				}
				switch {
				case e.PortRange != nil:
					en.Ports = ports(proto, &e.PortRange.From, &e.PortRange.To)
				case e.IcmpTypeCode != nil:
					en.Ports = ports(proto, &e.IcmpTypeCode.Type, &e.IcmpTypeCode.Code)
				default:
					en.Ports = ports(proto, nil, nil)
				}
				m.Entries = append(m.Entries, en)
			}
			// AWS evaluates each direction by rule number; sorting makes
			// the order the evaluation order, whatever the dump's.
			slices.SortStableFunc(m.Entries, func(x, y model.NACLEntry) int {
				if x.Egress != y.Egress {
					if y.Egress {
						return -1
					}
					return 1
				}
				return cmp.Compare(x.RuleNumber, y.RuleNumber)
			})
			b.n.NetworkACLs = append(b.n.NetworkACLs, m)
		}
	}
}

func (b *builder) endpoints() {
	for _, f := range b.files {
		for _, ep := range f.d.VpcEndpoints {
			if gone(ep.State) || !b.first("vpce", ep.VpcEndpointId) {
				continue
			}
			m := model.Endpoint{
				Addr: a("vpce", ep.VpcEndpointId), VPC: a("vpc", ep.VpcId), ID: ep.VpcEndpointId,
				ServiceName: ep.ServiceName, Service: serviceShort(ep.ServiceName), PrivateDNS: ep.PrivateDnsEnabled,
			}
			switch strings.ToLower(ep.VpcEndpointType) {
			case "gateway":
				m.Type = model.GatewayEndpoint
			case "gatewayloadbalancer":
				m.Type = model.GatewayLBEndpoint
			default:
				m.Type = model.InterfaceEndpoint
			}
			for _, id := range ep.RouteTableIds {
				m.RouteTables = append(m.RouteTables, a("rtb", id))
			}
			for _, id := range ep.SubnetIds {
				m.Subnets = append(m.Subnets, a("subnet", id))
			}
			for _, id := range ep.NetworkInterfaceIds {
				m.ENIs = append(m.ENIs, a("eni", id))
			}
			for _, g := range ep.Groups {
				m.SecurityGroups = append(m.SecurityGroups, a("sg", g.GroupId))
			}
			b.n.Endpoints = append(b.n.Endpoints, m)
		}
	}
}

// serviceShort turns "com.amazonaws.us-east-1.s3" into "s3".
func serviceShort(name string) string {
	if parts := strings.SplitN(name, ".", 4); len(parts) == 4 && parts[0] == "com" {
		return parts[3]
	}
	return name
}

func (b *builder) peerings() {
	for _, f := range b.files {
		for _, p := range f.d.VpcPeeringConnections {
			if !b.first("pcx", p.VpcPeeringConnectionId) {
				continue
			}
			b.n.PeeringConnections = append(b.n.PeeringConnections, model.PeeringConnection{
				Addr: a("pcx", p.VpcPeeringConnectionId), ID: p.VpcPeeringConnectionId,
				Requester: a("vpc", p.RequesterVpcInfo.VpcId), Accepter: a("vpc", p.AccepterVpcInfo.VpcId),
				Active: p.Status.Code == "active",
			})
		}
	}
}

// attachAddr addresses a TGW attachment. A peering attachment has one id
// but a side in each Transit Gateway, each with its own route table
// association, so its address names the side: tgw-attach/<id>/<tgw-id>.
func (b *builder) attachAddr(id, tgw string) model.ResourceRef {
	if b.peeringTGWA[id] && tgw != "" {
		return model.JoinRef("tgw-attach", id, tgw)
	}
	return a("tgw-attach", id)
}

func (b *builder) transitGateways() {
	for _, f := range b.files {
		for _, t := range f.d.TransitGateways {
			if gone(t.State) || !b.first("tgw", t.TransitGatewayId) {
				continue
			}
			region := f.scope.region
			if parts := strings.Split(t.TransitGatewayArn, ":"); region == "" && len(parts) > 3 {
				region = parts[3]
			}
			b.n.TransitGateways = append(b.n.TransitGateways, model.TransitGateway{
				Addr: a("tgw", t.TransitGatewayId), ID: t.TransitGatewayId, Account: t.OwnerId,
				Region: region, ASN: int(min(max(t.Options.AmazonSideAsn, 0), 1<<32-1)),
			})
		}
	}
	vpcAtt := map[string]rawTGWVPCAttachment{}
	for _, f := range b.files {
		for _, v := range f.d.TransitGatewayVpcAttachments {
			if _, ok := vpcAtt[v.TransitGatewayAttachmentId]; !ok {
				vpcAtt[v.TransitGatewayAttachmentId] = v
			}
		}
	}
	add := func(m model.TGWAttachment) {
		if _, ok := b.attachIdx[m.Addr]; ok {
			return
		}
		b.attachIdx[m.Addr] = len(b.n.TGWAttachments)
		b.n.TGWAttachments = append(b.n.TGWAttachments, m)
	}
	for _, f := range b.files {
		for _, t := range f.d.TransitGatewayAttachments {
			if gone(t.State) || t.TransitGatewayAttachmentId == "" {
				continue
			}
			m := model.TGWAttachment{
				Addr: b.attachAddr(t.TransitGatewayAttachmentId, t.TransitGatewayId), ID: t.TransitGatewayAttachmentId,
				TGW: a("tgw", t.TransitGatewayId), Kind: model.TGWAttachmentKind(t.ResourceType), Account: t.ResourceOwnerId,
			}
			switch t.ResourceType {
			case "vpc":
				m.VPC = a("vpc", t.ResourceId)
			case "peering", "tgw-peering":
				m.Kind, m.PeerTGW = model.TGWAttachPeering, a("tgw", t.ResourceId)
			}
			if as := t.Association; as != nil && (as.State == "associated" || as.State == "") {
				m.RouteTable = a("tgw-rtb", as.TransitGatewayRouteTableId)
			}
			if v, ok := vpcAtt[t.TransitGatewayAttachmentId]; ok {
				b.vpcAttachment(&m, v)
			}
			add(m)
		}
	}
	// VPC attachments no generic attachment file mentions.
	for _, f := range b.files {
		for _, v := range f.d.TransitGatewayVpcAttachments {
			if gone(v.State) {
				continue
			}
			m := model.TGWAttachment{Addr: a("tgw-attach", v.TransitGatewayAttachmentId), ID: v.TransitGatewayAttachmentId,
				TGW: a("tgw", v.TransitGatewayId), Kind: model.TGWAttachVPC, Account: v.VpcOwnerId}
			b.vpcAttachment(&m, v)
			if m.ID != "" {
				add(m)
			}
		}
	}
	b.tgwRouteTables()
}

func (b *builder) vpcAttachment(m *model.TGWAttachment, v rawTGWVPCAttachment) {
	m.Kind, m.VPC = model.TGWAttachVPC, a("vpc", v.VpcId)
	m.ApplianceMode = v.Options.ApplianceModeSupport == "enable"
	m.Subnets = nil
	for _, s := range v.SubnetIds {
		m.Subnets = append(m.Subnets, a("subnet", s))
	}
	slices.Sort(m.Subnets)
}

func (b *builder) tgwRouteTables() {
	idx := map[string]int{}
	for _, f := range b.files {
		for _, t := range f.d.TransitGatewayRouteTables {
			if gone(t.State) || !b.first("tgw-rtb", t.TransitGatewayRouteTableId) {
				continue
			}
			idx[t.TransitGatewayRouteTableId] = len(b.n.TGWRouteTables)
			b.n.TGWRouteTables = append(b.n.TGWRouteTables, model.TGWRouteTable{
				Addr: a("tgw-rtb", t.TransitGatewayRouteTableId), ID: t.TransitGatewayRouteTableId,
				TGW: a("tgw", t.TransitGatewayId),
			})
		}
	}
	table := func(f file, id string) *model.TGWRouteTable {
		i, ok := idx[id]
		if !ok {
			if id == "" {
				b.warnf(f, "the file name names no Transit Gateway route table (tgw-rtb-...); its contents are ignored")
			} else {
				b.warnf(f, "Transit Gateway route table %s is in no describe-transit-gateway-route-tables file; its routes are ignored", id)
			}
			return nil
		}
		return &b.n.TGWRouteTables[i]
	}
	routeSeen := map[string]bool{}
	addRoutes := func(f file, t *model.TGWRouteTable, rs []rawTGWRoute) {
		tgw := strings.TrimPrefix(string(t.TGW), "tgw/")
		for _, r := range rs {
			if r.DestinationCidrBlock == "" && r.PrefixListId == "" || gone(r.State) {
				continue
			}
			var dest netip.Prefix
			if r.DestinationCidrBlock != "" {
				if dest = b.prefix(f, "Transit Gateway route table "+t.ID, r.DestinationCidrBlock); !dest.IsValid() {
					continue
				}
			}
			// A prefix-list reference route stands for the list's entries
			// (the analyzer expands them, or says they are not known).
			base := model.TGWRoute{Dest: dest, Blackhole: r.State == "blackhole", Propagated: r.Type == "propagated"}
			if !dest.IsValid() {
				base.PrefixList = r.PrefixListId
			}
			if base.Blackhole || len(r.TransitGatewayAttachments) == 0 {
				base.Blackhole = true
				t.Routes = append(t.Routes, base)
				continue
			}
			// One route per attachment: several mean equal-cost paths.
			for _, at := range r.TransitGatewayAttachments {
				m := base
				m.Attachment = b.attachAddr(at.TransitGatewayAttachmentId, tgw)
				key := t.ID + "|" + dest.String() + base.PrefixList + "|" + string(m.Attachment)
				if routeSeen[key] {
					continue
				}
				routeSeen[key] = true
				t.Routes = append(t.Routes, m)
			}
		}
	}
	for _, f := range b.files {
		for _, tr := range f.d.TransitGatewayStaticRoutes {
			if t := table(f, tr.TransitGatewayRouteTableId); t != nil {
				addRoutes(f, t, tr.Routes)
			}
		}
		if len(f.d.Routes) > 0 && f.k.command == "search-transit-gateway-routes" {
			if t := table(f, f.tableID); t != nil {
				addRoutes(f, t, f.d.Routes)
			}
		}
		for _, tp := range f.d.TransitGatewayPropagations {
			if t := table(f, tp.TransitGatewayRouteTableId); t != nil {
				b.propagations(t, tp.TransitGatewayRouteTablePropagations)
			}
		}
		if len(f.d.TransitGatewayRouteTablePropagations) > 0 {
			if t := table(f, f.tableID); t != nil {
				b.propagations(t, f.d.TransitGatewayRouteTablePropagations)
			}
		}
		if len(f.d.Associations) > 0 {
			if t := table(f, f.tableID); t != nil {
				tgw := strings.TrimPrefix(string(t.TGW), "tgw/")
				for _, as := range f.d.Associations {
					if as.State == "associated" || as.State == "" {
						t.Associations = append(t.Associations, b.attachAddr(as.TransitGatewayAttachmentId, tgw))
					}
				}
			}
		}
	}
	for _, at := range b.n.TGWAttachments {
		if i, ok := idx[strings.TrimPrefix(string(at.RouteTable), "tgw-rtb/")]; ok && at.RouteTable != "" {
			b.n.TGWRouteTables[i].Associations = append(b.n.TGWRouteTables[i].Associations, at.Addr)
		}
	}
	for i := range b.n.TGWRouteTables {
		t := &b.n.TGWRouteTables[i]
		slices.Sort(t.Associations)
		t.Associations = slices.Compact(t.Associations)
		slices.Sort(t.Propagations)
		t.Propagations = slices.Compact(t.Propagations)
		b.propagatedRoutes(t)
		slices.SortStableFunc(t.Routes, func(x, y model.TGWRoute) int {
			return cmp.Or(x.Dest.Addr().Compare(y.Dest.Addr()), cmp.Compare(x.Dest.Bits(), y.Dest.Bits()), cmp.Compare(x.Attachment, y.Attachment))
		})
	}
}

func (b *builder) propagations(t *model.TGWRouteTable, ps []rawTGWPropagation) {
	tgw := strings.TrimPrefix(string(t.TGW), "tgw/")
	for _, p := range ps {
		if p.State == "enabled" || p.State == "" {
			t.Propagations = append(t.Propagations, b.attachAddr(p.TransitGatewayAttachmentId, tgw))
		}
	}
}

// propagatedRoutes adds, for each VPC attachment propagating into t, a
// route to the VPC's CIDR, as AWS does, unless t already has a route for
// that prefix: a static route wins over a propagated one, and a dump made
// with search-transit-gateway-routes already lists the propagated routes.
// Batfish snapshots list static routes only.
func (b *builder) propagatedRoutes(t *model.TGWRouteTable) {
	have := map[netip.Prefix]bool{}
	for _, r := range t.Routes {
		have[r.Dest] = true
	}
	for _, p := range t.Propagations {
		i, ok := b.attachIdx[p]
		if !ok {
			continue
		}
		at := b.n.TGWAttachments[i]
		if at.Kind != model.TGWAttachVPC {
			continue
		}
		v, ok := b.n.VPC(at.VPC)
		if !ok || !v.CIDR.IsValid() || have[v.CIDR] {
			continue
		}
		have[v.CIDR] = true
		t.Routes = append(t.Routes, model.TGWRoute{Dest: v.CIDR, Attachment: p, Propagated: true})
	}
}

func (b *builder) prefixLists() {
	entries := map[string][]netip.Prefix{}
	for _, f := range b.files {
		if f.k.command != "get-managed-prefix-list-entries" {
			continue
		}
		if f.tableID == "" {
			b.warnf(f, "the file name names no prefix list (pl-...); its entries are ignored")
			continue
		}
		for _, e := range f.d.Entries {
			if p := b.prefix(f, "prefix list "+f.tableID, e.Cidr); p.IsValid() {
				entries[f.tableID] = append(entries[f.tableID], p)
			}
		}
	}
	for _, f := range b.files {
		for _, p := range f.d.PrefixLists {
			if !b.first("pl", p.PrefixListId) {
				continue
			}
			m := model.PrefixList{Addr: a("pl", p.PrefixListId), ID: p.PrefixListId, Name: p.PrefixListName}
			for _, c := range p.Cidrs {
				if pf := b.prefix(f, "prefix list "+p.PrefixListId, c); pf.IsValid() {
					m.Entries = append(m.Entries, pf)
				}
			}
			m.Entries = append(m.Entries, entries[p.PrefixListId]...)
			delete(entries, p.PrefixListId)
			b.n.PrefixLists = append(b.n.PrefixLists, sortedPL(m))
		}
	}
	for _, id := range sortedKeys(entries) {
		b.n.PrefixLists = append(b.n.PrefixLists, sortedPL(model.PrefixList{Addr: a("pl", id), ID: id, Entries: entries[id]}))
	}
}

func sortedPL(m model.PrefixList) model.PrefixList {
	slices.SortFunc(m.Entries, comparePrefix)
	m.Entries = slices.Compact(m.Entries)
	return m
}

func comparePrefix(x, y netip.Prefix) int {
	return cmp.Or(x.Addr().Compare(y.Addr()), cmp.Compare(x.Bits(), y.Bits()))
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// lbDescription is how AWS describes a load balancer's interfaces:
// "ELB app/<name>/<id>" for the ARN ".../loadbalancer/app/<name>/<id>".
func lbDescription(arn string) string {
	_, rest, ok := strings.Cut(arn, ":loadbalancer/")
	if !ok {
		return ""
	}
	return "ELB " + rest
}

func (b *builder) loadBalancers() {
	byDesc := map[string][]model.ResourceRef{}
	for _, e := range b.n.ENIs {
		if strings.HasPrefix(e.Description, "ELB ") {
			byDesc[e.Description] = append(byDesc[e.Description], e.Addr)
		}
	}
	listeners := map[string][]rawListener{}
	health := map[string][]rawTargetHealth{}
	for _, f := range b.files {
		for _, l := range f.d.Listeners {
			listeners[l.LoadBalancerArn] = append(listeners[l.LoadBalancerArn], l)
		}
		for _, ll := range f.d.LoadBalancerListeners {
			for _, l := range ll.Listeners {
				l.LoadBalancerArn = cmp.Or(l.LoadBalancerArn, ll.LoadBalancerArn)
				listeners[l.LoadBalancerArn] = append(listeners[l.LoadBalancerArn], l)
			}
		}
		for _, h := range f.d.LoadBalancerTargetHealth {
			health[h.TargetGroupArn] = append(health[h.TargetGroupArn], h.TargetHealthDescriptions...)
		}
		if len(f.d.TargetHealthDescriptions) > 0 {
			arn := ""
			for a, name := range b.tgByARN {
				if name == f.tableID && (arn == "" || a < arn) {
					arn = a
				}
			}
			if arn == "" {
				b.warnf(f, "target group %q (from the file name) is in no describe-target-groups file; its targets are ignored", f.tableID)
			} else {
				health[arn] = append(health[arn], f.d.TargetHealthDescriptions...)
			}
		}
	}
	for _, f := range b.files {
		for _, lb := range f.d.LoadBalancers {
			if !b.first("lb", lb.LoadBalancerName) {
				continue
			}
			m := model.LoadBalancer{
				Addr: a("lb", lb.LoadBalancerName), VPC: a("vpc", lb.VpcId), ID: lb.LoadBalancerArn,
				InternetFacing: lb.Scheme == "internet-facing",
				DualStack:      strings.HasPrefix(lb.IpAddressType, "dualstack"),
			}
			switch lb.Type {
			case "application":
				m.Kind = model.ALB
			case "network":
				m.Kind = model.NLB
			case "gateway":
				m.Kind = model.GWLB
			default:
				m.Kind = model.LBKind(lb.Type)
			}
			for _, z := range lb.AvailabilityZones {
				m.Subnets = append(m.Subnets, a("subnet", z.SubnetId))
			}
			for _, g := range lb.SecurityGroups {
				m.SecurityGroups = append(m.SecurityGroups, a("sg", g))
			}
			if d := lbDescription(lb.LoadBalancerArn); d != "" {
				m.ENIs = byDesc[d]
				for _, e := range m.ENIs {
					if i, ok := b.enis[strings.TrimPrefix(string(e), "eni/")]; ok && b.n.ENIs[i].Owner == "" {
						b.n.ENIs[i].Owner = m.Addr
					}
				}
			}
			ls := listeners[lb.LoadBalancerArn]
			slices.SortStableFunc(ls, func(x, y rawListener) int {
				return cmp.Or(cmp.Compare(x.Port, y.Port), cmp.Compare(x.Protocol, y.Protocol))
			})
			for _, l := range ls {
				m.Listeners = append(m.Listeners, b.listener(l))
			}
			b.n.LoadBalancers = append(b.n.LoadBalancers, m)
		}
	}
	// preserve_client_ip.enabled by group name, from
	// describe-target-group-attributes.<group-name>.json.
	preserve := map[string]bool{}
	for _, f := range b.files {
		if f.k.command != "describe-target-group-attributes" {
			continue
		}
		for _, at := range f.d.Attributes {
			if at.Key == "preserve_client_ip.enabled" {
				preserve[f.tableID] = strings.EqualFold(at.Value, "true")
			}
		}
	}
	for _, f := range b.files {
		for _, tg := range f.d.TargetGroups {
			if !b.first("tg", tg.TargetGroupName) {
				continue
			}
			m := model.TargetGroup{
				Addr: a("tg", tg.TargetGroupName), ID: tg.TargetGroupArn, VPC: a("vpc", tg.VpcId),
				Protocol: tg.Protocol, Port: tg.Port, TargetType: model.TargetType(strings.ToLower(tg.TargetType)),
			}
			if v, ok := preserve[tg.TargetGroupName]; ok {
				m.PreserveClientIP = &v
			}
			for _, h := range health[tg.TargetGroupArn] {
				m.Targets = append(m.Targets, b.target(f, h, tg.Port, m.VPC))
			}
			slices.SortStableFunc(m.Targets, func(x, y model.Target) int {
				return cmp.Or(cmp.Compare(x.ENI, y.ENI), x.IP.Compare(y.IP), cmp.Compare(x.Port, y.Port))
			})
			b.n.TargetGroups = append(b.n.TargetGroups, m)
		}
	}
}

func (b *builder) listener(l rawListener) model.Listener {
	m := model.Listener{Port: l.Port, Protocol: l.Protocol, SSLPolicy: l.SslPolicy}
	for _, c := range l.Certificates {
		m.Certificates = append(m.Certificates, model.Certificate{ARN: c.CertificateArn})
	}
	acts := slices.Clone(l.DefaultActions)
	slices.SortStableFunc(acts, func(x, y rawAction) int {
		return cmp.Compare(x.Order, y.Order)
	})
	for _, ac := range acts {
		switch ac.Type {
		case "forward":
			arn := ac.TargetGroupArn
			if arn == "" && ac.ForwardConfig != nil && len(ac.ForwardConfig.TargetGroups) > 0 {
				arn = ac.ForwardConfig.TargetGroups[0].TargetGroupArn
			}
			if name, ok := b.tgByARN[arn]; ok {
				m.TargetGroup = a("tg", name)
			} else if arn != "" {
				m.TargetGroup = a("tg", tgNameFromARN(arn))
			}
		case "redirect":
			if ac.RedirectConfig != nil && ac.RedirectConfig.Protocol == "HTTPS" {
				m.RedirectToHTTPS = true
			}
		}
		if m.TargetGroup != "" || m.RedirectToHTTPS {
			break
		}
	}
	return m
}

// tgNameFromARN reads the name from ".../targetgroup/<name>/<id>".
func tgNameFromARN(arn string) string {
	_, rest, _ := strings.Cut(arn, ":targetgroup/")
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// target reads one registered target. An IP target is the interface of
// the target group's VPC holding the address: address spaces overlap
// across VPCs and accounts.
func (b *builder) target(f file, h rawTargetHealth, port int, vpc model.ResourceRef) model.Target {
	m := model.Target{Port: cmp.Or(h.Target.Port, port), Healthy: h.TargetHealth.State == "healthy"}
	id := h.Target.Id
	if eni, ok := b.primaryENI[id]; ok {
		m.ENI = a("eni", eni)
		if i, ok := b.enis[eni]; ok {
			m.IP = b.n.ENIs[i].PrivateIP
		}
		return m
	}
	if ip, err := netip.ParseAddr(id); err == nil {
		m.IP = ip
		if e, ok := b.n.InterfaceAt(vpc, ip); ok {
			m.ENI = e.Addr
		}
		return m
	}
	if strings.HasPrefix(id, "i-") {
		b.warnf(f, "target %s: an instance no file describes", id)
	}
	return m
}

// finish derives what no single file says: each VPC's Region and the
// zones, then ends in model.Finish, which settles each subnet's route
// table (its explicit association, else its VPC's main table) and network
// ACL and sorts everything by address.
func (b *builder) finish() *model.Network {
	n := b.n
	zones := map[string]bool{}
	for i := range n.Subnets {
		s := &n.Subnets[i]
		if s.ZoneID != "" {
			zones[s.ZoneID] = true
		}
		if v, ok := n.VPC(s.VPC); ok && v.IPv6CIDR.IsValid() && s.IPv6CIDR.IsValid() &&
			v.IPv6CIDR.Bits() == 56 && s.IPv6CIDR.Bits() == 64 && v.IPv6CIDR.Contains(s.IPv6CIDR.Addr()) {
			s.IPv6Index = int(s.IPv6CIDR.Addr().As16()[7])
		}
	}
	for _, z := range sortedKeys(zones) {
		n.Zones = append(n.Zones, model.Zone{ID: z})
	}
	regions := map[string]bool{}
	for i := range n.VPCs {
		v := &n.VPCs[i]
		if v.Region == "" {
			v.Region = b.vpcRegion[strings.TrimPrefix(string(v.Addr), "vpc/")]
		}
		regions[v.Region] = true
	}
	if len(regions) == 1 {
		for r := range regions {
			n.Region = r
		}
	}
	b.danglingGroups()
	done, d := model.Finish(model.Input{Network: n, RouteTableClaims: b.rtClaims, ACLClaims: b.aclClaims, ByAddress: true,
		MissingHint: "add the describe-vpcs, describe-subnets and describe-security-groups output for every account and Region"})
	b.r.diags = append(b.r.diags, d...)
	return done
}

// danglingGroups warns, at the first reference, about each security group
// no file describes: the analyzer cannot tell what its members are, so no
// claim through it is proved. Without any describe-security-groups file,
// one warning says so instead of one per group.
func (b *builder) danglingGroups() {
	groups := make(map[string]bool, len(b.n.SecurityGroups))
	for _, g := range b.n.SecurityGroups {
		groups[strings.TrimPrefix(string(g.Addr), "sg/")] = true
	}
	const hint = "add the describe-security-groups output of the account and Region that own it"
	if len(groups) == 0 {
		if len(b.sgRefs) > 0 {
			b.r.diags.Warnf(diag.Range{}, hint, "no file describes security groups, and %s refers to %s: what they allow is unknown", b.sgRefs[0].f.name, b.sgRefs[0].id)
		}
		return
	}
	reported := map[string]bool{}
	for _, r := range b.sgRefs {
		if r.id == "" || groups[r.id] || reported[r.id] {
			continue
		}
		reported[r.id] = true
		b.r.diags.Warnf(r.f.at("GroupId", r.id, 1), hint, "security group %s is referred to but no file describes it: what it allows is unknown", r.id)
	}
}
