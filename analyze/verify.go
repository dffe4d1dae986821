package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
)

// Assertion is an intent a user states: a flow that must never or must
// always be possible. Port 0 means, for never, every port of the
// protocol; for always, the destination's own port (DefaultPort).
type Assertion struct {
	Never    bool
	From, To string
	Proto    model.Protocol
	Port     int
	// Origin says where the assertion was written, e.g. "stack.yaml:12:7".
	Origin string
}

func (a Assertion) String() string {
	verb := "always"
	if a.Never {
		verb = "never"
	}
	to := a.To
	if a.Port != 0 {
		to += fmt.Sprintf(":%d", a.Port)
	}
	if a.Proto != 0 && a.Proto != model.TCP {
		to += "/" + a.Proto.String()
	}
	return fmt.Sprintf("%s: %s -> %s", verb, a.From, to)
}

// Check is one verified intent.
type Check struct {
	// Intent says what must hold, in a sentence.
	Intent string
	// Origin is "design" for intents derived from the network, or where
	// the user wrote an assertion.
	Origin string
	OK     bool
	// Detail explains a failure in a sentence: the counterexample.
	Detail string
	// Evidence holds the paths that prove the verdict: for a failure, the
	// counterexample; for a success of an "always", the working path.
	Evidence []Path
	// NotProved marks a check that neither holds nor fails for certain:
	// the answer depends on what the input does not define (Unknown).
	// Such a check is not OK: unknown is never safe.
	NotProved bool
	Unknown   []string
}

// settle turns a check that found no violation into "not proved" when any
// path it examined depends on what the input does not define.
func settle(c *Check, paths ...[]Path) {
	if !c.OK {
		return
	}
	for _, ps := range paths {
		for _, p := range ps {
			for _, u := range p.Unknown {
				if !slices.Contains(c.Unknown, u) {
					c.Unknown = append(c.Unknown, u)
				}
			}
		}
	}
	if len(c.Unknown) > 0 {
		c.OK, c.NotProved = false, true
		c.Detail = "not proved: " + strings.Join(c.Unknown, "; ")
	}
}

// Verify checks the intents a moat design implies, then the given
// assertions. The design's intents, derived from what the model holds:
//
//   - the internet reaches only the load balancers' listener ports (and an
//     SSH bastion on port 22 from its allowed ranges);
//   - each service is reached only from its load balancer, on its port;
//   - each database only from the service and the bastion;
//   - private subnets reach the internet, and only through NAT (over IPv6,
//     only through an egress-only gateway);
//   - isolated subnets have no route out of the VPC but gateway
//     endpoints, and even a host given a public IP reaches nothing outside
//     (nor, in a dual-stack subnet, one using its IPv6 address).
//
// A dual-stack load balancer's listeners are checked over IPv6 as well,
// and "reached only from" is checked from every source over both IP
// versions where the source and the target have them.
func (ix *Index) Verify(assertions []Assertion) []Check {
	var out []Check
	out = append(out, ix.checkExposure()...)
	out = append(out, ix.checkWorkloads()...)
	out = append(out, ix.checkTiers()...)
	out = append(out, ix.checkFirewalled()...) // firewall.go
	for _, a := range assertions {
		out = append(out, ix.checkAssertion(a))
	}
	return out
}

