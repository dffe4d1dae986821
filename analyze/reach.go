package analyze

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// MaxPairs bounds how many concrete flows one question may expand to (a
// group of many interfaces to another), so a careless question stays fast.
const MaxPairs = 4096

// Question is a reachability question as a user asks it: FROM and TO are
// "internet", a moat address (subnet/private/use1-az2, sg/db, service,
// alb, eni/...), an AWS id (eni-..., i-...), an IP, or, as TO only, an
// AWS service by name (s3, dynamodb).
type Question struct {
	From, To string
	Proto    model.Protocol // default tcp
	Port     int            // default: the destination's own port (DefaultPort)
	SrcPort  int            // one client port; default: every port of SrcPorts
	// Ports asks about a set of destination ports at once (Port is then
	// ignored); SrcPorts is the client's port range, by default
	// EphemeralPorts: the answer holds for every client port in it.
	Ports, SrcPorts PortSet
	Host            string // TLS SNI / HTTP Host the client asks for; what firewall domain rules read
	// Within narrows FROM to the addresses these prefixes hold (the part
	// of the internet a load balancer admits); empty means all of it.
	Within []netip.Prefix
	// IPv6 asks the question over IPv6: the internet is an IPv6 host,
	// and interfaces and subnet hosts use their IPv6 addresses. An end
	// with none is refused by the trace as a different IP version.
	IPv6 bool
}

// Reach answers a question: one Path per pair of interfaces the two ends
// stand for, and a verdict over all of them.
func (ix *Index) Reach(q Question) (Answer, error) {
	if q.Proto == 0 {
		q.Proto = model.TCP
	}
	switch q.Proto {
	case model.TCP, model.UDP, model.ICMP:
	default:
		// Any other IANA protocol (47 for GRE): rules for it, or for all
		// traffic, match; it has no ports.
		if !q.Proto.Valid() || q.Proto == model.AllProtocols {
			return Answer{}, fmt.Errorf("unknown protocol %q: use tcp, udp, icmp or an IANA protocol number (47 for GRE)", q.Proto)
		}
		q.Port, q.Ports, q.SrcPort, q.SrcPorts = 0, PortSet{}, 0, Ports(model.Port(0))
	}
	srcs, err := ix.Resolve(q.From, true)
	if err != nil {
		return Answer{}, fmt.Errorf("from: %w", err)
	}
	dsts, err := ix.Resolve(q.To, false)
	if err != nil {
		return Answer{}, fmt.Errorf("to: %w", err)
	}
	_, ported := map[model.Protocol]bool{model.TCP: true, model.UDP: true}[q.Proto]
	if q.Port == 0 && ported {
		q.Port = ix.DefaultPort(q.To, dsts)
	}
	if q.Proto == model.ICMP {
		q.Port = 8 // echo request
	}
	if q.SrcPort == 0 {
		q.SrcPort = DefaultSourcePort
	}
	if q.Proto == model.ICMP {
		q.Ports = PortSet{}
	}
	if q.Port < 0 || q.Port > 65535 || q.SrcPort < 0 || q.SrcPort > 65535 {
		return Answer{}, fmt.Errorf("port out of range: use 0-65535")
	}
	ports := q.Ports
	if ports.IsEmpty() {
		ports = Ports(model.Port(q.Port))
	}
	sports := q.SrcPorts
	if sports.IsEmpty() {
		sports = Ports(ClientPorts)
		if q.SrcPort != DefaultSourcePort {
			sports = Ports(model.Port(q.SrcPort))
		}
	}
	a := Answer{From: q.From, To: q.To, Proto: q.Proto, Port: q.Port, Ports: ports, SrcPorts: sports}
	pairs := 0
	toIP, byIP := netip.ParseAddr(strings.TrimSpace(q.To))
	for _, s := range srcs {
		for _, d := range dsts {
			if byIP == nil {
				// An address names an interface of the source's own VPC
				// first: address spaces overlap across VPCs.
				d = ix.ipFlowEnd(toIP, ix.vpcOfFlowEnd(s))
			}
			if s.Addr != "" && s.Addr == d.Addr && s.Kind == d.Kind {
				continue
			}
			if pairs++; pairs > MaxPairs {
				return Answer{}, fmt.Errorf("the question expands to more than %d pairs of interfaces; name a narrower source or destination", MaxPairs)
			}
			if q.IPv6 {
				s, d = ix.asIPv6(s), ix.asIPv6(d)
			}
			s, d := ix.matchFamily(s, d)
			srcSet := ix.addrsOf(s)
			if len(q.Within) > 0 {
				srcSet = within(srcSet, q.Within)
				if len(srcSet.Ranges()) == 0 {
					continue
				}
			}
			a.Paths = append(a.Paths, ix.traceSpace(space{src: s, dst: d, srcSet: srcSet, dstSet: ix.addrsOf(d),
				proto: q.Proto, ports: ports, sport: sports, host: q.Host})...)
		}
	}
	if len(a.Paths) == 0 {
		return Answer{}, errors.New("the source and the destination are the same interface")
	}
	a.Verdict = verdictOf(a.Paths)
	return a, nil
}

