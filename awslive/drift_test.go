package awslive_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/model"
)

// TestDriftBetweenGroups: drift is reachability between the design's own
// groups too, not only from the internet, proved on every port: ACLs
// opened wide change nothing the groups hold, a database group widened by
// hand opens exactly what the service's own egress lets through, and the
// designed rule revoked is closed live.
func TestDriftBetweenGroups(t *testing.T) {
	design, _ := imported(t, "../examples/webapp.yaml")
	match := awslive.DesignGroups(design, nil)
	same, _ := imported(t, "../examples/webapp.yaml")
	r := awslive.Drift(design, same, match)
	if r.Drifted() {
		t.Fatalf("the design against itself drifts: %+v", r)
	}
	t.Logf("not compared: %q", r.NotCompared)

	// Every ACL opened wide by hand: nothing more is reachable, as the
	// groups hold every path the ACLs do (checked on every address and
	// port, not a sample).
	live, _ := imported(t, "../examples/webapp.yaml")
	all := netip.MustParsePrefix("0.0.0.0/0")
	for i := range live.NetworkACLs {
		live.NetworkACLs[i].Entries = append([]model.NACLEntry{
			{RuleNumber: 1, Protocol: model.AllProtocols, CIDR: all, Action: model.Allow},
			{RuleNumber: 1, Egress: true, Protocol: model.AllProtocols, CIDR: all, Action: model.Allow},
		}, live.NetworkACLs[i].Entries...)
	}
	if r = awslive.Drift(design, live, match); r.Drifted() {
		t.Errorf("ACLs opened wide: %+v, want no drift", r)
	}
	// The database's group widened by hand to every port from the
	// service: the service's own group sends tcp/443 anywhere (AWS APIs
	// through NAT) and 5432 to the database, so tcp/443 to the database
	// is open live, and nothing else.
	live, _ = imported(t, "../examples/webapp.yaml")
	db, svc := dbGroups(t, live)
	db.Ingress = append(db.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.PortRange{From: 0, To: 65535}, Peer: model.Peer{Kind: model.PeerGroup, Group: svc.Addr}})
	opened := svc.Addr.String() + " -> " + db.Addr.String() + " tcp/443 is open live; the design does not allow it"
	if r = awslive.Drift(design, live, match); strings.Join(r.Opened, "\n") != opened || len(r.Closed) != 0 {
		t.Errorf("db group widened: opened %q, closed %q; want opened %q", r.Opened, r.Closed, opened)
	}
	// The designed rule revoked: the service no longer reaches the
	// database on tcp/5432.
	live, _ = imported(t, "../examples/webapp.yaml")
	db, svc = dbGroups(t, live)
	db.Ingress = slices.DeleteFunc(db.Ingress, func(in model.SGRule) bool { return in.Peer.Group == svc.Addr })
	want := svc.Addr.String() + " -> " + db.Addr.String() + " tcp/5432 is allowed by the design and closed live"
	if r = awslive.Drift(design, live, match); strings.Join(r.Closed, "\n") != want || len(r.Opened) != 0 {
		t.Errorf("5432 revoked: closed %q, opened %q; want closed %q", r.Closed, r.Opened, want)
	}
}

// dbGroups finds webapp's database group and the service group it admits
// on 5432.
func dbGroups(t *testing.T, n *model.Network) (db, svc *model.SecurityGroup) {
	t.Helper()
	for i := range n.SecurityGroups {
		sg := &n.SecurityGroups[i]
		for _, in := range sg.Ingress {
			if in.Ports.From == 5432 && in.Peer.Kind == model.PeerGroup {
				if s, ok := n.SecurityGroup(in.Peer.Group); ok {
					return sg, s
				}
			}
		}
	}
	t.Fatal("webapp's database group admits no group on 5432")
	return nil, nil
}
