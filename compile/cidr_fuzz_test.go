package compile

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
)

// FuzzPlanSubnets checks the planner's invariants on arbitrary input: a
// plan without errors has one subnet per zone per tier, every subnet
// inside the VPC and within AWS limits, no two overlapping, explicit CIDRs
// kept as given, and the same answer every time.
func FuzzPlanSubnets(f *testing.F) {
	f.Add(uint32(0x0a000000), uint8(16), uint8(3), uint8(20), uint8(22), uint8(22), []byte{})
	f.Add(uint32(0x0a000000), uint8(22), uint8(3), uint8(26), uint8(28), uint8(28), []byte{})
	f.Add(uint32(0xac100000), uint8(20), uint8(2), uint8(0), uint8(26), uint8(27), []byte{1, 172, 16, 0, 0, 24, 172, 16, 1, 0, 24})
	f.Add(uint32(0x0a000000), uint8(24), uint8(2), uint8(0), uint8(27), uint8(28), []byte{1, 10, 0, 0, 0, 26, 10, 0, 0, 64, 26})
	f.Add(uint32(0x0a000000), uint8(16), uint8(6), uint8(18), uint8(0), uint8(0), []byte{6, 10, 0, 0, 0, 20, 10, 0, 16, 0, 20, 10, 0, 32, 0, 20, 10, 0, 48, 0, 20, 10, 0, 64, 0, 20, 10, 0, 80, 0, 20})
	f.Fuzz(func(t *testing.T, base uint32, vbits, zones, s0, s1, s2 uint8, explicit []byte) {
		vpc := netip.PrefixFrom(addr4(base), int(vbits%33)).Masked()
		tiers := []TierRequest{{Tier: model.Private, Size: int(s0)}, {Tier: model.Isolated, Size: int(s1)}, {Tier: model.Public, Size: int(s2)}}
		// explicit: a count n, then 5 bytes (address, prefix length) per
		// CIDR; the first tier with Size 0 takes them.
		if len(explicit) > 0 {
			n := int(explicit[0]) % 8
			rest := explicit[1:]
			var cidrs []netip.Prefix
			for k := 0; k < n && len(rest) >= 5; k++ {
				a := netip.AddrFrom4([4]byte(rest[:4]))
				cidrs = append(cidrs, netip.PrefixFrom(a, int(rest[4]%33)))
				rest = rest[5:]
			}
			for i := range tiers {
				if tiers[i].Size == 0 {
					tiers[i].CIDRs = cidrs
					break
				}
			}
		}
		got, errs := PlanSubnets(vpc, int(zones), tiers, nil)
		again, errs2 := PlanSubnets(vpc, int(zones), tiers, nil)
		if !cmp.Equal(got, again, netipOpts) || !cmp.Equal(errs, errs2, netipOpts) {
			t.Fatalf("not deterministic")
		}
		if len(errs) > 0 {
			if got != nil {
				t.Fatalf("subnets with errors: %v", errs)
			}
			for _, e := range errs {
				if e.Summary == "" {
					t.Fatalf("empty summary: %+v", e)
				}
			}
			return
		}
		checkPlan(t, vpc, got)
		count := map[model.Tier]int{}
		for _, p := range got {
			if p.Zone != count[p.Tier] {
				t.Fatalf("%v out of zone order", p)
			}
			count[p.Tier]++
		}
		for _, tr := range tiers {
			if count[tr.Tier] != int(zones) {
				t.Fatalf("%s has %d subnets for %d zones", tr.Tier, count[tr.Tier], zones)
			}
			if tr.CIDRs == nil {
				continue
			}
			for _, p := range got {
				if p.Tier == tr.Tier && p.CIDR != tr.CIDRs[p.Zone] {
					t.Fatalf("explicit %s zone %d moved to %s", tr.Tier, p.Zone, p.CIDR)
				}
			}
		}
	})
}
