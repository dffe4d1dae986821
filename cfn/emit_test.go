package cfn

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func emit(t *testing.T, n *model.Network) *Template {
	t.Helper()
	tpl, ds := FromNetwork(n)
	if ds.HasErrors() {
		t.Fatalf("FromNetwork: %v", ds)
	}
	return tpl
}

// eachVariant runs f for every NAT variant with IPv6 off and on.
func eachVariant(t *testing.T, f func(t *testing.T, n *model.Network, tpl *Template)) {
	for _, nat := range natVariants {
		for _, ipv6 := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ipv6=%v", nat, ipv6), func(t *testing.T) {
				n := testNetwork(nat, ipv6)
				f(t, n, emit(t, n))
			})
		}
	}
}

func TestEmittedTemplatesPassCheck(t *testing.T) {
	eachVariant(t, func(t *testing.T, _ *model.Network, tpl *Template) {
		for _, err := range Check(tpl) {
			t.Error(err)
		}
	})
}

func TestEmitIsDeterministic(t *testing.T) {
	eachVariant(t, func(t *testing.T, n *model.Network, tpl *Template) {
		y1, err := tpl.YAML()
		if err != nil {
			t.Fatal(err)
		}
		j1, err := tpl.JSON()
		if err != nil {
			t.Fatal(err)
		}
		again := emit(t, n)
		y2, _ := again.YAML()
		j2, _ := again.JSON()
		if !bytes.Equal(y1, y2) || !bytes.Equal(j1, j2) {
			t.Error("two emits of one network differ")
		}
	})
}

func TestYAMLAndJSONAgree(t *testing.T) {
	eachVariant(t, func(t *testing.T, _ *model.Network, tpl *Template) {
		y, err := tpl.YAML()
		if err != nil {
			t.Fatal(err)
		}
		j, err := tpl.JSON()
		if err != nil {
			t.Fatal(err)
		}
		fromYAML := parseYAML(t, y)
		var fromJSON any
		if err := json.Unmarshal(j, &fromJSON); err != nil {
			t.Fatalf("JSON does not parse: %v", err)
		}
		if d := cmp.Diff(fromJSON, fromYAML); d != "" {
			t.Errorf("YAML and JSON differ (-json +yaml):\n%s", d)
		}
	})
}

// TestNoStandInIPv6 makes sure the 2001:db8 stand-ins never reach AWS.
func TestNoStandInIPv6(t *testing.T) {
	for _, nat := range natVariants {
		tpl := emit(t, testNetwork(nat, true))
		j, _ := tpl.JSON()
		if bytes.Contains(j, []byte("2001:db8")) {
			t.Errorf("%s: template contains a 2001:db8 stand-in", nat)
		}
		if !bytes.Contains(j, []byte(`"Ipv6CidrBlocks"`)) {
			t.Errorf("%s: no IPv6 intrinsic found", nat)
		}
	}
}

func TestUnmatchedStandInFails(t *testing.T) {
	n := testNetwork(natNone, true)
	n.SecurityGroups[0].Ingress = append(n.SecurityGroups[0].Ingress, model.SGRule{Protocol: model.TCP, Ports: model.Port(22), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("2001:db8:ffff::/48")}})
	if _, ds := FromNetwork(n); !ds.HasErrors() || !strings.Contains(ds.Error(), "stand-in") {
		t.Errorf("ds = %v, want a stand-in error", ds)
	}
}

// walkMaps calls f on every Map inside v.
func walkMaps(v Value, f func(Map)) {
	switch v := v.(type) {
	case Map:
		f(v)
		for _, x := range v {
			walkMaps(x.Value, f)
		}
	case List:
		for _, x := range v {
			walkMaps(x, f)
		}
	case Fn:
		walkMaps(v.Arg, f)
	case Sub:
		walkMaps(v.Vars, f)
	}
}

func TestSecurityProperties(t *testing.T) {
	eachVariant(t, func(t *testing.T, n *model.Network, tpl *Template) {
		open := map[string]bool{}
		for _, lb := range n.LoadBalancers {
			if lb.InternetFacing {
				for _, g := range lb.SecurityGroups {
					open[LogicalID(g)] = true
				}
			}
		}
		launchTemplates := 0
		for _, r := range tpl.Resources {
			switch r.Type {
			case "AWS::EC2::SecurityGroup":
				in, _ := r.Properties.Get("SecurityGroupIngress").(List)
				for _, rule := range in {
					m := rule.(Map)
					if (m.Get("CidrIp") == String("0.0.0.0/0") || m.Get("CidrIpv6") == String("::/0")) && !open[r.LogicalID] {
						t.Errorf("%s admits the whole internet but is no internet-facing LB group", r.LogicalID)
					}
				}
				if r.Properties.Get("SecurityGroupEgress") == nil {
					t.Errorf("%s keeps CloudFormation's default allow-all egress", r.LogicalID)
				}
			case "AWS::EC2::SecurityGroupIngress":
				if r.Properties.Get("CidrIp") != nil || r.Properties.Get("CidrIpv6") != nil {
					t.Errorf("%s: CIDR rules belong inline", r.LogicalID)
				}
			case "AWS::EC2::LaunchTemplate":
				launchTemplates++
				data := r.Properties.Get("LaunchTemplateData").(Map)
				md, _ := data.Get("MetadataOptions").(Map)
				if md.Get("HttpTokens") != String("required") || md.Get("HttpPutResponseHopLimit") != Int(1) {
					t.Errorf("%s: IMDSv2 not required: %v", r.LogicalID, md)
				}
				bdm, _ := data.Get("BlockDeviceMappings").(List)
				if len(bdm) == 0 {
					t.Errorf("%s: no block device mappings", r.LogicalID)
				}
				for _, b := range bdm {
					ebs, _ := b.(Map).Get("Ebs").(Map)
					if ebs.Get("Encrypted") != Bool(true) {
						t.Errorf("%s: unencrypted volume", r.LogicalID)
					}
				}
			case "AWS::IAM::Role":
				walkMaps(r.Properties, func(m Map) {
					if m.Get("Effect") == String("Allow") && m.Get("Action") == String("*") {
						t.Errorf("%s allows every action", r.LogicalID)
					}
				})
			}
		}
		if want := len(n.NATInstances); launchTemplates != want {
			t.Errorf("%d launch templates, want %d", launchTemplates, want)
		}
	})
}

