package awsjson

import (
	"github.com/moatnet/moat/model"
)

// protocol maps an IpProtocol or NACL Protocol ("-1", "tcp", "6", "47")
// to a model.Protocol.
func protocol(s string) (model.Protocol, bool) {
	p, err := model.ParseProtocol(s)
	return p, err == nil
}

// ports reads FromPort/ToPort: TCP and UDP ports, or for ICMP the type
// and code, -1 meaning any. Protocols other than TCP and UDP match every
// port (AWS ignores the ports for them): AnyPort, as the compiler writes.
// The ICMP match is zero for protocols other than ICMP.
func ports(p model.Protocol, from, to *int) (model.PortRange, model.ICMPMatch) {
	switch p {
	case model.TCP, model.UDP:
		if from == nil || to == nil || *from == -1 {
			return model.AnyPort, model.ICMPMatch{}
		}
		return model.PortRange{From: *from, To: *to}, model.ICMPMatch{}
	case model.ICMP, model.ICMPv6:
		if from == nil || *from == -1 {
			return model.AnyPort, model.AnyICMP
		}
		code := -1
		if to != nil {
			code = *to
		}
		return model.AnyPort, model.ICMPMatch{Type: *from, Code: code}
	}
	return model.AnyPort, model.ICMPMatch{}
}
