package cli

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// combinedLinted is how many combined specs TestCFNLint lints besides the
// golden cases: each costs cfn-lint about a second.
const combinedLinted = 3

// findCFNLint returns cfn-lint from PATH, or from pyenv's shims where this
// project's machines install it, or "".
func findCFNLint() string {
	if p, err := exec.LookPath("cfn-lint"); err == nil {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".pyenv", "shims", "cfn-lint")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// TestCFNLint runs AWS's CloudFormation linter over every template moat
// writes for the examples and golden cases, YAML and JSON, per-account
// templates included, and wants no finding at all: no error, no warning.
// A warning moat keeps on purpose is silenced in that resource's Metadata
// (cfn-lint: config: ignore_checks) with its reason, so it shows here as
// nothing. One invocation over all files: cfn-lint's start-up is seconds.
func TestCFNLint(t *testing.T) {
	t.Parallel() // cfn-lint is one Python process; the other tests run meanwhile
	if testing.Short() {
		t.Skip("cfn-lint takes about 30 s over all templates; skipped with -short")
	}
	lint := findCFNLint()
	if lint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("cfn-lint not found on PATH or at $HOME/.pyenv/shims/cfn-lint; CI must have it (pip install cfn-lint)")
		}
		t.Skip("cfn-lint not found on PATH or at $HOME/.pyenv/shims/cfn-lint; install it (pip install cfn-lint) to lint the templates")
	}
	planned := planAll(t, "yaml", "json")
	// Stacks placed into existing VPCs: their golden templates, which
	// TestExistingGoldens keeps equal to what plan writes.
	existing, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "existing", "golden", "*", "template.yaml"))
	if len(existing) < 3 {
		t.Fatalf("found %d existing-VPC golden templates, want 3 or more", len(existing))
	}
	for _, f := range existing {
		planned = append(planned, plannedTemplate{Case: "existing " + filepath.Base(filepath.Dir(f)), Format: "yaml", Path: f})
	}
	// A few combined specs too (as TestValidateMeansPlan draws them, another
	// seed), for what no golden case combines: tags with ecs-ec2 hosts,
	// regions, NAT and front-end options together.
	r := rand.New(rand.NewPCG(50, 3))
	for i, n := 0, 0; n < combinedLinted && i < 50; i++ {
		src := combinedSpec(r, i)
		path := filepath.Join(t.TempDir(), fmt.Sprintf("c%d.yaml", i))
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := runMoat(t, "validate", path); code != 0 {
			continue
		}
		dir := t.TempDir()
		if code, _, stderr := runMoat(t, "plan", "--format", "json", "--out", dir, path); code != 0 {
			t.Fatalf("plan %s: exit %d\n%s", src, code, stderr)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
		for _, f := range files {
			planned = append(planned, plannedTemplate{Case: fmt.Sprintf("combined c%d", i), Format: "json", Path: f})
		}
		n++
	}
	name := map[string]string{}
	args := []string{"--format", "parseable", "--"}
	for _, p := range planned {
		args = append(args, p.Path)
		name[p.Path] = p.Case + "/" + filepath.Base(p.Path)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(lint, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run %s: %v", lint, err)
	}
	findings := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if line == "" {
			continue
		}
		findings++
		// parseable: file:line:col:endline:endcol:rule:message
		for path, n := range name {
			if strings.HasPrefix(line, path+":") {
				line = n + strings.TrimPrefix(line, path)
				break
			}
		}
		t.Errorf("cfn-lint: %s", line)
	}
	if err != nil && findings == 0 {
		// Exit codes 2, 4 and 8 mean errors, warnings and informational
		// findings; anything else is cfn-lint itself failing.
		t.Errorf("cfn-lint exited %d with no finding printed:\n%s", exit.ExitCode(), stderr.String())
	}
	t.Logf("cfn-lint over %d templates: %d findings", len(planned), findings)
}
