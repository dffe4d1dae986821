package analyze

import (
	"cmp"
	"net/netip"
	"runtime"
	"slices"
	"sync"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// Exposed is one interface the internet can reach and the ports it can
// reach it on.
type Exposed struct {
	ENI      model.ResourceRef
	Subnet   model.ResourceRef
	PublicIP netip.Addr
	// IPv6 is the interface's IPv6 address when the internet reaches it
	// over IPv6: no translation, an internet gateway is enough.
	IPv6 netip.Addr
	// Standin marks a public address moat made up (the real one is
	// assigned by AWS at deploy time).
	Standin bool
	// LoadBalancer is set when the interface is a load balancer's.
	LoadBalancer model.ResourceRef
	Ports        []ExposedPorts
}

// ExposedPorts is a range of ports open to part of the internet, with the
// rule that opens it and one path that proves it.
type ExposedPorts struct {
	Proto model.Protocol
	Ports model.PortRange
	// From is the security group rule's range that admits the traffic;
	// Sources is exactly the part of the internet that reaches these
	// ports (the rule's range less what NACLs and routes stop).
	From    netip.Prefix
	Sources []netip.Prefix
	Rule    string // the security group rule
	Path    Path   // one flow of the class, both ways
}

// Exposure lists every interface the internet can reach, on which ports,
// in the model's interface order. The answer is exact: for each protocol
// it asks, over the whole internet, every port the interface's security
// groups admit (a load balancer's: its listener ports) and every client
// port an attacker may pick, which packets arrive and whose replies get
// back (traceSpace), and reports each class that does.
//
// Interfaces are asked about in parallel, one worker per CPU; the answer
// keeps the model's order.
func (ix *Index) Exposure() []Exposed {
	out, _ := ix.exposure()
	return out
}

// exposure is Exposure, and what the input does not define that any of
// its answers depends on.
func (ix *Index) exposure() ([]Exposed, []Path) {
	var cands []*device
	for _, d := range ix.devices {
		if d.eni == nil || d.natgw != nil || (!d.hasPublic && !ipv6Of(d).IsValid()) || d.subnet == nil || d.vpc == nil || d.vpc.igw == nil {
			continue
		}
		cands = append(cands, d)
	}
	ix.families() // built once, before the workers share it
	ix.internet()
	results := make([]Exposed, len(cands))
	found := make([]bool, len(cands))
	unknown := make([][]Path, len(cands))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(cands), 1)) {
		wg.Go(func() {
			for i := range next {
				results[i], found[i], unknown[i] = ix.exposed(cands[i])
			}
		})
	}
	for i := range cands {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Exposed
	var open []Path
	for i, e := range results {
		if found[i] {
			out = append(out, e)
		}
		open = append(open, unknown[i]...)
	}
	return out, open
}

// admitted is the ports d's security groups admit from some address
// outside the VPC for proto (every port when d has no group: nothing
// filters), and each admitting rule with its range. Traffic a group does
// not admit is dropped at the interface, whatever else allows it, so the
// search need not ask about it.
func (ix *Index) admitted(d *device, proto model.Protocol) (PortSet, []admitRule) {
	if len(d.sgs) == 0 {
		return Ports(model.AnyPort), nil
	}
	var ps PortSet
	var admits []admitRule
	for _, g := range d.sgs {
		for i := range g.In {
			r := &g.In[i]
			if !r.CoversProto(proto) {
				continue
			}
			var ranges []netip.Prefix
			switch r.Rule.Peer.Kind {
			case model.PeerCIDR:
				ranges = []netip.Prefix{r.Rule.Peer.CIDR}
			case model.PeerPrefixList:
				ranges = r.Prefixes
			}
			// ICMP types are asked below (echo requests only).
			ports := r.Ports
			if r.Proto == model.AllProtocols || proto == model.ICMP {
				ports = model.AnyPort
			}
			for _, p := range ranges {
				admits = append(admits, admitRule{prefix: p, rule: g.Text(r, false)})
			}
			if len(ranges) > 0 {
				ps = ps.Union(Ports(ports))
			}
		}
	}
	return ps, admits
}

type admitRule struct {
	prefix netip.Prefix
	rule   string
}

