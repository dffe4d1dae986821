package compile

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// netipOpts compares netip values by ==, as go-cmp cannot see inside them.
var netipOpts = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func pfxs(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, pfx(s))
	}
	return out
}

// layout renders a plan as "tier zone cidr" lines, which reads well in a
// diff.
func layout(ps []PlannedSubnet) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.Tier)+" "+string(rune('0'+p.Zone))+" "+p.CIDR.String())
	}
	return out
}

// defaults builds the requests Compile makes for a VPC with NAT.
func defaults(vpc netip.Prefix) []TierRequest {
	return []TierRequest{
		{Tier: model.Private, Size: DefaultSize(vpc.Bits(), true)},
		{Tier: model.Isolated, Size: DefaultSize(vpc.Bits(), false)},
		{Tier: model.Public, Size: DefaultSize(vpc.Bits(), false)},
	}
}

func TestPlanSubnets(t *testing.T) {
	tests := []struct {
		name  string
		vpc   string
		zones int
		tiers []TierRequest
		want  []string
	}{
		{
			name: "default /16", vpc: "10.0.0.0/16", zones: 3, tiers: defaults(pfx("10.0.0.0/16")),
			want: []string{
				"private 0 10.0.0.0/20", "private 1 10.0.16.0/20", "private 2 10.0.32.0/20",
				"isolated 0 10.0.128.0/22", "isolated 1 10.0.132.0/22", "isolated 2 10.0.136.0/22",
				"public 0 10.0.160.0/22", "public 1 10.0.164.0/22", "public 2 10.0.168.0/22",
			},
		},
		{
			name: "default /22", vpc: "10.9.4.0/22", zones: 3, tiers: defaults(pfx("10.9.4.0/22")),
			want: []string{
				"private 0 10.9.4.0/26", "private 1 10.9.4.64/26", "private 2 10.9.4.128/26",
				"isolated 0 10.9.6.0/28", "isolated 1 10.9.6.16/28", "isolated 2 10.9.6.32/28",
				"public 0 10.9.6.128/28", "public 1 10.9.6.144/28", "public 2 10.9.6.160/28",
			},
		},
		{
			name: "nat none: the isolated tier is the app's", vpc: "10.0.0.0/16", zones: 2,
			tiers: []TierRequest{{Tier: model.Isolated, Size: 20}, {Tier: model.Public, Size: 22}},
			want:  []string{"isolated 0 10.0.0.0/20", "isolated 1 10.0.16.0/20", "public 0 10.0.128.0/22", "public 1 10.0.132.0/22"},
		},
		{
			name: "public listed first still goes after larger blocks", vpc: "10.0.0.0/16", zones: 1,
			tiers: []TierRequest{{Tier: model.Public, Size: 24}, {Tier: model.Isolated, Size: 24}, {Tier: model.Private, Size: 24}},
			want:  []string{"public 0 10.0.16.0/24", "isolated 0 10.0.8.0/24", "private 0 10.0.0.0/24"},
		},
		{
			name: "planned tiers fit around explicit ones", vpc: "10.0.0.0/16", zones: 2,
			tiers: []TierRequest{
				{Tier: model.Private, CIDRs: pfxs("10.0.0.0/20", "10.0.64.0/20")},
				{Tier: model.Isolated, Size: 22},
				{Tier: model.Public, Size: 22},
			},
			want: []string{
				"private 0 10.0.0.0/20", "private 1 10.0.64.0/20",
				"isolated 0 10.0.32.0/22", "isolated 1 10.0.36.0/22",
				"public 0 10.0.96.0/22", "public 1 10.0.100.0/22",
			},
		},
		{
			name: "size override larger than 8 slots allow falls back to zone count", vpc: "10.0.0.0/16", zones: 2,
			tiers: []TierRequest{{Tier: model.Private, Size: 18}, {Tier: model.Public, Size: 24}},
			want:  []string{"private 0 10.0.0.0/18", "private 1 10.0.64.0/18", "public 0 10.0.128.0/24", "public 1 10.0.129.0/24"},
		},
		{
			name: "greedy layout fails, compact layout fits", vpc: "10.0.0.0/24", zones: 2,
			tiers: []TierRequest{
				{Tier: model.Private, CIDRs: pfxs("10.0.0.0/26", "10.0.0.64/26")},
				{Tier: model.Isolated, Size: 27}, // 8 slots would be /24: no room; 2 slots /26
				{Tier: model.Public, Size: 28},   // 8 slots /25: no room; 2 slots /27
			},
			want: []string{"private 0 10.0.0.0/26", "private 1 10.0.0.64/26", "isolated 0 10.0.0.128/27", "isolated 1 10.0.0.160/27", "public 0 10.0.0.192/28", "public 1 10.0.0.208/28"},
		},
		{
			name: "six zones", vpc: "10.0.0.0/16", zones: 6, tiers: defaults(pfx("10.0.0.0/16"))[:1],
			want: []string{"private 0 10.0.0.0/20", "private 1 10.0.16.0/20", "private 2 10.0.32.0/20", "private 3 10.0.48.0/20", "private 4 10.0.64.0/20", "private 5 10.0.80.0/20"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := PlanSubnets(pfx(tt.vpc), tt.zones, tt.tiers, nil)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if diff := cmp.Diff(tt.want, layout(got)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			checkPlan(t, pfx(tt.vpc), got)
		})
	}
}

func TestPlanSubnetsErrors(t *testing.T) {
	vpc := pfx("10.0.0.0/16")
	tests := []struct {
		name  string
		vpc   netip.Prefix
		zones int
		tiers []TierRequest
		want  []planError // Summary checked by substring
	}{
		{name: "ipv6 vpc", vpc: pfx("2001:db8::/56"), zones: 1, want: []planError{{Field: FieldVPC, Index: -1, Summary: "not an IPv4 prefix"}}},
		{name: "zero vpc", zones: 1, want: []planError{{Field: FieldVPC, Index: -1, Summary: "not an IPv4 prefix"}}},
		{name: "host bits", vpc: netip.PrefixFrom(netip.MustParseAddr("10.0.0.1"), 16), zones: 1, want: []planError{{Field: FieldVPC, Index: -1, Summary: "host bits"}}},
		{name: "vpc too big", vpc: pfx("10.0.0.0/8"), zones: 1, want: []planError{{Field: FieldVPC, Index: -1, Summary: "/16 to /28"}}},
		{name: "no zones", vpc: vpc, zones: 0, want: []planError{{Field: FieldZones, Index: -1, Summary: "0 zones"}}},
		{name: "too many zones", vpc: vpc, zones: 99, want: []planError{{Field: FieldZones, Index: -1, Summary: "99 zones"}}},
		{
			name: "tier twice", vpc: vpc, zones: 1,
			tiers: []TierRequest{{Tier: model.Public, Size: 24}, {Tier: model.Public, Size: 24}},
			want:  []planError{{Tier: model.Public, Field: FieldTier, Index: -1, Summary: "twice"}},
		},
		{
			name: "size out of AWS limits", vpc: vpc, zones: 1,
			tiers: []TierRequest{{Tier: model.Public, Size: 29}, {Tier: model.Private, Size: 0}},
			want: []planError{
				{Tier: model.Public, Field: FieldSize, Index: -1, Summary: "/16 to /28"},
				{Tier: model.Private, Field: FieldSize, Index: -1, Summary: "/16 to /28"},
			},
		},
		{
			name: "size larger than vpc", vpc: pfx("10.0.0.0/20"), zones: 1,
			tiers: []TierRequest{{Tier: model.Public, Size: 18}},
			want:  []planError{{Tier: model.Public, Field: FieldSize, Index: -1, Summary: "larger than the VPC"}},
		},
		{
			name: "cidr problems", vpc: vpc, zones: 3,
			tiers: []TierRequest{
				{Tier: model.Public, CIDRs: pfxs("10.0.0.0/24", "10.1.0.0/24", "10.0.0.128/25")},
				{Tier: model.Private, CIDRs: []netip.Prefix{pfx("10.0.4.0/29"), netip.PrefixFrom(netip.MustParseAddr("10.0.5.1"), 24), pfx("2001:db8::/64")}},
			},
			want: []planError{
				{Tier: model.Public, Field: FieldCIDRs, Index: 1, Summary: "outside the VPC 10.0.0.0/16"},
				{Tier: model.Public, Field: FieldCIDRs, Index: 2, Summary: "overlaps 10.0.0.0/24 (public cidrs[0])"},
				{Tier: model.Private, Field: FieldCIDRs, Index: 0, Summary: "/16 to /28"},
				{Tier: model.Private, Field: FieldCIDRs, Index: 1, Summary: "host bits"},
				{Tier: model.Private, Field: FieldCIDRs, Index: 2, Summary: "not an IPv4 prefix"},
			},
		},
		{
			name: "overlap across tiers names both", vpc: vpc, zones: 1,
			tiers: []TierRequest{
				{Tier: model.Public, CIDRs: pfxs("10.0.0.0/20")},
				{Tier: model.Private, CIDRs: pfxs("10.0.8.0/24")},
			},
			want: []planError{{Tier: model.Private, Field: FieldCIDRs, Index: 0, Summary: "10.0.8.0/24 (private cidrs[0]) overlaps 10.0.0.0/20 (public cidrs[0])"}},
		},
		{
			name: "count differs from zones", vpc: vpc, zones: 3,
			tiers: []TierRequest{{Tier: model.Public, CIDRs: pfxs("10.0.0.0/24", "10.0.1.0/24")}},
			want:  []planError{{Tier: model.Public, Field: FieldCIDRs, Index: -1, Summary: "2 CIDRs for 3 zones"}},
		},
		{
			name: "does not fit", vpc: pfx("10.0.0.0/22"), zones: 3,
			tiers: []TierRequest{
				{Tier: model.Private, CIDRs: pfxs("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24")},
				{Tier: model.Isolated, Size: 26},
				{Tier: model.Public, Size: 26},
			},
			// isolated takes the last /24 (4 slots); nothing is left for public.
			want: []planError{
				{Tier: model.Public, Field: FieldFit, Index: -1, Summary: "public subnets do not fit: 3 × /26 needs 192 addresses in one aligned block; 0 of the VPC's 1024 are free"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// where writes the input a problem is about into the range,
			// to check that each diagnostic is placed at its input.
			where := func(in PlanInput) diag.Range {
				return diag.Range{File: fmt.Sprintf("%s|%s|%d", in.Tier, in.Field, in.Index)}
			}
			got, errs := PlanSubnets(tt.vpc, tt.zones, tt.tiers, where)
			if got != nil {
				t.Errorf("subnets on error: %v", got)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tt.want), errs)
			}
			for i, w := range tt.want {
				e := errs[i]
				at := where(PlanInput{Tier: w.Tier, Field: w.Field, Index: w.Index})
				if e.Range != at || e.Severity != diag.Error || !strings.Contains(e.Summary, w.Summary) {
					t.Errorf("error %d = %+v, want %+v at %s", i, e, w, at.File)
				}
				if w.Hint != "" && e.Hint != w.Hint {
					t.Errorf("error %d hint = %q, want %q", i, e.Hint, w.Hint)
				}
			}
		})
	}
}

// checkPlan asserts the planner's invariants: inside the VPC, within AWS
// limits, pairwise disjoint.
func checkPlan(t *testing.T, vpc netip.Prefix, ps []PlannedSubnet) {
	t.Helper()
	for i, p := range ps {
		if !p.CIDR.Addr().Is4() || p.CIDR != p.CIDR.Masked() {
			t.Errorf("%v: not a masked IPv4 prefix", p)
		}
		if !vpc.Contains(p.CIDR.Addr()) || p.CIDR.Bits() < vpc.Bits() {
			t.Errorf("%v: outside %s", p, vpc)
		}
		if p.CIDR.Bits() < MinSubnetBits || p.CIDR.Bits() > MaxSubnetBits {
			t.Errorf("%v: size outside AWS limits", p)
		}
		for _, q := range ps[i+1:] {
			if p.CIDR.Overlaps(q.CIDR) {
				t.Errorf("%v overlaps %v", p, q)
			}
		}
	}
}

func TestDefaultSize(t *testing.T) {
	if DefaultSize(16, true) != 20 || DefaultSize(16, false) != 22 || DefaultSize(MaxDefaultVPCBits, false) != MaxSubnetBits {
		t.Error("DefaultSize")
	}
}
