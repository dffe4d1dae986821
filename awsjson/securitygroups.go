package awsjson

import (
	"github.com/moatnet/moat/model"
)

func (b *builder) securityGroups() {
	for _, f := range b.files {
		for _, g := range f.d.SecurityGroups {
			if !b.first("sg", g.GroupId) {
				continue
			}
			m := model.SecurityGroup{
				Addr: a("sg", g.GroupId), VPC: a("vpc", g.VpcId), Name: g.GroupName,
				Description: g.Description, Tags: tags(g.Tags),
			}
			m.Ingress = b.sgRules(f, g.GroupId, g.IpPermissions)
			m.Egress = b.sgRules(f, g.GroupId, g.IpPermissionsEgress)
			b.n.SecurityGroups = append(b.n.SecurityGroups, m)
		}
	}
}

func (b *builder) sgRules(f file, group string, perms []rawPermission) []model.SGRule {
	var out []model.SGRule
	what := "security group " + group
	for _, p := range perms {
		proto, ok := protocol(p.IpProtocol)
		if !ok {
			b.warnf(f, "%s: unknown IpProtocol %q; rule ignored", what, p.IpProtocol)
			continue
		}
		pr, ic := ports(proto, p.FromPort, p.ToPort)
		add := func(peer model.Peer, desc string) {
			out = append(out, model.SGRule{Protocol: proto, Ports: pr, ICMP: ic, Peer: peer, Description: desc})
		}
		for _, r := range p.IpRanges {
			if c := b.prefix(f, what, r.CidrIp); c.IsValid() {
				add(model.Peer{Kind: model.PeerCIDR, CIDR: c}, r.Description)
			}
		}
		for _, r := range p.Ipv6Ranges {
			if c := b.prefix(f, what, r.CidrIpv6); c.IsValid() {
				add(model.Peer{Kind: model.PeerCIDR, CIDR: c}, r.Description)
			}
		}
		for _, r := range p.UserIdGroupPairs {
			if r.GroupId != "" {
				add(model.Peer{Kind: model.PeerGroup, Group: a("sg", r.GroupId)}, r.Description)
				b.sgRefs = append(b.sgRefs, sgRef{f, r.GroupId})
			}
		}
		for _, r := range p.PrefixListIds {
			if r.PrefixListId != "" {
				add(model.Peer{Kind: model.PeerPrefixList, PrefixList: r.PrefixListId}, r.Description)
			}
		}
	}
	return out
}
