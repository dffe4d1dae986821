package awsjson

import (
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// protocol maps an IpProtocol or NACL Protocol ("-1", "tcp", "6", "47")
// to a model.Protocol.
func protocol(s string) (model.Protocol, bool) {
	switch strings.ToLower(s) {
	case "-1", "all":
		return model.AllProtocols, true
	case "tcp":
		return model.TCP, true
	case "udp":
		return model.UDP, true
	case "icmp":
		return model.ICMP, true
	case "icmpv6":
		return model.ICMPv6, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1 || n > 255 {
		return "", false
	}
	return model.ProtocolNumber(n), true
}

// ports reads FromPort/ToPort. For ICMP they are type and code, -1 meaning
// any; type and code both any is model.AnyPort. Protocols other than TCP,
// UDP and ICMP match every port (AWS ignores the ports for them): AnyPort.
func ports(p model.Protocol, from, to *int) model.PortRange {
	switch p {
	case model.TCP, model.UDP:
		if from == nil || to == nil || *from == -1 {
			return model.AnyPort
		}
		return model.PortRange{From: *from, To: *to}
	case model.ICMP, model.ICMPv6:
		if from == nil || *from == -1 {
			return model.AnyPort
		}
		code := -1
		if to != nil {
			code = *to
		}
		return model.PortRange{From: *from, To: code}
	}
	// Ports do not apply: AWS matches every port, which the compiler
	// writes as AnyPort.
	return model.AnyPort
}
