package cfnimport

import (
	"net/netip"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
)

// handBase is a hand-written VPC with two private subnets, an internal
// ALB listening on 443 and a database, for the front door, bastion and
// EKS cases to add to.
const handBase = `Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.9.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.9.0.0/24, AvailabilityZoneId: use1-az1}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.9.1.0/24, AvailabilityZoneId: use1-az2}}
  SgLink: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: link, VpcId: !Ref Vpc}}
  SgLb:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: lb
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !GetAtt SgLink.GroupId}]
  SgApp: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, VpcId: !Ref Vpc}}
  SgJump:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: people
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 203.0.113.0/24}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  SgOther: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: other, VpcId: !Ref Vpc}}
  SgDb:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !GetAtt SgJump.GroupId}]
  DbSubnets: {Type: AWS::RDS::DBSubnetGroup, Properties: {DBSubnetGroupDescription: db, SubnetIds: [!Ref A, !Ref B]}}
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBSubnetGroupName: !Ref DbSubnets, VPCSecurityGroups: [!GetAtt SgDb.GroupId]}
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Scheme: internal, Subnets: [!Ref A, !Ref B], SecurityGroups: [!GetAtt SgLb.GroupId]}
  Tg: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {VpcId: !Ref Vpc, Port: 8080, Protocol: HTTP, TargetType: ip}}
  LbListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {LoadBalancerArn: !Ref Lb, Port: 443, Protocol: HTTPS, DefaultActions: [{Type: forward, TargetGroupArn: !Ref Tg}]}
  Link: {Type: AWS::ApiGatewayV2::VpcLink, Properties: {Name: link, SubnetIds: [!Ref A, !Ref B], SecurityGroupIds: [!GetAtt SgLink.GroupId]}}
`

// parseHand parses handBase with more resources, failing on errors, and
// returns the network and the warnings' summaries.
func parseHand(t *testing.T, more string) (*model.Network, string) {
	t.Helper()
	n, d := Parse("hand.yaml", []byte(handBase+more), "hand")
	if d.HasErrors() {
		t.Fatalf("errors: %v", d)
	}
	var ws []string
	for _, w := range d {
		ws = append(ws, w.Summary)
	}
	return n, strings.Join(ws, "\n")
}

func apiOf(n *model.Network) *model.LoadBalancer {
	for i := range n.LoadBalancers {
		if n.LoadBalancers[i].Kind == model.APIGateway {
			return &n.LoadBalancers[i]
		}
	}
	return nil
}

