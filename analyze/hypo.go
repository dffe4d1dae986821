package analyze

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
)

// Going on past a failure. A trace stops where the packet is lost (the
// internet cannot address a private interface, a route is missing), which
// alone would name only the first setting to change. beyond assumes that
// failure fixed, resumes where the packet would then be, and records each
// further block with the assumption it rests on (Block.Assuming). It adds
// blocks only: the path is already blocked and stays so, and Forward and
// Return keep only what the packet actually passed.

// resumable lists the kinds of stop a trace can go on past: the packet's
// addresses are still known, and it can be assumed to arrive where it was
// going. Stops without a fix (a NAT gateway accepting no connections, a
// destination outside the model, a routing loop) end the trace for good.
var resumable = map[HopKind]bool{
	HopAddress:       true,
	HopRoute:         true,
	HopPeering:       true,
	HopTGW:           true,
	HopTGWRoute:      true,
	HopTGWAttachment: true,
}

// assumedPublicIP is the public address an interface is assumed to hold
// when the internet could not address it (RFC 2544, like every stand-in).
var assumedPublicIP = netip.MustParseAddr("198.19.255.253")

// reply traces the reply to the forward packet fw delivered.
func (ix *Index) reply(fw *walker, f Flow) *walker {
	rw := &walker{ix: ix, dir: Return, pk: fw.pk.reply(), target: f.Src.IP, sessions: fw.sessions, assumed: fw.assumed, backVia: fw.exitGW, rec: fw.rec, client: fw.client, lbIP: fw.lbIP}
	switch fw.arrivedVia {
	case "local":
		if fw.at != nil {
			rw.leave(fw.at, nil)
		} else {
			rw.route(ix.subnets[f.Dst.Subnet])
		}
	case "internet":
		rw.internet()
	case "endpoint":
		rw.local(nil, fw.arrivedVPC)
	default:
		rw.note("the reply from outside the model was not traced")
		rw.reached = true
	}
	if !rw.reached && !rw.stopped {
		rw.stop("", HopReturn, "the reply does not come back to the source", "")
	}
	return rw
}

// beyond adds to p the blocks found past the failure that stopped the
// forward walker fw or, when fw arrived, the reply walker rw.
func (ix *Index) beyond(p *Path, f Flow, fw, rw *walker) {
	n := len(p.Blockers)
	if (f.Src.Kind == Internet || f.Src.Kind == External) && ix.isDatabase(ix.byAddr[f.Dst.Addr]) {
		// Each setting past the first keeps the database off the internet
		// too: name it, but never propose to open it.
		defer func() {
			for i := n; i < len(p.Blockers); i++ {
				p.Blockers[i].Fix = "keep it: one more layer between the database and the internet"
			}
		}()
	}
	var assume string
	if !fw.reached {
		hw, why := ix.resumeForward(f, fw)
		if hw == nil {
			return
		}
		assume = why
		p.addAssumed(hw.blockers, assume)
		if !hw.reached || f.Src.Kind == Router {
			p.noteAssumed(n)
			return
		}
		rw = ix.reply(hw, f)
		p.addAssumed(rw.blockers, assume)
	}
	if rw != nil && !rw.reached {
		if hw, why := ix.resumeReply(rw); hw != nil {
			if assume != "" {
				why = assume + " and " + why
			}
			p.addAssumed(hw.blockers, why)
		}
	}
	p.noteAssumed(n)
}

func (p *Path) noteAssumed(before int) {
	if len(p.Blockers) > before {
		p.Notes = append(p.Notes, `blocks marked "if ..." were found by going on past an earlier failure as if it were fixed`)
	}
}

// addAssumed appends the blocks found under an assumption, leaving out
// those the trace already named.
func (p *Path) addAssumed(bs []Blocker, assume string) {
	for _, b := range bs {
		if slices.ContainsFunc(p.Blockers, func(x Blocker) bool { x.Assuming = ""; return x == b }) {
			continue
		}
		b.Assuming = assume
		p.Blockers = append(p.Blockers, b)
	}
}

// resumable reports the stop that ended w, when the trace can go on.
func (w *walker) resumable() (Blocker, bool) {
	if !w.stopped || w.reached || len(w.blockers) == 0 {
		return Blocker{}, false
	}
	b := w.blockers[len(w.blockers)-1]
	return b, resumable[b.Kind] && b.Fix != ""
}

