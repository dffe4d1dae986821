package cfnimport

import (
	"cmp"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// protocol reads IpProtocol / Protocol: a name or an IANA number.
func protocol(s string) (model.Protocol, bool) {
	p, err := model.ParseProtocol(s)
	return p, err == nil
}

// ports mirrors awsjson: TCP/UDP ranges, or for ICMP the type and code
// with -1 any. Ports do not apply to other protocols: AWS matches every
// port, which the compiler writes as AnyPort.
func ports(p model.Protocol, from, to int, have bool) (model.PortRange, model.ICMPMatch) {
	switch p {
	case model.TCP, model.UDP:
		if !have || from == -1 {
			return model.AnyPort, model.ICMPMatch{}
		}
		return model.PortRange{From: from, To: to}, model.ICMPMatch{}
	case model.ICMP, model.ICMPv6:
		if !have || from == -1 {
			return model.AnyPort, model.AnyICMP
		}
		return model.AnyPort, model.ICMPMatch{Type: from, Code: to}
	}
	return model.AnyPort, model.ICMPMatch{}
}

// sgRule reads one rule, inline or standalone. ingress says which of the
// Source*/Destination* keys name the peer.
func (t *tmpl) sgRule(r *resource, what string, m *node, ingress bool) (model.SGRule, bool) {
	ps, ok := t.strOf(r, what+".IpProtocol", m.get("IpProtocol"))
	if !ok {
		return model.SGRule{}, false
	}
	proto, ok := protocol(ps)
	if !ok {
		t.r.errorf(m.get("IpProtocol").pos, "use tcp, udp, icmp, icmpv6, -1 or a protocol number", "%s %s: unknown IpProtocol %q", r.id, what, ps)
		return model.SGRule{}, false
	}
	from, okF := t.integer(r, what+".FromPort", m.get("FromPort"))
	to, okT := t.integer(r, what+".ToPort", m.get("ToPort"))
	rule := model.SGRule{Protocol: proto}
	rule.Ports, rule.ICMP = ports(proto, from, to, okF && okT)
	rule.Description, _ = t.strOf(r, what+".Description", m.get("Description"))
	group, list := "SourceSecurityGroupId", "SourcePrefixListId"
	if !ingress {
		group, list = "DestinationSecurityGroupId", "DestinationPrefixListId"
	}
	switch {
	case m.get("CidrIp") != nil:
		rule.Peer = model.Peer{Kind: model.PeerCIDR, CIDR: t.prefix(r, what+".CidrIp", m.get("CidrIp"))}
	case m.get("CidrIpv6") != nil:
		rule.Peer = model.Peer{Kind: model.PeerCIDR, CIDR: t.prefix(r, what+".CidrIpv6", m.get("CidrIpv6"))}
	case m.get(group) != nil:
		rule.Peer = model.Peer{Kind: model.PeerGroup, Group: t.refAddr(r, what+"."+group, m.get(group), "sg")}
		t.sgRefs = append(t.sgRefs, sgRef{rule.Peer.Group, m.get(group).pos})
	case m.get(list) != nil:
		rule.Peer = model.Peer{Kind: model.PeerPrefixList, PrefixList: t.prefixListID(r, what+"."+list, m.get(list))}
	default:
		return model.SGRule{}, false
	}
	if rule.Peer.Kind == model.PeerCIDR && !rule.Peer.CIDR.IsValid() {
		return model.SGRule{}, false
	}
	return rule, true
}

func (t *tmpl) securityGroups() {
	n := t.n
	idx := map[model.ResourceRef]int{}
	t.each("AWS::EC2::SecurityGroup", func(r *resource) {
		g := model.SecurityGroup{Addr: r.addr, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), Tags: t.tags(r)}
		g.Name, _ = t.str(r, "GroupName")
		g.Description, _ = t.str(r, "GroupDescription")
		for _, dir := range []string{"SecurityGroupIngress", "SecurityGroupEgress"} {
			l := r.props.get(dir)
			if l == nil || l.kind != listNode {
				continue
			}
			for _, it := range l.items {
				if rule, ok := t.sgRule(r, dir, it, dir == "SecurityGroupIngress"); ok {
					if dir == "SecurityGroupIngress" {
						g.Ingress = append(g.Ingress, rule)
					} else {
						g.Egress = append(g.Egress, rule)
					}
				}
			}
		}
		// AWS removes the default allow-all egress only when egress rules
		// are given inline; standalone SecurityGroupEgress resources add
		// to it.
		if l := r.props.get("SecurityGroupEgress"); l == nil || l.kind != listNode || len(l.items) == 0 {
			g.Egress = append([]model.SGRule{{Protocol: model.AllProtocols, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: anyV4},
				Description: "default egress AWS adds when the template gives no egress rules"}}, g.Egress...)
		}
		idx[r.addr] = len(n.SecurityGroups)
		n.SecurityGroups = append(n.SecurityGroups, g)
	})
	for _, typ := range []string{"AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"} {
		ingress := typ == "AWS::EC2::SecurityGroupIngress"
		t.each(typ, func(r *resource) {
			g := t.refAddr(r, "GroupId", r.props.get("GroupId"), "sg")
			i, ok := idx[g]
			if !ok {
				t.r.diags.Warnf(t.rng(r), "", "%s: security group %s is not in the template; ignored", r.id, g)
				return
			}
			rule, ok := t.sgRule(r, "rule", r.props, ingress)
			if !ok {
				return
			}
			if ingress {
				n.SecurityGroups[i].Ingress = append(n.SecurityGroups[i].Ingress, rule)
			} else {
				n.SecurityGroups[i].Egress = append(n.SecurityGroups[i].Egress, rule)
			}
		})
	}
}

