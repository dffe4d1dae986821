package run

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"go4.org/netipx"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

// Case is one flow checked both ways: the analyzer's verdict from the
// model, and what real packets did in the twin.
type Case struct {
	// Why says where the flow comes from: a check of `moat verify`, the
	// twin's sweep of every interface, or the random sample.
	Why     string
	Flow    analyze.Flow
	Path    analyze.Path
	Probe   Probe
	Outcome Outcome
}

// Agree reports whether the twin and the analyzer agree.
func (c Case) Agree() bool { return c.Path.Reachable == c.Outcome.OK }

// Explain prints both sides of a case.
func (c Case) Explain() string {
	var w strings.Builder
	verdict := func(ok bool) string {
		if ok {
			return "reachable"
		}
		return "blocked"
	}
	fmt.Fprintf(&w, "%s -> %s %s (%s)\n", c.Flow.Src, c.Flow.Dst, traffic(c.Flow), c.Why)
	fmt.Fprintf(&w, "  analyzer: %s: %s\n", verdict(c.Path.Reachable), c.Path.Summary())
	for _, b := range c.Path.Blockers {
		fmt.Fprintf(&w, "    blocked by %s (%s, %s): %s\n", b.Resource, b.Kind, b.Direction, b.Text())
	}
	if len(c.Path.Return) > 0 && c.Path.Reachable {
		var hops []string
		for _, h := range c.Path.Return {
			hops = append(hops, h.String())
		}
		fmt.Fprintf(&w, "    reply: %s\n", strings.Join(hops, " -> "))
	}
	fmt.Fprintf(&w, "  twin:     %s: %s (from %s in %s)\n", verdict(c.Outcome.OK), c.Outcome.Detail, c.Probe.SrcIP, c.Probe.SrcNS)
	return w.String()
}

func traffic(f analyze.Flow) string {
	if f.Proto == model.ICMP {
		return "icmp echo"
	}
	return fmt.Sprintf("%s/%d", f.Proto, f.Port)
}

// Report is the result of Test.
type Report struct {
	Cases []Case
	// Skipped are flows the twin cannot send (a hypothetical host in a
	// subnet, an address outside the model), with the reason.
	Skipped []string
	// EndToEnd are the checks of what the user runs (the load balancer,
	// the service and its database, API Gateway's front door, the
	// firewall's allow-list with a real client); any failed one fails
	// the run.
	EndToEnd []EndToEnd
	Elapsed  time.Duration
}

// FailedEndToEnd are the end-to-end checks that ran and failed.
func (r *Report) FailedEndToEnd() []EndToEnd {
	var out []EndToEnd
	for _, c := range r.EndToEnd {
		if c.Failed() {
			out = append(out, c)
		}
	}
	return out
}

// Disagreements are the cases where the twin and the analyzer differ.
func (r *Report) Disagreements() []Case {
	var out []Case
	for _, c := range r.Cases {
		if !c.Agree() {
			out = append(out, c)
		}
	}
	return out
}

// TestOptions tune Test.
type TestOptions struct {
	// Sample is how many random flows to add; they are drawn from a
	// generator seeded by the stack's name, so a run is repeatable.
	Sample int
	// Timeout is how long a probe waits for its reply.
	Timeout time.Duration
	// Parallel is how many probes run at once.
	Parallel int
}

