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
func (c *compiler) hasInterfaceEndpoints() bool { return len(c.s.Network.Endpoints.Interface) > 0 }
func (c *compiler) hasGatewayEndpoints() bool   { return len(c.s.Network.Endpoints.Gateway) > 0 }

func (c *compiler) group(a model.ResourceRef, role, desc string, in, out []model.SGRule) {
	c.n.SecurityGroups = append(c.n.SecurityGroups, model.SecurityGroup{
		Addr: a, VPC: VPCAddr, Name: c.s.Name + "-" + role, Description: desc,
		Ingress: in, Egress: out, Tags: c.tags(),
	})
}

// buildSecurityGroups writes the chain front end -> service -> database:
// each group admits only the group in front of it, on one port, and lets
// out only what its role needs.
func (c *compiler) buildSecurityGroups() {
	s := c.s
	fe := c.frontEndGroup()
	c.frontEndGroups()
	if s.Service != nil {
		var in, out []model.SGRule
		if fe != "" {
			in = append(in, tcp(s.Service.Port, groupPeer(c.serviceFront()), "requests from the front end only"))
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
		if c.hasNAT() || c.hasGatewayEndpoints() {
			out = append(out, tcp(443, cidrPeer(anyV4), "HTTPS to AWS APIs and the internet, through NAT or the gateway endpoints"))
			if c.ipv6 && c.hasNAT() {
				out = append(out, tcp(443, cidrPeer(anyV6), "HTTPS over IPv6 through the egress-only gateway"))
			}
		}
		c.group(SGService, "service", "The service: reachable only from the front end, on its port", in, out)
	}
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
	if s.Network.NAT.Mode == spec.NATInstance {
		all := func(p netip.Prefix, d string) model.SGRule {
			return model.SGRule{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: cidrPeer(p), Description: d}
		}
		c.group(SGNAT, "nat", "NAT instances: forward traffic from inside the VPC to the internet",
			[]model.SGRule{all(s.Network.CIDR, "traffic to translate, from inside the VPC only")},
			[]model.SGRule{all(anyV4, "translated traffic to the internet")})
	}
	if s.Service != nil && s.Service.EFS {
		c.group(SGEFS, "efs", "EFS mount targets: NFS from the service only; no egress",
			[]model.SGRule{tcp(2049, groupPeer(SGService), "NFS from the service")}, nil)
	}
	if c.hasInterfaceEndpoints() {
		c.group(SGEndpoints, "endpoints", "Interface endpoints: HTTPS from inside the VPC; no egress",
			[]model.SGRule{tcp(443, cidrPeer(s.Network.CIDR), "HTTPS to AWS APIs from inside the VPC")}, nil)
	}
}
