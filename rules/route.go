package rules

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// Table is a route table compiled for route selection: its CIDR routes in
// the order AWS prefers them, and the routes a packet addressed to an AWS
// service by name follows (gateway endpoints).
type Table struct {
	Table *model.RouteTable
	// Routes are the CIDR routes, a prefix-list route once per entry:
	// longest prefix first; for equal prefixes a static route before a
	// prefix-list route before a propagated one; else the table's order,
	// so answers are deterministic.
	Routes []Route
	// Services are the routes to AWS services: a gateway endpoint's
	// prefix-list route, or the endpoint itself when a compiled design
	// records the route on the endpoint.
	Services []Route
	// Unresolved are the customer prefix lists the table routes to whose
	// entries the input does not hold: their entries may be more specific
	// than any route a lookup finds.
	Unresolved []string
}

// Route is one route as selection sees it.
type Route struct {
	Dest  netip.Prefix
	Label string // the destination as shown: a CIDR or a prefix list
	// Route is the model's route; nil for a gateway endpoint's route that
	// the design records on the endpoint (Endpoint).
	Route *model.Route
	// Service is the AWS service a gateway endpoint route leads to.
	Service  string
	Endpoint *model.Endpoint
}

// TableInput is what compiling a table needs besides the table: the VPC's
// secondary CIDR blocks (each has a local route, listed or not), prefix
// lists by id or name, and the network's endpoints.
type TableInput struct {
	Secondary  []netip.Prefix
	PrefixList func(string) *model.PrefixList
	Endpoints  []model.Endpoint
}

// CompileTable compiles a route table.
func CompileTable(rt *model.RouteTable, in TableInput) *Table {
	t := &Table{Table: rt}
	for j := range rt.Routes {
		r := &rt.Routes[j]
		switch {
		case r.Dest.IsValid():
			t.Routes = append(t.Routes, Route{Dest: r.Dest.Masked(), Label: r.Dest.String(), Route: r})
		case r.DestPrefixList != "":
			t.prefixListRoute(r, find(in.PrefixList, r.DestPrefixList))
		}
	}
	// Every block of the VPC has a local route, listed or not: AWS adds
	// one per associated CIDR block
	// (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#route-table-routes).
	for _, c := range in.Secondary {
		if !slices.ContainsFunc(t.Routes, func(e Route) bool { return e.Dest == c.Masked() && e.Route.TargetKind == model.TargetLocal }) {
			t.Routes = append(t.Routes, Route{Dest: c.Masked(), Label: c.String(), Route: &model.Route{Dest: c, TargetKind: model.TargetLocal}})
		}
	}
	slices.SortStableFunc(t.Routes, func(a, b Route) int {
		return cmp.Or(cmp.Compare(b.Dest.Bits(), a.Dest.Bits()), cmp.Compare(a.rank(), b.rank()))
	})
	// Compiled designs record gateway endpoint routes once, on the
	// endpoint: AWS adds the prefix-list route to each table it names.
	for i := range in.Endpoints {
		e := &in.Endpoints[i]
		if e.Type != model.GatewayEndpoint || !slices.Contains(e.RouteTables, rt.Addr) {
			continue
		}
		dup := false
		for k := range t.Services {
			if t.Services[k].Service == e.Service {
				t.Services[k].Endpoint = e
				dup = true
			}
		}
		if !dup {
			t.Services = append(t.Services, Route{Label: e.ServiceName, Service: e.Service, Endpoint: e})
		}
	}
	return t
}

func (t *Table) prefixListRoute(r *model.Route, p *model.PrefixList) {
	label := r.DestPrefixList
	svc := ServiceOfPL(r.DestPrefixList)
	if p != nil {
		if p.Name != "" && p.Name != r.DestPrefixList {
			label += " (" + p.Name + ")"
		}
		if s := ServiceOfPL(p.Name); s != "" {
			svc = s
		}
		for _, e := range p.Entries {
			t.Routes = append(t.Routes, Route{Dest: e.Masked(), Label: label, Route: r})
		}
	}
	if svc != "" || r.TargetKind == model.TargetEndpoint {
		t.Services = append(t.Services, Route{Label: label, Route: r, Service: svc})
	}
	if p == nil && svc == "" && r.TargetKind != model.TargetEndpoint {
		t.Unresolved = append(t.Unresolved, label)
	}
}

