// Package testnet gives tests the network moat compiles from a spec file,
// read, parsed and compiled the way the CLI does it, so every package's
// tests start from the same designs.
package testnet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Compile reads the spec at path and returns its network, failing the test
// on any error diagnostic.
func Compile(t testing.TB, path string) *model.Network {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ds := spec.Parse(path, src)
	if ds.HasErrors() {
		t.Fatalf("parse %s: %v", path, ds)
	}
	n, ds := compile.Compile(st)
	if ds.HasErrors() {
		t.Fatalf("compile %s: %v", path, ds)
	}
	return n
}

// Golden compares got with the file at path, or rewrites the file when
// update is set (each package's -update flag). rerun is the command that
// rewrites it, printed with a line diff when the two differ.
func Golden(t testing.TB, path string, got []byte, update bool, rerun string) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s to create it)", err, rerun)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the output; run %s and review the diff (-golden +got):\n%s", path, rerun, d)
	}
}
