package spec

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
	"go.yaml.in/yaml/v4"
)

// subnets reads the per-tier overrides. Only the tiers the file names are
// in the result; the compiler plans the rest. CIDRs are checked against
// the VPC and each other here, where their positions are known; sizes are
// left to the compiler's planner, which knows what fits.
func (p *parser) subnets(sec field, zonesOK, cidrOK bool) map[model.Tier]SubnetPlan {
	f, order := p.fields("network.subnets", sec, tiers)
	if len(order) == 0 {
		return nil
	}
	out := map[model.Tier]SubnetPlan{}
	var all []placed
	for _, tier := range order {
		path := "network.subnets." + tier
		plan, cidrs := p.subnetPlan(path, f[tier], zonesOK)
		out[model.Tier(tier)] = plan
		all = append(all, cidrs...)
	}
	if len(all) > 64 {
		// More CIDRs than any region has zones times tiers: the count
		// check has reported it; skip the quadratic overlap check.
		return out
	}
	vpc := p.st.Network.CIDR
	for i, a := range all {
		if cidrOK && !containsPrefix(vpc, a.pf) {
			p.errorf(a.n, fmt.Sprintf("use a range inside network.cidr %s", vpc), "%s %s is outside the VPC %s", a.path, a.pf, vpc)
		}
		for _, b := range all[:i] {
			if a.pf.Overlaps(b.pf) {
				p.errorf(a.n, "give every subnet its own range", "%s %s overlaps %s %s", a.path, a.pf, b.path, b.pf)
			}
		}
	}
	return out
}

// placed is an explicit subnet CIDR and where it was written.
type placed struct {
	path string
	pf   netip.Prefix
	n    *yaml.Node
}

// subnetPlan reads one tier: {size: N} or {cidrs: [...]}, not both.
func (p *parser) subnetPlan(path string, sec field, zonesOK bool) (SubnetPlan, []placed) {
	var plan SubnetPlan
	f, _ := p.fields(path, sec, subnetKeys)
	size, cidrs := f["size"], f["cidrs"]
	switch {
	case size.present() && cidrs.present():
		p.errorf(cidrs.key, "keep size (the planner places the subnets) or cidrs (you place them), not both", "%s sets both size and cidrs", path)
		return plan, nil
	case !size.present() && !cidrs.present():
		if sec.val.Kind == yaml.MappingNode || p.isNull(sec.val) {
			p.errorf(sec.key, "write {size: 24} or {cidrs: [...]} with one CIDR per zone, or remove the tier", "%s needs size or cidrs", path)
		}
		return plan, nil
	case size.present():
		plan.Size, _ = p.integer(path+".size", size.val, minBits, maxBits, fmt.Sprintf("write a prefix length from %d to %d, e.g. 24", minBits, maxBits))
		return plan, nil
	}
	items, ok := p.list(path+".cidrs", cidrs.val, "CIDRs")
	if !ok {
		return plan, nil
	}
	var out []placed
	for i, item := range items {
		if item == nil {
			continue
		}
		ip := index(path+".cidrs", i)
		if pf, ok := p.subnetPrefix(ip, item); pf.IsValid() {
			plan.CIDRs = append(plan.CIDRs, pf)
			if ok {
				out = append(out, placed{ip, pf, item})
			}
		}
	}
	z := p.st.Network.Zones.Count
	if zonesOK && len(items) != z {
		p.errorf(cidrs.key, fmt.Sprintf("give one CIDR per zone, in zone order (network.zones is %d)", z), "%s lists %d CIDRs for %d zones", path+".cidrs", len(items), z)
	}
	return plan, out
}
