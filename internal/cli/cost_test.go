package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenCosts keeps a cost report for every golden case, and the NAT
// comparison for the web app, the hub-and-spoke design (whose NAT does
// not follow network.nat: one row) and one zone (per zone and shared are
// the same), byte for byte.
func TestGoldenCosts(t *testing.T) {
	for _, path := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runMoat(t, "cost", path)
			if code != 0 {
				t.Fatalf("moat cost %s: exit %d\n%s", path, code, stderr)
			}
			dir := filepath.Join("..", "..", "testdata", "golden", name)
			checkGolden(t, filepath.Join(dir, "cost.txt"), []byte(stdout+stderr))
			if _, again, _ := runMoat(t, "cost", path); again != stdout {
				t.Error("moat cost differs between two runs")
			}
			if name == "webapp" || name == "hub-and-spoke" || name == "one-zone-dev" {
				code, stdout, stderr := runMoat(t, "cost", "--compare", path)
				if code != 0 {
					t.Fatalf("moat cost --compare: exit %d\n%s", code, stderr)
				}
				checkGolden(t, filepath.Join(dir, "cost-compare.txt"), []byte(stdout+stderr))
			}
		})
	}
}
