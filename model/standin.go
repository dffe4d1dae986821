package model

import "net/netip"

// StandinNote ends the Description of every interface AddWorkloadENIs
// makes, for people reading the model; code reads ENI.Standin.
const StandinNote = "stand-in address"

// FirstStandin is the host offset of the first stand-in address in a
// subnet: AWS reserves .0-.3 and the last address, and .4-.9 stay free for
// what AWS assigns at deploy time (NAT and bastion interfaces).
const FirstStandin = 10

// AddWorkloadENIs gives each workload whose interfaces AWS creates itself
// (load balancers and API Gateway VPC links, services, databases,
// interface endpoints) one interface per subnet it lives in, when the
// network holds none of its interfaces: eni/<owner>/<azid>
// (eni/alb/use1-az1 for a compiled design, eni/lb/Alb/use1-az1 for an
// imported template). A compiled design and a CloudFormation template
// both describe these workloads without their interfaces; the analyzer
// needs them to answer "can the internet reach the database". Their
// private IPs are deterministic stand-ins, .10, .11, ... of the subnet in
// the order load balancers, services, databases, endpoints (skipping any
// address an interface already holds), not the addresses AWS will pick;
// they are marked Standin (and their Description ends with StandinNote). A workload that already has an
// interface (lb.ENIs, e.ENIs, or an ENI it owns: a describe-* import) is
// left alone.
//
// In a subnet with an IPv6 /64, a dual-stack load balancer's interfaces
// and a service's task interfaces (which AWS gives an IPv6 address in such
// a subnet) get a stand-in IPv6 address too: the /64 with the same host
// offset as the IPv4 one (2001:db8:0:8::a beside 10.0.0.10). Databases and
// interface endpoints stay IPv4: RDS and PrivateLink take IPv6 only when
// asked (NetworkType DUAL, IpAddressType dualstack), and moat asks for
// neither.
func (n *Network) AddWorkloadENIs() {
	n.addDeployTimeIPv6()
	owned := map[ResourceRef]bool{}
	taken := map[netip.Addr]bool{}
	// have is every interface address, kept here because the network is
	// not finished yet: n.ENI would search the list for each new one.
	have := map[ResourceRef]bool{}
	for _, e := range n.ENIs {
		owned[e.Owner] = true
		taken[e.PrivateIP] = true
		have[e.Addr] = true
	}
	next := map[ResourceRef]int{}
	add := func(owner ResourceRef, name string, subnets []ResourceRef, groups []ResourceRef, public, v6 bool, desc string) []ResourceRef {
		if owned[owner] {
			return nil
		}
		var out []ResourceRef
		for _, sa := range subnets {
			s, ok := n.Subnet(sa)
			if !ok {
				continue
			}
			a := JoinRef("eni", name, s.ZoneID)
			if have[a] {
				continue
			}
			have[a] = true
			offset := FirstStandin + next[sa]
			ip := standinIP(s.CIDR, offset)
			next[sa]++
			for ip.IsValid() && taken[ip] {
				offset = FirstStandin + next[sa]
				ip = standinIP(s.CIDR, offset)
				next[sa]++
			}
			taken[ip] = true
			eni := ENI{
				Addr: a, Subnet: sa, PrivateIP: ip, HasPublicIP: public,
				SecurityGroups: append([]ResourceRef(nil), groups...), SourceDestCheck: true,
				Owner: owner, Description: desc + "; " + StandinNote, Standin: true,
			}
			if v6 && ip.IsValid() {
				if ip6 := IPv6Host(s.IPv6CIDR, offset); ip6.IsValid() {
					eni.IPv6 = []netip.Addr{ip6}
				}
			}
			n.ENIs = append(n.ENIs, eni)
			out = append(out, a)
		}
		return out
	}
	for i := range n.LoadBalancers {
		lb := &n.LoadBalancers[i]
		if len(lb.ENIs) > 0 {
			continue
		}
		public := lb.InternetFacing && lb.Kind != APIGateway
		desc := "load balancer interface"
		if lb.Kind == APIGateway {
			desc = "API Gateway VPC Link interface"
		}
		lb.ENIs = add(lb.Addr, string(lb.Addr), lb.Subnets, lb.SecurityGroups, public, lb.DualStack, desc)
	}
	for _, s := range n.Services {
		add(s.Addr, string(s.Addr), s.Subnets, []ResourceRef{s.SecurityGroup}, false, true, "service task interface")
	}
	for _, d := range n.Databases {
		add(d.Addr, string(d.Addr), d.Subnets, []ResourceRef{d.SecurityGroup}, false, false, "database interface")
	}
	perService := map[string]int{}
	for _, e := range n.Endpoints {
		if e.Type == InterfaceEndpoint {
			perService[e.Service]++
		}
	}
	for i := range n.Endpoints {
		e := &n.Endpoints[i]
		if e.Type != InterfaceEndpoint || len(e.ENIs) > 0 {
			continue
		}
		// eni/vpce-ecr.api/use1-az1; named by the endpoint's own address
		// when several VPCs have an endpoint for one service.
		name := "vpce-" + e.Service
		if e.Service == "" || perService[e.Service] > 1 {
			name = string(e.Addr)
		}
		e.ENIs = add(e.Addr, name, e.Subnets, e.SecurityGroups, false, false, "interface endpoint "+e.Service)
	}
}

// standinIP is the host at offset i of an IPv4 subnet, or the zero Addr
// when the subnet is too small to hold it.
func standinIP(p netip.Prefix, i int) netip.Addr {
	if !p.Addr().Is4() || p.Bits() > 30 || i >= 1<<(32-p.Bits())-1 {
		return netip.Addr{}
	}
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(i)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// addDeployTimeIPv6 gives the interfaces a design or template declares
// without addresses (NAT instances', a bastion's: AWS assigns them at
// deploy time) a stand-in IPv6 address when their subnet assigns one to
// every interface created in it: ::4, ::5, ... of the /64, in the
// network's order, below the workloads' ::a and up, as the IPv4 side
// keeps .4-.9 for them.
func (n *Network) addDeployTimeIPv6() {
	next := map[ResourceRef]int{}
	for i := range n.ENIs {
		e := &n.ENIs[i]
		if e.PrivateIP.IsValid() || len(e.IPv6) > 0 {
			continue
		}
		s, ok := n.Subnet(e.Subnet)
		if !ok || !s.AssignIPv6 || next[e.Subnet] >= FirstStandin-4 {
			continue
		}
		if ip := IPv6Host(s.IPv6CIDR, 4+next[e.Subnet]); ip.IsValid() {
			e.IPv6 = []netip.Addr{ip}
			next[e.Subnet]++
		}
	}
}

// IPv6Host is the host at offset i (1 to 65535) of an IPv6 prefix of
// /112 or shorter, or the zero Addr when there is none.
func IPv6Host(p netip.Prefix, i int) netip.Addr {
	if !p.IsValid() || !p.Addr().Is6() || p.Bits() > 112 || i <= 0 || i > 0xffff {
		return netip.Addr{}
	}
	b := p.Masked().Addr().As16()
	b[14], b[15] = byte(i>>8), byte(i)
	return netip.AddrFrom16(b)
}

// SubnetHostIPv6 is "any host in the subnet" over IPv6, the analyzer's and
// the twin's alike: the subnet's ::ffff, far past every stand-in (::4 up).
func SubnetHostIPv6(p netip.Prefix) netip.Addr { return IPv6Host(p, 0xffff) }
