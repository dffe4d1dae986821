package cfn

import (
	"maps"

	"github.com/moatnet/moat/model"
)

// emitKinds is what FromNetwork renders for each kind of model.Network
// (docs/architecture.md, "Adding a resource kind"). kinds_test.go fails
// when the model gains a kind this table does not name.
var emitKinds = model.Coverage{
	"Zones":                      model.By("subnets: each subnet's AvailabilityZoneId"),
	"VPCs":                       model.By("vpcs: AWS::EC2::VPC, VPCCidrBlock"),
	"Subnets":                    model.By("subnets: AWS::EC2::Subnet"),
	"RouteTables":                model.By("routeTables: AWS::EC2::RouteTable, Route, SubnetRouteTableAssociation"),
	"InternetGateways":           model.By("gateways: AWS::EC2::InternetGateway, VPCGatewayAttachment"),
	"EgressOnlyInternetGateways": model.By("gateways: AWS::EC2::EgressOnlyInternetGateway"),
	"NATGateways":                model.By("natGateways: AWS::EC2::NatGateway, EIP"),
	"NATInstances":               model.By("natInstances: launch template, auto-scaling group, fixed ENI"),
	"ENIs":                       model.By("workloads: the fixed interfaces a design pins (bastion)"),
	"SecurityGroups":             model.By("securityGroups: AWS::EC2::SecurityGroup and rules"),
	"NetworkACLs":                model.By("nacls: AWS::EC2::NetworkAcl, NetworkAclEntry, SubnetNetworkAclAssociation"),
	"Endpoints":                  model.By("vpcEndpoints: AWS::EC2::VPCEndpoint"),
	"FlowLogs":                   model.By("flowLogs: AWS::EC2::FlowLog, log group, role"),
	"LoadBalancers":              model.By("frontEnds: ELBv2 load balancers, listeners, target groups; API Gateway"),
	"Services":                   model.By("workloads: ECS or EKS"),
	"Databases":                  model.By("workloads: AWS::RDS::DBInstance, subnet group"),
	"Bastions":                   model.By("workloads: the bastion's launch template and group"),
	"CDNs":                       model.By("frontEnds: AWS::CloudFront::Distribution"),
	"WebACLs":                    model.By("frontEnds: AWS::WAFv2::WebACL"),
	"AliasRecords":               model.By("frontEnds: AWS::Route53::RecordSet"),
	"FileSystems":                model.By("workloads: AWS::EFS::FileSystem, mount targets"),
	"TransitGateways":            model.By("transitGateways: AWS::EC2::TransitGateway"),
	"TGWAttachments":             model.By("transitGateways: TransitGatewayVpcAttachment"),
	"TGWRouteTables":             model.By("transitGateways: TransitGatewayRouteTable, routes, associations, propagations"),
	"PeeringConnections":         model.Skip("no design moat compiles peers VPCs; imports are analysed, not re-emitted"),
	"PrefixLists":                model.Skip("rules and routes name AWS-managed lists by name (prefixList); customer lists come only from imports"),
	"Instances":                  model.Skip("imports only: a design's instances are launch templates of NATInstances and Bastions"),
	"TargetGroups":               model.Skip("imports only: a design's target groups are rendered from LoadBalancers.Targets"),
	"Firewalls":                  model.By("firewalls: AWS::NetworkFirewall::Firewall, policy, rule groups, logging"),
	"VPNGateways":                model.Skip("imports only: no design moat compiles has a VPN"),
	"VPNConnections":             model.Skip("imports only: no design moat compiles has a VPN"),
	"VirtualInterfaces":          model.Skip("imports only: Direct Connect is never created by a template"),
	"Notes":                      model.Skip("text for the plan, not a resource"),
	"Topics":                     model.By("topics: the SNS topic, its policy and subscriptions"),
	"Keys":                       model.By("keys: AWS::KMS::Key with the policy its use needs"),
	"LogGroups":                  model.By("logGroups: AWS::Logs::LogGroup; the resource that writes there names it"),
	"LogBuckets":                 model.By("accessLogBucket: AWS::S3::Bucket and its policy, when a load balancer writes access logs"),
	"Waivers":                    model.By("waivers: each resource's scanner Metadata"),
	"NATOptions":                 model.Skip("the design's NAT alternatives for cost --compare, not resources: the template builds only the chosen one"),
	"Tags":                       model.By("every taggable resource's Tags, beside Name and moat:stack"),
	"Unread":                     model.Skip("a template import's record; moat writes templates only from a design"),
}

