package model

import (
	"strconv"
	"strings"
)

// Protocols other than TCP, UDP, ICMP and ICMPv6 appear in real accounts
// (GRE 47, ESP 50, ...). Importers keep them representable as "proto-N",
// N the IANA number, rather than dropping the rule: a dropped allow rule
// would make the analyzer report a path blocked that AWS lets through.

// ProtocolNumber returns the Protocol for an IANA protocol number: the
// named constants for 6, 17, 1 and 58, AllProtocols for -1, and "proto-N"
// otherwise.
func ProtocolNumber(n int) Protocol {
	switch n {
	case -1:
		return AllProtocols
	case 6:
		return TCP
	case 17:
		return UDP
	case 1:
		return ICMP
	case 58:
		return ICMPv6
	}
	return Protocol("proto-" + strconv.Itoa(n))
}

// Number returns the IANA number of p (-1 for AllProtocols), and false for
// a protocol moat does not know.
func (p Protocol) Number() (int, bool) {
	switch p {
	case AllProtocols:
		return -1, true
	case TCP:
		return 6, true
	case UDP:
		return 17, true
	case ICMP:
		return 1, true
	case ICMPv6:
		return 58, true
	}
	s, ok := strings.CutPrefix(string(p), "proto-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return 0, false
	}
	return n, true
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
