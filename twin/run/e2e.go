package run

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/sni"
	"github.com/moatnet/moat/twin"
)

// EndToEnd is one end-to-end check of what the user runs: a request a
// client would make, through the twin's own workloads (the load
// balancer, the service, the database, API Gateway's front door, the
// firewall's inspector), with no listener of the prober's.
type EndToEnd struct {
	Name string
	OK   bool
	// Skipped says why the check could not run here (OK is then false,
	// and the check does not fail the run).
	Skipped string
	Detail  string
}

// Failed reports whether the check ran and failed.
func (c EndToEnd) Failed() bool { return !c.OK && c.Skipped == "" }

// endToEnd lists and runs the end-to-end checks of a twin:
//   - every domain of every TLS listener, through each load-balancer node
//     (API Gateway's front door included), with that name as SNI: the
//     certificate served must be the one the plan's sni table names, and
//     the request must come back from a target;
//   - every other listener of every node: a request comes back from a
//     target (a redirect listener redirects to HTTPS);
//   - load balancer -> service -> database: a request for twin.DBPath
//     through each node makes the service run a real query on the twin's
//     PostgreSQL;
//   - the firewall's domain allow-list: each flow naming a host that
//     verify checks goes through with a real TLS client (or HTTP on port
//     80) and gets through exactly when the analyzer says so.
func endToEnd(ctx context.Context, p *twin.Plan, n *model.Network, ix *analyze.Index, flows []namedFlow, timeout time.Duration) []EndToEnd {
	e := &e2e{ctx: ctx, p: p, n: n, ix: ix, timeout: timeout, hostOf: map[string]*twin.Host{}, dbOf: map[netip.AddrPort]netip.AddrPort{}}
	for i := range p.Hosts {
		e.hostOf[p.Hosts[i].Name] = &p.Hosts[i]
	}
	e.inet = e.hostOf["internet"]
	_, _, e.pgInstalled = DebianPostgres()
	for _, l := range p.Listeners {
		if l.Database.IsValid() {
			e.dbOf[netip.AddrPortFrom(l.IP, uint16(l.Port))] = l.Database
		}
	}
	var jobs []func() EndToEnd
	for _, b := range p.Balancers {
		jobs = append(jobs, e.balancerJobs(b)...)
	}
	jobs = append(jobs, e.allowListJobs(flows)...)
	return runJobs(jobs)
}

// e2e is what the end-to-end checks of one twin share.
type e2e struct {
	ctx         context.Context
	p           *twin.Plan
	n           *model.Network
	ix          *analyze.Index
	timeout     time.Duration
	hostOf      map[string]*twin.Host
	inet        *twin.Host
	pgInstalled bool
	dbOf        map[netip.AddrPort]netip.AddrPort // service target -> the database it queries
}

// balancerJobs checks every listener of one load-balancer node.
func (e *e2e) balancerJobs(b twin.Balancer) []func() EndToEnd {
	var lb model.LoadBalancer
	if x, ok := e.n.LoadBalancer(b.LB); ok {
		lb = *x
	}
	node := e.hostOf[b.Host]
	if node == nil {
		return nil
	}
	what := "load balancer " + string(b.LB) + " node " + b.Host
	if node.Role == twin.RoleFrontDoor {
		what = "API Gateway " + string(b.LB) + "'s front door (through the VPC Link)"
	}
	var jobs []func() EndToEnd
	for _, bl := range b.Listeners {
		src, dial, why := clientOf(e.p, e.ix, e.inet, node, bl.Port)
		name := fmt.Sprintf("%s %s:%d", what, bl.Protocol, bl.Port)
		if src == nil {
			jobs = append(jobs, func() EndToEnd { return EndToEnd{Name: name, Skipped: why} })
			continue
		}
		to := netip.AddrPortFrom(dial, uint16(bl.Port))
		if tlsOn := (bl.Protocol == "HTTPS" || bl.Protocol == "TLS") && !bl.Redirect; tlsOn {
			jobs = append(jobs, e.tlsJobs(b, lb, bl, name, src, to)...)
			continue
		}
		jobs = append(jobs, func() EndToEnd {
			c := EndToEnd{Name: name + " from " + src.Name}
			c.OK, c.Detail = requestThrough(e.ctx, src, to, nil, "", "/", bl.Redirect, e.timeout)
			return c
		})
		if !bl.Redirect && hasDB(b, e.dbOf) {
			jobs = append(jobs, dbThrough(e.ctx, name, src, to, nil, "", e.pgInstalled, e.timeout))
		}
	}
	return jobs
}

