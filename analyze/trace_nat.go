package analyze

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
)

// session is a NAT translation made on the forward path; the reply is
// translated back by the same device, as connection tracking does.
type session struct {
	dev            *device
	inside         netip.Addr
	outside        netip.Addr
	insidePort     int
	outsidePort    int
	assumedPublic  bool
	assumedPrivate netip.Addr
}

// nextIsIGW reports whether d's subnet sends the packet to an internet
// gateway: an appliance that forwards to the internet must translate.
func (w *walker) nextIsIGW(d *device) bool {
	if d.subnet == nil || d.subnet.rt == nil {
		return false
	}
	w.rec.routes(d.subnet.rt)
	e, ok := d.subnet.rt.Lookup(w.pk.dst, w.pk.service)
	return ok && e.Kind() == model.TargetIGW
}

func (w *walker) masquerade(d *device) {
	in := w.pk.src
	w.sessions = append(w.sessions, session{dev: d, inside: in, outside: d.ip(), insidePort: w.pk.sport, outsidePort: w.pk.sport})
	w.pk.src = d.ip()
	w.hop(d.addr, HopNAT, fmt.Sprintf("masquerade %s -> %s (source/destination check off)", in, d.ip()))
}

func (w *walker) natGateway(d *device) {
	g := d.natgw
	switch w.pk.proto {
	case model.TCP, model.UDP, model.ICMP:
	default:
		// AWS: NAT gateways support TCP, UDP and ICMP only.
		w.blocked(d.addr, HopNAT, fmt.Sprintf("%s translates only TCP, UDP and ICMP, not protocol %s", d.addr, w.pk.proto), "")
	}
	if w.dir == Return {
		w.stop(d.addr, HopNAT, fmt.Sprintf("%s has no session for a reply to %s", d.addr, w.pk.dst), "")
		return
	}
	in := w.pk.src
	out := d.ip()
	if !out.IsValid() {
		// A regional NAT gateway has no subnet and no private address in
		// the model: it translates straight to its Elastic IP.
		out = d.public
	}
	w.sessions = append(w.sessions, session{dev: d, inside: in, outside: out, insidePort: w.pk.sport, outsidePort: w.pk.sport})
	w.pk.src = out
	kind := "NAT gateway"
	if g.Private {
		kind = "private NAT gateway"
	}
	w.hop(d.addr, HopNAT, fmt.Sprintf("%s translates %s -> %s", kind, in, out))
	if d.subnet == nil {
		if g.Regional {
			w.viaIGW(nil, d.vpc, "")
			return
		}
		w.stop(d.addr, HopNAT, fmt.Sprintf("%s is in no subnet of the model", d.addr), "")
		return
	}
	w.route(d.subnet)
}

func (w *walker) session(d *device) *session {
	for i := len(w.sessions) - 1; i >= 0; i-- {
		s := &w.sessions[i]
		if s.dev == d && s.outside == w.pk.dst && s.outsidePort == w.pk.natPort() {
			return s
		}
	}
	return nil
}
