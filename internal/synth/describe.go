package synth

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/moatnet/moat/model"
)

// DescribeFiles prints n as the files `aws ec2 describe-*` (and the
// Transit Gateway get-/search- commands) would have saved for it, keyed by
// file name, in the shapes awsjson reads: VPCs, subnets, route tables with
// their associations and main flags, internet gateways, NAT gateways,
// network interfaces, security groups, network ACLs, Transit Gateways with
// their attachments and route tables (routes, associations, propagations).
// It covers what Account generates, not every model.Network field (no load
// balancers, endpoints, peerings or instances).
//
// Ids are the last segment of each address, so a network whose addresses
// are "<kind>/<aws-id>", as Account's are, loads back to the same
// addresses. The JSON is indented four spaces, as the CLI prints it, and
// carries fields moat does not read (State, OwnerId, GroupName, ...) so
// that loading it costs what loading a real dump does.
func DescribeFiles(n *model.Network) (map[string][]byte, error) {
	w := describer{n: n, subnetVPC: map[model.ResourceRef]model.ResourceRef{}, subnetZone: map[model.ResourceRef]string{}}
	for _, s := range n.Subnets {
		w.subnetVPC[s.Addr] = s.VPC
		w.subnetZone[s.Addr] = w.zoneName(s)
	}
	files := map[string]any{
		"describe-vpcs.json":                            map[string]any{"Vpcs": w.vpcs()},
		"describe-subnets.json":                         map[string]any{"Subnets": w.subnets()},
		"describe-route-tables.json":                    map[string]any{"RouteTables": w.routeTables()},
		"describe-internet-gateways.json":               map[string]any{"InternetGateways": w.igws()},
		"describe-nat-gateways.json":                    map[string]any{"NatGateways": w.natGateways()},
		"describe-network-interfaces.json":              map[string]any{"NetworkInterfaces": w.enis()},
		"describe-security-groups.json":                 map[string]any{"SecurityGroups": w.securityGroups()},
		"describe-network-acls.json":                    map[string]any{"NetworkAcls": w.nacls()},
		"describe-transit-gateways.json":                map[string]any{"TransitGateways": w.tgws()},
		"describe-transit-gateway-attachments.json":     map[string]any{"TransitGatewayAttachments": w.tgwAttachments()},
		"describe-transit-gateway-vpc-attachments.json": map[string]any{"TransitGatewayVpcAttachments": w.tgwVPCAttachments()},
		"describe-transit-gateway-route-tables.json":    map[string]any{"TransitGatewayRouteTables": w.tgwRouteTables()},
	}
	for _, t := range n.TGWRouteTables {
		id := id(t.Addr)
		files["search-transit-gateway-routes."+id+".json"] = map[string]any{"Routes": w.tgwRoutes(t), "AdditionalRoutesAvailable": false}
		files["get-transit-gateway-route-table-associations."+id+".json"] = map[string]any{"Associations": w.tgwRefs(t.Associations, "associated")}
		files["get-transit-gateway-route-table-propagations."+id+".json"] = map[string]any{"TransitGatewayRouteTablePropagations": w.tgwRefs(t.Propagations, "enabled")}
	}
	out := make(map[string][]byte, len(files))
	for name, v := range files {
		b, err := json.MarshalIndent(v, "", "    ")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = append(b, '\n')
	}
	return out, nil
}

// WriteDescribe writes DescribeFiles(n) into dir, which must exist.
func WriteDescribe(dir string, n *model.Network) error {
	files, err := DescribeFiles(n)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

const ownerID = "123456789012"

type describer struct {
	n          *model.Network
	subnetVPC  map[model.ResourceRef]model.ResourceRef
	subnetZone map[model.ResourceRef]string
}

// id is the AWS id an address ends in.
func id(a model.ResourceRef) string { return lastPart(a) }

func ids(as []model.ResourceRef) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, id(a))
	}
	return out
}