// tlsJobs checks a TLS listener: each of its host names as SNI gets the
// certificate the plan names, and the database behind it answers.
func (e *e2e) tlsJobs(b twin.Balancer, lb model.LoadBalancer, bl twin.BalancerListener, name string, src *twin.Host, to netip.AddrPort) []func() EndToEnd {
	var jobs []func() EndToEnd
	ml := modelListener(lb, bl.Port)
	hosts := ml.Hosts
	if len(hosts) == 0 {
		hosts = bl.Domains
	}
	if len(hosts) == 0 {
		hosts = []string{""}
	}
	for _, host := range hosts {
		want := wantCert(ml, bl, b, host)
		cname := fmt.Sprintf("%s https %q from %s", name, host, src.Name)
		jobs = append(jobs, func() EndToEnd {
			c := EndToEnd{Name: cname}
			c.OK, c.Detail = requestThrough(e.ctx, src, to, &want, host, "/", false, e.timeout)
			return c
		})
	}
	if hasDB(b, e.dbOf) {
		want := wantCert(ml, bl, b, hosts[0])
		jobs = append(jobs, dbThrough(e.ctx, name, src, to, &want, hosts[0], e.pgInstalled, e.timeout))
	}
	return jobs
}

// allowListJobs checks the firewall's allow-list with a real client.
func (e *e2e) allowListJobs(flows []namedFlow) []func() EndToEnd {
	var jobs []func() EndToEnd
	for _, f := range flows {
		if f.flow.Host == "" || f.flow.Proto != model.TCP {
			continue
		}
		path := e.ix.Trace(f.flow)
		if !inspected(e.n, path) {
			continue
		}
		pr, _, ok := probeFor(e.p, f.flow)
		if !ok {
			continue
		}
		src := &twin.Host{Name: string(f.flow.Src.Addr), NS: pr.SrcNS, IP: pr.SrcIP}
		if src.Name == "" {
			src.Name = f.flow.Src.String()
		}
		to := netip.AddrPortFrom(pr.DialIP, uint16(pr.Port))
		verdict := "blocked"
		if path.Reachable {
			verdict = "reachable"
		}
		name := fmt.Sprintf("firewall allow-list: %s -> %s %q (analyzer: %s)", src.Name, to, f.flow.Host, verdict)
		jobs = append(jobs, func() EndToEnd {
			var want *string
			if pr.Port != 80 {
				want = &f.flow.Host
			}
			got, detail := requestThrough(e.ctx, src, to, want, f.flow.Host, "/", false, e.timeout)
			return EndToEnd{Name: name, OK: got == path.Reachable, Detail: detail}
		})
	}
	return jobs
}

// runJobs runs the checks, 16 at a time, keeping their order in the result.
func runJobs(jobs []func() EndToEnd) []EndToEnd {
	out := make([]EndToEnd, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = j()
		}()
	}
	wg.Wait()
	return out
}

// hasDB reports whether a balancer's targets query a database.
func hasDB(b twin.Balancer, dbOf map[netip.AddrPort]netip.AddrPort) bool {
	for _, t := range b.Targets {
		if dbOf[t].IsValid() {
			return true
		}
	}
	// An API Gateway's front door reaches the service through another
	// load balancer; its own targets are that balancer's nodes.
	return b.DialNS != "" && len(dbOf) > 0
}

// dbThrough is the check load balancer -> service -> database.
func dbThrough(ctx context.Context, name string, src *twin.Host, to netip.AddrPort, want *string, host string, pg bool, timeout time.Duration) func() EndToEnd {
	return func() EndToEnd {
		c := EndToEnd{Name: fmt.Sprintf("%s -> service -> database (a query on PostgreSQL) from %s", name, src.Name)}
		if !pg {
			c.Skipped = "PostgreSQL is not installed here (apt-get install -y postgresql): the database is a responder"
			return c
		}
		ok, detail := requestThrough(ctx, src, to, want, host, twin.DBPath, false, timeout)
		c.OK = ok && strings.Contains(detail, "queried the database: PostgreSQL")
		c.Detail = detail
		return c
	}
}

