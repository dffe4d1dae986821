package cfnimport

import (
	"net/netip"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// sgRef is a security group a rule names, and where.
type sgRef struct {
	group model.ResourceRef
	pos   diag.Pos
}

// danglingGroups warns, once per group, about rules that name a security
// group the template does not define (a literal sg-... id): what that
// group's members are is unknown, so nothing through it is proved.
func (t *tmpl) danglingGroups() {
	defined := map[model.ResourceRef]bool{}
	for _, g := range t.n.SecurityGroups {
		defined[g.Addr] = true
	}
	reported := map[model.ResourceRef]bool{}
	for _, r := range t.sgRefs {
		if r.group == "" || defined[r.group] || reported[r.group] {
			continue
		}
		reported[r.group] = true
		t.r.diags.Warnf(diag.Range{File: t.r.file, Start: r.pos},
			"define the group in the template and !GetAtt its GroupId, or import the account's describe-* output, which lists it",
			"security group %s is not defined in this template: what it allows is unknown", r.group)
	}
}

// subnetInVPC reports a subnet whose CIDR lies outside every block of its
// VPC (the primary CidrBlock and AWS::EC2::VPCCidrBlock ones), which
// CloudFormation would reject at deploy time.
func (t *tmpl) subnetInVPC(r *resource, s model.Subnet, v model.VPC) {
	check := func(prop string, p netip.Prefix, blocks []netip.Prefix) {
		if !p.IsValid() || len(blocks) == 0 {
			return
		}
		for _, b := range blocks {
			if b.IsValid() && b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
				return
			}
		}
		n := r.props.get(prop)
		if n == nil {
			return
		}
		t.r.errorf(n.pos, "a subnet's CIDR must lie inside one of its VPC's CIDR blocks; change it, or add an AWS::EC2::VPCCidrBlock",
			"subnet %s (%s) is outside every CIDR block of its VPC %s", r.id, p, v.Addr)
	}
	v4 := append([]netip.Prefix{v.CIDR}, t.v4[v.Addr]...)
	if !v.CIDR.IsValid() {
		v4 = nil // a symbolic primary block: nothing to check against
	}
	check("CidrBlock", s.CIDR, v4)
	if !v.IPv6Symbolic && v.IPv6CIDR.IsValid() {
		check("Ipv6CidrBlock", s.IPv6CIDR, []netip.Prefix{v.IPv6CIDR})
	}
}
