package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenAnswers pins what reach, verify and audit print for every
// golden case, as text and as JSON: the exact answers (classes of
// addresses and ports, the path and rule at each hop) are part of moat's
// output like its templates. Rewrite with go test ./internal/cli -update.
func TestGoldenAnswers(t *testing.T) {
	questions := [][2]string{{"internet", "db"}, {"internet", "service"}, {"service", "db"}}
	for _, path := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		dir := filepath.Join("..", "..", "testdata", "golden", name)
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				ext := map[string]string{"text": "txt", "json": "json"}[format]
				code, stdout, stderr := runMoat(t, "verify", "--format", format, path)
				if code == 2 {
					t.Fatalf("verify %s: exit 2\n%s", path, stderr)
				}
				checkGolden(t, filepath.Join(dir, "verify."+ext), []byte(stdout))
				var reach strings.Builder
				for _, q := range questions {
					code, stdout, stderr := runMoat(t, "reach", "--format", format, path, q[0], q[1])
					if code == 2 {
						// Not every case has every workload.
						continue
					}
					reach.WriteString("$ moat reach " + q[0] + " " + q[1] + "\n" + stdout + stderr + "\n")
				}
				checkGolden(t, filepath.Join(dir, "reach."+ext), []byte(reach.String()))
			}
		})
	}
	// audit reads imported networks: the bundled describe-* sample.
	for _, format := range []string{"text", "json"} {
		ext := map[string]string{"text": "txt", "json": "json"}[format]
		_, stdout, stderr := runMoat(t, "audit", "--format", format, filepath.Join("..", "..", "examples", "describe"))
		checkGolden(t, filepath.Join("..", "..", "testdata", "golden", "audit-describe."+ext), []byte(stdout+stderr))
	}
}
