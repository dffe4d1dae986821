package compile

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// ephemeral is the port range return traffic arrives on: 1024-65535 covers
// every client OS and the NAT's translated ports.
var ephemeral = model.PortRange{From: 1024, To: 65535}

// naclRules numbers one ACL's entries 100, 110, ... per direction, leaving
// gaps so an operator can insert a rule without renumbering.
type naclRules struct {
	c             *compiler
	entries       []model.NACLEntry
	nextIn, nextE int
}

func (c *compiler) newRules() *naclRules { return &naclRules{c: c, nextIn: 100, nextE: 100} }

// add appends an allow rule, and its IPv6 twin when the network is
// dual-stack and the rule names 0.0.0.0/0 or the VPC's IPv4 CIDR.
func (r *naclRules) add(egress bool, proto model.Protocol, ports model.PortRange, cidr netip.Prefix, desc string) {
	r.one(egress, proto, ports, cidr, desc)
	if !r.c.ipv6 {
		return
	}
	switch cidr {
	case anyV4:
		r.one(egress, proto, ports, anyV6, desc+" (IPv6)")
	case r.c.s.Network.CIDR:
		r.one(egress, proto, ports, r.c.v6, desc+" (IPv6)")
	}
}

func (r *naclRules) one(egress bool, proto model.Protocol, ports model.PortRange, cidr netip.Prefix, desc string) {
	if proto == model.AllProtocols {
		ports = model.AnyPort
	}
	n := &r.nextIn
	if egress {
		n = &r.nextE
	}
	r.entries = append(r.entries, model.NACLEntry{
		RuleNumber: *n, Egress: egress, Protocol: proto, Ports: ports, CIDR: cidr, Action: model.Allow, Description: desc,
	})
	*n += 10
}

// denyFromOutside denies inbound tcp/port from anywhere outside the VPC
// (0.0.0.0/0, and ::/0 when dual-stack). Added after the "inside the VPC"
// allow and before the ephemeral-port allows, it keeps a workload's own
// port out of the range those return-traffic rules open: 1024-65535 would
// otherwise admit, say, tcp/5432 from the internet at this layer.
func (r *naclRules) denyFromOutside(port int, desc string) {
	if !ephemeral.Contains(port) {
		return
	}
	if model.LinuxClientPorts.Contains(port) {
		// The deny would also drop the replies to the subnet's own
		// connections that Linux gave this port: a security group is
		// stateful and keeps the port closed without that cost.
		r.c.clientPortNote(port)
		return
	}
	cidrs := []netip.Prefix{anyV4}
	if r.c.ipv6 {
		cidrs = append(cidrs, anyV6)
	}
	for _, cidr := range cidrs {
		r.entries = append(r.entries, model.NACLEntry{
			RuleNumber: r.nextIn, Protocol: model.TCP, Ports: model.Port(port), CIDR: cidr, Action: model.Deny, Description: desc,
		})
		r.nextIn += 10
	}
}

// sorted returns ingress entries, then egress, each in rule-number order.
func (r *naclRules) sorted() []model.NACLEntry {
	out := slices.Clone(r.entries)
	slices.SortStableFunc(out, func(a, b model.NACLEntry) int {
		if a.Egress != b.Egress {
			if a.Egress {
				return 1
			}
			return -1
		}
		return a.RuleNumber - b.RuleNumber
	})
	return out
}

const inbound, outbound = false, true

// buildNACLs adds a stateless second wall: one ACL per tier of every VPC
// of the design. Security groups do the fine-grained work; the ACLs make
// sure a mistaken group still cannot open a tier to what its role never
// needs.
func (c *compiler) buildNACLs() {
	for _, v := range c.vpcs {
		for _, t := range v.tiers {
			c.n.NetworkACLs = append(c.n.NetworkACLs, model.NetworkACL{Addr: v.acl(t), VPC: v.addr, Entries: c.aclRules(v, t).sorted(), Tags: c.tags()})
		}
	}
}

// aclRules are the entries of a tier's ACL, by what its VPC is for.
func (c *compiler) aclRules(v *vpcPlan, t model.Tier) *naclRules {
	return c.topo.roleACL(v, t)
}

// lbPorts are the listener ports an ACL opens to a load balancer's
// clients.
func (c *compiler) lbPorts() []int {
	if c.s.FrontEnd.Kind == spec.FrontEndALB {
		return []int{443, 80}
	}
	return []int{443}
}

