package compile

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

// ownedENIs counts the interfaces whose owner's address starts with prefix.
func ownedENIs(n *model.Network, prefix string) int {
	c := 0
	for _, e := range n.ENIs {
		if strings.HasPrefix(string(e.Owner), prefix) {
			c++
		}
	}
	return c
}

func TestWorkloadENIs(t *testing.T) {
	n := build(t, webapp())
	want := map[model.ResourceRef]netip.Addr{
		"eni/alb/use1-az1":     netip.MustParseAddr("10.0.160.10"),
		"eni/service/use1-az2": netip.MustParseAddr("10.0.16.10"),
		"eni/db/use1-az4":      netip.MustParseAddr("10.0.136.10"),
	}
	for a, ip := range want {
		e, ok := n.ENI(a)
		if !ok {
			t.Errorf("no %s", a)
			continue
		}
		if e.PrivateIP != ip {
			t.Errorf("%s: IP %s, want %s", a, e.PrivateIP, ip)
		}
	}
	alb, _ := n.ENI("eni/alb/use1-az1")
	if !alb.HasPublicIP || len(alb.SecurityGroups) != 1 || alb.SecurityGroups[0] != SGALB || alb.Owner != "alb" {
		t.Errorf("alb interface = %+v", alb)
	}
	db, _ := n.ENI("eni/db/use1-az1")
	if db.HasPublicIP || db.SecurityGroups[0] != SGDB {
		t.Errorf("db interface = %+v", db)
	}
	if got := ownedENIs(n, "service"); got != 3 {
		t.Errorf("%d service interfaces, want one per zone", got)
	}
	if len(n.LoadBalancers[0].ENIs) != 3 {
		t.Errorf("load balancer lists %v", n.LoadBalancers[0].ENIs)
	}
}

func TestStandinIP(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/28")
	if got := standinIP(p, 10); got != netip.MustParseAddr("10.0.0.10") {
		t.Errorf("got %s", got)
	}
	if got := standinIP(p, 15); got.IsValid() {
		t.Errorf("offset past the broadcast address gave %s", got)
	}
	if got := standinIP(netip.MustParsePrefix("2001:db8::/64"), 10); got.IsValid() {
		t.Errorf("IPv6 gave %s", got)
	}
}
