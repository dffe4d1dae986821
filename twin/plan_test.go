package twin_test

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

var update = flag.Bool("update", false, "rewrite golden files")

// network compiles a spec file, failing the test on any error.
func network(t testing.TB, path string) *model.Network {
	return testnet.Compile(t, path)
}

func examples(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(m) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return m
}

// dualStack is a design with IPv6, whose twin runs both IP versions.
const dualStack = "../testdata/golden/ipv6-bastion-ssh.yaml"

// TestPlanGolden pins the twin of every example, and of the dual-stack
// design, byte for byte.
func TestPlanGolden(t *testing.T) {
	for _, path := range append(examples(t), dualStack) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			n := network(t, path)
			p, ds := twin.Build(n, n.Name)
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			got := p.Text()
			again, _ := twin.Build(n, n.Name)
			if again.Text() != got {
				t.Fatal("two builds of one network differ")
			}
			testnet.Golden(t, filepath.Join("testdata", name+".golden"), []byte(got), *update, "go test ./twin -update")
		})
	}
}

// BenchmarkBuildWebapp is the pure half of `twin up`: planning the twin of
// the default example.
func BenchmarkBuildWebapp(b *testing.B) {
	n := network(b, "../examples/webapp.yaml")
	for b.Loop() {
		if _, ds := twin.Build(n, n.Name); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