// matchFamily makes both ends speak one IP version: the internet end
// takes the other's, an interface named by address takes one of its own
// addresses of the other end's version when it has one. Ends that still
// differ are refused by the trace.
func (ix *Index) matchFamily(s, d FlowEnd) (FlowEnd, FlowEnd) {
	if s.Kind == Internet && d.IP.Is6() {
		s.IP = InternetIPv6
	}
	if d.Kind == Internet && s.IP.Is6() {
		d.IP = InternetIPv6
	}
	same := func(e *FlowEnd, want netip.Addr) {
		if e.Kind != Interface || !want.IsValid() || e.IP.Is6() == want.Is6() {
			return
		}
		if dev := ix.byAddr[e.Addr]; dev != nil {
			for _, a := range dev.ips {
				if a.Is6() == want.Is6() {
					e.IP = a
					return
				}
			}
		}
	}
	same(&d, s.IP)
	same(&s, d.IP)
	return s, d
}

// asIPv6 is e spoken over IPv6: the internet's IPv6 stand-in, an
// interface's first IPv6 address, a subnet host's IPv6 representative.
// An end with no IPv6 address, or one named by an IP, is left as it is.
func (ix *Index) asIPv6(e FlowEnd) FlowEnd {
	switch e.Kind {
	case Internet:
		if e.Service == "" && !e.IP.Is6() {
			e.IP = InternetIPv6
		}
	case Interface, Balancer:
		if dev := ix.byAddr[e.Addr]; dev != nil && !e.IP.Is6() {
			for _, a := range dev.ips {
				if a.Is6() {
					e.IP = a
					break
				}
			}
		}
	case SubnetHost:
		if s := ix.subnets[e.Subnet]; s != nil && s.rep6.IsValid() && e.IP == s.rep {
			e.IP = s.rep6
		}
	}
	return e
}

// DefaultPort is the port a question means when it names none: a load
// balancer's first forwarding listener, a workload's own port, SSH for a
// bastion, else HTTPS.
func (ix *Index) DefaultPort(to string, dsts []FlowEnd) int {
	for _, l := range ix.lbs {
		if string(l.lb.Addr) == to {
			for _, x := range l.lb.Listeners {
				if !x.RedirectToHTTPS {
					return x.Port
				}
			}
		}
	}
	for _, s := range ix.n.Services {
		if string(s.Addr) == to && s.Port > 0 {
			return s.Port
		}
	}
	for _, d := range ix.n.Databases {
		if string(d.Addr) == to && d.Port > 0 {
			return d.Port
		}
	}
	for _, b := range ix.n.Bastions {
		if string(b.Addr) == to {
			return 22
		}
	}
	return 443
}