// Test sends, for real, every flow `moat verify` checks for the network,
// a sweep of each interface's ports from the internet and from every
// other workload, and a repeatable random sample, and compares each
// outcome with the analyzer's verdict.
func Test(ctx context.Context, p *twin.Plan, n *model.Network, opts TestOptions) (*Report, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 1500 * time.Millisecond
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 48
	}
	start := time.Now()
	ix := analyze.NewIndex(n)
	r := &Report{}
	flows := selectFlows(p, ix, opts.Sample, &r.Skipped)
	undo, err := addInternetStandIns(ctx, p, flows)
	if err != nil {
		return r, err
	}
	defer undo()
	prober := NewProber(opts.Timeout)
	defer prober.Close()
	r.Cases = make([]Case, 0, len(flows))
	for _, f := range flows {
		path := ix.Trace(f.flow)
		pr, why, ok := probeFor(p, f.flow)
		if !ok {
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s -> %s %s: %s", f.flow.Src, f.flow.Dst, traffic(f.flow), why))
			continue
		}
		if pr.Proto == model.TCP && inspected(n, path) {
			pr.Inspected, pr.Host = true, f.flow.Host
		}
		r.Cases = append(r.Cases, Case{Why: f.why, Flow: f.flow, Path: path, Probe: pr})
	}
	// The end-to-end checks run beside the probes: they use the twin's own
	// workloads, the probes their own listeners where none serves.
	e2e := make(chan []EndToEnd, 1)
	go func() { e2e <- endToEnd(ctx, p, n, ix, flows, opts.Timeout) }()
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for i := range r.Cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r.Cases[i].Outcome = prober.Run(ctx, r.Cases[i].Probe)
		}()
	}
	wg.Wait()
	r.EndToEnd = <-e2e
	sortChecks(r.EndToEnd)
	r.Elapsed = time.Since(start)
	return r, ctx.Err()
}

type namedFlow struct {
	why  string
	flow analyze.Flow
}

func flowKey(f analyze.Flow) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%d|%s", f.Src.Addr, f.Src.IP, f.Dst.Addr, f.Dst.Service, f.Proto, f.Port, f.Host)
}

// selectFlows lists the flows to test, in a fixed order, without
// duplicates: every flow `moat verify` rests its checks on, the sweep of
// every interface, then the random sample.
func selectFlows(p *twin.Plan, ix *analyze.Index, sample int, skipped *[]string) []namedFlow {
	fp := &flowPicker{p: p, ix: ix, skipped: skipped, seen: map[string]bool{}, ports: portsOf(p), used: usedAddrs(p)}
	for _, c := range ix.Verify(nil) {
		for _, path := range c.Evidence {
			fp.add("verify: "+c.Intent, path.Flow)
		}
	}
	for _, h := range p.Hosts {
		if h.Role == twin.RoleENI {
			fp.ifaces = append(fp.ifaces, h)
		}
	}
	fp.internet, _ = fp.end("internet", true)
	for _, h := range fp.ifaces {
		fp.sweep(h)
	}
	if sample > 0 && len(fp.ifaces) > 0 {
		fp.sample(sample)
	}
	return fp.out
}

// flowPicker collects the flows selectFlows picks.
type flowPicker struct {
	p        *twin.Plan
	ix       *analyze.Index
	skipped  *[]string
	out      []namedFlow
	seen     map[string]bool
	ifaces   []twin.Host // the interfaces, where they are
	ports    map[string][]int
	internet analyze.FlowEnd
	used     map[netip.Addr]bool // addresses the twin gives something already
}

// add keeps f unless it is picked already.
func (fp *flowPicker) add(why string, f analyze.Flow) bool {
	if f.Proto == model.ICMP {
		f.Port = 8
	}
	if f.SrcPort == 0 {
		f.SrcPort = analyze.DefaultSourcePort
	}
	k := flowKey(f)
	if fp.seen[k] {
		return false
	}
	fp.seen[k] = true
	fp.out = append(fp.out, namedFlow{why, f})
	return true
}

// end resolves a name to exactly one end of a flow.
func (fp *flowPicker) end(name string, src bool) (analyze.FlowEnd, bool) {
	eps, err := fp.ix.Resolve(name, src)
	if err != nil || len(eps) != 1 {
		return analyze.FlowEnd{}, false
	}
	return eps[0], true
}

