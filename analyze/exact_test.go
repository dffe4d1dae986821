package analyze

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

// These pin what sampling got wrong: one host standing for a subnet, one
// internet host for the internet, one client port for all. Each case is a
// network whose answer AWS's documentation settles; the page is cited.

// A security group rule that admits a /28 of a private subnet lets that
// /28 reach the database, whatever the rest of the subnet does. Security
// groups allow by source CIDR
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
// Sampling probed the subnet from .254 only and proved "db is reached only
// from the service".
func TestSubnetSliceReachesDatabase(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	g, _ := n.SecurityGroup("sg/db")
	g.Ingress = append(g.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(5432), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("10.0.0.16/28")}})
	ix := NewIndex(n)
	c := checkNamed(ix.Verify(nil), "db is reached on tcp/5432 only from service")
	if c.OK {
		t.Fatal("proved although 10.0.0.16/28 reaches the database")
	}
	if !strings.Contains(c.Detail, "10.0.0.16/28 of subnet/private/use1-az1 reaches eni/db/") {
		t.Errorf("the counterexample does not name the /28: %s", c.Detail)
	}

	a, err := ix.Reach(Question{From: "subnet/private/use1-az1", To: "eni/db/use1-az1", Port: 5432})
	if err != nil {
		t.Fatal(err)
	}
	reached := reachingSources(a)
	// The /28 and the service task's own stand-in address (10.0.0.10,
	// held by eni/service/use1-az1, which sg/service admits).
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.10/32"), netip.MustParsePrefix("10.0.0.16/28")}
	if !slices.Equal(reached, want) {
		t.Errorf("reached from %v, want %v", reached, want)
	}
	if a.Verdict != Partial {
		t.Errorf("verdict %s, want partial", a.Verdict)
	}
}

