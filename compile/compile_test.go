package compile

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

func TestCompileWebapp(t *testing.T) {
	n, d := Compile(webapp())
	if len(d) > 0 {
		t.Fatalf("diagnostics: %v", d)
	}
	if n.Name != "webapp" || n.Region != "us-east-1" || n.Environment != model.Prod {
		t.Errorf("header = %q %q %q", n.Name, n.Region, n.Environment)
	}
	if diff := cmp.Diff([]model.Zone{{ID: "use1-az1"}, {ID: "use1-az2"}, {ID: "use1-az4"}}, n.Zones); diff != "" {
		t.Errorf("zones (-want +got):\n%s", diff)
	}
	var got []string
	for _, s := range n.Subnets {
		got = append(got, string(s.Addr)+" "+s.CIDR.String()+" "+string(s.RouteTable)+" "+string(s.NACL))
		if s.MapPublicIP || s.IPv6Index != -1 || s.IPv6CIDR.IsValid() || s.VPC != VPCAddr {
			t.Errorf("%s: %+v", s.Addr, s)
		}
	}
	want := []string{
		"subnet/public/use1-az1 10.0.160.0/22 rtb/public nacl/public",
		"subnet/private/use1-az1 10.0.0.0/20 rtb/private/use1-az1 nacl/private",
		"subnet/isolated/use1-az1 10.0.128.0/22 rtb/isolated nacl/isolated",
		"subnet/public/use1-az2 10.0.164.0/22 rtb/public nacl/public",
		"subnet/private/use1-az2 10.0.16.0/20 rtb/private/use1-az2 nacl/private",
		"subnet/isolated/use1-az2 10.0.132.0/22 rtb/isolated nacl/isolated",
		"subnet/public/use1-az4 10.0.168.0/22 rtb/public nacl/public",
		"subnet/private/use1-az4 10.0.32.0/20 rtb/private/use1-az4 nacl/private",
		"subnet/isolated/use1-az4 10.0.136.0/22 rtb/isolated nacl/isolated",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("subnets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]model.ResourceRef{"rtb/public", "rtb/private/use1-az1", "rtb/private/use1-az2", "rtb/private/use1-az4", "rtb/isolated"},
		addrs(n.RouteTables, func(r model.RouteTable) model.ResourceRef { return r.Addr })); diff != "" {
		t.Errorf("route tables (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]model.ResourceRef{SGALB, SGService, SGDB, SGNAT}, sgAddrs(n)); diff != "" {
		t.Errorf("security groups (-want +got):\n%s", diff)
	}
	if g := group(t, n, SGService); g.Name != "webapp-service" || g.Description == "" {
		t.Errorf("sg/service name %q description %q", g.Name, g.Description)
	}
	if len(n.NATInstances) != 3 || ownedENIs(n, "nat/") != 3 || len(n.NATGateways) != 0 {
		t.Fatalf("NAT: %d instances, %d ENIs, %d gateways", len(n.NATInstances), ownedENIs(n, "nat/"), len(n.NATGateways))
	}
	wantNAT := model.NATInstance{Addr: "nat/use1-az2", VPC: VPCAddr, Subnet: "subnet/public/use1-az2", ENI: "eni/nat/use1-az2",
		InstanceType: "t4g.nano", Architecture: model.ARM64, SecurityGroup: SGNAT, Serves: []string{"use1-az2"}, Notify: ScalingEventsAddr}
	if diff := cmp.Diff(wantNAT, n.NATInstances[1]); diff != "" {
		t.Errorf("NAT instance (-want +got):\n%s", diff)
	}
	if e := n.ENIs[1]; e.SourceDestCheck || !e.HasPublicIP || e.Owner != "nat/use1-az2" || e.Subnet != "subnet/public/use1-az2" {
		t.Errorf("NAT ENI %+v", e)
	}
	wantEP := model.Endpoint{Addr: "vpce/s3", VPC: VPCAddr, Type: model.GatewayEndpoint, Service: "s3", ServiceName: "com.amazonaws.us-east-1.s3",
		RouteTables: []model.ResourceRef{"rtb/private/use1-az1", "rtb/private/use1-az2", "rtb/private/use1-az4", "rtb/isolated"}}
	if diff := cmp.Diff(wantEP, n.Endpoints[0]); diff != "" {
		t.Errorf("s3 endpoint (-want +got):\n%s", diff)
	}
	wantLog := []model.FlowLog{{Addr: FlowLogAddr, VPC: VPCAddr, TrafficType: "ALL", Destination: "cloud-watch-logs", LogGroup: "/moat/webapp/vpc-flow-logs", RetentionDays: 365,
		Key: FlowLogAddr + "/key", Lifecycle: model.Kept}}
	if diff := cmp.Diff(wantLog, n.FlowLogs); diff != "" {
		t.Errorf("flow logs (-want +got):\n%s", diff)
	}
	if db := n.Databases[0]; !db.MultiAZ || db.Port != 5432 || db.SecurityGroup != SGDB || len(db.Subnets) != 3 || db.Subnets[0] != "subnet/isolated/use1-az1" {
		t.Errorf("database %+v", db)
	}
	if sv := n.Services[0]; sv.Name != "web" || sv.Port != 8080 || sv.Subnets[2] != "subnet/private/use1-az4" {
		t.Errorf("service %+v", sv)
	}
	if got := n.VPCs[0]; got.CIDR != pfx("10.0.0.0/16") || got.IPv6CIDR.IsValid() || !cmp.Equal(got.Tags, []model.Tag{{Key: "team", Value: "web"}}) {
		t.Errorf("vpc %+v", got)
	}
}

func TestRouteTables(t *testing.T) {
	n := build(t, webapp())
	pub, _ := n.RouteTable("rtb/public")
	want := []model.Route{
		{Dest: pfx("10.0.0.0/16"), TargetKind: model.TargetLocal},
		{Dest: anyV4, TargetKind: model.TargetIGW, Target: IGWAddr},
	}
	if diff := cmp.Diff(want, pub.Routes, netipOpts); diff != "" {
		t.Errorf("public routes (-want +got):\n%s", diff)
	}
	if subs := n.RouteTableSubnets(pub.Addr); len(subs) != 3 || subs[0] != "subnet/public/use1-az1" {
		t.Errorf("public subnets %v", subs)
	}
	iso, _ := n.RouteTable("rtb/isolated")
	if len(iso.Routes) != 1 || iso.Routes[0].TargetKind != model.TargetLocal {
		t.Errorf("isolated routes %v: want the local route only", iso.Routes)
	}
	for _, rt := range n.RouteTables {
		if rt.Main || rt.VPC != VPCAddr || len(n.RouteTableSubnets(rt.Addr)) == 0 {
			t.Errorf("%s: %+v", rt.Addr, rt)
		}
	}
}

func TestNATModes(t *testing.T) {
	tests := []struct {
		mode     spec.NATMode
		perZone  bool
		gateways []model.NATGateway
		targets  []string // per zone: kind target
		inst     int
	}{
		{mode: spec.NATInstance, perZone: true, inst: 3,
			targets: []string{"network-interface eni/nat/use1-az1", "network-interface eni/nat/use1-az2", "network-interface eni/nat/use1-az4"}},
		{mode: spec.NATInstance, perZone: false, inst: 1,
			targets: []string{"network-interface eni/nat/use1-az1", "network-interface eni/nat/use1-az1", "network-interface eni/nat/use1-az1"}},
		{mode: spec.NATGateway,
			gateways: []model.NATGateway{{Addr: "natgw/use1-az1", VPC: VPCAddr, Subnet: "subnet/public/use1-az1", PublicIPs: 1}},
			targets:  []string{"nat-gateway natgw/use1-az1", "nat-gateway natgw/use1-az1", "nat-gateway natgw/use1-az1"}},
		{mode: spec.NATGatewayPerZone,
			gateways: []model.NATGateway{
				{Addr: "natgw/use1-az1", VPC: VPCAddr, Subnet: "subnet/public/use1-az1", PublicIPs: 1},
				{Addr: "natgw/use1-az2", VPC: VPCAddr, Subnet: "subnet/public/use1-az2", PublicIPs: 1},
				{Addr: "natgw/use1-az4", VPC: VPCAddr, Subnet: "subnet/public/use1-az4", PublicIPs: 1},
			},
			targets: []string{"nat-gateway natgw/use1-az1", "nat-gateway natgw/use1-az2", "nat-gateway natgw/use1-az4"}},
		{mode: spec.NATRegionalGateway,
			gateways: []model.NATGateway{{Addr: "natgw/regional", VPC: VPCAddr, Regional: true, Zones: []string{"use1-az1", "use1-az2", "use1-az4"}, PublicIPs: 3}},
			targets:  []string{"nat-gateway natgw/regional", "nat-gateway natgw/regional", "nat-gateway natgw/regional"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			s := webapp()
			s.Network.NAT.Mode, s.Network.NAT.PerZone = tt.mode, tt.perZone
			n := build(t, s)
			if diff := cmp.Diff(tt.gateways, n.NATGateways); diff != "" {
				t.Errorf("gateways (-want +got):\n%s", diff)
			}
			if len(n.NATInstances) != tt.inst {
				t.Errorf("%d NAT instances, want %d", len(n.NATInstances), tt.inst)
			}
			if tt.inst == 1 && !cmp.Equal(n.NATInstances[0].Serves, []string{"use1-az1", "use1-az2", "use1-az4"}) {
				t.Errorf("shared NAT serves %v", n.NATInstances[0].Serves)
			}
			var got []string
			for _, z := range n.Zones {
				rt, ok := n.RouteTable(model.JoinRef("rtb", "private", z.ID))
				if !ok {
					t.Fatalf("no private table for %s", z.ID)
				}
				r, _ := routeTo(rt, anyV4)
				got = append(got, string(r.TargetKind)+" "+string(r.Target))
			}
			if diff := cmp.Diff(tt.targets, got); diff != "" {
				t.Errorf("private default routes (-want +got):\n%s", diff)
			}
			if (tt.mode == spec.NATInstance) != slices.Contains(sgAddrs(n), SGNAT) {
				t.Errorf("sg/nat present = %v", slices.Contains(sgAddrs(n), SGNAT))
			}
		})
	}
}

func TestNATNone(t *testing.T) {
	s := webapp()
	s.Network.NAT.Mode = spec.NATNone
	s.Network.Subnets = map[model.Tier]spec.SubnetPlan{model.Private: {Size: 24}}
	s.Network.Endpoints.Interface = []string{"ecr.api"}
	n, d := Compile(s)
	if d.HasErrors() {
		t.Fatal(d)
	}
	if want := []string{"warning: nat: none has no private tier (the app lives in the isolated subnets); subnets.private is ignored"}; !cmp.Equal(summaries(d), want) {
		t.Errorf("diagnostics %v, want %v", summaries(d), want)
	}
	if len(n.SubnetsOf(model.Private)) != 0 || len(n.NetworkACLs) != 2 || len(n.NATInstances)+len(n.NATGateways)+len(n.EgressOnlyInternetGateways) != 0 {
		t.Errorf("nat none still has a private tier or NAT")
	}
	iso := n.SubnetsOf(model.Isolated)
	if len(iso) != 3 || iso[0].CIDR != pfx("10.0.0.0/20") {
		t.Errorf("isolated subnets should take the app's size: %v", iso)
	}
	if n.Services[0].Subnets[0] != "subnet/isolated/use1-az1" || n.Endpoints[2].Subnets[0] != "subnet/isolated/use1-az1" {
		t.Errorf("service or interface endpoint not in the isolated tier")
	}
	if diff := cmp.Diff([]model.ResourceRef{"rtb/public", "rtb/isolated"}, addrs(n.RouteTables, func(r model.RouteTable) model.ResourceRef { return r.Addr })); diff != "" {
		t.Errorf("route tables (-want +got):\n%s", diff)
	}
	// With gateway endpoints the service may still reach S3 on 443.
	sv := group(t, n, SGService)
	if len(sv.Egress) != 3 {
		t.Errorf("service egress %v", sv.Egress)
	}
	s.Network.Endpoints.Gateway = nil
	n = build(t, s)
	for _, r := range group(t, n, SGService).Egress {
		if r.Peer.Kind == model.PeerCIDR {
			t.Errorf("service egress to %s with no NAT and no gateway endpoints", r.Peer)
		}
	}
	if got := n.Notes[0]; got.Kind != model.Advice || !strings.Contains(got.Text, "no route to the internet") {
		t.Errorf("first note %+v", got)
	}
}

func TestDevVsProd(t *testing.T) {
	prod := build(t, webapp())
	s := webapp()
	dev(s)
	d := build(t, s)
	if !prod.Databases[0].MultiAZ || d.Databases[0].MultiAZ {
		t.Error("MultiAZ should follow prod")
	}
	if len(d.NATInstances) != 1 || d.FlowLogs[0].RetentionDays != 30 {
		t.Errorf("dev: %d NAT instances, retention %d", len(d.NATInstances), d.FlowLogs[0].RetentionDays)
	}
	kinds := func(n *model.Network) []string {
		var out []string
		for _, x := range n.Notes {
			out = append(out, string(x.Kind)+" "+string(x.Resource))
		}
		return out
	}
	if diff := cmp.Diff([]string{"trade-off nat/use1-az1", "advice alb"}, kinds(prod)); diff != "" {
		t.Errorf("prod notes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"trade-off nat/use1-az1", "trade-off nat/use1-az1", "trade-off db", "advice alb"}, kinds(d)); diff != "" {
		t.Errorf("dev notes (-want +got):\n%s", diff)
	}
	if !strings.Contains(d.Notes[1].Text, "every zone loses internet access") || !strings.Contains(d.Notes[0].Text, "minutes, not seconds") {
		t.Errorf("notes: %v", d.Notes)
	}
}

func TestNotes(t *testing.T) {
	s := webapp()
	dev(s)
	s.Network.NAT.Mode = spec.NATGateway
	s.Network.Zones = spec.Zones{Count: 1, IDs: []string{"use1-az2"}}
	s.Database = nil
	s.Network.FlowLogs.Enabled = false
	s.Bastion = &spec.Bastion{Mode: model.BastionSSH, AllowFrom: pfxs("198.51.100.7/32")}
	n := build(t, s)
	var got []string
	for _, x := range n.Notes {
		got = append(got, string(x.Kind)+" "+string(x.Resource)+": "+x.Text)
	}
	want := []string{
		"trade-off vpc/main: Everything runs in one zone (use1-az2): if it fails, the whole stack is down.",
		"trade-off vpc/main: Flow logs are off: there is no record of traffic to investigate an incident with.",
		"advice bastion: The bastion accepts SSH on tcp/22. Prefer mode: ssm: Session Manager needs no open port and logs every session.",
		"advice alb: moat requests certificates with DNS validation but has no hosted_zone: the stack waits until you add the validation CNAME records that ACM shows.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestIPv6(t *testing.T) {
	s := webapp()
	s.Network.IPv6 = true
	s.FrontEnd.AllowFrom = pfxs("0.0.0.0/0", "::/0")
	n := build(t, s)
	if v := n.VPCs[0]; v.IPv6CIDR != pfx("2001:db8::/56") || !v.IPv6Symbolic {
		t.Errorf("vpc %+v", v)
	}
	var got []string
	for _, sn := range n.Subnets {
		got = append(got, sn.IPv6CIDR.String())
	}
	want := []string{
		"2001:db8::/64", "2001:db8:0:8::/64", "2001:db8:0:10::/64",
		"2001:db8:0:1::/64", "2001:db8:0:9::/64", "2001:db8:0:11::/64",
		"2001:db8:0:2::/64", "2001:db8:0:a::/64", "2001:db8:0:12::/64",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IPv6 subnets (-want +got):\n%s", diff)
	}
	if sn, _ := n.Subnet("subnet/isolated/use1-az4"); sn.IPv6Index != 18 {
		t.Errorf("IPv6Index %d, want 18", sn.IPv6Index)
	}
	if len(n.EgressOnlyInternetGateways) != 1 {
		t.Error("no egress-only gateway")
	}
	pub, _ := n.RouteTable("rtb/public")
	if r, ok := routeTo(pub, anyV6); !ok || r.Target != IGWAddr {
		t.Errorf("public ::/0 = %+v", r)
	}
	if r, ok := routeTo(pub, pfx("2001:db8::/56")); !ok || r.TargetKind != model.TargetLocal {
		t.Errorf("no IPv6 local route")
	}
	priv, _ := n.RouteTable("rtb/private/use1-az2")
	if r, ok := routeTo(priv, anyV6); !ok || r.TargetKind != model.TargetEIGW || r.Target != EIGWAddr {
		t.Errorf("private ::/0 = %+v", r)
	}
	iso, _ := n.RouteTable("rtb/isolated")
	if _, ok := routeTo(iso, anyV6); ok {
		t.Error("isolated has a ::/0 route")
	}
	acl, _ := n.NetworkACL("nacl/private")
	var v6 int
	for _, e := range acl.Entries {
		if e.CIDR.Addr().Is6() {
			v6++
		}
	}
	if v6 != 5 { // VPC, the service-port deny, tcp and udp return traffic in; all out
		t.Errorf("%d IPv6 entries in nacl/private, want 5: %v", v6, acl.Entries)
	}
	// The public ALB is dual-stack; its interfaces and the service's get
	// stand-in IPv6 addresses at the IPv4 host offset, the database's
	// none.
	if lb := n.LoadBalancers[0]; !lb.DualStack {
		t.Errorf("%s is not dual-stack", lb.Addr)
	}
	for a, want := range map[model.ResourceRef]string{
		"eni/alb/use1-az1":     "2001:db8::a",
		"eni/service/use1-az2": "2001:db8:0:9::a",
		"eni/db/use1-az4":      "",
	} {
		e, ok := n.ENI(a)
		if !ok {
			t.Errorf("no %s", a)
			continue
		}
		var got string
		if len(e.IPv6) > 0 {
			got = e.IPv6[0].String()
		}
		if got != want || e.PrivateIP.As4()[3] != 10 {
			t.Errorf("%s: IPv6 %q beside %s, want %q", a, got, e.PrivateIP, want)
		}
	}
	// A NAT instance's fixed interface has its addresses only at deploy
	// time; its dual-stack subnet gives it an IPv6 one too (::4, below
	// the workloads' ::a), and the subnet says so.
	if e, _ := n.ENI("eni/nat/use1-az1"); len(e.IPv6) != 1 || e.IPv6[0].String() != "2001:db8::4" || e.PrivateIP.IsValid() {
		t.Errorf("eni/nat/use1-az1: IPv6 %v, private %s", e.IPv6, e.PrivateIP)
	}
	if sn, _ := n.Subnet("subnet/public/use1-az1"); !sn.AssignIPv6 {
		t.Error("a dual-stack subnet does not assign IPv6 on creation")
	}
	if v4 := build(t, webapp()); v4.LoadBalancers[0].DualStack {
		t.Error("an IPv4 design's load balancer is dual-stack")
	}
	// Without NAT there is no egress-only gateway.
	s.Network.NAT.Mode = spec.NATNone
	if n := build(t, s); len(n.EgressOnlyInternetGateways) != 0 {
		t.Error("egress-only gateway without NAT")
	}
}

func TestBastion(t *testing.T) {
	tests := []struct {
		name   string
		b      *spec.Bastion
		nat    spec.NATMode
		subnet model.ResourceRef
		public bool
		ingr   int
	}{
		{"ssh", &spec.Bastion{Mode: model.BastionSSH, AllowFrom: pfxs("203.0.113.0/24", "198.51.100.0/24")}, spec.NATInstance, "subnet/public/use1-az1", true, 2},
		{"ssm", &spec.Bastion{Mode: model.BastionSSM}, spec.NATInstance, "subnet/private/use1-az1", false, 0},
		{"ssm without nat", &spec.Bastion{Mode: model.BastionSSM}, spec.NATNone, "subnet/public/use1-az1", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := webapp()
			s.Bastion, s.Network.NAT.Mode = tt.b, tt.nat
			n := build(t, s)
			b := n.Bastions[0]
			if b.Subnet != tt.subnet || b.Mode != tt.b.Mode || b.SecurityGroup != SGBastion {
				t.Errorf("bastion %+v", b)
			}
			eni, ok := n.ENI("eni/bastion")
			if !ok || eni.HasPublicIP != tt.public || eni.Subnet != tt.subnet {
				t.Errorf("bastion ENI %+v", eni)
			}
			g := group(t, n, SGBastion)
			if len(g.Ingress) != tt.ingr {
				t.Errorf("bastion ingress %v", g.Ingress)
			}
			for _, r := range g.Ingress {
				if r.Ports != model.Port(22) || r.Protocol != model.TCP {
					t.Errorf("bastion ingress rule %+v", r)
				}
			}
			db := group(t, n, SGDB)
			if len(db.Ingress) != 2 || db.Ingress[1].Peer.Group != SGBastion {
				t.Errorf("db ingress %v", db.Ingress)
			}
		})
	}
	n := build(t, webapp())
	if len(n.Bastions) != 0 || slices.Contains(sgAddrs(n), SGBastion) {
		t.Error("bastion without a bastion section")
	}
}

func TestFrontEnds(t *testing.T) {
	tests := []struct {
		kind      spec.FrontEndKind
		facing    bool
		addr      model.ResourceRef
		subnet    model.ResourceRef
		listeners []model.Listener
	}{
		{spec.FrontEndALB, true, "alb", "subnet/public/use1-az1", []model.Listener{
			{Port: 80, Protocol: "HTTP", RedirectToHTTPS: true},
			{Port: 443, Protocol: "HTTPS", Certificates: []model.Certificate{{Domain: "app.example.com", Names: []string{"app.example.com"}}}, SSLPolicy: SSLPolicy, Hosts: []string{"app.example.com"}},
		}},
		{spec.FrontEndALB, false, "alb", "subnet/private/use1-az1", nil},
		{spec.FrontEndNLB, true, "nlb", "subnet/public/use1-az1", []model.Listener{
			{Port: 443, Protocol: "TLS", Certificates: []model.Certificate{{Domain: "app.example.com", Names: []string{"app.example.com"}}}, SSLPolicy: SSLPolicy, Hosts: []string{"app.example.com"}},
		}},
		{spec.FrontEndAPIGateway, true, "apigw", "subnet/private/use1-az1", []model.Listener{
			{Port: 443, Protocol: "HTTPS", Certificates: []model.Certificate{{Domain: "app.example.com", Names: []string{"app.example.com"}}}, SSLPolicy: APIGatewaySecurityPolicy, Hosts: []string{"app.example.com"}},
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.addr), func(t *testing.T) {
			s := webapp()
			s.FrontEnd.Kind, s.FrontEnd.InternetFacing = tt.kind, tt.facing
			if !tt.facing {
				s.FrontEnd.AllowFrom = pfxs("10.0.0.0/16")
			}
			n := build(t, s)
			lb := n.LoadBalancers[0]
			// Behind API Gateway an internal NLB forwards to the service.
			target, port := ServiceAddr, 8080
			if tt.kind == spec.FrontEndAPIGateway {
				target, port = "nlb", 443
				if in := n.LoadBalancers[1]; in.Addr != "nlb" || in.InternetFacing || in.Targets != ServiceAddr || in.TargetPort != 8080 {
					t.Errorf("internal load balancer %+v", in)
				}
			}
			if lb.Addr != tt.addr || lb.Subnets[0] != tt.subnet || len(lb.Subnets) != 3 || lb.Targets != target || lb.TargetPort != port {
				t.Errorf("load balancer %+v", lb)
			}
			if lb.SecurityGroups[0] != model.ResourceRef("sg/"+string(tt.addr)) {
				t.Errorf("load balancer groups %v", lb.SecurityGroups)
			}
			if tt.listeners != nil {
				if diff := cmp.Diff(tt.listeners, lb.Listeners); diff != "" {
					t.Errorf("listeners (-want +got):\n%s", diff)
				}
			}
		})
	}
	s := webapp()
	s.FrontEnd.Kind = spec.FrontEndNone
	n := build(t, s)
	if len(n.LoadBalancers) != 0 || len(group(t, n, SGService).Ingress) != 0 {
		t.Error("no front end: the service must have no ingress at all")
	}
}

func TestDeterministic(t *testing.T) {
	for name, s := range variants() {
		a, _ := Compile(s)
		b, _ := Compile(s)
		if diff := cmp.Diff(a, b, netipOpts, cmpopts.IgnoreUnexported(model.Network{})); diff != "" {
			t.Errorf("%s: two compiles differ:\n%s", name, diff)
		}
	}
}

func TestNoPanics(t *testing.T) {
	stacks := []*spec.Stack{
		nil,
		{},
		{Region: "us-east-1"},
		{Region: "us-east-1", Network: spec.Network{Zones: spec.Zones{Count: 2}}},
		{Region: "us-east-1", Network: spec.Network{CIDR: pfx("10.0.0.0/16"), Zones: spec.Zones{Count: 2}, NAT: spec.NAT{Mode: spec.NATNone}}},
		{Region: "mars-1", Network: spec.Network{CIDR: pfx("10.0.0.0/16"), Zones: spec.Zones{IDs: []string{"x", "x"}}, NAT: spec.NAT{Mode: "magic"}},
			FrontEnd: spec.FrontEnd{Kind: "cdn"}, Bastion: &spec.Bastion{Mode: "telnet"}},
	}
	for i, s := range stacks {
		n, d := Compile(s)
		if (n == nil) != d.HasErrors() {
			t.Errorf("stack %d: network %v with diagnostics %v", i, n != nil, d)
		}
	}
	// The smallest valid stack compiles.
	s := stacks[4]
	s.Network.FlowLogs = spec.FlowLogs{}
	s.FrontEnd.Kind = spec.FrontEndNone
	if n, d := Compile(s); n == nil {
		t.Errorf("minimal stack: %v", d)
	}
}