// checkExposure: the internet reaches only listeners (and an SSH bastion).
func (ix *Index) checkExposure() []Check {
	var out []Check
	var lbs []string
	for _, l := range ix.n.LoadBalancers {
		if !l.InternetFacing {
			continue
		}
		lbs = append(lbs, string(l.Addr))
		from := ix.frontOf(&l)
		who := "the internet"
		if from != "internet" {
			who = from + " (its only source)"
		}
		for _, x := range l.Listeners {
			if x.RedirectToHTTPS && from != "internet" {
				// CloudFront speaks HTTPS to its origin: a redirect
				// listener serves only direct clients, which are shut out.
				continue
			}
			// Every address the load balancer admits must reach it; the
			// rest of the internet is the exposure check's to keep out.
			v4, v6, allowed := splitFamilies(l.Allowed)
			if from == "internet" && allowed != "" {
				who = "the internet's " + allowed
			}
			// A family the allow-list leaves out entirely is not admitted,
			// so there is nothing of it that must get through.
			limited := from == "internet" && len(l.Allowed) > 0
			if !limited || len(v4) > 0 {
				out = append(out, ix.always(Question{From: from, To: string(l.Addr), Proto: model.TCP, Port: x.Port, Within: v4},
					fmt.Sprintf("%s reaches %s on its %s:%d listener", who, l.Addr, x.Protocol, x.Port), "design"))
			}
			if l.DualStack && from == "internet" && (!limited || len(v6) > 0) {
				out = append(out, ix.always(Question{From: from, To: string(l.Addr), Proto: model.TCP, Port: x.Port, IPv6: true, Within: v6},
					fmt.Sprintf("%s reaches %s on its %s:%d listener over IPv6", who, l.Addr, x.Protocol, x.Port), "design"))
			}
		}
	}
	// The intent names what is let in on purpose: each load balancer's
	// listeners, and an SSH bastion's port 22 from its allow-list.
	var letIn []string
	if len(lbs) > 0 {
		letIn = append(letIn, strings.Join(lbs, ", ")+" on the listener ports")
	}
	for _, b := range ix.n.Bastions {
		if b.Mode == model.BastionSSH && len(b.AllowFrom) > 0 {
			var from []string
			for _, p := range b.AllowFrom {
				from = append(from, p.String())
			}
			letIn = append(letIn, fmt.Sprintf("%s on tcp/22 from %s", b.Addr, strings.Join(from, ", ")))
		}
	}
	intent := "the internet reaches nothing"
	if len(letIn) > 0 {
		intent = "the internet reaches only " + strings.Join(letIn, ", and ")
	}
	c := Check{Intent: intent, Origin: "design", OK: true}
	bastions := map[model.ResourceRef]*model.Bastion{}
	for i := range ix.n.Bastions {
		b := &ix.n.Bastions[i]
		for _, d := range ix.byOwner[b.Addr] {
			bastions[d.addr] = b
		}
	}
	exposed, unknown := ix.exposure()
	for _, e := range exposed {
		for _, p := range e.Ports {
			if e.LoadBalancer != "" {
				continue // listener ports only, by construction of Exposure
			}
			if b := bastions[e.ENI]; b != nil && b.Mode == model.BastionSSH && p.Proto == model.TCP && p.Ports == model.Port(22) && inside(p.Sources, b.AllowFrom) {
				continue
			}
			c.OK = false
			c.Detail = appendSentence(c.Detail, fmt.Sprintf("%s is reachable from %s on %s (%s)", e.ENI, sourcesText(p), exposedTraffic(p), p.Rule))
			c.Evidence = append(c.Evidence, p.Path)
		}
	}
	settle(&c, unknown)
	return append(out, c)
}

// frontOf is who an internet-facing load balancer serves: the internet,
// or the AWS service (CloudFront) whose prefix list its groups admit
// when they admit no address range.
func (ix *Index) frontOf(l *model.LoadBalancer) string {
	svc := ""
	for _, g := range l.SecurityGroups {
		si := ix.sgs[g]
		if si == nil {
			continue
		}
		for _, r := range si.In {
			switch {
			case r.Rule.Peer.Kind == model.PeerCIDR:
				return "internet"
			case r.Service != "" && !r.PLKnown:
				svc = r.Service
			}
		}
	}
	if svc == "" {
		return "internet"
	}
	return svc
}

// checkWorkloads: each service only from its front end, each database
// only from the service and the bastion.
func (ix *Index) checkWorkloads() []Check {
	var out []Check
	for _, s := range ix.n.Services {
		var allowed []model.ResourceRef
		for _, l := range ix.n.LoadBalancers {
			if l.Targets == s.Addr {
				allowed = append(allowed, l.Addr)
			}
		}
		out = append(out, ix.onlyFrom(s.Addr, s.Port, allowed)...)
	}
	for _, d := range ix.n.Databases {
		var allowed []model.ResourceRef
		for _, s := range ix.n.Services {
			allowed = append(allowed, s.Addr)
		}
		for _, b := range ix.n.Bastions {
			allowed = append(allowed, b.Addr)
		}
		out = append(out, ix.onlyFrom(d.Addr, d.Port, allowed)...)
	}
	return out
}