func resource(t *testing.T, tpl *Template, id string) *Resource {
	t.Helper()
	r, ok := tpl.Resource(id)
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	return r
}

func TestEmitDetails(t *testing.T) {
	tpl := emit(t, testNetwork(natInstancePerZone, true))

	sub := resource(t, tpl, "SubnetPrivateUse1Az2")
	if sub.Properties.Get("AvailabilityZoneId") != String("use1-az2") || sub.Properties.Get("AvailabilityZone") != nil {
		t.Errorf("subnet placement: %v", sub.Properties)
	}
	wantV6 := Select(17, Cidr(Select(0, GetAtt{"VpcMain", "Ipv6CidrBlocks"}), 256, 64))
	if d := cmp.Diff(Value(wantV6), sub.Properties.Get("Ipv6CidrBlock")); d != "" {
		t.Errorf("subnet IPv6 (-want +got):\n%s", d)
	}
	if !slices.Equal(sub.DependsOn, []string{"VpcMainIpv6CidrBlock"}) || sub.Properties.Get("AssignIpv6AddressOnCreation") != Bool(true) {
		t.Errorf("subnet IPv6 dependency: %v", sub.DependsOn)
	}

	// sg/db has no egress in the model: the match-nothing rule stands in.
	db := resource(t, tpl, "SgDb")
	if d := cmp.Diff(Value(List{mustProps(t, denyAllEgress)}), db.Properties.Get("SecurityGroupEgress")); d != "" {
		t.Errorf("sg/db egress (-want +got):\n%s", d)
	}
	in := resource(t, tpl, "SgDbIngress1")
	if in.Properties.Get("SourceSecurityGroupId") != (GetAtt{"SgApp", "GroupId"}) || in.Properties.Get("IpProtocol") != String("tcp") {
		t.Errorf("sg/db ingress: %v", in.Properties)
	}
	nat := resource(t, tpl, "SgNat")
	first := nat.Properties.Get("SecurityGroupIngress").(List)[0].(Map)
	if first.Get("IpProtocol") != String("-1") || first.Get("FromPort") != nil {
		t.Errorf("all-protocol rule: %v", first)
	}

	entry := resource(t, tpl, "AclPublicIngress120")
	if entry.Properties.Get("Protocol") != Int(1) || entry.Properties.Get("Icmp") == nil || entry.Properties.Get("PortRange") != nil {
		t.Errorf("icmp entry: %v", entry.Properties)
	}
	entry = resource(t, tpl, "AclPrivateIngress110")
	if entry.Properties.Get("Protocol") != Int(6) || entry.Properties.Get("RuleAction") != String("allow") {
		t.Errorf("tcp entry: %v", entry.Properties)
	}
	if _, ok := entry.Properties.Get("PortRange").(Map); !ok {
		t.Errorf("tcp entry has no PortRange")
	}

	route := resource(t, tpl, "RtbPublicIPv4Default")
	if !slices.Contains(route.DependsOn, "IgwMainAttachment") {
		t.Errorf("IGW route does not wait for the attachment: %v", route.DependsOn)
	}
	route = resource(t, tpl, "RtbPrivateUse1Az1IPv4Default")
	if route.Properties.Get("NetworkInterfaceId") != (Ref{"EniNatUse1Az1"}) {
		t.Errorf("NAT instance route: %v", route.Properties)
	}
	if _, ok := tpl.Resource("RtbPrivateUse1Az1PrefixListComAmazonawsUsEast1S3"); ok {
		t.Error("gateway endpoint route emitted as a Route; the endpoint owns it")
	}

	eni := resource(t, tpl, "EniNatUse1Az1")
	if eni.Properties.Get("SourceDestCheck") != Bool(false) {
		t.Error("NAT ENI keeps source/dest check")
	}
	asg := resource(t, tpl, "NatUse1Az1Asg")
	for _, k := range []string{"MinSize", "MaxSize", "DesiredCapacity"} {
		if asg.Properties.Get(k) != String("1") {
			t.Errorf("ASG %s = %v", k, asg.Properties.Get(k))
		}
	}
	lt := asg.Properties.Get("LaunchTemplate").(Map)
	if lt.Get("Version") != (GetAtt{"NatUse1Az1LaunchTemplate", "LatestVersionNumber"}) {
		t.Errorf("ASG launch template version: %v", lt)
	}
	i := slices.IndexFunc(tpl.Parameters, func(p Parameter) bool { return p.Name == AMIParameter })
	if i < 0 || tpl.Parameters[i].Default != String(AMIPath(model.ARM64)) || !strings.HasPrefix(tpl.Parameters[i].Type, "AWS::SSM::Parameter::Value<") {
		t.Errorf("AMI parameter: %+v", tpl.Parameters)
	}

	ep := resource(t, tpl, "VpceEcrApi")
	if !cmp.Equal(ep.Properties.Get("ServiceName"), Value(Sub{Template: "com.amazonaws.${AWS::Region}.ecr.api"})) || ep.Properties.Get("PrivateDnsEnabled") != Bool(true) {
		t.Errorf("interface endpoint: %v", ep.Properties)
	}
	fl := resource(t, tpl, "FlowlogMain")
	if fl.Properties.Get("ResourceType") != String("VPC") || fl.Properties.Get("LogDestinationType") != String("cloud-watch-logs") {
		t.Errorf("flow log: %v", fl.Properties)
	}
	vpc := resource(t, tpl, "VpcMain")
	tags := vpc.Properties.Get("Tags").(List)
	wantTags := List{
		Map{{"Key", String("Name")}, {"Value", String("shop-vpc-main")}},
		Map{{"Key", String("moat:stack")}, {"Value", String("shop")}},
		Map{{"Key", String("team")}, {"Value", String("web")}},
	}
	if d := cmp.Diff(wantTags, tags); d != "" {
		t.Errorf("VPC tags (-want +got):\n%s", d)
	}
	var outs []string
	for _, o := range tpl.Outputs {
		outs = append(outs, o.Name)
	}
	for _, want := range []string{"VpcId", "PublicSubnetIds", "PrivateSubnetIds", "IsolatedSubnetIds", "SgDbId"} {
		if !slices.Contains(outs, want) {
			t.Errorf("missing output %s in %v", want, outs)
		}
	}
}

