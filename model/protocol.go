package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol is an IP protocol by its IANA number (6 TCP, 17 UDP, 1 ICMP,
// 58 ICMPv6, 47 GRE, ...), as security groups, ACLs and firewall rules
// name it, or AllProtocols. Protocols other than the four named ones
// appear in real accounts (GRE 47, ESP 50): importers keep them rather
// than drop the rule, since a dropped allow rule would make the analyzer
// report blocked a path AWS lets through.
//
// The zero value is protocol 0 (HOPOPT), which no rule moat reads or
// writes names; a Question or Flow takes it as "unset" (TCP).
type Protocol int16

const (
	ICMP   Protocol = 1
	TCP    Protocol = 6
	UDP    Protocol = 17
	ICMPv6 Protocol = 58
	// AllProtocols matches every protocol and port ("-1" in AWS).
	AllProtocols Protocol = -1
)

// ProtocolNumber returns the Protocol for an IANA protocol number, -1
// for AllProtocols.
func ProtocolNumber(n int) Protocol { return Protocol(n) }

// Number returns the IANA number of p (-1 for AllProtocols), and false
// when p is not a protocol number at all.
func (p Protocol) Number() (int, bool) {
	if p < -1 || p > 255 {
		return 0, false
	}
	return int(p), true
}

// Valid reports whether p is AllProtocols or an IANA number 0-255.
func (p Protocol) Valid() bool { _, ok := p.Number(); return ok }

// String is the name moat prints: tcp, udp, icmp, icmpv6, all, and
// proto-N for any other number N.
func (p Protocol) String() string {
	switch p {
	case AllProtocols:
		return "all"
	case TCP:
		return "tcp"
	case UDP:
		return "udp"
	case ICMP:
		return "icmp"
	case ICMPv6:
		return "icmpv6"
	}
	return "proto-" + strconv.Itoa(int(p))
}

// MarshalText writes String.
func (p Protocol) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("protocol %d is not an IANA protocol number", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads what ParseProtocol accepts.
func (p *Protocol) UnmarshalText(b []byte) error {
	q, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ParseProtocol reads a protocol as AWS and moat write it: a name (tcp,
// udp, icmp, icmpv6, all; any case), -1 for all, an IANA number 0-255, or
// proto-N as String writes it.
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(s) {
	case "-1", "all":
		return AllProtocols, nil
	case "tcp":
		return TCP, nil
	case "udp":
		return UDP, nil
	case "icmp":
		return ICMP, nil
	case "icmpv6":
		return ICMPv6, nil
	}
	num := strings.TrimPrefix(strings.ToLower(s), "proto-")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 255 || strings.HasPrefix(num, "+") {
		return 0, fmt.Errorf("unknown protocol %q: use tcp, udp, icmp, icmpv6, -1 (all) or an IANA protocol number 0-255", s)
	}
	return Protocol(n), nil
}

// MustParseProtocol is ParseProtocol for tests: it panics on bad input.
func MustParseProtocol(s string) Protocol {
	p, err := ParseProtocol(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ICMPMatch is the ICMP (or ICMPv6) messages a rule matches, as AWS
// states them: one type, or one type and code, with -1 meaning any. The
// zero value is type 0 code 0 (an echo reply only); AnyICMP matches
// every message.
type ICMPMatch struct {
	Type, Code int
}

// AnyICMP matches every ICMP type and code.
var AnyICMP = ICMPMatch{Type: -1, Code: -1}

// ICMPType matches every code of type t.
func ICMPType(t int) ICMPMatch { return ICMPMatch{Type: t, Code: -1} }

// IsAny reports whether m matches every message.
func (m ICMPMatch) IsAny() bool { return m.Type < 0 }

// Matches reports whether m covers a message of type t, code c.
func (m ICMPMatch) Matches(t, c int) bool {
	return m.Type < 0 || m.Type == t && (m.Code < 0 || m.Code == c)
}

// Kinds that only imported networks use.
const (
	// TargetVGW is a virtual private gateway (vgw-...): the VPN or Direct
	// Connect side of a VPC.
	TargetVGW TargetKind = "virtual-private-gateway"
	// TargetOther is a route target moat does not model (carrier or local
	// gateway, core network); Route.Target keeps its id as "other/<id>".
	TargetOther TargetKind = "other"

	// GatewayLBEndpoint is a Gateway Load Balancer endpoint.
	GatewayLBEndpoint EndpointType = "gateway-load-balancer"

	// GWLB is a Gateway Load Balancer.
	GWLB LBKind = "gwlb"
)
