package existing

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Choice is where a stack goes in an existing VPC.
type Choice struct {
	VPC model.VPC
	// Zones are the AZ IDs the service and its front end use, sorted.
	Zones []string
	// Subnets are the existing subnets to use per tier, in AZ ID order:
	// public for an internet-facing front end and an SSH bastion, App for
	// the service, isolated for the database.
	Subnets map[model.Tier][]model.ResourceRef
	// App is the service's tier: private, or isolated when the VPC has no
	// private subnet and the service needs only endpoints.
	App model.Tier
	// Classes are the VPC's subnets with the tier their routes give, in
	// AZ ID order.
	Classes []analyze.SubnetClass
	// HaveGateway are the gateway endpoint services (s3, dynamodb) the
	// VPC already has; the stack creates endpoints only for the others.
	HaveGateway []string
	// RouteTables are the tables of the app and database subnets: the
	// stack's gateway endpoints add their routes there.
	RouteTables []model.ResourceRef
	// Changes are what the stack needs of resources it did not create.
	Changes []model.Change
}

// picker holds one Pick call.
type picker struct {
	s       *spec.Stack
	n       *model.Network
	offers  model.Offerings
	d       diag.List
	vpc     *model.VPC
	class   map[model.ResourceRef]analyze.SubnetClass
	subnets []*model.Subnet // the VPC's, by AZ ID then address
	// reserved are ranges a fix already suggests, so two fixes never
	// suggest the same one.
	reserved []netip.Prefix
	unknown  map[string]bool // zones whose offerings the input lacks
	// rejected is set when a subnet the spec names was refused: checks
	// that follow from the smaller set would only repeat the cause.
	rejected bool
	ch       *Choice
}

// at is where a diagnostic about the first of paths the file spells out
// goes (a default section is not in the file): else network.existing.
func (p *picker) at(paths ...string) diag.Range {
	for _, path := range append(paths, "network.existing") {
		if r := p.s.Where(path); !r.Start.IsZero() {
			return r
		}
	}
	return p.s.Where("network.existing")
}

// Pick checks that the existing VPC the spec names can hold the stack
// and picks its subnets. The Choice is nil when a diagnostic is an error.
// n is the imported network (finished); offers the instance types per AZ
// ID, nil when the input has none.
func Pick(s *spec.Stack, n *model.Network, offers model.Offerings) (*Choice, diag.List) {
	p := &picker{s: s, n: n, offers: offers, unknown: map[string]bool{}}
	if !s.Network.IsExisting() {
		p.d.Errorf(s.Where("network"), "", "the spec names no existing VPC")
		return nil, p.d
	}
	if !p.findVPC() {
		return nil, p.d
	}
	p.ch = &Choice{VPC: *p.vpc, Subnets: map[model.Tier][]model.ResourceRef{}}
	for _, sn := range p.subnets {
		p.ch.Classes = append(p.ch.Classes, p.class[sn.Addr])
	}
	explicit := p.explicit()
	p.placeApp(explicit)
	p.placePublic(explicit)
	p.placeDatabase(explicit)
	p.wayOut()
	p.reportUnknownOfferings()
	if p.d.HasErrors() {
		return nil, p.d.Sorted()
	}
	return p.ch, p.d.Sorted()
}

// findVPC finds the spec's VPC and classifies its subnets.
func (p *picker) findVPC() bool {
	id := p.s.Network.Existing
	v, ok := p.n.VPC(model.JoinRef("vpc", id))
	if !ok {
		var have []string
		for _, v := range p.n.VPCs {
			have = append(have, model.AWSID(v.Addr))
		}
		hint := "the input holds no VPC; read the account with --from DIR (moat snapshot -o DIR) or --profile and --region"
		if len(have) > 0 {
			hint = "the input holds " + strings.Join(have, ", ")
		}
		p.d.Errorf(p.s.Where("network.existing"), hint, "VPC %s is not in the network read", id)
		return false
	}
	p.vpc = v
	ix := analyze.NewIndex(p.n)
	p.class = ix.Classify()
	p.placement(ix)
	for i := range p.n.Subnets {
		if sn := &p.n.Subnets[i]; sn.VPC == v.Addr {
			p.subnets = append(p.subnets, sn)
		}
	}
	slices.SortFunc(p.subnets, func(a, b *model.Subnet) int {
		return cmp.Or(cmp.Compare(a.ZoneID, b.ZoneID), a.CIDR.Addr().Compare(b.CIDR.Addr()))
	})
	return true
}

// placement warns about what the VPC already runs against the placement
// rules (a Lambda function outside private subnets, a proxy outside
// public ones): the stack creates none of it, but shares the VPC with it.
func (p *picker) placement(ix *analyze.Index) {
	for _, f := range ix.Placement() {
		e, ok := p.n.ENI(f.Resource)
		if !ok {
			continue
		}
		if sn, ok := p.n.Subnet(e.Subnet); !ok || sn.VPC != p.vpc.Addr {
			continue
		}
		p.d.Warnf(p.s.Where("network.existing"), f.Fix, "the VPC already runs against a placement rule: %s", f.Text)
	}
}

