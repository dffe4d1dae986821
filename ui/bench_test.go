package ui

import (
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkEditReplan is one change on the page: unchecking Enable NAT
// instance on examples/webapp.yaml, written into the spec's YAML, parsed,
// compiled, priced with the NAT comparison (six designs), drawn and
// serialized as the page receives it. Target: well under 100 ms on the
// project's 2-core machine. The proofs (BenchmarkEditVerify) follow in a
// second request, so the page redraws before they arrive.
func BenchmarkEditReplan(b *testing.B) {
	src, err := os.ReadFile("../examples/webapp.yaml")
	if err != nil {
		b.Fatal(err)
	}
	edits := []Edit{{Path: "ui.nat", Value: json.RawMessage(`"none"`)}}
	for b.Loop() {
		out, err := ApplyEdits(src, expandEdits(src, edits))
		if err != nil {
			b.Fatal(err)
		}
		r := Plan("webapp.yaml", out)
		if r.Cost == nil || r.Diagram == nil {
			b.Fatalf("no plan: %+v", r.Diagnostics)
		}
		if _, err := json.Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditVerify is the same edit's proofs: moat verify over every
// address and port.
func BenchmarkEditVerify(b *testing.B) {
	src, err := os.ReadFile("../examples/webapp.yaml")
	if err != nil {
		b.Fatal(err)
	}
	out, err := ApplyEdits(src, expandEdits(src, []Edit{{Path: "ui.nat", Value: json.RawMessage(`"none"`)}}))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Verify("webapp.yaml", out); err != nil {
			b.Fatal(err)
		}
	}
}
