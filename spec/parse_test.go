package spec

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

var cmpStack = []cmp.Option{
	cmpopts.IgnoreUnexported(Stack{}),
	cmpopts.EquateComparable(netip.Prefix{}),
}

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func mustParse(t *testing.T, src string) *Stack {
	t.Helper()
	st, ds := Parse("t.yaml", []byte(src))
	if len(ds) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", render(ds, src))
	}
	return st
}

func render(ds diag.List, src string) string {
	var b strings.Builder
	_ = diag.Render(&b, ds, diag.Sources{"t.yaml": []byte(src)})
	return b.String()
}

func TestParseFull(t *testing.T) {
	src, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := mustParse(t, string(src))
	want := &Stack{
		File:        "t.yaml",
		Name:        "shop-api",
		Region:      "eu-west-1",
		Environment: model.Dev,
		Network: Network{
			CIDR:      netip.MustParsePrefix("10.20.0.0/16"),
			Zones:     Zones{Count: 2, IDs: []string{"euw1-az1", "euw1-az3"}},
			NAT:       NAT{Mode: NATInstance, InstanceType: "t4g.micro", PerZone: true},
			IPv6:      true,
			Endpoints: Endpoints{Gateway: []string{"s3"}, Interface: []string{"ecr.api", "ecr.dkr", "logs"}},
			FlowLogs:  FlowLogs{Enabled: true, RetentionDays: 90, TrafficType: "REJECT"},
			Subnets: map[model.Tier]SubnetPlan{
				model.Public:  {CIDRs: pfx("10.20.0.0/24", "10.20.1.0/24")},
				model.Private: {Size: 20},
			},
		},
		FrontEnd: FrontEnd{
			Kind:           FrontEndNLB,
			InternetFacing: false,
			AllowFrom:      pfx("10.0.0.0/8", "fd00::/8"),
			Domains: []Domain{
				{Name: "api.example.com", Certificate: "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"},
				{Name: "*.example.com"},
				{Name: "www.example.com", SharesWith: "*.example.com"},
			},
			Edge: Edge{HostedZone: "Z0123456789ABCDEFGHIJ", AliasRecords: true},
		},
		Service:  &Service{Name: "orders", Port: 3000, Kind: model.ECSEC2, Sizing: Sizing{CPU: 512, Memory: 1024, DesiredCount: 4, InstanceType: "m7g.large", EFS: true}},
		Database: &Database{Engine: "mysql", Port: 3307, InstanceClass: "db.m7g.large", StorageGiB: 100},
		Bastion:  &Bastion{Mode: model.BastionSSH, AllowFrom: pfx("203.0.113.7/32")},
		Tags:     []model.Tag{{Key: "team", Value: "payments"}, {Key: "cost-center", Value: "1234"}},
	}
	if diff := cmp.Diff(want, got, cmpStack...); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseDefaults(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want *Stack
	}{{
		name: "minimal prod",
		src:  "stack: web\nregion: us-east-1\n",
		want: &Stack{
			File: "t.yaml", Name: "web", Region: "us-east-1", Environment: model.Prod,
			Network: Network{
				CIDR:      netip.MustParsePrefix("10.0.0.0/16"),
				Zones:     Zones{Count: 3},
				NAT:       NAT{Mode: NATInstance, InstanceType: "t4g.nano", PerZone: true},
				Endpoints: Endpoints{Gateway: []string{"s3", "dynamodb"}},
				FlowLogs:  FlowLogs{Enabled: true, RetentionDays: 365, TrafficType: "ALL"},
			},
			FrontEnd: FrontEnd{Kind: FrontEndNone, InternetFacing: true, AllowFrom: pfx("0.0.0.0/0")},
		},
	}, {
		name: "dev with a service, a database, ipv6 and an ssm bastion",
		src:  "stack: web\nregion: us-west-1\nenvironment: dev\nnetwork:\n  ipv6: true\n  endpoints:\n    gateway: []\nservice:\n  port: 80\ndatabase:\n  engine: mariadb\nbastion:\n",
		want: &Stack{
			File: "t.yaml", Name: "web", Region: "us-west-1", Environment: model.Dev,
			Network: Network{
				CIDR:     netip.MustParsePrefix("10.0.0.0/16"),
				Zones:    Zones{Count: 2}, // us-west-1 has only two AZ IDs
				NAT:      NAT{Mode: NATInstance, InstanceType: "t4g.nano", PerZone: false},
				IPv6:     true,
				FlowLogs: FlowLogs{Enabled: true, RetentionDays: 30, TrafficType: "ALL"},
			},
			FrontEnd: FrontEnd{Kind: FrontEndALB, InternetFacing: true, AllowFrom: pfx("0.0.0.0/0", "::/0")},
			Service:  &Service{Name: "app", Port: 80, Kind: model.ECSFargate, Sizing: Sizing{CPU: 256, Memory: 512, DesiredCount: 1, InstanceType: "t4g.medium"}},
			Database: &Database{Engine: "mariadb", Port: 3306, InstanceClass: "db.t4g.micro", StorageGiB: 20},
			Bastion:  &Bastion{Mode: model.BastionSSM},
		},
	}, {
		name: "internal front end, nat and flow log short forms, bastion mode from allow_from",
		src:  "stack: web\nregion: us-east-1\nnetwork:\n  cidr: 172.16.0.0/20\n  nat: gateway\n  flow_logs: {retention_days: 7}\nfrontend:\n  internet_facing: false\nservice:\n  port: 80\ndatabase:\n  engine: postgres\nbastion:\n  allow_from: [198.51.100.0/24]\n",
		want: &Stack{
			File: "t.yaml", Name: "web", Region: "us-east-1", Environment: model.Prod,
			Network: Network{
				CIDR:      netip.MustParsePrefix("172.16.0.0/20"),
				Zones:     Zones{Count: 3},
				NAT:       NAT{Mode: NATGateway, InstanceType: "t4g.nano", PerZone: true},
				Endpoints: Endpoints{Gateway: []string{"s3", "dynamodb"}},
				FlowLogs:  FlowLogs{Enabled: true, RetentionDays: 7, TrafficType: "ALL"},
			},
			FrontEnd: FrontEnd{Kind: FrontEndALB, InternetFacing: false, AllowFrom: pfx("172.16.0.0/20")},
			Service:  &Service{Name: "app", Port: 80, Kind: model.ECSFargate, Sizing: Sizing{CPU: 256, Memory: 512, DesiredCount: 3, InstanceType: "t4g.medium"}},
			Database: &Database{Engine: "postgres", Port: 5432, InstanceClass: "db.t4g.medium", StorageGiB: 20},
			Bastion:  &Bastion{Mode: model.BastionSSH, AllowFrom: pfx("198.51.100.0/24")},
		},
	}, {
		name: "flow logs off in dev",
		src:  "stack: web\nregion: us-east-1\nenvironment: dev\nnetwork:\n  flow_logs: false\n  zones: 1\n",
		want: &Stack{
			File: "t.yaml", Name: "web", Region: "us-east-1", Environment: model.Dev,
			Network: Network{
				CIDR:      netip.MustParsePrefix("10.0.0.0/16"),
				Zones:     Zones{Count: 1},
				NAT:       NAT{Mode: NATInstance, InstanceType: "t4g.nano"},
				Endpoints: Endpoints{Gateway: []string{"s3", "dynamodb"}},
				FlowLogs:  FlowLogs{Enabled: false, RetentionDays: 30, TrafficType: "ALL"},
			},
			FrontEnd: FrontEnd{Kind: FrontEndNone, InternetFacing: true, AllowFrom: pfx("0.0.0.0/0")},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.src)
			if diff := cmp.Diff(tt.want, got, cmpStack...); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWhere(t *testing.T) {
	src, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st := mustParse(t, string(src))
	r := func(l1, c1, l2, c2 int) diag.Range {
		return diag.Range{File: "t.yaml", Start: diag.Pos{Line: l1, Column: c1}, End: diag.Pos{Line: l2, Column: c2}}
	}
	tests := map[string]diag.Range{
		"stack":                             r(2, 8, 2, 16),
		"network":                           r(6, 1, 6, 8),
		"network.cidr":                      r(7, 9, 7, 21),
		"network.zones[1]":                  r(8, 21, 8, 29),
		"network.nat.instance_type":         r(9, 40, 9, 49),
		"network.subnets.public.cidrs[1]":   r(16, 36, 16, 48),
		"network.subnets.private.size":      r(17, 21, 17, 23),
		"network.subnets.private":           r(17, 5, 17, 12),
		"frontend.allow_from[1]":            r(22, 28, 22, 38), // quotes included
		"frontend.domains[0].name":          r(24, 13, 24, 28),
		"frontend.domains[1].name":          r(26, 13, 26, 28),
		"tags.cost-center":                  r(53, 16, 53, 20),
		"network.flow_logs.enabled":         r(14, 24, 14, 28),
		"network.subnets.isolated":          r(15, 3, 15, 10), // absent: falls back to network.subnets
		"network.endpoints.interface[9]":    r(13, 5, 13, 14), // absent: falls back to the list's key
		"database.port":                     r(43, 9, 43, 13),
		"service.instance_type":             r(38, 18, 38, 27),
		"frontend.hosted_zone":              r(29, 16, 29, 37),
		"no.such.section":                   {File: "t.yaml"},
		"frontend.domains[0].certificate.x": r(25, 20, 25, 103),
	}
	for path, want := range tests {
		if diff := cmp.Diff(want, st.Where(path)); diff != "" {
			t.Errorf("Where(%q) (-want +got):\n%s", path, diff)
		}
	}
}

// TestExamples keeps the shipped examples and the starter spec valid.
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.yaml")
	files = append(files, "testdata/full.yaml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, ds := Parse(f, src); len(ds) > 0 {
			t.Errorf("%s:\n%s", f, render(ds, string(src)))
		}
	}
}