// tierOf is a subnet's tier by its routes.
func (p *picker) tierOf(sn *model.Subnet) model.Tier { return p.class[sn.Addr].Tier }

// explicit reads the subnets the spec names per tier, checking that each
// is in the VPC and has the tier its routes give.
func (p *picker) explicit() map[model.Tier][]*model.Subnet {
	out := map[model.Tier][]*model.Subnet{}
	for _, t := range []model.Tier{model.Public, model.Private, model.Isolated} {
		for i, id := range p.s.Network.ExistingSubnets[t] {
			at := p.s.Where(spec.ExistingPath(t, i))
			sn, ok := p.n.Subnet(model.JoinRef("subnet", id))
			switch {
			case !ok || sn.VPC != p.vpc.Addr:
				p.rejected = true
				p.d.Errorf(at, p.listTier(t), "subnet %s is not in %s", id, model.AWSID(p.vpc.Addr))
			case p.tierOf(sn) != t:
				p.rejected = true
				c := p.class[sn.Addr]
				p.d.Errorf(at, p.listTier(t), "subnet %s is %s by its routes (%s), not %s", id, c.Tier, c.Reason, t)
			default:
				out[t] = append(out[t], sn)
			}
		}
	}
	return out
}

// listTier names the VPC's subnets of a tier, for a hint.
func (p *picker) listTier(t model.Tier) string {
	var ids []string
	for _, sn := range p.subnets {
		if p.tierOf(sn) == t {
			ids = append(ids, fmt.Sprintf("%s (%s, %s)", model.AWSID(sn.Addr), sn.ZoneID, sn.CIDR))
		}
	}
	if len(ids) == 0 {
		return fmt.Sprintf("%s has no %s subnet", model.AWSID(p.vpc.Addr), t)
	}
	return fmt.Sprintf("the %s subnets of %s are %s", t, model.AWSID(p.vpc.Addr), strings.Join(ids, ", "))
}

// candidates are the VPC's subnets of tier t, or the ones the spec names.
func (p *picker) candidates(t model.Tier, explicit map[model.Tier][]*model.Subnet) ([]*model.Subnet, bool) {
	if e, ok := explicit[t]; ok || len(p.s.Network.ExistingSubnets[t]) > 0 {
		return e, true
	}
	var out []*model.Subnet
	for _, sn := range p.subnets {
		if p.tierOf(sn) == t {
			out = append(out, sn)
		}
	}
	return out, false
}

// onePerZone keeps, in each zone, the subnet with the most addresses
// (the lowest one on a tie), in AZ ID order.
func onePerZone(in []*model.Subnet) []*model.Subnet {
	best := map[string]*model.Subnet{}
	var zones []string
	for _, sn := range in {
		b, ok := best[sn.ZoneID]
		if !ok {
			zones = append(zones, sn.ZoneID)
		}
		if !ok || sn.CIDR.Bits() < b.CIDR.Bits() {
			best[sn.ZoneID] = sn
		}
	}
	slices.Sort(zones)
	out := make([]*model.Subnet, 0, len(zones))
	for _, z := range zones {
		out = append(out, best[z])
	}
	return out
}

func zonesOf(in []*model.Subnet) []string {
	var out []string
	for _, sn := range in {
		if !slices.Contains(out, sn.ZoneID) {
			out = append(out, sn.ZoneID)
		}
	}
	slices.Sort(out)
	return out
}

func addrs(in []*model.Subnet) []model.ResourceRef {
	out := make([]model.ResourceRef, 0, len(in))
	for _, sn := range in {
		out = append(out, sn.Addr)
	}
	return out
}

// class returns the class of a subnet of the VPC.
func (c *Choice) class(a model.ResourceRef) (analyze.SubnetClass, bool) {
	for _, x := range c.Classes {
		if x.Subnet == a {
			return x, true
		}
	}
	return analyze.SubnetClass{}, false
}

// Placement is the choice as the compiler takes it.
func (c *Choice) Placement() compile.Placement {
	return compile.Placement{
		VPC: c.VPC.Addr, CIDR: c.VPC.CIDR, Zones: slices.Clone(c.Zones), Subnets: c.Subnets, App: c.App,
		HaveGateway: slices.Clone(c.HaveGateway), RouteTables: slices.Clone(c.RouteTables), Changes: slices.Clone(c.Changes),
	}
}

// Build checks and places s in the existing VPC of n and compiles it
// there: the combined network, the choice, and every diagnostic.
func Build(s *spec.Stack, n *model.Network, offers model.Offerings) (*model.Network, *Choice, diag.List) {
	ch, d := Pick(s, n, offers)
	if ch == nil {
		return nil, nil, d
	}
	out, cd := compile.Into(s, n, ch.Placement())
	d = append(d, cd...)
	if out == nil {
		return nil, ch, d.Sorted()
	}
	// The tiers the routes give are the tiers the stack relies on: verify
	// and plan read them as a design's declared tiers.
	for i := range out.Subnets {
		if c, ok := ch.class(out.Subnets[i].Addr); ok && out.Subnets[i].Tier == "" {
			out.Subnets[i].Tier = c.Tier
		}
	}
	return out, ch, d.Sorted()
}