// VPCBlocks is a VPC's CIDR blocks, primary, IPv6 and secondary (the
// invalid ones left out): AWS gives each a local route in every route
// table of the VPC, and a Transit Gateway a route to each when the VPC's
// attachment propagates.
func VPCBlocks(v *model.VPC) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range append([]netip.Prefix{v.CIDR, v.IPv6CIDR}, v.SecondaryCIDRs...) {
		if p.IsValid() {
			out = append(out, p)
		}
	}
	return out
}

// rank orders routes to the same prefix as AWS does: a static route
// (local, or made by CreateRoute) first, then a route to a prefix list,
// then a route a virtual private gateway propagates
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
func (e Route) rank() int {
	switch {
	case e.Route == nil:
		return 1
	case IsPropagated(e.Route):
		return 2
	case e.Route.DestPrefixList != "":
		return 1
	}
	return 0
}

// IsPropagated reports whether a virtual private gateway propagated r.
func IsPropagated(r *model.Route) bool {
	return r != nil && (r.Propagated || r.Origin == model.RouteOriginPropagated)
}

// Lookup is the route the table picks for dst: a gateway endpoint route
// when the destination is the endpoint's service svc (AWS's prefix lists
// are more specific than any default route), else the first route in
// priority order that holds dst, except that a local route beats a
// propagated route, however specific.
func (t *Table) Lookup(dst netip.Addr, svc string) (Route, bool) {
	if svc != "" {
		for _, e := range t.Services {
			if e.Service == svc {
				return e, true
			}
		}
	}
	for i, e := range t.Routes {
		if !e.Dest.Contains(dst) {
			continue
		}
		if IsPropagated(e.Route) {
			// "If propagated routes from a Site-to-Site VPN connection or
			// Direct Connect connection overlap with the local route for
			// your VPC, the local route is most preferred even if the
			// propagated routes are more specific"
			// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
			for _, l := range t.Routes[i+1:] {
				if l.Route != nil && l.Route.TargetKind == model.TargetLocal && l.Dest.Contains(dst) {
					return l, true
				}
			}
		}
		return e, true
	}
	return Route{}, false
}

// Preferred is the routes of rs that route selection can pick, in the
// order rs lists them: for each destination prefix the one AWS prefers
// (static, then prefix list, then propagated; the first listed among
// equals), and no propagated route inside one of the VPC's blocks, since
// the block's local route beats it however specific it is (Lookup).
// A device that installs one route per prefix (the twin's kernel tables)
// installs these.
func Preferred(rs []model.Route, blocks []netip.Prefix) []model.Route {
	best := map[netip.Prefix]int{}
	for i := range rs {
		if !rs[i].Dest.IsValid() {
			continue
		}
		d := rs[i].Dest.Masked()
		if j, ok := best[d]; !ok || (Route{Route: &rs[i]}).rank() < (Route{Route: &rs[j]}).rank() {
			best[d] = i
		}
	}
	local := func(r *model.Route) bool {
		for _, b := range blocks {
			if b.IsValid() && b.Bits() <= r.Dest.Bits() && b.Contains(r.Dest.Addr()) {
				return true
			}
		}
		return false
	}
	var out []model.Route
	for i := range rs {
		r := &rs[i]
		if j, ok := best[r.Dest.Masked()]; r.Dest.IsValid() && (!ok || j != i || IsPropagated(r) && local(r)) {
			continue
		}
		out = append(out, *r)
	}
	return out
}

// Text names the route as explanations do: "route 0.0.0.0/0 -> igw/main".
func (e Route) Text() string {
	target := ""
	switch {
	case e.Route == nil && e.Endpoint != nil:
		target = string(e.Endpoint.Addr)
	case e.Route == nil:
	case e.Route.TargetKind == model.TargetLocal:
		target = "local"
	case e.Route.TargetKind == model.TargetBlackhole:
		target = "blackhole"
	case e.Route.Target.IsZero():
		target = string(e.Route.TargetKind)
	default:
		target = string(e.Route.Target)
	}
	if e.Route != nil && e.Route.Propagated {
		target += " (propagated)"
	}
	return fmt.Sprintf("route %s -> %s", e.Label, target)
}

// Kind is the route's target kind; a gateway endpoint recorded on the
// endpoint is TargetEndpoint.
func (e Route) Kind() model.TargetKind {
	if e.Route == nil {
		return model.TargetEndpoint
	}
	return e.Route.TargetKind
}

// Target is the route's target address ("" for local and blackhole).
func (e Route) Target() model.ResourceRef {
	if e.Route == nil {
		if e.Endpoint != nil {
			return e.Endpoint.Addr
		}
		return ""
	}
	return e.Route.Target
}
