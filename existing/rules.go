package existing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/region"
	"github.com/moatnet/moat/spec"
)

// typeNeed is an instance type the stack launches and where the spec
// sets it (or the section it belongs to, for a default).
type typeNeed struct{ name, path string }

// lbPublic reports whether the front end is an internet-facing load
// balancer, which lives in public subnets.
func (p *picker) lbPublic() bool {
	fe := p.s.FrontEnd
	return p.s.Service != nil && fe.InternetFacing && (fe.Kind == spec.FrontEndALB || fe.Kind == spec.FrontEndNLB)
}

func (p *picker) appTypes() []typeNeed {
	if sv := p.s.Service; sv != nil && sv.Kind != model.ECSFargate {
		return []typeNeed{{sv.InstanceType, "service.instance_type"}}
	}
	return nil
}

// placeApp picks the service's subnets: private ones, or isolated ones
// when the VPC has no private subnet and S3 is reached by an endpoint.
func (p *picker) placeApp(explicit map[model.Tier][]*model.Subnet) {
	p.ch.App = model.Private
	if p.s.Service == nil {
		return
	}
	cands, named := p.candidates(model.Private, explicit)
	if len(cands) == 0 && !named {
		iso, _ := p.candidates(model.Isolated, explicit)
		if len(iso) == 0 {
			p.d.Errorf(p.at("service"), p.fixSubnet(model.Private, p.regionZones()),
				"the service needs private subnets behind its front end, and %s has none", model.AWSID(p.vpc.Addr))
			return
		}
		p.ch.App, cands = model.Isolated, iso
		p.d.Warnf(p.at("service"), p.fixSubnet(model.Private, zonesOf(iso)),
			"%s has no private subnet: the service runs in its isolated subnets and reaches AWS only through endpoints, nothing else on the internet", model.AWSID(p.vpc.Addr))
	}
	if !named && p.lbPublic() {
		// A load balancer sends nothing to targets in a zone it is not
		// enabled in: prefer zones that have a public subnet too.
		pub, _ := p.candidates(model.Public, explicit)
		withPublic := slices.DeleteFunc(slices.Clone(cands), func(sn *model.Subnet) bool { return !slices.Contains(zonesOf(pub), sn.ZoneID) })
		if len(withPublic) > 0 {
			cands = withPublic
		}
	}
	cands = onePerZone(p.offered(cands, p.appTypes(), named, p.ch.App))
	if !named && len(cands) > p.s.Network.Zones.Count {
		cands = cands[:p.s.Network.Zones.Count]
	}
	if len(cands) == 0 {
		return // reported by offered
	}
	p.ch.Subnets[p.ch.App] = addrs(cands)
	p.ch.Zones = zonesOf(cands)
	if len(p.ch.Zones) == 1 && p.s.Environment == model.Prod {
		p.d.Warnf(p.at("service"), p.fixSubnet(p.ch.App, p.regionZones()),
			"the service runs in one zone (%s): a zone outage takes it down", p.ch.Zones[0])
	}
}

// placePublic picks the public subnets of an internet-facing load
// balancer (one per zone of the service) and of a bastion.
func (p *picker) placePublic(explicit map[model.Tier][]*model.Subnet) {
	b := p.s.Bastion
	bastion := b != nil && (b.Mode == model.BastionSSH || p.ch.App != model.Private)
	if !p.lbPublic() && !bastion {
		return
	}
	cands, named := p.candidates(model.Public, explicit)
	var bastionTypes []typeNeed
	if bastion {
		bastionTypes = []typeNeed{{compile.BastionInstanceType, "bastion"}}
	}
	cands = onePerZone(p.offered(cands, bastionTypes, named, model.Public))
	if !p.lbPublic() {
		if len(cands) == 0 {
			p.d.Errorf(p.at("bastion"), p.fixSubnet(model.Public, p.ch.Zones),
				"a bastion belongs in a public subnet, and %s has none", model.AWSID(p.vpc.Addr))
			return
		}
		p.ch.Subnets[model.Public] = addrs(cands[:1])
		return
	}
	var in []*model.Subnet
	var missing []string
	for _, z := range p.ch.Zones {
		i := slices.IndexFunc(cands, func(sn *model.Subnet) bool { return sn.ZoneID == z })
		if i < 0 {
			missing = append(missing, z)
			continue
		}
		in = append(in, cands[i])
	}
	least := 1
	if p.s.FrontEnd.Kind == spec.FrontEndALB {
		least = 2 // an ALB needs subnets in two zones
	}
	switch {
	case len(p.ch.Zones) == 0 || p.rejected:
		return // the service's subnets are reported
	case len(in) < least:
		want := append(slices.Clone(missing), p.regionZones()...)
		p.d.Errorf(p.at("frontend", "service"), p.fixSubnet(model.Public, want),
			"an internet-facing %s needs public subnets in %d zones of the service (%s); %s has %d", p.s.FrontEnd.Kind, least, strings.Join(p.ch.Zones, ", "), model.AWSID(p.vpc.Addr), len(in))
		return
	case len(missing) > 0:
		p.d.Warnf(p.at("frontend", "service"), p.fixSubnet(model.Public, missing),
			"the load balancer has no public subnet in %s: the service's tasks there get no requests", strings.Join(missing, ", "))
	}
	p.ch.Subnets[model.Public] = addrs(in)
}

