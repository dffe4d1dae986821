package analyze

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// Exposed is one interface the internet can reach and the ports it can
// reach it on.
type Exposed struct {
	ENI      model.Address
	Subnet   model.Address
	PublicIP netip.Addr
	// IPv6 is the interface's IPv6 address when the internet reaches it
	// over IPv6: no translation, an internet gateway is enough.
	IPv6 netip.Addr
	// Standin marks a public address moat made up (the real one is
	// assigned by AWS at deploy time).
	Standin bool
	// LoadBalancer is set when the interface is a load balancer's.
	LoadBalancer model.Address
	Ports        []ExposedPorts
}

// ExposedPorts is a range of ports open to part of the internet, with the
// rule that opens it and one path that proves it.
type ExposedPorts struct {
	Proto model.Protocol
	Ports model.PortRange
	From  netip.Prefix // who on the internet: the security group rule's range
	Rule  string       // the security group rule
	Path  Path         // a flow on the first port of the range, both ways
}

// Exposure lists every interface the internet can reach, on which ports,
// in the model's interface order. A port counts when a security group rule
// admits some public address, the subnet's NACL lets it in (rule-number
// order, split into the exact port ranges it allows), and a trace of the
// first port of the range, with its reply, succeeds.
func (ix *Index) Exposure() []Exposed {
	var out []Exposed
	for _, d := range ix.devices {
		if d.eni == nil || d.natgw != nil || (!d.hasPublic && !ipv6Of(d).IsValid()) || d.subnet == nil || d.vpc == nil || d.vpc.igw == nil {
			continue
		}
		if e, ok := ix.exposed(d); ok {
			out = append(out, e)
		}
	}
	return out
}

type candidate struct {
	proto model.Protocol
	ports model.PortRange
	from  netip.Prefix
	src   netip.Addr
	rule  string
}

func (ix *Index) exposed(d *device) (Exposed, bool) {
	var cands []candidate
	for _, g := range d.sgs {
		for i := range g.in {
			r := &g.in[i]
			var ranges []netip.Prefix
			switch r.r.Peer.Kind {
			case model.PeerCIDR:
				ranges = []netip.Prefix{r.r.Peer.CIDR}
			case model.PeerPrefixList:
				ranges = r.prefixes
			}
			for _, p := range ranges {
				src, ok := publicIn(p)
				if p.Addr().Is6() {
					src, ok = ix.publicIn6(p)
					ok = ok && ipv6Of(d).IsValid()
				} else {
					ok = ok && d.hasPublic
				}
				if !ok {
					continue
				}
				rule := fmt.Sprintf("%s: %s from %s", g.g.Addr, traffic(r.r.Protocol, r.r.Ports), r.r.Peer)
				for _, proto := range expandProto(r.r.Protocol) {
					ports := r.r.Ports
					if r.r.Protocol == model.AllProtocols {
						ports = model.AnyPort
					}
					cands = append(cands, candidate{proto: proto, ports: ports, from: p, src: src, rule: rule})
				}
			}
		}
	}
	if len(cands) == 0 {
		return Exposed{}, false
	}
	e := Exposed{ENI: d.addr, Subnet: d.subnet.s.Addr}
	if d.lb != nil {
		e.LoadBalancer = d.lb.lb.Addr
	}
	type key struct {
		proto model.Protocol
		ports model.PortRange
	}
	seen := map[key]bool{}
	for _, c := range cands {
		var in []*model.NACLEntry
		if d.subnet.nacl != nil {
			in = d.subnet.nacl.in
		}
		allowed := []model.PortRange{c.ports}
		if d.subnet.nacl != nil {
			allowed = naclAllowed(in, c.src, c.proto, c.ports)
		}
		for _, pr := range allowed {
			if d.lb != nil {
				for _, p := range listenerPorts(d.lb.lb, c.proto, pr) {
					ix.addExposure(&e, d, c, model.Port(p), seen2(seen, key{c.proto, model.Port(p)}))
				}
				continue
			}
			ix.addExposure(&e, d, c, pr, seen2(seen, key{c.proto, pr}))
		}
	}
	slices.SortStableFunc(e.Ports, func(a, b ExposedPorts) int {
		if c := cmp.Compare(a.Proto, b.Proto); c != 0 {
			return c
		}
		return cmp.Compare(a.Ports.From, b.Ports.From)
	})
	return e, len(e.Ports) > 0
}

// seen2 marks k and reports whether it was new.
func seen2[K comparable](m map[K]bool, k K) bool {
	if m[k] {
		return false
	}
	m[k] = true
	return true
}