// fork copies w's packet and state into a walker that has not moved.
func (w *walker) fork() *walker {
	return &walker{ix: w.ix, dir: w.dir, pk: w.pk, target: w.target, targetService: w.targetService,
		sessions: slices.Clone(w.sessions), assumed: maps.Clone(w.assumed), srcHost: w.srcHost, dstHost: w.dstHost, dstAny: w.dstAny,
		exitGW: w.exitGW, backVia: w.backVia, rec: w.rec}
}

// resumeForward goes on past the stop that ended fw: it gives the
// destination the public IP the internet lacked, or delivers the packet to
// the destination's subnet as if the routes had, and checks what the
// packet would meet there.
func (ix *Index) resumeForward(f Flow, fw *walker) (*walker, string) {
	stop, ok := fw.resumable()
	if !ok {
		return nil, ""
	}
	hw := fw.fork()
	if stop.Kind == HopAddress {
		return ix.assumePublic(f, hw)
	}
	a := hw.pk.dst
	if a != hw.target {
		return nil, ""
	}
	d, s := ix.placeOf(a)
	if s == nil {
		// Outside the model: nothing there to check.
		return nil, ""
	}
	hw.cross(fw.routing, s)
	if d != nil {
		hw.atDevice(d)
	} else {
		hw.atHost(s, a)
	}
	return hw, "the packet had reached " + string(s.s.Addr)
}

// assumePublic lets the internet address the destination by a public IP
// it does not hold: the packet enters through the VPC's internet gateway,
// which translates it to the private address.
func (ix *Index) assumePublic(f Flow, hw *walker) (*walker, string) {
	d := ix.byAddr[f.Dst.Addr]
	var s *subnetInfo
	name := "a host in " + string(f.Dst.Subnet)
	if d != nil {
		s, name = d.subnet, string(d.addr)
	} else {
		s = ix.subnets[f.Dst.Subnet]
	}
	if s == nil || s.vpc == nil {
		return nil, ""
	}
	priv := f.Dst.IP
	hw.pk.dst, hw.target = priv, priv
	if hw.assumed == nil {
		hw.assumed = map[netip.Addr]netip.Addr{}
	}
	hw.assumed[priv] = assumedPublicIP
	if igw := s.vpc.igw; igw == nil {
		hw.blocked(s.vpc.v.Addr, HopIGW, fmt.Sprintf("%s has no internet gateway: a public IP there is unreachable", s.vpc.v.Addr),
			fmt.Sprintf("attach an internet gateway to %s", s.vpc.v.Addr))
	} else {
		hw.hop(igw.Addr, HopIGW, fmt.Sprintf("1:1 NAT %s -> %s (assumed public IP)", assumedPublicIP, priv))
	}
	hw.naclIn(s)
	if d != nil {
		hw.atDevice(d)
	} else {
		hw.atHost(s, priv)
	}
	return hw, name + " had a public IP"
}

// resumeReply goes on past the stop that ended the reply rw, as if it had
// been routed back: out of the subnet it was lost in and into the source's.
// Security groups are stateful; only NACLs are left to check.
func (ix *Index) resumeReply(rw *walker) (*walker, string) {
	if _, ok := rw.resumable(); !ok || rw.pk.dst != rw.target {
		// A reply still addressed to a NAT device cannot be assumed home.
		return nil, ""
	}
	hw := rw.fork()
	_, s := ix.placeOf(rw.target)
	if s != nil {
		hw.cross(rw.routing, s)
		return hw, "the reply had reached " + string(s.s.Addr)
	}
	hw.naclOut(rw.routing)
	if isPrivate(rw.target) {
		return hw, "the reply had reached " + rw.target.String()
	}
	return hw, "the reply had reached the internet"
}

// placeOf finds the interface holding private address a, and the subnet
// it is in (or the subnet containing a, when no interface holds it).
func (ix *Index) placeOf(a netip.Addr) (*device, *subnetInfo) {
	if d := ix.byIP[a]; d != nil {
		return d, d.subnet
	}
	for _, s := range ix.subnetsL {
		if s.s.CIDR.Contains(a) || (s.s.IPv6CIDR.IsValid() && s.s.IPv6CIDR.Contains(a)) {
			return nil, s
		}
	}
	return nil, nil
}
