package awsjson

import (
	"cmp"
	"net/netip"

	"github.com/moatnet/moat/model"
)

func (b *builder) vpcs() {
	for _, f := range b.files {
		for _, v := range f.d.Vpcs {
			if !b.first("vpc", v.VpcId) {
				continue
			}
			m := model.VPC{
				Addr: a("vpc", v.VpcId), Name: nameTag(v.Tags), Tags: tags(v.Tags),
				CIDR:    b.prefix(f, "vpc "+v.VpcId, v.CidrBlock),
				Account: cmp.Or(f.scope.account, v.OwnerId),
				Region:  f.scope.region,
			}
			for _, c := range v.CidrBlockAssociationSet {
				if st := c.CidrBlockState.State; (st == "associated" || st == "") && c.CidrBlock != v.CidrBlock {
					if p := b.prefix(f, "vpc "+v.VpcId, c.CidrBlock); p.IsValid() {
						m.SecondaryCIDRs = append(m.SecondaryCIDRs, p)
					}
				}
			}
			for _, c := range v.Ipv6CidrBlockAssociationSet {
				if st := c.Ipv6CidrBlockState.State; st == "associated" || st == "" {
					m.IPv6CIDR = b.prefix(f, "vpc "+v.VpcId, c.Ipv6CidrBlock)
					break
				}
			}
			blocks := []netip.Prefix{m.CIDR, m.IPv6CIDR}
			for _, c := range v.CidrBlockAssociationSet {
				if p, err := netip.ParsePrefix(c.CidrBlock); err == nil {
					blocks = append(blocks, p)
				}
			}
			for _, c := range v.Ipv6CidrBlockAssociationSet {
				if p, err := netip.ParsePrefix(c.Ipv6CidrBlock); err == nil {
					blocks = append(blocks, p)
				}
			}
			b.vpcBlocks[v.VpcId] = blocks
			b.n.VPCs = append(b.n.VPCs, m)
		}
	}
}

func (b *builder) subnets() {
	for _, f := range b.files {
		nth := map[string]int{}
		for _, s := range f.d.Subnets {
			nth[s.SubnetId]++
			if !b.first("subnet", s.SubnetId) {
				b.repeatedSubnet(f, s, nth[s.SubnetId])
				continue
			}
			b.subnetFrom[s.SubnetId] = rawSubnetAt{f, s}
			b.subnetInVPC(f, s)
			m := model.Subnet{
				Addr: a("subnet", s.SubnetId), VPC: a("vpc", s.VpcId),
				ZoneID:      cmp.Or(s.AvailabilityZoneId, s.AvailabilityZone),
				CIDR:        b.prefix(f, "subnet "+s.SubnetId, s.CidrBlock),
				IPv6Index:   -1,
				MapPublicIP: s.MapPublicIpOnLaunch,
				AssignIPv6:  s.AssignIpv6AddressOnCreation,
				Tags:        tags(s.Tags),
			}
			for _, c := range s.Ipv6CidrBlockAssociationSet {
				if st := c.Ipv6CidrBlockState.State; st == "associated" || st == "" {
					m.IPv6CIDR = b.prefix(f, "subnet "+s.SubnetId, c.Ipv6CidrBlock)
					break
				}
			}
			if r := regionOfZone(s.AvailabilityZone); r != "" {
				if _, ok := b.vpcRegion[s.VpcId]; !ok {
					b.vpcRegion[s.VpcId] = r
				}
			}
			b.n.Subnets = append(b.n.Subnets, m)
		}
	}
}

// repeatedSubnet reports a subnet id read before: twice in one file is
// an edited or concatenated file, and two files that disagree on the
// subnet's VPC or CIDR describe different things under one id. The same
// subnet in two files (a shared VPC seen from two accounts) is fine.
func (b *builder) repeatedSubnet(f file, s rawSubnet, nth int) {
	first, ok := b.subnetFrom[s.SubnetId]
	if !ok || s.SubnetId == "" {
		return
	}
	if first.f.name == f.name {
		b.r.diags.Errorf(f.at("SubnetId", s.SubnetId, nth), "each subnet appears once in describe-subnets; save the command's output unchanged",
			"subnet %s appears twice in this file", s.SubnetId)
		return
	}
	if first.s.VpcId != s.VpcId || first.s.CidrBlock != s.CidrBlock {
		b.r.diags.Errorf(f.at("SubnetId", s.SubnetId, nth), "remove the stale file; "+first.f.name+" has the subnet in "+first.s.VpcId+" as "+first.s.CidrBlock,
			"subnet %s is %s in %s here, but %s says otherwise", s.SubnetId, s.CidrBlock, s.VpcId, first.f.name)
	}
}

// subnetInVPC reports a subnet whose CIDR lies outside every block of its
// VPC, which AWS does not allow: the file is not what AWS printed.
func (b *builder) subnetInVPC(f file, s rawSubnet) {
	blocks, ok := b.vpcBlocks[s.VpcId]
	if !ok {
		return // dangling() reports the missing VPC
	}
	check := func(key, cidr string) {
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return // prefix() warns
		}
		for _, v := range blocks {
			if v.IsValid() && v.Bits() <= p.Bits() && v.Contains(p.Addr()) {
				return
			}
		}
		b.r.diags.Errorf(f.at(key, cidr, 1), "a subnet's CIDR must lie inside one of its VPC's CIDR blocks; check that describe-vpcs and describe-subnets come from the same account and Region",
			"subnet %s (%s) is outside every CIDR block of its VPC %s", s.SubnetId, cidr, s.VpcId)
	}
	check("CidrBlock", s.CidrBlock)
	for _, c := range s.Ipv6CidrBlockAssociationSet {
		if st := c.Ipv6CidrBlockState.State; st == "associated" || st == "" {
			check("Ipv6CidrBlock", c.Ipv6CidrBlock)
		}
	}
}

// regionOfZone turns an AZ name (us-east-2b, us-west-2-lax-1a) into its
// Region: the name up to and including the first run of digits.
func regionOfZone(z string) string {
	for i := 0; i < len(z); i++ {
		if z[i] >= '0' && z[i] <= '9' {
			j := i
			for j < len(z) && z[j] >= '0' && z[j] <= '9' {
				j++
			}
			return z[:j]
		}
	}
	return ""
}
