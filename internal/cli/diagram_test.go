package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenDiagrams draws every golden spec in every format through the
// CLI and compares with testdata/golden/<case>/diagram.{svg,dot,mmd}.
// diagram's own tests render the SVGs to PNG and check their geometry.
func TestGoldenDiagrams(t *testing.T) {
	for _, path := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			for format, ext := range map[string]string{"svg": "svg", "dot": "dot", "mermaid": "mmd"} {
				code, stdout, stderr := runMoat(t, "diagram", "--format", format, "-o", "-", path)
				if code != 0 {
					t.Fatalf("moat diagram %s: exit %d\n%s", path, code, stderr)
				}
				checkGolden(t, filepath.Join("..", "..", "testdata", "golden", name, "diagram."+ext), []byte(stdout))
				if _, again, _ := runMoat(t, "diagram", "--format", format, "-o", "-", path); again != stdout {
					t.Errorf("%s differs between two runs", format)
				}
			}
		})
	}
}