// Resolve turns a name into the endpoints it stands for, in a fixed order.
// src says whether it is a flow's source (AWS services and load balancers
// are destinations only; as a source a load balancer is its interfaces).
func (ix *Index) Resolve(text string, src bool) ([]FlowEnd, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("empty endpoint")
	}
	if text == "internet" {
		return []FlowEnd{{Kind: Internet, IP: InternetIPv4, Whole: true}}, nil
	}
	if a, err := netip.ParseAddr(text); err == nil {
		return []FlowEnd{ix.ipFlowEnd(a, nil)}, nil
	}
	if eps, ok, err := ix.resolveAddr(model.ResourceRef(text), src); ok {
		return eps, err
	}
	if ids := ix.byID[text]; len(ids) > 0 {
		var out []FlowEnd
		for _, a := range ids {
			eps, ok, err := ix.resolveAddr(a, src)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, eps...)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	if ip, ok := ix.services[text]; ok {
		if src {
			// A service as a source comes from the internet side, from
			// addresses its managed prefix list names (CloudFront).
			return []FlowEnd{{Kind: Internet, Service: text, IP: ip}}, nil
		}
		return []FlowEnd{{Kind: AWSService, Service: text, IP: ip}}, nil
	}
	return nil, fmt.Errorf("unknown endpoint %q%s: use internet, an address such as subnet/private/use1-az1, sg/db or service, an ENI or instance id, an IP, or an AWS service such as s3", text, ix.suggest(text))
}

// ipFlowEnd is what an IP names, as seen from VPC in (nil: from
// anywhere): an interface, a host in a subnet, or an address outside the
// model.
func (ix *Index) ipFlowEnd(a netip.Addr, in *vpcInfo) FlowEnd {
	for _, d := range []*device{ix.deviceAt(a, in), ix.byPublic[a]} {
		if d == nil {
			continue
		}
		e := devFlowEnd(d)
		if d.lb != nil && d.lb.lb.Kind != model.APIGateway {
			// A load balancer's address leads to its listeners.
			e.Kind = Balancer
		}
		return e
	}
	if in != nil {
		if s := in.subnetOf(a); s != nil {
			return FlowEnd{Kind: SubnetHost, Addr: s.s.Addr, IP: a, Subnet: s.s.Addr}
		}
	}
	for _, s := range ix.subnetsL {
		if s.s.CIDR.Contains(a) || (s.s.IPv6CIDR.IsValid() && s.s.IPv6CIDR.Contains(a)) {
			return FlowEnd{Kind: SubnetHost, Addr: s.s.Addr, IP: a, Subnet: s.s.Addr}
		}
	}
	if isPrivate(a) {
		return FlowEnd{Kind: External, IP: a}
	}
	return FlowEnd{Kind: Internet, IP: a}
}

func devFlowEnd(d *device) FlowEnd {
	e := FlowEnd{Kind: Interface, Addr: d.addr, IP: d.ip()}
	if d.subnet != nil {
		e.Subnet = d.subnet.s.Addr
	}
	return e
}

func devFlowEnds(ds []*device) []FlowEnd {
	out := make([]FlowEnd, 0, len(ds))
	for _, d := range ds {
		out = append(out, devFlowEnd(d))
	}
	return out
}