func TestAPIGateway(t *testing.T) {
	const api = `  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: api, ProtocolType: HTTP}}
`
	const vpcLink = `  ToLb:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: HTTP_PROXY, ConnectionType: VPC_LINK, ConnectionId: !Ref Link, IntegrationUri: !Ref LbListener}
`
	link := []model.ResourceRef{"subnet/A", "subnet/B"}
	tests := []struct {
		name, more string
		want       *model.LoadBalancer // nil: no front door
		warning    string
	}{
		{
			name: "VPC Link to a listener, with a domain and throttling",
			more: api + vpcLink + `  Route: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $default, Target: !Join [/, [integrations, !Ref ToLb]]}}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: $default, DefaultRouteSettings: {ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40}}
  Domain:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: api.example.org
      DomainNameConfigurations: [{CertificateArn: arn:aws:acm:us-east-1:111122223333:certificate/abc, SecurityPolicy: TLS_1_2}]
  Mapping: {Type: AWS::ApiGatewayV2::ApiMapping, Properties: {ApiId: !Ref Api, DomainName: !Ref Domain, Stage: !Ref Stage}}
`,
			want: &model.LoadBalancer{Addr: "apigw/Api", VPC: "vpc/Vpc", Kind: model.APIGateway, InternetFacing: true,
				Subnets: link, SecurityGroups: []model.ResourceRef{"sg/SgLink"},
				Listeners: []model.Listener{{Port: 443, Protocol: "HTTPS", SSLPolicy: "TLS_1_2", Hosts: []string{"api.example.org"},
					Certificates: []model.Certificate{{Domain: "api.example.org", ARN: "arn:aws:acm:us-east-1:111122223333:certificate/abc"}}}},
				Targets: "lb/Lb", TargetPort: 443,
				ENIs: []model.ResourceRef{"eni/apigw/Api/use1-az1", "eni/apigw/Api/use1-az2"},
				API:  &model.APISettings{ThrottleRate: 20, ThrottleBurst: 40, Integration: "lb/Lb"}},
		},
		{
			name: "the $default route picks the integration",
			more: api + vpcLink + `  Aaa:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: arn:aws:lambda:us-east-1:111122223333:function:f}
  Route: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $default, Target: !Sub "integrations/${ToLb}"}}
`,
			want: &model.LoadBalancer{Addr: "apigw/Api", VPC: "vpc/Vpc", Kind: model.APIGateway, InternetFacing: true,
				Subnets: link, SecurityGroups: []model.ResourceRef{"sg/SgLink"},
				Listeners: []model.Listener{{Port: 443, Protocol: "HTTPS"}}, Targets: "lb/Lb", TargetPort: 443,
				ENIs: []model.ResourceRef{"eni/apigw/Api/use1-az1", "eni/apigw/Api/use1-az2"},
				API:  &model.APISettings{Integration: "lb/Lb"}},
		},
		{
			name: "no custom domain and the default endpoint off: no listener",
			more: `  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: api, ProtocolType: HTTP, DisableExecuteApiEndpoint: true}}
` + vpcLink,
			want: &model.LoadBalancer{Addr: "apigw/Api", VPC: "vpc/Vpc", Kind: model.APIGateway, InternetFacing: true,
				Subnets: link, SecurityGroups: []model.ResourceRef{"sg/SgLink"}, Targets: "lb/Lb", TargetPort: 443,
				ENIs: []model.ResourceRef{"eni/apigw/Api/use1-az1", "eni/apigw/Api/use1-az2"},
				API:  &model.APISettings{Integration: "lb/Lb"}},
		},
		{
			name: "an integration URI that is no listener in the template",
			more: api + `  ToLb:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: HTTP_PROXY, ConnectionType: VPC_LINK, ConnectionId: !Ref Link, IntegrationUri: arn:aws:servicediscovery:us-east-1:111122223333:service/srv-1}
`,
			want: &model.LoadBalancer{Addr: "apigw/Api", VPC: "vpc/Vpc", Kind: model.APIGateway, InternetFacing: true,
				Subnets: link, SecurityGroups: []model.ResourceRef{"sg/SgLink"}, Listeners: []model.Listener{{Port: 443, Protocol: "HTTPS"}},
				ENIs: []model.ResourceRef{"eni/apigw/Api/use1-az1", "eni/apigw/Api/use1-az2"}, API: &model.APISettings{}},
			warning: "integration ToLb does not name a listener",
		},
		{
			name: "a Lambda-only API touches no VPC",
			more: api + `  Fn:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: arn:aws:lambda:us-east-1:111122223333:function:f}
`,
		},
		{
			name: "a WebSocket API is not read",
			more: `  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: api, ProtocolType: WEBSOCKET}}
` + vpcLink,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, warnings := parseHand(t, tt.more)
			got := apiOf(n)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("front door %+v, want none", *got)
				}
				return
			}
			if got == nil {
				t.Fatal("no API Gateway front door")
			}
			if diff := gocmp.Diff(*tt.want, *got); diff != "" {
				t.Errorf("front door (-want +got):\n%s", diff)
			}
			if n.LoadBalancers[0].Addr != got.Addr {
				t.Errorf("the front door sorts first, before %s", n.LoadBalancers[0].Addr)
			}
			if !strings.Contains(warnings, tt.warning) {
				t.Errorf("warnings %q, want one with %q", warnings, tt.warning)
			}
		})
	}
}

func TestBastions(t *testing.T) {
	instance := func(id, group, extra string) string {
		return "  " + id + ":\n    Type: AWS::EC2::Instance\n    Properties: {SubnetId: !Ref A, SecurityGroupIds: [!GetAtt " + group + ".GroupId]" + extra + "}\n"
	}
	tests := []struct {
		name, more string
		want       []model.Bastion
	}{
		{
			name: "the database admits its group; SSH from an office, never the whole internet",
			more: instance("Jump", "SgJump", ""),
			want: []model.Bastion{{Addr: "i/Jump", VPC: "vpc/Vpc", Mode: model.BastionSSH, Subnet: "subnet/A",
				AllowFrom: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, SecurityGroup: "sg/SgJump"}},
		},
		{
			name: "an instance the database does not admit",
			more: instance("Web", "SgOther", ""),
		},
		{
			name: "a router is no jump host",
			more: instance("Router", "SgJump", ", SourceDestCheck: false"),
		},
		{
			name: "moat's bastion tags, without a database to reach",
			more: instance("Bastion", "SgOther", ", Tags: [{Key: Name, Value: s-bastion}, {Key: moat:stack, Value: s}]"),
			want: []model.Bastion{{Addr: "i/Bastion", VPC: "vpc/Vpc", Mode: model.BastionSSM, Subnet: "subnet/A", SecurityGroup: "sg/SgOther"}},
		},
		{
			name: "a Name alone is not moat's tag",
			more: instance("Bastion", "SgOther", ", Tags: [{Key: Name, Value: s-bastion}]"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, _ := parseHand(t, tt.more)
			if diff := gocmp.Diff(tt.want, n.Bastions, gocmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("bastions (-want +got):\n%s", diff)
			}
			for _, b := range tt.want {
				for _, in := range n.Instances {
					if in.Addr == b.Addr && in.Role != "bastion" {
						t.Errorf("%s: role %q, want bastion", in.Addr, in.Role)
					}
				}
			}
		})
	}
}

