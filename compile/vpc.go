package compile

import (
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// vpcRole is what one VPC of a design is for. A single-VPC design has one
// VPC that does everything; hub-and-spoke splits the roles over three.
type vpcRole int

const (
	roleSingle   vpcRole = iota // front end, NAT and workloads in one VPC
	roleIngress                 // the internet-facing front end
	roleEgress                  // the firewall and NAT every spoke leaves through
	roleWorkload                // the spoke: workloads, no way out of its own
)

// vpcPlan is one VPC of the design while it is being built: the data the
// build steps shared by every topology read.
type vpcPlan struct {
	role    vpcRole
	name    string // ingress, egress, workload; empty for the single VPC
	addr    model.ResourceRef
	cidr    netip.Prefix
	v6      netip.Prefix // the VPC's IPv6 /56, or zero
	path    string       // where its range sits in the spec
	account string
	tiers   []model.Tier // in the order each zone lists them
	// zonal are the tiers whose subnets get a route table per zone.
	zonal   []model.Tier
	subnets map[model.Tier][]model.ResourceRef
	// The endpoints a VPC that hosts workloads gets: gateway endpoints
	// on its private and isolated tables, interface endpoints in its app
	// subnets.
	gateways, interfaces []string
}

// called is how descriptions name the VPC.
func (v *vpcPlan) called() string {
	if v.name == "" {
		return "the VPC"
	}
	return "the " + v.name + " VPC"
}

// prefix is what the VPC's subnets, tables and ACLs are named with, so
// the VPCs of one design never share a logical ID.
func (v *vpcPlan) prefix() string {
	if v.name == "" {
		return ""
	}
	return v.name + "-"
}

// subnet is the address of a tier's subnet in a zone.
func (v *vpcPlan) subnet(t model.Tier, zone string) model.ResourceRef {
	return model.JoinRef("subnet", v.prefix()+string(t), zone)
}

// table is the route table of a tier's subnet in a zone.
func (v *vpcPlan) table(t model.Tier, zone string) model.ResourceRef {
	if slices.Contains(v.zonal, t) {
		return model.JoinRef("rtb", v.prefix()+string(t), zone)
	}
	return model.JoinRef("rtb", v.prefix()+string(t))
}

// acl is the network ACL of a tier.
func (v *vpcPlan) acl(t model.Tier) model.ResourceRef {
	return model.JoinRef("nacl", v.prefix()+string(t))
}

// hostsWorkloads reports whether the service, database and endpoints live
// in the VPC.
func (v *vpcPlan) hostsWorkloads() bool { return v.role == roleSingle || v.role == roleWorkload }

// buildVPC records a VPC of the design.
func (c *compiler) buildVPC(v *vpcPlan) {
	name := c.s.Name
	if v.name != "" {
		name += "-" + v.name
	}
	m := model.VPC{Addr: v.addr, Name: name, CIDR: v.cidr, Account: v.account, Region: c.s.Region, Tags: c.tags()}
	if v.v6.IsValid() {
		m.IPv6CIDR, m.IPv6Symbolic = v.v6, true
	}
	c.n.VPCs = append(c.n.VPCs, m)
}

// buildSubnets lists a VPC's subnets zone by zone, its tiers in order
// inside each zone, with the CIDRs the planner gave them. Route tables
// and ACLs are named here and built later. The subnets of the VPC that
// hosts the workloads are where the service, endpoints and database go.
func (c *compiler) buildSubnets(v *vpcPlan, plan []PlannedSubnet) {
	v.subnets = map[model.Tier][]model.ResourceRef{}
	cidr := map[model.Tier][]netip.Prefix{}
	for _, p := range plan {
		cidr[p.Tier] = append(cidr[p.Tier], p.CIDR)
	}
	for zi, z := range c.zones {
		for _, t := range v.tiers {
			a := v.subnet(t, z)
			v.subnets[t] = append(v.subnets[t], a)
			sn := model.Subnet{
				Addr: a, VPC: v.addr, Tier: t, ZoneID: z, CIDR: cidr[t][zi],
				IPv6Index: -1, RouteTable: v.table(t, z), NACL: v.acl(t), Tags: c.tags(),
			}
			if v.v6.IsValid() {
				sn.IPv6Index = ipv6Base[t] + zi
				sn.IPv6CIDR = ipv6Subnet(v.v6, sn.IPv6Index)
				sn.AssignIPv6 = true
			}
			c.n.Subnets = append(c.n.Subnets, sn)
		}
	}
	if v.hostsWorkloads() {
		c.home, c.subnets = v, v.subnets
	}
}

// ipv6Subnet returns the /64 at index i of a /56.
func ipv6Subnet(p netip.Prefix, i int) netip.Prefix {
	b := p.Addr().As16()
	b[7] = byte(i)
	return netip.PrefixFrom(netip.AddrFrom16(b), 64)
}
