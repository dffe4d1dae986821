package compile

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/region"
	"github.com/moatnet/moat/spec"
)

// Fixed addresses other packages rely on.
const (
	VPCAddr  model.ResourceRef = "vpc/main"
	IGWAddr  model.ResourceRef = "igw/main"
	EIGWAddr model.ResourceRef = "eigw/main"
)

// IPv6Standin is the /56 a dual-stack design uses until Amazon assigns the
// real one at deploy time; it is in the documentation range, so it can
// never be mistaken for a live address.
var IPv6Standin = netip.MustParsePrefix("2001:db8::/56")

// SSLPolicy is the TLS policy of every ALB and NLB listener: AWS's current
// recommendation (TLS 1.3 and 1.2 with strong ciphers only, plus hybrid
// post-quantum key exchange for clients that offer it).
const SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

// APIGatewaySecurityPolicy is the TLS policy of an API Gateway custom
// domain.
const APIGatewaySecurityPolicy = "TLS_1_2"

// ipv6Base is the first /64 index of each tier inside the /56: eight zone
// slots per tier, like the IPv4 plan.
var ipv6Base = map[model.Tier]int{model.Public: 0, model.Private: 8, model.Isolated: 16}

// tierOrder is the order of tiers inside a zone wherever the model lists
// subnets.
var tierOrder = []model.Tier{model.Public, model.Private, model.Isolated}

// compiler holds the state of one Compile call.
type compiler struct {
	s     *spec.Stack
	d     diag.List
	n     *model.Network
	zones []string
	ipv6  bool
	v6    netip.Prefix // the VPC's IPv6 /56, or zero
	tiers []model.Tier // tiers this design has, in tierOrder
	app   model.Tier   // where the service lives: private, or isolated without NAT
	// zonesOK is set when the zones were picked without error, so checks
	// on the zone count do not pile onto a zone already reported.
	zonesOK bool
	// subnets[tier][zone] is the address of a tier's subnet in a zone, in
	// the VPC the workloads live in.
	subnets map[model.Tier][]model.ResourceRef
	// vpcs are the design's VPCs, with their roles; home is the one the
	// workloads live in, once its subnets are built.
	vpcs []*vpcPlan
	home *vpcPlan
	// topo is the design's topology: a single VPC, or hub-and-spoke.
	topo topology
}

// Compile turns a parsed, defaulted stack into a network with moat's secure
// defaults. Problems are diagnostics positioned with s.Where; when any is
// an error the network is nil. Warnings come with a network.
func Compile(s *spec.Stack) (*model.Network, diag.List) {
	if s == nil {
		var d diag.List
		d.Errorf(diag.Range{}, "", "no stack to compile")
		return nil, d
	}
	c := newCompiler(s)
	c.pickZones()
	if s.Hub != nil {
		return c.compileHub()
	}
	c.check()
	plan := c.plan()
	if c.d.HasErrors() {
		return nil, c.d
	}
	v := &vpcPlan{role: roleSingle, addr: VPCAddr, cidr: s.Network.CIDR, path: "network.cidr", tiers: c.tiers,
		// Each zone's private subnets may use their own NAT.
		zonal:    []model.Tier{model.Private},
		gateways: s.Network.Endpoints.Gateway, interfaces: s.Network.Endpoints.Interface}
	if c.ipv6 {
		c.v6, v.v6 = IPv6Standin, IPv6Standin
	}
	c.vpcs = []*vpcPlan{v}
	return c.build(map[*vpcPlan][]PlannedSubnet{v: plan})
}

// newCompiler starts compiling s.
func newCompiler(s *spec.Stack) *compiler {
	c := &compiler{s: s, ipv6: s.Network.IPv6, subnets: map[model.Tier][]model.ResourceRef{}}
	c.topo = oneVPC{c}
	return c
}

// finish ends compiling as every input ends: in model.Finish, which checks
// the design's references. A problem it finds is a bug in the compiler,
// reported with the stack's diagnostics.
func (c *compiler) finish() (*model.Network, diag.List) {
	n, d := model.Finish(model.Input{Network: c.n})
	c.d = append(c.d, d...)
	if c.d.HasErrors() {
		return nil, c.d
	}
	return n, c.d
}

// hasNAT reports whether private subnets reach the internet through NAT.
func (c *compiler) hasNAT() bool { return c.s.Network.NAT.Mode != spec.NATNone }

