package analyze

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// maxSteps bounds a trace, so a routing loop (two tables pointing at each
// other through appliances) ends as a finding, not a hang.
const maxSteps = 64

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

// walker follows one packet through the network.
type walker struct {
	ix       *Index
	dir      Direction
	pk       packet
	hops     []Hop
	blockers []Blocker
	notes    []string
	steps    int
	// target is where the packet must arrive: the destination's address
	// forward, the source's on the way back.
	target netip.Addr
	// targetService is set when the destination is an AWS service.
	targetService string
	reached       bool
	stopped       bool
	// at is the device the packet was delivered to (nil for a host, the
	// internet or a service).
	at *device
	// arrivedVia remembers how the packet reached its destination, so
	// the reply can start from the same place.
	arrivedVia string
	arrivedVPC *vpcInfo
	sessions   []session
	// assumed maps a stand-in public address to the subnet host that
	// is assumed to hold it.
	assumed map[netip.Addr]netip.Addr
	// srcHost marks the forward source as a subnet host, which has no
	// security group of its own in the model.
	srcHost, dstHost bool
	// dstAny marks a destination that stands for every host of its
	// subnet (FlowEnd.Whole): each address a host may take is one.
	dstAny bool
	// routing is the subnet whose route table last forwarded (or failed
	// to forward) the packet: where a hypothetical trace resumes.
	routing *subnetInfo
	// exitGW is the internet or egress-only gateway an IPv6 packet left
	// its VPC by; backVia, on the reply, is the forward packet's: the
	// reply comes back in the same way.
	exitGW, backVia model.ResourceRef
	// rec, when set, records every rule holder the packet is checked
	// against, so the exact analysis knows which prefixes and ports
	// decided its path (exact.go).
	rec *consulted
	// unknowns are what the input does not define that the path depends
	// on (a peer group of another account, a VPC not imported).
	unknowns []string
	// client and lbIP: on a Network Load Balancer's leg to a target that
	// preserves client IPs, the packet travels between the balancer's
	// interface (lbIP) and the target, but rules see the client's address
	// in its place (view).
	client, lbIP netip.Addr
}

// view is the address the rules of the target's side see for a: the
// client's, where a is the balancer's on a leg that preserves client IPs.
func (w *walker) view(a netip.Addr) netip.Addr {
	if w.client.IsValid() && a == w.lbIP {
		return w.client
	}
	return a
}

func (w *walker) hop(res model.ResourceRef, kind HopKind, rule string) {
	// Arriving where the last check already named adds nothing.
	if kind == "deliver" && rule == "" && len(w.hops) > 0 && w.hops[len(w.hops)-1].Resource == res {
		return
	}
	w.hops = append(w.hops, Hop{Resource: res, Kind: kind, Rule: rule})
}

func (w *walker) blocked(res model.ResourceRef, kind HopKind, reason, fix string) {
	w.blockers = append(w.blockers, Blocker{Resource: res, Kind: kind, Direction: w.dir, Reason: reason, Fix: fix})
}

// stop ends the trace: nothing further can be evaluated.
func (w *walker) stop(res model.ResourceRef, kind HopKind, reason, fix string) {
	w.blocked(res, kind, reason, fix)
	w.stopped = true
}

// unknown records something the input does not define that the answer
// depends on: the answer is then not a proof either way.
func (w *walker) unknown(s string) {
	if s != "" && !slices.Contains(w.unknowns, s) {
		w.unknowns = append(w.unknowns, s)
	}
}

func (w *walker) note(s string) {
	if !slices.Contains(w.notes, s) {
		w.notes = append(w.notes, s)
	}
}

func (w *walker) step() bool {
	w.steps++
	if w.steps > maxSteps {
		w.stop("", HopLoop, fmt.Sprintf("the packet to %s passed more than %d hops: a routing loop", w.pk.dst, maxSteps), "check the routes that send traffic between appliances")
		return false
	}
	return !w.stopped
}

// --- security groups and NACLs ---