func (t *tmpl) nacls(idx map[model.ResourceRef]int) {
	n := t.n
	t.each("AWS::EC2::NetworkAcl", func(r *resource) {
		x := model.NetworkACL{Addr: r.addr, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), Tags: t.tags(r)}
		idx[r.addr] = len(n.NetworkACLs)
		n.NetworkACLs = append(n.NetworkACLs, x)
	})
	t.each("AWS::EC2::NetworkAclEntry", func(r *resource) {
		a := t.refAddr(r, "NetworkAclId", r.props.get("NetworkAclId"), "nacl")
		i, ok := idx[a]
		if !ok {
			t.r.diags.Warnf(t.rng(r), "", "%s: network ACL %s is not in the template; ignored", r.id, a)
			return
		}
		num, _ := t.integer(r, "RuleNumber", r.props.get("RuleNumber"))
		ps, _ := t.str(r, "Protocol")
		proto, ok := protocol(ps)
		if !ok {
			at := r.pos
			if p := r.props.get("Protocol"); p != nil {
				at = p.pos
			}
			t.r.errorf(at, "use a protocol number: -1 (all), 6 (tcp), 17 (udp), 1 (icmp), 58 (icmpv6)", "%s: unknown Protocol %q", r.id, ps)
			return
		}
		act, _ := t.str(r, "RuleAction")
		e := model.NACLEntry{RuleNumber: num, Egress: t.boolean(r, "Egress", r.props.get("Egress")), Protocol: proto, Action: model.Action(strings.ToLower(act))}
		if r.props.get("CidrBlock") != nil {
			e.CIDR = t.prefix(r, "CidrBlock", r.props.get("CidrBlock"))
		} else {
			e.CIDR = t.prefix(r, "Ipv6CidrBlock", r.props.get("Ipv6CidrBlock"))
		}
		var from, to int
		var have bool
		if pr := r.props.get("PortRange"); pr != nil {
			f, ok1 := t.integer(r, "PortRange.From", pr.get("From"))
			tt, ok2 := t.integer(r, "PortRange.To", pr.get("To"))
			from, to, have = f, tt, ok1 && ok2
		} else if ic := r.props.get("Icmp"); ic != nil {
			f, ok1 := t.integer(r, "Icmp.Type", ic.get("Type"))
			tt, ok2 := t.integer(r, "Icmp.Code", ic.get("Code"))
			from, to, have = f, tt, ok1 && ok2
		}
		e.Ports, e.ICMP = ports(proto, from, to, have)
		n.NetworkACLs[i].Entries = append(n.NetworkACLs[i].Entries, e)
	})
	t.each("AWS::EC2::SubnetNetworkAclAssociation", func(r *resource) {
		a := t.refAddr(r, "NetworkAclId", r.props.get("NetworkAclId"), "nacl")
		s := t.refAddr(r, "SubnetId", r.props.get("SubnetId"), "subnet")
		if s != "" && a != "" {
			t.aclClaims = append(t.aclClaims, model.Claim{Subnet: s, By: a, At: t.rng(r)})
		}
	})
	// Every ACL ends in AWS's default deny (rule 32767, shown as "*").
	for i := range n.NetworkACLs {
		x := &n.NetworkACLs[i]
		v6 := false
		if v, ok := n.VPC(x.VPC); ok && v.IPv6CIDR.IsValid() {
			v6 = true
		}
		for _, egress := range []bool{false, true} {
			x.Entries = append(x.Entries, model.NACLEntry{RuleNumber: 32767, Egress: egress, Protocol: model.AllProtocols, CIDR: anyV4, Action: model.Deny})
			if v6 {
				x.Entries = append(x.Entries, model.NACLEntry{RuleNumber: 32768, Egress: egress, Protocol: model.AllProtocols, CIDR: anyV6, Action: model.Deny})
			}
		}
		slices.SortStableFunc(x.Entries, func(a, b model.NACLEntry) int {
			if a.Egress != b.Egress {
				if b.Egress {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.RuleNumber, b.RuleNumber)
		})
	}
}

// prefixListID reads a prefix list id. An AWS-managed list's id differs
// per Region and has no intrinsic, so templates (moat's among them) take it
// as a parameter: the rule then names the list as the parameter's
// description does ("... prefix list com.amazonaws.global.cloudfront.
// origin-facing; ..."), or else by the parameter's name, rather than
// losing the rule.
func (t *tmpl) prefixListID(r *resource, what string, n *node) string {
	if n != nil && n.kind == fnNode && n.fn == "Ref" {
		if name, ok := scalar(n.arg); ok {
			if p := t.params.get(name); p != nil && p.get("Default") == nil {
				desc, _ := scalar(p.get("Description"))
				if _, rest, ok := strings.Cut(desc, "prefix list "); ok {
					if id, _, _ := strings.Cut(rest, ";"); id != "" && !strings.ContainsAny(id, " ") {
						return id
					}
				}
				return name
			}
		}
	}
	s, _ := t.strOf(r, what, n)
	return t.plName(s)
}

// plName is the name a rule or route gives a prefix list: the address of
// one the template defines (Ref and Fn::GetAtt PrefixListId evaluate to
// it), which the analyzer resolves to its entries; else the id as
// written.
func (t *tmpl) plName(s string) string {
	if id, ok := strings.CutPrefix(s, "pl/"); ok {
		if x := t.res[id]; x != nil && x.typ == "AWS::EC2::PrefixList" {
			return string(x.addr)
		}
		return id
	}
	return s
}