// placeDatabase picks isolated subnets in at least two zones, the
// service's zones first.
func (p *picker) placeDatabase(explicit map[model.Tier][]*model.Subnet) {
	db := p.s.Database
	if db == nil {
		return
	}
	cands, named := p.candidates(model.Isolated, explicit)
	types := []typeNeed{{strings.TrimPrefix(db.InstanceClass, "db."), "database.instance_class"}}
	one := onePerZone(p.offered(cands, types, named, model.Isolated))
	slices.SortStableFunc(one, func(a, b *model.Subnet) int {
		return boolRank(!slices.Contains(p.ch.Zones, a.ZoneID)) - boolRank(!slices.Contains(p.ch.Zones, b.ZoneID))
	})
	if len(one) < 2 {
		at := "database"
		if named {
			at = "network.subnets.isolated"
		}
		have := zonesOf(one)
		p.d.Errorf(p.at(at, "database"), p.fixSubnet(model.Isolated, append(slices.Clone(p.ch.Zones), p.regionZones()...), have...),
			"the database needs isolated subnets in at least two zones; %s has them in %d%s", model.AWSID(p.vpc.Addr), len(have), inZones(have))
		return
	}
	if !named {
		one = one[:max(2, min(len(one), len(p.ch.Zones)))]
	}
	p.ch.Subnets[model.Isolated] = addrs(one)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func inZones(z []string) string {
	if len(z) == 0 {
		return ""
	}
	return " (" + strings.Join(z, ", ") + ")"
}

// offered keeps the subnets in zones that offer every type in types. A
// subnet the spec names in a zone that lacks one is an error at it; when
// none is left of what moat could pick, the type is.
func (p *picker) offered(cands []*model.Subnet, types []typeNeed, named bool, t model.Tier) []*model.Subnet {
	var out []*model.Subnet
	lacking := map[string][]string{} // type -> zones
	for _, sn := range cands {
		ok := true
		for _, tn := range types {
			has, known := p.offers.Offers(sn.ZoneID, tn.name)
			switch {
			case !known:
				p.unknown[sn.ZoneID] = true
			case !has:
				ok = false
				lacking[tn.name] = append(lacking[tn.name], sn.ZoneID)
				if named {
					p.rejected = true
					p.d.Errorf(p.s.Where(p.pathOf(t, sn)), p.offeringHint(tn.name),
						"%s is not offered in %s, the zone of %s (%s needs it)", tn.name, sn.ZoneID, model.AWSID(sn.Addr), tn.path)
				}
			}
		}
		if ok {
			out = append(out, sn)
		}
	}
	if len(out) == 0 && len(cands) > 0 && !named {
		for _, tn := range types {
			if z := lacking[tn.name]; len(z) > 0 {
				p.d.Errorf(p.at(tn.path, strings.SplitN(tn.path, ".", 2)[0]), p.offeringHint(tn.name),
					"%s is not offered in any zone of the VPC's %s subnets (%s)", tn.name, t, strings.Join(zonesOf(cands), ", "))
			}
		}
	}
	return out
}

// offeringHint names the zones of the Region that offer type t.
func (p *picker) offeringHint(t string) string {
	var zones []string
	for _, z := range p.regionZones() {
		if has, _ := p.offers.Offers(z, t); has {
			zones = append(zones, z)
		}
	}
	if len(zones) == 0 {
		return "choose an instance type the VPC's zones offer (aws ec2 describe-instance-type-offerings --location-type availability-zone-id)"
	}
	return fmt.Sprintf("use subnets in %s, which offer %s, or choose another instance type", strings.Join(zones, ", "), t)
}

// pathOf is the spec path of a subnet the spec names.
func (p *picker) pathOf(t model.Tier, sn *model.Subnet) string {
	i := slices.Index(p.s.Network.ExistingSubnets[t], model.AWSID(sn.Addr))
	return spec.ExistingPath(t, max(i, 0))
}

// regionZones are the zones of the Region, those with offerings and
// those the VPC uses, sorted.
func (p *picker) regionZones() []string {
	out := region.ZoneIDs(p.s.Region)
	for z := range p.offers {
		if !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	for _, sn := range p.subnets {
		if !slices.Contains(out, sn.ZoneID) {
			out = append(out, sn.ZoneID)
		}
	}
	slices.Sort(out)
	return out
}

// reportUnknownOfferings warns once that zones' offerings were not read.
func (p *picker) reportUnknownOfferings() {
	if len(p.unknown) == 0 {
		return
	}
	var zones []string
	for z := range p.unknown {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	p.d.Warnf(p.s.Where("network.existing"), "add describe-instance-type-offerings.json (aws ec2 describe-instance-type-offerings --location-type availability-zone-id; moat snapshot writes it)",
		"the instance types offered in %s were not read: moat did not check that the stack's types are offered there", strings.Join(zones, ", "))
}
