package twin_test

import (
	"net/netip"
	"strings"
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

// A VPC attachment propagating into a Transit Gateway table gives it a
// route to every CIDR block of the VPC, secondary blocks too ("Use route
// propagation to add a route from an attachment to a route table",
// https://docs.aws.amazon.com/vpc/latest/tgw/enable-tgw-route-propagation.html),
// as the analyzer takes it (rules.CompileTGWTable). The twin added the
// primary block only, so a spoke's secondary block was unreachable
// through the hub in the twin and reachable in the analyzer.
func TestTGWPropagatesSecondaryBlocks(t *testing.T) {
	n := network(t, "../testdata/golden/hub-and-spoke.yaml")
	secondary := netip.MustParsePrefix("100.64.0.0/16")
	added := false
	for _, rt := range n.TGWRouteTables {
		for _, p := range rt.Propagations {
			for _, a := range n.TGWAttachments {
				if a.Addr != p || a.Kind != model.TGWAttachVPC || added {
					continue
				}
				for i := range n.VPCs {
					if n.VPCs[i].Addr == a.VPC {
						n.VPCs[i].SecondaryCIDRs = append(n.VPCs[i].SecondaryCIDRs, secondary)
						added = true
					}
				}
			}
		}
	}
	if !added {
		t.Fatal("the hub has no Transit Gateway table a VPC attachment propagates into")
	}
	p, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text(), "route replace 100.64.0.0/16 via") {
		t.Errorf("no Transit Gateway route to the propagating VPC's secondary block %s", secondary)
	}
}

// "If propagated routes from a Site-to-Site VPN connection or Direct
// Connect connection overlap with the local route for your VPC, the
// local route is most preferred even if the propagated routes are more
// specific"
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html),
// as the analyzer takes it. The twin installed the more specific
// propagated route, a blackhole for a gateway it does not run, and so
// cut subnets of its own VPC off from each other.
func TestPropagatedRouteLosesToLocal(t *testing.T) {
	n := network(t, "../examples/webapp.yaml")
	want, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n.RouteTables {
		rt := &n.RouteTables[i]
		v, ok := n.VPC(rt.VPC)
		if !ok {
			t.Fatalf("%s: no VPC", rt.Addr)
		}
		inside := netip.PrefixFrom(v.CIDR.Addr(), v.CIDR.Bits()+8)
		rt.Routes = append(rt.Routes, model.Route{Dest: inside, TargetKind: model.TargetVGW, Target: "vgw/corp", Origin: model.RouteOriginPropagated})
	}
	got, err := twin.Build(n, n.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != want.Text() {
		t.Error("a propagated route inside the VPC's block changed the twin's plan")
	}
}
