package compile

import (
	"net/netip"
	"reflect"
	"slices"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Placement is where a stack goes in a VPC it did not create, as package
// existing picks it.
type Placement struct {
	VPC   model.ResourceRef
	CIDR  netip.Prefix // the VPC's primary IPv4 block
	Zones []string     // the service's zones, sorted
	// Subnets are the existing subnets per tier; App is the service's.
	Subnets map[model.Tier][]model.ResourceRef
	App     model.Tier
	// HaveGateway are gateway endpoint services the VPC already has;
	// RouteTables the app and database subnets' tables, where the
	// stack's gateway endpoints add their routes.
	HaveGateway []string
	RouteTables []model.ResourceRef
	Changes     []model.Change
}

// Into compiles s into the existing network in (finished, as an importer
// returns it): the result holds everything in plus what the stack adds,
// security groups, front end, service, database, bastion, endpoints and
// flow logs, with in's resources listed in Existing.Found. It creates no
// subnet, route table, gateway, NAT or network ACL: the VPC's own serve.
func Into(s *spec.Stack, in *model.Network, pl Placement) (*model.Network, diag.List) {
	st := *s
	st.Network.CIDR = pl.CIDR
	st.Network.Zones = spec.Zones{Count: len(pl.Zones), IDs: slices.Clone(pl.Zones)}
	st.Network.Endpoints.Gateway = slices.DeleteFunc(slices.Clone(st.Network.Endpoints.Gateway), func(g string) bool { return slices.Contains(pl.HaveGateway, g) })
	st.FrontEnd.AllowFrom = slices.Clone(st.FrontEnd.AllowFrom)
	for i, p := range st.FrontEnd.AllowFrom {
		if !p.IsValid() {
			st.FrontEnd.AllowFrom[i] = pl.CIDR // the internal default: the VPC
		}
	}
	c := newCompiler(&st)
	c.ipv6, c.zones, c.app = false, slices.Clone(pl.Zones), pl.App
	c.home = &vpcPlan{role: roleSingle, addr: VPCAddr, cidr: pl.CIDR, subnets: c.subnets,
		gateways: st.Network.Endpoints.Gateway, interfaces: st.Network.Endpoints.Interface}
	c.vpcs = []*vpcPlan{c.home}
	for t, as := range pl.Subnets {
		c.subnets[t] = slices.Clone(as)
		c.tiers = append(c.tiers, t)
	}
	if len(c.zones) == 0 {
		c.zones = zonesOf(in, pl.Subnets[model.Isolated])
	}
	st.Network.NAT.Mode = spec.NATNone
	c.check()
	if c.d.HasErrors() || len(c.zones) == 0 {
		return nil, c.d
	}
	if pl.App == model.Private {
		// An empty mode is the VPC's own NAT: private subnets have a way
		// out that this stack does not build (hasNAT), and no NAT note
		// is due.
		st.Network.NAT.Mode = ""
	}
	c.n = &model.Network{Name: s.Name, Region: s.Region, Environment: s.Environment, Tags: c.tags()}
	c.buildSecurityGroups()
	c.buildEndpoints()
	for i := range c.n.Endpoints {
		if c.n.Endpoints[i].Type == model.GatewayEndpoint {
			c.n.Endpoints[i].RouteTables = slices.Clone(pl.RouteTables)
		}
	}
	c.buildFlowLogs()
	c.buildWorkloads()
	c.buildNotes()
	c.decide()
	scalingTopic(c.n, st.Network.NAT.Notify)
	recordWaivers(c.n)
	renameAddress(reflect.ValueOf(c.n).Elem(), VPCAddr, pl.VPC)

	out := merge(in, c.n)
	// The NAT is the VPC's, not the stack's: there are no options to
	// compare, whatever the network read in held.
	out.NATOptions = nil
	out.Existing = &model.Existing{VPC: pl.VPC, Found: model.ExistingFound(in), Subnets: pl.Subnets, Changes: slices.Clone(pl.Changes)}
	out.AddWorkloadENIs()
	n, d := model.Finish(model.Input{Network: out})
	c.d = append(c.d, d...)
	if c.d.HasErrors() {
		return nil, c.d
	}
	return n, c.d
}

// zonesOf lists the zones of the subnets as, in order.
func zonesOf(n *model.Network, as []model.ResourceRef) []string {
	var out []string
	for _, a := range as {
		if sn, ok := n.Subnet(a); ok && !slices.Contains(out, sn.ZoneID) {
			out = append(out, sn.ZoneID)
		}
	}
	return out
}

// merge returns a new network holding in's resources, then the stack's,
// list by list, with the stack's name, zones, tags, notes and waivers.
func merge(in, stack *model.Network) *model.Network {
	out := &model.Network{}
	o, a, b := reflect.ValueOf(out).Elem(), reflect.ValueOf(in).Elem(), reflect.ValueOf(stack).Elem()
	for i := range o.NumField() {
		if !o.Type().Field(i).IsExported() || o.Field(i).Kind() != reflect.Slice {
			continue
		}
		joined := reflect.MakeSlice(o.Field(i).Type(), 0, a.Field(i).Len()+b.Field(i).Len())
		joined = reflect.AppendSlice(joined, a.Field(i))
		o.Field(i).Set(reflect.AppendSlice(joined, b.Field(i)))
	}
	out.Name, out.Region, out.Environment = stack.Name, stack.Region, stack.Environment
	out.Tags = stack.Tags
	out.Zones = nil
	for _, z := range slices.Concat(in.Zones, stack.Zones) {
		if !slices.Contains(out.Zones, z) {
			out.Zones = append(out.Zones, z)
		}
	}
	return out
}

// renameAddress replaces every Address from with to inside v: the
// stack's resources name the VPC they go into as moat names its own.
func renameAddress(v reflect.Value, from, to model.ResourceRef) {
	addrType := reflect.TypeFor[model.ResourceRef]()
	switch v.Kind() {
	case reflect.String:
		if v.Type() == addrType && v.CanSet() && model.ResourceRef(v.String()) == from {
			v.SetString(string(to))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				renameAddress(v.Field(i), from, to)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			renameAddress(v.Index(i), from, to)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			renameAddress(v.Elem(), from, to)
		}
	}
}
