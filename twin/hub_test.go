package twin_test

import (
	"github.com/moatnet/moat/model"
	"net/netip"
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
			p, ds := twin.Build(n, n.Name)
			if ds.HasErrors() {
				t.Fatal(ds)
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

// TestFirewallDivertFollowsStrictOrder: the divert chain walks the rules
// in the policy's order, so a flow an earlier address rule decides never
// reaches the inspector, alert rules are passed over, and only the first
// domain rule a flow meets hands it to the inspector.
func TestFirewallDivertFollowsStrictOrder(t *testing.T) {
	n := network(t, "../testdata/golden/hub-and-spoke.yaml")
	if len(n.Firewalls) != 1 {
		t.Fatalf("%d firewalls, want 1", len(n.Firewalls))
	}
	fw := &n.Firewalls[0]
	fw.Rules = []model.FirewallRule{
		{Action: model.FirewallAlert, Protocol: model.TCP, Ports: model.PortRange{From: 443, To: 443}, Domains: []string{".example.com"}},
		{Action: model.FirewallDrop, Protocol: model.TCP, Dest: netip.MustParsePrefix("198.51.100.0/24"), Ports: model.AnyPort},
		{Action: model.FirewallPass, Protocol: model.TCP, Ports: model.PortRange{From: 443, To: 443}, Domains: []string{"api.binance.com"}},
	}
	p, ds := twin.Build(n, n.Name)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if len(p.Inspectors) == 0 {
		t.Fatal("no inspector for a firewall with domain rules")
	}
	for _, in := range p.Inspectors {
		if in.Port != twin.InspectPort || len(in.Rules) != 3 {
			t.Errorf("%s: inspector on %d with %d rules", in.NS, in.Port, len(in.Rules))
		}
	}
	checked := 0
	for _, ns := range p.Namespaces {
		if ns.Role != "firewall" {
			continue
		}
		checked++
		divert, _, _ := strings.Cut(ns.NFT[strings.Index(ns.NFT, "chain divert"):], "\t}\n")
		var lines []string
		for _, l := range strings.Split(divert, "\n")[2:] {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		want := []string{
			`fib daddr type local accept comment "to the endpoint itself: the input chain drops it"`,
			`meta l4proto tcp socket transparent 1 meta mark set 0x1 accept comment "a flow the inspector holds"`,
			`ct direction reply accept`,
			`ip daddr 198.51.100.0/24 meta l4proto tcp accept comment "rule 2 decides by address"`,
			`tcp dport 443 meta mark set 0x1 tproxy ip to :15001 comment "rule 3: pass domains api.binance.com"`,
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s divert chain:\n%s\nwant:\n%s", ns.Name, strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
	}
	if checked == 0 {
		t.Error("no firewall endpoint namespace")
	}
}
