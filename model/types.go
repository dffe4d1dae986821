package model

import (
	"fmt"
	"net/netip"
	"strconv"
)

// Tier is a subnet's role, as the seeds define it by its routes.
type Tier string

const (
	// Public subnets route 0.0.0.0/0 to an internet gateway.
	Public Tier = "public"
	// Private subnets reach the internet only through NAT.
	Private Tier = "private"
	// Isolated subnets have no route out of the VPC at all.
	Isolated Tier = "isolated"
)

// Environment is dev or prod. Dev may trade availability for cost; the
// compiler records each such trade as a Note.
type Environment string

const (
	Dev  Environment = "dev"
	Prod Environment = "prod"
)

// PortRange is an inclusive range of ports. The zero value (0-0) with a TCP
// or UDP protocol means port 0 only; rules for other protocols ignore
// ports (an ICMP rule's type and code are its ICMPMatch).
type PortRange struct {
	From, To int
}

// AnyPort is the full TCP/UDP port range.
var AnyPort = PortRange{0, 65535}

// LinuxClientPorts is the range Linux picks a connection's own port from
// (ip_local_port_range's default, 32768-60999; AWS's ephemeral ports page,
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html,
// gives 32768-61000): the clients in a moat design (Fargate tasks, Amazon
// Linux, Bottlerocket) are Linux.
var LinuxClientPorts = PortRange{From: 32768, To: 60999}

// Port returns the range holding only p.
func Port(p int) PortRange { return PortRange{p, p} }

// Contains reports whether p is inside the range.
func (r PortRange) Contains(p int) bool { return p >= r.From && p <= r.To }