// pickZones takes the spec's AZ IDs, or the first Count of the Region's.
func (c *compiler) pickZones() {
	before := len(c.d)
	defer func() { c.zonesOK = len(c.d) == before && len(c.zones) > 0 }()
	z := c.s.Network.Zones
	if len(z.IDs) > 0 {
		for i, id := range z.IDs {
			switch {
			case slices.Contains(c.zones, id):
				c.d.Errorf(c.s.Where(fmt.Sprintf("network.zones[%d]", i)), "list each zone once", "zone %s is listed twice", id)
			case region.Known(c.s.Region) && !region.HasZone(c.s.Region, id):
				hint := fmt.Sprintf("%s has %v", c.s.Region, region.ZoneIDs(c.s.Region))
				if region.LooksLikeZoneName(id) {
					hint = "use AZ IDs (use1-az1), not AZ names (us-east-1a): names differ between accounts"
				}
				c.d.Errorf(c.s.Where(fmt.Sprintf("network.zones[%d]", i)), hint, "%s is not an AZ ID of %s", id, c.s.Region)
			default:
				c.zones = append(c.zones, id)
			}
		}
		return
	}
	if !region.Known(c.s.Region) {
		c.d.Errorf(c.s.Where("region"), fmt.Sprintf("known Regions: %v", region.Names()), "moat does not know the zones of Region %q", c.s.Region)
		return
	}
	all := region.ZoneIDs(c.s.Region)
	switch {
	case z.Count < 1:
		c.d.Errorf(c.s.Where("network.zones"), "use 2 or 3 zones", "a network needs at least one zone")
	case z.Count > len(all):
		c.d.Errorf(c.s.Where("network.zones"), fmt.Sprintf("%s offers %v", c.s.Region, all), "%s has %d zones, not %d", c.s.Region, len(all), z.Count)
	default:
		c.zones = all[:z.Count]
	}
}

// check validates what the parser cannot know alone: combinations of
// sections, and choices moat refuses because they are insecure.
func (c *compiler) check() {
	s := c.s
	switch s.Network.NAT.Mode {
	case spec.NATInstance, spec.NATGateway, spec.NATGatewayPerZone, spec.NATRegionalGateway, spec.NATNone:
	default:
		c.d.Errorf(s.Where("network.nat"), "use instance, gateway, gateway-per-zone, regional-gateway or none", "unknown NAT mode %q", s.Network.NAT.Mode)
	}
	fe := s.FrontEnd
	switch fe.Kind {
	case spec.FrontEndNone:
	case spec.FrontEndALB, spec.FrontEndNLB, spec.FrontEndAPIGateway:
		if s.Service == nil {
			c.d.Errorf(s.Where("frontend.kind"), "add a service section, or set frontend.kind: none", "a %s front end needs a service to forward to", fe.Kind)
		}
		if !fe.InternetFacing {
			for i, p := range fe.AllowFrom {
				if p.Bits() == 0 {
					c.d.Errorf(s.Where(fmt.Sprintf("frontend.allow_from[%d]", i)), "name the networks that may call it, such as the VPC CIDR or a peered range",
						"an internal front end may not allow %s", p)
				}
			}
		}
	default:
		c.d.Errorf(s.Where("frontend.kind"), "use alb, nlb, api-gateway or none", "unknown front end %q", fe.Kind)
	}
	c.checkEdge()
	if s.Database != nil && c.zonesOK && len(c.zones) < 2 {
		c.d.Errorf(s.Where("network.zones"), "use zones: 2 or more; a single-AZ database still needs a subnet group in two zones",
			"RDS needs subnets in at least two zones")
	}
	if b := s.Bastion; b != nil {
		switch b.Mode {
		case model.BastionSSH:
			if len(b.AllowFrom) == 0 {
				c.d.Errorf(s.Where("bastion"), "list the office or VPN ranges that may connect, or use mode: ssm", "an ssh bastion needs allow_from")
			}
			for i, p := range b.AllowFrom {
				if p.Bits() == 0 {
					c.d.Errorf(s.Where(fmt.Sprintf("bastion.allow_from[%d]", i)), "name your office or VPN range, or use mode: ssm, which needs no open port",
						"SSH open to the whole internet (%s)", p)
				}
			}
		case model.BastionSSM:
		default:
			c.d.Errorf(s.Where("bastion.mode"), "use ssh or ssm", "unknown bastion mode %q", b.Mode)
		}
	}
	if c.ipv6 && len(c.zones) > slotsPerTier {
		c.d.Errorf(s.Where("network.zones"), "", "IPv6 subnets are numbered for at most %d zones", slotsPerTier)
	}
}

