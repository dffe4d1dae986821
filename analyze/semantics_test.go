package analyze

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/model"
)

// The adversarial corpus: small networks under testdata/semantics/ whose
// answers AWS's documentation settles, one or more per documented
// behaviour (docs/reach.md, "AWS behaviour this follows"). Each test
// cites the page that decides it.

// semDump loads the describe-* directory testdata/semantics/name.
func semDump(t *testing.T, name string) *Index {
	t.Helper()
	dir := filepath.Join("..", "testdata", "semantics", name)
	r, ds := awsjson.Load(os.DirFS(dir), "", name)
	if ds.HasErrors() {
		t.Fatalf("load %s: %v", name, ds)
	}
	return NewIndex(r.Network)
}

// semTemplate imports the CloudFormation template
// testdata/semantics/name.yaml.
func semTemplate(t *testing.T, name string) *Index {
	t.Helper()
	path := filepath.Join("..", "testdata", "semantics", name+".yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, ds := cfnimport.Parse(path, src, name)
	if ds.HasErrors() {
		t.Fatalf("import %s: %v", name, ds)
	}
	return NewIndex(n)
}

// only asks one question and expects a single path, returning it.
func only(t *testing.T, ix *Index, from, to string, proto model.Protocol, port int) Path {
	t.Helper()
	a := reach(t, ix, from, to, proto, port)
	if len(a.Paths) != 1 {
		t.Fatalf("%s -> %s: %d paths, want 1: %+v", from, to, len(a.Paths), a.Paths)
	}
	return a.Paths[0]
}

func hopsText(p Path) string {
	var b strings.Builder
	for _, hs := range [][]Hop{p.Forward, p.Return} {
		for _, h := range hs {
			b.WriteString(string(h.Resource) + " " + string(h.Kind) + " " + h.Rule + "\n")
		}
	}
	return b.String()
}

func mustReach(t *testing.T, p Path, want ...string) {
	t.Helper()
	if !p.Reachable || len(p.Unknown) > 0 {
		t.Fatalf("%s -> %s: reachable %t, unknown %v, blocks %+v\n%s", p.Flow.Src, p.Flow.Dst, p.Reachable, p.Unknown, p.Blockers, hopsText(p))
	}
	h := hopsText(p)
	for _, w := range want {
		if !strings.Contains(h, w) {
			t.Errorf("%s -> %s: no hop %q in\n%s", p.Flow.Src, p.Flow.Dst, w, h)
		}
	}
}

// TestSemanticsSecondaryCIDR: "If your VPC has more than one IPv4 CIDR
// block, your route tables contain a local route for each IPv4 CIDR
// block"
// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html),
// and a peering connection routes to any block of the peer
// (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html).
// A peer the input does not hold is not known, never "blocked".
func TestSemanticsSecondaryCIDR(t *testing.T) {
	ix := semDump(t, "secondary-cidr")
	mustReach(t, only(t, ix, "eni-a", "eni-a2", model.TCP, 443), "rtb/rtb-a route route 10.1.0.0/16 -> local")
	mustReach(t, only(t, ix, "eni-a", "eni-c", model.TCP, 443), "pcx/pcx-ab peering")
	// Outside every block of a VPC it is not the VPC's, nor the
	// internet's: 10.1.0.0/16 is left out of the internet.
	v4, _ := ix.Internet()
	if v4.Contains(netip.MustParseAddr("10.1.2.10")) {
		t.Error("the internet holds an address of vpc-a's secondary block")
	}
	p := only(t, ix, "eni-a", "10.9.0.5", model.TCP, 443)
	if p.Reachable || len(p.Unknown) == 0 {
		t.Errorf("a peer VPC the input lacks: reachable %t, unknown %v; want not known", p.Reachable, p.Unknown)
	}

	// The template form: AWS::EC2::VPCCidrBlock.
	tx := semTemplate(t, "secondary-cidr")
	mustReach(t, only(t, tx, "10.0.1.10", "10.1.2.10", model.TCP, 443), "10.1.0.0/16 -> local")
}

// TestSemanticsRoutePriority: longest prefix first; for one prefix a
// static route before a route to a prefix list before a propagated
// route (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html);
// and the local route before a more specific propagated route ("the local
// route is most preferred even if the propagated routes are more
// specific", https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html).
// The dump lists the losing route first each time.
func TestSemanticsRoutePriority(t *testing.T) {
	ix := semDump(t, "route-priority")
	// static 172.16.0.0/16 -> pcx over the propagated one to vgw-1
	mustReach(t, only(t, ix, "eni-a", "eni-p16", model.TCP, 443), "route 172.16.0.0/16 -> pcx/pcx-ap")
	// prefix list pl-17 -> pcx over the propagated 172.17.0.0/16
	mustReach(t, only(t, ix, "eni-a", "eni-p17", model.TCP, 443), "pl-17 (peer-17) -> pcx/pcx-ap")
	// static 172.18.0.0/16 -> pcx over prefix list pl-18 -> vgw-1
	mustReach(t, only(t, ix, "eni-a", "eni-p18", model.TCP, 443), "route 172.18.0.0/16 -> pcx/pcx-ap")
	// local 10.0.0.0/16 over the propagated 10.0.5.0/24
	mustReach(t, only(t, ix, "eni-a", "eni-d", model.TCP, 443), "10.0.0.0/16 -> local")
}

// TestSemanticsGWLBEndpoint: a route to a Gateway Load Balancer endpoint
// hands the packet to appliances the input does not show: the answer is
// not known, with the reason, neither reachable nor merely blocked
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/introduction.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/gwlb-route.html).
func TestSemanticsGWLBEndpoint(t *testing.T) {
	ix := semTemplate(t, "gwlb-endpoint")
	p := only(t, ix, "10.0.1.10", "10.0.2.10", model.TCP, 443)
	if p.Reachable || len(p.Unknown) == 0 || !strings.Contains(p.Unknown[0], "Gateway Load Balancer endpoint vpce/Gwlbe") {
		t.Fatalf("reachable %t, unknown %v, blocks %+v", p.Reachable, p.Unknown, p.Blockers)
	}
	// The other way the forward packet takes the local route, but the
	// reply is sent to the endpoint: not known either.
	p = only(t, ix, "10.0.2.10", "10.0.1.10", model.TCP, 443)
	if p.Reachable || len(p.Unknown) == 0 {
		t.Fatalf("reply through the endpoint: reachable %t, unknown %v", p.Reachable, p.Unknown)
	}
}

