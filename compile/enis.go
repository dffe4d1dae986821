package compile

import (
	"net/netip"

	"github.com/moatnet/moat/model"
)

// firstStandin is the host offset of the first stand-in address in a
// subnet: AWS reserves .0-.3 and the last address, and .4-.9 stay free for
// what AWS assigns at deploy time (NAT and bastion interfaces).
const firstStandin = model.FirstStandin

// buildWorkloadENIs gives each workload one interface per subnet it lives
// in: eni/<owner>/<azid> (eni/service/use1-az1, eni/db/use1-az1,
// eni/alb/use1-az1, eni/vpce-ecr.api/use1-az1). AWS creates these
// interfaces itself (ECS tasks, RDS, load balancers, endpoints), so they
// are not emitted; the analyzer needs them to answer "can the internet
// reach the database". Their private IPs are deterministic stand-ins
// (.10, .11, ... of the subnet), not the addresses AWS will pick.
//
// The interfaces are made by model.AddWorkloadENIs, which cfnimport uses
// too, so a compiled design and its imported template name and address
// them alike.
func (c *compiler) buildWorkloadENIs() {
	c.n.AddWorkloadENIs()
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
