package analyze

import (
	"fmt"
	"net/netip"

	"github.com/moatnet/moat/model"
)

// viaIGW sends the packet out of vpc's internet gateway. An IPv4 packet
// leaves only with a public source: the gateway's 1:1 NAT maps an
// interface's private address to its public or Elastic IP.
func (w *walker) viaIGW(s *subnetInfo, vpc *vpcInfo, target model.ResourceRef) {
	if vpc == nil || vpc.igw == nil || (!target.IsZero() && vpc.igw.Addr != target && w.ix.idOf(target) != vpc.igw.Addr) {
		w.stop(target, HopIGW, fmt.Sprintf("no internet gateway %s is attached to the VPC", target), "attach the internet gateway, or fix the route")
		return
	}
	igw := vpc.igw.Addr
	src := w.pk.src
	switch {
	case src.Is6():
		w.hop(igw, HopIGW, "IPv6: no translation")
		w.exitGW = igw
	default:
		d := w.ix.deviceAt(src, vpc)
		switch {
		case w.ix.byPublic[src] != nil:
			w.hop(igw, HopIGW, fmt.Sprintf("source %s is already public (%s)", src, w.ix.byPublic[src].addr))
		case d != nil && d.hasPublic && d.vpc == vpc:
			w.pk.src = d.public
			w.hop(igw, HopIGW, fmt.Sprintf("1:1 NAT %s -> %s (public IP of %s%s)", src, d.public, d.addr, standinNote(d.publicStandin)))
		case w.assumedPublic(src):
			pub := w.assumedAddr(src)
			w.pk.src = pub
			w.hop(igw, HopIGW, fmt.Sprintf("1:1 NAT %s -> %s (a public IP the host is assumed to hold)", src, pub))
		default:
			owner := src.String()
			if d != nil {
				owner = string(d.addr)
			}
			w.blocked(igw, HopIGW, fmt.Sprintf("%s has no public IPv4 address: the internet gateway drops packets from private addresses", owner),
				fmt.Sprintf("give %s an Elastic IP, or route its subnet's internet traffic through a NAT", owner))
			w.hop(igw, HopIGW, "no translation")
		}
	}
	w.internet()
}

func standinNote(standin bool) string {
	if standin {
		return "; stand-in address"
	}
	return ""
}

func (ix *Index) idOf(a model.ResourceRef) model.ResourceRef {
	if l := ix.byID[string(a)]; len(l) > 0 {
		return l[0]
	}
	return a
}

func (w *walker) assumedPublic(a netip.Addr) bool {
	_, ok := w.assumed[a]
	return ok
}

func (w *walker) assumedAddr(a netip.Addr) netip.Addr { return w.assumed[a] }

func (w *walker) viaEIGW(s *subnetInfo, target model.ResourceRef) {
	if !w.pk.dst.Is6() {
		w.stop(target, HopEIGW, "an egress-only internet gateway carries IPv6 only", "")
		return
	}
	if s.vpc == nil || s.vpc.eigw == nil {
		w.stop(target, HopEIGW, fmt.Sprintf("no egress-only internet gateway %s is attached to the VPC", target), "")
		return
	}
	w.hop(s.vpc.eigw.Addr, HopEIGW, "IPv6 out; only replies come back in")
	w.exitGW = s.vpc.eigw.Addr
	w.internet()
}

// internet is the packet outside every VPC, on the internet.
func (w *walker) internet() {
	if !w.step() {
		return
	}
	dst := w.pk.dst
	if d := w.ix.byPublic[dst]; d != nil {
		w.igwIn(d, netip.Addr{})
		return
	}
	if dst.Is6() {
		// IPv6 addresses in a VPC are global: the internet reaches them
		// through the VPC's gateway, untranslated.
		if vi := w.ix.vpcOf(dst, nil); vi != nil {
			w.gatewayIn6(vi)
			return
		}
	}
	for priv, pub := range w.assumed {
		if pub == dst {
			w.igwInHost(priv)
			return
		}
	}
	// Nothing private crosses the internet, even to the very host asked
	// about (a VPC of another Region, an office network): the internet
	// routes only public addresses.
	if isPrivate(dst) && w.targetService == "" {
		w.stop("internet", HopRoute, fmt.Sprintf("%s is a private address, not routable on the internet", dst), "")
		return
	}
	if dst == w.target {
		if w.targetService != "" {
			w.hop(model.ResourceRef(w.targetService), HopDeliver, "the service's public endpoint, over the internet")
		} else {
			w.hop("internet", HopDeliver, "")
		}
		w.reached, w.arrivedVia = true, "internet"
		return
	}
	w.stop("internet", HopDeliver, fmt.Sprintf("no interface in the model holds %s", dst), "")
}

