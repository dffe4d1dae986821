package model

import "net/netip"

// The types in this file describe networks moat did not design: what the
// describe-* and template importers find in real accounts (Transit
// Gateways, peering, prefix lists, instances, target groups, firewalls).
// moat's own compiler uses them too where a design needs them.

// TransitGateway is a regional router joining VPCs, VPNs and peers.
type TransitGateway struct {
	Addr    ResourceRef
	ID      string // tgw-...; empty for a compiled design
	Account string
	Region  string
	ASN     int
}

// TGWAttachmentKind is what a Transit Gateway attachment connects.
type TGWAttachmentKind string

const (
	TGWAttachVPC           TGWAttachmentKind = "vpc"
	TGWAttachPeering       TGWAttachmentKind = "peering"
	TGWAttachVPN           TGWAttachmentKind = "vpn"
	TGWAttachDirectConnect TGWAttachmentKind = "direct-connect-gateway"
)

// TGWAttachment joins a VPC (through one subnet per zone) or a peer to a
// Transit Gateway. Traffic arriving on it is routed by its associated
// route table.
type TGWAttachment struct {
	Addr          ResourceRef
	ID            string
	TGW           ResourceRef
	Kind          TGWAttachmentKind
	VPC           ResourceRef   // vpc attachments
	Subnets       []ResourceRef // vpc attachments: the subnets holding its ENIs
	ApplianceMode bool          // keep both directions of a flow in one zone
	RouteTable    ResourceRef   // associated TGW route table; zero if none
	PeerTGW       ResourceRef   // peering attachments
	Account       string
}

// TGWRoute is a Transit Gateway route. Static and propagated routes both
// appear here; a blackhole route has no attachment.
type TGWRoute struct {
	Dest       netip.Prefix
	Attachment ResourceRef
	Blackhole  bool
	Propagated bool

	// PrefixList is the prefix list a prefix-list reference route names
	// (Dest is then invalid): the route stands for each of its entries.
	PrefixList string
}

// TGWRouteTable is a Transit Gateway route table with the attachments
// associated with it and those propagating routes into it.
type TGWRouteTable struct {
	Addr         ResourceRef
	ID           string
	TGW          ResourceRef
	Routes       []TGWRoute
	Associations []ResourceRef
	Propagations []ResourceRef
}

// PeeringConnection joins two VPCs. It is not transitive: traffic may only
// go from one peer VPC to the other, never onwards.
type PeeringConnection struct {
	Addr      ResourceRef
	ID        string
	Requester ResourceRef // VPC
	Accepter  ResourceRef // VPC
	Active    bool
}

// PrefixList is a managed prefix list, AWS-managed (S3, DynamoDB,
// CloudFront) or customer-managed.
type PrefixList struct {
	Addr    ResourceRef
	ID      string // pl-...
	Name    string // e.g. com.amazonaws.us-east-1.s3
	Entries []netip.Prefix
}

// Instance is an EC2 instance and the interfaces attached to it.
type Instance struct {
	Addr ResourceRef
	ID   string
	Name string // Name tag, if any
	ENIs []ResourceRef
	// Role says what the instance is for when moat knows (nat, bastion,
	// service); empty for imported instances.
	Role InstanceRole
}

// InstanceRole is what an instance is for, when moat knows.
type InstanceRole string

// RoleNAT is a NAT instance: it forwards and translates.
const RoleNAT InstanceRole = "nat"

// TargetType is what a target group's targets are, in ELB's words.
type TargetType string

const (
	// InstanceTargets are EC2 instances, by id.
	InstanceTargets TargetType = "instance"
	// IPTargets are addresses (RFC 1918, 100.64.0.0/10, or a peered VPC's).
	IPTargets TargetType = "ip"
	// LambdaTargets are functions; ALBTargets an ALB behind an NLB.
	LambdaTargets TargetType = "lambda"
	ALBTargets    TargetType = "alb"
)

// Target is one registered target of a target group: an ENI (instance or
// IP target inside the VPC) or a bare IP.
type Target struct {
	ENI     ResourceRef
	IP      netip.Addr
	Port    int
	Healthy bool
}

// TargetGroup is where a load balancer listener forwards.
type TargetGroup struct {
	Addr       ResourceRef
	ID         string // ARN for imports
	VPC        ResourceRef
	Protocol   string // HTTP, HTTPS, TCP, TLS, UDP
	Port       int
	TargetType TargetType
	Targets    []Target

	// PreserveClientIP is the preserve_client_ip.enabled attribute of a
	// Network Load Balancer's target group; nil when the input does not
	// set it, and then the default holds: on for instance targets and
	// for UDP, TCP_UDP, QUIC and TCP_QUIC, off for ip targets over TCP
	// and TLS
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
	PreserveClientIP *bool
}

// FirewallAction is what a Network Firewall rule does with a match.
type FirewallAction string

const (
	FirewallPass  FirewallAction = "pass"
	FirewallDrop  FirewallAction = "drop"
	FirewallAlert FirewallAction = "alert"
)

// FirewallRule is one stateful Network Firewall rule: either a domain rule
// (TLS SNI / HTTP Host, Domains set) or a 5-tuple rule.
type FirewallRule struct {
	Action   FirewallAction
	Protocol Protocol
	Dest     netip.Prefix // zero = any
	Ports    PortRange
	Domains  []string // ".example.com" matches subdomains, as AWS does
}

// Firewall is an AWS Network Firewall with one endpoint per subnet. Rules
// are evaluated in order (strict order); DefaultAction applies when none
// matches (zero when unknown: an imported policy moat could not read).
type Firewall struct {
	Addr          ResourceRef
	VPC           ResourceRef
	Subnets       []ResourceRef
	Rules         []FirewallRule
	DefaultAction FirewallAction
	Logs          []FirewallLog // empty when it logs nowhere or it is unknown
	// ChangeProtection turns on delete and subnet-change protection.
	ChangeProtection bool
}

// FirewallLog is where a firewall sends one kind of log.
type FirewallLog struct {
	Type        string // ALERT, FLOW or TLS, as AWS names them
	Destination string // "cloud-watch-logs", "s3" or "kinesis-data-firehose"
	// Target is the log group name, bucket (with its prefix) or delivery
	// stream; empty when not known before deploy.
	Target string
}

// UnreadResource is a resource a template import found and does not
// model, such as an Auto Scaling group or a KMS key: no path depends on
// it, but a cost report must say it left it out.
type UnreadResource struct {
	Addr ResourceRef
	Type string // the template's type, e.g. AWS::AutoScaling::AutoScalingGroup
}