func (ix *Index) resolveAddr(a model.ResourceRef, src bool) ([]FlowEnd, bool, error) {
	if d := ix.byAddr[a]; d != nil {
		return []FlowEnd{devFlowEnd(d)}, true, nil
	}
	if s := ix.subnets[a]; s != nil {
		return []FlowEnd{{Kind: SubnetHost, Addr: a, IP: s.rep, Subnet: a, Whole: true}}, true, nil
	}
	if _, ok := ix.sgs[a]; ok {
		m := ix.members[a]
		if len(m) == 0 {
			return nil, true, fmt.Errorf("no interface in the model is in %s", a)
		}
		return devFlowEnds(m), true, nil
	}
	if l := ix.lbs[a]; l != nil {
		if l.lb.Kind == model.APIGateway && !src {
			return []FlowEnd{{Kind: Balancer, Addr: a}}, true, nil
		}
		if len(l.enis) == 0 {
			return nil, true, fmt.Errorf("%s has no interfaces in the model", a)
		}
		eps := devFlowEnds(l.enis)
		if !src {
			for i := range eps {
				eps[i].Kind = Balancer
			}
		}
		return eps, true, nil
	}
	if d := ix.natgws[a]; d != nil {
		return []FlowEnd{devFlowEnd(d)}, true, nil
	}
	if in := ix.instances[a]; in != nil {
		var ds []*device
		for _, x := range in.ENIs {
			if d := ix.byAddr[x]; d != nil {
				ds = append(ds, d)
			}
		}
		if len(ds) == 0 {
			return nil, true, fmt.Errorf("%s has no interfaces in the model", a)
		}
		return devFlowEnds(ds), true, nil
	}
	if e := ix.endpoints[a]; e != nil {
		if e.Type == model.GatewayEndpoint {
			if src {
				return nil, true, fmt.Errorf("%s is a gateway endpoint: it can only be a destination (as %s)", a, e.Service)
			}
			return []FlowEnd{{Kind: AWSService, Service: e.Service, IP: ix.services[e.Service]}}, true, nil
		}
	}
	if ds := ix.byOwner[a]; len(ds) > 0 {
		return devFlowEnds(ds), true, nil
	}
	for i := range ix.n.NATInstances {
		ni := &ix.n.NATInstances[i]
		if ni.Addr == a {
			if d := ix.byAddr[ni.ENI]; d != nil {
				return []FlowEnd{devFlowEnd(d)}, true, nil
			}
			return nil, true, fmt.Errorf("%s has no interface in the model", a)
		}
	}
	for _, w := range ix.workloads() {
		if w == a {
			return nil, true, fmt.Errorf("%s has no interfaces in the model; compile the spec with this version of moat, or name a subnet", a)
		}
	}
	if eps, ok, err := ix.resolveHybrid(a, src); ok {
		return eps, true, err
	}
	if _, ok := ix.vpcs[a]; ok {
		return nil, true, fmt.Errorf("%s is a VPC; name a subnet, a security group or an interface in it", a)
	}
	return nil, false, nil
}

func (ix *Index) workloads() []model.ResourceRef {
	var out []model.ResourceRef
	for _, s := range ix.n.Services {
		out = append(out, s.Addr)
	}
	for _, d := range ix.n.Databases {
		out = append(out, d.Addr)
	}
	for _, b := range ix.n.Bastions {
		out = append(out, b.Addr)
	}
	return out
}

// suggest names the known addresses closest to a mistyped one.
func (ix *Index) suggest(text string) string {
	var names []string
	add := func(a model.ResourceRef) {
		if strings.HasPrefix(string(a), text) || strings.HasPrefix(text, string(a)) || strings.Contains(string(a), text) {
			names = append(names, string(a))
		}
	}
	for _, s := range ix.subnetsL {
		add(s.s.Addr)
	}
	for a := range ix.sgs {
		add(a)
	}
	for a := range ix.lbs {
		add(a)
	}
	for a := range ix.byOwner {
		add(a)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return ""
	}
	if len(names) > 4 {
		names = names[:4]
	}
	return " (did you mean " + strings.Join(names, ", ") + "?)"
}

// Trace answers one concrete flow: forward, then the reply, which passes
// every stateless NACL again with the ports swapped while security groups,
// being stateful, let it through.
func (ix *Index) Trace(f Flow) Path {
	if f.SrcPort == 0 {
		f.SrcPort = DefaultSourcePort
	}
	return ix.trace(f, nil)
}

// trace is Trace from the client port the flow names, port 0 too (a
// question over a set of client ports may hold it), recording into rec
// what the packet was checked against.
func (ix *Index) trace(f Flow, rec *consulted) Path {
	p, _ := ix.traceAs(f, rec, netip.Addr{})
	return p
}

