package analyze

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
)

// notInternet4 are the IPv4 ranges that are never an internet host: this
// network, RFC 1918, shared address space, loopback, link-local, IETF
// protocol assignments, benchmarking (moat's public stand-ins), multicast
// and reserved (IANA IPv4 Special-Purpose Address Registry). The
// documentation ranges (RFC 5737) stay in: examples and tests name
// internet hosts by them.
var notInternet4 = []string{
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
}

// otherInternetIPv4 stands for a class of the internet that leaves out
// InternetIPv4: another documentation address (RFC 5737).
var otherInternetIPv4 = netip.MustParseAddr("198.51.100.10")

// internetSpace is the internet as a set of addresses, and what it leaves
// out beyond the special-purpose ranges, with the reason.
type internetSpace struct {
	v4, v6 *netipx.IPSet
	// hull4 and hull6 are v4 and v6 before the single addresses the
	// network holds were taken out.
	hull4, hull6 *netipx.IPSet
	except       []exception
}

type exception struct {
	prefix netip.Prefix
	why    string
}

// Internet is the set of addresses that stand for "the internet": IPv4
// and IPv6 global unicast space (2000::/3), less the special-purpose
// ranges, the AWS service stand-ins, every address the network holds
// (public IPs, VPC blocks) and every public range a route table sends
// somewhere other than the internet (a Transit Gateway, a VPN, a peer).
func (ix *Index) Internet() (v4, v6 *netipx.IPSet) {
	in := ix.internet()
	return in.v4, in.v6
}

func (ix *Index) internet() *internetSpace {
	ix.inetOnce.Do(func() {
		var b4, b6 netipx.IPSetBuilder
		b4.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
		for _, s := range notInternet4 {
			b4.RemovePrefix(netip.MustParsePrefix(s))
		}
		b4.RemovePrefix(serviceStandin)
		b6.AddPrefix(netip.MustParsePrefix("2000::/3"))
		sp := &internetSpace{}
		remove := func(p netip.Prefix, why string) {
			if !p.IsValid() {
				return
			}
			if p.Addr().Is4() {
				b4.RemovePrefix(p)
			} else {
				b6.RemovePrefix(p)
			}
			if why != "" && (p.Addr().Is6() || !isPrivate(p.Addr())) {
				sp.except = append(sp.except, exception{p, why})
			}
		}
		for _, v := range ix.n.VPCs {
			remove(v.CIDR, fmt.Sprintf("%s holds it", v.Addr))
			for _, c := range v.SecondaryCIDRs {
				remove(c, fmt.Sprintf("%s holds it", v.Addr))
			}
			remove(v.IPv6CIDR, "")
		}
		// Every route of every table, as selection sees it: a route to a
		// prefix list is one route per entry.
		for _, t := range ix.n.RouteTables {
			for _, r := range ix.rts[t.Addr].Routes {
				switch r.Kind() {
				case model.TargetIGW, model.TargetEIGW, model.TargetNATGateway, model.TargetLocal, model.TargetBlackhole:
					continue
				}
				if r.Dest.Bits() > 0 {
					remove(r.Dest, fmt.Sprintf("%s sends it to %s", t.Addr, r.Target()))
				}
			}
		}
		// The hull is the internet before the single addresses the
		// network holds are taken out.
		sp.hull4, _ = b4.IPSet()
		sp.hull6, _ = b6.IPSet()
		for _, d := range ix.devices {
			if d.public.IsValid() {
				remove(netip.PrefixFrom(d.public, d.public.BitLen()), "")
			}
			for _, a := range d.ips {
				if a.Is6() {
					remove(netip.PrefixFrom(a, 128), "")
				}
			}
		}
		sp.v4, _ = b4.IPSet()
		sp.v6, _ = b6.IPSet()
		slices.SortFunc(sp.except, func(a, b exception) int { return a.prefix.Addr().Compare(b.prefix.Addr()) })
		sp.except = slices.CompactFunc(sp.except, func(a, b exception) bool { return a.prefix == b.prefix })
		ix.inet = sp
	})
	return ix.inet
}

// Class is the part of a question's header space one path stands for:
// every packet from an address in Src to one in Dst, to a port in Ports,
// from a client port in SrcPorts, takes that path.
type Class struct {
	Src      []netip.Prefix `json:"src"`
	Dst      []netip.Prefix `json:"dst"`
	Ports    PortSet        `json:"ports"`
	SrcPorts PortSet        `json:"src_ports"`
}

