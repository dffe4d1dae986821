package run_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/twin"
	"github.com/moatnet/moat/twin/run"
)

// TestDualStackTwinAgreesWithAnalyzer runs the dual-stack design with
// both IP versions: the internet reaches the dual-stack ALB over IPv6
// (through the internet gateway, untranslated) and gets the service's
// answer over IPv4 behind it; private subnets reach the internet over
// IPv6 through the egress-only gateway; the internet cannot open a
// connection to a service task's global IPv6 address. Every IPv6 flow is
// sent, none skipped, and the twin agrees with the analyzer on all.
func TestDualStackTwinAgreesWithAnalyzer(t *testing.T) {
	privileged(t)
	if twin.InternetHost6 != analyze.InternetIPv6 {
		t.Fatalf("the twin's IPv6 internet %s is not the analyzer's %s", twin.InternetHost6, analyze.InternetIPv6)
	}
	n := testnet.Compile(t, filepath.Join("..", "..", "testdata", "golden", "ipv6-bastion-ssh.yaml"))
	p := upNetwork(t, n, "v6")
	r, err := run.Test(context.Background(), p, n, run.TestOptions{Sample: 64})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Disagreements() {
		t.Errorf("the twin and the analyzer disagree:\n%s", c.Explain())
	}
	for _, s := range r.Skipped {
		if strings.Contains(s, "IPv6") || strings.Contains(s, "IPv4 only") {
			t.Errorf("skipped: %s", s)
		}
	}
	v6 := map[bool]int{}
	eigw := 0
	for _, c := range r.Cases {
		if !c.Flow.Src.IP.Is6() {
			continue
		}
		v6[c.Outcome.OK]++
		for _, h := range c.Path.Forward {
			if c.Outcome.OK && h.Kind == analyze.HopEIGW {
				eigw++
				break
			}
		}
	}
	if v6[true] < 6 || v6[false] == 0 || eigw < 4 {
		t.Errorf("IPv6 flows: %d reachable (%d out through the egress-only gateway), %d blocked; want the two listeners and four subnets out, and some blocked", v6[true], eigw, v6[false])
	}

	inet := host(t, p, "internet")
	alb := host(t, p, "eni/alb/usw2-az1")
	svc := host(t, p, "eni/service/usw2-az1")
	if !alb.IPv6.IsValid() || !svc.IPv6.IsValid() {
		t.Fatalf("no IPv6 on %s or %s", alb.Name, svc.Name)
	}
	// HTTPS over IPv6 to the ALB: the answer comes from a service task,
	// which the ALB reaches over IPv4.
	body := httpsVia6(t, inet.NS, netip.AddrPortFrom(alb.IPv6, 443), "shop.example.com")
	if !strings.Contains(body, "moat twin: eni/service/") || !strings.Contains(body, "10.50.") {
		t.Errorf("internet -> ALB over IPv6 -> service: %q", body)
	}
	// The service's own IPv6 address is global, yet closed to the
	// internet: its ACL denies the port from ::/0 and its group admits
	// only the ALB.
	err = run.InNS(inet.NS, func() error {
		c, err := net.DialTimeout("tcp6", netip.AddrPortFrom(svc.IPv6, 8443).String(), time.Second)
		if err == nil {
			c.Close()
		}
		return err
	})
	if err == nil {
		t.Errorf("the internet connected to %s on [%s]:8443", svc.Name, svc.IPv6)
	}
	t.Logf("%d flows, %d over IPv6 (%d reachable, %d through the egress-only gateway), %d skipped, %s",
		len(r.Cases), v6[true]+v6[false], v6[true], eigw, len(r.Skipped), r.Elapsed)
}

// httpsVia6 fetches / over HTTPS from inside ns, naming host by SNI.
func httpsVia6(t *testing.T, ns string, addr netip.AddrPort, host string) string {
	t.Helper()
	var c net.Conn
	err := run.InNS(ns, func() (err error) {
		c, err = net.DialTimeout("tcp6", addr.String(), 2*time.Second)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	tc := tls.Client(c, &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	fmt.Fprintf(tc, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
	b, _ := io.ReadAll(tc)
	return string(b)
}