// traceAs is trace, and the source address the packet had when it
// arrived (after any NAT on the way: what a load balancer sees). A valid
// client marks a Network Load Balancer's leg from its interface (f.Src)
// to a target that preserves client IPs: the target's side sees client
// in the balancer's place.
func (ix *Index) traceAs(f Flow, rec *consulted, client netip.Addr) (Path, netip.Addr) {
	if f.Proto == 0 {
		f.Proto = model.TCP
	}
	if f.Dst.Kind == Balancer {
		return ix.traceLB(f, rec), netip.Addr{}
	}
	p := Path{Flow: f}

	fw := ix.newWalker(f, rec)
	if client.IsValid() {
		fw.client, fw.lbIP = client, f.Src.IP
	}
	if fw.stopped {
		p.Blockers, p.Notes, p.Unknown = fw.blockers, fw.notes, fw.unknowns
		ix.beyond(&p, f, fw, nil)
		return p, netip.Addr{}
	}
	ix.start(fw, f.Src)
	p.Forward, p.Blockers, p.Notes, p.Unknown = fw.hops, fw.blockers, fw.notes, fw.unknowns
	if !fw.reached {
		p.Notes = append(p.Notes, "the reply was not traced: the packet never arrived")
		ix.beyond(&p, f, fw, nil)
		return p, netip.Addr{}
	}
	arrived := fw.pk.src
	if f.Src.Kind == Router {
		// The router originated the packet: no host waits for a reply.
		p.Notes = append(p.Notes, "the reply was not traced: the VPC router originated the packet")
		p.Reachable = len(p.Blockers) == 0
		return p, arrived
	}
	rw := ix.reply(fw, f)
	p.Return = rw.hops
	p.Blockers = append(p.Blockers, rw.blockers...)
	for _, u := range rw.unknowns {
		if !slices.Contains(p.Unknown, u) {
			p.Unknown = append(p.Unknown, u)
		}
	}
	for _, n := range rw.notes {
		if !slices.Contains(p.Notes, n) {
			p.Notes = append(p.Notes, n)
		}
	}
	p.Reachable = fw.reached && rw.reached && len(p.Blockers) == 0
	if !p.Reachable {
		ix.beyond(&p, f, fw, rw)
	}
	return p, arrived
}

// newWalker sets up the forward packet: its addresses as they leave the
// source (a destination on the internet side is addressed by its public
// IP).
func (ix *Index) newWalker(f Flow, rec *consulted) *walker {
	w := &walker{ix: ix, dir: Forward, rec: rec}
	w.pk = packet{src: f.Src.IP, dst: f.Dst.IP, proto: f.Proto, sport: f.SrcPort, dport: f.Port, srcService: f.Src.Service, host: f.Host}
	w.target = f.Dst.IP
	if f.Dst.Kind == AWSService {
		w.pk.service, w.targetService = f.Dst.Service, f.Dst.Service
		w.note(fmt.Sprintf("%s stands for %s's addresses", f.Dst.IP, f.Dst.Service))
	}
	if f.Src.Kind == SubnetHost {
		w.srcHost = true
		w.note(fmt.Sprintf("%s is any host in %s; its own security group is assumed to allow the flow", f.Src.IP, f.Src.Subnet))
		if f.Src.PublicIP {
			b := publicStandin.Addr().As4()
			pub := netip.AddrFrom4([4]byte{b[0], b[1] + 1, 255, 254})
			w.assumed = map[netip.Addr]netip.Addr{f.Src.IP: pub}
			w.note(fmt.Sprintf("the host is assumed to hold a public IP (%s), as any instance may be given an Elastic IP", pub))
		}
	}
	if f.Dst.Kind == SubnetHost {
		w.dstHost, w.dstAny = true, f.Dst.Whole
		w.note(fmt.Sprintf("%s is any host in %s; its own security group is assumed to allow the flow", f.Dst.IP, f.Dst.Subnet))
	}
	if f.Src.Service != "" {
		w.note(fmt.Sprintf("%s stands for %s's addresses", f.Src.IP, f.Src.Service))
	}
	ix.standinNotes(w, f) // standin.go
	if f.Src.Kind == Internet && f.Src.IP == InternetIPv4 || f.Dst.Kind == Internet && f.Dst.IP == InternetIPv4 {
		w.note(fmt.Sprintf("%s (a documentation address, RFC 5737) stands for the internet addresses of this class", InternetIPv4))
	}
	if f.Src.IP.IsValid() && f.Dst.IP.IsValid() && f.Src.IP.Is6() != f.Dst.IP.Is6() && f.Dst.Kind != AWSService {
		w.stop("", HopFamily, fmt.Sprintf("%s and %s are of different IP versions: a packet carries one", f.Src.IP, f.Dst.IP),
			"ask between addresses of one version (an interface or subnet with IPv6, or IPv4 at both ends)")
		return w
	}
	outside := f.Src.Kind == Internet || f.Src.Kind == External
	if outside && f.Dst.Kind == Interface {
		d := ix.byAddr[f.Dst.Addr]
		if d != nil && f.Dst.IP.Is4() && isPrivate(f.Dst.IP) {
			if !d.hasPublic {
				fix := fmt.Sprintf("give %s a public or Elastic IP, or put a load balancer in front of it", d.addr)
				if ix.isDatabase(d) {
					fix = databaseFix
				}
				w.stop(d.addr, HopAddress, fmt.Sprintf("%s has no public IP: the internet cannot address it", d.addr), fix)
				return w
			}
			w.pk.dst = d.public
		}
	}
	if outside && f.Dst.Kind == SubnetHost && f.Dst.IP.Is4() && isPrivate(f.Dst.IP) {
		w.stop(f.Dst.Addr, HopAddress, fmt.Sprintf("a host in %s is addressed by a private IP: the internet cannot address it", f.Dst.Subnet),
			"name an interface with a public IP, or a load balancer")
	}
	return w
}

