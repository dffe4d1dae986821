package rules

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// TGWRank orders Transit Gateway routes to one destination as AWS does:
// static, then prefix-list reference, then propagated
// (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html#tgw-route-evaluation-overview).
func TGWRank(r *model.TGWRoute) int {
	switch {
	case r.Propagated:
		return 2
	case r.PrefixList != "":
		return 1
	}
	return 0
}

// SortTGWRoutes puts a Transit Gateway route table's routes (prefix-list
// references already expanded) in selection order: longest prefix first,
// then TGWRank, then the table's order. The first that holds a
// destination is the route.
func SortTGWRoutes(rs []*model.TGWRoute) {
	slices.SortStableFunc(rs, func(a, b *model.TGWRoute) int {
		return cmp.Or(cmp.Compare(b.Dest.Bits(), a.Dest.Bits()), cmp.Compare(TGWRank(a), TGWRank(b)))
	})
}

// TGWPreferred is the routes of rs that selection can pick: for each
// destination prefix the one AWS prefers (TGWRank; the first listed among
// equals), in the order rs lists the winners. Routes without a prefix
// (unexpanded prefix-list references) are kept.
func TGWPreferred(rs []model.TGWRoute) []model.TGWRoute {
	best := map[netip.Prefix]int{}
	for i := range rs {
		if !rs[i].Dest.IsValid() {
			continue
		}
		d := rs[i].Dest.Masked()
		if j, ok := best[d]; !ok || TGWRank(&rs[i]) < TGWRank(&rs[j]) {
			best[d] = i
		}
	}
	var out []model.TGWRoute
	for i := range rs {
		if rs[i].Dest.IsValid() && best[rs[i].Dest.Masked()] != i {
			continue
		}
		out = append(out, rs[i])
	}
	return out
}
