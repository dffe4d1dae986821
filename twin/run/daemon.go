package run

import (
	"bufio"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moatnet/moat/sni"
	"github.com/moatnet/moat/twin"
)

// LoadPlan reads the plan Up saved in a state directory.
func LoadPlan(dir string) (*twin.Plan, error) {
	b, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, fmt.Errorf("read twin plan: %w", err)
	}
	var p twin.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode twin plan: %w", err)
	}
	return &p, nil
}

// Daemon serves a twin's workloads until ctx ends: a responder on every
// listener, a TLS-terminating forwarder on every load-balancer node, an
// inspector on every firewall endpoint with domain rules, and
// PostgreSQL where the plan asks for it and Debian's is installed. It
// writes "ready" and a newline to ready once everything listens.
func Daemon(ctx context.Context, dir string, ready io.Writer, logw io.Writer) error {
	logger := log.New(logw, "", log.LstdFlags|log.Lmicroseconds)
	p, err := LoadPlan(dir)
	if err != nil {
		return err
	}
	d := &daemon{dir: dir, log: logger, certs: map[string]*tls.Certificate{}}
	defer d.close()
	for _, l := range p.Listeners {
		if l.Kind == "postgres" {
			started, err := d.postgres(ctx, l)
			if err != nil {
				logger.Printf("%s: PostgreSQL did not start, serving a responder instead: %v", l.Host, err)
			}
			if started {
				continue
			}
		}
		if err := d.respond(l); err != nil {
			return err
		}
	}
	for _, b := range p.Balancers {
		if err := d.balance(ctx, b); err != nil {
			return err
		}
	}
	for _, in := range p.Inspectors {
		if err := d.inspect(ctx, in); err != nil {
			return err
		}
	}
	// Health again, now that every listener is open: a balancer whose
	// targets are another balancer's nodes (API Gateway's front door, an
	// ALB forwarding across a Transit Gateway to an NLB) checked them
	// before they listened, and would answer 503 until its next check.
	d.mu.Lock()
	checks := slices.Clone(d.health)
	d.mu.Unlock()
	for _, t := range checks {
		t.check()
	}
	fmt.Fprintln(ready, "ready")
	logger.Printf("serving %d listeners, %d balancer nodes and %d firewall inspectors", len(p.Listeners), len(p.Balancers), len(p.Inspectors))
	<-ctx.Done()
	return nil
}

type daemon struct {
	dir     string
	log     *log.Logger
	mu      sync.Mutex
	closers []io.Closer
	certs   map[string]*tls.Certificate
	inet    map[string]*tls.Certificate
	health  []*targets
	stops   []func()
}

func (d *daemon) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.closers {
		c.Close()
	}
	for _, s := range d.stops {
		s()
	}
}

// listen opens a TCP listener inside a namespace.
func (d *daemon) listen(ns string, ip netip.Addr, port int) (net.Listener, error) {
	var ln net.Listener
	err := InNS(ns, func() error {
		var err error
		ln, err = net.Listen(tcpOf(ip), netip.AddrPortFrom(ip, uint16(port)).String())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listen on %s:%d in %s: %w", ip, port, ns, err)
	}
	d.mu.Lock()
	d.closers = append(d.closers, ln)
	d.mu.Unlock()
	return ln, nil
}

// Banner is what a responder says: which host and port answered, so a
// probe or a person with curl sees where a connection really ended.
func Banner(host string, addr net.Addr) string {
	return fmt.Sprintf("moat twin: %s %s", host, addr)
}

func (d *daemon) respond(l twin.Listener) error {
	ln, err := d.listen(l.NS, l.IP, l.Port)
	if err != nil {
		return err
	}
	var db func() (string, error)
	if l.Database.IsValid() {
		db = func() (string, error) { return queryDB(l.NS, l.Database) }
	}
	if l.Kind == "tls" {
		go serve(ln, func(c net.Conn) { d.respondTLS(c, l.Host, db) })
		return nil
	}
	go serve(ln, func(c net.Conn) { respond(c, l.Host, db) })
	return nil
}

// queryDB runs a query on the database at a from inside ns, as the
// service there would: the answer is PostgreSQL's version string.
func queryDB(ns string, a netip.AddrPort) (string, error) {
	c, err := dialIn(ns, a, time.Second)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", a, err)
	}
	defer c.Close()
	return PGQuery(c, "postgres", "select version()", 3*time.Second)
}

func serve(ln net.Listener, handle func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go handle(c)
	}
}

// Respond answers one connection: an HTTP request gets a 200 naming the
// host; a client that says nothing first gets the same line as a banner.
func Respond(c net.Conn, host string) { respond(c, host, nil) }

