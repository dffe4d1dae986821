package compile

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Security group addresses. Each role has one group, so a rule can name
// the group of the only thing that may talk to it.
const (
	SGALB       model.ResourceRef = "sg/alb"
	SGNLB       model.ResourceRef = "sg/nlb"
	SGAPIGW     model.ResourceRef = "sg/apigw"
	SGService   model.ResourceRef = "sg/service"
	SGDB        model.ResourceRef = "sg/db"
	SGBastion   model.ResourceRef = "sg/bastion"
	SGNAT       model.ResourceRef = "sg/nat"
	SGEndpoints model.ResourceRef = "sg/endpoints"
)

func cidrPeer(p netip.Prefix) model.Peer       { return model.Peer{Kind: model.PeerCIDR, CIDR: p} }
func groupPeer(a model.ResourceRef) model.Peer { return model.Peer{Kind: model.PeerGroup, Group: a} }

func tcp(port int, peer model.Peer, desc string) model.SGRule {
	return model.SGRule{Protocol: model.TCP, Ports: model.Port(port), Peer: peer, Description: desc}
}

// frontEndGroup is the front end's group, or zero without one.
func (c *compiler) frontEndGroup() model.ResourceRef {
	switch c.s.FrontEnd.Kind {
	case spec.FrontEndALB:
		return SGALB
	case spec.FrontEndNLB:
		return SGNLB
	case spec.FrontEndAPIGateway:
		return SGAPIGW
	}
	return ""
}

// hasInterfaceEndpoints and hasGatewayEndpoints say which endpoints exist.
func (c *compiler) hasInterfaceEndpoints() bool { return len(c.home.interfaces) > 0 }
func (c *compiler) hasGatewayEndpoints() bool   { return len(c.home.gateways) > 0 }

// group adds a security group to the workloads' VPC.
func (c *compiler) group(a model.ResourceRef, role, desc string, in, out []model.SGRule) {
	c.groupIn(c.home.addr, a, role, desc, in, out)
}

// groupIn adds a security group to a VPC.
func (c *compiler) groupIn(vpc, a model.ResourceRef, role, desc string, in, out []model.SGRule) {
	c.n.SecurityGroups = append(c.n.SecurityGroups, model.SecurityGroup{
		Addr: a, VPC: vpc, Name: c.s.Name + "-" + role, Description: desc,
		Ingress: in, Egress: out, Tags: c.tags(),
	})
}

// serviceGroup adds the service's group: it admits only its front end
// (front, named frontName), reaches the file system and the database,
// and lets out what the topology gives it (egress).
func (c *compiler) serviceGroup(front model.ResourceRef, frontName string, egress []model.SGRule) {
	s := c.s
	var in, out []model.SGRule
	if front != "" {
		in = append(in, tcp(s.Service.Port, groupPeer(front), "requests from "+frontName+" only"))
	}
	if s.Service.EFS {
		out = append(out, tcp(2049, groupPeer(SGEFS), "NFS to the shared file system"))
	}
	if s.Database != nil {
		out = append(out, tcp(s.Database.Port, groupPeer(SGDB), "queries to the database"))
	}
	if c.hasInterfaceEndpoints() {
		out = append(out, tcp(443, groupPeer(SGEndpoints), "AWS APIs through the interface endpoints"))
	}
	c.group(SGService, "service", "The service: reachable only from "+frontName+", on its port", in, append(out, egress...))
}

// databaseGroup adds the database's group: it admits only the service
// and the bastion, and lets nothing out.
func (c *compiler) databaseGroup() {
	s := c.s
	if s.Database != nil {
		port := s.Database.Port
		var in []model.SGRule
		var from []string
		if s.Service != nil {
			in = append(in, tcp(port, groupPeer(SGService), "queries from the service"))
			from = append(from, "the service")
		}
		if s.Bastion != nil {
			in = append(in, tcp(port, groupPeer(SGBastion), "queries from the bastion, for people"))
			from = append(from, "the bastion")
		}
		desc := "The database: reachable from nothing; no egress"
		if len(from) > 0 {
			desc = fmt.Sprintf("The database: reachable only from %s, on tcp/%d; no egress", strings.Join(from, " and "), port)
		}
		c.group(SGDB, "db", desc, in, nil)
	}
}

// dataGroups adds the file system's and the interface endpoints' groups,
// each admitting only what uses it and letting nothing out.
func (c *compiler) dataGroups() {
	s := c.s
	if s.Service != nil && s.Service.EFS {
		c.group(SGEFS, "efs", "EFS mount targets: NFS from the service only; no egress",
			[]model.SGRule{tcp(2049, groupPeer(SGService), "NFS from the service")}, nil)
	}
	if c.hasInterfaceEndpoints() {
		c.group(SGEndpoints, "endpoints", "Interface endpoints: HTTPS from inside "+c.home.called()+"; no egress",
			[]model.SGRule{tcp(443, cidrPeer(c.home.cidr), "HTTPS to AWS APIs from inside the VPC")}, nil)
	}
}

// buildSecurityGroups writes the chain front end -> service -> database,
// in any topology: each group admits only the group in front of it, on
// one port, and lets out only what its role needs. The topology decides
// the front end's groups and where the service's traffic leaves.
func (c *compiler) buildSecurityGroups() {
	s := c.s
	front, frontName := c.topo.frontEndGroups()
	if s.Service != nil {
		c.serviceGroup(front, frontName, c.topo.serviceEgress())
	}
	c.databaseGroup()
	if b := s.Bastion; b != nil {
		var in, out []model.SGRule
		if b.Mode == model.BastionSSH {
			for _, p := range b.AllowFrom {
				in = append(in, tcp(22, cidrPeer(p), "SSH from "+p.String()))
			}
		}
		if s.Database != nil {
			out = append(out, tcp(s.Database.Port, groupPeer(SGDB), "queries to the database"))
		}
		out = append(out, tcp(443, cidrPeer(anyV4), "HTTPS for the Session Manager agent and package updates"))
		c.group(SGBastion, "bastion", fmt.Sprintf("The bastion (%s): a jump host to the database", b.Mode), in, out)
	}
	if len(c.n.NATInstances) > 0 {
		all := func(p netip.Prefix, d string) model.SGRule {
			return model.SGRule{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: cidrPeer(p), Description: d}
		}
		c.group(SGNAT, "nat", "NAT instances: forward traffic from inside the VPC to the internet",
			[]model.SGRule{all(s.Network.CIDR, "traffic to translate, from inside the VPC only")},
			[]model.SGRule{all(anyV4, "translated traffic to the internet")})
	}
	c.dataGroups()
}

// serviceEgress is what the service of a single VPC may reach beyond it:
// AWS APIs and the internet through NAT or the gateway endpoints.
func (c *compiler) serviceEgress() []model.SGRule {
	var out []model.SGRule
	if c.hasNAT() || c.hasGatewayEndpoints() {
		out = append(out, tcp(443, cidrPeer(anyV4), "HTTPS to AWS APIs and the internet, through NAT or the gateway endpoints"))
		if c.ipv6 && c.hasNAT() {
			out = append(out, tcp(443, cidrPeer(anyV6), "HTTPS over IPv6 through the egress-only gateway"))
		}
	}
	return out
}
