package cfnimport

import (
	"strings"
	"testing"
)

const doublyClaimed = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  Isolated:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  Public:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  IsolatedAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Subnet, RouteTableId: !Ref Isolated}
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Subnet, RouteTableId: !Ref Public}
`

// A subnet has one route table at a time
// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html):
// CloudFormation fails the second association. The importer used to keep
// whichever association it read last, silently, so the analyzer, the twin
// and the template disagreed about the subnet's routes. Now the template
// is rejected at the second association, naming both tables.
func TestDoublyClaimedSubnetNamesBothTables(t *testing.T) {
	n, d := Parse("two.yaml", []byte(doublyClaimed), "two")
	if n != nil {
		t.Error("a network although a subnet has two route tables")
	}
	var got []string
	for _, x := range d {
		got = append(got, x.Severity.String()+" "+x.Range.String()+": "+x.Summary)
	}
	want := "error two.yaml:19:5: subnet subnet/Subnet is associated with both route table rtb/Isolated and route table rtb/Public"
	if strings.Join(got, "\n") != want {
		t.Errorf("diagnostics:\n%s\nwant %s", strings.Join(got, "\n"), want)
	}
}
