package awslive_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// webNet is testdata/web.json built in moto with EC2 calls.
type webNet struct{ sg, eni string }

// buildWeb builds testdata/web.json's network: a VPC with an internet
// gateway, a public subnet routed to it, and an interface with an Elastic
// IP in a group that admits tcp/443 from anywhere, tagged Name as the
// template tags it.
func buildWeb(t *testing.T) webNet {
	t.Helper()
	defer catch(t)
	c := ec2.NewFromConfig(motoConfig(t))
	vpc := must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId
	igw := must(c.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId
	must(c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{VpcId: vpc, InternetGatewayId: igw}))
	subnet := must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})).Subnet.SubnetId
	rtb := must(c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: vpc})).RouteTable.RouteTableId
	must(c.CreateRoute(bg, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw}))
	must(c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: rtb, SubnetId: subnet}))
	sg := must(c.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("web"), Description: aws.String("web"), VpcId: vpc,
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("web-sg-web")}}}},
	})).GroupId
	openPort(t, *sg, 443)
	eni := must(c.CreateNetworkInterface(bg, &ec2.CreateNetworkInterfaceInput{SubnetId: subnet, Groups: []string{*sg}, PrivateIpAddress: aws.String("10.0.1.10"), Description: aws.String("web")})).NetworkInterface.NetworkInterfaceId
	eip := must(c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc}))
	must(c.AssociateAddress(bg, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: eni}))
	return webNet{sg: *sg, eni: *eni}
}

// openPort admits tcp/port from anywhere to the group.
func openPort(t *testing.T, sg string, port int32) {
	t.Helper()
	defer catch(t)
	must(ec2.NewFromConfig(motoConfig(t)).AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(sg), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}},
	}))
}

// TestDriftMoto: the network as designed has no drift; a rule opened by
// hand is reported as open live, and a designed one revoked as closed.
func TestDriftMoto(t *testing.T) {
	needMoto(t)
	w := buildWeb(t)
	code, out, errOut := moat(t, "drift", "testdata/web.json")
	if code != 0 || !strings.Contains(out, "no drift") {
		t.Fatalf("as designed: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "moat: reading account 123456789012") {
		t.Errorf("the account is not named before reading:\n%s", errOut)
	}
	openPort(t, w.sg, 22)
	code, out, errOut = moat(t, "drift", "testdata/web.json")
	want := "open: internet -> interface with sg/SgWeb tcp/22 is open live; the design does not allow it\n"
	if code != 1 || out != want {
		t.Errorf("ssh opened by hand: exit %d\n%s%s\nwant:\n%s", code, out, errOut, want)
	}
	must(ec2.NewFromConfig(motoConfig(t)).RevokeSecurityGroupIngress(bg, &ec2.RevokeSecurityGroupIngressInput{
		GroupId: aws.String(w.sg), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}},
	}))
	code, out, _ = moat(t, "drift", "testdata/web.json", "--format", "json")
	var doc struct {
		Open   []string `json:"open_live_not_designed"`
		Closed []string `json:"designed_closed_live"`
		Drift  bool
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || !doc.Drift || len(doc.Open) != 1 ||
		strings.Join(doc.Closed, ";") != "internet -> interface with sg/SgWeb tcp/443 is allowed by the design and closed live" {
		t.Errorf("443 revoked: exit %d %v\n%s", code, err, out)
	}
}
