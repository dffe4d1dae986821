package compile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*spec.Stack)
		want   []string
	}{
		{"vpc too small for defaults", func(s *spec.Stack) { s.Network.CIDR = pfx("10.0.0.0/24") },
			[]string{"error: the VPC 10.0.0.0/24 is too small for the default subnets"}},
		{"database in one zone", func(s *spec.Stack) { s.Network.Zones = spec.Zones{Count: 1} },
			[]string{"error: RDS needs subnets in at least two zones"}},
		{"too many zones", func(s *spec.Stack) { s.Network.Zones = spec.Zones{Count: 7} },
			[]string{"error: us-east-1 has 6 zones, not 7"}},
		{"zone name instead of ID", func(s *spec.Stack) { s.Network.Zones = spec.Zones{Count: 2, IDs: []string{"use1-az1", "us-east-1b"}} },
			[]string{"error: us-east-1b is not an AZ ID of us-east-1"}},
		{"explicit cidr problems", func(s *spec.Stack) {
			s.Network.Subnets = map[model.Tier]spec.SubnetPlan{
				model.Public: {CIDRs: pfxs("10.0.0.0/24", "10.1.0.0/24", "10.0.0.0/25")},
			}
		}, []string{
			"error: subnet 10.1.0.0/24 is outside the VPC 10.0.0.0/16",
			"error: subnet 10.0.0.0/25 (public cidrs[2]) overlaps 10.0.0.0/24 (public cidrs[0])",
		}},
		{"size override does not fit", func(s *spec.Stack) {
			s.Network.Subnets = map[model.Tier]spec.SubnetPlan{model.Isolated: {Size: 17}}
		}, []string{"error: isolated subnets do not fit: 3 × /17 needs 98304 addresses in one aligned block; 45056 of the VPC's 65536 are free"}},
		{"front end without service", func(s *spec.Stack) { s.Service = nil },
			[]string{"error: a alb front end needs a service to forward to"}},
		{"ssh from anywhere", func(s *spec.Stack) {
			s.Bastion = &spec.Bastion{Mode: model.BastionSSH, AllowFrom: pfxs("0.0.0.0/0")}
		}, []string{"error: SSH open to the whole internet (0.0.0.0/0)"}},
		{"internal front end open to all", func(s *spec.Stack) {
			s.FrontEnd.InternetFacing = false
		}, []string{"error: an internal front end may not allow 0.0.0.0/0"}},
		{"small app subnets warn", func(s *spec.Stack) {
			s.Network.Subnets = map[model.Tier]spec.SubnetPlan{model.Private: {Size: 26}}
		}, []string{
			"warning: app subnet 10.0.64.0/26 has only 59 usable addresses",
			"warning: app subnet 10.0.64.64/26 has only 59 usable addresses",
			"warning: app subnet 10.0.64.128/26 has only 59 usable addresses",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := webapp()
			tt.change(s)
			n, d := Compile(s)
			if diff := cmp.Diff(tt.want, summaries(d)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if (n == nil) != d.HasErrors() {
				t.Errorf("network %v with errors %v", n != nil, d.HasErrors())
			}
			for _, x := range d {
				// Positions fall back to the file: the test builds the
				// stack without a parser.
				if x.Range.File != "stack.yaml" {
					t.Errorf("%q at %v", x.Summary, x.Range)
				}
			}
		})
	}
}

// TestPlanPaths pins where each planner error points in the spec, which a
// parsed stack turns into line:column.
func TestPlanPaths(t *testing.T) {
	s := webapp()
	s.Network.Subnets = map[model.Tier]spec.SubnetPlan{model.Private: {Size: 18}}
	c := &compiler{s: s}
	for e, want := range map[PlanInput]string{
		{Field: FieldVPC, Index: -1}:                              "network.cidr",
		{Field: FieldZones, Index: -1}:                            "network.zones",
		{Tier: model.Public, Field: FieldCIDRs, Index: 1}:         "network.subnets.public.cidrs[1]",
		{Tier: model.Public, Field: FieldCIDRs, Index: -1}:        "network.subnets.public.cidrs",
		{Tier: model.Private, Field: FieldSize, Index: -1}:        "network.subnets.private.size",
		{Tier: model.Private, Field: FieldFit, Index: -1}:         "network.subnets.private.size",
		{Tier: model.Isolated, Field: FieldFit, Index: -1}:        "network.cidr",
		{Tier: model.Isolated, Field: FieldTier, Index: -1}:       "network.subnets.isolated",
		{Tier: model.Private, Field: FieldCIDRs, Index: 0}:        "network.subnets.private.cidrs[0]",
		{Tier: model.Public, Field: PlanField("other"), Index: 0}: "network.subnets.public",
	} {
		if got := c.planPath(e); got != want {
			t.Errorf("planPath(%+v) = %q, want %q", e, got, want)
		}
	}
	var d diag.List
	d.Errorf(s.Where("network.subnets.private.cidrs[1]"), "", "x")
	if d[0].Range.File != "stack.yaml" {
		t.Errorf("Where fallback = %v", d[0].Range)
	}
}
