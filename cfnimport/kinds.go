package cfnimport

import "github.com/moatnet/moat/model"

// readKinds is what the template importer reads for each kind of
// model.Network (docs/architecture.md, "Adding a resource kind"). A kind
// cfn emits but this table skips does not survive the template round
// trip; kinds_test.go fails when the model gains a kind this table does
// not name.
var readKinds = model.Coverage{
	"Zones":                      model.By("finish: the subnets' zones"),
	"VPCs":                       model.By("build: AWS::EC2::VPC, VPCCidrBlock"),
	"Subnets":                    model.By("build: AWS::EC2::Subnet"),
	"RouteTables":                model.By("build: AWS::EC2::RouteTable, Route, SubnetRouteTableAssociation; each VPC's main table"),
	"InternetGateways":           model.By("gateways: AWS::EC2::InternetGateway, VPCGatewayAttachment"),
	"EgressOnlyInternetGateways": model.By("gateways: AWS::EC2::EgressOnlyInternetGateway"),
	"NATGateways":                model.By("gateways: AWS::EC2::NatGateway"),
	"NATInstances":               model.Skip("read as what they are to the analysis: an instance and its fixed interface"),
	"ENIs":                       model.By("interfaces: AWS::EC2::NetworkInterface, and those of instances, NAT gateways, endpoints, load balancers"),
	"SecurityGroups":             model.By("securityGroups: AWS::EC2::SecurityGroup, Ingress, Egress"),
	"NetworkACLs":                model.By("nacls: AWS::EC2::NetworkAcl, NetworkAclEntry, SubnetNetworkAclAssociation; each VPC's default ACL"),
	"Endpoints":                  model.By("endpoints: AWS::EC2::VPCEndpoint"),
	"FlowLogs":                   model.Skip("not read yet: flow logs change no answer the analysis gives"),
	"LoadBalancers":              model.By("loadBalancers, apiGateways: ELBv2 load balancers and listeners, API Gateway VPC links"),
	"Services":                   model.By("workloads, eksNodeGroups: AWS::ECS::Service, AWS::EKS::Nodegroup"),
	"Databases":                  model.By("workloads: AWS::RDS::DBInstance"),
	"Bastions":                   model.By("bastions: a bastion's launch template and group"),
	"CDNs":                       model.Skip("not read yet: CloudFront sits outside the VPC; its origin-facing prefix list is what the analysis uses"),
	"WebACLs":                    model.Skip("not read yet: WAF filters requests, not the network paths the analysis proves"),
	"AliasRecords":               model.Skip("not read yet: DNS names change no network path"),
	"FileSystems":                model.Skip("not read yet: EFS mount targets are not modelled as interfaces"),
	"TransitGateways":            model.By("transit: AWS::EC2::TransitGateway"),
	"TGWAttachments":             model.By("transit: Transit Gateway VPC and peering attachments"),
	"TGWRouteTables":             model.By("transit, hub: TransitGatewayRouteTable, routes, associations, propagations"),
	"PeeringConnections":         model.By("transit: AWS::EC2::VPCPeeringConnection"),
	"PrefixLists":                model.By("transit: AWS::EC2::PrefixList"),
	"Instances":                  model.By("interfaces: AWS::EC2::Instance"),
	"TargetGroups":               model.By("loadBalancers: AWS::ElasticLoadBalancingV2::TargetGroup"),
	"Firewalls":                  model.By("hub, firewalls: AWS::NetworkFirewall::Firewall, policy, rule groups"),
	"VPNGateways":                model.Skip("not read yet: templates with VPNs are read from describe-* output (awsjson)"),
	"VPNConnections":             model.Skip("not read yet: templates with VPNs are read from describe-* output (awsjson)"),
	"VirtualInterfaces":          model.Skip("no CloudFormation resource creates a Direct Connect virtual interface"),
	"Notes":                      model.Skip("a design's notes are the compiler's; a template carries none"),
	"Topics":                     model.Skip("an SNS topic is not network: the analysis needs none"),
	"Keys":                       model.Skip("a KMS key is not network: the analysis needs none"),
	"LogGroups":                  model.Skip("a log group is not network: the analysis needs none"),
	"LogBuckets":                 model.Skip("an access-log bucket is not network: the analysis needs none"),
	"Waivers":                    model.Skip("Metadata waivers explain a design; the network does not depend on them"),
	"NATOptions":                 model.Skip("the NAT alternatives are the compiler's; a template holds only what was built, so cost --compare needs the spec"),
	"Tags":                       model.Skip("a template's resources carry their own tags; the spec's are not recoverable from them"),
	"Unread":                     model.By("unread: every resource of a type no step reads"),
}