// plan runs the CIDR planner over the tiers this design has and turns its
// errors into positioned diagnostics.
func (c *compiler) plan() []PlannedSubnet {
	s := c.s
	c.app = model.Private
	c.tiers = []model.Tier{model.Public, model.Private, model.Isolated}
	if !c.hasNAT() {
		c.app = model.Isolated
		c.tiers = []model.Tier{model.Public, model.Isolated}
		if _, ok := s.Network.Subnets[model.Private]; ok {
			c.d.Warnf(s.Where("network.subnets.private"), "size the app subnets under subnets.isolated",
				"nat: none has no private tier (the app lives in the isolated subnets); subnets.private is ignored")
		}
	}
	for t := range s.Network.Subnets {
		if !slices.Contains(tierOrder, t) {
			c.d.Errorf(s.Where("network.subnets."+string(t)), "use public, private or isolated", "unknown subnet tier %q", t)
		}
	}
	if !c.zonesOK {
		return nil
	}
	vpc := s.Network.CIDR
	var reqs []TierRequest
	tooSmall := false
	// Request order is the planner's tie order, so the default layout is
	// private, isolated, public from the bottom of the VPC.
	for _, t := range []model.Tier{model.Private, model.Isolated, model.Public} {
		if !slices.Contains(c.tiers, t) {
			continue
		}
		r := TierRequest{Tier: t}
		o, ok := s.Network.Subnets[t]
		switch {
		case ok && len(o.CIDRs) > 0:
			r.CIDRs = o.CIDRs
		case ok && o.Size != 0:
			r.Size = o.Size
		default:
			if vpc.IsValid() && vpc.Bits() > MaxDefaultVPCBits {
				tooSmall = true
				continue
			}
			r.Size = DefaultSize(vpc.Bits(), t == c.app)
		}
		reqs = append(reqs, r)
	}
	if tooSmall {
		c.d.Errorf(s.Where("network.cidr"), "moat needs a /22 or larger; use /16 for room to grow",
			"the VPC %s is too small for the default subnets", vpc)
		return nil
	}
	planned, ds := PlanSubnets(vpc, len(c.zones), reqs, func(in PlanInput) diag.Range { return c.s.Where(c.planPath(in)) })
	c.d = append(c.d, ds...)
	if ds.HasErrors() {
		return nil
	}
	for _, p := range planned {
		if p.Tier == c.app && model.UsableAddresses(p.CIDR) < 64 {
			c.d.Warnf(c.s.Where(c.tierPath(p.Tier, p.Zone)), "tasks and pods take one address each; use a larger size",
				"app subnet %s has only %d usable addresses", p.CIDR, model.UsableAddresses(p.CIDR))
		}
	}
	return planned
}

// planPath is the spec path a planner error is about.
func (c *compiler) planPath(e PlanInput) string {
	base := "network.subnets." + string(e.Tier)
	switch e.Field {
	case FieldVPC:
		return "network.cidr"
	case FieldZones:
		return "network.zones"
	case FieldSize:
		return base + ".size"
	case FieldCIDRs:
		if e.Index >= 0 {
			return fmt.Sprintf("%s.cidrs[%d]", base, e.Index)
		}
		return base + ".cidrs"
	case FieldFit:
		if o, ok := c.s.Network.Subnets[e.Tier]; ok && o.Size != 0 {
			return base + ".size"
		}
		return "network.cidr"
	}
	return base
}

// tierPath is where a tier's size comes from in the spec, for warnings.
func (c *compiler) tierPath(t model.Tier, zone int) string {
	o, ok := c.s.Network.Subnets[t]
	switch {
	case ok && len(o.CIDRs) > 0:
		return fmt.Sprintf("network.subnets.%s.cidrs[%d]", t, zone)
	case ok && o.Size != 0:
		return fmt.Sprintf("network.subnets.%s.size", t)
	}
	return "network.cidr"
}

func (c *compiler) tags() []model.Tag { return slices.Clone(c.s.Tags) }

// SubnetAddr is the address of a tier's subnet in a zone of the single
// VPC.
func SubnetAddr(t model.Tier, zone string) model.ResourceRef {
	return (&vpcPlan{}).subnet(t, zone)
}

// appSubnets are where the service, internal front ends and interface
// endpoints live.
func (c *compiler) appSubnets() []model.ResourceRef { return slices.Clone(c.subnets[c.app]) }
