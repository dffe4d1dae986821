package run_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
	"github.com/moatnet/moat/twin/run"
)

// TestMain lets the test binary play the twin's daemon: Up starts
// `<binary> twin daemon DIR`, as the moat binary would be started.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "twin" && os.Args[2] == "daemon" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		if err := run.Daemon(ctx, os.Args[3], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// `<binary> twin-up DIR` runs Up on the plan saved in DIR, for a test
	// to kill -9 midway.
	if len(os.Args) == 3 && os.Args[1] == "twin-up" {
		p, err := run.LoadPlan(os.Args[2])
		if err == nil {
			err = run.Up(context.Background(), p, run.Options{Daemon: []string{os.Args[0], "twin", "daemon"}})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// privileged skips a test that needs root, iproute2 and nftables; on CI
// (CI=true, which runs as root after installing them) it fails instead,
// so the twin's tests cannot silently stop running there.
func privileged(t *testing.T) {
	t.Helper()
	if err := run.Check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the twin's privileged tests must run on CI: %v", err)
		}
		t.Skipf("skipping the twin's privileged test: %v", err)
	}
}

func network(t *testing.T, name string) *model.Network {
	return testnet.Compile(t, filepath.Join("..", "..", "examples", name+".yaml"))
}

// up brings a twin of the example up under a test-only stack name, and
// tears it down when the test ends, whatever happens.
func up(t *testing.T, name string) (*model.Network, *twin.Plan) {
	t.Helper()
	n := network(t, name)
	return n, upNetwork(t, n, name)
}

// upNetwork brings any network's twin up under a test-only stack name
// ending in label, and tears it down when the test ends.
func upNetwork(t *testing.T, n *model.Network, label string) *twin.Plan {
	t.Helper()
	// The stack name holds the test process's id: engineers and CI may run
	// the tests at the same time on one machine, and two runs must not tear
	// down each other's twin.
	p, ds := twin.Build(n, fmt.Sprintf("t%d-%s", os.Getpid(), label))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	t.Cleanup(func() {
		if err := run.Down(p.Stack); err != nil {
			t.Errorf("down: %v", err)
		}
		if left, _ := run.Namespaces(p.Stack); len(left) > 0 {
			t.Errorf("down left namespaces behind: %v", left)
		}
	})
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Up(context.Background(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}}); err != nil {
		t.Fatal(err)
	}
	return p
}

func host(t *testing.T, p *twin.Plan, name string) twin.Host {
	t.Helper()
	for _, h := range p.Hosts {
		if h.Name == name {
			return h
		}
	}
	t.Fatalf("no host %s in the twin", name)
	return twin.Host{}
}

// TestWebappFlows checks the flows a reader of the design expects, with
// real packets.
func TestWebappFlows(t *testing.T) {
	privileged(t)
	_, p := up(t, "webapp")
	inet := host(t, p, "internet")
	alb := host(t, p, "eni/alb/use1-az1")
	svc := host(t, p, "eni/service/use1-az1")
	db := host(t, p, "eni/db/use1-az1")
	pr := run.NewProber(time.Second)
	defer pr.Close()
	for _, c := range []struct {
		name     string
		src, dst twin.Host
		dial     netip.Addr
		proto    model.Protocol
		port     int
		want     bool
	}{
		{"internet -> alb:443", inet, alb, alb.PublicIP, model.TCP, 443, true},
		{"internet -> alb:80", inet, alb, alb.PublicIP, model.TCP, 80, true},
		{"internet -> alb:22", inet, alb, alb.PublicIP, model.TCP, 22, false},
		{"internet -> service:8080", inet, svc, svc.IP, model.TCP, 8080, false},
		{"alb -> service:8080", alb, svc, svc.IP, model.TCP, 8080, true},
		{"service -> db:5432", svc, db, db.IP, model.TCP, 5432, true},
		{"alb -> db:5432", alb, db, db.IP, model.TCP, 5432, false},
		{"service -> internet:443 through NAT", svc, inet, inet.IP, model.TCP, 443, true},
		{"service -> internet:80", svc, inet, inet.IP, model.TCP, 80, false},
		{"db -> internet:443", db, inet, inet.IP, model.TCP, 443, false},
		{"db -> internet icmp", db, inet, inet.IP, model.ICMP, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := pr.Run(context.Background(), run.Probe{SrcNS: c.src.NS, SrcIP: c.src.IP, DstNS: c.dst.NS, DstIP: c.dst.IP, DialIP: c.dial, Proto: c.proto, Port: c.port})
			if o.OK != c.want {
				t.Errorf("reachable = %v, want %v: %s", o.OK, c.want, o.Detail)
			}
		})
	}
	t.Run("https through the load balancer", func(t *testing.T) {
		body, cn := httpsVia(t, inet.NS, alb.PublicIP, "app.example.com")
		if cn != "app.example.com" {
			t.Errorf("certificate for %q, want app.example.com", cn)
		}
		if !strings.Contains(body, "moat twin: eni/service/") {
			t.Errorf("response did not come from the service: %q", body)
		}
	})
}

