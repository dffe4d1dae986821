package model

// find returns a pointer to the element of s whose address is a.
func find[T any](s []T, a ResourceRef, addr func(*T) ResourceRef) (*T, bool) {
	for i := range s {
		if addr(&s[i]) == a {
			return &s[i], true
		}
	}
	return nil, false
}

// lookup answers from the finished network's map m, else scans s. An
// answer the map gives is checked: a list sorted in place since Finish
// moves elements under the map, and is then scanned.
func lookup[T any](n *Network, m func(*index) map[ResourceRef]*T, s []T, a ResourceRef, addr func(*T) ResourceRef) (*T, bool) {
	if x := n.idx(); x != nil {
		p, ok := m(x)[a]
		if !ok {
			return nil, false
		}
		if addr(p) == a {
			return p, true
		}
	}
	return find(s, a, addr)
}

// Subnet returns the subnet at a.
func (n *Network) Subnet(a ResourceRef) (*Subnet, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*Subnet { return x.subnets }, n.Subnets, a, func(s *Subnet) ResourceRef { return s.Addr })
}

// RouteTable returns the route table at a.
func (n *Network) RouteTable(a ResourceRef) (*RouteTable, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*RouteTable { return x.rts }, n.RouteTables, a, func(r *RouteTable) ResourceRef { return r.Addr })
}

// SecurityGroup returns the security group at a.
func (n *Network) SecurityGroup(a ResourceRef) (*SecurityGroup, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*SecurityGroup { return x.sgs }, n.SecurityGroups, a, func(g *SecurityGroup) ResourceRef { return g.Addr })
}

// NetworkACL returns the network ACL at a.
func (n *Network) NetworkACL(a ResourceRef) (*NetworkACL, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*NetworkACL { return x.acls }, n.NetworkACLs, a, func(x *NetworkACL) ResourceRef { return x.Addr })
}

// ENI returns the network interface at a.
func (n *Network) ENI(a ResourceRef) (*ENI, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*ENI { return x.enis }, n.ENIs, a, func(e *ENI) ResourceRef { return e.Addr })
}

// VPC returns the VPC at a.
func (n *Network) VPC(a ResourceRef) (*VPC, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*VPC { return x.vpcs }, n.VPCs, a, func(v *VPC) ResourceRef { return v.Addr })
}

// LoadBalancer returns the load balancer (or API Gateway) at a.
func (n *Network) LoadBalancer(a ResourceRef) (*LoadBalancer, bool) {
	return lookup(n, func(x *index) map[ResourceRef]*LoadBalancer { return x.lbs }, n.LoadBalancers, a, func(l *LoadBalancer) ResourceRef { return l.Addr })
}

// SubnetsOf returns the subnets of a tier, in zone order as stored.
func (n *Network) SubnetsOf(t Tier) []Subnet {
	var out []Subnet
	for _, s := range n.Subnets {
		if s.Tier == t {
			out = append(out, s)
		}
	}
	return out
}