// onlyFrom checks that each allowed workload reaches dst on port, and
// that nothing else does: no other interface, no host in any subnet
// (whatever its own group), not the internet.
func (ix *Index) onlyFrom(dst model.ResourceRef, port int, allowed []model.ResourceRef) []Check {
	var out []Check
	if len(ix.byOwner[dst]) == 0 || port == 0 {
		return nil
	}
	for _, a := range allowed {
		if len(ix.byOwner[a]) == 0 {
			continue
		}
		q := Question{From: string(a), To: string(dst), Proto: model.TCP, Port: port}
		out = append(out, ix.always(q, fmt.Sprintf("%s reaches %s on tcp/%d", a, dst, port), "design"))
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	who := "nothing"
	if len(names) > 0 {
		who = strings.Join(names, " and ")
	}
	c := Check{Intent: fmt.Sprintf("%s is reached on tcp/%d only from %s", dst, port, who), Origin: "design", OK: true}
	allowedDev := map[*device]bool{}
	for _, a := range allowed {
		for _, d := range ix.byOwner[a] {
			allowedDev[d] = true
		}
		if l := ix.lbs[a]; l != nil {
			for _, d := range l.enis {
				allowedDev[d] = true
			}
		}
	}
	// Every source over both IP versions where the target has them:
	// the whole internet, every host of every subnet that no interface
	// holds, and every interface but the allowed ones; every client port.
	var targets []FlowEnd
	for _, t := range devFlowEnds(ix.byOwner[dst]) {
		targets = append(targets, ix.bothFamilies(t)...)
	}
	var examined [][]Path
	for _, t := range targets {
		v6 := t.IP.Is6()
		var sources []space
		inet := FlowEnd{Kind: Internet, IP: InternetIPv4, Whole: true}
		if v6 {
			inet.IP = InternetIPv6
		}
		sources = append(sources, space{src: inet, srcSet: ix.addrsOf(inet)})
		for _, s := range ix.subnetsL {
			if v6 && !s.rep6.IsValid() {
				continue
			}
			host := FlowEnd{Kind: SubnetHost, Addr: s.s.Addr, IP: s.rep, Subnet: s.s.Addr, Whole: true}
			if v6 {
				host.IP = s.rep6
			}
			if set := ix.hostsOf(s, v6); len(set.Ranges()) > 0 {
				sources = append(sources, space{src: host, srcSet: set})
			}
		}
		if !v6 {
			sources = append(sources, ix.onPremSources()...)
		}
		for _, d := range ix.devices {
			if allowedDev[d] || d.eni == nil || d.eni.Owner == dst {
				continue
			}
			for _, e := range ix.bothFamilies(devFlowEnd(d)) {
				if e.IP.Is6() == v6 {
					sources = append(sources, space{src: e, srcSet: ix.addrsOf(e)})
				}
			}
		}
		over := ""
		if v6 {
			over = " over IPv6"
		}
		for _, sp := range sources {
			sp.dst, sp.dstSet = t, ix.addrsOf(t)
			sp.proto, sp.ports, sp.sport = model.TCP, Ports(model.Port(port)), Ports(AnySourcePort)
			paths := ix.traceSpace(sp)
			if p, ok := largestReachable(paths); ok {
				c.OK = false
				c.Detail = appendSentence(c.Detail, fmt.Sprintf("%s reaches %s on tcp/%d%s", classSource(p), t.Addr, port, over))
				c.Evidence = append(c.Evidence, p)
			}
			examined = append(examined, paths)
		}
	}
	settle(&c, examined...)
	return append(out, c)
}

// outside drops the paths that end at an AWS service through a gateway
// endpoint: the one way out an isolated subnet may have.
func outside(paths []Path) []Path {
	var out []Path
	for _, p := range paths {
		if !hasKind(p.Forward, HopEndpoint) {
			out = append(out, p)
		}
	}
	return out
}

// onPremSources are the networks beyond each VPN connection and Direct
// Connect virtual interface: the prefixes a static VPN routes there and
// the far-end address AWS records. Routes learned over BGP are not in the
// input; a claim that depends on them is marked unknown by the trace.
func (ix *Index) onPremSources() []space {
	var out []space
	add := func(a model.ResourceRef, ip netip.Addr, routes []netip.Prefix) {
		var b netipx.IPSetBuilder
		if ip.IsValid() && ip.Is4() {
			b.Add(ip)
		}
		for _, r := range routes {
			if r.Addr().Is4() {
				b.AddPrefix(r)
			}
		}
		set, _ := b.IPSet()
		if len(set.Ranges()) == 0 {
			return
		}
		if !ip.IsValid() {
			ip = set.Ranges()[0].From()
		}
		out = append(out, space{src: FlowEnd{Kind: OnPremises, Addr: a, IP: ip, Whole: true}, srcSet: set})
	}
	for i := range ix.n.VPNConnections {
		c := &ix.n.VPNConnections[i]
		add(c.Addr, c.CustomerIP, c.Routes)
	}
	for i := range ix.n.VirtualInterfaces {
		v := &ix.n.VirtualInterfaces[i]
		add(v.Addr, v.CustomerAddress.Addr(), nil)
	}
	return out
}

// largestReachable is the reachable class of paths holding the most
// addresses: the counterexample a failed "never" names.
func largestReachable(paths []Path) (Path, bool) {
	var best Path
	found := false
	for _, p := range paths {
		if p.Reachable && (!found || size(p.Class.Src) > size(best.Class.Src)) {
			best, found = p, true
		}
	}
	return best, found
}

// classSource names the source part of a path's class.
func classSource(p Path) string {
	if p.Class == nil || p.Whole == nil {
		return p.Flow.Src.String()
	}
	return describe(p.Flow.Src, p.Class.Src, p.Whole.Src)
}

// splitFamilies is a load balancer's admitted ranges by IP version, and
// in words when they are narrower than everything.
func splitFamilies(ps []netip.Prefix) (v4, v6 []netip.Prefix, text string) {
	var narrow []string
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
		if p.Bits() > 0 {
			narrow = append(narrow, p.String())
		}
	}
	if len(narrow) > 0 {
		text = strings.Join(narrow, ", ")
	}
	return v4, v6, text
}