// space is a question between two ends, over sets: the addresses each end
// stands for, the destination ports and the client ports.
type space struct {
	src, dst     FlowEnd
	srcSet       *netipx.IPSet
	dstSet       *netipx.IPSet
	proto        model.Protocol
	ports, sport PortSet
	host         string
}

// addrsOf is the set of addresses an end stands for: the whole internet
// of its IP version, every usable address of a subnet, else its one
// address.
func (ix *Index) addrsOf(e FlowEnd) *netipx.IPSet {
	var b netipx.IPSetBuilder
	switch {
	case e.Kind == Internet && e.Whole && e.Service == "":
		in := ix.internet()
		if e.IP.Is6() {
			return in.v6
		}
		return in.v4
	case e.Kind == SubnetHost && e.Whole:
		if s := ix.subnets[e.Subnet]; s != nil {
			p := s.s.CIDR
			if e.IP.Is6() {
				p = s.s.IPv6CIDR
			}
			if r, ok := usableRange(p); ok {
				b.AddRange(r)
				set, _ := b.IPSet()
				return set
			}
		}
	}
	if e.IP.IsValid() {
		b.Add(e.IP)
	}
	set, _ := b.IPSet()
	return set
}

// within is the part of set the prefixes hold.
func within(set *netipx.IPSet, ps []netip.Prefix) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		b.AddPrefix(p)
	}
	b.Intersect(set)
	out, _ := b.IPSet()
	return out
}

// hostsOf is every usable address of subnet s (over IPv6 when v6) that
// no interface of the model holds: the hosts a question about "anything
// else in the subnet" must cover besides the interfaces themselves.
func (ix *Index) hostsOf(s *subnetInfo, v6 bool) *netipx.IPSet {
	p := s.s.CIDR
	if v6 {
		p = s.s.IPv6CIDR
	}
	var b netipx.IPSetBuilder
	if r, ok := usableRange(p); ok {
		b.AddRange(r)
	}
	for _, d := range ix.devices {
		if d.subnet == s {
			for _, a := range d.ips {
				b.Remove(a)
			}
		}
	}
	set, _ := b.IPSet()
	return set
}

// size is how many addresses a class holds, for naming the largest.
func size(ps []netip.Prefix) float64 {
	n := 0.0
	for _, p := range ps {
		n += math.Exp2(float64(p.Addr().BitLen() - p.Bits()))
	}
	return n
}

// usableRange is the addresses AWS lets a host take in a subnet: all but
// the first four and the last
// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
func usableRange(p netip.Prefix) (netipx.IPRange, bool) {
	if !p.IsValid() {
		return netipx.IPRange{}, false
	}
	p = p.Masked()
	from := p.Addr().Next().Next().Next().Next()
	to := netipx.PrefixLastIP(p).Prev()
	if !from.IsValid() || to.Less(from) {
		return netipx.IPRange{}, false
	}
	return netipx.IPRangeFrom(from, to), true
}

