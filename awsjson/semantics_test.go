package awsjson_test

import (
	"testing"
	"testing/fstest"

	"github.com/moatnet/moat/awsjson"
)

// TestImportsAWSSemantics: the fields the analyzer's documented AWS
// behaviour rests on are read from describe-* output: a VPC's secondary
// CIDR blocks (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html),
// a route's Origin (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html;
// it decides ties by https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html)
// and a target group's preserve_client_ip.enabled
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
func TestImportsAWSSemantics(t *testing.T) {
	fsys := fstest.MapFS{
		"describe-vpcs.json": {Data: []byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "CidrBlockAssociationSet": [
			{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
			{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
			{"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": "disassociated"}}]}]}`)},
		"describe-route-tables.json": {Data: []byte(`{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
			{"DestinationCidrBlock": "172.16.0.0/16", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation", "State": "active"}]}]}`)},
		"describe-target-groups.json": {Data: []byte(`{"TargetGroups": [
			{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/1", "TargetGroupName": "web", "Protocol": "TCP", "Port": 80, "VpcId": "vpc-1", "TargetType": "ip"},
			{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/api/2", "TargetGroupName": "api", "Protocol": "TCP", "Port": 80, "VpcId": "vpc-1", "TargetType": "instance"}]}`)},
		"describe-target-group-attributes.web.json": {Data: []byte(`{"Attributes": [{"Key": "preserve_client_ip.enabled", "Value": "true"}, {"Key": "stickiness.enabled", "Value": "false"}]}`)},
	}
	r, ds := awsjson.Load(fsys, "", "t")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	n := r.Network
	if got := n.VPCs[0].SecondaryCIDRs; len(got) != 1 || got[0].String() != "10.1.0.0/16" {
		t.Errorf("secondary CIDRs %v, want [10.1.0.0/16] (the disassociated block left out)", got)
	}
	if got := n.RouteTables[0].Routes[0].Origin; got != "EnableVgwRoutePropagation" {
		t.Errorf("route Origin %q", got)
	}
	for _, tg := range n.TargetGroups {
		switch tg.Addr {
		case "tg/web":
			if tg.PreserveClientIP == nil || !*tg.PreserveClientIP {
				t.Errorf("tg/web: preserve_client_ip.enabled not read: %v", tg.PreserveClientIP)
			}
		case "tg/api":
			if tg.PreserveClientIP != nil {
				t.Errorf("tg/api: no attributes file, yet PreserveClientIP %v", *tg.PreserveClientIP)
			}
		}
	}
}
