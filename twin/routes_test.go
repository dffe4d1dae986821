package twin_test

import (
	"testing"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

// A route table may list a propagated route to the same prefix as a
// static one, in any order; AWS uses the static route ("If the destination
// of a propagated route is identical to the destination of a static route,
// the static route takes priority",
// https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html),
// as the analyzer does. The twin used to keep whichever came first, so a
// propagated VPN default route listed first blackholed the private
// subnets' way out through NAT.
func TestPropagatedRouteLosesToStatic(t *testing.T) {
	n := network(t, "../examples/webapp.yaml")
	want, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i := range n.RouteTables {
		rt := &n.RouteTables[i]
		for _, r := range rt.Routes {
			if r.Dest.IsValid() && r.Dest.Bits() == 0 && (r.TargetKind == model.TargetNATGateway || r.TargetKind == model.TargetENI) {
				vpn := model.Route{Dest: r.Dest, TargetKind: model.TargetVGW, Target: "vgw/corp", Origin: model.RouteOriginPropagated}
				rt.Routes = append([]model.Route{vpn}, rt.Routes...)
				changed++
				break
			}
		}
	}
	if changed == 0 {
		t.Fatal("webapp has no private route table with a default route to NAT")
	}
	got, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != want.Text() {
		t.Errorf("a propagated route listed before a static one to the same prefix changed the twin's plan (%d tables)", changed)
	}
}

// The same holds in a Transit Gateway route table: a static route beats
// a propagated one to the same destination
// (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html#tgw-route-evaluation-overview),
// as the analyzer takes it; the twin kept the first listed.
func TestTGWPropagatedRouteLosesToStatic(t *testing.T) {
	n := network(t, "../testdata/golden/hub-and-spoke.yaml")
	want, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i := range n.TGWRouteTables {
		rt := &n.TGWRouteTables[i]
		for _, r := range rt.Routes {
			if !r.Dest.IsValid() || r.Propagated || r.Blackhole {
				continue
			}
			// Propagated from some other attachment of the table.
			for _, a := range n.TGWAttachments {
				if a.Addr != r.Attachment {
					rt.Routes = append([]model.TGWRoute{{Dest: r.Dest, Attachment: a.Addr, Propagated: true}}, rt.Routes...)
					changed++
					break
				}
			}
			break
		}
	}
	if changed == 0 {
		t.Fatal("the hub has no Transit Gateway table with a static route")
	}
	got, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != want.Text() {
		t.Errorf("a propagated Transit Gateway route listed before a static one to the same prefix changed the twin's plan (%d tables)", changed)
	}
}
