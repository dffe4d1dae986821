package analyze

import (
	"fmt"

	"github.com/moatnet/moat/model"
)

// naclOut checks the packet leaving subnet s.
func (w *walker) naclOut(s *subnetInfo) { w.nacl(s, true) }

// naclIn checks the packet entering subnet s.
func (w *walker) naclIn(s *subnetInfo) { w.nacl(s, false) }

func (w *walker) nacl(s *subnetInfo, egress bool) {
	if s == nil {
		return
	}
	kind, peer, prep := HopNACLIn, w.pk.src, "from"
	if egress {
		kind, peer, prep = HopNACLOut, w.pk.dst, "to"
	}
	peer = w.view(peer)
	if s.nacl == nil {
		w.unknown(fmt.Sprintf("%s has no network ACL in the input", s.s.Addr))
		return
	}
	w.rec.nacl(s.nacl)
	x := s.nacl.First(egress, peer, w.pk.proto, w.pk.dport)
	acl := s.nacl.ACL
	dir := "inbound"
	if egress {
		dir = "outbound"
	}
	switch {
	case x == nil:
		w.blocked(acl.Addr, kind, fmt.Sprintf("no %s rule of %s matches %s %s %s (implicit deny)", dir, acl.Addr, pktTraffic(w.pk), prep, peer),
			fmt.Sprintf("add an %s allow rule to %s for %s %s %s", dir, acl.Addr, pktTraffic(w.pk), prep, peer))
	case x.Rule.Action == model.Deny:
		w.blocked(acl.Addr, kind, s.nacl.Text(x)+fmt.Sprintf(" matches %s %s %s first", pktTraffic(w.pk), prep, peer),
			fmt.Sprintf("remove rule %d of %s, or insert an allow rule with a lower number", x.Rule.RuleNumber, acl.Addr))
	default:
		w.hop(s.s.Addr, kind, s.nacl.Text(x))
	}
}

// cross checks both NACLs between two subnets; traffic inside one subnet
// passes none.
func (w *walker) cross(from, to *subnetInfo) {
	if from != nil && from == to {
		return
	}
	w.naclOut(from)
	w.naclIn(to)
}

// --- routing ---
