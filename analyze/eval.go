package analyze

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
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
		t := icmpEchoReply
		if p.proto == model.ICMPv6 {
			t = icmpv6EchoReply
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

// protoMatches reports whether a rule's protocol covers the packet's.
// ICMPv6 (protocol 58) is not ICMP (protocol 1): a rule for one never
// matches the other (the packet's protocol is first put in its address
// family, icmpOf).
func protoMatches(rule, pkt model.Protocol) bool {
	return rule == model.AllProtocols || rule == pkt
}

// ICMP echo types: request and reply, for IPv4 (RFC 792) and IPv6
// (RFC 4443).
const (
	icmpEchoRequest   = 8
	icmpEchoReply     = 0
	icmpv6EchoRequest = 128
	icmpv6EchoReply   = 129
)

// icmpOf puts an ICMP packet in the protocol of its address family: moat
// asks "icmp" (echo request, type 8; its reply type 0) of either IP
// version, and over IPv6 the packet is ICMPv6, protocol 58, echo request
// 128 and reply 129. Other packets are returned as they are.
func icmpOf(proto model.Protocol, port int, a netip.Addr) (model.Protocol, int) {
	switch {
	case proto == model.ICMP && a.Is6():
		switch port {
		case icmpEchoRequest:
			port = icmpv6EchoRequest
		case icmpEchoReply:
			port = icmpv6EchoReply
		}
		return model.ICMPv6, port
	case proto == model.ICMPv6 && a.Is4():
		switch port {
		case icmpv6EchoRequest:
			port = icmpEchoRequest
		case icmpv6EchoReply:
			port = icmpEchoReply
		}
		return model.ICMP, port
	}
	return proto, port
}

// portMatches reports whether a rule's ports cover port. For ICMP port
// is the packet's type, which the rule's ICMP match must cover; moat's
// ICMP packets are echoes, code 0.
func portMatches(proto model.Protocol, ports model.PortRange, icmp model.ICMPMatch, port int) bool {
	switch proto {
	case model.AllProtocols:
		return true
	case model.ICMP, model.ICMPv6:
		return icmp.Matches(port, 0)
	case model.TCP, model.UDP:
		return ports.Contains(port)
	}
	// Other protocols (GRE, ESP, ...) have no ports: a rule for the
	// protocol covers all of its traffic.
	return true
}

// traffic renders a protocol and ports the way the plan does.
func traffic(proto model.Protocol, ports model.PortRange, icmp model.ICMPMatch) string {
	switch proto {
	case model.AllProtocols:
		return "all traffic"
	case model.ICMP, model.ICMPv6:
		if icmp.IsAny() {
			return proto.String()
		}
		return fmt.Sprintf("%s type %d", proto, icmp.Type)
	}
	return fmt.Sprintf("%s/%s", proto, ports)
}

func pktTraffic(p packet) string {
	if p.proto == model.ICMP || p.proto == model.ICMPv6 {
		proto, t := icmpOf(p.proto, p.dport, p.dst)
		return fmt.Sprintf("%s type %d", proto, t)
	}
	return fmt.Sprintf("%s/%d", p.proto, p.dport)
}

// naclMatch returns the first entry, in rule-number order, that matches a
// packet to or from peer, or nil for the implicit deny.
func naclMatch(entries []*model.NACLEntry, peer netip.Addr, proto model.Protocol, port int) *model.NACLEntry {
	proto, port = icmpOf(proto, port, peer)
	for _, e := range entries {
		if !protoMatches(e.Protocol, proto) || !e.CIDR.Contains(peer) {
			continue
		}
		if !portMatches(e.Protocol, e.Ports, e.ICMP, port) {
			continue
		}
		return e
	}
	return nil
}

func naclText(a *model.NetworkACL, e *model.NACLEntry) string {
	dir, prep := "in", "from"
	if e.Egress {
		dir, prep = "out", "to"
	}
	return fmt.Sprintf("%s %s rule %d %s %s %s %s", a.Addr, dir, e.RuleNumber, e.Action, traffic(e.Protocol, e.Ports, e.ICMP), prep, e.CIDR)
}

// peerMatches reports whether a security group rule's peer covers the
// other end of a packet: addr, owned by dev (nil when not an interface
// moat knows), or the AWS service svc.
func peerMatches(r *sgRule, addr netip.Addr, dev *device, svc string) bool {
	switch r.r.Peer.Kind {
	case model.PeerCIDR:
		return r.r.Peer.CIDR.Contains(addr)
	case model.PeerGroup:
		// A group reference matches the private addresses of the group's
		// interfaces, never a public or translated one.
		return dev != nil && dev.inGroup(r.r.Peer.Group) && dev.ownsPrivate(addr)
	case model.PeerPrefixList:
		if svc != "" && r.service == svc {
			return true
		}
		for _, p := range r.prefixes {
			if p.Contains(addr) {
				return true
			}
		}
	}
	return false
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
// from (addr, dev), or egress to it.
//
// A rule whose peer the model does not define (a group of another account,
// a customer prefix list not in the input) may admit the packet or not:
// when no other rule admits it, unknown says why the answer is not known.
func sgCheck(ix *Index, d *device, egress bool, proto model.Protocol, port int, addr netip.Addr, dev *device, svc string) (rule string, ok bool, unknown string) {
	if addr.IsValid() {
		proto, port = icmpOf(proto, port, addr)
	}
	for _, g := range d.sgs {
		rules := g.in
		if egress {
			rules = g.out
		}
		for i := range rules {
			r := &rules[i]
			if !protoMatches(r.r.Protocol, proto) || !portMatches(r.r.Protocol, r.r.Ports, r.r.ICMP, port) {
				continue
			}
			if !peerMatches(r, addr, dev, svc) {
				if why := ix.unresolved(r); why != "" && unknown == "" {
					unknown = fmt.Sprintf("%s: %s", g.g.Addr, why)
				}
				continue
			}
			prep := "from"
			if egress {
				prep = "to"
			}
			return fmt.Sprintf("%s: %s %s %s", g.g.Addr, traffic(r.r.Protocol, r.r.Ports, r.r.ICMP), prep, r.r.Peer), true, ""
		}
	}
	return "", false, unknown
}

// unresolved says why the model cannot tell which addresses rule r's
// peer holds: a security group it does not define, or a customer prefix
// list whose entries it lacks. An AWS-managed prefix list stands for its
// service's addresses and is known.
func (ix *Index) unresolved(r *sgRule) string {
	switch r.r.Peer.Kind {
	case model.PeerGroup:
		if ix.sgs[r.r.Peer.Group] == nil && len(ix.members[r.r.Peer.Group]) == 0 {
			return fmt.Sprintf("a rule names %s, which the input does not define (another account's group?)", r.r.Peer.Group)
		}
	case model.PeerPrefixList:
		if !r.plKnown && r.service == "" {
			return fmt.Sprintf("a rule names prefix list %s, whose entries the input does not hold", r.r.Peer.PrefixList)
		}
	}
	return ""
}

func (d *device) groupNames() string {
	s := ""
	for i, g := range d.sgs {
		if i > 0 {
			s += ", "
		}
		s += string(g.g.Addr)
	}
	if s == "" {
		return "no security group"
	}
	return s
}

// lookup is the route a table picks for dst: a gateway endpoint route when
// the destination is the endpoint's service (AWS's prefix lists are more
// specific than any default route), else the longest matching prefix.
func (ri *rtInfo) lookup(dst netip.Addr, svc string) (routeEntry, bool) {
	if svc != "" {
		for _, e := range ri.svc {
			if e.service == svc {
				return e, true
			}
		}
	}
	for i, e := range ri.routes {
		if !e.dest.Contains(dst) {
			continue
		}
		if isPropagated(e.r) {
			// "If propagated routes from a Site-to-Site VPN connection or
			// Direct Connect connection overlap with the local route for
			// your VPC, the local route is most preferred even if the
			// propagated routes are more specific"
			// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
			for _, l := range ri.routes[i+1:] {
				if l.r != nil && l.r.TargetKind == model.TargetLocal && l.dest.Contains(dst) {
					return l, true
				}
			}
		}
		return e, true
	}
	return routeEntry{}, false
}

func (e routeEntry) text() string {
	target := ""
	switch {
	case e.r == nil && e.ep != nil:
		target = string(e.ep.Addr)
	case e.r == nil:
	case e.r.TargetKind == model.TargetLocal:
		target = "local"
	case e.r.TargetKind == model.TargetBlackhole:
		target = "blackhole"
	case e.r.Target.IsZero():
		target = string(e.r.TargetKind)
	default:
		target = string(e.r.Target)
	}
	if e.r != nil && e.r.Propagated {
		target += " (propagated)"
	}
	return fmt.Sprintf("route %s -> %s", e.label, target)
}

func (e routeEntry) kind() model.TargetKind {
	if e.r == nil {
		return model.TargetEndpoint
	}
	return e.r.TargetKind
}

func (e routeEntry) target() model.ResourceRef {
	if e.r == nil {
		if e.ep != nil {
			return e.ep.Addr
		}
		return ""
	}
	return e.r.Target
}

// isPrivate reports whether a is RFC 1918, RFC 6598 (100.64.0.0/10) or
// otherwise not routable on the internet.
func isPrivate(a netip.Addr) bool {
	return a.IsPrivate() || cgnat.Contains(a) || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified()
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")
