package awsjson

import (
	"cmp"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

func (b *builder) nacls() {
	for _, f := range b.files {
		for _, x := range f.d.NetworkAcls {
			if !b.first("nacl", x.NetworkAclId) {
				continue
			}
			what := "network ACL " + x.NetworkAclId
			m := model.NetworkACL{Addr: a("nacl", x.NetworkAclId), VPC: a("vpc", x.VpcId), Default: x.IsDefault, Tags: tags(x.Tags)}
			for _, as := range x.Associations {
				if as.SubnetId != "" {
					b.aclClaims = append(b.aclClaims, model.Claim{Subnet: a("subnet", as.SubnetId), By: m.Addr, At: diag.Range{File: f.name}})
				}
			}
			for _, e := range x.Entries {
				proto, ok := protocol(e.Protocol)
				if !ok {
					b.warnf(f, "%s rule %d: unknown protocol %q; rule ignored", what, e.RuleNumber, e.Protocol)
					continue
				}
				en := model.NACLEntry{
					RuleNumber: e.RuleNumber, Egress: e.Egress, Protocol: proto,
					CIDR:   b.prefix(f, what, cmp.Or(e.CidrBlock, e.Ipv6CidrBlock)),
					Action: model.Action(strings.ToLower(e.RuleAction)),
				}
				switch {
				case e.PortRange != nil:
					en.Ports, en.ICMP = ports(proto, &e.PortRange.From, &e.PortRange.To)
				case e.IcmpTypeCode != nil:
					en.Ports, en.ICMP = ports(proto, &e.IcmpTypeCode.Type, &e.IcmpTypeCode.Code)
				default:
					en.Ports, en.ICMP = ports(proto, nil, nil)
				}
				m.Entries = append(m.Entries, en)
			}
			// AWS evaluates each direction by rule number; sorting makes
			// the order the evaluation order, whatever the dump's.
			slices.SortStableFunc(m.Entries, func(x, y model.NACLEntry) int {
				if x.Egress != y.Egress {
					if y.Egress {
						return -1
					}
					return 1
				}
				return cmp.Compare(x.RuleNumber, y.RuleNumber)
			})
			b.n.NetworkACLs = append(b.n.NetworkACLs, m)
		}
	}
}
