package pricing

import (
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

// TestWorkloadsPriceTheModel: every workload quantity the template
// builds is read from the model (the service's DesiredCount, Cpu and
// Memory, its architecture, the hosts' DesiredCapacity, the database's
// class and storage, the bastion's type), not from a usage default.
// Fargate bills per vCPU-hour and GB-hour of the task's size by
// architecture: https://aws.amazon.com/fargate/pricing/
func TestWorkloadsPriceTheModel(t *testing.T) {
	us := mustLoad(t, "us-east-1")
	u := DefaultUsage()
	prodWeb := &model.Network{Region: "us-east-1", Environment: model.Prod, Services: []model.Service{
		{Addr: "service", Kind: model.ECSFargate, CPU: 256, Memory: 512, DesiredCount: 3, Architecture: model.ARM64}}}
	big := &model.Network{Region: "us-east-1", Environment: model.Prod, Services: []model.Service{
		{Addr: "service", Kind: model.ECSFargate, CPU: 1024, Memory: 4096, DesiredCount: 10, Architecture: model.X86}}}
	bigARM := &model.Network{Region: "us-east-1", Environment: model.Prod, Services: []model.Service{
		{Addr: "service", Kind: model.ECSFargate, CPU: 1024, Memory: 4096, DesiredCount: 10, Architecture: model.ARM64}}}
	hosts := &model.Network{Region: "us-east-1", Environment: model.Prod, Services: []model.Service{
		{Addr: "service", Kind: model.ECSEC2, InstanceType: "t4g.medium", DesiredCount: 3}},
		Databases: []model.Database{{Addr: "db", Engine: "postgres", InstanceClass: "db.t4g.medium", StorageGiB: 100}},
		Bastions:  []model.Bastion{{Addr: "bastion", InstanceType: "t4g.micro"}}}
	whatIf := u
	whatIf.FargateTasks = Units(6)

	for _, c := range []struct {
		name string
		n    *model.Network
		u    Usage
		res  model.ResourceRef
		item string
		qty  string // the line's quantity
		want string // dollars
	}{
		{"prod webapp: 3 tasks x 0.25 vCPU x 730 h x ARM 0.03238 = 17.73", prodWeb, u, "service", "Fargate vCPU", "547.5", "17.73"},
		{"prod webapp: 3 tasks x 0.5 GB x 730 h x ARM 0.00356 = 3.90", prodWeb, u, "service", "Fargate memory", "1095", "3.90"},
		{"10 x 1 vCPU x 730 h x x86 0.04048 = 295.50", big, u, "service", "Fargate vCPU", "7300", "295.50"},
		{"10 x 4 GB x 730 h x x86 0.004445 = 129.79", big, u, "service", "Fargate memory", "29200", "129.79"},
		{"10 x 1 vCPU x 730 h x ARM 0.03238 = 236.37", bigARM, u, "service", "Fargate vCPU", "7300", "236.37"},
		{"a usage file's fargate_tasks is a what-if: 6 x 0.25 x 730 x 0.03238 = 35.46", prodWeb, whatIf, "service", "Fargate vCPU", "1095", "35.46"},
		{"ECS hosts: the group's 3 x 730 x 0.0336 = 73.58", hosts, u, "service", "t4g.medium instance hours", "2190", "73.58"},
		{"RDS storage: the template's 100 GB x 0.115", hosts, u, "db", "RDS gp3 storage", "100", "11.50"},
		{"bastion: the template's type", hosts, u, "bastion", "t4g.micro bastion hours", "730", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := find(t, Estimate(c.n, us, c.u), c.res, c.item)
			if got := l.Quantity.String(); got != c.qty {
				t.Errorf("quantity %s, want %s (%+v)", got, c.qty, l)
			}
			if c.want != "" && (l.Unpriced || l.Monthly.Dollars() != c.want) {
				t.Errorf("monthly %s (unpriced %v), want %s (%+v)", l.Monthly.Dollars(), l.Unpriced, c.want, l)
			}
		})
	}
	// $425 a month at the x86 rate, as the issue works it out.
	r := Estimate(big, us, u)
	if sum := find(t, r, "service", "Fargate vCPU").Monthly + find(t, r, "service", "Fargate memory").Monthly; sum.Dollars() != "425.29" {
		t.Errorf("10 tasks of 1 vCPU and 4 GB: %s, want 425.29", sum.Dollars())
	}
	l := find(t, Estimate(prodWeb, us, whatIf), "service", "Fargate vCPU")
	if !strings.Contains(l.Assumption, "fargate_tasks=6") || !strings.Contains(l.Assumption, "the template's is 3") {
		t.Errorf("a what-if must say it differs from the template: %q", l.Assumption)
	}
}