// start sends the forward packet from the source.
func (ix *Index) start(w *walker, src FlowEnd) {
	switch src.Kind {
	case Internet, External:
		w.internet()
	case Interface:
		d := ix.byAddr[src.Addr]
		w.leave(d, nil)
	case SubnetHost:
		s := ix.subnets[src.Subnet]
		w.route(s)
	case OnPremises:
		w.fromOnPrem(src)
	case Router:
		w.fromRouter(src)
	default:
		w.stop("", HopSource, fmt.Sprintf("%s cannot be a source", src), "")
	}
}

// traceLB answers a flow to a load balancer interface: to the listener,
// then, as a new connection from the balancer (ALB and NLB here are
// proxies), on to a target.
func (ix *Index) traceLB(f Flow, rec *consulted) Path {
	lb := ix.lbs[f.Dst.Addr]
	var d *device
	if lb == nil {
		d = ix.byAddr[f.Dst.Addr]
		if d != nil {
			lb = d.lb
		}
	}
	p := Path{Flow: f}
	if lb == nil {
		p.Blockers = []Blocker{{Resource: f.Dst.Addr, Kind: HopLoadBalancer, Direction: Forward, Reason: "not a load balancer"}}
		return p
	}
	first, arrived := ix.toFrontDoor(f, lb, d, rec)
	p.Forward, p.Return, p.Blockers, p.Notes, p.Unknown = first.Forward, first.Return, first.Blockers, first.Notes, first.Unknown
	if !first.Reachable {
		// The client's packet never reached the balancer: nothing behind
		// it happened. What would block it next is said as such, unless
		// the packet cannot exist at all.
		if !slices.ContainsFunc(first.Blockers, func(b Blocker) bool { return b.Kind == HopFamily }) {
			var behind Path
			ix.behindFrontDoor(&behind, f, lb, d, arrived, rec)
			assume := fmt.Sprintf("the client's packet had reached %s", lb.lb.Addr)
			for _, b := range behind.Blockers {
				b.Assuming = cmp.Or(b.Assuming, assume)
				p.Blockers = append(p.Blockers, b)
			}
			for _, u := range behind.Unknown {
				if !slices.Contains(p.Unknown, u) {
					p.Unknown = append(p.Unknown, u)
				}
			}
		}
		return p
	}
	p.Reachable = ix.behindFrontDoor(&p, f, lb, d, arrived, rec)
	return p
}