func TestEKSNodeGroups(t *testing.T) {
	const lt = `  Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {SecurityGroupIds: [!GetAtt SgApp.GroupId]}}}
`
	nodes := func(id, template string) string {
		return "  " + id + ":\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: c\n      NodeRole: arn:aws:iam::111122223333:role/n\n" +
			"      Subnets: [!Ref A, !Ref B]\n      InstanceTypes: [m6g.large]\n      ScalingConfig: {MinSize: 2, DesiredSize: 2, MaxSize: 4}\n" + template
	}
	withLT := "      LaunchTemplate: {Id: !Ref Lt}\n"
	svc := model.Service{Addr: "eks/Nodes", VPC: "vpc/Vpc", Name: "Nodes", Kind: model.EKS, Port: 8080,
		Subnets: []model.ResourceRef{"subnet/A", "subnet/B"}, SecurityGroup: "sg/SgApp", DesiredCount: 2, InstanceType: "m6g.large", MaxPodsPerNode: 29}
	tests := []struct {
		name, more string
		want       []model.Service
		targets    int               // the target group's
		lbTargets  model.ResourceRef // the load balancer's
		warning    string
	}{
		{
			name: "one node group fills the empty ip target group",
			more: lt + nodes("Nodes", withLT), want: []model.Service{svc}, targets: 2, lbTargets: "eks/Nodes",
			warning: "taken to hold the pods of EKS node group Nodes",
		},
		{
			name: "two node groups: the targets stay unknown",
			more: lt + nodes("Nodes", withLT) + nodes("More", withLT),
			want: []model.Service{
				{Addr: "eks/More", VPC: "vpc/Vpc", Name: "More", Kind: model.EKS, Subnets: svc.Subnets, SecurityGroup: "sg/SgApp", DesiredCount: 2, InstanceType: "m6g.large", MaxPodsPerNode: 29},
				func() model.Service { s := svc; s.Port = 0; return s }(),
			},
			warning: "by one of 2 EKS node groups",
		},
		{
			name: "no launch template: the nodes' group is EKS's own",
			more: nodes("Nodes", ""), targets: 2, lbTargets: "eks/Nodes",
			want:    []model.Service{func() model.Service { s := svc; s.SecurityGroup = ""; return s }()},
			warning: "cluster security group EKS creates at deploy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, warnings := parseHand(t, tt.more)
			if diff := gocmp.Diff(tt.want, n.Services); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
			var tg model.TargetGroup
			for _, g := range n.TargetGroups {
				if g.Addr == "tg/Tg" {
					tg = g
				}
			}
			if len(tg.Targets) != tt.targets {
				t.Errorf("target group targets %+v, want %d", tg.Targets, tt.targets)
			}
			for _, x := range tg.Targets {
				if e, ok := n.ENI(x.ENI); !ok || e.Owner != "eks/Nodes" || x.Port != 8080 {
					t.Errorf("target %+v is not a pod of eks/Nodes on 8080", x)
				}
			}
			for _, lb := range n.LoadBalancers {
				if lb.Addr == "lb/Lb" && (lb.Targets != tt.lbTargets || (tt.lbTargets != "" && lb.TargetPort != 8080)) {
					t.Errorf("lb/Lb targets %s:%d, want %s:8080", lb.Targets, lb.TargetPort, tt.lbTargets)
				}
			}
			if !strings.Contains(warnings, tt.warning) {
				t.Errorf("warnings %q, want one with %q", warnings, tt.warning)
			}
		})
	}
}
