package pricing

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

func mustLoad(t *testing.T, region string) *Table {
	t.Helper()
	tb, err := Load(region)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// TestTables checks every price file: it parses (positive prices, a unit,
// a source and a date for each), and it has every key us-east-1 has,
// priced or explicitly unpriced.
func TestTables(t *testing.T) {
	ref := mustLoad(t, "us-east-1")
	for _, want := range []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"} {
		if !slices.Contains(Regions(), want) {
			t.Errorf("no price table for %s", want)
		}
	}
	for _, r := range Regions() {
		tb := mustLoad(t, r)
		if tb.Region != r {
			t.Errorf("%s: region field says %q", tb.File, tb.Region)
		}
		for _, k := range ref.Keys() {
			if _, ok := tb.Prices[k]; !ok {
				t.Errorf("%s: missing %s (price it, or mark it unpriced with the reason)", tb.File, k)
			}
		}
		for _, k := range tb.Keys() {
			p := tb.Prices[k]
			if !p.Priced() && len(p.Unpriced) < 20 {
				t.Errorf("%s: %s: unpriced needs a reason a reader can act on", tb.File, k)
			}
			if p.Priced() && !strings.HasPrefix(p.Read, "2026-") {
				t.Errorf("%s: %s: read date %q", tb.File, k, p.Read)
			}
		}
	}
	// us-east-1 is complete but for what could not be confirmed.
	for _, k := range ref.Keys() {
		if p := ref.Prices[k]; !p.Priced() && !strings.Contains(p.Unpriced, "could not be confirmed") && !strings.Contains(p.Unpriced, "conflict") {
			t.Errorf("us-east-1 %s unpriced without saying why: %q", k, p.Unpriced)
		}
	}
}

func TestParseTableRejects(t *testing.T) {
	for name, src := range map[string]string{
		"zero":      "region: x\nprices:\n  a: {price: \"0\", unit: hour, source: s, read: \"2026-01-01\"}\n",
		"no source": "region: x\nprices:\n  a: {price: \"1\", unit: hour, read: \"2026-01-01\"}\n",
		"two kinds": "region: x\nprices:\n  a: {price: \"1\", unpriced: because, unit: hour, source: s, read: d}\n",
		"negative":  "region: x\nprices:\n  a: {price: \"-1\", unit: hour, source: s, read: d}\n",
		"float":     "region: x\nprices:\n  a: {price: \"1e3\", unit: hour, source: s, read: d}\n",
	} {
		_, d := parseTable("t.yaml", []byte(src))
		if len(d) != 1 || d[0].Range.String() != "t.yaml:3:3" || !strings.HasPrefix(d[0].Summary, "a: ") {
			t.Errorf("%s: diagnostics %v, want one at the key a (t.yaml:3:3)", name, d)
		}
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		q    Qty
		r    Rate
		want string
	}{
		{Units(730), 45_000, "32.85"},                 // 730 h x $0.045
		{Units(730), 4_200, "3.07"},                   // 730 x 0.0042 = 3.066 -> 3.07
		{Units(1460), 5_000, "7.30"},                  // 2 IPs x 730 h x $0.005
		{365_000_000, 40_480, "14.78"},                // 365 vCPU-h x 0.04048 = 14.7752
		{Units(730), 4_445, "3.24"},                   // 730 GB-h x 0.004445 = 3.244850
		{33_333_333, 45_000, "1.50"},                  // 33.333333 GB x 0.045 = 1.4999999
		{Units(1_000_000_000), 90_000, "90000000.00"}, // no overflow
	} {
		got, ok := cost(c.q, c.r)
		if !ok || got.Dollars() != c.want {
			t.Errorf("cost(%v, %v) = %s, %v; want %s", c.q, c.r, got.Dollars(), ok, c.want)
		}
	}
	if v, err := parseFixed("0.004445"); err != nil || v != 4445 {
		t.Errorf("parseFixed = %d, %v", v, err)
	}
	for _, bad := range []string{"", "-1", "1.", ".5", "1e3", "0.0000001", "abc", "1234567890123"} {
		if _, err := parseFixed(bad); err == nil {
			t.Errorf("parseFixed(%q) accepted", bad)
		}
	}
}