func (w *walker) sgEgress(d *device) {
	if w.dir == Return || d == nil || d.natgw != nil && d.eni == nil {
		return
	}
	if len(d.sgs) == 0 && d.eni != nil && len(d.eni.SecurityGroups) == 0 && (d.lb != nil || d.natgw != nil || d.endpoint != nil) {
		return
	}
	w.rec.device(d)
	dst := w.view(w.pk.dst)
	dev := w.ix.deviceAt(dst, d.vpc)
	rule, ok, unknown := sgCheck(w.ix, d, true, w.pk.proto, w.pk.dport, dst, dev, w.pk.service)
	if ok {
		w.hop(d.addr, HopSGEgress, rule)
		return
	}
	w.unknown(unknown)
	to := w.pk.dst.String()
	if w.pk.service != "" {
		to = w.pk.service + " (" + to + ")"
	}
	w.blocked(firstGroup(d), HopSGEgress, fmt.Sprintf("no egress rule of %s allows %s to %s", d.groupNames(), pktTraffic(w.pk), to),
		fmt.Sprintf("add an egress rule to %s allowing %s to %s", firstGroup(d), pktTraffic(w.pk), to))
}

func (w *walker) sgIngress(d *device) {
	if w.dir == Return || d == nil || d.natgw != nil && d.eni == nil {
		return
	}
	if len(d.sgs) == 0 && d.eni != nil && len(d.eni.SecurityGroups) == 0 && (d.lb != nil || d.natgw != nil || d.endpoint != nil) {
		// Load balancers without groups (NLBs before 2023) and NAT
		// gateways filter nothing themselves.
		w.hop(d.addr, HopSGIngress, "no security group: the service does not filter")
		return
	}
	w.rec.device(d)
	src := w.view(w.pk.src)
	dev := w.ix.deviceAt(src, d.vpc)
	rule, ok, unknown := sgCheck(w.ix, d, false, w.pk.proto, w.pk.dport, src, dev, w.pk.srcService)
	if ok {
		w.hop(d.addr, HopSGIngress, rule)
		return
	}
	w.unknown(unknown)
	from := src.String()
	if dev != nil {
		from = fmt.Sprintf("%s (%s)", src, dev.addr)
	}
	w.blocked(firstGroup(d), HopSGIngress, fmt.Sprintf("no ingress rule of %s allows %s from %s", d.groupNames(), pktTraffic(w.pk), from),
		fmt.Sprintf("add an ingress rule to %s allowing %s from %s", firstGroup(d), pktTraffic(w.pk), from))
}

func firstGroup(d *device) model.ResourceRef {
	if len(d.sgs) == 0 {
		return d.addr
	}
	return d.sgs[0].Group.Addr
}

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

// leave starts a packet at device d (or a host in subnet s).
func (w *walker) leave(d *device, s *subnetInfo) {
	if d != nil {
		w.sgEgress(d)
		s = d.subnet
		if s == nil && d.natgw != nil && d.natgw.Regional {
			w.viaIGW(nil, d.vpc, "")
			return
		}
	}
	w.route(s)
}

