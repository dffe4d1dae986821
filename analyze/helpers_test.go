package analyze

import (
	"path/filepath"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

// compiled compiles a spec under examples/ or testdata/golden/.
func compiled(t testing.TB, path string) *model.Network {
	return testnet.Compile(t, filepath.Join("..", path))
}

func reach(t testing.TB, ix *Index, from, to string, proto model.Protocol, port int) Answer {
	t.Helper()
	a, err := ix.Reach(Question{From: from, To: to, Proto: proto, Port: port})
	if err != nil {
		t.Fatalf("reach %s -> %s: %v", from, to, err)
	}
	return a
}