// find returns the monthly dollars of the line for res whose item
// starts with item.
func find(t *testing.T, r *Report, res model.ResourceRef, item string) Line {
	t.Helper()
	for _, l := range r.Lines {
		if l.Resource == res && strings.HasPrefix(l.Item, item) {
			return l
		}
	}
	t.Fatalf("no line %s %q in %+v", res, item, r.Lines)
	return Line{}
}

// twoZones is a small hand-built network: two zones, a private subnet in
// each, both routed to the NAT in zone a.
func twoZones(natTarget model.TargetKind, target model.ResourceRef) *model.Network {
	def := netip.MustParsePrefix("0.0.0.0/0")
	return &model.Network{
		Name: "t", Region: "us-east-1",
		Zones:            []model.Zone{{ID: "a"}, {ID: "b"}},
		InternetGateways: []model.InternetGateway{{Addr: "igw/main"}},
		Subnets: []model.Subnet{
			{Addr: "subnet/public/a", Tier: model.Public, ZoneID: "a"},
			{Addr: "subnet/private/a", Tier: model.Private, ZoneID: "a", RouteTable: "rtb/private"},
			{Addr: "subnet/private/b", Tier: model.Private, ZoneID: "b", RouteTable: "rtb/private"},
		},
		RouteTables: []model.RouteTable{{Addr: "rtb/private", Routes: []model.Route{{Dest: def, TargetKind: natTarget, Target: target}}}},
	}
}