// route forwards the packet by the route table of subnet s.
func (w *walker) route(s *subnetInfo) {
	if !w.step() {
		return
	}
	if s == nil {
		w.stop("", HopRoute, fmt.Sprintf("the packet to %s starts outside any subnet of the model", w.pk.dst), "")
		return
	}
	w.routing = s
	if s.rt == nil {
		w.stop(s.s.Addr, HopRoute, fmt.Sprintf("%s has no route table and its VPC has no main table in the model", s.s.Addr), "associate a route table with the subnet")
		w.unknown(fmt.Sprintf("%s has no route table in the input", s.s.Addr))
		return
	}
	rt := s.rt.Table.Addr
	w.rec.routes(s.rt)
	for _, pl := range s.rt.Unresolved {
		w.unknown(fmt.Sprintf("%s routes prefix list %s, whose entries the input does not hold", rt, pl))
	}
	e, ok := s.rt.Lookup(w.pk.dst, w.pk.service)
	if !ok {
		to := w.pk.dst.String()
		if w.pk.service != "" {
			to = w.pk.service
		}
		w.stop(rt, HopRoute, fmt.Sprintf("%s has no route to %s", rt, to), fmt.Sprintf("add a route for %s to %s", to, rt))
		return
	}
	text := e.Text()
	if s.implicitRT {
		text += " (main route table)"
	}
	w.hop(rt, HopRoute, text)
	target := e.Target()
	switch e.Kind() {
	case model.TargetLocal:
		w.local(s, s.vpc)
	case model.TargetIGW:
		w.naclOut(s)
		w.viaIGW(s, s.vpc, target)
	case model.TargetEIGW:
		w.naclOut(s)
		w.viaEIGW(s, target)
	case model.TargetNATGateway:
		d := w.ix.natgws[target]
		if d == nil {
			d = w.ix.byTarget(target)
		}
		if d == nil {
			w.stop(rt, HopRoute, fmt.Sprintf("%s points at %s, which does not exist: a blackhole", text, target), fmt.Sprintf("create the NAT gateway, or point the route in %s at a live one", rt))
			return
		}
		w.toDevice(s, d)
	case model.TargetENI:
		d := w.ix.byTarget(target)
		if d == nil {
			w.stop(rt, HopRoute, fmt.Sprintf("%s points at %s, which does not exist: a blackhole", text, target), fmt.Sprintf("restore the interface, or point the route in %s at a live target", rt))
			return
		}
		w.toDevice(s, d)
	case model.TargetEndpoint:
		w.naclOut(s)
		if ep := w.ix.endpointOf(e); ep != nil && ep.Type == model.GatewayLBEndpoint {
			w.viaGWLB(rt, text, ep.Addr)
			return
		}
		w.viaEndpoint(s, e)
	case model.TargetGatewayLBEnd:
		w.naclOut(s)
		w.viaGWLB(rt, text, target)
	case model.TargetPeering:
		w.naclOut(s)
		w.viaPeering(s, target)
	case model.TargetTGW:
		w.naclOut(s)
		w.viaTGW(s, target)
	case model.TargetFirewall:
		w.viaFirewall(s, target)
	case model.TargetVGW:
		// A virtual private gateway leads to a VPN or Direct Connect
		// (hybrid.go).
		w.naclOut(s)
		w.viaVGW(s, target)
	case model.TargetBlackhole:
		w.stop(rt, HopRoute, fmt.Sprintf("%s drops the packet (blackhole)", text), fmt.Sprintf("point the route in %s at a live target, or delete it", rt))
	default:
		w.stop(rt, HopRoute, fmt.Sprintf("%s: moat does not model %s targets yet", text, e.Kind()), "")
		w.unknown(fmt.Sprintf("%s leads to %s, whose appliance or network the input does not show", text, e.Target()))
	}
}

// viaGWLB is a packet routed to a Gateway Load Balancer endpoint: the
// load balancer hands it to appliances (firewalls, inspection) whose
// verdict and routing the input does not show, so the answer is not
// known either way
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/introduction.html).
func (w *walker) viaGWLB(rt model.ResourceRef, text string, ep model.ResourceRef) {
	w.stop(ep, HopGWLB, fmt.Sprintf("%s sends the packet to the Gateway Load Balancer endpoint %s, whose appliances moat does not model", text, ep), "")
	w.unknown(fmt.Sprintf("%s leads to the Gateway Load Balancer endpoint %s: what its appliances pass is not in the input", text, ep))
}

// endpointOf is the endpoint a route entry names, by address or AWS id.
func (ix *Index) endpointOf(e rules.Route) *model.Endpoint {
	if e.Endpoint != nil {
		return e.Endpoint
	}
	t := e.Target()
	if ep := ix.endpoints[t]; ep != nil {
		return ep
	}
	for _, x := range ix.byID[string(t)] {
		if ep := ix.endpoints[x]; ep != nil {
			return ep
		}
	}
	return nil
}

// byTarget finds a device named by a route target: an address or an AWS id.
func (ix *Index) byTarget(a model.ResourceRef) *device {
	if d := ix.byAddr[a]; d != nil {
		return d
	}
	for _, x := range ix.byID[string(a)] {
		if d := ix.byAddr[x]; d != nil {
			return d
		}
		if d := ix.natgws[x]; d != nil {
			return d
		}
	}
	return nil
}

// toDevice moves the packet from subnet s to device d (a NAT, an
// appliance) that the route names.
func (w *walker) toDevice(s *subnetInfo, d *device) {
	if d.subnet == nil && d.natgw != nil && d.natgw.Regional {
		// A regional NAT gateway has no subnet: only the sender's NACL
		// applies.
		w.naclOut(s)
	} else {
		w.cross(s, d.subnet)
	}
	w.atDevice(d)
}

