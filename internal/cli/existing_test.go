package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// existingCases are stacks placed into the VPCs of testdata/existing (see
// gen.py there) and a Batfish snapshot: each case's plan, and for those
// that place, template and verify are goldens under
// testdata/existing/golden/<case>.
var existingCases = []struct {
	name, spec, from string
	code             int
	// noVerify says why verify is not run on a case.
	noVerify string
}{
	{"three-tier", "shop.yaml", "three-tier", 0, ""},
	{"three-tier-internal", "shop-internal.yaml", "three-tier", 0, ""},
	{"type-missing", "shop-ec2.yaml", "type-missing", 0, ""},
	{"type-missing-named", "shop-ec2-named.yaml", "type-missing", 2, ""},
	{"public-only", "shop.yaml", "public-only", 2, ""},
	{"no-isolated", "shop.yaml", "no-isolated", 2, ""},
	{"isolated-only", "shop.yaml", "isolated-only", 0, ""},
	// ELB takes IP targets from the target group's VPC's subnets whatever
	// their range (ALB guide, target groups, "Target type":
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-type),
	// so tasks in a publicly routable secondary CIDR are placed.
	{"public-range", "shop.yaml", "public-range", 0,
		"the analyzer reports internet -> eni/service for interfaces in a publicly routable secondary CIDR, with an empty path (internet -> internet): an analyzer gap, not the placement's"},
	{"one-zone", "one-zone.yaml", "../batfish/test-public-private-subnet", 2, ""},
}

func TestExistingGoldens(t *testing.T) {
	base := filepath.Join("..", "..", "testdata", "existing")
	for _, tc := range existingCases {
		t.Run(tc.name, func(t *testing.T) {
			spec, from := filepath.Join(base, tc.spec), filepath.Join(base, tc.from)
			golden := filepath.Join(base, "golden", tc.name)
			out := t.TempDir()
			code, stdout, stderr := runMoat(t, "plan", "--from", from, "--out", out, spec)
			if code != tc.code {
				t.Fatalf("moat plan --from %s %s: exit %d, want %d\n%s%s", from, spec, code, tc.code, stdout, stderr)
			}
			stdout = strings.ReplaceAll(stdout, out+string(filepath.Separator), "OUT/")
			checkGolden(t, filepath.Join(golden, "plan.txt"), []byte(stdout+stderr))
			if code != 0 {
				return
			}
			files, _ := filepath.Glob(filepath.Join(out, "*", "template.yaml"))
			if len(files) != 1 {
				t.Fatalf("want one template, got %v", files)
			}
			tmpl, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join(golden, "template.yaml"), tmpl)
			code, stdout, stderr = runMoat(t, "cost", "--from", from, spec)
			if code != 0 {
				t.Errorf("cost: exit %d\n%s%s", code, stdout, stderr)
			}
			checkGolden(t, filepath.Join(golden, "cost.txt"), []byte(stdout))
			if tc.noVerify != "" {
				t.Logf("verify not run: %s", tc.noVerify)
				return
			}
			code, stdout, stderr = runMoat(t, "verify", "--from", from, spec)
			if code != 0 {
				t.Errorf("verify: exit %d\n%s%s", code, stdout, stderr)
			}
			checkGolden(t, filepath.Join(golden, "verify.txt"), []byte(stdout+stderr))
		})
	}
}