// TestEstimateLines checks each priced resource against figures worked
// out by hand (us-east-1 prices, 730-hour month).
func TestEstimateLines(t *testing.T) {
	us := mustLoad(t, "us-east-1")
	u := DefaultUsage() // nat_gb 100, internet_out_gb 50, cross_zone_gb 20, LCU 1, ...

	gw := twoZones(model.TargetNATGateway, "natgw/a")
	gw.NATGateways = []model.NATGateway{{Addr: "natgw/a", Subnet: "subnet/public/a", PublicIPs: 1}}
	regional := twoZones(model.TargetNATGateway, "natgw/regional")
	regional.NATGateways = []model.NATGateway{{Addr: "natgw/regional", Regional: true, Zones: []string{"a", "b", "c"}, PublicIPs: 3}}
	automatic := twoZones(model.TargetNATGateway, "natgw/regional")
	automatic.NATGateways = []model.NATGateway{{Addr: "natgw/regional", Regional: true, PublicIPs: 2}}
	ni := twoZones(model.TargetENI, "eni/nat/a")
	ni.NATInstances = []model.NATInstance{{Addr: "nat/a", Subnet: "subnet/public/a", ENI: "eni/nat/a", InstanceType: "t4g.nano"}}
	lbs := &model.Network{Region: "us-east-1", Zones: []model.Zone{{ID: "a"}},
		LoadBalancers: []model.LoadBalancer{
			{Addr: "alb", Kind: model.ALB, InternetFacing: true, Subnets: []model.ResourceRef{"s1", "s2", "s3"}},
			{Addr: "nlb", Kind: model.NLB},
			{Addr: "api", Kind: model.APIGateway, InternetFacing: true},
		}}
	eps := &model.Network{Region: "us-east-1",
		Endpoints: []model.Endpoint{
			{Addr: "vpce/s3", Type: model.GatewayEndpoint, Service: "s3"},
			{Addr: "vpce/logs", Type: model.InterfaceEndpoint, Service: "logs", Subnets: []model.ResourceRef{"a", "b", "c"}},
			{Addr: "vpce/ecr", Type: model.InterfaceEndpoint, Service: "ecr.api", Subnets: []model.ResourceRef{"a", "b"}},
		},
		TransitGateways: []model.TransitGateway{{Addr: "tgw"}},
		TGWAttachments:  []model.TGWAttachment{{Addr: "tgw-att/a", Kind: model.TGWAttachVPC}, {Addr: "tgw-att/b", Kind: model.TGWAttachVPC}},
		Firewalls:       []model.Firewall{{Addr: "fw", Subnets: []model.ResourceRef{"a", "b"}}},
		FlowLogs:        []model.FlowLog{{Addr: "flowlog/vpc", Destination: "cloud-watch-logs"}},
	}
	work := &model.Network{Region: "us-east-1",
		Services:  []model.Service{{Addr: "svc", Kind: model.ECSFargate}, {Addr: "ec2svc", Kind: model.ECSEC2}},
		Databases: []model.Database{{Addr: "db", Engine: "postgres", MultiAZ: true}, {Addr: "db1", Engine: "postgres"}},
	}
	// A network moat designed, with the keys and secret compile decided:
	// an EKS service with its own node type, a database with its own
	// class, a CDN with a WAF.
	designed := &model.Network{Region: "us-east-1", Environment: model.Prod,
		Services: []model.Service{{Addr: "eks", Kind: model.EKS, InstanceType: "t4g.medium", SecretsKey: "eks/secrets-key"}},
		Databases: []model.Database{{Addr: "db", Engine: "postgres", InstanceClass: "db.t4g.micro", ManagedPassword: true},
			{Addr: "db2", Engine: "mysql", InstanceClass: "db.t4g.medium", ManagedPassword: true}},
		FlowLogs: []model.FlowLog{{Addr: "flowlog/vpc", Destination: "cloud-watch-logs", Key: "flowlog/vpc/key"}},
		CDNs:     []model.CDN{{Addr: "cdn"}},
		WebACLs:  []model.WebACL{{Addr: "waf", ManagedRuleGroups: []string{"a", "b", "c"}, RateLimit: 2000}},
		Keys: []model.Key{{Addr: "eks/secrets-key", Use: model.KeyForSecrets}, {Addr: "flowlog/vpc/key", Use: model.KeyForLogs},
			{Addr: "logs/key", Use: model.KeyForLogs}},
		LogGroups: []model.LogGroup{{Addr: "waf/logs", Key: "logs/key"}},
	}
	fargate := &model.Network{Region: "us-east-1", Environment: model.Dev,
		Services:  []model.Service{{Addr: "svc", Kind: model.ECSFargate}},
		Keys:      []model.Key{{Addr: "logs/key", Use: model.KeyForLogs}},
		LogGroups: []model.LogGroup{{Addr: "svc/logs", Key: "logs/key"}}}
	overDB := u
	overDB.DBInstanceClass = "db.t4g.micro"
	overDB.EC2InstanceType = "t4g.nano"
	setClass := u
	setClass.DBInstanceClass = "db.m7g.large" // set by the user: wins over the design's class
	cdnBig := u
	cdnBig.InternetOutGB = Units(1500) // 1,024 free, 476 beyond
	big := u
	big.InternetOutGB = Units(20_000) // 100 free, 10,240 at 0.09, 9,660 at 0.085
	big.EFSGB = Units(50)

	for _, c := range []struct {
		name string
		n    *model.Network
		u    Usage
		res  model.ResourceRef
		item string
		want string // dollars, or "unpriced"
	}{
		{"NAT gateway hours: 730 x 0.045", gw, u, "natgw/a", "NAT gateway hours", "32.85"},
		{"NAT gateway GB: 100 x 0.045", gw, u, "natgw/a", "NAT gateway data", "4.50"},
		{"NAT gateway IPv4: 730 x 0.005", gw, u, "natgw/a", "public IPv4", "3.65"},
		{"shared NAT: zone b's 50 GB crosses, x2 directions x 0.01", gw, u, "data-transfer/cross-zone-nat", "traffic to a NAT", "1.00"},
		{"app cross-zone: 20 GB x 2 x 0.01", gw, u, "data-transfer/cross-zone", "application", "0.40"},
		{"internet out: 50 GB is inside the free 100", gw, u, "data-transfer/internet", "data out", "0.00"},
		{"internet tier 1: 10,240 x 0.09", gw, big, "data-transfer/internet", "data out to the internet, first", "921.60"},
		{"internet tier 2: (20,000-100-10,240) x 0.085", gw, big, "data-transfer/internet", "data out to the internet, next 40", "821.10"},
		{"regional NAT: 3 configured zones x 730 x 0.045 = 98.55", regional, u, "natgw/regional", "regional NAT gateway hours", "98.55"},
		{"regional NAT GB: 100 x 0.045", regional, u, "natgw/regional", "regional NAT gateway data", "4.50"},
		{"regional NAT IPv4: 3 x 730 x 0.005", regional, u, "natgw/regional", "public IPv4", "10.95"},
		{"regional NAT, automatic: the VPC's 2 zones x 730 x 0.045 = 65.70", automatic, u, "natgw/regional", "regional NAT gateway hours", "65.70"},
		{"NAT instance: 730 x 0.0042 = 3.066", ni, u, "nat/a", "t4g.nano NAT instance hours", "3.07"},
		{"NAT instance volume: 8 x 0.08", ni, u, "nat/a", "gp3 root volume", "0.64"},
		{"NAT instance IPv4: 2 x 730 x 0.005", ni, u, "nat/a", "public IPv4", "7.30"},
		{"ALB hours: 730 x 0.0225 = 16.425", lbs, u, "alb", "ALB hours", "16.43"},
		{"ALB LCU: 1 x 730 x 0.008", lbs, u, "alb", "ALB capacity", "5.84"},
		{"ALB IPv4: 3 zones x 730 x 0.005", lbs, u, "alb", "public IPv4", "10.95"},
		{"NLB hours: 730 x 0.0225", lbs, u, "nlb", "NLB hours", "16.43"},
		{"NLB NLCU: 730 x 0.006", lbs, u, "nlb", "NLB capacity", "4.38"},
		{"HTTP API: 1M x $1.00", lbs, u, "api", "HTTP API requests", "1.00"},
		{"HTTP VPC link: free (AWS's API Gateway pricing page)", lbs, u, "api", "HTTP API VPC link", "0.00"},
		{"gateway endpoint: free", eps, u, "vpce/s3", "gateway endpoint", "0.00"},
		{"interface endpoint: 3 zones x 730 x 0.01", eps, u, "vpce/logs", "interface endpoint for logs", "21.90"},
		{"interface endpoint GB: 10/2 x 0.01", eps, u, "vpce/logs", "interface endpoint data", "0.05"},
		{"TGW attachment: 730 x 0.05", eps, u, "tgw-att/a", "Transit Gateway", "36.50"},
		{"TGW GB: 10 x 0.02", eps, u, "tgw", "Transit Gateway data", "0.20"},
		{"firewall: 2 endpoints x 730 x 0.395", eps, u, "fw", "Network Firewall endpoints", "576.70"},
		{"firewall GB: 10 x 0.065", eps, u, "fw", "Network Firewall data", "0.65"},
		{"flow logs: 5 GB x 0.50", eps, u, "flowlog/vpc", "flow-log", "2.50"},
		{"Fargate vCPU: 2 x 0.25 x 730 x 0.04048 = 14.7752", work, u, "svc", "Fargate vCPU", "14.78"},
		{"Fargate memory: 2 x 0.5 x 730 x 0.004445 = 3.24485", work, u, "svc", "Fargate memory", "3.24"},
		{"EC2 t4g.small: 2 x 730 x 0.0168 = 24.528", work, u, "ec2svc", "t4g.small", "24.53"},
		{"RDS Multi-AZ: 2 x 730 x 0.016", work, u, "db", "RDS postgres", "23.36"},
		{"RDS Multi-AZ storage: 2 x 20 x 0.115", work, u, "db", "RDS gp3", "4.60"},
		{"RDS Single-AZ: 730 x 0.016 = 11.68", work, u, "db1", "RDS postgres", "11.68"},
		{"EFS: 50 x 0.30", work, big, "efs", "EFS", "15.00"},
		{"EKS cluster: 730 x 0.10", designed, u, "eks", "EKS cluster hours", "73.00"},
		{"EKS nodes: the design's t4g.medium, 2 x 730 x 0.0336 = 49.056", designed, u, "eks", "t4g.medium instance hours", "49.06"},
		{"EKS nodes: a usage file's type wins: 2 x 730 x 0.0042 = 6.132", designed, overDB, "eks", "t4g.nano instance hours", "6.13"},
		{"EKS secrets key: 1 x $1.00", designed, u, "eks/secrets-key", "KMS key", "1.00"},
		{"flow-log key: 1 x $1.00", designed, u, "flowlog/vpc/key", "KMS key", "1.00"},
		{"app logs key: a WAF logs to the stack's key, 1 x $1.00", designed, u, "logs/key", "KMS key", "1.00"},
		{"app logs key for a Fargate service", fargate, u, "logs/key", "KMS key", "1.00"},
		{"master password secret: 1 x $0.40", designed, u, "db/master-secret", "Secrets Manager", "0.40"},
		{"RDS: the design's class db.t4g.micro, Single-AZ 730 x 0.016", designed, u, "db", "RDS postgres db.t4g.micro", "11.68"},
		{"RDS: the design's db.t4g.medium, Single-AZ 730 x 0.065 = 47.45", designed, u, "db2", "RDS mysql db.t4g.medium", "47.45"},
		{"RDS: a usage file's class wins over the design's", designed, setClass, "db", "RDS postgres db.m7g.large", "unpriced"},
		{"CloudFront: 50 GB inside the free 1 TB", designed, u, "cdn", "CloudFront data out, free", "0.00"},
		{"CloudFront: 1,500 GB, 476 beyond the free 1,024 x 0.085 = 40.46", designed, cdnBig, "cdn", "CloudFront data out, first", "40.46"},
		{"CloudFront: 20,000 GB, the first 10 TB after the free 1 TB: 10,240 x 0.085", designed, big, "cdn", "CloudFront data out, first", "870.40"},
		{"CloudFront: then (20,000-1,024-10,240) x 0.080 = 698.88", designed, big, "cdn", "CloudFront data out, next 40", "698.88"},
		{"WAF web ACL: 1 x $5.00 a month", designed, u, "waf", "WAF web ACL", "5.00"},
		{"WAF rules: 3 managed groups + the rate rule = 4 x $1.00", designed, u, "waf", "WAF rules (4)", "4.00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := find(t, Estimate(c.n, us, c.u), c.res, c.item)
			got := l.Monthly.Dollars()
			if l.Unpriced {
				got = "unpriced"
			}
			if got != c.want {
				t.Errorf("%s %q = %s, want %s (%+v)", c.res, c.item, got, c.want, l)
			}
		})
	}
}