// TestUsageTableShowsWhatIsBilled: the usage table prints the figure the
// lines price, the design's, not a default nothing uses.
func TestUsageTableShowsWhatIsBilled(t *testing.T) {
	n := &model.Network{Region: "us-east-1", Environment: model.Prod,
		Services:  []model.Service{{Addr: "service", Kind: model.ECSFargate, CPU: 512, Memory: 1024, DesiredCount: 3, Architecture: model.ARM64}},
		Databases: []model.Database{{Addr: "db", Engine: "postgres", InstanceClass: "db.t4g.medium", StorageGiB: 20}}}
	r := Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage())
	want := map[string]string{"db_instance_class": "db.t4g.medium", "fargate_tasks": "3", "fargate_vcpu": "0.5", "fargate_memory_gb": "1", "db_storage_gb": "20"}
	for _, a := range r.Assumptions {
		if w, ok := want[a.Key]; ok {
			if a.Value != w || !a.Default {
				t.Errorf("%s = %q (default %v), want the design's %q", a.Key, a.Value, a.Default, w)
			}
			delete(want, a.Key)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing assumptions %v", want)
	}
	find(t, r, "db", "RDS postgres db.t4g.medium")
}

// TestBastionAddressOnce: the bastion's one Elastic IP, on its
// interface, is billed once. Public IPv4 pricing:
// https://aws.amazon.com/vpc/pricing/ (public IPv4 address, per hour).
func TestBastionAddressOnce(t *testing.T) {
	n := &model.Network{Region: "us-east-1", Environment: model.Prod,
		Subnets:  []model.Subnet{{Addr: "subnet/public/a", Tier: model.Public, ZoneID: "a"}},
		Bastions: []model.Bastion{{Addr: "bastion", Subnet: "subnet/public/a", InstanceType: "t4g.nano"}},
		ENIs:     []model.ENI{{Addr: "eni/bastion", Subnet: "subnet/public/a", HasPublicIP: true, Owner: "bastion"}}}
	var hours Qty
	for _, l := range Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage()).Lines {
		if l.PriceKey == "public_ipv4_hour" {
			hours += l.Quantity
		}
	}
	if hours != Units(730) {
		t.Errorf("bastion: %s public IPv4 hours, want 730 (one address)", hours)
	}
	// Session Manager in a private subnet: no address at all.
	n.ENIs[0].HasPublicIP = false
	for _, l := range Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage()).Lines {
		if l.PriceKey == "public_ipv4_hour" {
			t.Errorf("a bastion without a public address billed one: %+v", l)
		}
	}
}

// TestCrossZoneQuantityReads: 20 GB between zones is billed out of one
// zone and into the other, 40 GB at $0.01; the line must not read "40 GB
// each direction". https://aws.amazon.com/ec2/pricing/on-demand/ (data
// transfer within the same Region).
func TestCrossZoneQuantityReads(t *testing.T) {
	n := twoZones(model.TargetLocal, "")
	l := find(t, Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage()), "data-transfer/cross-zone", "application")
	if got := l.Quantity.String() + " " + l.Unit; got != "40 GB" {
		t.Errorf("quantity reads %q, want \"40 GB\"", got)
	}
	if !strings.Contains(l.Assumption, "20 GB out of one zone, 20 GB into the other") || l.Monthly.Dollars() != "0.40" {
		t.Errorf("line %+v", l)
	}
}

// TestCompareOnlyTheOptionsTheTopologyHas: options that build the same
// NAT (a hub-and-spoke design ignores network.nat; one zone makes per
// zone and shared the same) are one row, and the others are named.
func TestCompareOnlyTheOptionsTheTopologyHas(t *testing.T) {
	us := mustLoad(t, "us-east-1")
	gw := func() *model.Network {
		n := twoZones(model.TargetNATGateway, "natgw/a")
		n.NATGateways = []model.NATGateway{{Addr: "natgw/a", Subnet: "subnet/public/a", PublicIPs: 1}}
		return n
	}
	ni := twoZones(model.TargetENI, "eni/nat/a")
	ni.NATInstances = []model.NATInstance{{Addr: "nat/a", Subnet: "subnet/public/a", ENI: "eni/nat/a", InstanceType: "t4g.nano"}}
	c := Compare([]Option{
		{NATOption: model.NATOption{Name: "gateway-per-zone", Baseline: true}, Network: gw()},
		{NATOption: model.NATOption{Name: "instance-per-zone"}, Network: ni},
		{NATOption: model.NATOption{Name: "gateway", Label: "one shared NAT gateway"}, Network: gw()},
		{NATOption: model.NATOption{Name: "none", Label: "no NAT"}, Network: gw()},
	}, us, DefaultUsage())
	var rows []string
	for _, r := range c.Rows {
		rows = append(rows, r.Option)
	}
	if strings.Join(rows, " ") != "gateway-per-zone instance-per-zone" {
		t.Errorf("rows %v, want the two designs that differ", rows)
	}
	if len(c.NotCompared) != 2 || c.NotCompared[0] != (SameAs{Option: "gateway", Label: "one shared NAT gateway", SameAs: "gateway-per-zone"}) || c.NotCompared[1].Option != "none" {
		t.Errorf("not compared %+v", c.NotCompared)
	}
}