// classes adds one real packet per equivalence class of the analyzer's
// exact answer: every class of sources, destinations and ports that the
// rules treat alike gets its own probe, reachable or blocked.
func (fp *flowPicker) classes(from, to string, ps []int) {
	if len(ps) == 0 {
		return
	}
	var rs []model.PortRange
	for _, x := range ps {
		rs = append(rs, model.Port(x))
	}
	a, err := fp.ix.Reach(analyze.Question{From: from, To: to, Proto: model.TCP, Ports: analyze.Ports(rs...)})
	if err != nil {
		return
	}
	for _, path := range a.Paths {
		if path.Flow.Src.Kind == analyze.Internet && path.Flow.Src.IP.Is4() {
			// The twin's internet sends each class from an address
			// of its own that lies in the class.
			ip, ok := internetStandIn(path.Class, fp.used)
			if !ok {
				*fp.skipped = append(*fp.skipped, fmt.Sprintf("class %s: no unused address of the documentation ranges %v lies in it, and the twin's internet sends from those only", analyze.ClassText(path), docRanges))
				continue
			}
			path.Flow.Src.IP = ip
		}
		if path.Flow.Dst.Kind == analyze.Balancer {
			path.Flow.Dst.Kind = analyze.Interface
		}
		fp.add("class: "+analyze.ClassText(path), path.Flow)
	}
}

// sweep adds the internet to every port of interface h, and h to the
// internet, to the AWS services, and to one interface of every other
// workload on its ports.
func (fp *flowPicker) sweep(h twin.Host) {
	internet, ports := fp.internet, fp.ports
	dst, ok := fp.end(h.Name, false)
	if !ok {
		*fp.skipped = append(*fp.skipped, h.Name+": the analyzer does not know this interface")
		return
	}
	for _, port := range ports[h.Name] {
		fp.add("sweep", analyze.Flow{Src: internet, Dst: dst, Proto: model.TCP, Port: port})
	}
	fp.classes("internet", h.Name, ports[h.Name])
	fp.add("sweep", analyze.Flow{Src: internet, Dst: dst, Proto: model.ICMP})
	src, ok := fp.end(h.Name, true)
	if !ok {
		return
	}
	fp.add("sweep", analyze.Flow{Src: src, Dst: internet, Proto: model.TCP, Port: 443})
	fp.add("sweep", analyze.Flow{Src: src, Dst: internet, Proto: model.UDP, Port: 53})
	fp.add("sweep", analyze.Flow{Src: src, Dst: internet, Proto: model.ICMP})
	if h.IPv6.IsValid() {
		// The same over IPv6, where the interface's address is global:
		// the internet to its ports, and it to the internet.
		inet6, dst6, src6 := internet, dst, src
		inet6.IP, dst6.IP, src6.IP = analyze.InternetIPv6, h.IPv6, h.IPv6
		for _, port := range ports[h.Name] {
			fp.add("sweep", analyze.Flow{Src: inet6, Dst: dst6, Proto: model.TCP, Port: port})
		}
		fp.add("sweep", analyze.Flow{Src: src6, Dst: inet6, Proto: model.TCP, Port: 443})
		fp.add("sweep", analyze.Flow{Src: src6, Dst: inet6, Proto: model.UDP, Port: 53})
	}
	for _, a := range fp.p.Hosts {
		if a.Role != twin.RoleAWS {
			continue
		}
		if svc, ok := fp.end(strings.TrimPrefix(string(a.Owner), "aws/"), false); ok {
			fp.add("sweep", analyze.Flow{Src: src, Dst: svc, Proto: model.TCP, Port: 443})
		}
	}
	owners := map[model.ResourceRef]bool{h.Owner: true}
	for _, o := range fp.ifaces {
		if owners[o.Owner] {
			continue
		}
		owners[o.Owner] = true
		od, ok := fp.end(o.Name, false)
		if !ok {
			continue
		}
		for _, port := range ports[o.Name] {
			fp.add("sweep", analyze.Flow{Src: src, Dst: od, Proto: model.TCP, Port: port})
		}
		fp.classes(h.Name, o.Name, ports[o.Name])
	}
}