// TestEstimateAnyNetwork: no region, no environment, unknown types, nil
// network: never a panic, never a silent zero.
func TestEstimateAnyNetwork(t *testing.T) {
	n := &model.Network{
		NATInstances: []model.NATInstance{{Addr: "nat/x", InstanceType: "z9.huge"}},
		ENIs:         []model.ENI{{Addr: "eni/x", HasPublicIP: true}},
	}
	for _, tb := range []*Table{nil, mustLoad(t, "us-east-1")} {
		r := Estimate(n, tb, DefaultUsage())
		l := find(t, r, "nat/x", "z9.huge")
		if !l.Unpriced || l.Reason == "" {
			t.Errorf("unknown type priced: %+v", l)
		}
		find(t, r, "eni/x", "public IPv4")
	}
	if r := Estimate(nil, nil, Usage{}); r.Total != 0 || len(r.Lines) != 0 {
		t.Errorf("nil network: %+v", r)
	}
	// A Report's total is the sum of its priced, rounded lines.
	r := Estimate(twoZones(model.TargetLocal, ""), mustLoad(t, "us-east-1"), DefaultUsage())
	var sum Money
	for _, l := range r.Lines {
		if !l.Unpriced {
			sum += l.Monthly
		}
	}
	if sum != r.Total {
		t.Errorf("total %s != sum %s", r.Total, sum)
	}
}