// A load balancer open only to 198.51.100.0/24 keeps the user's
// restriction: verify proves that range reaches it and nothing else of
// the internet does (sampling tried 203.0.113.10, failed, and proposed
// opening the listener to it).
func TestAllowFromIsProved(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../examples/webapp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "frontend:\n", "frontend:\n  allow_from: [198.51.100.0/24]\n", 1)
	path := filepath.Join(dir, "stack.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(testnet.Compile(t, path))
	for _, c := range ix.Verify(nil) {
		if !c.OK {
			t.Errorf("%s: %s", c.Intent, c.Detail)
		}
	}
	a, err := ix.Reach(Question{From: "internet", To: "alb", Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	reached := reachingSources(a)
	slices.SortFunc(reached, netip.Prefix.Compare)
	reached = slices.Compact(reached)
	if want := []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}; !slices.Equal(reached, want) {
		t.Errorf("the internet reaches the ALB from %v, want %v", reached, want)
	}
}

// A stateless NACL checks the reply to the client's port. moat's private
// NACL denies inbound tcp/8080 from anywhere (the service port), so a
// client that picked 8080 as its own port gets no reply; Linux clients
// pick from 32768-60999 (the kernel's default ip_local_port_range; AWS's
// page says "many Linux kernels ... use ports 32768-61000"), which the
// rule leaves alone
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
// Sampling tried client port 49152 only and could not tell.
func TestClientPortRange(t *testing.T) {
	ix := NewIndex(compiled(t, "examples/webapp.yaml"))
	a, err := ix.Reach(Question{From: "service", To: "s3", Port: 443, SrcPorts: Ports(EphemeralPorts)})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != Partial {
		t.Fatalf("verdict %s over client ports 1024-65535, want partial", a.Verdict)
	}
	for _, p := range a.Paths {
		if !p.Reachable && (!p.Class.SrcPorts.Equal(Ports(model.Port(8080))) || p.Blockers[0].Resource != "nacl/private") {
			t.Errorf("blocked class %s by %+v, want client port 8080 by nacl/private", ClassText(p), p.Blockers)
		}
	}
	a, err = ix.Reach(Question{From: "service", To: "s3", Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != Reachable {
		t.Errorf("verdict %s over Linux's client ports, want reachable", a.Verdict)
	}
}

// The internet is a set: a public range a route table sends to a Transit
// Gateway (an on-premises network behind it) is not the internet, and the
// answer says so.
func TestInternetLeavesOutRoutedRanges(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	rt, _ := n.RouteTable("rtb/public")
	rt.Routes = append(rt.Routes, model.Route{Dest: netip.MustParsePrefix("203.0.113.0/24"), TargetKind: model.TargetTGW, Target: "tgw/main"})
	ix := NewIndex(n)
	v4, _ := ix.Internet()
	if v4.Contains(netip.MustParseAddr("203.0.113.10")) {
		t.Error("203.0.113.10 is routed to a Transit Gateway, yet counts as the internet")
	}
	for _, a := range []string{"198.51.100.10", "8.8.8.8"} {
		if !v4.Contains(netip.MustParseAddr(a)) {
			t.Errorf("%s is not in the internet", a)
		}
	}
	for _, a := range []string{"10.0.0.1", "100.64.0.1", "192.168.1.1", "169.254.169.254", "224.0.0.1", "198.18.0.3"} {
		if v4.Contains(netip.MustParseAddr(a)) {
			t.Errorf("%s counts as the internet", a)
		}
	}
	found := false
	for _, e := range ix.internet().except {
		if e.prefix == netip.MustParsePrefix("203.0.113.0/24") && strings.Contains(e.why, "rtb/public sends it to tgw/main") {
			found = true
		}
	}
	if !found {
		t.Errorf("the exception is not explained: %+v", ix.internet().except)
	}
}

// A route to a customer prefix list routes each of its entries
// (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html):
// a public range in a list a route table sends to a Transit Gateway is no
// more the internet than one the table names. The internet used to be cut
// by CIDR routes only.
func TestInternetLeavesOutPrefixListRoutes(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	n.PrefixLists = append(n.PrefixLists, model.PrefixList{Addr: "pl/corp", ID: "pl-corp", Name: "corp", Entries: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}})
	rt, _ := n.RouteTable("rtb/public")
	rt.Routes = append(rt.Routes, model.Route{DestPrefixList: "pl-corp", TargetKind: model.TargetTGW, Target: "tgw/main"})
	ix := NewIndex(n)
	v4, _ := ix.Internet()
	if v4.Contains(netip.MustParseAddr("203.0.113.10")) {
		t.Error("203.0.113.10 is routed to a Transit Gateway by prefix list pl-corp, yet counts as the internet")
	}
	if !v4.Contains(netip.MustParseAddr("198.51.100.10")) {
		t.Error("198.51.100.10 is not in the internet")
	}
}

// An isolated subnet whose NACL lets one port out proves nothing on the
// common ports: the exact check covers every port. Sampling tried 443, 80
// and udp/53 only.
func TestIsolatedEveryPort(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	rt, _ := n.RouteTable("rtb/isolated")
	rt.Routes = append(rt.Routes, model.Route{Dest: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: model.TargetIGW, Target: "igw/main"})
	acl, _ := n.NetworkACL("nacl/isolated")
	// Everything out and in is denied but tcp/9418 (git) and its replies.
	acl.Entries = []model.NACLEntry{
		{RuleNumber: 100, Egress: true, Protocol: model.TCP, Ports: model.Port(9418), CIDR: netip.MustParsePrefix("0.0.0.0/0"), Action: model.Allow},
		{RuleNumber: 100, Protocol: model.TCP, Ports: EphemeralPorts, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Action: model.Allow},
	}
	c := checkNamed(NewIndex(n).Verify(nil), "subnet/isolated/use1-az1 reaches nothing outside the VPC")
	if c.OK {
		t.Fatal("proved although tcp/9418 gets out")
	}
	if !strings.Contains(c.Detail, "9418") {
		t.Errorf("the counterexample does not name tcp/9418: %s", c.Detail)
	}
}

// Unknown is never safe. A rule that names a group the input does not
// define (another account's, referenced across a peering connection as
// 123456789012/sg-..., is allowed by AWS:
// https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html)
// may admit anyone that group holds: "db only from the service" is then
// not proved. Sampling counted the unknown group as matching nothing, so
// as safe.
func TestUnknownGroupIsNotProved(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	g, _ := n.SecurityGroup("sg/db")
	g.Ingress = append(g.Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(5432), Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/sg-0abc-other-account"}})
	c := checkNamed(NewIndex(n).Verify(nil), "db is reached on tcp/5432 only from service")
	if c.OK || !c.NotProved {
		t.Fatalf("ok=%t not proved=%t, want not proved: %s", c.OK, c.NotProved, c.Detail)
	}
	if len(c.Unknown) == 0 || !strings.Contains(c.Unknown[0], "sg/sg-0abc-other-account") {
		t.Errorf("the reason does not name the group: %q", c.Unknown)
	}
}

// A subnet whose network ACL is not in the input is not assumed open or
// closed: claims through it are not proved.
func TestMissingACLIsNotProved(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	n.NetworkACLs = slices.DeleteFunc(n.NetworkACLs, func(a model.NetworkACL) bool { return a.Addr == "nacl/isolated" })
	for i := range n.Subnets {
		if n.Subnets[i].NACL == "nacl/isolated" {
			n.Subnets[i].NACL = ""
		}
	}
	notProved := 0
	for _, c := range NewIndex(n).Verify(nil) {
		if c.NotProved {
			notProved++
			if !strings.Contains(c.Detail, "has no network ACL in the input") {
				t.Errorf("%s: %s", c.Intent, c.Detail)
			}
		}
	}
	if notProved == 0 {
		t.Error("every check proved although the isolated subnets' ACL is unknown")
	}
}

// Nothing private crosses the internet: a private address of another
// Region's VPC is not reached by the default route to an internet
// gateway, even when an interface there holds it (RFC 1918 addresses are
// not routed on the internet; an internet gateway translates only to and
// from public addresses:
// https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html).
func TestPrivateAddressDoesNotCrossTheInternet(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	n.VPCs = append(n.VPCs, model.VPC{Addr: "vpc/other", CIDR: netip.MustParsePrefix("10.99.0.0/16"), Region: "eu-west-1"})
	n.Subnets = append(n.Subnets, model.Subnet{Addr: "subnet/other", VPC: "vpc/other", ZoneID: "euw1-az1", CIDR: netip.MustParsePrefix("10.99.0.0/24"), IPv6Index: -1})
	n.SecurityGroups = append(n.SecurityGroups, model.SecurityGroup{Addr: "sg/other", VPC: "vpc/other",
		Ingress: []model.SGRule{{Protocol: model.AllProtocols, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}})
	n.ENIs = append(n.ENIs, model.ENI{Addr: "eni/other", Subnet: "subnet/other", PrivateIP: netip.MustParseAddr("10.99.0.10"), SecurityGroups: []model.ResourceRef{"sg/other"}})
	a := reach(t, NewIndex(n), "eni/nat/use1-az1", "10.99.0.10", model.TCP, 443)
	if a.Verdict != Blocked {
		t.Fatalf("verdict %s: %s", a.Verdict, a.Paths[0].Summary())
	}
	found := false
	for _, b := range a.Blockers() {
		if strings.Contains(b.Reason, "10.99.0.10 is a private address, not routable on the internet") {
			found = true
		}
	}
	if !found {
		t.Errorf("blocks %+v do not say the address is private", a.Blockers())
	}
}

// checkNamed is the check of checks whose intent is intent (zero if none).
func checkNamed(checks []Check, intent string) Check {
	for _, c := range checks {
		if c.Intent == intent {
			return c
		}
	}
	return Check{}
}

// reachingSources is every source prefix of an answer's reachable classes.
func reachingSources(a Answer) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range a.Paths {
		if p.Reachable {
			out = append(out, p.Class.Src...)
		}
	}
	return out
}