// Emits is what FromNetwork renders for each kind (a copy of its coverage
// table), so the importer's tests can check the template round trip.
func Emits() model.Coverage { return maps.Clone(emitKinds) }

// accountKinds is how FromNetworkSet divides each kind between the
// per-account templates (accountPart): kept with the account that owns
// it, copied into every part, or refused. A kind the splitter did not
// name used to vanish from every per-account template.
var accountKinds = model.Coverage{
	"Zones":                      model.By("copied into every part"),
	"VPCs":                       model.By("the account's VPCs"),
	"Subnets":                    model.By("by VPC"),
	"RouteTables":                model.By("by VPC"),
	"InternetGateways":           model.By("by VPC"),
	"EgressOnlyInternetGateways": model.By("by VPC"),
	"NATGateways":                model.By("by VPC"),
	"NATInstances":               model.By("by VPC"),
	"ENIs":                       model.By("by the VPC of their subnet"),
	"SecurityGroups":             model.By("by VPC"),
	"NetworkACLs":                model.By("by VPC"),
	"Endpoints":                  model.By("by VPC"),
	"FlowLogs":                   model.By("by VPC"),
	"LoadBalancers":              model.By("by VPC"),
	"Services":                   model.By("by VPC"),
	"Databases":                  model.By("by VPC"),
	"Bastions":                   model.By("by VPC"),
	"CDNs":                       model.Skip("refused (splitRefused): CloudFront in per-account templates is not supported yet"),
	"WebACLs":                    model.By("with the load balancer they protect"),
	"AliasRecords":               model.By("with the load balancer they name"),
	"FileSystems":                model.By("by VPC"),
	"TransitGateways":            model.By("the account's gateways"),
	"TGWAttachments":             model.By("with their VPC, and with the gateway's account"),
	"TGWRouteTables":             model.By("with their gateway"),
	"PeeringConnections":         model.Skip("refused (splitRefused): peering in per-account templates is not supported yet"),
	"PrefixLists":                model.By("copied into every part"),
	"Instances":                  model.Skip("not emitted (emitKinds)"),
	"TargetGroups":               model.Skip("not emitted (emitKinds)"),
	"Firewalls":                  model.By("by VPC"),
	"VPNGateways":                model.Skip("refused (splitRefused): VPN in per-account templates is not supported yet"),
	"VPNConnections":             model.Skip("refused (splitRefused): VPN in per-account templates is not supported yet"),
	"VirtualInterfaces":          model.Skip("refused (splitRefused): Direct Connect in per-account templates is not supported yet"),
	"Notes":                      model.By("copied into every part"),
	"Topics":                     model.By("copied into every part"),
	"Keys":                       model.By("with the log groups, flow logs and services that use them: one key in each account that has a user (Network.KeyAccounts)"),
	"LogGroups":                  model.By("by the VPC of what writes to them"),
	"LogBuckets":                 model.By("in every part with a load balancer that writes access logs"),
	"Waivers":                    model.By("copied into every part; one that lands in no part is an error"),
	"NATOptions":                 model.Skip("not emitted (emitKinds): alternatives, not resources"),
	"Tags":                       model.By("copied into every part"),
	"Unread":                     model.Skip("not emitted (emitKinds): a template import's record"),
}