// TestImportedHasNoTemplateExtras: keys and secrets are priced from the
// model's Keys and Database.ManagedPassword, which only compile records,
// so an import gets none.
func TestImportedHasNoTemplateExtras(t *testing.T) {
	n := &model.Network{Region: "us-east-1", FlowLogs: []model.FlowLog{{Addr: "flowlog/vpc"}},
		Databases: []model.Database{{Addr: "db", Engine: "postgres"}}}
	for _, l := range Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage()).Lines {
		if l.PriceKey == "kms_key_month" || l.PriceKey == "secrets_manager_secret_month" {
			t.Errorf("imported network priced %s for %s", l.PriceKey, l.Resource)
		}
	}
}

func TestParseUsage(t *testing.T) {
	u, d := ParseUsage("u.yaml", []byte("nat_gb: 2000\nfargate_vcpu: 0.5\napi_type: rest\n"), DefaultUsage())
	if len(d) != 0 || u.NATGB != Units(2000) || u.FargateVCPU != 500_000 || u.APIType != "rest" {
		t.Errorf("got %+v %v", u, d)
	}
	for src, want := range map[string]string{
		"nat_gbs: 1\n":               "u.yaml:1:1: error: unknown usage key",
		"nat_gb: lots\n":             "u.yaml:1:9: error: nat_gb:",
		"nat_gb: 1\nnat_gb: 2\n":     "u.yaml:2:1: error: usage key nat_gb is set twice",
		"- a\n":                      "must be a mapping",
		"nat_gb: [1]\n":              "needs a single value",
		"nat_gb: 99999999999999\n":   "too large",
		"ec2_instance_type: big!\n":  "is not an instance type",
		"nat_gb: 1\n  bad: [\n":      "invalid YAML",
		"db_instance_class: t4g.x\n": "is not an RDS class",
	} {
		_, d := ParseUsage("u.yaml", []byte(src), DefaultUsage())
		if !d.HasErrors() || !strings.Contains(d[0].Range.String()+": error: "+d[0].Summary, strings.TrimPrefix(want, "")) && !strings.Contains(d[0].Summary, want) {
			t.Errorf("%q: got %v, want %q", src, d, want)
		}
	}
	if _, d := ParseUsage("u.yaml", nil, DefaultUsage()); len(d) != 0 {
		t.Errorf("empty file: %v", d)
	}
}

