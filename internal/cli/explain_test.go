package cli

import (
	"path/filepath"
	"testing"
)

// TestGoldenExplain explains the bundled flow log (default format,
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html)
// against the describe-* example: web traffic accepted by its rules, RDP
// rejected by the group, a web-to-database flow accepted at both ends, a
// host outside the web group rejected by the database's group, an SSH
// REJECT the analyzer disagrees with (sg allows tcp/22 from anywhere:
// exit 1), an interface the network does not hold, and a NODATA record
// skipped.
func TestGoldenExplain(t *testing.T) {
	for _, ext := range []string{"txt", "json"} {
		code, stdout, stderr := runMoat(t, "explain", "../../examples/describe", "../../examples/flow-logs.txt", "--format", map[string]string{"txt": "text", "json": "json"}[ext])
		if code != 1 || stderr != "" {
			t.Fatalf("explain (%s): exit %d, want 1 (two records disagree)\n%s", ext, code, stderr)
		}
		checkGolden(t, filepath.Join("..", "..", "testdata", "golden", "explain-describe."+ext), []byte(stdout))
	}
	code, _, stderr := runMoat(t, "explain", "../../examples/describe", "../../examples/webapp.yaml")
	if code != 2 || stderr == "" {
		t.Errorf("a file that is not a flow log: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runMoat(t, "explain", "../../examples/describe")
	if code != 2 || stderr == "" {
		t.Errorf("no records to read: exit %d\n%s", code, stderr)
	}
}
