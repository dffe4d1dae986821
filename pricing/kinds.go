package pricing

import "github.com/moatnet/moat/model"

// priceKinds is what Estimate prices for each kind of model.Network
// (docs/architecture.md, "Adding a resource kind"); kinds_test.go fails
// when the model gains a kind this table does not name. A kind AWS bills
// for that is skipped here is missing from every cost report.
var priceKinds = model.Coverage{
	"Zones":                      model.By("crossZone: data between zones"),
	"VPCs":                       model.Skip("free: AWS charges nothing for a VPC"),
	"Subnets":                    model.By("natPaths: which NAT each zone's private subnets use"),
	"RouteTables":                model.Skip("free; read through Network.RouteTableOf by natPaths"),
	"InternetGateways":           model.By("internetOut: data out to the internet"),
	"EgressOnlyInternetGateways": model.Skip("free: the gateway has no charge; its data out is internet_out_gb (internetOut)"),
	"NATGateways":                model.By("nat, publicIPv4: hours, data processed, Elastic IPs"),
	"NATInstances":               model.By("nat: the instance's hours"),
	"ENIs":                       model.By("publicIPv4: public IPv4 addresses"),
	"SecurityGroups":             model.Skip("free"),
	"NetworkACLs":                model.Skip("free"),
	"Endpoints":                  model.By("endpoints: interface endpoint hours and data; gateway endpoints are free"),
	"FlowLogs":                   model.By("flowLogs, keysAndSecrets: log ingestion and the group's KMS key"),
	"LoadBalancers":              model.By("loadBalancers: hours and capacity units; API Gateway requests"),
	"Services":                   model.By("workloads: Fargate, EC2 hosts, EKS"),
	"Databases":                  model.By("workloads: RDS instance hours and storage"),
	"Bastions":                   model.By("workloads, publicIPv4: the bastion's instance and address"),
	"CDNs":                       model.By("edge: CloudFront data out"),
	"WebACLs":                    model.By("edge: WAF web ACLs and rules"),
	"AliasRecords":               model.Skip("free: Route 53 alias queries to AWS resources are not charged; the hosted zone is the user's"),
	"FileSystems":                model.Skip("priced from the usage file's efs_gb (workloads), not from the model yet"),
	"TransitGateways":            model.By("transitGateways: data processed"),
	"TGWAttachments":             model.By("transitGateways: attachment hours"),
	"TGWRouteTables":             model.Skip("free"),
	"PeeringConnections":         model.Skip("not priced yet: data across a peering is billed as data between zones or Regions"),
	"PrefixLists":                model.Skip("free"),
	"Instances":                  model.Skip("not priced yet: an imported account's instances are its own, not the network's"),
	"TargetGroups":               model.Skip("free: billed with their load balancer"),
	"Firewalls":                  model.By("firewalls, firewallNATWaiver: endpoint hours, data processed, the NAT waiver"),
	"VPNGateways":                model.Skip("not priced yet: VPN connection hours are not in the price tables"),
	"VPNConnections":             model.Skip("not priced yet: VPN connection hours are not in the price tables"),
	"VirtualInterfaces":          model.Skip("not priced yet: Direct Connect ports are billed to the connection's owner"),
	"Notes":                      model.Skip("text, not a resource"),
	"Topics":                     model.Skip(TopicsUnpriced),
	"Keys":                       model.By("keys: a month per customer managed key, in each account that holds it"),
	"LogGroups":                  model.Skip("a log group has no standing charge; what the services, API Gateway, WAF and the firewall ingest is not in the usage file (flow logs are: flowLogs)"),
	"LogBuckets":                 model.Skip("the access logs' S3 storage is not in the usage file; they expire by lifecycle (LogBucket.ExpirationDays)"),
	"Waivers":                    model.Skip("text, not a resource"),
	"NATOptions":                 model.Skip("alternatives, not resources: Compare prices the network each compiles to"),
	"Tags":                       model.Skip("tags cost nothing"),
	"Unread":                     model.By("unread: each resource of a type AWS bills for, as a line not priced"),
}

// TopicsUnpriced is why an SNS topic has no cost line: AWS's list price
// has no monthly charge for a topic, only per request and per delivery
// beyond free tiers (https://aws.amazon.com/sns/pricing/), and a topic
// that hears of an auto-scaling group's few replacements stays inside
// them.
const TopicsUnpriced = "an SNS topic has no monthly charge (https://aws.amazon.com/sns/pricing/): requests and deliveries are billed past free tiers, which a few scaling events a month stay inside"