func (r PortRange) String() string {
	switch {
	case r == AnyPort:
		return "all ports"
	case r.From == r.To:
		return strconv.Itoa(r.From)
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// Tag is a resource tag. Resources keep tags as an ordered slice so output
// is deterministic.
type Tag struct {
	Key, Value string
}

// Zone is an Availability Zone the network uses, named by AZ ID.
type Zone struct {
	ID string // AZ ID, e.g. "use1-az1"
}

// VPC is one virtual private cloud.
type VPC struct {
	Addr ResourceRef
	Name string
	CIDR netip.Prefix
	// SecondaryCIDRs are further IPv4 blocks associated with the VPC.
	SecondaryCIDRs []netip.Prefix
	// IPv6CIDR is set for dual-stack VPCs. Amazon assigns the real /56 at
	// deploy time; a compiled design uses a stand-in from the documentation
	// range 2001:db8::/32 and sets IPv6Symbolic.
	IPv6CIDR     netip.Prefix
	IPv6Symbolic bool
	Account      string // empty when unknown
	Region       string
	Tags         []Tag
}

// Subnet is a subnet in one zone.
type Subnet struct {
	Addr   ResourceRef
	VPC    ResourceRef
	Tier   Tier
	ZoneID string
	CIDR   netip.Prefix
	// IPv6CIDR and IPv6Index: the subnet's /64 and its index inside the
	// VPC's /56 (-1 when the subnet has no IPv6).
	IPv6CIDR  netip.Prefix
	IPv6Index int
	// RouteTable and NACL are the subnet's one route table and network
	// ACL. Each relation is stored here only: Network.RouteTableSubnets
	// and ACLSubnets derive the reverse, and Finish makes the VPC's main
	// table and default ACL explicit for a subnet associated with none.
	RouteTable ResourceRef
	NACL       ResourceRef
	// MapPublicIP gives instances launched here a public IPv4 address.
	MapPublicIP bool
	// AssignIPv6 gives every network interface created here an IPv6
	// address (AssignIpv6AddressOnCreation).
	AssignIPv6 bool
	Tags       []Tag
}

// Usable returns the number of addresses an instance can use: AWS reserves
// the first four and the last address of every subnet.
func (s Subnet) Usable() int { return UsableAddresses(s.CIDR) }

// UsableAddresses returns 2^(32-bits) - 5 for an IPv4 prefix.
func UsableAddresses(p netip.Prefix) int {
	if !p.Addr().Is4() {
		return 0
	}
	return 1<<(32-p.Bits()) - 5
}

// TargetKind is what a route sends traffic to.
type TargetKind string

const (
	TargetLocal        TargetKind = "local"
	TargetIGW          TargetKind = "internet-gateway"
	TargetEIGW         TargetKind = "egress-only-internet-gateway"
	TargetNATGateway   TargetKind = "nat-gateway"
	TargetENI          TargetKind = "network-interface"
	TargetEndpoint     TargetKind = "vpc-endpoint"
	TargetTGW          TargetKind = "transit-gateway"
	TargetPeering      TargetKind = "vpc-peering-connection"
	TargetBlackhole    TargetKind = "blackhole"
	TargetFirewall     TargetKind = "firewall-endpoint"
	TargetGatewayLBEnd TargetKind = "gateway-load-balancer-endpoint"
)

// Route is one route table entry. Exactly one of Dest and DestPrefixList is
// set. Gateway endpoint routes use DestPrefixList (the service's managed
// prefix list, e.g. "com.amazonaws.us-east-1.s3").
type Route struct {
	Dest           netip.Prefix
	DestPrefixList string
	TargetKind     TargetKind
	Target         ResourceRef // zero for local and blackhole
	// Propagated marks a route moat added for a propagating virtual
	// private gateway (a static VPN route the dump did not list).
	Propagated bool

	// Origin is how AWS made the route (describe-route-tables Origin:
	// CreateRouteTable, CreateRoute, EnableVgwRoutePropagation); empty
	// when the input does not say. It decides between routes to the same
	// prefix: static before propagated
	// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
	Origin string
}

// RouteOriginPropagated is the Origin of a route a virtual private
// gateway propagates.
const RouteOriginPropagated = "EnableVgwRoutePropagation"

// RouteTable is a route table; Network.RouteTableSubnets lists the
// subnets it serves.
type RouteTable struct {
	Addr   ResourceRef
	VPC    ResourceRef
	Main   bool
	Routes []Route
	Tags   []Tag
	// PropagatingVGWs are the virtual private gateways that propagate
	// routes into the table.
	PropagatingVGWs []ResourceRef
}

// InternetGateway attaches a VPC to the internet.
type InternetGateway struct {
	Addr ResourceRef
	VPC  ResourceRef
}

// EgressOnlyInternetGateway lets IPv6 traffic out but not in.
type EgressOnlyInternetGateway struct {
	Addr ResourceRef
	VPC  ResourceRef
}

// NATGateway is an AWS-managed NAT. A zonal gateway sits in one public
// subnet; a regional one (Regional set, Subnet zero) spans Zones.
type NATGateway struct {
	Addr     ResourceRef
	VPC      ResourceRef
	Subnet   ResourceRef
	Regional bool
	Zones    []string // AZ IDs a regional gateway serves
	// PublicIPs is how many Elastic IPs the gateway holds (one per zone for
	// a regional gateway).
	PublicIPs int
	// Private marks a private NAT gateway (no internet; translates to its
	// private address).
	Private bool
	// ENI is the gateway's interface when known (imports).
	ENI ResourceRef
	ID  string
}

// NATInstance is the self-healing NAT: an auto-scaling group of exactly one
// instance that attaches a fixed ENI at boot, so routes that point at the
// ENI survive a replacement.
type NATInstance struct {
	Addr          ResourceRef
	VPC           ResourceRef
	Subnet        ResourceRef  // public subnet it lives in
	ENI           ResourceRef  // fixed interface; private routes point here
	InstanceType  string       // e.g. "t4g.nano"
	Architecture  Architecture // the instance type's; picks the image
	SecurityGroup ResourceRef
	Serves        []string    // AZ IDs whose private route tables use it
	Notify        ResourceRef // topic its auto-scaling group reports to; empty: none
}

// ENI is an elastic network interface.
type ENI struct {
	Addr            ResourceRef
	Subnet          ResourceRef
	PrivateIP       netip.Addr // zero when AWS assigns it at deploy
	PublicIP        netip.Addr // zero when none or not yet known
	HasPublicIP     bool       // an Elastic or auto-assigned public IPv4 exists
	SecurityGroups  []ResourceRef
	SourceDestCheck bool
	Owner           ResourceRef // resource that uses the interface
	Description     string
	// Standin marks an interface AddWorkloadENIs made for a workload
	// whose interfaces AWS creates: its address is moat's, not AWS's.
	Standin bool
	Type    string // AWS InterfaceType for imports: interface, nat_gateway, vpc_endpoint, ...
	// ID is the AWS id (eni-...) for imported interfaces.
	ID string
	// SecondaryIPs are further private IPv4 addresses; IPv6 the interface's
	// IPv6 addresses.
	SecondaryIPs []netip.Addr
	IPv6         []netip.Addr
}

// PeerKind says what a security group rule admits.
type PeerKind string

const (
	PeerCIDR       PeerKind = "cidr"
	PeerGroup      PeerKind = "security-group"
	PeerPrefixList PeerKind = "prefix-list"
)

// Peer is the source of an ingress rule or destination of an egress rule.
type Peer struct {
	Kind       PeerKind
	CIDR       netip.Prefix
	Group      ResourceRef
	PrefixList string // an id (pl-...) or an AWS-managed name
}

func (p Peer) String() string {
	switch p.Kind {
	case PeerCIDR:
		return p.CIDR.String()
	case PeerGroup:
		return string(p.Group)
	}
	return p.PrefixList
}

// SGRule is one security group rule.
type SGRule struct {
	Protocol    Protocol
	Ports       PortRange // TCP and UDP only
	ICMP        ICMPMatch // ICMP and ICMPv6 only
	Peer        Peer
	Description string
}

// SecurityGroup is a stateful, allow-only filter on ENIs. Egress is the
// exact list of egress rules: an empty list allows no egress.
type SecurityGroup struct {
	Addr        ResourceRef
	VPC         ResourceRef
	Name        string
	Description string
	Ingress     []SGRule
	Egress      []SGRule
	Tags        []Tag
}

// Action is a NACL verdict.
type Action string

const (
	Allow Action = "allow"
	Deny  Action = "deny"
)

// NACLEntry is one stateless network ACL rule.
type NACLEntry struct {
	RuleNumber  int
	Egress      bool
	Protocol    Protocol
	Ports       PortRange // TCP and UDP only
	ICMP        ICMPMatch // ICMP and ICMPv6 only
	CIDR        netip.Prefix
	Action      Action
	Description string // why the rule exists; not part of AWS's model
}

// NetworkACL is a stateless subnet filter; AWS evaluates entries in rule
// number order and the first match wins, ending in an implicit deny.
// Network.ACLSubnets lists the subnets it guards.
type NetworkACL struct {
	Addr    ResourceRef
	VPC     ResourceRef
	Default bool
	Entries []NACLEntry
	Tags    []Tag
}

// EndpointType is gateway or interface.
type EndpointType string

const (
	GatewayEndpoint   EndpointType = "gateway"
	InterfaceEndpoint EndpointType = "interface"
)

// Endpoint is a VPC endpoint. Service is the short name ("s3", "ecr.api");
// ServiceName is AWS's full name ("com.amazonaws.us-east-1.s3").
type Endpoint struct {
	Addr           ResourceRef
	VPC            ResourceRef
	Type           EndpointType
	Service        string
	ServiceName    string
	RouteTables    []ResourceRef // gateway endpoints
	Subnets        []ResourceRef // interface endpoints: one per zone
	SecurityGroups []ResourceRef
	PrivateDNS     bool
	ENIs           []ResourceRef // interface endpoints' interfaces, when known
	ID             string
}

// FlowLog captures a VPC's traffic metadata.
type FlowLog struct {
	Addr          ResourceRef
	VPC           ResourceRef
	TrafficType   string // ALL, ACCEPT or REJECT
	Destination   string // "cloud-watch-logs"
	LogGroup      string
	RetentionDays int
	// Key is the Key encrypting the group, and Lifecycle the removals of
	// the group (decided by compile; empty in imports).
	Key       ResourceRef
	Lifecycle Lifecycle
}

// LBKind is the kind of front end.
type LBKind string

const (
	ALB        LBKind = "alb"
	NLB        LBKind = "nlb"
	APIGateway LBKind = "api-gateway"
)

// Listener is a load-balancer listener.
type Listener struct {
	Port     int
	Protocol string // HTTP, HTTPS, TCP, TLS
	// RedirectToHTTPS marks an HTTP listener that only redirects.
	RedirectToHTTPS bool
	Certificates    []Certificate
	SSLPolicy       string
	// Hosts are the host names the listener serves by SNI.
	Hosts []string
	// TargetGroup is where the listener forwards (imports; a compiled
	// design forwards to LoadBalancer.Targets).
	TargetGroup ResourceRef
}

// Certificate is a TLS certificate served by a listener. ARN is empty when
// moat requests the certificate itself.
type Certificate struct {
	Domain string
	ARN    string
	// Names are the host names the certificate holds; empty means Domain.
	Names []string
	// ValidationZone is the Route 53 hosted zone ID where moat writes the
	// DNS validation record of a certificate it requests.
	ValidationZone string
}

// LoadBalancer is an ALB or NLB, or the VPC Link side of an API Gateway.
type LoadBalancer struct {
	Addr           ResourceRef
	VPC            ResourceRef
	Kind           LBKind
	InternetFacing bool
	Subnets        []ResourceRef
	SecurityGroups []ResourceRef
	Listeners      []Listener
	// Allowed is who may reach the listeners (0.0.0.0/0 for a public LB).
	Allowed []netip.Prefix
	// Targets is the service the load balancer forwards to.
	Targets    ResourceRef
	TargetPort int
	// ENIs are the load balancer's own interfaces, one per subnet, when
	// known (imports).
	ENIs []ResourceRef
	ID   string
	// DualStack is IpAddressType dualstack: the load balancer answers on
	// IPv6 as well as IPv4, from subnets that have an IPv6 /64.
	DualStack bool
	// API is set for an API Gateway front end.
	API *APISettings
	// DeletionProtection is ELB's deletion_protection.enabled attribute
	// (ALB and NLB).
	DeletionProtection bool
}

// WritesAccessLogs reports whether the load balancer writes access logs:
// every ALB does, an NLB only for its TLS listeners' connections (NLB user
// guide, "Access logs"), so an NLB without one would enable logging that
// never writes a line.
func (lb LoadBalancer) WritesAccessLogs() bool {
	switch lb.Kind {
	case ALB:
		return true
	case NLB:
		for _, l := range lb.Listeners {
			if l.Protocol == "TLS" {
				return true
			}
		}
	}
	return false
}

// Service is the application workload.
type Service struct {
	Addr          ResourceRef
	VPC           ResourceRef
	Name          string
	Kind          ServiceKind
	Port          int
	Subnets       []ResourceRef
	SecurityGroup ResourceRef
	// Sizing: task CPU units and memory MiB (ECS), how many tasks or
	// nodes, and the instance type of ecs-ec2 hosts or EKS nodes.
	CPU, Memory, DesiredCount int
	InstanceType              string
	// Architecture is the tasks' processor architecture: Graviton (ARM64)
	// on Fargate, the instance type's for ecs-ec2 hosts and EKS nodes;
	// empty when not known (an import).
	Architecture Architecture
	// MaxPodsPerNode is the EKS pod capacity of one node (0 if unknown).
	MaxPodsPerNode int
	// RootVolumeGiB is each ECS host's or EKS node's gp3 root volume (0 if
	// unknown, as in an import).
	RootVolumeGiB int
	FileSystem    ResourceRef // EFS the service mounts; zero if none
	// Notify is the topic its EC2 hosts' auto-scaling group reports to
	// (ecs-ec2); empty: none.
	Notify ResourceRef
	// SecretsKey is the Key that envelope-encrypts an EKS cluster's
	// Kubernetes secrets.
	SecretsKey ResourceRef

	// AssignPublicIP is an awsvpc service's AssignPublicIp: ENABLED gives
	// each task's interface a public IP; the default is DISABLED
	// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html).
	AssignPublicIP bool
}

// Database is the stack's relational database.
type Database struct {
	Addr          ResourceRef
	VPC           ResourceRef
	Engine        string
	Port          int
	MultiAZ       bool
	Subnets       []ResourceRef
	SecurityGroup ResourceRef
	InstanceClass string
	StorageGiB    int
	// BackupDays is the automated backup retention; DeletionProtection
	// and StorageEncrypted as RDS names them.
	BackupDays         int
	DeletionProtection bool
	StorageEncrypted   bool
	Lifecycle          Lifecycle
	// ManagedPassword is RDS's ManageMasterUserPassword: Secrets Manager
	// creates and rotates the master password, a secret billed monthly.
	ManagedPassword bool

	// PubliclyAccessible is RDS's: the instance's interfaces get a public
	// IP. Left out, it defaults to true when the DB subnet group's VPC
	// has an internet gateway attached, else false
	// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
	PubliclyAccessible bool
}

// BastionMode is how people reach the bastion.
type BastionMode string

const (
	BastionSSH BastionMode = "ssh"
	BastionSSM BastionMode = "ssm"
)

// Bastion is a jump host for reaching the database by hand.
type Bastion struct {
	Addr          ResourceRef
	VPC           ResourceRef
	Mode          BastionMode
	Subnet        ResourceRef
	AllowFrom     []netip.Prefix
	SecurityGroup ResourceRef
	InstanceType  string       // empty when not known (an import)
	Architecture  Architecture // the instance type's; picks the image
	RootVolumeGiB int          // its gp3 root volume; 0 when not known (an import)
}

// Architecture is a processor architecture, spelt as ECS's
// RuntimePlatform.CpuArchitecture spells it.
type Architecture string

const (
	ARM64 Architecture = "ARM64"
	X86   Architecture = "X86_64"
)

// ServiceKind is how the application runs.
type ServiceKind string

const (
	// ECSFargate runs tasks on Fargate, one interface each.
	ECSFargate ServiceKind = "ecs-fargate"
	// ECSEC2 runs tasks on an auto-scaling group of ECS hosts.
	ECSEC2 ServiceKind = "ecs-ec2"
	// EKS runs pods on an EKS managed node group.
	EKS ServiceKind = "eks"
)

// NoteKind classifies what the compiler wants a reader to know.
type NoteKind string

const (
	// TradeOff marks a place where a default gives up availability or
	// security for cost.
	TradeOff NoteKind = "trade-off"
	// Advice is a suggestion that needs no change to be safe.
	Advice NoteKind = "advice"
)

// Note is a sentence the plan prints about the design, e.g. where dev trades
// availability for cost.
type Note struct {
	Kind     NoteKind
	Resource ResourceRef
	Text     string
}

// Network is a whole design or an imported account: several VPCs, accounts
// and regions may share one Network.
type Network struct {
	Name        string // stack name, or a label for an import
	Region      string
	Environment Environment
	Zones       []Zone
	// Tags are the stack's own (the spec's tags:), for every taggable
	// resource the stack creates; resources' Tags add to them.
	Tags []Tag

	VPCs                       []VPC
	Subnets                    []Subnet
	RouteTables                []RouteTable
	InternetGateways           []InternetGateway
	EgressOnlyInternetGateways []EgressOnlyInternetGateway
	NATGateways                []NATGateway
	NATInstances               []NATInstance
	ENIs                       []ENI
	SecurityGroups             []SecurityGroup
	NetworkACLs                []NetworkACL
	Endpoints                  []Endpoint
	FlowLogs                   []FlowLog
	LoadBalancers              []LoadBalancer
	Services                   []Service
	Databases                  []Database
	Bastions                   []Bastion
	CDNs                       []CDN
	WebACLs                    []WebACL
	AliasRecords               []AliasRecord
	FileSystems                []FileSystem

	TransitGateways    []TransitGateway
	TGWAttachments     []TGWAttachment
	TGWRouteTables     []TGWRouteTable
	PeeringConnections []PeeringConnection
	PrefixLists        []PrefixList
	Instances          []Instance
	TargetGroups       []TargetGroup
	Firewalls          []Firewall
	VPNGateways        []VPNGateway
	VPNConnections     []VPNConnection
	VirtualInterfaces  []DXVirtualInterface

	Notes []Note
	// Waivers are the design's deliberate deviations from security practice.
	Waivers []Waiver
	// Topics are the SNS topics for operational notifications.
	Topics []Topic
	// Existing is set when the stack goes into a VPC it did not create:
	// what was there, and what the stack needs of it (existing.go).
	Existing *Existing
	// Keys, LogGroups and LogBuckets are where the design keeps its logs
	// and secrets (lifecycle.go).
	Keys       []Key
	LogGroups  []LogGroup
	LogBuckets []LogBucket
	// NATOptions are the ways to give the private subnets internet access
	// that cost --compare prices, decided by compile for the design
	// (natoption.go); empty in imports and in a stack placed in an
	// existing VPC, whose NAT is the VPC's.
	NATOptions []NATOption
	// Unread are the resources a template import found and did not model
	// (imported.go): what they build may still cost money.
	Unread []UnreadResource

	// fin is the index Finish built (finish.go).
	fin *index
}