func (ix *Index) addExposure(e *Exposed, d *device, c candidate, pr model.PortRange, fresh bool) {
	if !fresh {
		return
	}
	port := pr.From
	if c.proto == model.ICMP {
		port = 8
	}
	src := Endpoint{Kind: Internet, IP: c.src}
	dst := devEndpoint(d)
	if c.src.Is6() {
		dst.IP = ipv6Of(d)
	}
	p := ix.Trace(Flow{Src: src, Dst: dst, Proto: c.proto, Port: port, SrcPort: DefaultSourcePort})
	if !p.Reachable {
		return
	}
	if c.src.Is6() {
		e.IPv6 = dst.IP
	} else {
		e.PublicIP, e.Standin = d.public, d.publicStandin
	}
	e.Ports = append(e.Ports, ExposedPorts{Proto: c.proto, Ports: pr, From: c.from, Rule: c.rule, Path: p})
}

func listenerPorts(lb *model.LoadBalancer, proto model.Protocol, pr model.PortRange) []int {
	var out []int
	for _, l := range lb.Listeners {
		if _, ok := listenerFor(lb, proto, l.Port); ok && pr.Contains(l.Port) && !slices.Contains(out, l.Port) {
			out = append(out, l.Port)
		}
	}
	slices.Sort(out)
	return out
}

func expandProto(p model.Protocol) []model.Protocol {
	switch p {
	case model.AllProtocols:
		return []model.Protocol{model.TCP, model.UDP, model.ICMP}
	case model.ICMPv6:
		return nil
	}
	return []model.Protocol{p}
}

// publicIn returns a public IPv4 address inside p to stand for "the
// internet" of a rule: the usual stand-in when p holds it, else p's first
// public address.
func publicIn(p netip.Prefix) (netip.Addr, bool) {
	if !p.Addr().Is4() {
		return netip.Addr{}, false
	}
	if p.Contains(InternetIPv4) {
		return InternetIPv4, true
	}
	a := p.Masked().Addr()
	if !isPrivate(a) {
		return a, true
	}
	return netip.Addr{}, false
}

// publicIn6 is publicIn for IPv6: the internet stand-in when p holds it,
// else p's first address when it is global and in no VPC of the model.
func (ix *Index) publicIn6(p netip.Prefix) (netip.Addr, bool) {
	if p.Contains(InternetIPv6) {
		return InternetIPv6, true
	}
	a := p.Masked().Addr()
	if a.IsGlobalUnicast() && !a.IsPrivate() && ix.vpcOf(a, nil) == nil {
		return a, true
	}
	return netip.Addr{}, false
}

// ipv6Of is the interface's first IPv6 address, if it has one.
func ipv6Of(d *device) netip.Addr {
	for _, a := range d.ips {
		if a.Is6() {
			return a
		}
	}
	return netip.Addr{}
}

// naclAllowed splits ports into the ranges a NACL's entries, in
// rule-number order, allow for packets from peer.
func naclAllowed(entries []*model.NACLEntry, peer netip.Addr, proto model.Protocol, ports model.PortRange) []model.PortRange {
	if proto == model.ICMP {
		if e := naclMatch(entries, peer, proto, 8); e != nil && e.Action == model.Allow {
			return []model.PortRange{ports}
		}
		return nil
	}
	rest := []model.PortRange{ports}
	var allowed []model.PortRange
	for _, e := range entries {
		if len(rest) == 0 {
			break
		}
		if !protoMatches(e.Protocol, proto) || !e.CIDR.Contains(peer) {
			continue
		}
		er := e.Ports
		if e.Protocol == model.AllProtocols {
			er = model.AnyPort
		}
		var next []model.PortRange
		for _, r := range rest {
			lo, hi := max(r.From, er.From), min(r.To, er.To)
			if lo > hi {
				next = append(next, r)
				continue
			}
			if e.Action == model.Allow {
				allowed = append(allowed, model.PortRange{From: lo, To: hi})
			}
			if r.From < lo {
				next = append(next, model.PortRange{From: r.From, To: lo - 1})
			}
			if hi < r.To {
				next = append(next, model.PortRange{From: hi + 1, To: r.To})
			}
		}
		rest = next
	}
	slices.SortFunc(allowed, func(a, b model.PortRange) int { return cmp.Compare(a.From, b.From) })
	// Merge neighbours, so "0-79, 80-65535" reads as one range.
	var merged []model.PortRange
	for _, r := range allowed {
		if n := len(merged); n > 0 && merged[n-1].To+1 >= r.From {
			merged[n-1].To = max(merged[n-1].To, r.To)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}
