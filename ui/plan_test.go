package ui

import (
	"testing"

	"github.com/moatnet/moat/compile"
)

// TestNATChoiceIsTheDesignsRow: the page's NAT choice ("ui.nat", and the
// cost's current option) is the name of the row the compiled design
// marks as the spec's own, so the page and cost --compare cannot name
// the options apart; a spec that does not compile is named by the table
// compile would record.
func TestNATChoiceIsTheDesignsRow(t *testing.T) {
	const head = "stack: s\nregion: us-east-1\n"
	const svc = "service:\n  port: 8080\n"
	for _, c := range []struct {
		name, src, want string
		compiles        bool
	}{
		{"prod default", head + svc, "instance-per-zone", true},
		{"dev default", head + "environment: dev\n" + svc, "instance-shared", true},
		{"shared in prod", head + "network:\n  nat:\n    mode: instance\n    per_zone: false\n" + svc, "instance-shared", true},
		{"gateway", head + "network:\n  nat: gateway\n" + svc, "gateway", true},
		{"gateway per zone", head + "network:\n  nat: gateway-per-zone\n" + svc, "gateway-per-zone", true},
		{"regional", head + "network:\n  nat: regional-gateway\n" + svc, "regional-gateway", true},
		{"none", head + "network:\n  nat: none\n" + svc, "none", true},
		{"does not compile", head + "network:\n  cidr: 10.0.0.0/26\n  nat:\n    mode: instance\n    per_zone: false\n" + svc, "instance-shared", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Plan("s.yaml", []byte(c.src))
			if got := r.Settings["ui.nat"]; got != c.want {
				t.Errorf("ui.nat = %v, want %s", got, c.want)
			}
			if (r.Cost != nil) != c.compiles {
				t.Fatalf("compiled %v, want %v: %+v", r.Cost != nil, c.compiles, r.Diagnostics)
			}
			st, n, _ := design("s.yaml", []byte(c.src))
			opts := compile.NATOptions(st)
			if n != nil {
				opts = n.NATOptions
				if r.Cost.Current != c.want {
					t.Errorf("cost's current option %q, want %s", r.Cost.Current, c.want)
				}
			}
			named := false
			for _, o := range opts {
				named = named || o.Current && o.Name == c.want
			}
			if !named {
				t.Errorf("%s is not the design's current row: %+v", c.want, opts)
			}
		})
	}
}