// respond is Respond; with db, an HTTP request for twin.DBPath also runs
// db (a query on the service's database) and answers with its result.
func respond(c net.Conn, host string, db func() (string, error)) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	banner := Banner(host, c.LocalAddr())
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if err == nil && strings.Contains(line, "HTTP/") {
		for {
			h, err := br.ReadString('\n')
			if err != nil || strings.TrimSpace(h) == "" {
				break
			}
		}
		status, body := "200 OK", banner+"\n"
		if f := strings.Fields(line); db != nil && len(f) >= 2 && f[1] == twin.DBPath {
			_ = c.SetDeadline(time.Now().Add(6 * time.Second))
			if v, err := db(); err != nil {
				status, body = "502 Bad Gateway", fmt.Sprintf("%s\nmoat twin: %s: the database query failed: %v\n", banner, host, err)
			} else {
				body += fmt.Sprintf("moat twin: %s queried the database: %s\n", host, v)
			}
		}
		fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, len(body), body)
		return
	}
	fmt.Fprintf(c, "%s\n", banner)
}

// respondTLS serves TLS to a client that opens with a TLS record, with a
// self-signed certificate for whatever name it asks (the internet's
// hosts), and the plain responder to any other client.
func (d *daemon) respondTLS(c net.Conn, host string, db func() (string, error)) {
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	br := bufio.NewReader(c)
	first, _ := br.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	pc := &peeked{Conn: c, r: br}
	if len(first) == 0 || first[0] != 0x16 { // a TLS handshake record
		respond(pc, host, db)
		return
	}
	tc := tls.Server(pc, &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := h.ServerName
			if name == "" {
				name = strings.ReplaceAll(host, "/", "-") + ".twin.invalid"
			}
			return d.internetCert(name)
		},
	})
	_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
	if err := tc.Handshake(); err != nil {
		c.Close()
		return
	}
	respond(tc, host, db)
}

// peeked is a connection whose first bytes were read ahead into r.
type peeked struct {
	net.Conn
	r *bufio.Reader
}

func (p *peeked) Read(b []byte) (int, error) { return p.r.Read(b) }

// maxInternetCerts bounds the certificates the internet's stand-in
// makes for the names clients ask.
const maxInternetCerts = 256

// internetCert is a certificate for any name a client of the internet's
// stand-in asks for, kept in memory only.
func (d *daemon) internetCert(name string) (*tls.Certificate, error) {
	d.mu.Lock()
	if c, ok := d.inet[name]; ok {
		d.mu.Unlock()
		return c, nil
	}
	d.mu.Unlock()
	c, err := selfSigned(name, []string{name})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inet == nil || len(d.inet) >= maxInternetCerts {
		d.inet = map[string]*tls.Certificate{}
	}
	d.inet[name] = c
	return c, nil
}

// cert returns the twin's self-signed certificate for a domain (holding
// names too, when given), made once per daemon and written to
// DIR/certs/DOMAIN.pem for clients to trust.
func (d *daemon) cert(domain string, names []string) (*tls.Certificate, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.certs[domain]; ok {
		return c, nil
	}
	c, err := selfSigned(domain, append([]string{domain}, names...))
	if err != nil {
		return nil, err
	}
	certDir := filepath.Join(d.dir, "certs")
	if err := os.MkdirAll(certDir, 0o755); err == nil {
		name := strings.NewReplacer("*", "_wildcard_", "/", "_").Replace(domain)
		_ = os.WriteFile(filepath.Join(certDir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o644)
	}
	d.certs[domain] = c
	return c, nil
}

// selfSigned makes a certificate whose common name is cn, for names.
func selfSigned(cn string, names []string) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certificate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"moat twin (self-signed)"}},
		DNSNames:     slices.Compact(slices.Sorted(slices.Values(names))),
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certificate for %s: %w", cn, err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// targets keeps a balancer node's healthy targets, checked by TCP connect
// from the node's namespace, as an ALB or NLB health check would.
type targets struct {
	ns      string
	tlsName string // open TLS to the targets with this server name; "" for TCP
	all     []netip.AddrPort
	healthy atomic.Pointer[[]netip.AddrPort]
	next    atomic.Uint32
}

func (t *targets) check() {
	var ok []netip.AddrPort
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, a := range t.all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialIn(t.ns, a, 500*time.Millisecond)
			if err == nil {
				c.Close()
				mu.Lock()
				ok = append(ok, a)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sortAddrPorts(ok)
	t.healthy.Store(&ok)
}

func sortAddrPorts(s []netip.AddrPort) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Compare(s[j-1]) < 0; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// pick returns the next healthy target, round robin.
func (t *targets) pick() (netip.AddrPort, bool) {
	h := t.healthy.Load()
	if h == nil || len(*h) == 0 {
		return netip.AddrPort{}, false
	}
	i := t.next.Add(1)
	return (*h)[int(i)%len(*h)], true
}

// dialIn connects to a from inside a namespace.
func dialIn(ns string, a netip.AddrPort, timeout time.Duration) (net.Conn, error) {
	var c net.Conn
	err := InNS(ns, func() error {
		var err error
		c, err = net.DialTimeout(tcpOf(a.Addr()), a.String(), timeout)
		return err
	})
	return c, err
}

func (d *daemon) balance(ctx context.Context, b twin.Balancer) error {
	t := &targets{ns: cmp.Or(b.DialNS, b.NS), all: b.Targets, tlsName: b.UpstreamTLS}
	t.check()
	ctx, cancel := context.WithCancel(ctx)
	d.mu.Lock()
	d.stops = append(d.stops, cancel)
	d.health = append(d.health, t)
	d.mu.Unlock()
	go func() {
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				t.check()
			}
		}
	}()
	ips := []netip.Addr{b.IP}
	if b.IPv6.IsValid() {
		ips = append(ips, b.IPv6)
	}
	for _, ip := range ips {
		if err := d.balanceOn(b, ip, t); err != nil {
			return err
		}
	}
	return nil
}

