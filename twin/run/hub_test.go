package run_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moatnet/moat/internal/testnet"
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
	n := testnet.Compile(t, filepath.Join("..", "..", "testdata", "golden", "hub-and-spoke.yaml"))
	p := upNetwork(t, n, "hub")
	r, err := run.Test(context.Background(), p, n, run.TestOptions{Sample: 64})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Disagreements() {
		t.Errorf("the twin and the analyzer disagree:\n%s", c.Explain())
	}
	crossed := 0
	for _, c := range r.Cases {
		if !c.Path.Reachable {
			continue
		}
		for _, h := range c.Path.Forward {
			if h.Kind == "tgw-route" {
				crossed++
				break
			}
		}
	}
	if crossed == 0 {
		t.Error("no reachable flow crossed the Transit Gateway")
	}
	domain := 0
	for _, s := range r.Skipped {
		if strings.Contains(s, "domain rules") {
			domain++
		}
	}
	if domain == 0 {
		t.Error("verify's allow-list flows should be skipped as resting on domain rules")
	}
	t.Logf("%d flows (%d across the Transit Gateway reachable), %d skipped (%d on domain rules), %s", len(r.Cases), crossed, len(r.Skipped), domain, r.Elapsed)

	inet := host(t, p, "internet")
	alb := host(t, p, "eni/alb/use1-az1")
	body := httpVia(t, inet.NS, alb.PublicIP.String()+":80")
	if !strings.Contains(body, "moat twin: eni/service/") {
		t.Errorf("internet -> ALB -> TGW -> NLB -> service: response did not come from the service: %q", body)
	}
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
