package twin_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/twin"
)

// hubSpecs are the designs with a Transit Gateway and a Network Firewall
// whose twins are pinned next to the examples'.
var hubSpecs = []string{"../testdata/golden/hub-and-spoke.yaml"}

// TestHubPlanGolden pins the twin of the hub-and-spoke design: the Transit
// Gateway's namespace and route tables, the firewall endpoints and the
// routers' routes to both.
func TestHubPlanGolden(t *testing.T) {
	for _, path := range hubSpecs {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			n := network(t, path)
			p, err := twin.Build(n, n.Name)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Text()
			for _, w := range p.Warnings {
				if strings.Contains(w, "transit-gateway") || strings.Contains(w, "firewall-endpoint") {
					t.Errorf("the twin must run Transit Gateway and firewall routes: %s", w)
				}
			}
			testnet.Golden(t, filepath.Join("testdata", name+".golden"), []byte(got), *update, "go test ./twin -update")
		})
	}
}