func reachQ(t *testing.T, ix *Index, q Question) Path {
	t.Helper()
	a, err := ix.Reach(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paths) != 1 {
		t.Fatalf("%s -> %s: %d paths, want 1", q.From, q.To, len(a.Paths))
	}
	return a.Paths[0]
}

// TestSemanticsICMP: a ping is an echo request (ICMP type 8; ICMPv6 type
// 128) answered by an echo reply (type 0; 129), and a stateless network
// ACL must admit each by its type, not by a port
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html,
// RFC 792, RFC 4443). ICMPv6, protocol 58, is not ICMP, protocol 1: a
// security group rule for one admits nothing of the other, whatever its
// address range
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules-reference.html,
// "Ping your instance": ICMP for IPv4, ICMPv6 for IPv6).
func TestSemanticsICMP(t *testing.T) {
	ix := semDump(t, "icmp")
	ping := func(to string, v6 bool) Path {
		return reachQ(t, ix, Question{From: "eni-a", To: to, Proto: model.ICMP, IPv6: v6})
	}
	mustReach(t, ping("eni-echo", false), "in rule 100 allow icmp type 8", "out rule 100 allow icmp type 0")
	mustReach(t, ping("eni-echo", true), "in rule 101 allow icmpv6 type 128", "out rule 101 allow icmpv6 type 129")
	mustReach(t, ping("eni-v4only", false))
	mustReach(t, ping("eni-v6only", true))
	for _, c := range []struct {
		to string
		v6 bool
	}{{"eni-v4only", true}, {"eni-v6only", false}} {
		p := ping(c.to, c.v6)
		if p.Reachable || len(p.Blockers) == 0 || p.Blockers[0].Kind != "sg-ingress" {
			t.Errorf("ping %s (IPv6 %t): reachable %t, blocks %+v; want blocked by its group", c.to, c.v6, p.Reachable, p.Blockers)
		}
	}
}

