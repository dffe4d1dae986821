package awslive_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// built is what buildNetwork made, by AWS id.
type built struct {
	vpc, public, private, igw, nat string
	webSG, dbSG, nacl              string
	web, db                        string // ENIs
	webPublicIP                    string
}

// must returns v, or stops the test that deferred catch with err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

type failure struct{ err error }

// catch, deferred, fails the test with what must stopped at.
func catch(t *testing.T) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		t.Helper()
		t.Fatal(f.err)
	}
}

func ec2Client(t *testing.T) *ec2.Client {
	t.Helper()
	defer catch(t)
	cfg := must(config.LoadDefaultConfig(bg, rereading))
	return ec2.NewFromConfig(cfg)
}

// buildNetwork makes a two-tier VPC in moto: a public subnet routed to an
// internet gateway, holding a NAT gateway and a web interface with an
// Elastic IP whose group admits tcp/443 from anywhere; a private subnet
// routed to the NAT gateway, holding a database interface whose group
// admits tcp/5432 from the web group only, behind a network ACL that
// admits tcp/5432 from the public subnet and replies.
func buildNetwork(t *testing.T) built {
	t.Helper()
	defer catch(t)
	c := ec2Client(t)
	var b built
	vpc := must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	b.vpc = *vpc.Vpc.VpcId
	subnet := func(cidr string) string {
		s := must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: &b.vpc, CidrBlock: aws.String(cidr), AvailabilityZone: aws.String("us-east-1a")}))
		return *s.Subnet.SubnetId
	}
	b.public, b.private = subnet("10.0.1.0/24"), subnet("10.0.2.0/24")
	igw := must(c.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{}))
	b.igw = *igw.InternetGateway.InternetGatewayId
	must(c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: &b.igw, VpcId: &b.vpc}))

	routeTable := func(subnet string, route ec2.CreateRouteInput) {
		rt := must(c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: &b.vpc}))
		route.RouteTableId = rt.RouteTable.RouteTableId
		route.DestinationCidrBlock = aws.String("0.0.0.0/0")
		must(c.CreateRoute(bg, &route))
		must(c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: &subnet}))
	}
	routeTable(b.public, ec2.CreateRouteInput{GatewayId: &b.igw})
	natEIP := must(c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc}))
	nat := must(c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: &b.public, AllocationId: natEIP.AllocationId}))
	b.nat = *nat.NatGateway.NatGatewayId
	routeTable(b.private, ec2.CreateRouteInput{NatGatewayId: &b.nat})

	group := func(name string) string {
		g := must(c.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: &b.vpc}))
		return *g.GroupId
	}
	b.webSG, b.dbSG = group("web"), group("db")
	must(c.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &b.webSG, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}},
	}}}))
	must(c.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &b.dbSG, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &b.webSG}},
	}}}))

	// The private subnet's own ACL. Rule numbers, order and the implicit
	// deny follow https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html.
	acl := must(c.CreateNetworkAcl(bg, &ec2.CreateNetworkAclInput{VpcId: &b.vpc}))
	b.nacl = *acl.NetworkAcl.NetworkAclId
	entry := func(n int32, egress bool, cidr string, from, to int32) {
		must(c.CreateNetworkAclEntry(bg, &ec2.CreateNetworkAclEntryInput{
			NetworkAclId: &b.nacl, RuleNumber: aws.Int32(n), Egress: aws.Bool(egress), Protocol: aws.String("6"),
			RuleAction: ec2types.RuleActionAllow, CidrBlock: aws.String(cidr),
			PortRange: &ec2types.PortRange{From: aws.Int32(from), To: aws.Int32(to)},
		}))
	}
	entry(100, false, "10.0.1.0/24", 5432, 5432)
	entry(110, false, "0.0.0.0/0", 1024, 65535)
	entry(100, true, "10.0.1.0/24", 1024, 65535)
	entry(110, true, "0.0.0.0/0", 443, 443)
	cur := must(c.DescribeNetworkAcls(bg, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{b.private}}}}))
	var assoc *string
	for _, a := range cur.NetworkAcls {
		for _, x := range a.Associations {
			if aws.ToString(x.SubnetId) == b.private {
				assoc = x.NetworkAclAssociationId
			}
		}
	}
	if assoc == nil {
		t.Fatal("moto: the private subnet has no ACL association")
	}
	must(c.ReplaceNetworkAclAssociation(bg, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: assoc, NetworkAclId: &b.nacl}))

	eni := func(subnet, ip, sg string) string {
		e := must(c.CreateNetworkInterface(bg, &ec2.CreateNetworkInterfaceInput{SubnetId: &subnet, PrivateIpAddress: aws.String(ip), Groups: []string{sg}}))
		return *e.NetworkInterface.NetworkInterfaceId
	}
	b.web, b.db = eni(b.public, "10.0.1.10", b.webSG), eni(b.private, "10.0.2.10", b.dbSG)
	webEIP := must(c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc}))
	must(c.AssociateAddress(bg, &ec2.AssociateAddressInput{AllocationId: webEIP.AllocationId, NetworkInterfaceId: &b.web}))
	b.webPublicIP = *webEIP.PublicIp
	return b
}

