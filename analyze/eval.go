package analyze

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// packet is the header a trace carries; NAT rewrites it on the way.
type packet struct {
	src, dst     netip.Addr
	proto        model.Protocol
	sport, dport int
	// service is set while the destination is an AWS service by name;
	// srcService while the source is one (CloudFront reaching an origin).
	service, srcService string
	// host is the flow's TLS SNI or HTTP Host name, if any.
	host string
}

func (p packet) reply() packet {
	if p.proto == model.ICMP || p.proto == model.ICMPv6 {
		// An echo reply has a type, not a port: type 0 to an echo
		// request's 8 (ICMPv6: 129 to 128). The query's identifier, which
		// NAT devices track as a port, is kept in sport.
		t := rules.ICMPEchoReply
		if p.proto == model.ICMPv6 {
			t = rules.ICMPv6EchoReply
		}
		return packet{src: p.dst, dst: p.src, proto: p.proto, sport: p.sport, dport: t}
	}
	return packet{src: p.dst, dst: p.src, proto: p.proto, sport: p.dport, dport: p.sport}
}

// natPort is the port a NAT session tracks the packet by: an ICMP
// query's identifier (kept in sport both ways), else on the reply the
// destination port.
func (p packet) natPort() int {
	if p.proto == model.ICMP || p.proto == model.ICMPv6 {
		return p.sport
	}
	return p.dport
}

func pktTraffic(p packet) string {
	if p.proto == model.ICMP || p.proto == model.ICMPv6 {
		proto, t := rules.InFamily(p.proto, p.dport, p.dst)
		return fmt.Sprintf("%s type %d", proto, t)
	}
	return fmt.Sprintf("%s/%d", p.proto, p.dport)
}

func (d *device) ownsPrivate(a netip.Addr) bool {
	for _, x := range d.ips {
		if x == a {
			return true
		}
	}
	return false
}

// sgCheck finds the first rule of d's groups admitting the packet: ingress
// from (addr, dev), or egress to it; dev owns addr (nil when it is not an
// interface moat knows), svc is the AWS service addr stands for.
//
// A rule whose peer the model does not define (a group of another account,
// a customer prefix list not in the input) may admit the packet or not:
// when no other rule admits it, unknown says why the answer is not known.
func sgCheck(ix *Index, d *device, egress bool, proto model.Protocol, port int, addr netip.Addr, dev *device, svc string) (rule string, ok bool, unknown string) {
	peer := rules.Peer{Addr: addr, Service: svc, InGroup: func(g model.ResourceRef) bool {
		return dev != nil && dev.inGroup(g) && dev.ownsPrivate(addr)
	}}
	a := rules.Admit(d.sgs, egress, proto, port, peer, ix.groupDefined)
	if a.Rule == nil {
		return "", false, a.Unknown
	}
	return a.Group.Text(a.Rule, egress), true, ""
}

// groupDefined reports whether the input defines group g or lists an
// interface in it.
func (ix *Index) groupDefined(g model.ResourceRef) bool {
	return ix.sgs[g] != nil || len(ix.members[g]) > 0
}

func (d *device) groupNames() string {
	s := ""
	for i, g := range d.sgs {
		if i > 0 {
			s += ", "
		}
		s += string(g.Group.Addr)
	}
	if s == "" {
		return "no security group"
	}
	return s
}

// isPrivate reports whether a is RFC 1918, RFC 6598 (100.64.0.0/10) or
// otherwise not routable on the internet.
func isPrivate(a netip.Addr) bool {
	return a.IsPrivate() || cgnat.Contains(a) || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified()
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")