// TestSemanticsTGWAttachmentNACL: a Transit Gateway's interface in a VPC
// lives in the attachment subnet, whose network ACL applies: its inbound
// rules to a packet from another subnet on its way to the Transit
// Gateway, its outbound rules to a packet from the Transit Gateway on its
// way to another subnet
// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html).
func TestSemanticsTGWAttachmentNACL(t *testing.T) {
	ix := semDump(t, "tgw-nacl")
	mustReach(t, only(t, ix, "eni-a", "eni-b", model.TCP, 443),
		"subnet/subnet-atgw nacl-in nacl/acl-atgw in rule 100", "subnet/subnet-btgw nacl-out nacl/acl-btgw out rule 100")
	for _, c := range []struct {
		port int
		acl  model.ResourceRef
		kind HopKind
	}{{5432, "nacl/acl-atgw", "nacl-in"}, {22, "nacl/acl-btgw", "nacl-out"}} {
		p := only(t, ix, "eni-a", "eni-b", model.TCP, c.port)
		if p.Reachable || len(p.Blockers) != 1 || p.Blockers[0].Resource != c.acl || p.Blockers[0].Kind != c.kind || p.Blockers[0].Direction != Forward {
			t.Errorf("tcp/%d: reachable %t, blocks %+v; want blocked by %s %s", c.port, p.Reachable, p.Blockers, c.acl, c.kind)
		}
	}
}

// TestSemanticsPrefixListRef: a prefix list the template defines
// (AWS::EC2::PrefixList), named by Ref (its id) in a security group rule
// and by Fn::GetAtt PrefixListId in a route, stands for its entries; one
// the template does not define is not known, in a rule or a route, never
// "blocked"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-prefixlist.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html).
func TestSemanticsPrefixListRef(t *testing.T) {
	ix := semTemplate(t, "prefix-list-ref")
	// Ref Office admits 10.0.1.0/28: 10.0.1.10 in, 10.0.1.100 out, known.
	mustReach(t, only(t, ix, "10.0.1.10", "10.0.2.10", model.TCP, 5432), "sg/Db: tcp/5432 from pl/Office")
	if p := only(t, ix, "10.0.1.100", "10.0.2.10", model.TCP, 5432); p.Reachable || len(p.Unknown) > 0 {
		t.Errorf("10.0.1.100 outside the office list: reachable %t, unknown %v; want blocked", p.Reachable, p.Unknown)
	}
	// An undefined list in a rule: not known.
	if p := only(t, ix, "10.0.1.100", "10.0.2.10", model.TCP, 6379); p.Reachable || len(p.Unknown) == 0 {
		t.Errorf("rule naming an undefined list: reachable %t, unknown %v; want not known", p.Reachable, p.Unknown)
	}
	// The route by GetAtt reaches the peer.
	mustReach(t, only(t, ix, "10.0.1.10", "10.8.1.10", model.TCP, 443), "route pl/PeerNets (peer-nets) -> pcx/Pcx")
	// Subnet C's table also routes an undefined list, which might be more
	// specific than any route it holds: not known.
	p := only(t, ix, "10.0.3.10", "10.8.1.10", model.TCP, 443)
	if len(p.Unknown) == 0 || !strings.Contains(strings.Join(p.Unknown, ";"), "pl-0123456789abcdef0") {
		t.Errorf("unknown %v; want the undefined route prefix list", p.Unknown)
	}
}