func readLive(t *testing.T, o awslive.Options) (*awslive.Snapshot, []awslive.Account) {
	t.Helper()
	defer catch(t)
	accounts := must(awslive.Accounts(bg, o))
	return must(awslive.Read(bg, accounts, o)), accounts
}

func load(t *testing.T, r *awsjson.Result, d diag.List) *model.Network {
	t.Helper()
	if d.HasErrors() || r.Network == nil {
		t.Fatalf("awsjson: %v", d)
	}
	if len(r.Ignored) > 0 {
		t.Errorf("awsjson ignored files the reader wrote: %v", r.Ignored)
	}
	return r.Network
}

// answers are the analyzer's answers the test compares.
type answers struct {
	Exposure []analyze.Exposed
	Reach    map[string]analyze.Verdict
}

func ask(t *testing.T, n *model.Network, b built) answers {
	t.Helper()
	ix := analyze.NewIndex(n)
	a := answers{Exposure: ix.Exposure(), Reach: map[string]analyze.Verdict{}}
	for _, q := range []analyze.Question{
		{From: "internet", To: b.web, Port: 443},
		{From: "internet", To: b.web, Port: 22},
		{From: "internet", To: b.db, Port: 5432},
		{From: b.web, To: b.db, Port: 5432},
		{From: b.web, To: b.db, Port: 22},
		{From: b.db, To: "internet", Port: 443},
		{From: b.db, To: "internet", Port: 80},
	} {
		ans, err := ix.Reach(q)
		if err != nil {
			t.Fatalf("reach %s -> %s:%d: %v", q.From, q.To, q.Port, err)
		}
		a.Reach[q.From+" -> "+q.To+":"+itoa(q.Port)] = ans.Verdict
	}
	return a
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestLiveEqualsSnapshot reads a network built in moto live, writes the
// snapshot, loads it back with awsjson, and checks the analyzer answers
// the same questions the same way for both, and as the network was built.
func TestLiveEqualsSnapshot(t *testing.T) {
	needMoto(t)
	b := buildNetwork(t)
	snap, accounts := readLive(t, awslive.Options{})
	if len(accounts) != 1 || accounts[0].ID == "" || accounts[0].ARN == "" {
		t.Fatalf("accounts = %+v, want one with an id and a caller", accounts)
	}
	liver, lived := awsjson.Load(snap.FS(), "aws", "aws")
	live := load(t, liver, lived)

	dir := filepath.Join(t.TempDir(), "snap")
	if err := snap.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	savedr, savedd := awsjson.Load(os.DirFS(dir), dir, "aws")
	saved := load(t, savedr, savedd)

	// The same files give the same model, field for field.
	if d := cmp.Diff(saved, live, cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}), cmpopts.IgnoreUnexported(model.Network{})); d != "" {
		t.Errorf("the live network differs from the snapshot's (-snapshot +live):\n%s", d)
	}
	got, want := ask(t, live, b), ask(t, saved, b)
	if d := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})); d != "" {
		t.Errorf("live answers differ from the snapshot's (-snapshot +live):\n%s", d)
	}
	// moto, like a new account, has a default VPC besides the one built.
	found := false
	for _, v := range live.VPCs {
		if v.Region != "us-east-1" || v.Account != accounts[0].ID {
			t.Errorf("%s is in account %s, %s; want %s, us-east-1", v.Addr, v.Account, v.Region, accounts[0].ID)
		}
		found = found || v.Addr == model.JoinRef("vpc", b.vpc)
	}
	if !found {
		t.Errorf("VPCs = %+v, want vpc/%s among them", live.VPCs, b.vpc)
	}

	// What was built: the internet reaches the web interface on tcp/443
	// only, at its Elastic IP; the database only from the web group.
	if len(got.Exposure) != 1 {
		t.Fatalf("exposure = %+v, want the web interface only", got.Exposure)
	}
	e := got.Exposure[0]
	if e.ENI != model.JoinRef("eni", b.web) || e.PublicIP.String() != b.webPublicIP {
		t.Errorf("exposed %s at %s, want eni/%s at %s", e.ENI, e.PublicIP, b.web, b.webPublicIP)
	}
	if len(e.Ports) != 1 || e.Ports[0].Proto != model.TCP || e.Ports[0].Ports.String() != "443" {
		t.Errorf("exposed ports = %+v, want tcp/443", e.Ports)
	}
	wantReach := map[string]analyze.Verdict{
		"internet -> " + b.web + ":443": analyze.Reachable,
		"internet -> " + b.web + ":22":  analyze.Blocked,
		"internet -> " + b.db + ":5432": analyze.Blocked,
		b.web + " -> " + b.db + ":5432": analyze.Reachable,
		b.web + " -> " + b.db + ":22":   analyze.Blocked,
		b.db + " -> internet:443":       analyze.Reachable, // through the NAT gateway
		b.db + " -> internet:80":        analyze.Blocked,   // the ACL's egress allows 443 only
	}
	if d := cmp.Diff(wantReach, got.Reach); d != "" {
		t.Errorf("reach (-want +got):\n%s", d)
	}
	if !slices.Contains(snap.Paths(), accounts[0].ID+"/us-east-1/describe-vpcs.json") {
		t.Errorf("snapshot paths = %v, want <account>/us-east-1/describe-vpcs.json", snap.Paths())
	}
}