// traceSpace answers a question over sets. It traces one packet, takes
// the prefixes and ports of every rule holder that packet was checked
// against (consulted) together with the network's addresses, and cuts
// the space by them: the part holding the packet is a class, every packet
// of which takes the same path (each decision on the way tests the same
// prefixes and ranges with the same outcome); each other part is traced
// and cut the same way, until every part is a class. Classes whose
// packets meet the same resources with the same outcome merge.
func (ix *Index) traceSpace(sp space) []Path {
	fam := ix.families()
	srcFam, dstFam := fam.all, fam.all
	srcHull, dstHull := sp.srcSet, sp.dstSet
	if isWholeInternet(sp.src) {
		srcFam, srcHull = fam.inet, ix.internetHull(sp.src.IP.Is6())
	}
	if isWholeInternet(sp.dst) {
		dstFam, dstHull = fam.inet, ix.internetHull(sp.dst.IP.Is6())
	}
	preferSrc := []netip.Addr{sp.src.IP, InternetIPv4, InternetIPv6, otherInternetIPv4}
	preferDst := []netip.Addr{sp.dst.IP, InternetIPv4, InternetIPv6, otherInternetIPv4}

	// A cell is a part of the space to trace; famKey names the local
	// family it was last cut by ("" before the first cut, which also cuts
	// by the network-wide family).
	type cell struct {
		src, dst     *netipx.IPSet
		ports, sport PortSet
		famKey       string
	}
	var boxes []*box
	emit := func(c cell, p Path) {
		boxes = append(boxes, &box{key: outcomeKey(p), path: p, src: c.src, dst: c.dst, ports: c.ports, sport: c.sport})
	}
	cut := func(set *netipx.IPSet, rep netip.Addr, first bool, wide, local *addrFamily) []addrClass {
		if !first {
			return classesOf(set, []netip.Addr{rep}, local)
		}
		var out []addrClass
		for _, c := range ix.wideClasses(set, wide) {
			out = append(out, classesOf(c.set, []netip.Addr{rep}, local)...)
		}
		return out
	}
	cache := map[string]localFamily{}
	var holesSrc, holesDst netipx.IPSetBuilder
	work := []cell{{src: srcHull, dst: dstHull, ports: sp.ports, sport: sp.sport}}
	for len(work) > 0 {
		c := work[len(work)-1]
		work = work[:len(work)-1]
		srep, ok := pickRep(c.src, sp.srcSet, preferSrc)
		if !ok {
			// Only addresses the network holds: no packet from the
			// internet carries them.
			holesSrc.AddSet(c.src)
			continue
		}
		drep, ok := pickRep(c.dst, sp.dstSet, preferDst)
		if !ok {
			holesDst.AddSet(c.dst)
			continue
		}
		f := Flow{Src: sp.src, Dst: sp.dst, Proto: sp.proto, Port: pickPort(c.ports, sp.ports.Min()), SrcPort: pickPort(c.sport, DefaultSourcePort), Host: sp.host}
		f.Src.IP, f.Dst.IP = srep, drep
		rec := &consulted{}
		p := ix.trace(f, rec)
		key := rec.key()
		if key == c.famKey {
			// Already cut by what this packet consulted: a class.
			emit(c, p)
			continue
		}
		la, lp := rec.local(fam, cache)
		first := c.famKey == ""
		srcs := cut(c.src, srep, first, srcFam, la)
		dsts := cut(c.dst, drep, first, dstFam, la)
		dports := lp.classes(c.ports, f.Port)
		sports := lp.classes(c.sport, f.SrcPort)
		for _, s := range srcs {
			for _, d := range dsts {
				for _, dp := range dports {
					for _, spc := range sports {
						part := cell{s.set, d.set, dp.set, spc.set, key}
						if s.set.Contains(srep) && d.set.Contains(drep) && dp.set.Contains(f.Port) && spc.set.Contains(f.SrcPort) ||
							len(s.set.Ranges()) == 0 && len(d.set.Ranges()) == 0 {
							emit(part, p)
							continue
						}
						work = append(work, part)
					}
				}
			}
		}
	}
	whole := &Class{Src: minus(srcHull, &holesSrc).Prefixes(), Dst: minus(dstHull, &holesDst).Prefixes(), Ports: sp.ports, SrcPorts: sp.sport}
	out := classPaths(mergeAll(boxes, sp), whole)
	// The reachable part first.
	slices.SortStableFunc(out, func(a, b Path) int { return boolInt(!a.Reachable) - boolInt(!b.Reachable) })
	return out
}

// mergeAll merges boxes of one outcome into as few products as it finds.
// A class is a product (every source with every destination, port and
// client port), so boxes merge only where they agree in every dimension
// but one: joining two that differ in two would claim packets neither
// holds. Client ports first, then ports, destinations and sources: the
// dimensions rules least often tell apart.
func mergeAll(boxes []*box, sp space) []*box {
	for range 2 {
		for dim := range 4 {
			boxes = mergeBoxes(boxes, dim, sp)
		}
	}
	return boxes
}

// classPaths is each box's path with its class. Every box lies in the
// hulls. The internet's hull holds the single addresses the network owns,
// which no packet from the internet carries: its sets are reported as
// parts of the hull (Internet says what is left out), which spares
// intersecting every box with a set of tens of thousands of holes.
func classPaths(boxes []*box, whole *Class) []Path {
	out := make([]Path, 0, len(boxes))
	for _, b := range boxes {
		b.path.Class = &Class{Src: b.src.Prefixes(), Dst: b.dst.Prefixes(), Ports: b.ports, SrcPorts: b.sport}
		b.path.Whole = whole
		out = append(out, b.path)
	}
	return out
}

