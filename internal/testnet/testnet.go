// Package testnet gives tests the network moat compiles from a spec file,
// read, parsed and compiled the way the CLI does it, so every package's
// tests start from the same designs.
package testnet

import (
	"os"
	"testing"

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
