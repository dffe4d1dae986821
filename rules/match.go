package rules

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
)

// Match is the protocol part of a rule: the protocol, the destination
// ports (TCP and UDP only) and the ICMP type and code (ICMP and ICMPv6
// only). Rules for other protocols (GRE 47, ESP 50) have no ports.
type Match struct {
	Proto model.Protocol
	Ports model.PortRange
	ICMP  model.ICMPMatch
}

// Covers reports whether m covers a packet of protocol proto to port; an
// ICMP packet's port is its type, and moat's ICMP packets (echoes) carry
// code 0. ICMPv6 (58) is not ICMP (1): put the packet in its address
// family first (InFamily).
func (m Match) Covers(proto model.Protocol, port int) bool {
	if m.Proto != model.AllProtocols && m.Proto != proto {
		return false
	}
	switch m.Proto {
	case model.ICMP, model.ICMPv6:
		return m.ICMP.Matches(port, 0)
	case model.TCP, model.UDP:
		return m.Ports.Contains(port)
	}
	// All traffic, or a protocol without ports: every packet of it.
	return true
}

// CoversProto reports whether m's protocol covers proto, whatever the
// ports.
func (m Match) CoversProto(proto model.Protocol) bool {
	return m.Proto == model.AllProtocols || m.Proto == proto
}

// Overlaps reports whether some packet matches both m and o: their
// protocols overlap, and so do their ports (TCP, UDP) or ICMP messages
// (ICMP, ICMPv6). A rule for all traffic matches every port and message.
func (m Match) Overlaps(o Match) bool {
	if !m.CoversProto(o.Proto) && !o.CoversProto(m.Proto) {
		return false
	}
	p := m.Proto // the concrete one, when one is all traffic
	if p == model.AllProtocols {
		p = o.Proto
	}
	a, b := m.all(), o.all()
	switch p {
	case model.TCP, model.UDP:
		return a.Ports.From <= b.Ports.To && b.Ports.From <= a.Ports.To
	case model.ICMP, model.ICMPv6:
		x, y := a.ICMP, b.ICMP
		return x.IsAny() || y.IsAny() || x.Type == y.Type && (x.Code < 0 || y.Code < 0 || x.Code == y.Code)
	}
	return true
}

// all is m with a rule for all traffic stating every port and message.
func (m Match) all() Match {
	if m.Proto == model.AllProtocols {
		m.Ports, m.ICMP = model.AnyPort, model.AnyICMP
	}
	return m
}

// Cuts are the ranges m splits the port dimension at, where an ICMP
// packet carries its type.
func (m Match) Cuts() []model.PortRange {
	switch m.Proto {
	case model.ICMP, model.ICMPv6:
		if m.ICMP.IsAny() {
			return []model.PortRange{model.AnyPort}
		}
		return []model.PortRange{model.Port(m.ICMP.Type)}
	}
	return []model.PortRange{m.Ports}
}

// PortsFor is the destination ports (for ICMP: types) m admits for a
// packet of protocol proto, and false when it admits none.
func (m Match) PortsFor(proto model.Protocol) (model.PortRange, bool) {
	if !m.CoversProto(proto) {
		return model.PortRange{}, false
	}
	switch m.Proto {
	case model.TCP, model.UDP:
		return m.Ports, true
	case model.ICMP, model.ICMPv6:
		if !m.ICMP.IsAny() {
			return model.Port(m.ICMP.Type), true
		}
	}
	return model.AnyPort, true
}

// String renders the traffic as the plan and explanations do: "all
// traffic", "tcp/443", "tcp/all ports", "icmp", "icmp type 8".
func (m Match) String() string {
	switch m.Proto {
	case model.AllProtocols:
		return "all traffic"
	case model.ICMP, model.ICMPv6:
		if m.ICMP.IsAny() {
			return m.Proto.String()
		}
		return fmt.Sprintf("%s type %d", m.Proto, m.ICMP.Type)
	}
	return fmt.Sprintf("%s/%s", m.Proto, m.Ports)
}

// ICMP echo types: request and reply, for IPv4 (RFC 792) and IPv6
// (RFC 4443).
const (
	ICMPEchoRequest   = 8
	ICMPEchoReply     = 0
	ICMPv6EchoRequest = 128
	ICMPv6EchoReply   = 129
)

// InFamily puts an ICMP packet in the protocol of its address family:
// moat asks "icmp" (echo request, type 8; its reply type 0) of either IP
// version, and over IPv6 the packet is ICMPv6, protocol 58, echo request
// 128 and reply 129. Other packets are returned as they are.
func InFamily(proto model.Protocol, port int, a netip.Addr) (model.Protocol, int) {
	switch {
	case proto == model.ICMP && a.Is6():
		switch port {
		case ICMPEchoRequest:
			port = ICMPv6EchoRequest
		case ICMPEchoReply:
			port = ICMPv6EchoReply
		}
		return model.ICMPv6, port
	case proto == model.ICMPv6 && a.Is4():
		switch port {
		case ICMPv6EchoRequest:
			port = ICMPEchoRequest
		case ICMPv6EchoReply:
			port = ICMPEchoReply
		}
		return model.ICMP, port
	}
	return proto, port
}

// find calls a lookup the caller may not have given (nil: the input
// holds none).
func find[K any, V any](lookup func(K) *V, k K) *V {
	if lookup == nil {
		return nil
	}
	return lookup(k)
}