// box is a product of sets whose packets all take path.
type box struct {
	key          string // outcomeKey(path)
	path         Path
	src, dst     *netipx.IPSet
	ports, sport PortSet
	// keys caches dimKey, which merging asks for often.
	keys [4]string
}

// dimKey names one dimension of a box: 0 client ports, 1 ports, 2
// destinations, 3 sources.
func (b *box) dimKey(dim int) string {
	if b.keys[dim] != "" {
		return b.keys[dim]
	}
	var k []byte
	switch dim {
	case 0, 1:
		ps := b.sport
		if dim == 1 {
			ps = b.ports
		}
		for _, r := range ps.r {
			k = append(k, byte(r.From>>8), byte(r.From), byte(r.To>>8), byte(r.To))
		}
	default:
		set := b.src
		if dim == 2 {
			set = b.dst
		}
		for _, r := range set.Ranges() {
			k = r.From().AppendTo(k)
			k = r.To().AppendTo(k)
		}
	}
	b.keys[dim] = string(k) + "."
	return b.keys[dim]
}

// mergeBoxes joins, along dimension dim, the boxes of one outcome that are
// equal in the other three. The result is disjoint and covers what boxes
// did, in the order of first appearance.
func mergeBoxes(boxes []*box, dim int, sp space) []*box {
	groups := map[string]*box{}
	var out []*box
	var k []byte
	for _, b := range boxes {
		k = append(k[:0], b.key...)
		for d := range 4 {
			if d != dim {
				k = append(k, 0xff)
				k = append(k, b.dimKey(d)...)
			}
		}
		g := groups[string(k)]
		if g == nil {
			groups[string(k)] = b
			out = append(out, b)
			continue
		}
		switch dim {
		case 0:
			g.sport = g.sport.Union(b.sport)
		case 1:
			g.ports = g.ports.Union(b.ports)
		case 2:
			g.dst = union(g.dst, b.dst)
		case 3:
			g.src = union(g.src, b.src)
		}
		g.keys[dim] = ""
		if preferred(b.path.Flow, sp) && !preferred(g.path.Flow, sp) {
			g.path = b.path
		}
	}
	return out
}

// minus is a less the set b builds.
func minus(a *netipx.IPSet, b *netipx.IPSetBuilder) *netipx.IPSet {
	holes, _ := b.IPSet()
	if len(holes.Ranges()) == 0 {
		return a
	}
	var out netipx.IPSetBuilder
	out.AddSet(a)
	out.RemoveSet(holes)
	s, _ := out.IPSet()
	return s
}

func union(a, b *netipx.IPSet) *netipx.IPSet {
	var u netipx.IPSetBuilder
	u.AddSet(a)
	u.AddSet(b)
	s, _ := u.IPSet()
	return s
}

// wideClasses cuts set by the network-wide family, remembering the
// answer for the internet's hulls, which every exposure question cuts.
func (ix *Index) wideClasses(set *netipx.IPSet, f *addrFamily) []addrClass {
	in := ix.internet()
	if set != in.hull4 && set != in.hull6 {
		return classesOf(set, nil, f)
	}
	ix.wideMu.Lock()
	defer ix.wideMu.Unlock()
	if ix.wide == nil {
		ix.wide = map[*netipx.IPSet][]addrClass{}
	}
	if c, ok := ix.wide[set]; ok {
		return c
	}
	c := classesOf(set, nil, f)
	ix.wide[set] = c
	return c
}

func isWholeInternet(e FlowEnd) bool { return e.Kind == Internet && e.Whole && e.Service == "" }

// internetHull is the internet without the single addresses it leaves
// out: a few ranges to cut, where the internet itself has a hole at
// every public IP the network holds.
func (ix *Index) internetHull(v6 bool) *netipx.IPSet {
	in := ix.internet()
	if v6 {
		return in.hull6
	}
	return in.hull4
}

