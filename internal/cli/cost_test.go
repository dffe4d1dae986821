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

// TestCompareOnlyCompiledDesigns: the NAT options are the compiler's,
// recorded on the design it builds. An import (a template, a describe-*
// snapshot) holds none and a stack in an existing VPC builds no NAT of
// its own, so --compare says it has nothing to compare (exit 2) instead
// of pricing a table: the existing-VPC stack once got six rows of "the
// VPC CIDR invalid Prefix".
func TestCompareOnlyCompiledDesigns(t *testing.T) {
	existing := filepath.Join("..", "..", "testdata", "existing")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"template", []string{filepath.Join("..", "..", "testdata", "golden", "webapp", "template.yaml")}, "needs a stack spec"},
		{"describe", []string{filepath.Join("..", "..", "examples", "describe")}, "needs a stack spec"},
		{"existing VPC", []string{"--from", filepath.Join(existing, "three-tier"), filepath.Join(existing, "shop.yaml")}, "goes into an existing VPC (network.existing)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runMoat(t, append([]string{"cost", "--compare"}, c.args...)...)
			if code != 2 || !strings.Contains(stderr, c.want) || strings.Contains(stdout, "NAT options for") {
				t.Errorf("exit %d, want 2 and %q\nstdout: %s\nstderr: %s", code, c.want, stdout, stderr)
			}
		})
	}
}