func (ix *Index) exposed(d *device) (Exposed, bool, []Path) {
	var unknown []Path
	e := Exposed{ENI: d.addr, Subnet: d.subnet.s.Addr}
	if d.lb != nil {
		e.LoadBalancer = d.lb.lb.Addr
	}
	in := ix.internet()
	type family struct {
		inet  *netipx.IPSet
		src   netip.Addr
		dst   netip.Addr
		proto []model.Protocol
	}
	var fams []family
	if d.hasPublic {
		fams = append(fams, family{in.v4, InternetIPv4, d.ip(), []model.Protocol{model.TCP, model.UDP, model.ICMP}})
	}
	if v6 := ipv6Of(d); v6.IsValid() {
		fams = append(fams, family{in.v6, InternetIPv6, v6, []model.Protocol{model.TCP, model.UDP}})
	}
	for _, f := range fams {
		for _, proto := range f.proto {
			ports, admits := ix.admitted(d, proto)
			if d.lb != nil {
				ports = ports.Intersect(listenerPortSet(d.lb.lb, proto))
			}
			if proto == model.ICMP {
				// Echo requests: the ICMP question a reply answers.
				ports = ports.Intersect(Ports(model.Port(8)))
			}
			if ports.IsEmpty() {
				continue
			}
			src := FlowEnd{Kind: Internet, IP: f.src, Whole: true}
			dst := devFlowEnd(d)
			dst.IP = f.dst
			var b netipx.IPSetBuilder
			b.Add(f.dst)
			dset, _ := b.IPSet()
			for _, p := range ix.traceSpace(space{src: src, dst: dst, srcSet: f.inet, dstSet: dset, proto: proto, ports: ports, sport: Ports(AnySourcePort)}) {
				if len(p.Unknown) > 0 {
					unknown = append(unknown, p)
				}
				if !p.Reachable {
					continue
				}
				if f.dst.Is6() {
					e.IPv6 = f.dst
				} else {
					e.PublicIP, e.Standin = d.public, d.publicStandin
				}
				from, rule := ruleFor(p, admits)
				for _, r := range p.Class.Ports.Ranges() {
					e.Ports = append(e.Ports, ExposedPorts{Proto: proto, Ports: r, From: from, Sources: p.Class.Src, Rule: rule, Path: p})
				}
			}
		}
	}
	slices.SortStableFunc(e.Ports, func(a, b ExposedPorts) int {
		if c := cmp.Compare(a.Proto, b.Proto); c != 0 {
			return c
		}
		return cmp.Compare(a.Ports.From, b.Ports.From)
	})
	return e, len(e.Ports) > 0, unknown
}

// ruleFor names the security group rule that let a path's packet in: the
// sg-ingress hop, and the range of the first admitting rule that holds the
// packet's source.
func ruleFor(p Path, admits []admitRule) (netip.Prefix, string) {
	rule := ""
	for _, h := range p.Forward {
		if h.Kind == HopSGIngress {
			rule = h.Rule
		}
	}
	for _, r := range admits {
		if r.prefix.Contains(p.Flow.Src.IP) && (rule == "" || r.rule == rule) {
			return r.prefix, r.rule
		}
	}
	if len(p.Class.Src) > 0 {
		return p.Class.Src[0], rule
	}
	return netip.Prefix{}, rule
}

// listenerPortSet is the ports a load balancer listens on for proto.
func listenerPortSet(lb *model.LoadBalancer, proto model.Protocol) PortSet {
	var ps PortSet
	for _, l := range lb.Listeners {
		if _, ok := listenerFor(lb, proto, l.Port); ok {
			ps = ps.Union(Ports(model.Port(l.Port)))
		}
	}
	return ps
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

// ipv6Of is the interface's first IPv6 address, if it has one.
func ipv6Of(d *device) netip.Addr {
	for _, a := range d.ips {
		if a.Is6() {
			return a
		}
	}
	return netip.Addr{}
}

// exposedTraffic renders an exposed range as rules do: "tcp/443",
// "icmp type 8" (an ICMP range holds types).
func exposedTraffic(p ExposedPorts) string {
	m := rules.Match{Proto: p.Proto, Ports: p.Ports}
	if p.Proto == model.ICMP || p.Proto == model.ICMPv6 {
		m.ICMP = model.ICMPType(p.Ports.From)
	}
	return m.String()
}
