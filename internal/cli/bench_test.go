package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkPlanWebapp measures moat plan on the default example, from
// reading the spec to the written template. Target: under 20 ms per run on
// the project's 2-core machine.
func BenchmarkPlanWebapp(b *testing.B) {
	out := b.TempDir()
	spec := filepath.Join("..", "..", "examples", "webapp.yaml")
	for b.Loop() {
		if code, _, stderr := runMoat(b, "plan", "--out", out, spec); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr)
		}
	}
}

// BenchmarkPlanWebappInMemory is the same work without the file system:
// parse, compile, emit, check and encode. The gap to BenchmarkPlanWebapp
// is the atomic write (temp file, fsync, rename).
func BenchmarkPlanWebappInMemory(b *testing.B) {
	path := filepath.Join("..", "..", "examples", "webapp.yaml")
	for b.Loop() {
		l, err := loadSpec(&streams{}, path)
		if err != nil || l.network == nil {
			b.Fatalf("load: %v %v", err, l.diags)
		}
		if _, _, err := renderTemplate(l.network, "yaml"); err != nil {
			b.Fatal(err)
		}
		var sink strings.Builder
		writePlan(&sink, l.network)
	}
}
