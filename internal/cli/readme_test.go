package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestREADMETour runs the README's short tour as written, from a copy of
// the files it names, in order: every command must exist, read files that
// are there and exit 0 or 1 (1 is a finding, such as the blocked
// internet -> db), never 2.
func TestREADMETour(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, tour, ok := strings.Cut(string(readme), "## A short tour\n\n```sh\n")
	if !ok {
		t.Fatal("README has no '## A short tour' sh block")
	}
	tour, _, _ = strings.Cut(tour, "```")
	var script strings.Builder
	n := 0
	for _, line := range strings.Split(tour, "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmd = strings.TrimSpace(cmd)
		switch {
		case cmd == "":
			continue
		case strings.HasPrefix(cmd, "go build "):
			continue // the test binary is moat
		case !strings.HasPrefix(cmd, "./moat "):
			t.Fatalf("tour line %q: want ./moat ... or go build", line)
		}
		n++
		fmt.Fprintf(&script, "step %s\n", strings.TrimPrefix(cmd, "./moat "))
	}
	if n < 8 {
		t.Fatalf("found %d tour commands, want the whole tour", n)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tour.txtar"), []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: dir,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// step ARGS runs moat ARGS and fails on exit 2 (or worse).
			"step": func(ts *testscript.TestScript, neg bool, args []string) {
				ts.Exec("moat", args...) // exit 1 is a finding, fine here
				if stderr := ts.ReadFile("stderr"); !strings.Contains(stderr, "[exit 0]") && !strings.Contains(stderr, "[exit 1]") {
					ts.Fatalf("moat %s:\n%s", strings.Join(args, " "), stderr)
				}
			},
		},
		Setup: func(env *testscript.Env) error {
			// The tour runs from a clone's root: give it the files it names.
			for _, d := range []string{"examples", "pricing/data"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, d), os.DirFS(filepath.Join("../..", d))); err != nil {
					return err
				}
			}
			return nil
		},
	})
}
