package diagram

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moatnet/moat/internal/testnet"
)

// TestGeometryLongLabels: long source lists (four frontend.allow_from
// CIDRs plus three bastion CIDRs) once put a label at x=-579, 2,295 px
// wide, over other labels. The geometry test now covers such specs: every
// label is on the canvas and covers no box and no other label.
func TestGeometryLongLabels(t *testing.T) {
	paths, err := filepath.Glob("testdata/long-labels*.yaml")
	if err != nil || len(paths) < 2 {
		t.Fatalf("want the long-label specs under testdata: %v %v", paths, err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			n := testnet.Compile(t, path)
			p := Layout(n, Options{})
			shortened := 0
			for _, a := range p.Arrows {
				if utf8.RuneCountInString(a.Label) > maxLabelChars {
					t.Errorf("label %q is longer than %d characters", a.Label, maxLabelChars)
				}
				if a.Title != "" {
					shortened++
				}
			}
			if shortened == 0 {
				t.Errorf("no label was shortened: the spec no longer tests long labels")
			}
			checkGeometry(t, p)
			// The full text is kept for hover, DOT and Mermaid.
			svg, err := Render(n, SVG, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(svg), "<title>tcp/") {
				t.Errorf("the SVG has no <title> with a full label")
			}
			dot, err := Render(n, DOT, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(dot), "198.51.100.0/24, tcp/") {
				t.Errorf("DOT lost the full label")
			}
		})
	}
}

func TestShortLabel(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"tcp/443", "tcp/443"},
		{"tcp/443 from 10.0.0.0/8, tcp/443 from 192.168.0.0/16", "tcp/443 from 10.0.0.0/8, 192.168.0.0/16"},
		{"tcp/80 from 198.51.100.0/24, tcp/80 from 203.0.113.0/24, tcp/80 from 192.0.2.0/24", "tcp/80 from 198.51.100.0/24 +2"},
		{"tcp/80 from 198.51.100.0/24, tcp/80 from 203.0.113.0/24, tcp/22 from 192.0.2.7/32, tcp/22 from 192.0.2.8/32", "tcp/80 (2 sources); tcp/22 (2 sources)"},
		{"tcp/1 from 10.0.0.0/8, tcp/2 from 10.0.0.0/8, tcp/3 from 10.0.0.0/8, tcp/4 from 10.0.0.0/8, tcp/5 from 10.0.0.0/8", "tcp/1 (1 source); tcp/2 (1 source); +3 more"},
	} {
		got := shortLabel(tt.in, maxLabelChars)
		if got != tt.want {
			t.Errorf("shortLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if utf8.RuneCountInString(got) > maxLabelChars {
			t.Errorf("shortLabel(%q) = %q: over %d characters", tt.in, got, maxLabelChars)
		}
	}
}