// igwIn is a packet from the internet arriving at device d's public
// address: the VPC's internet gateway translates it to d's private one.
func (w *walker) igwIn(d *device, _ netip.Addr) {
	vpc := d.vpc
	if vpc == nil || vpc.igw == nil {
		w.stop(d.addr, HopIGW, fmt.Sprintf("the VPC of %s has no internet gateway: its public address is unreachable", d.addr), "attach an internet gateway")
		return
	}
	priv := d.ip()
	if !priv.IsValid() {
		w.hop(vpc.igw.Addr, HopIGW, fmt.Sprintf("to %s (%s)", w.pk.dst, d.addr))
		w.atDevice(d)
		return
	}
	w.hop(vpc.igw.Addr, HopIGW, fmt.Sprintf("1:1 NAT %s -> %s (%s%s)", w.pk.dst, priv, d.addr, standinNote(d.publicStandin)))
	w.pk.dst = priv
	if w.dir == Forward && w.target == d.public {
		w.target = priv
	}
	w.naclIn(d.subnet)
	w.atDevice(d)
}

// gatewayIn6 is an IPv6 packet from the internet entering vpc: a new
// flow only through its internet gateway (an egress-only gateway admits
// none), a reply through the gateway its flow left by. Then the
// destination subnet's network ACL and the interface or host.
func (w *walker) gatewayIn6(vi *vpcInfo) {
	dst := w.pk.dst
	switch {
	case w.dir == Return && w.backVia != "" && (vi.igw != nil && vi.igw.Addr == w.backVia || vi.eigw != nil && vi.eigw.Addr == w.backVia):
		w.hop(w.backVia, HopIGW, fmt.Sprintf("IPv6 reply back in to %s, no translation", dst))
	case vi.igw != nil:
		w.hop(vi.igw.Addr, HopIGW, fmt.Sprintf("IPv6 to %s: routed into the VPC, no translation", dst))
	default:
		why := fmt.Sprintf("%s has no internet gateway: the internet cannot open a connection to its IPv6 addresses", vi.v.Addr)
		if vi.eigw != nil {
			why += fmt.Sprintf(" (%s lets only replies in)", vi.eigw.Addr)
		}
		w.stop(vi.v.Addr, HopIGW, why, "")
		return
	}
	if d := w.ix.deviceAt(dst, vi); d != nil && d.subnet != nil {
		w.naclIn(d.subnet)
		w.atDevice(d)
		return
	}
	s := vi.subnetOf(dst)
	if s == nil {
		w.stop(vi.v.Addr, HopRoute, fmt.Sprintf("%s is in no subnet of %s", dst, vi.v.Addr), "")
		return
	}
	w.naclIn(s)
	w.atHost(s, dst)
}

func (w *walker) igwInHost(priv netip.Addr) {
	for _, s := range w.ix.subnetsL {
		if s.s.CIDR.Contains(priv) || s.s.IPv6CIDR.IsValid() && s.s.IPv6CIDR.Contains(priv) {
			w.hop(s.vpc.igw.Addr, HopIGW, fmt.Sprintf("1:1 NAT %s -> %s", w.pk.dst, priv))
			w.pk.dst = priv
			w.naclIn(s)
			w.atHost(s, priv)
			return
		}
	}
	w.stop("internet", HopDeliver, fmt.Sprintf("no host holds %s", priv), "")
}
