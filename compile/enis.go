package compile

import (
	"net/netip"

	"github.com/moatnet/moat/model"
)

// firstStandin is the host offset of the first stand-in address in a
// subnet: AWS reserves .0-.3 and the last address, and .4-.9 stay free for
// what AWS assigns at deploy time (NAT and bastion interfaces).
const firstStandin = 10

// buildWorkloadENIs gives each workload one interface per subnet it lives
// in: eni/<owner>/<azid> (eni/service/use1-az1, eni/db/use1-az1,
// eni/alb/use1-az1, eni/vpce-ecr.api/use1-az1). AWS creates these
// interfaces itself (ECS tasks, RDS, load balancers, endpoints), so they
// are not emitted; the analyzer needs them to answer "can the internet
// reach the database". Their private IPs are deterministic stand-ins
// (.10, .11, ... of the subnet), not the addresses AWS will pick.
func (c *compiler) buildWorkloadENIs() {
	next := map[model.Address]int{}
	add := func(owner model.Address, name string, subnets []model.Address, groups []model.Address, public bool, desc string) []model.Address {
		var out []model.Address
		for _, sa := range subnets {
			s, ok := c.n.Subnet(sa)
			if !ok {
				continue
			}
			a := model.Addr("eni", name, s.ZoneID)
			ip := standinIP(s.CIDR, firstStandin+next[sa])
			next[sa]++
			c.n.ENIs = append(c.n.ENIs, model.ENI{
				Addr: a, Subnet: sa, PrivateIP: ip, HasPublicIP: public,
				SecurityGroups: append([]model.Address(nil), groups...), SourceDestCheck: true,
				Owner: owner, Description: desc + "; stand-in address",
			})
			out = append(out, a)
		}
		return out
	}
	for i := range c.n.LoadBalancers {
		lb := &c.n.LoadBalancers[i]
		public := lb.InternetFacing && lb.Kind != model.APIGateway
		desc := "load balancer interface"
		if lb.Kind == model.APIGateway {
			desc = "API Gateway VPC Link interface"
		}
		lb.ENIs = add(lb.Addr, string(lb.Addr), lb.Subnets, lb.SecurityGroups, public, desc)
	}
	for _, s := range c.n.Services {
		add(s.Addr, string(s.Addr), s.Subnets, []model.Address{s.SecurityGroup}, false, "service task interface")
	}
	for _, d := range c.n.Databases {
		add(d.Addr, string(d.Addr), d.Subnets, []model.Address{d.SecurityGroup}, false, "database interface")
	}
	for i := range c.n.Endpoints {
		e := &c.n.Endpoints[i]
		if e.Type != model.InterfaceEndpoint {
			continue
		}
		e.ENIs = add(e.Addr, "vpce-"+e.Service, e.Subnets, e.SecurityGroups, false, "interface endpoint "+e.Service)
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