func FuzzParseUsage(f *testing.F) {
	f.Add([]byte("nat_gb: 100\napi_type: http\n"))
	f.Add([]byte("{a: [b, *c]}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		u, d := ParseUsage("f.yaml", src, DefaultUsage())
		if !d.HasErrors() {
			Estimate(&model.Network{Region: "us-east-1"}, nil, u)
		}
	})
}

func TestCompare(t *testing.T) {
	us := mustLoad(t, "us-east-1")
	gw := twoZones(model.TargetNATGateway, "natgw/a")
	gw.NATGateways = []model.NATGateway{{Addr: "natgw/a", Subnet: "subnet/public/a", PublicIPs: 1}}
	none := twoZones(model.TargetLocal, "")
	c := Compare([]Option{{NATOption: model.NATOption{Name: "gw", Baseline: true}, Network: gw}, {NATOption: model.NATOption{Name: "none"}, Network: none}, {NATOption: model.NATOption{Name: "broken"}}}, us, DefaultUsage())
	// gw total: 32.85 + 4.50 + 3.65 + 1.00 (cross-zone NAT) + 0.40 + 0 = 42.40; none: 0.40.
	if c.Rows[0].Total.Dollars() != "42.40" || c.Rows[0].NAT.Dollars() != "42.00" {
		t.Errorf("baseline %+v", c.Rows[0])
	}
	if c.Rows[1].Saving.Dollars() != "42.00" || c.Rows[1].SavingPct != 99.1 { // 42.00 / 42.40 = 99.06%
		t.Errorf("none %+v", c.Rows[1])
	}
	if c.Rows[2].Error == "" {
		t.Error("an option without a network has no error")
	}
}

