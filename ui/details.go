package ui

import (
	"fmt"
	"slices"

	"github.com/moatnet/moat/model"
)

// details lists, one line each, the rules and routes behind the resources
// a drawn box stands for: a subnet's route table and network ACL, and the
// security groups of the interfaces a resource owns.
func details(n *model.Network, addrs []model.ResourceRef) []string {
	out := []string{}
	var groups []model.ResourceRef
	for _, a := range addrs {
		if s, ok := n.Subnet(a); ok {
			out = append(out, subnetDetails(n, s)...)
		}
		for _, e := range n.ENIs {
			if e.Addr == a || e.Owner == a {
				for _, g := range e.SecurityGroups {
					if !slices.Contains(groups, g) {
						groups = append(groups, g)
					}
				}
			}
		}
		if lb, ok := n.LoadBalancer(a); ok {
			for _, l := range lb.Listeners {
				out = append(out, fmt.Sprintf("listener %s/%d", l.Protocol, l.Port))
			}
			for _, g := range lb.SecurityGroups {
				if !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
			}
		}
	}
	for _, g := range groups {
		sg, ok := n.SecurityGroup(g)
		if !ok {
			continue
		}
		for _, r := range sg.Ingress {
			out = append(out, fmt.Sprintf("%s in: %s from %s", sg.Addr, traffic(r.Protocol, r.Ports, r.ICMP), r.Peer))
		}
		for _, r := range sg.Egress {
			out = append(out, fmt.Sprintf("%s out: %s to %s", sg.Addr, traffic(r.Protocol, r.Ports, r.ICMP), r.Peer))
		}
	}
	return out
}

func subnetDetails(n *model.Network, s *model.Subnet) []string {
	out := []string{fmt.Sprintf("%s %s in %s", s.Addr, s.CIDR, s.ZoneID)}
	if rt, _ := n.RouteTableOf(s); rt != nil {
		for _, r := range rt.Routes {
			dest := prefixText(r.Dest)
			if dest == "" {
				dest = r.DestPrefixList
			}
			target := string(r.Target)
			if target == "" {
				target = string(r.TargetKind)
			}
			out = append(out, fmt.Sprintf("%s route: %s -> %s", rt.Addr, dest, target))
		}
	}
	if acl, _ := n.ACLOf(s); acl != nil {
		for _, e := range acl.Entries {
			dir := "in"
			if e.Egress {
				dir = "out"
			}
			out = append(out, fmt.Sprintf("%s %s %d: %s %s %s", acl.Addr, dir, e.RuleNumber, e.Action, traffic(e.Protocol, e.Ports, e.ICMP), e.CIDR))
		}
	}
	return out
}

// traffic is "tcp/443", "udp/1024-65535", "icmp", "icmp type 8",
// "icmp type 3 code 4" or "all traffic".
func traffic(p model.Protocol, r model.PortRange, m model.ICMPMatch) string {
	switch {
	case p == model.AllProtocols:
		return "all traffic"
	case p == model.ICMP || p == model.ICMPv6:
		switch {
		case m.IsAny():
			return p.String()
		case m.Code < 0:
			return fmt.Sprintf("%s type %d", p, m.Type)
		}
		return fmt.Sprintf("%s type %d code %d", p, m.Type, m.Code)
	case p != model.TCP && p != model.UDP, r == (model.PortRange{}):
		return p.String()
	}
	return fmt.Sprintf("%s/%s", p, r)
}