// sample adds n random flows between the internet and the interfaces,
// repeatable: seeded by the stack's name.
func (fp *flowPicker) sample(n int) {
	h := fnv.New64a()
	h.Write([]byte(fp.p.Stack))
	rng := rand.New(rand.NewPCG(h.Sum64(), 7))
	names := []string{"internet"}
	for _, x := range fp.ifaces {
		names = append(names, x.Name)
	}
	for range n * 4 {
		s, d := names[rng.IntN(len(names))], names[rng.IntN(len(names))]
		if s == d {
			continue
		}
		src, ok1 := fp.end(s, true)
		dst, ok2 := fp.end(d, false)
		if !ok1 || !ok2 {
			continue
		}
		f := analyze.Flow{Src: src, Dst: dst}
		switch x := rng.IntN(10); {
		case x < 6:
			f.Proto = model.TCP
		case x < 8:
			f.Proto = model.UDP
		default:
			f.Proto = model.ICMP
		}
		if f.Proto != model.ICMP {
			if ps := fp.ports[d]; len(ps) > 0 && rng.IntN(2) == 0 {
				f.Port = ps[rng.IntN(len(ps))]
			} else {
				f.Port = 1 + rng.IntN(65535)
			}
		}
		if fp.add("sample", f) {
			n--
		}
		if n == 0 {
			break
		}
	}
}

// portsOf lists, per host, the ports worth probing: what it serves in the
// twin and the first port of every range its security groups admit.
func portsOf(p *twin.Plan) map[string][]int {
	out := map[string][]int{}
	for _, l := range p.Listeners {
		if l.Proto == model.TCP {
			out[l.Host] = append(out[l.Host], l.Port)
		}
	}
	for _, b := range p.Balancers {
		for _, l := range b.Listeners {
			out[b.Host] = append(out[b.Host], l.Port)
		}
	}
	for k, v := range out {
		slices.Sort(v)
		out[k] = slices.Compact(v)
	}
	return out
}

// probeFor turns an analyzer flow into a probe through the twin.
func probeFor(p *twin.Plan, f analyze.Flow) (Probe, string, bool) {
	host := func(name string) *twin.Host {
		for i := range p.Hosts {
			if p.Hosts[i].Name == name {
				return &p.Hosts[i]
			}
		}
		return nil
	}
	var src, dst *twin.Host
	switch f.Src.Kind {
	case analyze.Internet:
		src = host("internet")
	case analyze.Interface:
		src = host(string(f.Src.Addr))
	case analyze.SubnetHost:
		src = subnetHost(p, f.Src)
	default:
		return Probe{}, fmt.Sprintf("a %s source has no interface in the twin", f.Src.Kind), false
	}
	switch f.Dst.Kind {
	case analyze.Internet:
		dst = host("internet")
	case analyze.Interface:
		dst = host(string(f.Dst.Addr))
	case analyze.SubnetHost:
		dst = subnetHost(p, f.Dst)
	case analyze.Balancer:
		// A load balancer's node: its interface, where the twin's
		// balancer listens on the listener ports. An API Gateway has
		// none in the VPC and stays skipped.
		dst = host(string(f.Dst.Addr))
	case analyze.AWSService:
		for i := range p.Hosts {
			if p.Hosts[i].Role == twin.RoleAWS && string(p.Hosts[i].Owner) == "aws/"+f.Dst.Service && (src == nil || p.Hosts[i].VPC == src.VPC) {
				dst = &p.Hosts[i]
				break
			}
		}
		if dst == nil {
			// A VPC without a gateway endpoint reaches the service only at
			// its public endpoint, which the internet namespace holds at
			// the same stand-in address.
			dst = publicService(p, f.Dst.Service, host("internet"))
		}
	default:
		return Probe{}, fmt.Sprintf("a %s destination has no interface in the twin", f.Dst.Kind), false
	}
	if src == nil || dst == nil {
		return Probe{}, "an end is not in the twin", false
	}
	pr := Probe{SrcNS: src.NS, SrcIP: src.IP, DstNS: dst.NS, DstIP: dst.IP, DialIP: dst.IP, Proto: f.Proto, Port: f.Port}
	if f.Src.Kind == analyze.Internet && f.Src.IP.Is4() {
		pr.SrcIP = f.Src.IP // a class's own stand-in (internetStandIn)
	}
	if src.Role == twin.RoleInternet && dst.PublicIP.IsValid() {
		pr.DialIP = dst.PublicIP
	}
	if f.Src.IP.Is6() || f.Dst.IP.Is6() {
		// Over IPv6 every address is its own: no public stand-in.
		switch {
		case !src.IPv6.IsValid() || !dst.IPv6.IsValid():
			return Probe{}, "an end has no IPv6 address in the twin (it runs IPv6 only in dual-stack subnets)", false
		case f.Proto == model.ICMP:
			return Probe{}, "the twin does not probe ICMPv6", false
		}
		pr.SrcIP, pr.DstIP, pr.DialIP = src.IPv6, dst.IPv6, dst.IPv6
	}
	if f.Dst.Kind == analyze.AWSService {
		if inet := host("internet"); inet != nil {
			pr.AltDstNS = inet.NS
		}
	}
	if f.Proto == model.ICMP {
		pr.Port = 0
	}
	return pr, "", true
}