// TestFirewallNATWaiver: AWS waives NAT gateway hours and GB one for one
// against Network Firewall endpoint hours and GB in the same account.
func TestFirewallNATWaiver(t *testing.T) {
	us := mustLoad(t, "us-east-1")
	u := DefaultUsage() // nat_gb 100, firewall_gb 10
	build := func(fwAccount string, regional bool) *model.Network {
		return &model.Network{Region: "us-east-1",
			VPCs: []model.VPC{{Addr: "vpc/egress", Account: "111"}, {Addr: "vpc/other", Account: fwAccount}},
			NATGateways: []model.NATGateway{
				{Addr: "natgw/a", VPC: "vpc/egress", PublicIPs: 1, Regional: regional},
				{Addr: "natgw/b", VPC: "vpc/egress", PublicIPs: 1, Regional: regional},
			},
			Firewalls: []model.Firewall{{Addr: "fw", VPC: "vpc/other", Subnets: []model.ResourceRef{"s1"}}},
		}
	}
	credit := func(r *Report) (hours, gb string) {
		for _, l := range r.Lines {
			if l.PriceKey != waiverKey {
				continue
			}
			if strings.Contains(l.Item, "hours") {
				hours = signed(l.Monthly)
			} else {
				gb = signed(l.Monthly)
			}
		}
		return hours, gb
	}
	for _, c := range []struct {
		name      string
		n         *model.Network
		hours, gb string
	}{
		{"same account: min(1,460 NAT h, 730 endpoint h) x 0.045 = 32.85; min(100, 10) GB x 0.045", build("111", false), "-32.85", "-0.45"},
		{"the firewall in another account waives nothing", build("222", false), "", ""},
		{"regional gateways are not credited", build("111", true), "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, g := credit(Estimate(c.n, us, u))
			if h != c.hours || g != c.gb {
				t.Errorf("credits %q, %q; want %q, %q", h, g, c.hours, c.gb)
			}
		})
	}
}

// TestRDSMultiAZRate: a Multi-AZ database is billed at the table's
// Multi-AZ rate when it has one (AWS's is not always twice the Single-AZ
// rate: db.t4g.medium MySQL lists 0.065 and 0.129 in us-east-1), else at
// the Single-AZ rate for the primary and the standby; storage is billed
// for both copies either way.
func TestRDSMultiAZRate(t *testing.T) {
	const head = "region: x\nprices:\n" +
		"  rds/mysql/db.t4g.medium: {price: \"0.065\", unit: instance-hour, source: s, read: \"2026-12-03\"}\n" +
		"  rds_gp3_gb_month: {price: \"0.115\", unit: GB-month, source: s, read: \"2026-12-03\"}\n"
	n := &model.Network{Region: "x", Databases: []model.Database{{Addr: "db", Engine: "mysql", InstanceClass: "db.t4g.medium", MultiAZ: true}}}
	for _, c := range []struct {
		name, table, key, instance, storage string
	}{
		{"the Multi-AZ rate: 730 x 0.129 = 94.17", head + "  rds/mysql/db.t4g.medium/multi-az: {price: \"0.129\", unit: instance-hour, source: s, read: \"2026-12-03\"}\n",
			"rds/mysql/db.t4g.medium/multi-az", "94.17", "4.60"},
		{"no Multi-AZ rate: 2 x 730 x 0.065 = 94.90", head, "rds/mysql/db.t4g.medium", "94.90", "4.60"},
		{"an unpriced Multi-AZ rate falls back too", head + "  rds/mysql/db.t4g.medium/multi-az: {unpriced: 'no Multi-AZ row was read for this class'}\n",
			"rds/mysql/db.t4g.medium", "94.90", "4.60"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := mustTable(t, "x.yaml", []byte(c.table))
			r := Estimate(n, tb, DefaultUsage())
			var got []string
			for _, l := range r.Lines {
				got = append(got, l.PriceKey+" "+l.Monthly.String())
			}
			want := []string{c.key + " $" + c.instance, "rds_gp3_gb_month $" + c.storage}
			if !slices.Equal(got, want) {
				t.Errorf("lines %v, want %v", got, want)
			}
		})
	}
}

// mustTable parses a price table a test wrote, failing the test on any
// problem.
func mustTable(t *testing.T, file string, src []byte) *Table {
	t.Helper()
	tb, d := parseTable(file, src)
	if d != nil {
		t.Fatal(d)
	}
	return tb
}
