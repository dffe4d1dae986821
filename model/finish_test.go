package model

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/diag"
)

// twoTables is a VPC with a main table, a second table and a default ACL,
// and two subnets: subnet/a associated with rtb/b explicitly, subnet/c
// with nothing.
func twoTables() *Network {
	return &Network{
		VPCs: []VPC{{Addr: "vpc/v", CIDR: netip.MustParsePrefix("10.0.0.0/16")}},
		Subnets: []Subnet{
			{Addr: "subnet/a", VPC: "vpc/v", CIDR: netip.MustParsePrefix("10.0.1.0/24")},
			{Addr: "subnet/c", VPC: "vpc/v", CIDR: netip.MustParsePrefix("10.0.2.0/24")},
		},
		RouteTables: []RouteTable{{Addr: "rtb/main", VPC: "vpc/v", Main: true}, {Addr: "rtb/b", VPC: "vpc/v"}},
		NetworkACLs: []NetworkACL{{Addr: "nacl/default", VPC: "vpc/v", Default: true}},
	}
}

func summaries(d diag.List) []string {
	var out []string
	for _, x := range d {
		out = append(out, x.Severity.String()+": "+x.Summary)
	}
	return out
}

// AWS: "Each subnet in your VPC must be associated with a route table ...
// A subnet can only be associated with one route table at a time", and a
// subnet not explicitly associated uses the main route table; the same
// holds for network ACLs and the default ACL.
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
func TestFinishMakesImplicitAssociationsExplicit(t *testing.T) {
	in := twoTables()
	n, d := Finish(Input{Network: in, RouteTableClaims: []Claim{{Subnet: "subnet/a", By: "rtb/b"}}})
	if n == nil || len(d) != 0 {
		t.Fatalf("Finish: %v", summaries(d))
	}
	a, _ := n.Subnet("subnet/a")
	c, _ := n.Subnet("subnet/c")
	if a.RouteTable != "rtb/b" || c.RouteTable != "rtb/main" || a.NACL != "nacl/default" || c.NACL != "nacl/default" {
		t.Errorf("associations: a %s %s, c %s %s", a.RouteTable, a.NACL, c.RouteTable, c.NACL)
	}
	if rt, implicit := n.RouteTableOf(c); rt == nil || rt.Addr != "rtb/main" || implicit {
		t.Errorf("RouteTableOf(subnet/c) = %v, %v: want rtb/main, stored", rt, implicit)
	}
	if got := n.RouteTableSubnets("rtb/main"); !slices.Equal(got, []ResourceRef{"subnet/c"}) {
		t.Errorf("RouteTableSubnets(rtb/main) = %v", got)
	}
	if got := n.ACLSubnets("nacl/default"); !slices.Equal(got, []ResourceRef{"subnet/a", "subnet/c"}) {
		t.Errorf("ACLSubnets = %v", got)
	}
	if !n.Finished() {
		t.Error("not indexed")
	}
	// A network whose lists are replaced is scanned, not answered from a
	// stale index.
	n.Subnets = append(slices.Clone(n.Subnets), Subnet{Addr: "subnet/d", VPC: "vpc/v", RouteTable: "rtb/b"})
	if n.Finished() || !slices.Equal(n.RouteTableSubnets("rtb/b"), []ResourceRef{"subnet/a", "subnet/d"}) {
		t.Errorf("after a change: finished %v, rtb/b serves %v", n.Finished(), n.RouteTableSubnets("rtb/b"))
	}
}

func TestUnfinishedNetworkResolvesImplicitly(t *testing.T) {
	n := twoTables()
	rt, implicit := n.RouteTableOf(&n.Subnets[1])
	acl, implicitACL := n.ACLOf(&n.Subnets[1])
	if rt == nil || rt.Addr != "rtb/main" || !implicit || acl == nil || acl.Addr != "nacl/default" || !implicitACL {
		t.Errorf("RouteTableOf = %v %v, ACLOf = %v %v", rt, implicit, acl, implicitACL)
	}
}

