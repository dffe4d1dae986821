package twin_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

// TestPlanStaysInside checks the network-safety promises on every
// example: every link joins two of the twin's own namespaces, every name
// carries the stack's prefix, and every address outside the VPCs comes
// from an RFC 5737 documentation range (IPv6: RFC 3849's 2001:db8::/32).
func TestPlanStaysInside(t *testing.T) {
	doc := []netip.Prefix{twin.PublicRange, twin.ServiceRange, netip.MustParsePrefix("203.0.113.0/24")}
	inDoc := func(a netip.Addr) bool {
		for _, p := range doc {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	doc6 := netip.MustParsePrefix("2001:db8::/32")
	for _, path := range append(append(examples(t), hubSpecs...), dualStack) {
		n := network(t, path)
		p, ds := twin.Build(n, n.Name)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		prefix := twin.StackPrefix(p.Stack)
		ns := map[string]bool{}
		for _, x := range p.Namespaces {
			if !strings.HasPrefix(x.Name, prefix) {
				t.Errorf("%s: namespace %s lacks the prefix %s", path, x.Name, prefix)
			}
			ns[x.Name] = true
		}
		for _, v := range p.Veths {
			if !ns[v.NS] || !ns[v.PeerNS] {
				t.Errorf("%s: veth %s joins a namespace outside the twin: %s, %s", path, v.Name, v.NS, v.PeerNS)
			}
			for _, name := range []string{v.Name, v.PeerName} {
				if !strings.HasPrefix(name, p.LinkPrefix) || len(name) > 15 {
					t.Errorf("%s: link name %q must start with %s and fit in 15 bytes", path, name, p.LinkPrefix)
				}
			}
		}
		for _, h := range p.Hosts {
			if h.PublicIP.IsValid() && !twin.PublicRange.Contains(h.PublicIP) {
				t.Errorf("%s: %s public %s is outside %s", path, h.Name, h.PublicIP, twin.PublicRange)
			}
			if (h.Role == twin.RoleInternet || h.Role == twin.RoleAWS || h.Role == twin.RoleFrontDoor) && !inDoc(h.IP) {
				t.Errorf("%s: %s at %s is outside the documentation ranges", path, h.Name, h.IP)
			}
			if h.IPv6.IsValid() && !doc6.Contains(h.IPv6) {
				t.Errorf("%s: %s IPv6 %s is outside %s", path, h.Name, h.IPv6, doc6)
			}
		}
		// Every IPv6 address or prefix an ip line names is documentation
		// space too (link-local aside, which never leaves a link).
		v6 := 0
		for _, x := range p.Namespaces {
			for _, l := range append(append([]string(nil), x.IP...), x.IP6...) {
				for _, f := range strings.Fields(l) {
					a, err := netip.ParseAddr(strings.Split(f, "/")[0])
					if err != nil || !a.Is6() || a.IsLoopback() {
						continue
					}
					v6++
					if !doc6.Contains(a) {
						t.Errorf("%s: %s: %q names %s, outside %s", path, x.Name, l, a, doc6)
					}
				}
			}
		}
		if path == dualStack && v6 == 0 {
			t.Errorf("%s: the dual-stack twin names no IPv6 address", path)
		}
	}
}

func TestSanitizeStack(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"webapp", "webapp"},
		{"Web.App", "web-app"},
		{"--x--", "x"},
		{strings.Repeat("a", 40), strings.Repeat("a", 32)},
	} {
		got, err := twin.SanitizeStack(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("SanitizeStack(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := twin.SanitizeStack("..."); err == nil {
		t.Error("a name without letters or digits must be refused")
	}
}

// TestBuildOddNetworks: no panic and a clear error or warning on networks
// the twin cannot fully run.
func TestBuildOddNetworks(t *testing.T) {
	if _, ds := twin.Build(nil, "x"); !ds.HasErrors() {
		t.Error("nil network: want an error")
	}
	if _, ds := twin.Build(&model.Network{}, "x"); !ds.HasErrors() {
		t.Error("no VPC: want an error")
	}
	n := &model.Network{
		VPCs:    []model.VPC{{Addr: "vpc/a", CIDR: netip.MustParsePrefix("10.1.0.0/16")}},
		Subnets: []model.Subnet{{Addr: "subnet/a", VPC: "vpc/a", CIDR: netip.MustParsePrefix("10.1.0.0/24"), RouteTable: "rtb/a"}},
		RouteTables: []model.RouteTable{{Addr: "rtb/a", VPC: "vpc/a", Routes: []model.Route{
			{Dest: netip.MustParsePrefix("10.2.0.0/16"), TargetKind: model.TargetPeering, Target: "pcx/x"},
			{Dest: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: model.TargetIGW, Target: "igw/none"},
		}}},
		ENIs: []model.ENI{
			{Addr: "eni/a", Subnet: "subnet/a", PrivateIP: netip.MustParseAddr("10.9.9.9")},
			{Addr: "eni/b", Subnet: "subnet/a", SecurityGroups: []model.ResourceRef{"sg/missing"}},
		},
	}
	p, ds := twin.Build(n, "odd")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if len(p.Warnings) < 3 {
		t.Errorf("want warnings for the peering route, the missing gateway, the bad address and the missing group; got %q", p.Warnings)
	}
}