// inside reports whether every prefix of ps lies in one of within.
func inside(ps, within []netip.Prefix) bool {
	for _, p := range ps {
		ok := false
		for _, w := range within {
			if w.Bits() <= p.Bits() && w.Contains(p.Addr()) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return len(ps) > 0
}

// sourcesText is who on the internet reaches an exposed port: the rule's
// range when the whole of it does, else the exact part.
func sourcesText(p ExposedPorts) string {
	if len(p.Sources) > 0 && len(p.Sources) <= 4 && !inside([]netip.Prefix{p.From}, p.Sources) {
		return prefixList(p.Sources)
	}
	return p.From.String()
}

// bothFamilies is e, followed by e over IPv6 when e has an IPv6 address
// of its own (the internet always has one).
func (ix *Index) bothFamilies(e FlowEnd) []FlowEnd {
	if v6 := ix.asIPv6(e); v6.IP.Is6() && !e.IP.Is6() {
		return []FlowEnd{e, v6}
	}
	return []FlowEnd{e}
}

// checkTiers: private subnets reach the internet only through NAT;
// isolated subnets reach nothing outside the VPC.
func (ix *Index) checkTiers() []Check {
	var out []Check
	tiers := ix.Classify()
	for _, s := range ix.subnetsL {
		tier := ix.tierOf(s, tiers) // tiers.go: from routes when not declared
		host := FlowEnd{Kind: SubnetHost, Addr: s.s.Addr, IP: s.rep, Subnet: s.s.Addr}
		switch tier {
		case model.Private:
			if ix.firewalled(s) {
				continue // proved by checkFirewalled instead
			}
			out = append(out, ix.outOnlyThrough(s, host, InternetIPv4, HopNAT, "", "NAT"))
			if s.rep6.IsValid() {
				// IPv6 only through an egress-only gateway, so the internet
				// cannot open a connection back in by the route it leaves by.
				out = append(out, ix.outOnlyThrough(s, ix.asIPv6(host), InternetIPv6, HopEIGW, " over IPv6", "an egress-only gateway"))
			}
		case model.Isolated:
			c := Check{Intent: fmt.Sprintf("%s reaches nothing outside the VPC", s.s.Addr), Origin: "design", OK: true}
			if s.rt != nil {
				for _, r := range s.rt.Routes {
					switch r.Kind() {
					case model.TargetLocal, model.TargetEndpoint, model.TargetBlackhole:
						continue
					}
					c.OK = false
					c.Detail = appendSentence(c.Detail, fmt.Sprintf("%s has %s", s.rt.Table.Addr, r.Text()))
				}
			}
			// Every host, even one given a public IP, to the whole
			// internet on every protocol, port and client port.
			var examined [][]Path
			pub := host
			pub.PublicIP, pub.Whole = true, true
			inet := FlowEnd{Kind: Internet, IP: InternetIPv4, Whole: true}
			for _, proto := range []model.Protocol{model.TCP, model.UDP, model.ICMP} {
				ports := Ports(model.AnyPort)
				if proto == model.ICMP {
					ports = Ports(model.Port(8))
				}
				sp := space{src: pub, dst: inet, srcSet: ix.addrsOf(pub), dstSet: ix.addrsOf(inet), proto: proto, ports: ports, sport: Ports(AnySourcePort)}
				paths := ix.traceSpace(sp)
				examined = append(examined, paths)
				if p, ok := largestReachable(outside(paths)); ok {
					c.OK = false
					c.Detail = appendSentence(c.Detail, fmt.Sprintf("a host there with a public IP reaches the internet: %s", ClassText(p)))
					c.Evidence = append(c.Evidence, p)
				}
				if !s.rep6.IsValid() || proto == model.ICMP {
					continue
				}
				// IPv6 addresses are global: no public IP is needed.
				h6 := ix.asIPv6(host)
				h6.Whole = true
				i6 := FlowEnd{Kind: Internet, IP: InternetIPv6, Whole: true}
				sp = space{src: h6, dst: i6, srcSet: ix.addrsOf(h6), dstSet: ix.addrsOf(i6), proto: proto, ports: ports, sport: Ports(AnySourcePort)}
				paths = ix.traceSpace(sp)
				examined = append(examined, paths)
				if p, ok := largestReachable(outside(paths)); ok {
					c.OK = false
					c.Detail = appendSentence(c.Detail, fmt.Sprintf("a host there reaches the internet over IPv6: %s", ClassText(p)))
					c.Evidence = append(c.Evidence, p)
				}
			}
			settle(&c, examined...)
			out = append(out, c)
		}
	}
	return out
}

// outOnlyThrough: every host of private subnet s reaches every internet
// host on tcp/443 from its client ports, and every path out of s to the
// internet, on any TCP or UDP port, passes a hop of kind via (what, in
// words).
func (ix *Index) outOnlyThrough(s *subnetInfo, host FlowEnd, dst netip.Addr, via HopKind, over, what string) Check {
	host.Whole = true
	inet := FlowEnd{Kind: Internet, IP: dst, Whole: true}
	c := Check{Intent: fmt.Sprintf("%s reaches the internet%s, only through %s", s.s.Addr, over, what), Origin: "design", OK: true}
	live := ix.traceSpace(space{src: host, dst: inet, srcSet: ix.addrsOf(host), dstSet: ix.addrsOf(inet), proto: model.TCP, ports: Ports(model.Port(443)), sport: Ports(ClientPorts)})
	for _, p := range live {
		if !p.Reachable {
			c.OK = false
			c.Detail = appendSentence(c.Detail, fmt.Sprintf("%s cannot reach the internet%s: %s", ClassText(p), over, pathBlockers(p)))
			c.Evidence = append(c.Evidence, p)
			break
		}
	}
	var examined []Path
	for _, proto := range []model.Protocol{model.TCP, model.UDP} {
		all := ix.traceSpace(space{src: host, dst: inet, srcSet: ix.addrsOf(host), dstSet: ix.addrsOf(inet), proto: proto, ports: Ports(model.AnyPort), sport: Ports(AnySourcePort)})
		examined = append(examined, all...)
		for _, p := range all {
			if p.Reachable && !hasKind(p.Forward, via) && !hasKind(p.Forward, HopEndpoint) {
				c.OK = false
				c.Detail = appendSentence(c.Detail, fmt.Sprintf("it reaches the internet%s without %s: %s: %s", over, what, ClassText(p), p.Summary()))
				c.Evidence = append(c.Evidence, p)
				break
			}
		}
	}
	if c.OK && len(live) > 0 {
		c.Evidence = live[:1]
	}
	settle(&c, live, examined)
	return c
}

func (ix *Index) checkAssertion(a Assertion) Check {
	q := Question{From: a.From, To: a.To, Proto: a.Proto, Port: a.Port}
	if !a.Never {
		return ix.always(q, a.String(), a.Origin)
	}
	// A "never" holds for every port (when it names none) and every
	// client port an attacker may pick.
	c := Check{Intent: a.String(), Origin: a.Origin, OK: true}
	q.SrcPorts = Ports(AnySourcePort)
	if a.Port == 0 {
		q.Ports = Ports(model.AnyPort)
	}
	ans, err := ix.Reach(q)
	if err != nil {
		c.OK, c.Detail = false, err.Error()
		return c
	}
	if p, ok := largestReachable(ans.Paths); ok {
		c.OK = false
		c.Detail = fmt.Sprintf("%s reaches %s on %s", classSource(p), p.Flow.Dst, classTraffic(p))
		c.Evidence = append(c.Evidence, p)
	}
	settle(&c, ans.Paths)
	return c
}

// classTraffic is the traffic of a path's class: "tcp/5432", "tcp/0-65535".
func classTraffic(p Path) string {
	if p.Class == nil || p.Flow.Proto == model.ICMP || p.Flow.Proto == model.ICMPv6 {
		return p.Flow.traffic()
	}
	return fmt.Sprintf("%s/%s", p.Flow.Proto, p.Class.Ports)
}

func (ix *Index) always(q Question, intent, origin string) Check {
	c := Check{Intent: intent, Origin: origin}
	a, err := ix.Reach(q)
	switch {
	case err != nil:
		c.Detail = err.Error()
	case a.Verdict == Reachable:
		c.OK, c.Evidence = true, a.Paths[:1]
		settle(&c, a.Paths)
	default:
		c.Detail = blockSummary(a)
		c.Evidence = failing(a)
		// Blocked only where the input is silent: not proved either way.
		for _, p := range c.Evidence {
			if len(p.Unknown) > 0 {
				c.NotProved, c.Unknown = true, p.Unknown
				c.Detail = "not proved: " + strings.Join(p.Unknown, "; ") + "; " + c.Detail
			}
		}
	}
	return c
}

func failing(a Answer) []Path {
	for _, p := range a.Paths {
		if !p.Reachable {
			return []Path{p}
		}
	}
	return nil
}

func blockSummary(a Answer) string {
	var parts []string
	for _, b := range a.Blockers() {
		parts = append(parts, b.Text())
	}
	if len(parts) == 0 {
		return "blocked"
	}
	return strings.Join(parts, "; ")
}

func pathBlockers(p Path) string {
	var parts []string
	for _, b := range p.Blockers {
		parts = append(parts, b.Text())
	}
	return strings.Join(parts, "; ")
}

func hasKind(hops []Hop, kind HopKind) bool {
	for _, h := range hops {
		if h.Kind == kind {
			return true
		}
	}
	return false
}

func appendSentence(s, t string) string {
	if s == "" {
		return t
	}
	return s + "; " + t
}