// tcpOf is the network name that keeps a socket to ip's IP version.
func tcpOf(ip netip.Addr) string {
	if ip.Is6() && !ip.Is4In6() {
		return "tcp6"
	}
	return "tcp4"
}

// balanceOn serves a balancer node's listeners on one of its addresses.
func (d *daemon) balanceOn(b twin.Balancer, ip netip.Addr, t *targets) error {
	for _, l := range b.Listeners {
		ln, err := d.listen(b.NS, ip, l.Port)
		if err != nil {
			return err
		}
		switch {
		case l.Redirect:
			go serve(ln, func(c net.Conn) { redirect(c, l.Port) })
		case l.Protocol == "HTTPS" || l.Protocol == "TLS":
			cfg, err := d.tlsConfig(b, l)
			if err != nil {
				return err
			}
			go serve(tls.NewListener(ln, cfg), func(c net.Conn) { d.forward(c, t, b.Host) })
		default:
			go serve(ln, func(c net.Conn) { d.forward(c, t, b.Host) })
		}
	}
	return nil
}

// tlsConfig serves, for each client's SNI, the certificate sni.Select
// picks: the same function the plan uses to print which certificate
// covers which domain.
func (d *daemon) tlsConfig(b twin.Balancer, l twin.BalancerListener) (*tls.Config, error) {
	domains := l.Domains
	if len(domains) == 0 {
		domains = []string{strings.ReplaceAll(string(b.LB), "/", "-") + ".twin.invalid"}
	}
	var certs []*tls.Certificate
	var names []sni.Cert
	for i, dom := range domains {
		held := []string{dom}
		if i < len(l.Names) && len(l.Names[i]) > 0 {
			held = l.Names[i]
		}
		c, err := d.cert(dom, held)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
		names = append(names, sni.Cert{Names: held})
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			i, _ := sni.Select(h.ServerName, names)
			if i < 0 {
				return nil, errors.New("no certificate")
			}
			return certs[i], nil
		},
	}, nil
}

func redirect(c net.Conn, port int) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	line, _ := br.ReadString('\n')
	host := ""
	for {
		h, err := br.ReadString('\n')
		if err != nil || strings.TrimSpace(h) == "" {
			break
		}
		if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(k, "host") {
			host = strings.TrimSpace(v)
		}
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := "/"
	if f := strings.Fields(line); len(f) >= 2 && strings.HasPrefix(f[1], "/") {
		path = f[1]
	}
	if host == "" {
		host, _, _ = net.SplitHostPort(c.LocalAddr().String())
	}
	fmt.Fprintf(c, "HTTP/1.1 301 Moved Permanently\r\nLocation: https://%s%s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", host, path)
}

// forward proxies one client connection to a healthy target, dialled from
// the balancer node's namespace so its security group applies.
func (d *daemon) forward(c net.Conn, t *targets, host string) {
	defer c.Close()
	if tc, ok := c.(*tls.Conn); ok {
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		if err := tc.Handshake(); err != nil {
			return
		}
		_ = tc.SetDeadline(time.Time{})
	}
	a, ok := t.pick()
	if !ok {
		body := fmt.Sprintf("moat twin: %s has no healthy target\n", host)
		fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		return
	}
	up, err := dialIn(t.ns, a, time.Second)
	if err != nil {
		body := fmt.Sprintf("moat twin: %s could not reach %s\n", host, a)
		fmt.Fprintf(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		return
	}
	defer up.Close()
	if t.tlsName != "" {
		// The twin's certificates are self-signed; the balancer behind
		// checks nothing either, so the name only picks its certificate.
		tc := tls.Client(up, &tls.Config{ServerName: t.tlsName, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		if err := tc.Handshake(); err != nil {
			body := fmt.Sprintf("moat twin: %s: TLS to %s failed: %v\n", host, a, err)
			fmt.Fprintf(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			return
		}
		_ = tc.SetDeadline(time.Time{})
		up = tc
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); closeWrite(up); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); closeWrite(c); done <- struct{}{} }()
	<-done
	<-done
}

func closeWrite(c net.Conn) {
	switch x := c.(type) {
	case *net.TCPConn:
		_ = x.CloseWrite()
	case *tls.Conn:
		_ = x.CloseWrite()
	}
}
