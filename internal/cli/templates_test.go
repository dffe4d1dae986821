package cli

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// plannedTemplate is one template file moat plan wrote.
type plannedTemplate struct {
	Case   string // golden case, e.g. "webapp" or "hub-and-spoke-accounts"
	Format string // "yaml" or "json"
	Path   string // the file, under a test's temporary directory
}

// planAll runs moat plan on every golden spec (the examples included) in
// each format and returns every template it wrote, per-account templates
// of a split design included.
func planAll(t *testing.T, formats ...string) []plannedTemplate {
	t.Helper()
	var out []plannedTemplate
	for _, spec := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(spec), ".yaml")
		for _, format := range formats {
			dir := filepath.Join(t.TempDir(), name)
			code, _, stderr := runMoat(t, "plan", "--out", dir, "--format", format, spec)
			if code != 0 {
				t.Fatalf("moat plan --format %s %s: exit %d\n%s", format, spec, code, stderr)
			}
			files, err := filepath.Glob(filepath.Join(dir, "*", "*."+format))
			if err != nil || len(files) == 0 {
				t.Fatalf("moat plan --format %s %s wrote no template (%v)", format, spec, err)
			}
			slices.Sort(files)
			for _, f := range files {
				out = append(out, plannedTemplate{Case: name, Format: format, Path: f})
			}
		}
	}
	return out
}
