package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenSpecs are the examples a new user runs first plus the cases under
// testdata/golden that cover each NAT mode, dev and prod, IPv6 and the
// bastion.
func goldenSpecs(t testing.TB) []string {
	t.Helper()
	var specs []string
	for _, pattern := range []string{"../../examples/*.yaml", "../../testdata/golden/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, m...)
	}
	if len(specs) < 8 {
		t.Fatalf("found only %d golden specs", len(specs))
	}
	return specs
}

// runMoat runs the CLI in-process and returns its exit code and output.
func runMoat(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestGoldenPlans(t *testing.T) {
	for _, path := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{"yaml", "json"} {
				out := t.TempDir()
				code, stdout, stderr := runMoat(t, "plan", "--out", out, "--format", format, path)
				if code != 0 {
					t.Fatalf("moat plan %s: exit %d\n%s", path, code, stderr)
				}
				// The summary names the output directory; make it stable.
				stdout = strings.ReplaceAll(stdout, out+string(filepath.Separator), "OUT/")
				// template.FORMAT, or one file per account of a split design.
				files, err := filepath.Glob(filepath.Join(out, "*", "*."+format))
				if err != nil || len(files) == 0 {
					t.Fatalf("want templates (*.%s) under %s, got %v (%v)", format, out, files, err)
				}
				dir := filepath.Join("..", "..", "testdata", "golden", name)
				if format == "yaml" {
					checkGolden(t, filepath.Join(dir, "plan.txt"), []byte(stdout+stderr))
				}
				again := t.TempDir()
				if code, _, _ := runMoat(t, "plan", "--out", again, "--format", format, path); code != 0 {
					t.Fatalf("second run: exit %d", code)
				}
				for _, f := range files {
					tmpl, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					checkGolden(t, filepath.Join(dir, filepath.Base(f)), tmpl)

					// Byte-identical across runs.
					second, err := os.ReadFile(filepath.Join(again, filepath.Base(filepath.Dir(f)), filepath.Base(f)))
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(tmpl, second) {
						t.Errorf("%s differs between two runs", filepath.Base(f))
					}
				}
			}
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	testnet.Golden(t, path, got, *update, "go test ./internal/cli -run "+t.Name()+" -update")
}