// behindFrontDoor adds to p what follows a packet at lb's front door:
// the listener, then the balancer's own connection to a target. It
// reports whether that got through.
func (ix *Index) behindFrontDoor(p *Path, f Flow, lb *lbInfo, d *device, arrived netip.Addr, rec *consulted) bool {
	rec.listeners(lb)
	l, ok := listenerFor(lb.lb, f.Proto, f.Port)
	if !ok {
		p.Blockers = append(p.Blockers, Blocker{Resource: lb.lb.Addr, Kind: HopListener, Direction: Forward,
			Reason: fmt.Sprintf("%s has no listener on %s", lb.lb.Addr, f.traffic()), Fix: fmt.Sprintf("add a listener on %s, or use a listener port", f.traffic())})
		return false
	}
	p.Forward = append(p.Forward, Hop{Resource: lb.lb.Addr, Kind: HopListener, Rule: listenerText(lb.lb, l)})
	if l.RedirectToHTTPS {
		return len(p.Blockers) == 0
	}
	targets, port := ix.targetsOf(lb, l)
	if len(targets) == 0 {
		p.Blockers = append(p.Blockers, Blocker{Resource: lb.lb.Addr, Kind: HopTarget, Direction: Forward, Reason: fmt.Sprintf("%s has no targets in the model", lb.lb.Addr), Fix: "register targets"})
		return false
	}
	// A Network Load Balancer's target that preserves client IPs sees the
	// client's address, as the balancer received it; else the balancer's.
	var client netip.Addr
	if ix.preservesClientIP(lb.lb, l, f.Proto) {
		client = cmp.Or(arrived, f.Src.IP)
		if client.IsValid() {
			p.Notes = append(p.Notes, fmt.Sprintf("%s preserves the client's IP: the target sees %s, which its network ACL and security groups must admit", lb.lb.Addr, client))
		}
	}
	tried := ix.tryTargets(lb, d, targets, port, client, rec)
	ok = mergeLegs(p, tried)
	return ok && len(p.Blockers) == 0
}

// toFrontDoor traces the client's leg to the balancer's interface d, and
// returns the path and the address the packet arrived from.
func (ix *Index) toFrontDoor(f Flow, lb *lbInfo, d *device, rec *consulted) (Path, netip.Addr) {
	if d == nil {
		// API Gateway's front door is outside the VPC; only its VPC Link
		// interfaces are in the model.
		return Path{Flow: f, Reachable: true, Forward: []Hop{{Resource: lb.lb.Addr, Kind: HopDeliver, Rule: "API Gateway endpoint, outside the VPC"}}}, netip.Addr{}
	}
	g := f
	g.Dst.Kind = Interface
	return ix.traceAs(g, rec, netip.Addr{})
}

// tryTargets traces the balancer's leg from each of its interfaces (or
// the one asked about, d) to each target, stopping at the first that
// works; it returns that leg alone, or every failed one.
func (ix *Index) tryTargets(lb *lbInfo, d *device, targets []FlowEnd, port int, client netip.Addr, rec *consulted) []Path {
	from := lb.enis
	if d != nil {
		from = []*device{d}
	}
	zone := ""
	if d != nil && d.subnet != nil {
		zone = d.subnet.s.ZoneID
	}
	// Same-zone targets first: the shortest explanation of a working path.
	slices.SortStableFunc(targets, func(a, b FlowEnd) int {
		return cmp.Compare(boolInt(zoneOf(ix, a) != zone), boolInt(zoneOf(ix, b) != zone))
	})
	var tried []Path
	for _, src := range from {
		for _, t := range targets {
			leg, _ := ix.traceAs(Flow{Src: devFlowEnd(src), Dst: t, Proto: model.TCP, Port: port, SrcPort: DefaultSourcePort}, rec, client)
			if leg.Reachable {
				return []Path{leg}
			}
			tried = append(tried, leg)
		}
	}
	return tried
}

// mergeLegs adds the target legs to p: the first leg's hops, and every
// leg's blockers, notes and unknowns once (only the working leg's when one
// works). It reports whether the first leg is reachable.
func mergeLegs(p *Path, tried []Path) bool {
	ok := tried[0].Reachable
	seen := map[Blocker]bool{}
	for _, b := range p.Blockers {
		seen[b] = true
	}
	for i, leg := range tried {
		if i == 0 {
			p.Forward = append(p.Forward, leg.Forward...)
			p.Return = append(leg.Return, p.Return...)
		}
		for _, b := range leg.Blockers {
			if !seen[b] {
				seen[b] = true
				p.Blockers = append(p.Blockers, b)
			}
		}
		for _, n := range leg.Notes {
			if !slices.Contains(p.Notes, n) {
				p.Notes = append(p.Notes, n)
			}
		}
		for _, u := range leg.Unknown {
			if !slices.Contains(p.Unknown, u) {
				p.Unknown = append(p.Unknown, u)
			}
		}
		if ok {
			break
		}
	}
	return ok
}

