package analyze

import (
	"fmt"

	"github.com/moatnet/moat/model"
)

// viaFirewall passes the packet through a Network Firewall endpoint, whose
// rules are evaluated in order, then routes it by the firewall subnet's
// table.
func (w *walker) viaFirewall(s *subnetInfo, target model.ResourceRef) {
	fw := w.ix.firewalls[target]
	if fw == nil {
		for _, f := range w.ix.n.Firewalls {
			if lastSegment(f.Addr) == lastSegment(target) {
				fw = w.ix.firewalls[f.Addr]
			}
		}
	}
	if fw == nil {
		w.stop(target, HopFirewall, fmt.Sprintf("the route points at %s, which is not in the model", target), "")
		return
	}
	var fs *subnetInfo
	for _, a := range fw.Subnets {
		if x := w.ix.subnets[a]; x != nil && (fs == nil || x.s.ZoneID == s.s.ZoneID) {
			if fs == nil || x.s.ZoneID == s.s.ZoneID {
				fs = x
			}
		}
	}
	w.cross(s, fs)
	action, text := w.firewallVerdict(fw, fs) // firewall.go
	if action == model.FirewallDrop {
		w.blocked(fw.Addr, HopFirewall, fmt.Sprintf("%s drops %s to %s (%s)", fw.Addr, pktTraffic(w.pk), w.pk.dst, text), fmt.Sprintf("add a pass rule to %s before it", fw.Addr))
	} else {
		w.hop(fw.Addr, HopFirewall, text)
	}
	if fs == nil {
		w.stop(fw.Addr, HopFirewall, fmt.Sprintf("%s has no subnet in the model", fw.Addr), "")
		return
	}
	w.route(fs)
}