// pickRep is the address that stands for class c: a preferred one in c
// and in exact, else the first address of c that exact holds. False when
// exact holds none of c (a class of holes). An empty class (an end with
// no address) stands for itself.
func pickRep(c, exact *netipx.IPSet, prefer []netip.Addr) (netip.Addr, bool) {
	if len(c.Ranges()) == 0 {
		return prefer[0], true
	}
	for _, a := range prefer {
		if a.IsValid() && c.Contains(a) && exact.Contains(a) {
			return a, true
		}
	}
	er := exact.Ranges()
	for _, r := range c.Ranges() {
		i, _ := slices.BinarySearchFunc(er, r.From(), func(x netipx.IPRange, a netip.Addr) int {
			if x.To().Less(a) {
				return -1
			}
			if a.Less(x.From()) {
				return 1
			}
			return 0
		})
		for ; i < len(er) && !r.To().Less(er[i].From()); i++ {
			a := er[i].From()
			if a.Less(r.From()) {
				a = r.From()
			}
			if !r.To().Less(a) && !er[i].To().Less(a) {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

// pickPort is the port that stands for a class: prefer when it holds it,
// else its first.
func pickPort(c PortSet, prefer int) int {
	if c.Contains(prefer) {
		return prefer
	}
	return c.Min()
}

// preferred reports whether f is the flow of the familiar stand-ins, whose
// path a merged class shows.
func preferred(f Flow, sp space) bool {
	return f.Src.IP == sp.src.IP && f.Dst.IP == sp.dst.IP && f.SrcPort == DefaultSourcePort
}

// ruleHop are the hop kinds whose text is the rule or route itself.
var ruleHop = map[HopKind]bool{HopSGIngress: true, HopSGEgress: true, HopNACLIn: true, HopNACLOut: true, HopRoute: true, HopTGWRoute: true, HopFirewall: true}

// outcomeKey says which resources a path met and how it ended, without the
// addresses, so classes that differ only in those merge.
func outcomeKey(p Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t|%s|", p.Reachable, strings.Join(p.Unknown, ";"))
	for _, hs := range [][]Hop{p.Forward, p.Return} {
		for _, h := range hs {
			b.WriteString(string(h.Resource))
			b.WriteByte(':')
			b.WriteString(string(h.Kind))
			if ruleHop[h.Kind] {
				// The rule that let the packet pass is part of the path;
				// other hops' texts name the packet's own addresses.
				b.WriteByte(':')
				b.WriteString(h.Rule)
			}
			b.WriteByte(',')
		}
		b.WriteByte('|')
	}
	for _, x := range p.Blockers {
		fmt.Fprintf(&b, "%s:%s:%s:%t,", x.Resource, x.Kind, x.Direction, x.Assuming != "")
	}
	return b.String()
}

// describe names a part of an end's addresses: "subnet/x (every host)",
// "10.0.0.16/28 of subnet/x", "internet", "internet except ...".
func describe(e FlowEnd, part []netip.Prefix, whole []netip.Prefix) string {
	if slices.Equal(part, whole) {
		switch {
		case e.Kind == Internet && e.Whole:
			return e.String()
		case e.Kind == SubnetHost && e.Whole:
			return string(e.Subnet) + " (every host)"
		}
		return e.String()
	}
	name := e.String()
	if e.Kind == SubnetHost {
		name = string(e.Subnet)
	}
	if len(part) <= 4 {
		return prefixList(part) + " of " + name
	}
	var b netipx.IPSetBuilder
	for _, p := range whole {
		b.AddPrefix(p)
	}
	for _, p := range part {
		b.RemovePrefix(p)
	}
	rest, _ := b.IPSet()
	if ps := rest.Prefixes(); len(ps) <= 4 {
		return name + " except " + prefixList(ps)
	}
	return fmt.Sprintf("%d ranges of %s (%s, ...)", len(part), name, prefixList(part[:3]))
}

func prefixList(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		if p.IsSingleIP() {
			parts[i] = p.Addr().String()
		} else {
			parts[i] = p.String()
		}
	}
	return strings.Join(parts, ", ")
}

// ClassText is a path's class on one line: "10.0.0.16/28 of
// subnet/private/use1-az1 -> eni/db/use1-az1 (10.0.2.10)", with the
// ports when the class holds only part of the question's.
func ClassText(p Path) string {
	if p.Class == nil || p.Whole == nil {
		return fmt.Sprintf("%s -> %s", p.Flow.Src, p.Flow.Dst)
	}
	s := fmt.Sprintf("%s -> %s", describe(p.Flow.Src, p.Class.Src, p.Whole.Src), describe(p.Flow.Dst, p.Class.Dst, p.Whole.Dst))
	if !p.Class.Ports.Equal(p.Whole.Ports) {
		s += fmt.Sprintf(" on %s/%s", p.Flow.Proto, p.Class.Ports)
	}
	if !p.Class.SrcPorts.Equal(p.Whole.SrcPorts) {
		s += fmt.Sprintf(" from client ports %s", p.Class.SrcPorts)
	}
	return s
}
