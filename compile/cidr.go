package compile

import (
	"cmp"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// AWS limits on an IPv4 subnet's prefix length: a subnet holds between
// /16 (65,536 addresses) and /28 (16 addresses).
const (
	MinSubnetBits = 16
	MaxSubnetBits = 28
)

// MaxZones bounds the zones a plan may span. No Region has more than six;
// the bound keeps a hostile input from asking for thousands of subnets.
const MaxZones = 16

// slotsPerTier is how many zone slots a planned tier reserves when it can,
// so zones can be added later without renumbering any subnet.
const slotsPerTier = 8

// TierRequest asks the planner for one subnet per zone in a tier: either
// explicit CIDRs (exactly one per zone, used as given) or a Size (prefix
// length) the planner places.
type TierRequest struct {
	Tier  model.Tier
	Size  int            // prefix length of each subnet; ignored when CIDRs is set
	CIDRs []netip.Prefix // explicit subnets in zone order
}

// PlannedSubnet is one subnet of the plan: tier, zone index (the slot in
// its tier) and CIDR.
type PlannedSubnet struct {
	Tier model.Tier
	Zone int
	CIDR netip.Prefix
}

// PlanField says which input a problem is about, so a caller can point
// at the right place in a file.
type PlanField string

const (
	FieldVPC   PlanField = "vpc"   // the VPC CIDR
	FieldZones PlanField = "zones" // the zone count
	FieldTier  PlanField = "tier"  // a tier named twice
	FieldSize  PlanField = "size"  // a tier's requested Size
	FieldCIDRs PlanField = "cidrs" // a tier's CIDRs (Index says which; -1 for the list)
	FieldFit   PlanField = "fit"   // a sized tier that does not fit in the space left
)

// PlanInput names the input of a plan request a problem is about. Tier is
// empty for problems with the VPC or the zones; Index is the offending
// entry of the tier's CIDRs, or -1.
type PlanInput struct {
	Tier  model.Tier
	Field PlanField
	Index int
}

// planError is one problem with a plan request, before PlanSubnets places
// it in the caller's file.
type planError struct {
	Tier    model.Tier
	Field   PlanField
	Index   int
	Summary string
	Hint    string
}

func (e planError) Error() string {
	switch {
	case e.Tier == "":
		return e.Summary
	case e.Index >= 0:
		return fmt.Sprintf("%s cidrs[%d]: %s", e.Tier, e.Index, e.Summary)
	}
	return fmt.Sprintf("%s: %s", e.Tier, e.Summary)
}

// DefaultSize returns the default prefix length for a tier's subnets in a
// VPC of prefix length vpcBits: a tier that hosts the application (tasks
// and pods take one address each) gets 1/16 of the VPC per zone, any other
// tier 1/64.
func DefaultSize(vpcBits int, hostsApp bool) int {
	if hostsApp {
		return vpcBits + 4
	}
	return vpcBits + 6
}

// MaxDefaultVPCBits is the smallest VPC (largest prefix length) the default
// sizes fit: /22 gives /28 subnets, AWS's smallest.
const MaxDefaultVPCBits = MaxSubnetBits - 6

// tierRank orders tiers when blocks tie in size: the app tier first, then
// the database's home, then the small public tier; unknown tiers last.
func tierRank(t model.Tier) int {
	switch t {
	case model.Private:
		return 0
	case model.Isolated:
		return 1
	case model.Public:
		return 2
	}
	return 3
}

// PlanSubnets lays out one subnet per zone for every tier inside vpc.
//
// Explicit CIDRs are checked (IPv4, no host bits, /16 to /28, inside the
// VPC, disjoint, one per zone) and used as given. Sized tiers are then
// placed around them: each reserves an aligned block of 8 zone slots when
// it can, else the smallest power of two of slots that holds every zone;
// blocks go first-fit from the bottom of the VPC, largest first, ties in
// the order private, isolated, public. Zone i takes slot i. If that greedy
// layout leaves a tier without room, every sized tier falls back to its
// smallest block, which packs power-of-two blocks without waste.
//
// The result is sorted by request order, then zone. PlanSubnets reports
// every problem it finds, each at where(the input it is about), a place in
// the caller's file (where may be nil); on any error the subnets are nil.
func PlanSubnets(vpc netip.Prefix, zones int, tiers []TierRequest, where func(PlanInput) diag.Range) ([]PlannedSubnet, diag.List) {
	planned, errs := planSubnets(vpc, zones, tiers)
	var ds diag.List
	for _, e := range errs {
		var at diag.Range
		if where != nil {
			at = where(PlanInput{Tier: e.Tier, Field: e.Field, Index: e.Index})
		}
		ds.Errorf(at, e.Hint, "%s", e.Summary)
	}
	return planned, ds
}

func planSubnets(vpc netip.Prefix, zones int, tiers []TierRequest) ([]PlannedSubnet, []planError) {
	var errs []planError
	fail := func(e planError) { errs = append(errs, e) }
	switch {
	case !vpc.IsValid() || !vpc.Addr().Is4():
		fail(planError{Field: FieldVPC, Index: -1, Summary: fmt.Sprintf("the VPC CIDR %s is not an IPv4 prefix", vpc), Hint: "use a private range such as 10.0.0.0/16"})
	case vpc != vpc.Masked():
		fail(planError{Field: FieldVPC, Index: -1, Summary: fmt.Sprintf("the VPC CIDR %s has host bits set", vpc), Hint: fmt.Sprintf("did you mean %s?", vpc.Masked())})
	case vpc.Bits() < MinSubnetBits || vpc.Bits() > MaxSubnetBits:
		fail(planError{Field: FieldVPC, Index: -1, Summary: fmt.Sprintf("the VPC CIDR %s is outside AWS's limits of /16 to /28", vpc), Hint: "use a /16 for room to grow"})
	}
	if zones < 1 || zones > MaxZones {
		fail(planError{Field: FieldZones, Index: -1, Summary: fmt.Sprintf("%d zones: a plan needs 1 to %d", zones, MaxZones)})
	}
	if len(errs) > 0 {
		return nil, errs
	}

	out := make(map[int][]netip.Prefix) // request index -> CIDR per zone
	var used []owned                    // explicit subnets accepted so far
	seen := map[model.Tier]bool{}
	var sized []int // indexes of requests the planner places
	for i, t := range tiers {
		if seen[t.Tier] {
			fail(planError{Tier: t.Tier, Field: FieldTier, Index: -1, Summary: fmt.Sprintf("tier %q is requested twice", t.Tier)})
			continue
		}
		seen[t.Tier] = true
		if len(t.CIDRs) == 0 {
			if e, ok := checkSize(vpc, t); !ok {
				fail(e)
				continue
			}
			sized = append(sized, i)
			continue
		}
		ok := true
		if len(t.CIDRs) != zones {
			fail(planError{Tier: t.Tier, Field: FieldCIDRs, Index: -1,
				Summary: fmt.Sprintf("%s has %d CIDRs for %d zones", t.Tier, len(t.CIDRs), zones),
				Hint:    "give exactly one CIDR per zone, in zone order"})
			ok = false
		}
		for j, c := range t.CIDRs {
			if e, good := checkExplicit(vpc, t.Tier, j, c, used); !good {
				fail(e)
				ok = false
				continue
			}
			used = append(used, owned{c, t.Tier, j})
		}
		if ok {
			out[i] = slices.Clone(t.CIDRs)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}

	taken := make([]netip.Prefix, len(used))
	for i, u := range used {
		taken[i] = u.p
	}
	placed, failed := place(vpc, zones, tiers, sized, taken, true)
	if len(failed) > 0 {
		placed, failed = place(vpc, zones, tiers, sized, taken, false)
	}
	for _, i := range failed {
		t := tiers[i]
		need := zones << (32 - t.Size)
		free := freeAddresses(vpc, append(slices.Clone(taken), placedBlocks(placed)...))
		fail(planError{Tier: t.Tier, Field: FieldFit, Index: -1,
			Summary: fmt.Sprintf("%s subnets do not fit: %d × /%d needs %d addresses in one aligned block; %d of the VPC's %d are free",
				t.Tier, zones, t.Size, need, free, 1<<(32-vpc.Bits())),
			Hint: "use a larger VPC CIDR (a /16 leaves room to grow) or smaller subnets"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for i, b := range placed {
		cidrs := make([]netip.Prefix, zones)
		for z := range zones {
			cidrs[z] = nth(b.block, tiers[i].Size, z)
		}
		out[i] = cidrs
	}

	var res []PlannedSubnet
	for i, t := range tiers {
		for z, c := range out[i] {
			res = append(res, PlannedSubnet{Tier: t.Tier, Zone: z, CIDR: c})
		}
	}
	return res, nil
}

// owned is an explicit subnet and where it came from, to name both sides
// of an overlap.
type owned struct {
	p     netip.Prefix
	tier  model.Tier
	index int
}

func checkSize(vpc netip.Prefix, t TierRequest) (planError, bool) {
	e := planError{Tier: t.Tier, Field: FieldSize, Index: -1}
	switch {
	case t.Size < MinSubnetBits || t.Size > MaxSubnetBits:
		e.Summary = fmt.Sprintf("%s subnets of /%d are outside AWS's limits of /16 to /28", t.Tier, t.Size)
		e.Hint = "pick a prefix length from 16 to 28"
	case t.Size < vpc.Bits():
		e.Summary = fmt.Sprintf("%s subnets of /%d are larger than the VPC %s", t.Tier, t.Size, vpc)
		e.Hint = fmt.Sprintf("pick a prefix length from %d to 28", vpc.Bits())
	default:
		return e, true
	}
	return e, false
}

func checkExplicit(vpc netip.Prefix, tier model.Tier, i int, c netip.Prefix, used []owned) (planError, bool) {
	e := planError{Tier: tier, Field: FieldCIDRs, Index: i}
	switch {
	case !c.IsValid() || !c.Addr().Is4():
		e.Summary = fmt.Sprintf("subnet %s is not an IPv4 prefix", c)
	case c != c.Masked():
		e.Summary = fmt.Sprintf("subnet %s has host bits set", c)
		e.Hint = fmt.Sprintf("did you mean %s?", c.Masked())
	case c.Bits() < MinSubnetBits || c.Bits() > MaxSubnetBits:
		e.Summary = fmt.Sprintf("subnet %s is outside AWS's limits of /16 to /28", c)
	case c.Bits() < vpc.Bits() || !vpc.Contains(c.Addr()):
		e.Summary = fmt.Sprintf("subnet %s is outside the VPC %s", c, vpc)
		e.Hint = "every subnet must lie inside network.cidr"
	default:
		for _, u := range used {
			if u.p.Overlaps(c) {
				e.Summary = fmt.Sprintf("subnet %s (%s cidrs[%d]) overlaps %s (%s cidrs[%d])", c, tier, i, u.p, u.tier, u.index)
				e.Hint = "subnets in a VPC may not share addresses"
				return e, false
			}
		}
		return e, true
	}
	return e, false
}

// placement is where a sized tier's block landed.
type placement struct {
	block netip.Prefix
}

func placedBlocks(m map[int]placement) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range m {
		out = append(out, p.block)
	}
	return out
}

// place assigns each sized request an aligned block first-fit, largest
// block first. With roomy set, a tier takes 8 slots when such a block is
// free and falls back to its smallest block otherwise; without it, every
// tier takes its smallest block. It returns the blocks and the requests
// that found no room, in request order.
func place(vpc netip.Prefix, zones int, tiers []TierRequest, sized []int, taken []netip.Prefix, roomy bool) (map[int]placement, []int) {
	minSlots := 1 << bits.Len(uint(zones-1)) // smallest power of two >= zones
	prefSlots := minSlots
	if roomy {
		prefSlots = max(slotsPerTier, minSlots)
	}
	order := slices.Clone(sized)
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(
			cmp.Compare(blockBits(tiers[a].Size, prefSlots), blockBits(tiers[b].Size, prefSlots)),
			cmp.Compare(tierRank(tiers[a].Tier), tierRank(tiers[b].Tier)),
		)
	})
	taken = slices.Clone(taken)
	placed := map[int]placement{}
	var failed []int
	for _, i := range order {
		size := tiers[i].Size
		b, ok := firstFit(vpc, blockBits(size, prefSlots), taken)
		if !ok && prefSlots != minSlots {
			b, ok = firstFit(vpc, blockBits(size, minSlots), taken)
		}
		if !ok {
			failed = append(failed, i)
			continue
		}
		taken = append(taken, b)
		placed[i] = placement{block: b}
	}
	slices.Sort(failed)
	return placed, failed
}

// blockBits is the prefix length of a block of slots subnets of size.
func blockBits(size, slots int) int { return size - bits.Len(uint(slots-1)) }

// firstFit returns the lowest aligned /b inside vpc that overlaps nothing
// taken.
func firstFit(vpc netip.Prefix, b int, taken []netip.Prefix) (netip.Prefix, bool) {
	if b < vpc.Bits() || b > 32 {
		return netip.Prefix{}, false
	}
	base := v4(vpc.Addr())
	step := uint32(1) << (32 - b)
	n := uint32(1) << (b - vpc.Bits())
	for k := range n {
		cand := netip.PrefixFrom(addr4(base+k*step), b)
		if !slices.ContainsFunc(taken, cand.Overlaps) {
			return cand, true
		}
	}
	return netip.Prefix{}, false
}

// nth returns the z-th /size subnet of block.
func nth(block netip.Prefix, size, z int) netip.Prefix {
	return netip.PrefixFrom(addr4(v4(block.Addr())+uint32(z)<<(32-size)), size)
}

// freeAddresses counts the VPC's addresses outside taken, which must be
// disjoint and inside the VPC.
func freeAddresses(vpc netip.Prefix, taken []netip.Prefix) int {
	free := 1 << (32 - vpc.Bits())
	for _, t := range taken {
		free -= 1 << (32 - t.Bits())
	}
	return free
}

func v4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr4(u uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}