// clientOf picks where a request to a balancer node's port comes from:
// the internet (to the node's public address) when the analyzer says the
// internet reaches it, else the first interface it says does. API
// Gateway's front door, on the internet's side, is asked from the
// internet.
func clientOf(p *twin.Plan, ix *analyze.Index, inet, node *twin.Host, port int) (*twin.Host, netip.Addr, string) {
	if inet != nil && node.Role == twin.RoleFrontDoor {
		return inet, node.IP, ""
	}
	dst, err := ix.Resolve(node.Name, false)
	if err != nil || len(dst) != 1 {
		return nil, netip.Addr{}, "the analyzer does not know " + node.Name
	}
	reaches := func(name string) bool {
		src, err := ix.Resolve(name, true)
		if err != nil || len(src) != 1 {
			return false
		}
		return ix.Trace(analyze.Flow{Src: src[0], Dst: dst[0], Proto: model.TCP, Port: port, SrcPort: analyze.DefaultSourcePort}).Reachable
	}
	if inet != nil && node.PublicIP.IsValid() && reaches("internet") {
		return inet, node.PublicIP, ""
	}
	for i := range p.Hosts {
		h := &p.Hosts[i]
		if h.Role != twin.RoleENI || h.Owner == node.Owner || h.Forwarder {
			continue
		}
		if reaches(h.Name) {
			return h, node.IP, ""
		}
	}
	return nil, netip.Addr{}, fmt.Sprintf("the analyzer says nothing the twin has reaches %s on port %d", node.Name, port)
}

// modelListener is a load balancer's listener on port.
func modelListener(lb model.LoadBalancer, port int) model.Listener {
	for _, l := range lb.Listeners {
		if l.Port == port {
			return l
		}
	}
	return model.Listener{}
}

// wantCert is the common name of the certificate the plan's sni table
// says the listener serves for host: sni.Select over the listener's
// certificates, as compile.Served decides for `moat plan`.
func wantCert(ml model.Listener, bl twin.BalancerListener, b twin.Balancer, host string) string {
	if len(ml.Certificates) == 0 {
		if len(bl.Domains) > 0 {
			return bl.Domains[0]
		}
		return strings.ReplaceAll(string(b.LB), "/", "-") + ".twin.invalid"
	}
	sc := make([]sni.Cert, len(ml.Certificates))
	for i, c := range ml.Certificates {
		sc[i].Names = c.Names
		if len(c.Names) == 0 {
			sc[i].Names = []string{c.Domain}
		}
	}
	i, _ := sni.Select(host, sc)
	return ml.Certificates[i].Domain
}

// requestThrough sends an HTTP GET for path from src to `to`, over TLS
// with SNI host when wantCN is set (and checks the served certificate's
// common name), and reports whether a target answered with 200 (or, for
// a redirect listener, a redirect to HTTPS).
func requestThrough(ctx context.Context, src *twin.Host, to netip.AddrPort, wantCN *string, host, path string, redirect bool, timeout time.Duration) (bool, string) {
	var c net.Conn
	err := InNS(src.NS, func() error {
		d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: src.IP.AsSlice()}}
		var err error
		c, err = d.DialContext(ctx, tcpOf(to.Addr()), to.String())
		return err
	})
	if err != nil {
		return false, fmt.Sprintf("connect to %s: %v", to, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * timeout))
	var conn net.Conn = c
	served := ""
	if wantCN != nil {
		tc := tls.Client(c, &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			return false, fmt.Sprintf("TLS handshake with %s for %q: %v", to, host, err)
		}
		served = tc.ConnectionState().PeerCertificates[0].Subject.CommonName
		if served != *wantCN {
			return false, fmt.Sprintf("%s served the certificate for %q to SNI %q; the plan's sni table says %q", to, served, host, *wantCN)
		}
		conn = tc
	}
	hostHeader := host
	if hostHeader == "" {
		hostHeader = to.Addr().String()
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, hostHeader)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return false, fmt.Sprintf("no HTTP response from %s: %v", to, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	text := strings.TrimSpace(string(body))
	cert := ""
	if served != "" {
		cert = fmt.Sprintf(" (certificate %s)", served)
	}
	if redirect {
		loc := resp.Header.Get("Location")
		if resp.StatusCode/100 == 3 && strings.HasPrefix(loc, "https://") {
			return true, fmt.Sprintf("%s redirected to %s", to, loc)
		}
		return false, fmt.Sprintf("%s answered %s, not a redirect to HTTPS", to, resp.Status)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(text, "moat twin: ") {
		return false, fmt.Sprintf("%s answered %s%s: %s", to, resp.Status, cert, firstLines(text))
	}
	if i := strings.Index(text, " on "); i > 0 && strings.Contains(text, "PostgreSQL") {
		text = text[:i] // the version, not the compiler
	}
	return true, fmt.Sprintf("%s answered%s: %s", to, cert, firstLines(text))
}

func firstLines(s string) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[:min(len(lines), 3)], " | ")
}

// sortChecks keeps the report's order fixed.
func sortChecks(cs []EndToEnd) {
	slices.SortStableFunc(cs, func(a, b EndToEnd) int { return strings.Compare(a.Name, b.Name) })
}
