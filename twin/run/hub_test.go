package run_test

import (
	"cmp"
	"context"
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

// TestHubTwinAgreesWithAnalyzer runs the hub-and-spoke design (ingress,
// egress and workload VPCs, a Transit Gateway, a Network Firewall) for
// real and compares every flow with the analyzer, as
// TestTwinAgreesWithAnalyzer does for the examples. It also sends the
// design's main path end to end: the internet through the ingress ALB,
// across the Transit Gateway, to the NLB and the service.
func TestHubTwinAgreesWithAnalyzer(t *testing.T) {
	privileged(t)
	p := hubAgrees(t, "hub-and-spoke", "hub")
	inet := host(t, p, "internet")
	alb := host(t, p, "eni/alb/use1-az1")
	body := httpVia(t, inet.NS, alb.PublicIP.String()+":80")
	if !strings.Contains(body, "moat twin: eni/service/") {
		t.Errorf("internet -> ALB -> TGW -> NLB -> service: response did not come from the service: %q", body)
	}

	// A firewall endpoint is not a host: a connection to its own address
	// from inside its VPC (the workload's Transit Gateway table has no
	// route there), on a port a domain rule covers or on the inspector's,
	// gets nowhere and cannot loop through the inspector.
	from := host(t, p, "subnet/egress-transit/use1-az1")
	for _, in := range p.Inspectors {
		for _, port := range []int{443, in.Port} {
			addr := netip.AddrPortFrom(in.IP, uint16(port)).String()
			err := run.InNS(from.NS, func() error {
				c, err := net.DialTimeout("tcp4", addr, time.Second)
				if err == nil {
					c.Close()
				}
				return err
			})
			if err == nil {
				t.Errorf("%s connected to the firewall endpoint %s itself", from.Name, addr)
			}
		}
	}
}

// TestHubVariantsAgreeWithAnalyzer does the same for the split-account
// design (with a database) and the API Gateway front door.
func TestHubVariantsAgreeWithAnalyzer(t *testing.T) {
	privileged(t)
	for _, name := range []string{"hub-and-spoke-accounts", "hub-and-spoke-apigw"} {
		t.Run(name, func(t *testing.T) { hubAgrees(t, name, "hubv") })
	}
}

// hubAgrees brings up testdata/golden/<name>.yaml, sends its flows and
// fails on any disagreement with the analyzer; flows must cross the
// Transit Gateway, and the firewall's allow-list must both pass and drop
// flows naming a host, none of them skipped.
func hubAgrees(t *testing.T, name, prefix string) *twin.Plan {
	t.Helper()
	n := testnet.Compile(t, filepath.Join("..", "..", "testdata", "golden", name+".yaml"))
	p := upNetwork(t, n, prefix)
	r, err := run.Test(context.Background(), p, n, run.TestOptions{Sample: 64})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Disagreements() {
		t.Errorf("the twin and the analyzer disagree:\n%s", c.Explain())
	}
	endToEndPass(t, r)
	allow := map[bool]int{}
	for _, c := range r.EndToEnd {
		if strings.HasPrefix(c.Name, "firewall allow-list") && c.OK {
			allow[strings.Contains(c.Name, "(analyzer: reachable)")]++
		}
	}
	if allow[true] == 0 || allow[false] == 0 {
		t.Errorf("the allow-list with a real TLS client: %d passed, %d dropped as the analyzer says; want both", allow[true], allow[false])
	}
	crossed := 0
	for _, c := range r.Cases {
		if !c.Path.Reachable {
			continue
		}
		for _, h := range c.Path.Forward {
			if h.Kind == analyze.HopTGWRoute {
				crossed++
				break
			}
		}
	}
	if crossed == 0 {
		t.Error("no reachable flow crossed the Transit Gateway")
	}
	// The allow-list runs for real: a ClientHello naming a listed host gets
	// through the firewall and the NAT, one naming any other host does
	// not, and neither is skipped.
	named := map[bool]int{}
	for _, c := range r.Cases {
		if c.Flow.Host != "" && c.Probe.Inspected && c.Agree() {
			named[c.Outcome.OK]++
		}
	}
	if named[true] == 0 || named[false] == 0 {
		t.Errorf("flows naming a host through the firewall: %d passed, %d dropped; want both", named[true], named[false])
	}
	for _, s := range r.Skipped {
		if strings.Contains(s, "domain") {
			t.Errorf("skipped: %s", s)
		} else {
			t.Log("skipped: " + s)
		}
	}
	t.Logf("%d flows (%d across the Transit Gateway reachable, %d naming a host passed and %d dropped by the firewall's domain rules), %d skipped, %s",
		len(r.Cases), crossed, named[true], named[false], len(r.Skipped), r.Elapsed)
	return p
}

// httpVia fetches / from addr over HTTP from inside ns.
func httpVia(t *testing.T, ns, addr string) string {
	t.Helper()
	var c net.Conn
	err := run.InNS(ns, func() (err error) {
		c, err = net.DialTimeout("tcp4", addr, 2*time.Second)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: twin\r\nConnection: close\r\n\r\n")
	b, _ := io.ReadAll(c)
	return string(b)
}

// TestAPIGatewayFrontDoor sends an HTTPS request from the internet to API
// Gateway's front door and gets the service's answer: through the VPC
// Link's interface, its security group, the internal load balancer (TLS
// again, as the integration's TlsConfig asks) and, in the hub, across the
// Transit Gateway to the workload VPC's NLB.
func TestAPIGatewayFrontDoor(t *testing.T) {
	privileged(t)
	for _, c := range []struct{ path, domain string }{
		{filepath.Join("..", "..", "examples", "api.yaml"), "api.example.com"},
		{filepath.Join("..", "..", "testdata", "golden", "hub-and-spoke-apigw.yaml"), ""},
	} {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			n := testnet.Compile(t, c.path)
			p := upNetwork(t, n, "front")
			inet := host(t, p, "internet")
			var door twin.Host
			var domain string
			for _, b := range p.Balancers {
				if h := host(t, p, b.Host); h.Role == twin.RoleFrontDoor {
					door = h
					if len(b.Listeners) > 0 && len(b.Listeners[0].Domains) > 0 {
						domain = b.Listeners[0].Domains[0]
					}
				}
			}
			if door.Name == "" {
				t.Fatal("no API Gateway front door in the twin")
			}
			if c.domain != "" && domain != c.domain {
				t.Errorf("front door serves %q, want %q", domain, c.domain)
			}
			// The front door health-checks its targets every 2 s, as
			// they come up behind it.
			var body, cn string
			for deadline := time.Now().Add(6 * time.Second); ; time.Sleep(500 * time.Millisecond) {
				body, cn = httpsVia(t, inet.NS, door.IP, cmp.Or(domain, "front.twin.invalid"))
				if !strings.Contains(body, "no healthy target") || time.Now().After(deadline) {
					break
				}
			}
			if !strings.Contains(body, "moat twin: eni/service/") {
				t.Errorf("internet -> %s (%s, certificate %s): the answer did not come from the service: %q", door.Name, door.IP, cn, body)
			}
		})
	}
}