// local delivers the packet inside vpc, from subnet from (nil when it
// arrives from outside: an internet gateway, a peering, a Transit Gateway).
func (w *walker) local(from *subnetInfo, vpc *vpcInfo) {
	if vpc == nil {
		w.stop("", HopRoute, "the packet is in no VPC of the model", "")
		return
	}
	a := w.pk.dst
	d := w.ix.deviceAt(a, vpc)
	if d != nil && d.vpc != vpc {
		d = nil
	}
	var to *subnetInfo
	if d != nil {
		to = d.subnet
	} else {
		to = vpc.subnetOf(a)
	}
	if to == nil {
		w.stop(vpc.v.Addr, HopRoute, fmt.Sprintf("%s is inside %s but in none of its subnets", a, vpc.v.Addr), "check the destination address")
		return
	}
	w.cross(from, to)
	if d != nil {
		w.atDevice(d)
		return
	}
	w.atHost(to, a)
}

// atHost is the packet arriving at an address no interface in the model
// owns: a subnet's representative host or a given IP.
func (w *walker) atHost(s *subnetInfo, a netip.Addr) {
	// A given IP that no interface holds is nobody (the subnet's router
	// cannot deliver it); the subnet's representative host, any host of
	// a destination that stands for them all, or the reply to a source
	// that was given by IP, stands for a host that exists.
	if a == w.target && (a == s.rep || w.dstAny && w.dir == Forward || w.dir == Return) {
		w.hop(s.s.Addr, HopDeliver, "host "+a.String())
		w.reached, w.arrivedVia, w.arrivedVPC = true, "local", s.vpc
		return
	}
	w.stop(s.s.Addr, HopDeliver, fmt.Sprintf("no interface in the model holds %s", a), "")
}

