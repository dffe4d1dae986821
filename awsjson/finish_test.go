package awsjson

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A subnet has one route table at a time ("A subnet can only be associated
// with one route table at a time",
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html).
// Files that say otherwise (two dumps taken at different times) used to
// give three answers: the analyzer took one table, the twin the other, and
// cfn refused the network. Now the import fails with a diagnostic naming
// both tables.
func TestDoublyClaimedSubnetNamesBothTables(t *testing.T) {
	fsys := fstest.MapFS{
		"describe-vpcs.json":    {Data: []byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`)},
		"describe-subnets.json": {Data: []byte(`{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}`)},
		"describe-route-tables.json": {Data: []byte(`{"RouteTables": [
  {"RouteTableId": "rtb-isolated", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-1", "AssociationState": {"State": "associated"}}],
   "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}]},
  {"RouteTableId": "rtb-public", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-1"}],
   "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]}
]}`)},
	}
	r, diags := Load(fsys, "dump", "x")
	if r.Network != nil {
		t.Error("a network although a subnet has two route tables")
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.Severity.String()+" "+d.Range.String()+": "+d.Summary)
	}
	want := "error dump/describe-route-tables.json: subnet subnet/subnet-1 is associated with both route table rtb/rtb-isolated and route table rtb/rtb-public"
	if !strings.Contains(strings.Join(got, "\n"), want) {
		t.Errorf("diagnostics:\n%s\nwant %s", strings.Join(got, "\n"), want)
	}
}

// An IP target of a target group is the interface of the group's own VPC
// holding the address. VPCs may use the same private ranges; they just
// cannot be peered
// (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html);
// the importer used to take the first interface anywhere with the address,
// so vpc-2's load balancer forwarded to vpc-1's interface.
func TestIPTargetIsInTheGroupsVPC(t *testing.T) {
	fsys := fstest.MapFS{
		"Vpcs.json": {Data: []byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-2", "CidrBlock": "10.0.0.0/16"}]}`)},
		"Subnets.json": {Data: []byte(`{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
  {"SubnetId": "subnet-2", "VpcId": "vpc-2", "CidrBlock": "10.0.1.0/24"}]}`)},
		"NetworkInterfaces.json": {Data: []byte(`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.1.10"},
  {"NetworkInterfaceId": "eni-2", "SubnetId": "subnet-2", "VpcId": "vpc-2", "PrivateIpAddress": "10.0.1.10"}]}`)},
		"TargetGroups.json": {Data: []byte(`{"TargetGroups": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:2:targetgroup/web/1", "TargetGroupName": "web", "VpcId": "vpc-2", "Port": 80, "TargetType": "ip"}]}`)},
		"LoadBalancerTargetHealth.json": {Data: []byte(`{"LoadBalancerTargetHealth": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:2:targetgroup/web/1",
  "TargetHealthDescriptions": [{"Target": {"Id": "10.0.1.10", "Port": 80}, "TargetHealth": {"State": "healthy"}}]}]}`)},
	}
	r, diags := Load(fsys, "dump", "x")
	if r.Network == nil {
		t.Fatalf("no network: %v", diags)
	}
	tg := r.Network.TargetGroups
	if len(tg) != 1 || len(tg[0].Targets) != 1 || tg[0].Targets[0].ENI != "eni/eni-2" {
		t.Errorf("target groups %+v: want the one target on eni/eni-2", tg)
	}
}