// httpsVia fetches / from addr:443 with SNI host, from inside ns, and
// returns the body and the served certificate's common name.
func httpsVia(t *testing.T, ns string, addr netip.Addr, host string) (string, string) {
	t.Helper()
	var c net.Conn
	err := run.InNS(ns, func() (err error) {
		c, err = net.DialTimeout("tcp4", netip.AddrPortFrom(addr, 443).String(), 2*time.Second)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	tc := tls.Client(c, &tls.Config{ServerName: host, InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	cn := tc.ConnectionState().PeerCertificates[0].Subject.CommonName
	fmt.Fprintf(tc, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
	b, _ := io.ReadAll(tc)
	return string(b), cn
}

// TestTwinAgreesWithAnalyzer is the analyzer's ground truth: for every
// example, every flow verify checks, the sweep and a sample go through the
// twin for real, and every outcome must match the analyzer's verdict.
func TestTwinAgreesWithAnalyzer(t *testing.T) {
	privileged(t)
	for _, name := range []string{"webapp", "api", "internal"} {
		t.Run(name, func(t *testing.T) {
			n, p := up(t, name)
			r, err := run.Test(context.Background(), p, n, run.TestOptions{Sample: 64})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Cases) == 0 {
				t.Fatal("no flow was tested")
			}
			for _, c := range r.Disagreements() {
				t.Errorf("the twin and the analyzer disagree:\n%s", c.Explain())
			}
			endToEndPass(t, r)
			t.Logf("%d flows, %d skipped, %d end-to-end checks, %s", len(r.Cases), len(r.Skipped), len(r.EndToEnd), r.Elapsed)
		})
	}
}

// TestUpIsIdempotentAndDownFindsLeftovers brings a twin up twice, then
// kills its daemon as a crash would and checks Down still finds
// everything.
func TestUpIsIdempotentAndDownFindsLeftovers(t *testing.T) {
	privileged(t)
	_, p := up(t, "webapp")
	exe, _ := os.Executable()
	if err := run.Up(context.Background(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}}); err != nil {
		t.Fatalf("second up: %v", err)
	}
	names, err := run.Namespaces(p.Stack)
	if err != nil || len(names) != len(p.Namespaces) {
		t.Fatalf("after two ups: %d namespaces, want %d (%v)", len(names), len(p.Namespaces), err)
	}
	// A crash: the state directory is gone, the daemon and PostgreSQL are
	// still running inside the namespaces.
	if err := os.RemoveAll(run.StateDir(p.Stack)); err != nil {
		t.Fatal(err)
	}
	if err := run.Down(p.Stack); err != nil {
		t.Fatal(err)
	}
	if left, _ := run.Namespaces(p.Stack); len(left) > 0 {
		t.Fatalf("down left %v", left)
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.Contains(string(b), "daemon\x00"+run.StateDir(p.Stack)) {
			t.Errorf("down left the daemon running: pid %s", e.Name())
		}
	}
}

// TestEndToEndChecks runs what a user runs through the twin's own
// workloads, and then kills the daemon: the per-flow probes bring their
// own listeners and would still pass, the end-to-end checks must not.
func TestEndToEndChecks(t *testing.T) {
	privileged(t)
	n, p := up(t, "webapp")
	r, err := run.Test(context.Background(), p, n, run.TestOptions{Sample: 8})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.EndToEnd {
		t.Logf("%v %s: %s%s", c.OK, c.Name, c.Detail, c.Skipped)
		if c.Failed() {
			t.Errorf("end-to-end check failed: %s: %s", c.Name, c.Detail)
		}
	}
	if len(r.EndToEnd) == 0 {
		t.Fatal("no end-to-end check ran")
	}
	pid, err := os.ReadFile(filepath.Join(run.StateDir(p.Stack), "daemon.pid"))
	if err != nil {
		t.Fatal(err)
	}
	var n0 int
	fmt.Sscan(string(pid), &n0)
	kill(t, n0)
	r, err = run.Test(context.Background(), p, n, run.TestOptions{Sample: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Disagreements()) != 0 {
		t.Logf("with the daemon dead, %d probes disagree too", len(r.Disagreements()))
	}
	if f := r.FailedEndToEnd(); len(f) != len(r.EndToEnd) {
		t.Errorf("with the daemon dead, %d of %d end-to-end checks failed, want all", len(f), len(r.EndToEnd))
	}
}

// endToEndPass fails the test on any failed end-to-end check, and when
// none ran at all; on CI (CI=true) a skipped one fails it too, so the
// database check cannot silently go missing there.
func endToEndPass(t *testing.T, r *run.Report) {
	t.Helper()
	if len(r.EndToEnd) == 0 {
		t.Error("no end-to-end check ran")
	}
	for _, c := range r.EndToEnd {
		switch {
		case c.Failed():
			t.Errorf("end-to-end check failed: %s: %s", c.Name, c.Detail)
		case c.Skipped != "" && os.Getenv("CI") == "true":
			t.Errorf("end-to-end check skipped on CI: %s: %s", c.Name, c.Skipped)
		case c.Skipped != "":
			t.Logf("skipped: %s: %s", c.Name, c.Skipped)
		}
	}
}

// TestHealthSaysWhatIsBroken breaks a running twin piece by piece, as a
// kill -9 during up or a crash would, and checks CheckHealth names each.
func TestHealthSaysWhatIsBroken(t *testing.T) {
	privileged(t)
	_, p := up(t, "internal")
	h, err := run.CheckHealth(p.Stack)
	if err != nil {
		t.Fatal(err)
	}
	if probs := h.Problems(); len(probs) > 0 || h.DaemonPid == 0 || h.Listeners == 0 {
		t.Fatalf("a twin just up: problems %v, daemon %d, %d listeners", probs, h.DaemonPid, h.Listeners)
	}
	// A second up of the stack while this one holds its lock fails at
	// once, and leaves the twin as it was.
	release, err := run.Lock(p.Stack)
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if err := run.Up(context.Background(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}}); !errors.Is(err, run.ErrBusy) {
		t.Errorf("up while another holds the lock: %v, want ErrBusy", err)
	}
	if err := run.Down(p.Stack); !errors.Is(err, run.ErrBusy) {
		t.Errorf("down while another holds the lock: %v, want ErrBusy", err)
	}
	release()
	if h, _ := run.CheckHealth(p.Stack); len(h.Problems()) > 0 {
		t.Errorf("the refused up changed the twin: %v", h.Problems())
	}

	gone := p.Namespaces[len(p.Namespaces)-1].Name
	if out, err := exec.Command("ip", "netns", "del", gone).CombinedOutput(); err != nil {
		t.Fatalf("ip netns del: %v: %s", err, out)
	}
	if err := os.Remove(filepath.Join(run.StateDir(p.Stack), "up.done")); err != nil {
		t.Fatal(err)
	}
	kill(t, h.DaemonPid)
	h, err = run.CheckHealth(p.Stack)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(h.Problems(), "\n")
	for _, want := range []string{"did not finish", "1 of " + fmt.Sprint(len(p.Namespaces)) + " namespaces are missing (" + gone + ")", "daemon", "listeners are not listening"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not say %q:\n%s", want, got)
		}
	}
}

// kill kills pid with SIGKILL, as a crash would, and waits until it is
// gone (or a zombie nobody reaps).
func kill(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || strings.Contains(string(b), ") Z ") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("pid %d still runs after SIGKILL", pid)
}

// sniSpec has one listener with two certificates: app.example.com's own
// (the default) and a wildcard shared by three names, plus a name no
// certificate covers (testdata/script/certificates.txtar plans it).
const sniSpec = `stack: sni
region: us-east-1
frontend:
  kind: alb
  domains:
    - name: app.example.com
    - name: "*.example.com"
      certificate: arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555
    - name: www.example.com
      certificate: "*.example.com"
    - name: other.example.com
      certificate: "*.example.com"
    - name: a.b.example.com
      certificate: "*.example.com"
service:
  port: 8080
`

// TestSNIMatchesThePlan asks each load-balancer node for every domain by
// SNI and checks the certificate served is the one plan's sni table
// (compile.Served) names, including the default for a name no
// certificate covers; the end-to-end checks of twin test must agree.
func TestSNIMatchesThePlan(t *testing.T) {
	privileged(t)
	path := filepath.Join(t.TempDir(), "sni.yaml")
	if err := os.WriteFile(path, []byte(sniSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	n := testnet.Compile(t, path)
	p := upNetwork(t, n, "sni")
	lb, ok := n.LoadBalancer("alb")
	if !ok {
		t.Fatal("no alb")
	}
	var l model.Listener
	for _, x := range lb.Listeners {
		if x.Port == 443 {
			l = x
		}
	}
	if len(l.Certificates) < 2 || len(l.Hosts) < 4 {
		t.Fatalf("the spec should give two certificates and four names: %+v", l)
	}
	inet := host(t, p, "internet")
	nodes := 0
	for _, b := range p.Balancers {
		if b.LB != "alb" {
			continue
		}
		nodes++
		node := host(t, p, b.Host)
		for _, row := range compile.Served(l.Hosts, l.Certificates) {
			want := l.Certificates[row.Cert].Domain
			body, cn := httpsVia(t, inet.NS, node.PublicIP, row.Host)
			if cn != want {
				t.Errorf("%s for %s served %q, the plan's table says %q", b.Host, row.Host, cn, want)
			}
			if !strings.Contains(body, "moat twin: eni/service/") {
				t.Errorf("%s for %s: no answer from the service: %q", b.Host, row.Host, body)
			}
		}
	}
	if nodes == 0 {
		t.Fatal("no node of the alb")
	}
	r, err := run.Test(context.Background(), p, n, run.TestOptions{Sample: 0})
	if err != nil {
		t.Fatal(err)
	}
	endToEndPass(t, r)
	sniChecks := 0
	for _, c := range r.EndToEnd {
		if strings.Contains(c.Name, "HTTPS:443 https") {
			sniChecks++
		}
	}
	if want := nodes * len(l.Hosts); sniChecks != want {
		t.Errorf("%d end-to-end SNI checks, want %d (every name through every node)", sniChecks, want)
	}
}

// TestKilledUpIsBrokenAndRecovers kills an Up with SIGKILL while it
// builds: the twin's health says it is broken (its Up did not finish),
// the lock died with the process, and the next Up rebuilds it whole.
func TestKilledUpIsBrokenAndRecovers(t *testing.T) {
	privileged(t)
	n := network(t, "webapp")
	p, ds := twin.Build(n, fmt.Sprintf("t%d-kill", os.Getpid()))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	t.Cleanup(func() {
		if err := run.Down(p.Stack); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	dir := t.TempDir()
	b, _ := json.Marshal(p)
	if err := os.WriteFile(filepath.Join(dir, "plan.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "twin-up", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once its namespaces begin to appear.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if names, _ := run.Namespaces(p.Stack); len(names) > 0 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	werr := cmd.Wait()
	h, err := run.CheckHealth(p.Stack)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Problems()) == 0 {
		t.Fatalf("after kill -9 during up (%v), the twin looks healthy", werr)
	}
	t.Logf("after kill -9 during up: %v", h.Problems())
	if err := run.Up(context.Background(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}}); err != nil {
		t.Fatalf("up after the killed one: %v", err)
	}
	if h, _ := run.CheckHealth(p.Stack); len(h.Problems()) > 0 {
		t.Errorf("rebuilt twin: %v", h.Problems())
	}
}

// TestInternetClassesAreProbed: a load balancer whose group admits only
// 198.51.100.0/24 splits the internet into two classes, and the one that
// leaves out the twin's internet host 203.0.113.10 is probed too, from a
// documentation address of its own, with real packets that agree with the
// analyzer (testdata/documented/allow-from.yaml).
func TestInternetClassesAreProbed(t *testing.T) {
	privileged(t)
	path := filepath.Join("..", "..", "testdata", "documented", "allow-from.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, ds := cfnimport.Parse(path, src, "allow-from")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	p := upNetwork(t, n, "allowfrom")
	r, err := run.Test(context.Background(), p, n, run.TestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Disagreements() {
		t.Errorf("the twin and the analyzer disagree:\n%s", c.Explain())
	}
	office := netip.MustParsePrefix("198.51.100.0/24")
	probed := 0
	for _, c := range r.Cases {
		if c.Flow.Src.Kind == analyze.Internet && office.Contains(c.Probe.SrcIP) && strings.HasPrefix(c.Why, "class:") {
			probed++
			if !c.Path.Reachable || !c.Outcome.OK {
				t.Errorf("the office class: analyzer %t, twin %t (%s)", c.Path.Reachable, c.Outcome.OK, c.Outcome.Detail)
			}
		}
	}
	if probed == 0 {
		t.Errorf("no probe was sent from the office range; skipped: %v", r.Skipped)
	}
	for _, s := range r.Skipped {
		if strings.Contains(s, "documentation ranges") {
			t.Errorf("skipped: %s", s)
		}
	}
	t.Logf("%d flows, %d from the office range, %d skipped", len(r.Cases), probed, len(r.Skipped))
}