func TestFinishReportsConflictsAndDanglingReferences(t *testing.T) {
	at := func(line int) diag.Range { return diag.Range{File: "t.yaml", Start: diag.Pos{Line: line, Column: 3}} }
	tests := []struct {
		name  string
		edit  func(n *Network, in *Input)
		want  string
		fails bool
	}{
		{"a subnet claimed by two route tables names both", func(n *Network, in *Input) {
			in.RouteTableClaims = []Claim{{Subnet: "subnet/a", By: "rtb/b", At: at(1)}, {Subnet: "subnet/a", By: "rtb/main", At: at(2)}}
		}, "error: subnet subnet/a is associated with both route table rtb/b and route table rtb/main", true},
		{"the subnet's own field and a claim disagree", func(n *Network, in *Input) {
			n.Subnets[0].NACL = "nacl/default"
			n.NetworkACLs = append(n.NetworkACLs, NetworkACL{Addr: "nacl/x", VPC: "vpc/v"})
			in.ACLClaims = []Claim{{Subnet: "subnet/a", By: "nacl/x", At: at(4)}}
		}, "error: subnet subnet/a is associated with both network ACL nacl/default and network ACL nacl/x", true},
		{"the same claim twice is one association", func(n *Network, in *Input) {
			in.RouteTableClaims = []Claim{{Subnet: "subnet/a", By: "rtb/b"}, {Subnet: "subnet/a", By: "rtb/b"}}
		}, "", false},
		{"a claim on a missing subnet", func(n *Network, in *Input) {
			in.RouteTableClaims = []Claim{{Subnet: "subnet/gone", By: "rtb/b"}}
		}, "warning: route table rtb/b is associated with subnet subnet/gone, which the input does not describe", false},
		{"a missing route table", func(n *Network, in *Input) {
			in.RouteTableClaims = []Claim{{Subnet: "subnet/a", By: "rtb/gone"}}
		}, "warning: subnet subnet/a: route table rtb/gone is not in the input", false},
		{"a missing security group", func(n *Network, in *Input) {
			n.ENIs = []ENI{{Addr: "eni/x", Subnet: "subnet/a", SecurityGroups: []ResourceRef{"sg/gone"}}}
		}, "warning: 1 referenced security groups are in no input: sg/gone", false},
		{"duplicate addresses", func(n *Network, in *Input) {
			n.RouteTables = append(n.RouteTables, RouteTable{Addr: "rtb/b"})
		}, "error: rtb/b is defined twice (RouteTables)", true},
		{"a subnet outside its VPC", func(n *Network, in *Input) {
			n.Subnets[1].CIDR = netip.MustParsePrefix("10.1.0.0/24")
		}, "error: subnet subnet/c 10.1.0.0/24 is outside VPC vpc/v 10.0.0.0/16", true},
		{"a subnet in a secondary block", func(n *Network, in *Input) {
			n.VPCs[0].SecondaryCIDRs = []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}
			n.Subnets[1].CIDR = netip.MustParsePrefix("10.1.0.0/24")
		}, "", false},
		{"two interfaces with one address in a VPC", func(n *Network, in *Input) {
			ip := netip.MustParseAddr("10.0.1.10")
			n.ENIs = []ENI{{Addr: "eni/x", Subnet: "subnet/a", PrivateIP: ip}, {Addr: "eni/y", Subnet: "subnet/a", PrivateIP: ip}}
		}, "warning: interfaces eni/x and eni/y both hold 10.0.1.10 in vpc/v", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := twoTables()
			in := Input{Network: n}
			tt.edit(n, &in)
			got, d := Finish(in)
			if (got == nil) != tt.fails {
				t.Errorf("network nil = %v, want %v", got == nil, tt.fails)
			}
			s := strings.Join(summaries(d), "\n")
			if s != tt.want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", s, tt.want)
			}
		})
	}
}

// Two accounts' VPCs both use 10.0.0.0/16: an address names an interface
// only inside one VPC.
func TestInterfaceAtIsPerVPC(t *testing.T) {
	ip := netip.MustParseAddr("10.0.0.10")
	n := &Network{
		VPCs: []VPC{{Addr: "vpc/a", CIDR: netip.MustParsePrefix("10.0.0.0/16"), Account: "111111111111"},
			{Addr: "vpc/b", CIDR: netip.MustParsePrefix("10.0.0.0/16"), Account: "222222222222"}},
		Subnets: []Subnet{{Addr: "subnet/a", VPC: "vpc/a", CIDR: netip.MustParsePrefix("10.0.0.0/24")},
			{Addr: "subnet/b", VPC: "vpc/b", CIDR: netip.MustParsePrefix("10.0.0.0/24")}},
		ENIs: []ENI{{Addr: "eni/a", Subnet: "subnet/a", PrivateIP: ip}, {Addr: "eni/b", Subnet: "subnet/b", PrivateIP: ip}},
	}
	check := func(net *Network) {
		for vpc, want := range map[ResourceRef]ResourceRef{"vpc/a": "eni/a", "vpc/b": "eni/b"} {
			if e, ok := net.InterfaceAt(vpc, ip); !ok || e.Addr != want {
				t.Errorf("finished %v: InterfaceAt(%s, %s) = %v, want %s", net.Finished(), vpc, ip, e, want)
			}
		}
	}
	check(n)
	f, d := Finish(Input{Network: n})
	if f == nil || !f.Finished() || len(d) != 0 {
		t.Fatalf("Finish: %v", summaries(d))
	}
	check(f)
}

func TestTierOf(t *testing.T) {
	n := twoTables()
	n.RouteTables[1].Routes = []Route{{Dest: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: TargetIGW, Target: "igw/v"}}
	n.Subnets[0].RouteTable = "rtb/b"
	n.Subnets = append(n.Subnets, Subnet{Addr: "subnet/d", VPC: "vpc/v", Tier: Private})
	for i, want := range []Tier{Public, Isolated, Private} {
		if got := n.TierOf(&n.Subnets[i]); got != want {
			t.Errorf("TierOf(%s) = %s, want %s", n.Subnets[i].Addr, got, want)
		}
	}
}

func TestCoverageCheck(t *testing.T) {
	c := Coverage{}
	for _, k := range Kinds() {
		c[k] = By("x")
	}
	if p := c.Check(); len(p) != 0 {
		t.Errorf("a full table: %v", p)
	}
	delete(c, "Subnets")
	c["Gadgets"] = Skip("no such kind")
	c["VPCs"] = Handling{}
	want := []string{"Gadgets is no list of model.Network", "kind Subnets is not in the table: say which code handles it, or why none does", "kind VPCs has neither a handler nor a reason"}
	if p := c.Check(); !slices.Equal(p, want) {
		t.Errorf("Check = %q, want %q", p, want)
	}
	if !slices.Contains(Kinds(), "TargetGroups") || slices.Contains(Kinds(), "Name") {
		t.Errorf("Kinds = %v", Kinds())
	}
}

// A list sorted in place after Finish moves elements under the index; the
// lookups notice and scan.
func TestLookupsSurviveAnInPlaceSort(t *testing.T) {
	n, _ := Finish(Input{Network: twoTables()})
	slices.SortFunc(n.RouteTables, func(a, b RouteTable) int { return strings.Compare(string(a.Addr), string(b.Addr)) })
	if rt, ok := n.RouteTable("rtb/main"); !ok || rt.Addr != "rtb/main" || !rt.Main {
		t.Errorf("RouteTable(rtb/main) = %+v", rt)
	}
}
