package synth

import (
	"fmt"
	"math/rand/v2"
	"net/netip"

	"github.com/moatnet/moat/model"
)

// Size says how big an account to generate.
type Size struct {
	VPCs           int
	SubnetsPerVPC  int // even: half public, half private
	ENIsPerSubnet  int
	GroupsPerVPC   int
	RulesPerGroup  int // ingress rules; each group also has one egress rule
	PublicFraction int // one interface in PublicFraction gets a public IP
}

// Large is the account the speed targets are set on: 200 VPCs, 2,000
// subnets, 20,000 ENIs, 5,000 security groups holding 50,000 rules.
var Large = Size{VPCs: 200, SubnetsPerVPC: 10, ENIsPerSubnet: 10, GroupsPerVPC: 25, RulesPerGroup: 9, PublicFraction: 20}

// Account builds an account of the given size. The same seed always gives
// the same network. VPC i is 10.i.0.0/16, subnets are /24s, every VPC has an
// internet gateway, a NAT gateway in its first public subnet and an
// attachment to one Transit Gateway whose route table learns every VPC.
func Account(size Size, seed uint64) *model.Network {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := &model.Network{Name: "synthetic", Region: "us-east-1"}
	// Addresses are "<kind>/<aws-id>", as awsjson names imported resources,
	// so the describe-* JSON WriteDescribe prints loads back to them.
	tgw := model.ResourceRef("tgw/tgw-0hub")
	n.TransitGateways = []model.TransitGateway{{Addr: tgw, ID: "tgw-0hub"}}
	tgwRT := model.TGWRouteTable{Addr: "tgw-rtb/tgw-rtb-0main", ID: "tgw-rtb-0main", TGW: tgw}
	zones := []string{"use1-az1", "use1-az2", "use1-az4", "use1-az6", "use1-az5"}
	for v := 0; v < size.VPCs; v++ {
		cidr := vpcCIDR(v)
		va := model.JoinRef("vpc", fmt.Sprintf("vpc-%04d", v))
		n.VPCs = append(n.VPCs, model.VPC{Addr: va, CIDR: cidr, Region: "us-east-1"})
		igw := model.JoinRef("igw", fmt.Sprintf("igw-%04d", v))
		n.InternetGateways = append(n.InternetGateways, model.InternetGateway{Addr: igw, VPC: va})
		pubRT := model.JoinRef("rtb", fmt.Sprintf("rtb-%04d-pub", v))
		privRT := model.JoinRef("rtb", fmt.Sprintf("rtb-%04d-priv", v))
		natgw := model.JoinRef("natgw", fmt.Sprintf("nat-%04d", v))
		att := model.JoinRef("tgw-attach", fmt.Sprintf("tgw-attach-%04d", v))
		local := model.Route{Dest: cidr, TargetKind: model.TargetLocal}
		any4 := netip.MustParsePrefix("0.0.0.0/0")
		ten := netip.MustParsePrefix("10.0.0.0/8")
		pub := model.RouteTable{Addr: pubRT, VPC: va, Routes: []model.Route{local, {Dest: any4, TargetKind: model.TargetIGW, Target: igw}, {Dest: ten, TargetKind: model.TargetTGW, Target: tgw}}}
		priv := model.RouteTable{Addr: privRT, VPC: va, Main: true, Routes: []model.Route{local, {Dest: any4, TargetKind: model.TargetNATGateway, Target: natgw}, {Dest: ten, TargetKind: model.TargetTGW, Target: tgw}}}
		acl := model.JoinRef("nacl", fmt.Sprintf("acl-%04d", v))
		nacl := model.NetworkACL{Addr: acl, VPC: va, Default: true, Entries: []model.NACLEntry{
			{RuleNumber: 100, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: ten, Action: model.Allow},
			{RuleNumber: 110, Protocol: model.TCP, Ports: model.Port(443), CIDR: any4, Action: model.Allow},
			{RuleNumber: 120, Protocol: model.TCP, Ports: model.Port(22), CIDR: any4, Action: model.Deny},
			{RuleNumber: 130, Protocol: model.TCP, Ports: model.PortRange{From: 1024, To: 65535}, CIDR: any4, Action: model.Allow},
			{RuleNumber: 100, Egress: true, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: any4, Action: model.Allow},
		}}
		var groups []model.ResourceRef
		for g := 0; g < size.GroupsPerVPC; g++ {
			ga := model.JoinRef("sg", fmt.Sprintf("sg-%04d-%02d", v, g))
			groups = append(groups, ga)
			sg := model.SecurityGroup{Addr: ga, VPC: va, Egress: []model.SGRule{{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: any4}}}}
			for k := 0; k < size.RulesPerGroup; k++ {
				port := []int{22, 80, 443, 5432, 3306, 6379, 8080, 8443}[r.IntN(8)]
				peer := model.Peer{Kind: model.PeerCIDR, CIDR: netip.PrefixFrom(vpcCIDR(r.IntN(size.VPCs)).Addr(), 16)}
				switch r.IntN(10) {
				case 0:
					peer = model.Peer{Kind: model.PeerCIDR, CIDR: any4}
				case 1, 2, 3:
					peer = model.Peer{Kind: model.PeerGroup, Group: model.JoinRef("sg", fmt.Sprintf("sg-%04d-%02d", v, r.IntN(size.GroupsPerVPC)))}
				}
				sg.Ingress = append(sg.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(port), Peer: peer})
			}
			n.SecurityGroups = append(n.SecurityGroups, sg)
		}
		var subnets []model.ResourceRef
		for s := 0; s < size.SubnetsPerVPC; s++ {
			tier, rt := model.Public, pubRT
			if s >= size.SubnetsPerVPC/2 {
				tier, rt = model.Private, privRT
			}
			sa := model.JoinRef("subnet", fmt.Sprintf("subnet-%04d-%02d", v, s))
			sc := netip.PrefixFrom(addTo(cidr.Addr(), uint32(s)<<8), 24)
			n.Subnets = append(n.Subnets, model.Subnet{Addr: sa, VPC: va, ZoneID: zones[s%len(zones)], CIDR: sc, IPv6Index: -1, RouteTable: rt, NACL: acl})
			subnets = append(subnets, sa)
			for e := 0; e < size.ENIsPerSubnet; e++ {
				ea := model.JoinRef("eni", fmt.Sprintf("eni-%04d-%02d-%02d", v, s, e))
				eni := model.ENI{Addr: ea, ID: lastPart(ea), Subnet: sa, PrivateIP: addTo(sc.Addr(), uint32(10+e)), SourceDestCheck: true,
					SecurityGroups: []model.ResourceRef{groups[r.IntN(len(groups))]}}
				if tier == model.Public && r.IntN(max(1, size.PublicFraction)) == 0 {
					eni.HasPublicIP = true
					eni.PublicIP = netip.AddrFrom4([4]byte{198, 18, byte(len(n.ENIs) >> 8), byte(len(n.ENIs))})
				}
				n.ENIs = append(n.ENIs, eni)
			}
		}
		n.NATGateways = append(n.NATGateways, model.NATGateway{Addr: natgw, VPC: va, Subnet: subnets[0], PublicIPs: 1})
		n.RouteTables = append(n.RouteTables, pub, priv)
		n.NetworkACLs = append(n.NetworkACLs, nacl)
		n.TGWAttachments = append(n.TGWAttachments, model.TGWAttachment{Addr: att, TGW: tgw, Kind: model.TGWAttachVPC, VPC: va,
			Subnets: subnets[size.SubnetsPerVPC/2:], RouteTable: tgwRT.Addr})
		tgwRT.Associations = append(tgwRT.Associations, att)
		tgwRT.Propagations = append(tgwRT.Propagations, att)
		tgwRT.Routes = append(tgwRT.Routes, model.TGWRoute{Dest: cidr, Attachment: att, Propagated: true})
	}
	n.TGWRouteTables = []model.TGWRouteTable{tgwRT}
	// The generator builds a consistent account, so Finish finds nothing
	// to report; it indexes the network as every input's is.
	done, _ := model.Finish(model.Input{Network: n})
	return done
}

func lastPart(a model.ResourceRef) string {
	s := string(a)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}

// vpcCIDR is VPC i's /16, 10.i.0.0/16; past 256 VPCs the ranges repeat,
// as overlapping VPCs do in real accounts.
func vpcCIDR(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i % 256), 0, 0}), 16)
}

func addTo(a netip.Addr, off uint32) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += off
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
