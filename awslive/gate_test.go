package awslive_test

import (
	"os"
	"strings"
	"testing"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// imported compiles the spec, writes its template and reads it back as
// the deploy gate does, so new and deployed networks compare alike.
func imported(t *testing.T, path string) (*model.Network, map[string]model.ResourceRef) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, d := spec.Parse(path, src)
	if d.HasErrors() {
		t.Fatal(d)
	}
	n, d := compile.Compile(s)
	if d.HasErrors() {
		t.Fatal(d)
	}
	tm, ds := cfn.FromNetwork(n)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	body, err := tm.JSON()
	if err != nil {
		t.Fatal(err)
	}
	m, d := cfnimport.Parse("template.json", body, n.Name)
	if d.HasErrors() {
		t.Fatal(d)
	}
	return m, awslive.AddressIndex(n)
}

func TestExposureGate(t *testing.T) {
	next, addrs := imported(t, "../examples/webapp.yaml")
	name := func(a model.ResourceRef) string {
		kind, id, _ := strings.Cut(string(a), "/")
		if m, ok := addrs[id]; ok {
			return string(m)
		}
		return kind + "/" + id
	}
	same, _ := imported(t, "../examples/webapp.yaml")
	g := awslive.ExposureGate(same, next, name)
	if len(g.Opened)+len(g.Closed)+len(g.Failed) != 0 || g.Blocked(false) != "" {
		t.Fatalf("the same network again: %+v", g)
	}
	// No stack yet: everything the internet reaches is new.
	g = awslive.ExposureGate(nil, next, name)
	t.Logf("opened: %q", g.Opened)
	if len(g.Opened) == 0 || len(g.Closed) != 0 {
		t.Fatalf("a first deploy opens nothing: %+v", g)
	}
	if !strings.Contains(g.Blocked(false), "--allow-exposure") || g.Blocked(true) != "" {
		t.Errorf("blocked: %q / %q", g.Blocked(false), g.Blocked(true))
	}
	// Deployed without the HTTP listener's rule: this deploy opens
	// tcp/80 and nothing else, and going back closes it.
	old, _ := imported(t, "../examples/webapp.yaml")
	dropped := 0
	for i := range old.SecurityGroups {
		sg := &old.SecurityGroups[i]
		var keep []model.SGRule
		for _, r := range sg.Ingress {
			if r.Ports.From == 80 && r.Peer.Kind == model.PeerCIDR {
				dropped++
				continue
			}
			keep = append(keep, r)
		}
		sg.Ingress = keep
	}
	if dropped == 0 {
		t.Fatal("webapp has no HTTP ingress rule to drop")
	}
	g = awslive.ExposureGate(old, next, name)
	if strings.Join(g.Opened, ";") != "internet -> alb tcp/80 becomes reachable" || len(g.Closed) != 0 {
		t.Errorf("opening :80: %+v", g)
	}
	g = awslive.ExposureGate(next, old, name)
	if strings.Join(g.Closed, ";") != "internet -> alb tcp/80 is no longer reachable" || len(g.Opened) != 0 {
		t.Errorf("closing :80: %+v", g)
	}
	// The listener on :80 is then unreachable: verify fails, and the
	// gate refuses even with --allow-exposure.
	if len(g.Failed) == 0 || !strings.Contains(g.Blocked(true), "fails 1 of its checks") {
		t.Errorf("a network that fails verify: failed %d, blocked %q", len(g.Failed), g.Blocked(true))
	}
}
