package compile

import (
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

// buildNACLs adds a stateless second wall per tier. Security groups do the
// fine-grained work; the ACLs make sure a mistaken group still cannot open
// a tier to what its role never needs.
func (c *compiler) buildNACLs() {
	s := c.s
	vpc := s.Network.CIDR
	fe := s.FrontEnd
	internetLB := fe.InternetFacing && (fe.Kind == spec.FrontEndALB || fe.Kind == spec.FrontEndNLB)
	internalLB := !fe.InternetFacing && (fe.Kind == spec.FrontEndALB || fe.Kind == spec.FrontEndNLB)
	ports := []int{443}
	if fe.Kind == spec.FrontEndALB {
		ports = append(ports, 80)
	}

	pub := c.newRules()
	if internetLB {
		for _, p := range fe.AllowFrom {
			for _, port := range ports {
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
	pub.add(inbound, model.AllProtocols, model.AnyPort, vpc, fromVPC)
	pub.add(inbound, model.TCP, ephemeral, anyV4, "return traffic for connections made from inside")
	pub.add(inbound, model.UDP, ephemeral, anyV4, "return traffic (DNS, NTP) for connections made from inside")
	pub.add(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out; security groups narrow it")
	c.acl(model.Public, pub)

	// Clients an internal load balancer admits from outside the VPC (peered
	// networks, VPN) need the listener ports in and replies out.
	var outside []netip.Prefix
	if internalLB {
		for _, p := range fe.AllowFrom {
			if !(p.Addr().Is4() && vpc.Contains(p.Addr()) && p.Bits() >= vpc.Bits()) {
				outside = append(outside, p)
			}
		}
	}
	appExtras := func(r *naclRules) {
		for _, p := range outside {
			for _, port := range ports {
				r.one(inbound, model.TCP, model.Port(port), p, "clients to the internal load balancer's listener")
			}
		}
	}
	appReplies := func(r *naclRules) {
		for _, p := range outside {
			r.one(outbound, model.TCP, ephemeral, p, "replies to the internal load balancer's clients")
		}
	}

	if c.hasNAT() {
		pr := c.newRules()
		appExtras(pr)
		pr.add(inbound, model.AllProtocols, model.AnyPort, vpc, "traffic from inside the VPC")
		if sv := s.Service; sv != nil {
			pr.denyFromOutside(sv.Port, "the service port only from inside the VPC, whatever the return-traffic rules below open")
		}
		pr.add(inbound, model.TCP, ephemeral, anyV4, "return traffic through NAT")
		pr.add(inbound, model.UDP, ephemeral, anyV4, "return traffic (DNS, NTP) through NAT")
		pr.add(outbound, model.AllProtocols, model.AnyPort, anyV4, "everything out through NAT; security groups narrow it")
		c.acl(model.Private, pr)
	}

	iso := c.newRules()
	if c.app == model.Isolated {
		appExtras(iso)
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
		appReplies(iso)
	}
	c.acl(model.Isolated, iso)
}

func (c *compiler) acl(t model.Tier, r *naclRules) {
	c.n.NetworkACLs = append(c.n.NetworkACLs, model.NetworkACL{
		Addr: model.JoinRef("nacl", string(t)), VPC: VPCAddr, Entries: r.sorted(), Tags: c.tags(),
	})
}
