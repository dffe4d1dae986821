package awsjson

import "github.com/moatnet/moat/model"

// readKinds is what the describe-* importer reads for each kind of
// model.Network (docs/architecture.md, "Adding a resource kind");
// kinds_test.go fails when the model gains a kind this table does not
// name.
var readKinds = model.Coverage{
	"Zones":                      model.By("finish: the subnets' zones"),
	"VPCs":                       model.By("vpcs: describe-vpcs"),
	"Subnets":                    model.By("subnets: describe-subnets"),
	"RouteTables":                model.By("routeTables: describe-route-tables"),
	"InternetGateways":           model.By("gateways: describe-internet-gateways"),
	"EgressOnlyInternetGateways": model.By("gateways: describe-egress-only-internet-gateways"),
	"NATGateways":                model.By("natGateways: describe-nat-gateways"),
	"NATInstances":               model.Skip("an account shows a NAT instance as an instance whose interface has source/destination check off"),
	"ENIs":                       model.By("enisAndInstances: describe-network-interfaces, describe-instances"),
	"SecurityGroups":             model.By("securityGroups: describe-security-groups"),
	"NetworkACLs":                model.By("nacls: describe-network-acls"),
	"Endpoints":                  model.By("endpoints: describe-vpc-endpoints"),
	"FlowLogs":                   model.Skip("not read yet: flow logs change no answer the analysis gives"),
	"LoadBalancers":              model.By("loadBalancers: elbv2 describe-load-balancers, describe-listeners"),
	"Services":                   model.Skip("not read yet: ECS and EKS are seen as their interfaces"),
	"Databases":                  model.Skip("not read yet: RDS is seen as its interfaces"),
	"Bastions":                   model.Skip("a bastion is moat's role for an instance; an account shows the instance"),
	"CDNs":                       model.Skip("not read yet: CloudFront is not in the EC2 describe-* output"),
	"WebACLs":                    model.Skip("not read yet: WAF is not in the EC2 describe-* output"),
	"AliasRecords":               model.Skip("not read yet: Route 53 is not in the EC2 describe-* output"),
	"FileSystems":                model.Skip("not read yet: EFS is seen as its mount targets' interfaces"),
	"TransitGateways":            model.By("transitGateways: describe-transit-gateways"),
	"TGWAttachments":             model.By("transitGateways: describe-transit-gateway-attachments, -vpc-attachments"),
	"TGWRouteTables":             model.By("tgwRouteTables: describe-transit-gateway-route-tables, their static routes and propagations"),
	"PeeringConnections":         model.By("peerings: describe-vpc-peering-connections"),
	"PrefixLists":                model.By("prefixLists: describe-managed-prefix-lists and their entries"),
	"Instances":                  model.By("enisAndInstances: describe-instances"),
	"TargetGroups":               model.By("loadBalancers: elbv2 describe-target-groups, describe-target-health"),
	"Firewalls":                  model.Skip("not read yet: network-firewall describe-firewall is not among the files read"),
	"VPNGateways":                model.By("hybrid: describe-vpn-gateways"),
	"VPNConnections":             model.By("hybrid: describe-vpn-connections, describe-customer-gateways"),
	"VirtualInterfaces":          model.By("hybrid: directconnect describe-virtual-interfaces"),
	"Notes":                      model.Skip("a design's notes are the compiler's; an account carries none"),
	"Topics":                     model.Skip("describe-* holds no SNS topics; an account's notifications are not network"),
	"Keys":                       model.Skip("describe-* holds no KMS keys; an account's keys are not network"),
	"LogGroups":                  model.Skip("describe-* holds no log groups; an account's logs are not network"),
	"LogBuckets":                 model.Skip("describe-* holds no buckets; an account's logs are not network"),
	"Waivers":                    model.Skip("a design's waivers are the compiler's; an account carries none"),
	"Unread":                     model.Skip("a template import's record; describe-* files are read by name, and a file moat does not read holds no resource"),
	"NATOptions":                 model.Skip("the NAT alternatives are the compiler's; an account holds only what was built, so cost --compare needs the spec"),
	"Tags":                       model.Skip("the stack's own tags are a design's; an account's resources carry their own"),
}