// TestSemanticsPublicWorkloads: a publicly accessible RDS instance has a
// public IP, and PubliclyAccessible left out means publicly accessible
// when the DB subnet group's VPC has an internet gateway attached
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html);
// an ECS task with AssignPublicIp ENABLED has one, DISABLED (the
// default) has none
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html).
// In a public subnet whose group admits the internet, each public one is
// reached from the internet.
func TestSemanticsPublicWorkloads(t *testing.T) {
	ix := semTemplate(t, "public-workloads")
	for _, c := range []struct {
		to     string
		port   int
		public bool
	}{
		{"rds/DbDefault", 5432, true}, {"rds/DbPublic", 5432, true}, {"rds/DbPrivate", 5432, false},
		{"ecs/SvcPublic", 8080, true}, {"ecs/SvcPrivate", 8080, false},
	} {
		a := reach(t, ix, "internet", c.to, model.TCP, c.port)
		if len(a.Paths) == 0 {
			t.Fatalf("internet -> %s: no paths", c.to)
		}
		reached := false
		for _, p := range a.Paths {
			reached = reached || p.Reachable
		}
		if reached != c.public {
			t.Errorf("internet -> %s on tcp/%d: reached %t, want %t (%s)", c.to, c.port, reached, c.public, a.Verdict)
		}
	}
}

// TestSemanticsNLBClientIP: with client IP preservation a Network Load
// Balancer's target sees the client's address, which its security group
// (and network ACL) must admit; without, the balancer's private address.
// Preservation is on by default for instance targets, off for ip targets
// over TCP and TLS, and preserve_client_ip.enabled sets it
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
func TestSemanticsNLBClientIP(t *testing.T) {
	ix := semTemplate(t, "nlb-client-ip")
	for _, c := range []struct {
		port      int
		what      string
		preserved bool
	}{{80, "instance, default", true}, {81, "ip over TCP, default", false}, {82, "ip, attribute true", true}, {83, "instance, attribute false", false}} {
		a := reach(t, ix, "internet", "lb/Nlb", model.TCP, c.port)
		if len(a.Paths) == 0 {
			t.Fatalf("tcp/%d: no paths", c.port)
		}
		for _, p := range a.Paths {
			// The group admits the VPC only: a preserved internet client is
			// refused at the target, the balancer's own address is let in.
			if p.Reachable == c.preserved {
				t.Errorf("tcp/%d (%s): %s reachable %t, want %t; blocks %+v", c.port, c.what, ClassText(p), p.Reachable, !c.preserved, p.Blockers)
			}
			if c.preserved && (len(p.Blockers) == 0 || p.Blockers[0].Resource != "sg/TargetSg") {
				t.Errorf("tcp/%d (%s): blocks %+v, want sg/TargetSg", c.port, c.what, p.Blockers)
			}
		}
	}
	// From inside the VPC a preserved client is admitted.
	mustReach(t, only(t, ix, "10.0.1.200", "lb/Nlb", model.TCP, 80))
}

// TestSemanticsTGWPrefixListRoute: a Transit Gateway route table's
// prefix-list reference route stands for the list's entries and, for one
// destination, comes after static routes and before propagated ones; a
// list whose entries the input lacks makes the table's answers not known
// (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html#tgw-route-evaluation-overview,
// https://docs.aws.amazon.com/vpc/latest/tgw/tgw-prefix-lists.html).
func TestSemanticsTGWPrefixListRoute(t *testing.T) {
	ix := semDump(t, "tgw-prefix-list")
	mustReach(t, only(t, ix, "eni-a", "eni-b2", model.TCP, 443), "route 10.1.128.0/17 -> tgw-attach/tgw-attach-b (static)")

	n := *ix.n
	n.TGWRouteTables = slices.Clone(n.TGWRouteTables)
	rt := &n.TGWRouteTables[0]
	rt.Routes = append(slices.Clone(rt.Routes), model.TGWRoute{PrefixList: "pl-0missing", Attachment: rt.Routes[0].Attachment})
	p := only(t, NewIndex(&n), "eni-a", "eni-b2", model.TCP, 443)
	if len(p.Unknown) == 0 || !strings.Contains(strings.Join(p.Unknown, ";"), "pl-0missing") {
		t.Errorf("a route to a prefix list the input lacks: unknown %v", p.Unknown)
	}
}
