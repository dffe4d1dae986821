package rules

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// TGWTable is a Transit Gateway route table compiled for route
// selection.
type TGWTable struct {
	Table *model.TGWRouteTable
	// Routes are in selection order: longest prefix first; for one
	// destination a static route, then a prefix-list reference, then a
	// propagated route (TGWRank); else the table's order. A prefix-list
	// reference is listed once per entry of the list, and a VPC
	// attachment that propagates into the table adds a route to each of
	// the VPC's blocks the table has no route for (a template or a
	// hand-built network records the propagation only).
	Routes []*model.TGWRoute
	// Unresolved are the prefix lists the table routes to whose entries
	// the input does not hold.
	Unresolved []string
	listed     []*model.TGWRoute // Routes in the table's order
}

// TGWInput is what compiling a Transit Gateway table needs besides the
// table: prefix lists by id or name, attachments by address or id, and
// a VPC's CIDR blocks (each nil or empty when the input lacks it).
type TGWInput struct {
	PrefixList func(string) *model.PrefixList
	Attachment func(model.ResourceRef) *model.TGWAttachment
	VPCBlocks  func(model.ResourceRef) []netip.Prefix
}

// CompileTGWTable compiles a Transit Gateway route table.
func CompileTGWTable(t *model.TGWRouteTable, in TGWInput) *TGWTable {
	c := &TGWTable{Table: t}
	for j := range t.Routes {
		r := &t.Routes[j]
		if r.Dest.IsValid() || r.PrefixList == "" {
			c.Routes = append(c.Routes, r)
			continue
		}
		// A prefix-list reference route: one route per entry, or not
		// known when the input lacks the list.
		pl := find(in.PrefixList, r.PrefixList)
		if pl == nil || len(pl.Entries) == 0 {
			c.Unresolved = append(c.Unresolved, r.PrefixList)
			continue
		}
		for _, e := range pl.Entries {
			x := *r
			x.Dest = e.Masked()
			c.Routes = append(c.Routes, &x)
		}
	}
	c.Routes = append(c.Routes, propagatedTGWRoutes(t, in)...)
	c.listed = slices.Clone(c.Routes)
	slices.SortStableFunc(c.Routes, func(a, b *model.TGWRoute) int {
		return cmp.Or(cmp.Compare(b.Dest.Bits(), a.Dest.Bits()), cmp.Compare(TGWRank(a), TGWRank(b)))
	})
	return c
}

// propagatedTGWRoutes are the routes a table learns from the VPC
// attachments propagating into it that the model does not list: AWS
// adds a route to each CIDR block of the attached VPC, secondary blocks
// too, and a route the table has for the same prefix, static or
// propagated, wins. VPN and Direct Connect attachments propagate routes
// learned by BGP, which the model does not hold.
func propagatedTGWRoutes(t *model.TGWRouteTable, in TGWInput) []*model.TGWRoute {
	have := map[netip.Prefix]bool{}
	for _, r := range t.Routes {
		have[r.Dest.Masked()] = true
	}
	var out []*model.TGWRoute
	for _, a := range t.Propagations {
		att := find(in.Attachment, a)
		if att == nil || att.Kind != model.TGWAttachVPC || (!t.TGW.IsZero() && att.TGW != t.TGW) {
			continue
		}
		var blocks []netip.Prefix
		if in.VPCBlocks != nil {
			blocks = in.VPCBlocks(att.VPC)
		}
		for _, p := range blocks {
			if !p.IsValid() || have[p.Masked()] {
				continue
			}
			have[p.Masked()] = true
			out = append(out, &model.TGWRoute{Dest: p.Masked(), Attachment: att.Addr, Propagated: true})
		}
	}
	return out
}

// Lookup is the route the table picks for dst, nil when none holds it.
func (t *TGWTable) Lookup(dst netip.Addr) *model.TGWRoute {
	for _, r := range t.Routes {
		if r.Dest.Contains(dst) {
			return r
		}
	}
	return nil
}

// Preferred is, for each destination prefix, the route selection picks,
// in the order the table lists them (a prefix list's entries where the
// reference is, learned propagations last): what a device that holds one
// route per prefix (the twin's kernel tables) installs.
func (t *TGWTable) Preferred() []*model.TGWRoute {
	best := map[netip.Prefix]*model.TGWRoute{}
	for _, r := range t.Routes {
		if d := r.Dest.Masked(); r.Dest.IsValid() && best[d] == nil {
			best[d] = r
		}
	}
	var out []*model.TGWRoute
	for _, r := range t.listed {
		if r.Dest.IsValid() && best[r.Dest.Masked()] == r {
			out = append(out, r)
		}
	}
	return out
}

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
