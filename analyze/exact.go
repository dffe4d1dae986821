package analyze

import (
	"fmt"
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
	except []exception
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
		for _, v := range ix.n.VPCs {
			remove(v.CIDR, fmt.Sprintf("%s holds it", v.Addr))
			remove(v.IPv6CIDR, "")
		}
		for _, rt := range ix.n.RouteTables {
			for _, r := range rt.Routes {
				switch r.TargetKind {
				case model.TargetIGW, model.TargetEIGW, model.TargetNATGateway, model.TargetLocal, model.TargetBlackhole:
					continue
				}
				if r.Dest.IsValid() && r.Dest.Bits() > 0 {
					remove(r.Dest, fmt.Sprintf("%s sends it to %s", rt.Addr, r.Target))
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
	src, dst     Endpoint
	srcSet       *netipx.IPSet
	dstSet       *netipx.IPSet
	proto        model.Protocol
	ports, sport PortSet
	host         string
}

// addrsOf is the set of addresses an end stands for: the whole internet
// of its IP version, every usable address of a subnet, else its one
// address.
func (ix *Index) addrsOf(e Endpoint) *netipx.IPSet {
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

// traceSpace answers a question over sets: it cuts the space into
// classes, traces one packet of each, and merges the classes whose
// packets meet the same resources with the same outcome.
func (ix *Index) traceSpace(sp space) []Path {
	af, pf := ix.families()
	srcs := af.classes(sp.srcSet, sp.src.IP, InternetIPv4, InternetIPv6, otherInternetIPv4)
	dsts := af.classes(sp.dstSet, sp.dst.IP, InternetIPv4, InternetIPv6, otherInternetIPv4)
	dports := pf.classes(sp.ports, sp.ports.Min())
	sports := pf.classes(sp.sport, DefaultSourcePort)
	type group struct {
		path               Path
		src, dst           netipx.IPSetBuilder
		ports, sportsUnion PortSet
	}
	var order []string
	groups := map[string]*group{}
	for _, s := range srcs {
		for _, d := range dsts {
			for _, dp := range dports {
				for _, spc := range sports {
					f := Flow{Src: sp.src, Dst: sp.dst, Proto: sp.proto, Port: dp.rep, SrcPort: spc.rep, Host: sp.host}
					f.Src.IP, f.Dst.IP = s.rep, d.rep
					p := ix.Trace(f)
					k := outcomeKey(p)
					g := groups[k]
					if g == nil {
						g = &group{path: p}
						groups[k] = g
						order = append(order, k)
					} else if preferred(f, sp) && !preferred(g.path.Flow, sp) {
						g.path = p
					}
					g.src.AddSet(s.set)
					g.dst.AddSet(d.set)
					g.ports = g.ports.Union(dp.set)
					g.sportsUnion = g.sportsUnion.Union(spc.set)
				}
			}
		}
	}
	out := make([]Path, 0, len(order))
	for _, k := range order {
		g := groups[k]
		src, _ := g.src.IPSet()
		dst, _ := g.dst.IPSet()
		g.path.Class = &Class{Src: src.Prefixes(), Dst: dst.Prefixes(), Ports: g.ports, SrcPorts: g.sportsUnion}
		g.path.Whole = &Class{Src: sp.srcSet.Prefixes(), Dst: sp.dstSet.Prefixes(), Ports: sp.ports, SrcPorts: sp.sport}
		out = append(out, g.path)
	}
	// The reachable part first, then the largest blocked part.
	slices.SortStableFunc(out, func(a, b Path) int { return boolInt(!a.Reachable) - boolInt(!b.Reachable) })
	return out
}

// preferred reports whether f is the flow of the familiar stand-ins, whose
// path a merged class shows.
func preferred(f Flow, sp space) bool {
	return f.Src.IP == sp.src.IP && f.Dst.IP == sp.dst.IP && f.SrcPort == DefaultSourcePort
}

// outcomeKey says which resources a path met and how it ended, without the
// addresses, so classes that differ only in those merge.
func outcomeKey(p Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t|", p.Reachable)
	for _, hs := range [][]Hop{p.Forward, p.Return} {
		for _, h := range hs {
			b.WriteString(string(h.Resource))
			b.WriteByte(':')
			b.WriteString(h.Kind)
			b.WriteByte(',')
		}
		b.WriteByte('|')
	}
	for _, x := range p.Blocks {
		fmt.Fprintf(&b, "%s:%s:%s:%t,", x.Resource, x.Kind, x.Direction, x.Assuming != "")
	}
	return b.String()
}

// describe names a part of an end's addresses: "subnet/x (every host)",
// "10.0.0.16/28 of subnet/x", "internet", "internet except ...".
func describe(e Endpoint, part []netip.Prefix, whole []netip.Prefix) string {
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