// atDevice is the packet arriving at device d: for it, or to be forwarded.
func (w *walker) atDevice(d *device) {
	if !w.step() {
		return
	}
	if d.ownsPrivate(w.pk.dst) || (d.natgw != nil && d.owns(w.pk.dst)) {
		if w.dir == Return {
			if s := w.session(d); s != nil {
				w.hop(d.addr, HopNAT, fmt.Sprintf("reply translated back: %s -> %s", s.outside, s.inside))
				w.pk.dst = s.inside
				if w.pk.proto == model.ICMP || w.pk.proto == model.ICMPv6 {
					w.pk.sport = s.insidePort
				} else {
					w.pk.dport = s.insidePort
				}
				if d.subnet == nil {
					w.local(nil, d.vpc)
					return
				}
				w.route(d.subnet)
				return
			}
		}
		if w.pk.dst == w.target {
			if d.natgw != nil && w.dir == Forward {
				// A NAT gateway answers no connection of its own: a packet
				// to it without a session is dropped.
				w.stop(d.addr, HopNAT, fmt.Sprintf("%s accepts no connections: packets to it that match no NAT session are dropped", d.addr), "")
				return
			}
			w.sgIngress(d)
			w.hop(d.addr, HopDeliver, "")
			w.reached, w.at, w.arrivedVia, w.arrivedVPC = true, d, "local", d.vpc
			return
		}
		w.stop(d.addr, HopDeliver, fmt.Sprintf("%s is not the destination", d.addr), "")
		return
	}
	// Forwarded through d: a NAT gateway, a NAT instance, an appliance.
	if d.natgw != nil {
		w.natGateway(d)
		return
	}
	if d.sdc {
		w.blocked(d.addr, HopSourceDestCheck, fmt.Sprintf("%s has source/destination check on: it drops packets not addressed to it", d.addr),
			fmt.Sprintf("turn off source/destination check on %s", d.addr))
	}
	w.sgIngress(d)
	if w.dir == Forward && (d.natInst != nil || (d.instance != nil && d.instance.Role == model.RoleNAT) || w.nextIsIGW(d)) {
		w.masquerade(d)
	} else {
		w.hop(d.addr, "forward", "source/destination check off: forwards the packet")
	}
	w.leave(d, nil)
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

// viaEndpoint delivers to an AWS service through a gateway endpoint.
func (w *walker) viaEndpoint(s *subnetInfo, e rules.Route) {
	target := e.Target()
	ep := w.ix.endpoints[target]
	if ep == nil && e.Endpoint != nil {
		ep = e.Endpoint
	}
	if ep == nil {
		for _, x := range w.ix.byID[string(target)] {
			ep = w.ix.endpoints[x]
		}
	}
	name := string(target)
	if ep != nil {
		name = string(ep.Addr)
	}
	if w.pk.service == "" && w.targetService == "" && !slices.Contains([]netip.Addr{w.target}, w.pk.dst) {
		w.stop(model.ResourceRef(name), HopEndpoint, "the gateway endpoint leads only to its AWS service", "")
		return
	}
	svc := e.Service
	if svc == "" && ep != nil {
		svc = ep.Service
	}
	w.hop(model.ResourceRef(name), HopEndpoint, "gateway endpoint to "+svc)
	if w.pk.dst == w.target || (w.targetService != "" && w.targetService == svc) {
		w.reached, w.arrivedVia, w.arrivedVPC = true, "endpoint", s.vpc
		return
	}
	w.stop(model.ResourceRef(name), HopEndpoint, fmt.Sprintf("the endpoint leads to %s, not to %s", svc, w.pk.dst), "")
}

// viaPeering crosses a peering connection. Peering is not transitive: the
// destination must be inside the peer VPC itself.
func (w *walker) viaPeering(s *subnetInfo, target model.ResourceRef) {
	p := w.ix.peerings[target]
	if p == nil {
		for _, x := range w.ix.byID[string(target)] {
			if w.ix.peerings[x] != nil {
				p = w.ix.peerings[x]
			}
		}
	}
	if p == nil {
		w.stop(target, HopPeering, fmt.Sprintf("the route points at %s, which does not exist: a blackhole", target), "recreate the peering connection or remove the route")
		return
	}
	if !p.Active {
		w.blocked(p.Addr, HopPeering, fmt.Sprintf("%s is not active", p.Addr), "accept the peering connection")
	}
	var other model.ResourceRef
	switch s.vpc.v.Addr {
	case p.Requester:
		other = p.Accepter
	case p.Accepter:
		other = p.Requester
	default:
		w.stop(p.Addr, HopPeering, fmt.Sprintf("%s does not join %s", p.Addr, s.vpc.v.Addr), "")
		return
	}
	ov := w.ix.vpcs[other]
	if ov == nil {
		w.stop(p.Addr, HopPeering, fmt.Sprintf("the peer VPC %s is not in the model", other), "import the peer account too")
		w.unknown(fmt.Sprintf("the peer VPC %s of %s is not in the input", other, p.Addr))
		return
	}
	if !ov.contains(w.pk.dst) {
		w.stop(p.Addr, HopPeering, fmt.Sprintf("%s is not inside the peer VPC %s, and peering is not transitive", w.pk.dst, other),
			"peer the two VPCs directly, or route through a Transit Gateway")
		return
	}
	w.hop(p.Addr, HopPeering, fmt.Sprintf("to %s", other))
	w.local(nil, ov)
}

// viaTGW hands the packet to a Transit Gateway through its VPC attachment.
func (w *walker) viaTGW(s *subnetInfo, target model.ResourceRef) {
	t := w.ix.tgws[w.ix.idOf(target)]
	if t == nil {
		t = w.ix.tgws[target]
	}
	if t == nil {
		w.stop(target, HopTGW, fmt.Sprintf("the route points at %s, which is not in the model", target), "")
		return
	}
	var att *model.TGWAttachment
	for i := range w.ix.n.TGWAttachments {
		a := &w.ix.n.TGWAttachments[i]
		if a.TGW == t.Addr && a.Kind == model.TGWAttachVPC && a.VPC == s.vpc.v.Addr {
			att = a
			break
		}
	}
	if att == nil {
		w.stop(t.Addr, HopTGW, fmt.Sprintf("%s is not attached to %s", s.vpc.v.Addr, t.Addr), "attach the VPC to the Transit Gateway")
		return
	}
	as := w.attSubnetIn(att, s.s.ZoneID)
	if len(att.Subnets) > 0 && as == nil {
		w.stop(att.Addr, HopTGW, fmt.Sprintf("%s has no subnet in zone %s: resources in that zone cannot reach the Transit Gateway", att.Addr, s.s.ZoneID),
			fmt.Sprintf("add a subnet in %s to the attachment", s.s.ZoneID))
		return
	}
	// The attachment's interface in the zone lives in its subnet: a packet
	// from another subnet enters it, through that subnet's network ACL
	// inbound (the way into the VPC, its outbound, is route's cross). From
	// the attachment subnet itself only the outbound rules apply
	// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html).
	if as != nil && as != s {
		w.naclIn(as)
	}
	w.hop(att.Addr, HopTGWAttachment, "into "+string(t.Addr))
	w.tgwRoute(t, att, s.s.ZoneID)
}

func (w *walker) attSubnetIn(a *model.TGWAttachment, zone string) *subnetInfo {
	for _, x := range a.Subnets {
		if s := w.ix.subnets[x]; s != nil && s.s.ZoneID == zone {
			return s
		}
	}
	return nil
}

func (w *walker) tgwRoute(t *model.TransitGateway, in *model.TGWAttachment, zone string) {
	if !w.step() {
		return
	}
	rt := w.ix.tgwRTs[in.RouteTable]
	if rt == nil {
		w.stop(in.Addr, HopTGWRoute, fmt.Sprintf("%s is associated with no route table", in.Addr), "associate the attachment with a Transit Gateway route table")
		return
	}
	w.rec.tgw(rt)
	for _, pl := range rt.Unresolved {
		w.unknown(fmt.Sprintf("%s routes prefix list %s, whose entries the input does not hold", rt.Table.Addr, pl))
	}
	r := rt.Lookup(w.pk.dst)
	if r == nil {
		w.stop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("%s has no route to %s", rt.Table.Addr, w.pk.dst), fmt.Sprintf("add a static route or a propagation for %s", w.pk.dst))
		return
	}
	how := "static"
	if r.Propagated {
		how = "propagated"
	}
	if r.Blackhole {
		w.stop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("%s: route %s is a blackhole", rt.Table.Addr, r.Dest), "remove the blackhole route or point it at an attachment")
		return
	}
	w.hop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("route %s -> %s (%s)", r.Dest, r.Attachment, how))
	out := w.ix.tgwAtt[r.Attachment]
	if out == nil {
		w.stop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("route %s points at %s, which is not in the model", r.Dest, r.Attachment), "")
		return
	}
	switch out.Kind {
	case model.TGWAttachVPC:
		vpc := w.ix.vpcs[out.VPC]
		if vpc == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("the VPC %s of %s is not in the model", out.VPC, out.Addr), "")
			return
		}
		// The Transit Gateway keeps traffic in the sender's zone when the
		// attachment has a subnet there.
		sa := w.attSubnetIn(out, zone)
		if sa == nil {
			for _, x := range out.Subnets {
				if sa = w.ix.subnets[x]; sa != nil {
					break
				}
			}
		}
		if sa == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("%s has no subnet in the model", out.Addr), "")
			return
		}
		w.hop(out.Addr, HopTGWAttachment, "into "+string(vpc.v.Addr)+" through "+string(sa.s.Addr))
		w.route(sa)
	case model.TGWAttachPeering:
		peer := w.ix.tgws[out.PeerTGW]
		if peer == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("the peer Transit Gateway %s is not in the model", out.PeerTGW), "")
			return
		}
		var back *model.TGWAttachment
		for i := range w.ix.n.TGWAttachments {
			a := &w.ix.n.TGWAttachments[i]
			if a.TGW == peer.Addr && a.Kind == model.TGWAttachPeering && a.PeerTGW == t.Addr {
				back = a
				break
			}
		}
		if back == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("%s has no peering attachment back to %s", peer.Addr, t.Addr), "")
			return
		}
		w.hop(back.Addr, HopTGWAttachment, "into "+string(peer.Addr))
		w.tgwRoute(peer, back, zone)
	default:
		// A VPN or Direct Connect attachment leaves the modeled network.
		w.hop(out.Addr, HopTGWAttachment, fmt.Sprintf("leaves the model through a %s attachment", out.Kind))
		if w.pk.dst == w.target {
			w.reached, w.arrivedVia = true, "outside"
			return
		}
		w.stop(out.Addr, HopDeliver, fmt.Sprintf("%s is outside the model", w.pk.dst), "")
	}
}

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

func destText(p netip.Prefix) string {
	if !p.IsValid() {
		return "any"
	}
	return p.String()
}
