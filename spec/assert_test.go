package spec

import (
	"strings"
	"testing"

	"github.com/moatnet/moat/diag"
)

func TestParseAssertion(t *testing.T) {
	tests := []struct {
		in         string
		from, to   string
		proto      string
		port       int
		wantErrSub string
	}{
		{in: "internet -> db", from: "internet", to: "db", proto: "tcp"},
		{in: "service -> s3:443", from: "service", to: "s3", proto: "tcp", port: 443},
		{in: "sg/service->10.0.0.5:53/udp", from: "sg/service", to: "10.0.0.5", proto: "udp", port: 53},
		{in: "internet -> bastion/icmp", from: "internet", to: "bastion", proto: "icmp"},
		{in: "internet -> 2001:db8::5", from: "internet", to: "2001:db8::5", proto: "tcp"},
		{in: "internet db", wantErrSub: "no ->"},
		{in: " -> db", wantErrSub: "needs a source"},
		{in: "internet -> db:99999", wantErrSub: "port"},
		{in: "internet -> db extra", wantErrSub: "not one name"},
		// A protocol moat does not take is named as such, not as a port.
		{in: "service -> s3:443/sctp", wantErrSub: `protocol "sctp": use tcp, udp or icmp`},
		// A CIDR's slash is not a protocol.
		{in: "internet -> 10.0.0.0/16", from: "internet", to: "10.0.0.0/16", proto: "tcp"},
	}
	at := diag.Range{File: "stack.yaml", Start: diag.Pos{Line: 7, Column: 9}, End: diag.Pos{Line: 7, Column: 23}}
	for _, tc := range tests {
		a, ds := ParseAssertion(tc.in, at)
		if tc.wantErrSub != "" {
			if len(ds) != 1 || !strings.Contains(ds[0].Summary, tc.wantErrSub) || ds[0].Range != at || ds[0].Hint == "" {
				t.Errorf("%q: diagnostics %+v, want one at %s containing %q, with a hint", tc.in, ds, at, tc.wantErrSub)
			}
			continue
		}
		if len(ds) != 0 || a.From != tc.from || a.To != tc.to || a.Proto.String() != tc.proto || a.Port != tc.port || a.Range != at {
			t.Errorf("%q = %+v, %v", tc.in, a, ds)
		}
	}
}

func TestAssertSection(t *testing.T) {
	src := "stack: s\nregion: us-east-1\nservice:\n  port: 8080\nassert:\n  never: [\"internet -> db\"]\n  always:\n    - service -> s3:443\n    - nonsense\n"
	st, ds := Parse("s.yaml", []byte(src))
	if len(st.Assert) != 2 {
		t.Fatalf("assertions = %+v", st.Assert)
	}
	if !st.Assert[0].Never || st.Assert[1].Never || st.Assert[1].Port != 443 {
		t.Errorf("assertions = %+v", st.Assert)
	}
	if st.Assert[1].Range.Start.Line != 8 {
		t.Errorf("position = %+v, want line 8", st.Assert[1].Range)
	}
	if !ds.HasErrors() || !strings.Contains(ds.Sorted()[0].Summary, "assert.always[1]") {
		t.Errorf("diagnostics = %v", ds)
	}
}