func (c *compiler) publicACL() *naclRules {
	s := c.s
	fe := s.FrontEnd
	pub := c.newRules()
	if fe.InternetFacing && (fe.Kind == spec.FrontEndALB || fe.Kind == spec.FrontEndNLB) {
		for _, p := range fe.AllowFrom {
			for _, port := range c.lbPorts() {
				pub.one(inbound, model.TCP, model.Port(port), p, "clients to the load balancer's listener")
			}
		}
	}
	if b := s.Bastion; b != nil && b.Mode == model.BastionSSH {
		for _, p := range b.AllowFrom {
			pub.one(inbound, model.TCP, model.Port(22), p, "SSH to the bastion")
		}
	}
	fromVPC := "traffic from inside the VPC"
	if c.hasNAT() {
		fromVPC += ", including what NAT forwards for the private subnets"
	}
	pub.add(inbound, model.AllProtocols, model.AnyPort, s.Network.CIDR, fromVPC)
	pub.add(inbound, model.TCP, ephemeral, anyV4, "return traffic for connections made from inside")
	pub.add(inbound, model.UDP, ephemeral, anyV4, "return traffic (DNS, NTP) for connections made from inside")
	pub.add(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out; security groups narrow it")
	return pub
}

// outsideClients are the clients an internal load balancer admits from
// outside the VPC (peered networks, VPN): the app tier's ACL lets their
// listener ports in and the replies out.
func (c *compiler) outsideClients() []netip.Prefix {
	fe, vpc := c.s.FrontEnd, c.s.Network.CIDR
	if fe.InternetFacing || (fe.Kind != spec.FrontEndALB && fe.Kind != spec.FrontEndNLB) {
		return nil
	}
	var outside []netip.Prefix
	for _, p := range fe.AllowFrom {
		if !(p.Addr().Is4() && vpc.Contains(p.Addr()) && p.Bits() >= vpc.Bits()) {
			outside = append(outside, p)
		}
	}
	return outside
}

func (c *compiler) outsideRequests(r *naclRules) {
	for _, p := range c.outsideClients() {
		for _, port := range c.lbPorts() {
			r.one(inbound, model.TCP, model.Port(port), p, "clients to the internal load balancer's listener")
		}
	}
}

func (c *compiler) outsideReplies(r *naclRules) {
	for _, p := range c.outsideClients() {
		r.one(outbound, model.TCP, ephemeral, p, "replies to the internal load balancer's clients")
	}
}

func (c *compiler) privateACL() *naclRules {
	s := c.s
	pr := c.newRules()
	c.outsideRequests(pr)
	pr.add(inbound, model.AllProtocols, model.AnyPort, s.Network.CIDR, "traffic from inside the VPC")
	if sv := s.Service; sv != nil {
		pr.denyFromOutside(sv.Port, "the service port only from inside the VPC, whatever the return-traffic rules below open")
	}
	pr.add(inbound, model.TCP, ephemeral, anyV4, "return traffic through NAT")
	pr.add(inbound, model.UDP, ephemeral, anyV4, "return traffic (DNS, NTP) through NAT")
	pr.add(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out through NAT; security groups narrow it")
	return pr
}

func (c *compiler) isolatedACL() *naclRules {
	s := c.s
	vpc := s.Network.CIDR
	iso := c.newRules()
	if c.app == model.Isolated {
		c.outsideRequests(iso)
	}
	iso.add(inbound, model.AllProtocols, model.AnyPort, vpc, "traffic from inside the VPC")
	if c.hasGatewayEndpoints() {
		if sv := s.Service; sv != nil && c.app == model.Isolated {
			iso.denyFromOutside(sv.Port, "the service port only from inside the VPC, whatever the return-traffic rule below opens")
		}
		if db := s.Database; db != nil && (s.Service == nil || db.Port != s.Service.Port || c.app != model.Isolated) {
			iso.denyFromOutside(db.Port, "the database port only from inside the VPC, whatever the return-traffic rule below opens")
		}
		iso.add(inbound, model.TCP, ephemeral, anyV4, "replies from S3/DynamoDB through the gateway endpoints; the isolated route table has no route anywhere else")
	}
	iso.add(outbound, model.AllProtocols, model.AnyPort, vpc, "traffic to inside the VPC only")
	if c.hasGatewayEndpoints() {
		iso.add(outbound, model.TCP, model.Port(443), anyV4, "HTTPS to S3/DynamoDB through the gateway endpoints; the isolated route table has no route anywhere else")
	}
	if c.app == model.Isolated {
		c.outsideReplies(iso)
	}
	return iso
}

// roleACL are the entries of a hub-and-spoke VPC's tier. Transit Gateway
// and firewall subnets get open ACLs, as AWS's Transit Gateway design best
// practices advise: filtering there would have to repeat, statelessly,
// what the workload's ACLs, the security groups and the firewall already
// decide.
func (h *hub) roleACL(v *vpcPlan, t model.Tier) *naclRules {
	fe := h.s.FrontEnd
	r := h.newRules()
	switch {
	case t == model.Transit || t == model.Inspection:
		r.one(inbound, model.AllProtocols, model.AnyPort, anyV4, "open, as AWS advises for Transit Gateway and firewall subnets; the firewall, ACLs and groups around them filter")
		r.one(outbound, model.AllProtocols, model.AnyPort, anyV4, "open, as AWS advises for Transit Gateway and firewall subnets")
	case v.role == roleIngress && t == model.Public:
		if !h.apigw && fe.Kind != spec.FrontEndNone {
			for _, p := range fe.AllowFrom {
				for _, lp := range listenerPorts(h.listeners(spec.FrontEndALB, false)) {
					r.one(inbound, model.TCP, model.Port(lp), p, "clients to the load balancer's listener")
				}
			}
		}
		r.one(inbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic from inside the VPC")
		r.one(inbound, model.TCP, ephemeral, anyV4, "return traffic: the workload NLB's replies and the internet's")
		r.one(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out; security groups narrow it")
	case v.role == roleIngress && t == model.Internal:
		r.one(inbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic from inside the VPC, including the VPC Link")
		r.one(inbound, model.TCP, ephemeral, h.workload.cidr, "the workload NLB's replies")
		r.one(outbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic to inside the VPC")
		r.one(outbound, model.TCP, model.Port(h.nlbPort()), h.workload.cidr, "requests to the workload NLB")
	case v.role == roleEgress && t == model.Public:
		r.one(inbound, model.AllProtocols, model.AnyPort, h.workload.cidr, "workload traffic the firewall passed, for NAT")
		r.one(inbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic from inside the VPC")
		r.one(inbound, model.TCP, ephemeral, anyV4, "return traffic for NAT")
		r.one(inbound, model.UDP, ephemeral, anyV4, "return traffic (DNS, NTP) for NAT")
		r.one(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out; the firewall decided before NAT")
	case v.role == roleWorkload && t == model.Private:
		for _, p := range h.cidrsOf(h.ingressLBSubnets()) {
			r.one(inbound, model.TCP, model.Port(h.nlbPort()), p, "the ingress ALB to the NLB")
		}
		r.one(inbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic from inside the VPC")
		r.one(inbound, model.TCP, ephemeral, anyV4, "return traffic through the egress firewall and NAT")
		r.one(inbound, model.UDP, ephemeral, anyV4, "return traffic (DNS, NTP) through the egress firewall and NAT")
		r.one(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out, through the Transit Gateway to the firewall; security groups narrow it")
	case v.role == roleWorkload && t == model.Isolated:
		r.one(inbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic from inside the VPC")
		r.one(outbound, model.AllProtocols, model.AnyPort, v.cidr, "traffic to inside the VPC only")
	}
	return r
}

// clientPortNote says, once per port, why a network ACL does not deny a
// workload port in the range Linux picks client ports from.
func (c *compiler) clientPortNote(port int) {
	text := fmt.Sprintf("Port %d is in the range Linux picks its own connections' ports from (%d-%d), so the network ACLs do not deny it from outside the VPC: that rule would drop the replies to connections that got this port. The security groups alone keep the port to its callers. A port below %d gets that layer back.",
		port, model.LinuxClientPorts.From, model.LinuxClientPorts.To, model.LinuxClientPorts.From)
	for _, n := range c.n.Notes {
		if n.Text == text {
			return
		}
	}
	c.note(model.TradeOff, "", "%s", text)
}