func zoneOf(ix *Index, e FlowEnd) string {
	if s := ix.subnets[e.Subnet]; s != nil {
		return s.s.ZoneID
	}
	return ""
}

// listenerFor finds the listener for a flow: HTTP, HTTPS, TCP and TLS
// listen on TCP; UDP and TCP_UDP on UDP.
func listenerFor(lb *model.LoadBalancer, proto model.Protocol, port int) (model.Listener, bool) {
	for _, l := range lb.Listeners {
		if l.Port != port {
			continue
		}
		switch strings.ToUpper(l.Protocol) {
		case "UDP":
			if proto == model.UDP {
				return l, true
			}
		case "TCP_UDP":
			if proto == model.UDP || proto == model.TCP {
				return l, true
			}
		default:
			if proto == model.TCP {
				return l, true
			}
		}
	}
	return model.Listener{}, false
}

func listenerText(lb *model.LoadBalancer, l model.Listener) string {
	s := fmt.Sprintf("listener %s:%d", l.Protocol, l.Port)
	switch {
	case l.RedirectToHTTPS:
		s += " redirects to HTTPS"
	case !l.TargetGroup.IsZero():
		s += " -> " + string(l.TargetGroup)
	case !lb.Targets.IsZero():
		s += fmt.Sprintf(" -> %s:%d", lb.Targets, lb.TargetPort)
	}
	return s
}

// targetsOf lists where a listener forwards, and on which port.
func (ix *Index) targetsOf(lb *lbInfo, l model.Listener) ([]FlowEnd, int) {
	if !l.TargetGroup.IsZero() {
		tg := ix.tgroups[l.TargetGroup]
		if tg == nil {
			return nil, 0
		}
		var out []FlowEnd
		port := tg.Port
		for _, t := range tg.Targets {
			if t.Port != 0 {
				port = t.Port
			}
			switch {
			case !t.ENI.IsZero():
				if d := ix.byAddr[t.ENI]; d != nil {
					out = append(out, devFlowEnd(d))
				} else if in := ix.instances[t.ENI]; in != nil {
					for _, x := range in.ENIs {
						if d := ix.byAddr[x]; d != nil {
							out = append(out, devFlowEnd(d))
							break
						}
					}
				}
			case t.IP.IsValid():
				out = append(out, ix.ipFlowEnd(t.IP, nil))
			}
		}
		return out, port
	}
	if lb.lb.Targets.IsZero() {
		return nil, 0
	}
	eps, _, _ := ix.resolveAddr(lb.lb.Targets, false)
	return eps, lb.lb.TargetPort
}

// databaseFix is the only fix reach proposes for a database the internet
// cannot reach: never a public IP, a rule or a route that opens it.
const databaseFix = "none: keep the database off the internet; reach it from inside the VPC (the service, or a Session Manager bastion)"

// isDatabase reports whether d belongs to a database, designed or imported.
func (ix *Index) isDatabase(d *device) bool {
	return d != nil && d.eni != nil && (ix.ownedByDatabase(d) || isRDS(d.eni))
}

// preservesClientIP reports whether a Network Load Balancer's listener
// hands its targets the client's address: the target group's
// preserve_client_ip.enabled when the input sets it, else AWS's default,
// on for instance targets and for UDP and TCP_UDP, off for ip targets
// over TCP and TLS; an ALB target, or a listener without a target group
// (a compiled design's service, registered by IP), does not
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
func (ix *Index) preservesClientIP(lb *model.LoadBalancer, l model.Listener, proto model.Protocol) bool {
	if lb.Kind != model.NLB || l.TargetGroup.IsZero() {
		return false
	}
	tg := ix.tgroups[l.TargetGroup]
	if tg == nil {
		return false
	}
	if tg.PreserveClientIP != nil {
		return *tg.PreserveClientIP
	}
	switch tg.TargetType {
	case model.InstanceTargets, "":
		return true
	case model.IPTargets:
		switch strings.ToUpper(cmp.Or(tg.Protocol, l.Protocol)) {
		case "UDP", "TCP_UDP", "QUIC", "TCP_QUIC":
			return true
		}
		return proto == model.UDP
	}
	return false
}
