package cfnimport

import "testing"

// FuzzParse feeds arbitrary templates to the reader: it must never panic,
// and must return a network or an error.
func FuzzParse(f *testing.F) {
	// Small seeds: whole golden templates make each run slow and the
	// fuzzer's minimisation stall.
	f.Add([]byte(seedYAML))
	f.Add([]byte("Resources:\n  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: !Select [1, !Cidr [10.0.0.0/16, 4, 8]]\n      VpcId: !Ref V\n  V:\n    Type: AWS::EC2::VPC\n"))
	f.Add([]byte(`{"Resources":{"S":{"Type":"AWS::EC2::SecurityGroup","Properties":{"SecurityGroupIngress":[{"IpProtocol":47,"CidrIp":{"Fn::Sub":"${P}/32"}}]}}},"Parameters":{"P":{"Default":"1.2.3.4"}}}`))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte(seedFront))
	f.Fuzz(func(t *testing.T, src []byte) {
		IsTemplate(src)
		n, d := Parse("f.yaml", src, "fuzz")
		if n == nil && !d.HasErrors() {
			t.Fatal("no network and no error")
		}
	})
}

const seedYAML = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Cidr: {Type: String, Default: 10.0.0.0/16}
Conditions:
  V6: !Equals [!Ref Cidr, 10.0.0.0/16]
Resources:
  VpcMain:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr}
  Block:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {VpcId: !Ref VpcMain, AmazonProvidedIpv6CidrBlock: true}
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcMain
      CidrBlock: !Select [0, !Cidr [!GetAtt VpcMain.CidrBlock, 4, 8]]
      Ipv6CidrBlock: !If [V6, !Select [1, !Cidr [!Select [0, !GetAtt VpcMain.Ipv6CidrBlocks], 256, 64]], !Ref AWS::NoValue]
      AvailabilityZone: !Select [0, !GetAZs ""]
  Rtb:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VpcMain}
  Default:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Rtb, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  Igw: {Type: AWS::EC2::InternetGateway}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "web in ${AWS::Region}"
      VpcId: !Ref VpcMain
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  Acl:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Nacl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}
  Nacl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref VpcMain}
`

// seedFront reaches the API Gateway, bastion and EKS readers.
const seedFront = `Resources:
  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.0.0/24}}
  G: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 192.0.2.0/24}]}}
  J: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref A, SecurityGroupIds: [!Ref G], Tags: [{Key: moat:stack, Value: s}, {Key: Name, Value: s-bastion}]}}
  L: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: [!Ref A]}}
  T: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {VpcId: !Ref V, Port: 80, TargetType: ip}}
  H: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {LoadBalancerArn: !Ref L, Port: 80, DefaultActions: [{Type: forward, TargetGroupArn: !Ref T}]}}
  N: {Type: AWS::EKS::Nodegroup, Properties: {Subnets: [!Ref A], LaunchTemplate: {Id: !Ref LT}}}
  LT: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {SecurityGroupIds: [!Ref G]}}}
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}
  K: {Type: AWS::ApiGatewayV2::VpcLink, Properties: {SubnetIds: [!Ref A]}}
  I: {Type: AWS::ApiGatewayV2::Integration, Properties: {ApiId: !Ref Api, ConnectionType: VPC_LINK, ConnectionId: !Ref K, IntegrationUri: !Ref H}}
  R: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $default, Target: !Join [/, [integrations, !Ref I]]}}
`