// zoneName is an AZ name for a subnet's zone id: use1-az4 in us-east-1 is
// "us-east-1d". Only the Region it names matters to awsjson.
func (w describer) zoneName(s model.Subnet) string {
	region := w.n.Region
	if v, ok := w.n.VPC(s.VPC); ok && v.Region != "" {
		region = v.Region
	}
	if region == "" {
		return ""
	}
	d := 0
	for i := len(s.ZoneID) - 1; i >= 0 && s.ZoneID[i] >= '0' && s.ZoneID[i] <= '9'; i-- {
		d = int(s.ZoneID[i]-'0') + 10*d
	}
	return region + string(rune('a'+(max(d, 1)-1)%26))
}

type state struct {
	State string `json:"State"`
}

func (w describer) vpcs() []any {
	out := []any{}
	for _, v := range w.n.VPCs {
		type cidr struct {
			AssociationId  string `json:"AssociationId"`
			CidrBlock      string `json:"CidrBlock"`
			CidrBlockState state  `json:"CidrBlockState"`
		}
		type v6 struct {
			AssociationId      string `json:"AssociationId"`
			Ipv6CidrBlock      string `json:"Ipv6CidrBlock"`
			Ipv6CidrBlockState state  `json:"Ipv6CidrBlockState"`
		}
		x := struct {
			CidrBlock                   string `json:"CidrBlock"`
			DhcpOptionsId               string `json:"DhcpOptionsId"`
			State                       string `json:"State"`
			VpcId                       string `json:"VpcId"`
			OwnerId                     string `json:"OwnerId,omitempty"`
			InstanceTenancy             string `json:"InstanceTenancy"`
			CidrBlockAssociationSet     []cidr `json:"CidrBlockAssociationSet"`
			Ipv6CidrBlockAssociationSet []v6   `json:"Ipv6CidrBlockAssociationSet,omitempty"`
			IsDefault                   bool   `json:"IsDefault"`
			Tags                        []tag  `json:"Tags,omitempty"`
		}{
			CidrBlock: prefix(v.CIDR), DhcpOptionsId: "dopt-0default", State: "available", VpcId: id(v.Addr),
			OwnerId: v.Account, InstanceTenancy: "default", Tags: tags(v.Name, v.Tags),
			CidrBlockAssociationSet: []cidr{{AssociationId: "vpc-cidr-assoc-" + id(v.Addr), CidrBlock: prefix(v.CIDR), CidrBlockState: state{"associated"}}},
		}
		if v.IPv6CIDR.IsValid() {
			x.Ipv6CidrBlockAssociationSet = []v6{{AssociationId: "vpc-cidr-assoc-6-" + id(v.Addr), Ipv6CidrBlock: v.IPv6CIDR.String(), Ipv6CidrBlockState: state{"associated"}}}
		}
		out = append(out, x)
	}
	return out
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// tags prints a resource's tags; a Name with no Name tag becomes one.
func tags(name string, ts []model.Tag) []tag {
	var out []tag
	hasName := false
	for _, t := range ts {
		out = append(out, tag{t.Key, t.Value})
		hasName = hasName || t.Key == "Name"
	}
	if name != "" && !hasName {
		out = append(out, tag{"Name", name})
	}
	return out
}

func prefix(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}

func ip(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func (w describer) subnets() []any {
	out := []any{}
	for _, s := range w.n.Subnets {
		type v6 struct {
			AssociationId      string `json:"AssociationId"`
			Ipv6CidrBlock      string `json:"Ipv6CidrBlock"`
			Ipv6CidrBlockState state  `json:"Ipv6CidrBlockState"`
		}
		x := struct {
			AvailabilityZone            string `json:"AvailabilityZone,omitempty"`
			AvailabilityZoneId          string `json:"AvailabilityZoneId,omitempty"`
			AvailableIpAddressCount     int    `json:"AvailableIpAddressCount"`
			CidrBlock                   string `json:"CidrBlock"`
			DefaultForAz                bool   `json:"DefaultForAz"`
			MapPublicIpOnLaunch         bool   `json:"MapPublicIpOnLaunch"`
			State                       string `json:"State"`
			SubnetId                    string `json:"SubnetId"`
			VpcId                       string `json:"VpcId"`
			Ipv6CidrBlockAssociationSet []v6   `json:"Ipv6CidrBlockAssociationSet"`
			SubnetArn                   string `json:"SubnetArn"`
			Tags                        []tag  `json:"Tags,omitempty"`
		}{
			AvailabilityZone: w.subnetZone[s.Addr], AvailabilityZoneId: s.ZoneID, AvailableIpAddressCount: s.Usable(),
			CidrBlock: prefix(s.CIDR), MapPublicIpOnLaunch: s.MapPublicIP, State: "available",
			SubnetId: id(s.Addr), VpcId: id(s.VPC), Ipv6CidrBlockAssociationSet: []v6{},
			SubnetArn: "arn:aws:ec2:" + w.n.Region + ":" + ownerID + ":subnet/" + id(s.Addr), Tags: tags("", s.Tags),
		}
		if s.IPv6CIDR.IsValid() {
			x.Ipv6CidrBlockAssociationSet = []v6{{AssociationId: "subnet-cidr-assoc-" + id(s.Addr), Ipv6CidrBlock: s.IPv6CIDR.String(), Ipv6CidrBlockState: state{"associated"}}}
		}
		out = append(out, x)
	}
	return out
}

func (w describer) routeTables() []any {
	type assoc struct {
		Main                    bool   `json:"Main"`
		RouteTableAssociationId string `json:"RouteTableAssociationId"`
		RouteTableId            string `json:"RouteTableId"`
		SubnetId                string `json:"SubnetId,omitempty"`
		AssociationState        state  `json:"AssociationState"`
	}
	type route struct {
		DestinationCidrBlock        string `json:"DestinationCidrBlock,omitempty"`
		DestinationIpv6CidrBlock    string `json:"DestinationIpv6CidrBlock,omitempty"`
		DestinationPrefixListId     string `json:"DestinationPrefixListId,omitempty"`
		GatewayId                   string `json:"GatewayId,omitempty"`
		NatGatewayId                string `json:"NatGatewayId,omitempty"`
		NetworkInterfaceId          string `json:"NetworkInterfaceId,omitempty"`
		TransitGatewayId            string `json:"TransitGatewayId,omitempty"`
		VpcPeeringConnectionId      string `json:"VpcPeeringConnectionId,omitempty"`
		EgressOnlyInternetGatewayId string `json:"EgressOnlyInternetGatewayId,omitempty"`
		Origin                      string `json:"Origin"`
		State                       string `json:"State"`
	}
	out := []any{}
	for _, t := range w.n.RouteTables {
		rid := id(t.Addr)
		as := []assoc{}
		if t.Main {
			as = append(as, assoc{Main: true, RouteTableAssociationId: "rtbassoc-" + rid + "-main", RouteTableId: rid, AssociationState: state{"associated"}})
		}
		for _, s := range w.n.RouteTableSubnets(t.Addr) {
			if t.Main {
				break // the main table's subnets are associated implicitly
			}
			as = append(as, assoc{RouteTableAssociationId: "rtbassoc-" + id(s), RouteTableId: rid, SubnetId: id(s), AssociationState: state{"associated"}})
		}
		rs := []route{}
		for _, r := range t.Routes {
			x := route{Origin: "CreateRoute", State: "active", DestinationPrefixListId: r.DestPrefixList}
			if r.DestPrefixList == "" && r.Dest.Addr().Is6() {
				x.DestinationIpv6CidrBlock = prefix(r.Dest)
			} else if r.DestPrefixList == "" {
				x.DestinationCidrBlock = prefix(r.Dest)
			}
			switch r.TargetKind {
			case model.TargetLocal:
				x.GatewayId, x.Origin = "local", "CreateRouteTable"
			case model.TargetNATGateway:
				x.NatGatewayId = id(r.Target)
			case model.TargetENI:
				x.NetworkInterfaceId = id(r.Target)
			case model.TargetTGW:
				x.TransitGatewayId = id(r.Target)
			case model.TargetPeering:
				x.VpcPeeringConnectionId = id(r.Target)
			case model.TargetEIGW:
				x.EgressOnlyInternetGatewayId = id(r.Target)
			case model.TargetBlackhole:
				x.GatewayId, x.State = "igw-blackholed", "blackhole"
			default: // internet, virtual private and endpoint gateways: ids say which
				x.GatewayId = id(r.Target)
			}
			rs = append(rs, x)
		}
		out = append(out, struct {
			Associations    []assoc `json:"Associations"`
			PropagatingVgws []any   `json:"PropagatingVgws"`
			RouteTableId    string  `json:"RouteTableId"`
			Routes          []route `json:"Routes"`
			Tags            []tag   `json:"Tags"`
			VpcId           string  `json:"VpcId"`
			OwnerId         string  `json:"OwnerId"`
		}{as, []any{}, rid, rs, tags("", t.Tags), id(t.VPC), ownerID})
	}
	return out
}

type attachment struct {
	State string `json:"State"`
	VpcId string `json:"VpcId"`
}

func (w describer) igws() []any {
	out := []any{}
	for _, g := range w.n.InternetGateways {
		as := []attachment{}
		if g.VPC != "" {
			as = append(as, attachment{"available", id(g.VPC)})
		}
		out = append(out, struct {
			Attachments       []attachment `json:"Attachments"`
			InternetGatewayId string       `json:"InternetGatewayId"`
			OwnerId           string       `json:"OwnerId"`
			Tags              []tag        `json:"Tags"`
		}{as, id(g.Addr), ownerID, []tag{}})
	}
	return out
}

func (w describer) natGateways() []any {
	type address struct {
		AllocationId       string `json:"AllocationId,omitempty"`
		NetworkInterfaceId string `json:"NetworkInterfaceId,omitempty"`
		PrivateIp          string `json:"PrivateIp,omitempty"`
		PublicIp           string `json:"PublicIp,omitempty"`
		IsPrimary          bool   `json:"IsPrimary"`
		Status             string `json:"Status"`
	}
	out := []any{}
	for i, g := range w.n.NATGateways {
		var as []address
		eni, _ := w.n.ENI(g.ENI)
		for k := range max(g.PublicIPs, 1) {
			x := address{IsPrimary: k == 0, Status: "succeeded"}
			if k < g.PublicIPs {
				x.AllocationId = fmt.Sprintf("eipalloc-%04d-%d", i, k)
				x.PublicIp = netip.AddrFrom4([4]byte{198, 19, byte(i >> 8), byte(i)}).String()
			}
			// Only the primary address names the interface, and only
			// when the model has one: awsjson adds a NAT gateway's
			// interface from here when no other file lists it.
			if k == 0 && eni != nil {
				x.NetworkInterfaceId, x.PrivateIp = id(eni.Addr), ip(eni.PrivateIP)
			}
			as = append(as, x)
		}
		ct := "public"
		if g.Private {
			ct = "private"
		}
		out = append(out, struct {
			CreateTime          string    `json:"CreateTime"`
			NatGatewayAddresses []address `json:"NatGatewayAddresses"`
			NatGatewayId        string    `json:"NatGatewayId"`
			State               string    `json:"State"`
			SubnetId            string    `json:"SubnetId"`
			VpcId               string    `json:"VpcId"`
			ConnectivityType    string    `json:"ConnectivityType"`
		}{"2024-01-01T00:00:00+00:00", as, id(g.Addr), "available", id(g.Subnet), id(g.VPC), ct})
	}
	return out
}

func (w describer) enis() []any {
	type assoc struct {
		IpOwnerId     string `json:"IpOwnerId"`
		PublicDnsName string `json:"PublicDnsName"`
		PublicIp      string `json:"PublicIp"`
	}
	type group struct {
		GroupName string `json:"GroupName"`
		GroupId   string `json:"GroupId"`
	}
	type private struct {
		Association      *assoc `json:"Association,omitempty"`
		Primary          bool   `json:"Primary"`
		PrivateIpAddress string `json:"PrivateIpAddress"`
	}
	type v6 struct {
		Ipv6Address string `json:"Ipv6Address"`
	}
	out := make([]any, 0, len(w.n.ENIs))
	for _, e := range w.n.ENIs {
		var pub *assoc
		if e.HasPublicIP && e.PublicIP.IsValid() {
			pub = &assoc{IpOwnerId: "amazon", PublicIp: e.PublicIP.String(), PublicDnsName: "ec2-" + e.PublicIP.String() + ".compute-1.amazonaws.com"}
		}
		ps := []private{}
		if e.PrivateIP.IsValid() {
			ps = append(ps, private{Association: pub, Primary: true, PrivateIpAddress: e.PrivateIP.String()})
		}
		for _, a := range e.SecondaryIPs {
			ps = append(ps, private{PrivateIpAddress: a.String()})
		}
		gs := []group{}
		for _, g := range e.SecurityGroups {
			gs = append(gs, group{GroupName: id(g), GroupId: id(g)})
		}
		v6s := []v6{}
		for _, a := range e.IPv6 {
			v6s = append(v6s, v6{a.String()})
		}
		typ := e.Type
		if typ == "" {
			typ = "interface"
		}
		eid := id(e.Addr)
		if e.ID != "" {
			eid = e.ID
		}
		out = append(out, struct {
			Association        *assoc    `json:"Association,omitempty"`
			AvailabilityZone   string    `json:"AvailabilityZone"`
			Description        string    `json:"Description"`
			Groups             []group   `json:"Groups"`
			InterfaceType      string    `json:"InterfaceType"`
			Ipv6Addresses      []v6      `json:"Ipv6Addresses"`
			MacAddress         string    `json:"MacAddress"`
			NetworkInterfaceId string    `json:"NetworkInterfaceId"`
			OwnerId            string    `json:"OwnerId"`
			PrivateIpAddress   string    `json:"PrivateIpAddress,omitempty"`
			PrivateIpAddresses []private `json:"PrivateIpAddresses"`
			RequesterManaged   bool      `json:"RequesterManaged"`
			SourceDestCheck    bool      `json:"SourceDestCheck"`
			Status             string    `json:"Status"`
			SubnetId           string    `json:"SubnetId"`
			TagSet             []tag     `json:"TagSet"`
			VpcId              string    `json:"VpcId"`
		}{
			Association: pub, AvailabilityZone: w.subnetZone[e.Subnet], Description: e.Description, Groups: gs,
			InterfaceType: typ, Ipv6Addresses: v6s, MacAddress: mac(len(out)), NetworkInterfaceId: eid, OwnerId: ownerID,
			PrivateIpAddress: ip(e.PrivateIP), PrivateIpAddresses: ps, SourceDestCheck: e.SourceDestCheck, Status: "in-use",
			SubnetId: id(e.Subnet), TagSet: []tag{}, VpcId: id(w.subnetVPC[e.Subnet]),
		})
	}
	return out
}

func mac(i int) string {
	return fmt.Sprintf("0e:00:00:%02x:%02x:%02x", byte(i>>16), byte(i>>8), byte(i))
}

// ipProtocol is the IpProtocol a security group rule prints: "-1", "tcp",
// "udp", "icmp", "icmpv6" or the protocol's number.
func ipProtocol(p model.Protocol) string {
	switch p {
	case model.AllProtocols:
		return "-1"
	case model.TCP, model.UDP, model.ICMP, model.ICMPv6:
		return p.String()
	}
	n, _ := p.Number()
	return strconv.Itoa(n)
}

// fromTo is what FromPort and ToPort print for a rule: TCP and UDP ports,
// ICMP type and code (-1 for any), nothing for other protocols.
func fromTo(p model.Protocol, r model.PortRange, ic model.ICMPMatch) (*int, *int) {
	switch p {
	case model.TCP, model.UDP:
		return &r.From, &r.To
	case model.ICMP, model.ICMPv6:
		return &ic.Type, &ic.Code
	}
	return nil, nil
}

func (w describer) securityGroups() []any {
	type ipRange struct {
		CidrIp      string `json:"CidrIp"`
		Description string `json:"Description,omitempty"`
	}
	type ipv6Range struct {
		CidrIpv6    string `json:"CidrIpv6"`
		Description string `json:"Description,omitempty"`
	}
	type pl struct {
		PrefixListId string `json:"PrefixListId"`
		Description  string `json:"Description,omitempty"`
	}
	type pair struct {
		GroupId     string `json:"GroupId"`
		UserId      string `json:"UserId"`
		Description string `json:"Description,omitempty"`
	}
	type perm struct {
		FromPort         *int        `json:"FromPort,omitempty"`
		IpProtocol       string      `json:"IpProtocol"`
		IpRanges         []ipRange   `json:"IpRanges"`
		Ipv6Ranges       []ipv6Range `json:"Ipv6Ranges"`
		PrefixListIds    []pl        `json:"PrefixListIds"`
		ToPort           *int        `json:"ToPort,omitempty"`
		UserIdGroupPairs []pair      `json:"UserIdGroupPairs"`
	}
	// One permission per rule: AWS groups a protocol and port range's
	// peers into one, which loads to the same rules in the same order
	// only when they are adjacent; one each always does.
	perms := func(rules []model.SGRule) []perm {
		out := []perm{}
		for _, r := range rules {
			from, to := fromTo(r.Protocol, r.Ports, r.ICMP)
			p := perm{FromPort: from, ToPort: to, IpProtocol: ipProtocol(r.Protocol),
				IpRanges: []ipRange{}, Ipv6Ranges: []ipv6Range{}, PrefixListIds: []pl{}, UserIdGroupPairs: []pair{}}
			switch r.Peer.Kind {
			case model.PeerCIDR:
				if r.Peer.CIDR.Addr().Is6() {
					p.Ipv6Ranges = append(p.Ipv6Ranges, ipv6Range{r.Peer.CIDR.String(), r.Description})
				} else {
					p.IpRanges = append(p.IpRanges, ipRange{r.Peer.CIDR.String(), r.Description})
				}
			case model.PeerGroup:
				p.UserIdGroupPairs = append(p.UserIdGroupPairs, pair{id(r.Peer.Group), ownerID, r.Description})
			case model.PeerPrefixList:
				p.PrefixListIds = append(p.PrefixListIds, pl{r.Peer.PrefixList, r.Description})
			default:
				continue
			}
			out = append(out, p)
		}
		return out
	}
	out := []any{}
	for _, g := range w.n.SecurityGroups {
		name, desc := g.Name, g.Description
		if name == "" {
			name = id(g.Addr)
		}
		if desc == "" {
			desc = "synthetic group " + name
		}
		out = append(out, struct {
			Description         string `json:"Description"`
			GroupName           string `json:"GroupName"`
			IpPermissions       []perm `json:"IpPermissions"`
			OwnerId             string `json:"OwnerId"`
			GroupId             string `json:"GroupId"`
			IpPermissionsEgress []perm `json:"IpPermissionsEgress"`
			Tags                []tag  `json:"Tags,omitempty"`
			VpcId               string `json:"VpcId"`
		}{desc, name, perms(g.Ingress), ownerID, id(g.Addr), perms(g.Egress), tags("", g.Tags), id(g.VPC)})
	}
	return out
}

func (w describer) nacls() []any {
	type assoc struct {
		NetworkAclAssociationId string `json:"NetworkAclAssociationId"`
		NetworkAclId            string `json:"NetworkAclId"`
		SubnetId                string `json:"SubnetId"`
	}
	type fromTo struct {
		From int `json:"From"`
		To   int `json:"To"`
	}
	type typeCode struct {
		Code int `json:"Code"`
		Type int `json:"Type"`
	}
	type entry struct {
		CidrBlock     string    `json:"CidrBlock,omitempty"`
		Ipv6CidrBlock string    `json:"Ipv6CidrBlock,omitempty"`
		Egress        bool      `json:"Egress"`
		IcmpTypeCode  *typeCode `json:"IcmpTypeCode,omitempty"`
		PortRange     *fromTo   `json:"PortRange,omitempty"`
		Protocol      string    `json:"Protocol"`
		RuleAction    string    `json:"RuleAction"`
		RuleNumber    int       `json:"RuleNumber"`
	}
	out := []any{}
	for _, x := range w.n.NetworkACLs {
		as := []assoc{}
		for _, s := range w.n.ACLSubnets(x.Addr) {
			as = append(as, assoc{"aclassoc-" + id(s), id(x.Addr), id(s)})
		}
		es := []entry{}
		for _, e := range x.Entries {
			n, _ := e.Protocol.Number() // NACLs print numbers: "6", "-1"
			en := entry{Egress: e.Egress, Protocol: strconv.Itoa(n), RuleAction: string(e.Action), RuleNumber: e.RuleNumber}
			if e.CIDR.Addr().Is6() {
				en.Ipv6CidrBlock = prefix(e.CIDR)
			} else {
				en.CidrBlock = prefix(e.CIDR)
			}
			switch e.Protocol {
			case model.TCP, model.UDP:
				en.PortRange = &fromTo{e.Ports.From, e.Ports.To}
			case model.ICMP, model.ICMPv6:
				en.IcmpTypeCode = &typeCode{Type: e.ICMP.Type, Code: e.ICMP.Code}
			}
			es = append(es, en)
		}
		// AWS also prints its implicit deny-all rule 32767 each way; the
		// model leaves it implicit, and so does this, so that the JSON
		// loads back to exactly the model.
		out = append(out, struct {
			Associations []assoc `json:"Associations"`
			Entries      []entry `json:"Entries"`
			IsDefault    bool    `json:"IsDefault"`
			NetworkAclId string  `json:"NetworkAclId"`
			Tags         []tag   `json:"Tags"`
			VpcId        string  `json:"VpcId"`
			OwnerId      string  `json:"OwnerId"`
		}{as, es, x.Default, id(x.Addr), tags("", x.Tags), id(x.VPC), ownerID})
	}
	return out
}

func (w describer) tgws() []any {
	out := []any{}
	for _, t := range w.n.TransitGateways {
		region := t.Region
		if region == "" {
			region = w.n.Region
		}
		out = append(out, struct {
			TransitGatewayId  string `json:"TransitGatewayId"`
			TransitGatewayArn string `json:"TransitGatewayArn"`
			State             string `json:"State"`
			OwnerId           string `json:"OwnerId,omitempty"`
			Options           struct {
				AmazonSideAsn int `json:"AmazonSideAsn,omitempty"`
			} `json:"Options"`
		}{TransitGatewayId: id(t.Addr), TransitGatewayArn: "arn:aws:ec2:" + region + ":" + ownerID + ":transit-gateway/" + id(t.Addr),
			State: "available", OwnerId: t.Account, Options: struct {
				AmazonSideAsn int `json:"AmazonSideAsn,omitempty"`
			}{t.ASN}})
	}
	return out
}

// resource is what a TGW attachment connects, as the attachment commands
// print it.
func resource(at model.TGWAttachment) (kind, rid string) {
	switch at.Kind {
	case model.TGWAttachVPC:
		return "vpc", id(at.VPC)
	case model.TGWAttachPeering:
		return "peering", id(at.PeerTGW)
	}
	return string(at.Kind), id(at.Addr)
}

func (w describer) tgwAttachments() []any {
	type association struct {
		TransitGatewayRouteTableId string `json:"TransitGatewayRouteTableId"`
		State                      string `json:"State"`
	}
	out := []any{}
	for _, at := range w.n.TGWAttachments {
		kind, rid := resource(at)
		var as *association
		if at.RouteTable != "" {
			as = &association{id(at.RouteTable), "associated"}
		}
		out = append(out, struct {
			TransitGatewayAttachmentId string       `json:"TransitGatewayAttachmentId"`
			TransitGatewayId           string       `json:"TransitGatewayId"`
			TransitGatewayOwnerId      string       `json:"TransitGatewayOwnerId"`
			ResourceOwnerId            string       `json:"ResourceOwnerId,omitempty"`
			ResourceType               string       `json:"ResourceType"`
			ResourceId                 string       `json:"ResourceId"`
			State                      string       `json:"State"`
			Association                *association `json:"Association,omitempty"`
		}{id(at.Addr), id(at.TGW), ownerID, at.Account, kind, rid, "available", as})
	}
	return out
}

func (w describer) tgwVPCAttachments() []any {
	out := []any{}
	for _, at := range w.n.TGWAttachments {
		if at.Kind != model.TGWAttachVPC {
			continue
		}
		mode := "disable"
		if at.ApplianceMode {
			mode = "enable"
		}
		type options struct {
			DnsSupport           string `json:"DnsSupport"`
			Ipv6Support          string `json:"Ipv6Support"`
			ApplianceModeSupport string `json:"ApplianceModeSupport"`
		}
		out = append(out, struct {
			TransitGatewayAttachmentId string   `json:"TransitGatewayAttachmentId"`
			TransitGatewayId           string   `json:"TransitGatewayId"`
			VpcId                      string   `json:"VpcId"`
			VpcOwnerId                 string   `json:"VpcOwnerId,omitempty"`
			State                      string   `json:"State"`
			SubnetIds                  []string `json:"SubnetIds"`
			Options                    options  `json:"Options"`
		}{id(at.Addr), id(at.TGW), id(at.VPC), at.Account, "available", ids(at.Subnets), options{"enable", "disable", mode}})
	}
	return out
}

func (w describer) tgwRouteTables() []any {
	out := []any{}
	for _, t := range w.n.TGWRouteTables {
		out = append(out, struct {
			TransitGatewayRouteTableId string `json:"TransitGatewayRouteTableId"`
			TransitGatewayId           string `json:"TransitGatewayId"`
			State                      string `json:"State"`
		}{id(t.Addr), id(t.TGW), "available"})
	}
	return out
}

type tgwRef struct {
	TransitGatewayAttachmentId string `json:"TransitGatewayAttachmentId"`
	ResourceId                 string `json:"ResourceId"`
	ResourceType               string `json:"ResourceType"`
	State                      string `json:"State,omitempty"`
}

func (w describer) tgwRef(a model.ResourceRef, st string) tgwRef {
	r := tgwRef{TransitGatewayAttachmentId: id(a), State: st}
	for _, at := range w.n.TGWAttachments {
		if at.Addr == a {
			r.ResourceType, r.ResourceId = resource(at)
			break
		}
	}
	return r
}

func (w describer) tgwRefs(as []model.ResourceRef, st string) []tgwRef {
	out := []tgwRef{}
	for _, a := range as {
		out = append(out, w.tgwRef(a, st))
	}
	return out
}

func (w describer) tgwRoutes(t model.TGWRouteTable) []any {
	out := []any{}
	for _, r := range t.Routes {
		typ, st := "static", "active"
		if r.Propagated {
			typ = "propagated"
		}
		ats := []tgwRef{}
		if r.Blackhole || r.Attachment == "" {
			st = "blackhole"
		} else {
			ref := w.tgwRef(r.Attachment, "")
			ats = append(ats, ref)
		}
		out = append(out, struct {
			DestinationCidrBlock      string   `json:"DestinationCidrBlock"`
			TransitGatewayAttachments []tgwRef `json:"TransitGatewayAttachments,omitempty"`
			Type                      string   `json:"Type"`
			State                     string   `json:"State"`
		}{prefix(r.Dest), ats, typ, st})
	}
	return out
}
