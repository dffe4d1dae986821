package run

import (
	"fmt"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
)

// domainDependent reports why the twin cannot send a flow honestly: it
// names a host (TLS SNI or HTTP Host) and its way meets a Network Firewall
// with domain rules, which the twin leaves to the analyzer (twin/hub.go).
// A flow naming no host matches no domain rule in the analyzer, which is
// what the twin's firewall does too, so those are tested for real.
func domainDependent(n *model.Network, f analyze.Flow, p analyze.Path) (string, bool) {
	if f.Host == "" {
		return "", false
	}
	met := false
	for _, h := range p.Forward {
		met = met || h.Kind == "firewall"
	}
	for _, b := range p.Blocks {
		met = met || (b.Kind == "firewall" && b.Direction == analyze.Forward)
	}
	if !met {
		return "", false
	}
	for _, fw := range n.Firewalls {
		for _, r := range fw.Rules {
			if len(r.Domains) > 0 {
				return fmt.Sprintf("host %s: the verdict rests on %s's domain rules (TLS SNI / HTTP Host), which the twin does not run", f.Host, fw.Addr), true
			}
		}
	}
	return "", false
}
