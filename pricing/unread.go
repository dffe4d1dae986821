package pricing

// billedUnread is, for each resource type a template import does not
// model that AWS bills for, what the bill holds for it. A cost report of
// an imported template lists each such resource as not priced, so its
// total is never read as the whole bill.
var billedUnread = map[string]string{
	"AWS::AutoScaling::AutoScalingGroup": "the EC2 instances it launches, their volumes and public IPv4 addresses",
	"AWS::EC2::FlowLog":                  "flow-log records delivered (flow_log_gb)",
	"AWS::KMS::Key":                      "a customer managed key, $1/month",
	"AWS::SecretsManager::Secret":        "a secret, $0.40/month",
	"AWS::EFS::FileSystem":               "EFS storage (efs_gb)",
	"AWS::CloudFront::Distribution":      "CloudFront data out and requests",
	"AWS::WAFv2::WebACL":                 "the web ACL and its rules",
	"AWS::EKS::Cluster":                  "the cluster's hours",
	"AWS::ECS::CapacityProvider":         "the instances its Auto Scaling group launches",
	"AWS::EC2::Volume":                   "EBS storage",
	"AWS::EC2::ClientVpnEndpoint":        "endpoint and connection hours",
	"AWS::EC2::VPNConnection":            "connection hours",
	"AWS::DirectoryService::MicrosoftAD": "directory hours",
	"AWS::ElastiCache::CacheCluster":     "cache node hours",
	"AWS::ElastiCache::ReplicationGroup": "cache node hours",
	"AWS::RDS::DBCluster":                "Aurora instance, storage and I/O charges",
	"AWS::Lambda::Function":              "requests and duration",
	"AWS::Route53::HostedZone":           "$0.50/month per hosted zone, and queries",
}

// unreadNotPriced says the resources a template import did not model and
// AWS bills for are left out of the total.
const unreadNotPriced = "read from the template but not modelled, so not priced: price the spec it came from, or add the charge by hand"

// unread lists each resource a template import did not model that AWS
// bills for (Network.Unread) as a line not priced.
func (e *estimator) unread() {
	for _, u := range e.n.Unread {
		what, billed := billedUnread[u.Type]
		if !billed {
			continue
		}
		e.r.Lines = append(e.r.Lines, Line{Resource: u.Addr, Item: u.Type + ": " + what, Quantity: Units(1), Unit: "resource",
			Unpriced: true, Reason: unreadNotPriced})
	}
}
