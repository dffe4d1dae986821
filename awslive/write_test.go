package awslive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "snap")
	one := &Snapshot{Files: map[string][]byte{"111/us-east-1/describe-vpcs.json": []byte(`{"Vpcs": []}`), "111/eu-west-1/describe-vpcs.json": []byte(`{}`)}}
	two := &Snapshot{Files: map[string][]byte{"222/us-east-1/describe-vpcs.json": []byte(`{"Vpcs": []}`)}}
	if err := one.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := two.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "111")); !os.IsNotExist(err) {
		t.Errorf("the second snapshot kept the first's account: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "222", "us-east-1", "describe-vpcs.json")); err != nil || string(b) != `{"Vpcs": []}` {
		t.Errorf("read back %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("left beside the snapshot: %v", entries)
	}

	// An empty directory is filled; one with anything else is refused.
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	if err := two.WriteDir(empty); err != nil {
		t.Errorf("empty directory: %v", err)
	}
	mine := filepath.Join(parent, "mine")
	os.MkdirAll(filepath.Join(mine, "111"), 0o755)
	os.WriteFile(filepath.Join(mine, "README"), []byte("x"), 0o644)
	if err := two.WriteDir(mine); err == nil || !strings.Contains(err.Error(), "holds README") {
		t.Errorf("directory with other files: %v", err)
	}
	file := filepath.Join(parent, "file")
	os.WriteFile(file, nil, 0o644)
	if err := two.WriteDir(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a file: %v", err)
	}
	if err := two.WriteDir(filepath.Join(parent, "no", "such")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing parent: %v", err)
	}
}

func TestCLIJSONDropsNulls(t *testing.T) {
	type s struct {
		A *string
		B []int
		C struct{ D *int }
	}
	x := "x"
	b, err := cliJSON(map[string]any{"K": []s{{A: &x}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n    \"K\": [\n        {\n            \"A\": \"x\",\n            \"C\": {}\n        }\n    ]\n}\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}