// publicService is the internet namespace standing in for svc's public
// endpoint, at the address the twin gives svc; nil when no VPC has a
// stand-in for svc to take the address from.
func publicService(p *twin.Plan, svc string, inet *twin.Host) *twin.Host {
	if inet == nil {
		return nil
	}
	for _, h := range p.Hosts {
		if h.Role == twin.RoleAWS && string(h.Owner) == "aws/"+svc {
			pub := *inet
			pub.Name, pub.IP, pub.PublicIP = "aws/"+svc+" (public endpoint)", h.IP, netip.Addr{}
			return &pub
		}
	}
	return nil
}

// subnetHost is the twin's host for the analyzer's "any host in a
// subnet", when it sits at the address the flow names.
func subnetHost(p *twin.Plan, e analyze.FlowEnd) *twin.Host {
	for i := range p.Hosts {
		h := &p.Hosts[i]
		if h.Role == twin.RoleSubnetHost && h.Subnet == e.Subnet && (h.IP == e.IP || h.IPv6.IsValid() && h.IPv6 == e.IP) {
			return h
		}
	}
	return nil
}

// docRanges are the RFC 5737 documentation ranges: the only addresses
// the twin's internet sends from, so no probe can reach a live host.
var docRanges = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
}

// usedAddrs are the addresses the twin already gives something: hosts,
// their public stand-ins, the AWS services and the front door.
func usedAddrs(p *twin.Plan) map[netip.Addr]bool {
	used := map[netip.Addr]bool{twin.InternetHost: true}
	for _, h := range p.Hosts {
		used[h.IP], used[h.PublicIP] = true, true
	}
	return used
}

// internetStandIn is the address the twin's internet sends a class of
// the analyzer's answer from: its one host when the class holds it, else
// the lowest address of a documentation range in the class that the twin
// uses for nothing else (not a range's first or last address).
func internetStandIn(c *analyze.Class, used map[netip.Addr]bool) (netip.Addr, bool) {
	if c == nil {
		return twin.InternetHost, true
	}
	var b netipx.IPSetBuilder
	for _, s := range c.Src {
		b.AddPrefix(s)
	}
	in, _ := b.IPSet()
	if in.Contains(twin.InternetHost) {
		return twin.InternetHost, true
	}
	for _, r := range docRanges {
		last := netipx.PrefixLastIP(r)
		for a := r.Addr().Next(); a != last; a = a.Next() {
			if in.Contains(a) && !used[a] {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

// addInternetStandIns gives the twin's internet namespace the class
// stand-ins the flows send from, and returns what takes them away again.
func addInternetStandIns(ctx context.Context, p *twin.Plan, flows []namedFlow) (func(), error) {
	var inet string
	for _, h := range p.Hosts {
		if h.Role == twin.RoleInternet {
			inet = h.NS
		}
	}
	seen := map[netip.Addr]bool{twin.InternetHost: true}
	var add, del []string
	for _, f := range flows {
		if ip := f.flow.Src.IP; f.flow.Src.Kind == analyze.Internet && ip.Is4() && !seen[ip] {
			seen[ip] = true
			add = append(add, fmt.Sprintf("addr replace %s/32 dev lo", ip))
			del = append(del, fmt.Sprintf("addr del %s/32 dev lo", ip))
		}
	}
	if inet == "" || len(add) == 0 {
		return func() {}, nil
	}
	if err := ipBatch(ctx, inet, add); err != nil {
		return nil, err
	}
	return func() { _ = ipBatch(context.WithoutCancel(ctx), inet, del) }, nil
}
