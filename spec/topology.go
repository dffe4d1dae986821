package spec

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Topology is the shape of the design.
type Topology string

const (
	// SingleVPC is one VPC holding the front end, the service and NAT.
	// A Stack's zero Topology means the same.
	SingleVPC Topology = "single-vpc"
	// HubAndSpoke puts the internet-facing load balancer in an ingress
	// VPC, NAT behind a Network Firewall in an egress VPC, and the
	// service in a workload VPC with no internet gateway, all joined by a
	// Transit Gateway.
	HubAndSpoke Topology = "hub-and-spoke"
)

var (
	topologies  = []string{string(SingleVPC), string(HubAndSpoke)}
	hubCIDRKeys = []string{"ingress", "egress", "workload"}
	egressKeys  = []string{"allow", "allow_cidrs"}
	accountKeys = []string{"network", "workload"}
)

// HubCIDRs are the VPC ranges of a hub-and-spoke design; a zero prefix is
// allocated by the compiler.
type HubCIDRs struct {
	Ingress, Egress, Workload netip.Prefix
}

// EgressDomain is a host name the workload may reach through the firewall:
// by TLS SNI on port 443, or by HTTP Host on port 80.
type EgressDomain struct {
	// Host is an exact name ("api.binance.com") or, with a leading dot,
	// the name and every name under it (".example.com", written
	// "*.example.com" in the spec).
	Host string
	Port int // 443 (TLS SNI) or 80 (HTTP Host)
}

func (d EgressDomain) String() string { return d.Host + ":" + strconv.Itoa(d.Port) }

// EgressCIDR is an address range the workload may reach on one TCP port,
// whatever the host name.
type EgressCIDR struct {
	CIDR netip.Prefix
	Port int
}

// Accounts places a hub-and-spoke design in two AWS accounts.
type Accounts struct {
	Network  string // ingress and egress VPCs, Transit Gateway
	Workload string // workload VPC
}

// Hub holds the hub-and-spoke settings; nil for a single VPC.
type Hub struct {
	Allow      []EgressDomain
	AllowCIDRs []EgressCIDR
	Accounts   *Accounts // nil: one account
}

// topology reads topology, egress and accounts, and checks that the rest
// of the spec fits the topology.
func (p *parser) topology(topo, egress, accounts field) {
	st := p.st
	// The zero Topology means single-vpc, so a spec without the key
	// parses as it always did.
	if topo.present() {
		if s, ok := p.enum("topology", topo.val, topologies); ok {
			st.Topology = Topology(s)
		}
	}
	if st.Topology != HubAndSpoke {
		for k, f := range map[string]field{"egress": egress, "accounts": accounts} {
			if f.present() {
				p.errorf(f.key, "add topology: hub-and-spoke, or remove "+k, "%s needs topology: hub-and-spoke", k)
			}
		}
		if c := st.Network.VPCs; c != (HubCIDRs{}) {
			p.errorAt("network.cidrs", "add topology: hub-and-spoke, or use network.cidr", "network.cidrs needs topology: hub-and-spoke")
		}
		return
	}
	h := &Hub{}
	st.Hub = h
	p.egress(h, egress)
	if accounts.present() {
		f, _ := p.fields("accounts", accounts, accountKeys)
		a := &Accounts{}
		for _, k := range accountKeys {
			v := f[k]
			if !v.present() {
				p.errorAt("accounts", "give both accounts: network and workload, or remove accounts for one account", "accounts.%s is required", k)
				continue
			}
			s, ok := p.str("accounts."+k, v.val)
			if !ok {
				continue
			}
			if !isAccountNumber(s) {
				p.errorf(v.val, "write the 12-digit account ID in quotes, e.g. \"111111111111\"", "accounts.%s %q is not an AWS account ID", k, s)
				continue
			}
			if k == "network" {
				a.Network = s
			} else {
				a.Workload = s
			}
		}
		if a.Network != "" && a.Network == a.Workload {
			p.errorAt("accounts.workload", "remove accounts to place everything in one account", "accounts.network and accounts.workload are the same account")
		}
		if a.Network != "" && a.Workload != "" {
			h.Accounts = a
		}
	}
	p.hubFits()
}

