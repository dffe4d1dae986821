package analyze

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// compiled compiles a spec under examples/ or testdata/golden/.
func compiled(t testing.TB, path string) *model.Network {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", path))
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

func reach(t testing.TB, ix *Index, from, to string, proto model.Protocol, port int) Answer {
	t.Helper()
	a, err := ix.Reach(Question{From: from, To: to, Proto: proto, Port: port})
	if err != nil {
		t.Fatalf("reach %s -> %s: %v", from, to, err)
	}
	return a
}
