package model

import (
	"encoding/json"
	"testing"
)

// Protocols are IANA numbers (https://www.iana.org/assignments/protocol-numbers/),
// -1 for all as AWS writes it; moat prints the names it always printed.
func TestProtocolText(t *testing.T) {
	tests := []struct {
		in   string
		want Protocol
		text string
	}{
		{"tcp", TCP, "tcp"}, {"TCP", TCP, "tcp"}, {"6", TCP, "tcp"},
		{"udp", UDP, "udp"}, {"17", UDP, "udp"},
		{"icmp", ICMP, "icmp"}, {"1", ICMP, "icmp"},
		{"icmpv6", ICMPv6, "icmpv6"}, {"58", ICMPv6, "icmpv6"},
		{"-1", AllProtocols, "all"}, {"all", AllProtocols, "all"},
		{"47", 47, "proto-47"}, {"proto-47", 47, "proto-47"}, {"0", 0, "proto-0"},
	}
	for _, tc := range tests {
		p, err := ParseProtocol(tc.in)
		if err != nil || p != tc.want || p.String() != tc.text {
			t.Errorf("ParseProtocol(%q) = %v (%q), %v; want %d (%q)", tc.in, int(p), p, err, tc.want, tc.text)
		}
		b, err := p.MarshalText()
		var back Protocol
		if err != nil || back.UnmarshalText(b) != nil || back != p {
			t.Errorf("%q does not round-trip through text: %q %v", tc.in, b, err)
		}
	}
	for _, bad := range []string{"", "sctp", "256", "-2", "+6", "proto-", "proto-300"} {
		if _, err := ParseProtocol(bad); err == nil {
			t.Errorf("ParseProtocol(%q) accepted it", bad)
		}
	}
	if _, err := Protocol(300).MarshalText(); err == nil {
		t.Error("protocol 300 marshalled")
	}
	b, _ := json.Marshal(struct{ P Protocol }{UDP})
	if string(b) != `{"P":"udp"}` {
		t.Errorf("JSON %s", b)
	}
}

// An ICMP rule's type and code are -1 for any, as AWS's
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).
func TestICMPMatch(t *testing.T) {
	if !AnyICMP.Matches(3, 4) || !ICMPType(8).Matches(8, 0) || ICMPType(8).Matches(0, 0) {
		t.Error("any, or one type")
	}
	if m := (ICMPMatch{Type: 3, Code: 4}); !m.Matches(3, 4) || m.Matches(3, 0) {
		t.Error("type and code")
	}
}
