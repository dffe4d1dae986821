package model

// The types in this file describe what sits at the edge of a design and
// beside its workloads: CloudFront, WAF web ACLs, Route 53 alias records,
// API Gateway settings and EFS file systems.

// CDN is a CloudFront distribution in front of a load balancer. CloudFront
// lives outside the VPC; it reaches the origin from the AWS-managed
// origin-facing prefix list.
type CDN struct {
	Addr    ResourceRef
	Origin  ResourceRef // the load balancer it forwards to
	Aliases []string    // host names the distribution answers for
	// Certificate is the viewer certificate (CloudFront takes one).
	Certificate Certificate
	// ForwardHeaders are the viewer headers the origin receives, through
	// an origin request policy. Host is always among them, so the origin
	// serves (and CloudFront validates) the certificate of the host name.
	ForwardHeaders []string
	WebACL         ResourceRef // zero without WAF
}

// CloudFrontPrefixList is the AWS-managed prefix list of CloudFront's
// origin-facing servers. A security group rule naming it counts as 55
// rules against the rules-per-group quota.
const CloudFrontPrefixList = "com.amazonaws.global.cloudfront.origin-facing"

// WAFScope is where a web ACL may be used.
type WAFScope string

const (
	WAFRegional   WAFScope = "REGIONAL"   // ALB, API Gateway REST stages
	WAFCloudFront WAFScope = "CLOUDFRONT" // distributions; created in us-east-1
)

// WebACL is an AWS WAF web ACL: AWS managed rule groups and a rate-based
// rule, allowing what no rule blocks.
type WebACL struct {
	Addr     ResourceRef
	Scope    WAFScope
	Protects ResourceRef // the load balancer or distribution
	// ManagedRuleGroups are AWS managed rule group names, in priority order.
	ManagedRuleGroups []string
	// RateLimit is the most requests one IP address may send in five
	// minutes before the rate-based rule blocks it.
	RateLimit int
}

// AliasRecord is a Route 53 alias A record pointing a host name at a load
// balancer, distribution or API custom domain.
type AliasRecord struct {
	Addr   ResourceRef
	Zone   string // hosted zone ID
	Name   string
	Target ResourceRef
}

// APISettings are an API Gateway HTTP API's stage settings.
type APISettings struct {
	// ThrottleRate is the steady-state requests per second; ThrottleBurst
	// the bucket size for bursts.
	ThrottleRate  int
	ThrottleBurst int
	// Integration is the internal load balancer the VPC Link reaches.
	Integration ResourceRef
}

// FileSystem is an encrypted EFS file system with one mount target per
// zone.
type FileSystem struct {
	Addr          ResourceRef
	VPC           ResourceRef
	Subnets       []ResourceRef // one mount target per subnet
	SecurityGroup ResourceRef
	Encrypted     bool
	Lifecycle     Lifecycle
}
