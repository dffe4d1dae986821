package existing

import (
	"fmt"
	"net/netip"
	"slices"

	"go4.org/netipx"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
)

// free returns the first block of the VPC's address space of /bits that
// no subnet holds and no earlier fix suggested.
func (p *picker) free(bits int) (netip.Prefix, bool) {
	var b netipx.IPSetBuilder
	b.AddPrefix(p.vpc.CIDR)
	for _, c := range p.vpc.SecondaryCIDRs {
		b.AddPrefix(c)
	}
	for _, sn := range p.subnets {
		b.RemovePrefix(sn.CIDR)
	}
	for _, r := range p.reserved {
		b.RemovePrefix(r)
	}
	set, err := b.IPSet()
	if err != nil {
		return netip.Prefix{}, false
	}
	for _, pf := range set.Prefixes() {
		// Load balancers take IP targets only from private ranges, so a
		// new subnet is always cut from one.
		if pf.Addr().Is4() && pf.Bits() <= bits && analyze.IsIPTargetAddress(pf.Addr()) {
			return netip.PrefixFrom(pf.Addr(), bits), true
		}
	}
	return netip.Prefix{}, false
}

// sizeFor is the prefix length a new subnet of tier t gets: that of the
// VPC's subnets of that tier, else moat's default for the VPC's size.
func (p *picker) sizeFor(t model.Tier) int {
	for _, sn := range p.subnets {
		if p.tierOf(sn) == t {
			return sn.CIDR.Bits()
		}
	}
	return min(compile.DefaultSize(p.vpc.CIDR.Bits(), t == model.Private), 28)
}

// fixSubnet says how to add a subnet of tier t: in the first of zones
// that lacks one (and is not in have), in a free range of the VPC, with
// the route that gives it its tier.
func (p *picker) fixSubnet(t model.Tier, zones []string, have ...string) string {
	zone := ""
	for _, z := range zones {
		if slices.Contains(have, z) || p.hasTier(t, z) {
			continue
		}
		zone = z
		break
	}
	return p.fixSubnetAt(t, zone)
}

// fixSubnetAt says how to add a subnet of tier t in zone ("" for any).
func (p *picker) fixSubnetAt(t model.Tier, zone string) string {
	where := ""
	if zone != "" {
		where = " in " + zone
	}
	var pf netip.Prefix
	ok := false
	for bits := p.sizeFor(t); bits <= 28 && !ok; bits++ {
		pf, ok = p.free(bits)
	}
	if !ok {
		return fmt.Sprintf("%s has no free /28 left: associate a secondary CIDR block with it, then add %s %s subnet%s", model.AWSID(p.vpc.Addr), article(t), t, where)
	}
	p.reserved = append(p.reserved, pf)
	return fmt.Sprintf("add %s %s subnet%s: %s is free; %s", article(t), t, where, pf, p.routeFix(t, zone))
}

func (p *picker) hasTier(t model.Tier, zone string) bool {
	for _, sn := range p.subnets {
		if sn.ZoneID == zone && p.tierOf(sn) == t {
			return true
		}
	}
	return false
}

// routeFix says which route gives a new subnet its tier, naming the
// VPC's gateway, NAT or table where it has one.
func (p *picker) routeFix(t model.Tier, zone string) string {
	switch t {
	case model.Public:
		for _, g := range p.n.InternetGateways {
			if g.VPC == p.vpc.Addr {
				return "give it a route 0.0.0.0/0 to " + model.AWSID(g.Addr)
			}
		}
		return "attach an internet gateway to the VPC and give the subnet a route 0.0.0.0/0 to it"
	case model.Private:
		var nat string
		for _, g := range p.n.NATGateways {
			sn, ok := p.n.Subnet(g.Subnet)
			if g.VPC == p.vpc.Addr && !g.Private && (nat == "" || ok && sn.ZoneID == zone) {
				nat = model.AWSID(g.Addr)
			}
		}
		if nat != "" {
			return "give it a route 0.0.0.0/0 to " + nat
		}
		return "give it a route 0.0.0.0/0 to a NAT gateway in a public subnet"
	}
	for _, sn := range p.subnets {
		if p.tierOf(sn) == model.Isolated {
			if rt := p.tableOf(sn.Addr); rt != "" {
				return "associate it with " + model.AWSID(rt) + ", which has no default route"
			}
		}
	}
	return "associate it with a route table that has only the local route"
}

func article(t model.Tier) string {
	if t == model.Isolated {
		return "an"
	}
	return "a"
}
