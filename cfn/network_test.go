package cfn

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
)

// NAT variants the compiler can choose; testNetwork builds each.
const (
	natInstancePerZone = "instance-per-zone"
	natInstanceShared  = "instance-shared"
	natGateway         = "gateway"
	natGatewayPerZone  = "gateway-per-zone"
	natRegional        = "regional"
	natNone            = "none"
)

var natVariants = []string{natInstancePerZone, natInstanceShared, natGateway, natGatewayPerZone, natRegional, natNone}

var zones = []string{"use1-az1", "use1-az2", "use1-az4"}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func v6(index int) netip.Prefix { return pfx(fmt.Sprintf("2001:db8:0:%x::/64", index)) }

// testNetwork builds a realistic three-zone network by hand, the way the
// compiler would: public, private and isolated tiers, an ALB, app and
// database groups, endpoints, NACLs and flow logs.
func testNetwork(nat string, ipv6 bool) *model.Network {
	vpc := model.ResourceRef("vpc/main")
	n := &model.Network{
		Name: "shop", Region: "us-east-1", Environment: model.Prod,
		VPCs: []model.VPC{{Addr: vpc, Name: "shop", CIDR: pfx("10.0.0.0/16"), Region: "us-east-1", Tags: []model.Tag{{Key: "team", Value: "web"}, {Key: "Name", Value: "ignored"}}}},
	}
	vpcCIDR := model.Peer{Kind: model.PeerCIDR, CIDR: pfx("10.0.0.0/16")}
	if ipv6 {
		n.VPCs[0].IPv6CIDR = pfx("2001:db8::/56")
		n.VPCs[0].IPv6Symbolic = true
		n.EgressOnlyInternetGateways = []model.EgressOnlyInternetGateway{{Addr: "eigw/main", VPC: vpc}}
	}
	n.InternetGateways = []model.InternetGateway{{Addr: "igw/main", VPC: vpc}}
	public := model.RouteTable{Addr: "rtb/public", VPC: vpc, Routes: []model.Route{
		{Dest: pfx("10.0.0.0/16"), TargetKind: model.TargetLocal},
		{Dest: pfx("0.0.0.0/0"), TargetKind: model.TargetIGW, Target: "igw/main"},
	}}
	if ipv6 {
		public.Routes = append(public.Routes, model.Route{Dest: pfx("::/0"), TargetKind: model.TargetIGW, Target: "igw/main"})
	}
	isolated := model.RouteTable{Addr: "rtb/isolated", VPC: vpc, Routes: []model.Route{
		{Dest: pfx("10.0.0.0/16"), TargetKind: model.TargetLocal},
		{DestPrefixList: "com.amazonaws.us-east-1.s3", TargetKind: model.TargetEndpoint, Target: "vpce/s3"},
	}}
	var privateRTs []model.RouteTable
	for i, z := range zones {
		n.Zones = append(n.Zones, model.Zone{ID: z})
		for t, tier := range []model.Tier{model.Public, model.Private, model.Isolated} {
			s := model.Subnet{
				Addr: model.JoinRef("subnet", string(tier), z), VPC: vpc, Tier: tier, ZoneID: z,
				CIDR: pfx(fmt.Sprintf("10.0.%d.0/24", t*16+i)), IPv6Index: -1,
				NACL: model.JoinRef("acl", string(tier)),
			}
			if ipv6 {
				s.IPv6Index = t*16 + i
				s.IPv6CIDR, s.AssignIPv6 = v6(s.IPv6Index), true
			}
			switch tier {
			case model.Public:
				s.RouteTable = "rtb/public"
			case model.Private:
				s.RouteTable = model.JoinRef("rtb", "private", z)
			case model.Isolated:
				s.RouteTable = "rtb/isolated"
			}
			n.Subnets = append(n.Subnets, s)
		}
		rt := model.RouteTable{Addr: model.JoinRef("rtb", "private", z), VPC: vpc, Routes: []model.Route{
			{Dest: pfx("10.0.0.0/16"), TargetKind: model.TargetLocal},
			{DestPrefixList: "com.amazonaws.us-east-1.s3", TargetKind: model.TargetEndpoint, Target: "vpce/s3"},
		}}
		if ipv6 {
			rt.Routes = append(rt.Routes, model.Route{Dest: pfx("::/0"), TargetKind: model.TargetEIGW, Target: "eigw/main"})
		}
		privateRTs = append(privateRTs, rt)
	}
	natRoute := func(kind model.TargetKind, target model.ResourceRef) model.Route {
		return model.Route{Dest: pfx("0.0.0.0/0"), TargetKind: kind, Target: target}
	}
	natInstance := func(z string, serves []string) {
		addr := model.JoinRef("nat", z)
		eni := model.JoinRef("eni", "nat", z)
		n.NATInstances = append(n.NATInstances, model.NATInstance{Addr: addr, VPC: vpc, Subnet: model.JoinRef("subnet", "public", z), ENI: eni, InstanceType: "t4g.nano", Architecture: model.ARM64, SecurityGroup: "sg/nat", Serves: serves})
		n.ENIs = append(n.ENIs, model.ENI{Addr: eni, Subnet: model.JoinRef("subnet", "public", z), HasPublicIP: true, SecurityGroups: []model.ResourceRef{"sg/nat"}, Owner: addr})
	}
	switch nat {
	case natInstancePerZone:
		for i, z := range zones {
			natInstance(z, []string{z})
			privateRTs[i].Routes = append(privateRTs[i].Routes, natRoute(model.TargetENI, model.JoinRef("eni", "nat", z)))
		}
	case natInstanceShared:
		natInstance(zones[0], zones)
		for i := range zones {
			privateRTs[i].Routes = append(privateRTs[i].Routes, natRoute(model.TargetENI, model.JoinRef("eni", "nat", zones[0])))
		}
	case natGateway:
		n.NATGateways = []model.NATGateway{{Addr: "natgw/use1-az1", VPC: vpc, Subnet: "subnet/public/use1-az1", PublicIPs: 1}}
		for i := range zones {
			privateRTs[i].Routes = append(privateRTs[i].Routes, natRoute(model.TargetNATGateway, "natgw/use1-az1"))
		}
	case natGatewayPerZone:
		for i, z := range zones {
			a := model.JoinRef("natgw", z)
			n.NATGateways = append(n.NATGateways, model.NATGateway{Addr: a, VPC: vpc, Subnet: model.JoinRef("subnet", "public", z), PublicIPs: 1})
			privateRTs[i].Routes = append(privateRTs[i].Routes, natRoute(model.TargetNATGateway, a))
		}
	case natRegional:
		n.NATGateways = []model.NATGateway{{Addr: "natgw/regional", VPC: vpc, Regional: true, Zones: zones, PublicIPs: 3}}
		for i := range zones {
			privateRTs[i].Routes = append(privateRTs[i].Routes, natRoute(model.TargetNATGateway, "natgw/regional"))
		}
	}
	n.RouteTables = append(append([]model.RouteTable{public}, privateRTs...), isolated)

	group := func(a model.ResourceRef) model.Peer { return model.Peer{Kind: model.PeerGroup, Group: a} }
	anyV4 := model.Peer{Kind: model.PeerCIDR, CIDR: pfx("0.0.0.0/0")}
	alb := model.SecurityGroup{Addr: "sg/alb", VPC: vpc, Description: "load balancer: HTTPS from the internet",
		Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(443), Peer: anyV4, Description: "HTTPS from anywhere"}},
		Egress:  []model.SGRule{{Protocol: model.TCP, Ports: model.Port(8080), Peer: group("sg/app"), Description: "to the app"}},
	}
	app := model.SecurityGroup{Addr: "sg/app", VPC: vpc, Description: "application tasks",
		Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(8080), Peer: group("sg/alb"), Description: "from the load balancer"}},
		Egress: []model.SGRule{
			{Protocol: model.TCP, Ports: model.Port(5432), Peer: group("sg/db"), Description: "to the database"},
			{Protocol: model.TCP, Ports: model.Port(443), Peer: anyV4, Description: "HTTPS out via NAT"},
			{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerPrefixList, PrefixList: "com.amazonaws.us-east-1.s3"}, Description: "S3 via the gateway endpoint"},
		},
	}
	db := model.SecurityGroup{Addr: "sg/db", VPC: vpc, Description: "database: only the app",
		Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(5432), Peer: group("sg/app"), Description: "from the app"}},
	}
	vpce := model.SecurityGroup{Addr: "sg/vpce", VPC: vpc, Description: "interface endpoints",
		Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(443), Peer: vpcCIDR, Description: "HTTPS from the VPC"}},
	}
	if ipv6 {
		alb.Ingress = append(alb.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("::/0")}, Description: "HTTPS from anywhere (IPv6)"})
		vpce.Ingress = append(vpce.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("2001:db8::/56")}, Description: "HTTPS from the VPC (IPv6)"})
	}
	n.SecurityGroups = []model.SecurityGroup{alb, app, db, vpce}
	if len(n.NATInstances) > 0 {
		n.SecurityGroups = append(n.SecurityGroups, model.SecurityGroup{Addr: "sg/nat", VPC: vpc, Description: "NAT instances: forward traffic from the VPC",
			Ingress: []model.SGRule{
				{Protocol: model.AllProtocols, Peer: vpcCIDR, Description: "anything from inside the VPC"},
				{Protocol: model.ICMP, ICMP: model.AnyICMP, Peer: vpcCIDR, Description: "ping from the VPC"},
			},
			Egress: []model.SGRule{
				{Protocol: model.TCP, Ports: model.Port(443), Peer: anyV4, Description: "HTTPS out"},
				{Protocol: model.TCP, Ports: model.Port(80), Peer: anyV4, Description: "HTTP out (package mirrors)"},
				{Protocol: model.UDP, Ports: model.Port(123), Peer: anyV4, Description: "NTP out"},
			},
		})
	}

	entries := func(extra ...model.NACLEntry) []model.NACLEntry {
		base := []model.NACLEntry{
			{RuleNumber: 100, Protocol: model.AllProtocols, CIDR: pfx("10.0.0.0/16"), Action: model.Allow},
			{RuleNumber: 110, Protocol: model.TCP, Ports: model.PortRange{From: 1024, To: 65535}, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
			{RuleNumber: 120, Protocol: model.ICMP, ICMP: model.ICMPMatch{Type: 3, Code: 4}, CIDR: pfx("0.0.0.0/0"), Action: model.Allow, Description: "path MTU discovery"},
			{RuleNumber: 100, Egress: true, Protocol: model.AllProtocols, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
		}
		if ipv6 {
			base = append(base,
				model.NACLEntry{RuleNumber: 101, Protocol: model.AllProtocols, CIDR: pfx("2001:db8::/56"), Action: model.Allow},
				model.NACLEntry{RuleNumber: 111, Protocol: model.TCP, Ports: model.PortRange{From: 1024, To: 65535}, CIDR: pfx("::/0"), Action: model.Allow},
				model.NACLEntry{RuleNumber: 121, Protocol: model.ICMPv6, ICMP: model.AnyICMP, CIDR: pfx("::/0"), Action: model.Allow},
				model.NACLEntry{RuleNumber: 101, Egress: true, Protocol: model.AllProtocols, CIDR: pfx("::/0"), Action: model.Allow},
			)
		}
		return append(base, extra...)
	}
	n.NetworkACLs = []model.NetworkACL{
		{Addr: "acl/public", VPC: vpc, Entries: entries(
			model.NACLEntry{RuleNumber: 90, Protocol: model.TCP, Ports: model.Port(443), CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
			model.NACLEntry{RuleNumber: 50, Protocol: model.UDP, Ports: model.Port(53), CIDR: pfx("198.51.100.0/24"), Action: model.Deny},
		)},
		{Addr: "acl/private", VPC: vpc, Entries: entries()},
		{Addr: "acl/isolated", VPC: vpc, Entries: entries()},
	}
	var privSubnets []model.ResourceRef
	for _, z := range zones {
		privSubnets = append(privSubnets, model.JoinRef("subnet", "private", z))
	}
	var s3Tables []model.ResourceRef
	for _, rt := range n.RouteTables[1:] {
		s3Tables = append(s3Tables, rt.Addr)
	}
	n.Endpoints = []model.Endpoint{
		{Addr: "vpce/s3", VPC: vpc, Type: model.GatewayEndpoint, Service: "s3", ServiceName: "com.amazonaws.us-east-1.s3", RouteTables: s3Tables},
		{Addr: "vpce/ecr.api", VPC: vpc, Type: model.InterfaceEndpoint, Service: "ecr.api", ServiceName: "com.amazonaws.us-east-1.ecr.api", Subnets: privSubnets, SecurityGroups: []model.ResourceRef{"sg/vpce"}, PrivateDNS: true},
	}
	n.FlowLogs = []model.FlowLog{{Addr: "flowlog/main", VPC: vpc, TrafficType: "ALL", Destination: "cloud-watch-logs", LogGroup: "/moat/shop/flow-logs", RetentionDays: 30,
		Key: "flowlog/main/key", Lifecycle: model.Kept}}
	var pubSubnets []model.ResourceRef
	for _, z := range zones {
		pubSubnets = append(pubSubnets, model.JoinRef("subnet", "public", z))
	}
	n.LoadBalancers = []model.LoadBalancer{{Addr: "lb/web", VPC: vpc, Kind: model.ALB, InternetFacing: true, Subnets: pubSubnets, SecurityGroups: []model.ResourceRef{"sg/alb"}, Allowed: []netip.Prefix{pfx("0.0.0.0/0")}, DeletionProtection: true}}
	n.Services = []model.Service{{Addr: "svc/app", VPC: vpc, Name: "app", Kind: model.ECSFargate, Port: 8080, Subnets: privSubnets, SecurityGroup: "sg/app", Architecture: model.ARM64}}
	// What compile decides for prod (compile/decide.go).
	n.Keys = []model.Key{
		{Addr: "flowlog/main/key", Use: model.KeyForLogs, Purpose: "encrypts flow logs in /moat/shop/flow-logs", LogGroups: []string{"/moat/shop/flow-logs"}, Lifecycle: model.Kept},
		{Addr: "logs/key", Use: model.KeyForLogs, Purpose: "encrypts the application and access logs", LogGroups: []string{"/moat/shop/*"}, Lifecycle: model.Kept},
	}
	n.LogGroups = []model.LogGroup{{Addr: "svc/app/logs", VPC: vpc, Name: "/moat/shop/app", RetentionDays: 365, Key: "logs/key", Lifecycle: model.Kept}}
	n.LogBuckets = []model.LogBucket{{Addr: "logs/load-balancers", ExpirationDays: 30, Lifecycle: model.Kept}}
	return n
}