// egress reads the firewall's allow-lists. Without any, the workload
// reaches nothing on the internet: every flow is dropped at the firewall.
func (p *parser) egress(h *Hub, sec field) {
	f, _ := p.fields("egress", sec, egressKeys)
	if v := f["allow"]; v.present() {
		items, _ := p.list("egress.allow", v.val, "host names")
		seen := map[EgressDomain]bool{}
		for i, item := range items {
			if item == nil {
				continue
			}
			ip := index("egress.allow", i)
			s, ok := p.str(ip, item)
			if !ok {
				continue
			}
			host, port := s, 443
			if h, ps, cut := strings.Cut(s, ":"); cut {
				host = h
				n, err := strconv.Atoi(ps)
				if err != nil || (n != 443 && n != 80) {
					p.errorf(item, "use :443 (matched by TLS SNI) or :80 (matched by HTTP Host); for other ports use egress.allow_cidrs", "%s %q: the firewall matches host names only on 443 and 80", ip, s)
					continue
				}
				port = n
			}
			host = strings.ToLower(host)
			if why := checkDomain(host); why != "" {
				p.errorf(item, "write a host name such as api.example.com, or *.example.com for every name under it", "%s %q %s", ip, host, why)
				continue
			}
			if strings.HasPrefix(host, "*.") {
				// Network Firewall's form for "this domain and below".
				host = host[1:]
			}
			d := EgressDomain{Host: host, Port: port}
			if seen[d] {
				p.errorf(item, "list each host once", "%s repeats %s", ip, s)
				continue
			}
			seen[d] = true
			h.Allow = append(h.Allow, d)
		}
	}
	if v := f["allow_cidrs"]; v.present() {
		items, _ := p.list("egress.allow_cidrs", v.val, "CIDRs")
		for i, item := range items {
			if item == nil {
				continue
			}
			ip := index("egress.allow_cidrs", i)
			s, ok := p.str(ip, item)
			if !ok {
				continue
			}
			cidr, port := s, 443
			if j := strings.LastIndex(s, ":"); j > strings.Index(s, "/") && strings.Contains(s, "/") {
				n, err := strconv.Atoi(s[j+1:])
				if err != nil || n < 1 || n > 65535 {
					p.errorf(item, "write CIDR:PORT with a port from 1 to 65535, e.g. 198.51.100.0/24:443", "%s %q has an invalid port", ip, s)
					continue
				}
				cidr, port = s[:j], n
			}
			pf, err := netip.ParsePrefix(cidr)
			switch {
			case err != nil || !pf.Addr().Is4():
				p.errorf(item, "write an IPv4 CIDR, optionally with :PORT (default 443), e.g. 198.51.100.0/24:443", "%s %q is not an IPv4 CIDR", ip, s)
				continue
			case pf.Masked() != pf:
				p.errorf(item, fmt.Sprintf("did you mean %s? The address must be the first of its range", pf.Masked()), "%s %s has host bits set", ip, pf)
				continue
			case pf.Bits() == 0:
				p.errorf(item, "name the ranges the workload needs; a firewall that passes everything inspects nothing", "%s allows the whole internet", ip)
				continue
			}
			h.AllowCIDRs = append(h.AllowCIDRs, EgressCIDR{CIDR: pf, Port: port})
		}
	}
}

// hubCIDRs reads network.cidrs: the three VPCs' ranges, each optional.
func (p *parser) hubCIDRs(sec field) {
	if !sec.present() {
		return
	}
	f, _ := p.fields("network.cidrs", sec, hubCIDRKeys)
	c := &p.st.Network.VPCs
	for _, k := range hubCIDRKeys {
		v := f[k]
		if !v.present() {
			continue
		}
		pf, ok := p.vpcCIDRAt("network.cidrs."+k, v.val)
		if !ok {
			continue
		}
		switch k {
		case "ingress":
			c.Ingress = pf
		case "egress":
			c.Egress = pf
		case "workload":
			c.Workload = pf
		}
	}
}

// vpcCIDRAt reads a private VPC CIDR at path.
func (p *parser) vpcCIDRAt(path string, n *yaml.Node) (netip.Prefix, bool) {
	pf, ok := p.subnetPrefix(path, n)
	if !pf.IsValid() {
		return pf, false
	}
	if !isPrivate(pf) {
		// The ingress ALB registers the workload NLB's addresses as IP
		// targets, which must be RFC 1918 or RFC 6598 addresses.
		p.errorf(n, "use a range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) or 100.64.0.0/10 (RFC 6598)", "%s %s is not a private range", path, pf)
		return pf, false
	}
	return pf, ok
}

// hubFits reports the parts of a spec a hub-and-spoke design does not
// take, each at its own position.
func (p *parser) hubFits() {
	st := p.st
	if st.Service == nil {
		p.errorAt("topology", "add a service: section; the workload VPC exists to run it", "topology hub-and-spoke needs a service")
	}
	switch st.FrontEnd.Kind {
	case FrontEndALB, FrontEndAPIGateway:
		if !st.FrontEnd.InternetFacing {
			p.errorAt("frontend.internet_facing", "remove internet_facing: false; the ingress VPC exists to face the internet", "topology hub-and-spoke has an internet-facing front end")
		}
		if st.FrontEnd.CDN.Enabled {
			p.errorAt("frontend.cdn", "remove cdn; moat does not put CloudFront in front of the ingress VPC yet", "frontend.cdn is not supported with topology hub-and-spoke")
		}
	case FrontEndNone:
	default:
		p.errorAt("frontend.kind", "use alb or api-gateway", "frontend.kind %s is not supported with topology hub-and-spoke", st.FrontEnd.Kind)
	}
	if st.Bastion != nil {
		p.errorAt("bastion", "remove the bastion; reach the workload with ECS Exec or Session Manager through the interface endpoints", "a bastion is not supported with topology hub-and-spoke")
	}
	if st.Network.IPv6 {
		p.errorAt("network.ipv6", "remove ipv6: true", "network.ipv6 is not supported with topology hub-and-spoke yet")
	}
	if _, set := st.pos["network.nat"]; set {
		p.warnAt("network.nat", "remove it: the egress VPC always has a NAT gateway per zone", "network.nat has no effect with topology hub-and-spoke")
	}
	if c := st.Network.VPCs.Workload; c.IsValid() {
		if _, set := st.pos["network.cidr"]; set {
			p.errorAt("network.cidrs.workload", "keep one of network.cidr and network.cidrs.workload", "network.cidrs.workload and network.cidr both set the workload VPC")
		} else {
			st.Network.CIDR = c
		}
	}
}