func TestRegionalNATGateway(t *testing.T) {
	tpl := emit(t, testNetwork(natRegional, false))
	g := resource(t, tpl, "NatgwRegional")
	if g.Properties.Get("AvailabilityMode") != String("regional") || g.Properties.Get("SubnetId") != nil || g.Properties.Get("VpcId") != (Ref{"VpcMain"}) {
		t.Errorf("regional gateway: %v", g.Properties)
	}
	addrs := g.Properties.Get("AvailabilityZoneAddresses").(List)
	if len(addrs) != 3 {
		t.Fatalf("want one address block per zone, got %v", addrs)
	}
	want := Map{{"AllocationIds", List{GetAtt{"NatgwRegionalEipUse1Az2", "AllocationId"}}}, {"AvailabilityZoneId", String("use1-az2")}}
	if d := cmp.Diff(Value(want), addrs[1]); d != "" {
		t.Errorf("zone address (-want +got):\n%s", d)
	}
}

func TestLogicalIDCollisionFails(t *testing.T) {
	n := testNetwork(natNone, false)
	n.SecurityGroups = append(n.SecurityGroups, model.SecurityGroup{Addr: "sg//db", VPC: "vpc/main"})
	_, ds := FromNetwork(n)
	if !ds.HasErrors() || !strings.Contains(ds.Error(), `"sg/db" and "sg//db"`) {
		t.Errorf("ds = %v, want a collision naming both addresses", ds)
	}
}

func TestEmitRejectsUnsupported(t *testing.T) {
	n := testNetwork(natNone, false)
	n.RouteTables[0].Routes = append(n.RouteTables[0].Routes, model.Route{Dest: pfx("192.168.0.0/16"), TargetKind: model.TargetBlackhole})
	if _, ds := FromNetwork(n); !ds.HasErrors() || !strings.Contains(ds.Error(), "blackhole") {
		t.Errorf("ds = %v", ds)
	}
	if _, ds := FromNetwork(&model.Network{}); !ds.HasErrors() {
		t.Error("empty network emitted")
	}
}

func mustProps(t *testing.T, p any) Map {
	t.Helper()
	m, err := Props(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGolden pins one full template; rewrite with go test ./cfn -update.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		nat  string
		ipv6 bool
	}{{"nat-instance-per-zone-ipv6", natInstancePerZone, true}, {"nat-regional", natRegional, false}} {
		tpl := emit(t, testNetwork(tc.nat, tc.ipv6))
		y, err := tpl.YAML()
		if err != nil {
			t.Fatal(err)
		}
		testnet.Golden(t, filepath.Join("testdata", tc.name+".yaml"), y, *update, "go test ./cfn -update")
	}
}
