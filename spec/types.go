package spec

import (
	"net/netip"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// NATMode is how private subnets reach the internet.
type NATMode string

const (
	NATInstance        NATMode = "instance"         // self-healing NAT instances (default)
	NATGateway         NATMode = "gateway"          // one shared NAT gateway
	NATGatewayPerZone  NATMode = "gateway-per-zone" // a NAT gateway in every zone
	NATRegionalGateway NATMode = "regional-gateway" // one regional NAT gateway over all zones
	NATNone            NATMode = "none"             // no NAT: the private tier is isolated
)

// FrontEndKind is what receives traffic for the service.
type FrontEndKind string

const (
	FrontEndALB        FrontEndKind = "alb"
	FrontEndNLB        FrontEndKind = "nlb"
	FrontEndAPIGateway FrontEndKind = "api-gateway"
	FrontEndNone       FrontEndKind = "none"
)

// Stack is a parsed, defaulted stack spec.
type Stack struct {
	// File is the spec's path as given to Parse, used in diagnostics.
	File        string
	Name        string
	Region      string
	Environment model.Environment
	Network     Network
	FrontEnd    FrontEnd
	Service     *Service  // nil when the spec has no service
	Database    *Database // nil when the spec has no database
	Bastion     *Bastion  // nil when off (the default)
	Tags        []model.Tag
	Assert      []Assertion // assert: never/always flows (spec/assert.go)
	// Topology is single-vpc (default) or hub-and-spoke; Hub holds the
	// hub-and-spoke settings and is nil otherwise (spec/topology.go).
	Topology Topology
	Hub      *Hub

	// pos maps a dotted path ("network.cidr", "network.zones[1]") to where
	// its value sits in the file.
	pos map[string]diag.Range
}

// Network is the spec's network section.
type Network struct {
	CIDR      netip.Prefix // default 10.0.0.0/16
	Zones     Zones
	NAT       NAT
	IPv6      bool
	Endpoints Endpoints
	FlowLogs  FlowLogs
	// Subnets overrides the planner per tier; a missing tier is planned
	// automatically.
	Subnets map[model.Tier]SubnetPlan
	// VPCs are the hub-and-spoke VPC ranges (network.cidrs); zero ones
	// are allocated by the compiler.
	VPCs HubCIDRs
	// Existing is the ID (vpc-...) of a VPC the stack goes into instead
	// of creating one (network.existing); empty for a new VPC. CIDR is
	// then zero and NAT none until the VPC is read (package existing).
	Existing string
	// ExistingSubnets are, per tier, the IDs (subnet-...) of the existing
	// VPC's subnets to use, as network.subnets lists them; a tier not
	// named is picked by moat.
	ExistingSubnets map[model.Tier][]string
}

// Zones is either a count (IDs empty) or an explicit list of AZ IDs. After
// Parse, Count always equals len(IDs) when IDs is set.
type Zones struct {
	Count int // default 3
	IDs   []string
}

// NAT is the NAT choice.
type NAT struct {
	Mode NATMode
	// InstanceType for NAT instances; default "t4g.nano" (a small ARM type).
	InstanceType string
	// PerZone puts a NAT instance in every zone. Default: true in prod,
	// false in dev (one shared instance).
	PerZone bool
	// Notify is an email address subscribed to the NAT auto-scaling
	// groups' launch, terminate and failure notifications; empty: the
	// topic has no subscriber until one is added.
	Notify string
}

// Endpoints lists VPC endpoints by short service name.
type Endpoints struct {
	Gateway   []string // "s3", "dynamodb"; default both (they are free)
	Interface []string // e.g. "ecr.api", "logs"; default none
}

// FlowLogs configures VPC flow logs.
type FlowLogs struct {
	Enabled       bool   // default true
	RetentionDays int    // default 365 in prod, 30 in dev
	TrafficType   string // ALL (default), ACCEPT or REJECT
}

// SubnetPlan overrides one tier's subnets: either a prefix length for
// every zone (Size) or one CIDR per zone (CIDRs).
type SubnetPlan struct {
	Size  int
	CIDRs []netip.Prefix
}

// FrontEnd is the load balancer or API in front of the service.
type FrontEnd struct {
	Kind           FrontEndKind // default alb when a service is present, else none
	InternetFacing bool         // default true
	// AllowFrom is who may reach the listeners; default 0.0.0.0/0 (and
	// ::/0 with IPv6) when internet-facing, the VPC CIDR when internal.
	AllowFrom []netip.Prefix
	Domains   []Domain
	Edge      // cdn, waf, hosted_zone, alias_records, api (spec/edge.go)
}

// Domain is a host name the front end serves, with its certificate.
type Domain struct {
	Name string
	// Certificate is an ACM certificate ARN; empty means moat requests one
	// with DNS validation.
	Certificate string
	// SharesWith names another listed domain whose certificate serves this
	// one (e.g. a host under a wildcard); no certificate is requested.
	SharesWith string
}

// Service is the application workload.
type Service struct {
	Name   string            // default "app"
	Port   int               // required
	Kind   model.ServiceKind // ecs-fargate (default), ecs-ec2, eks
	Sizing                   // cpu, memory, desired_count, instance_type, efs (spec/edge.go)
}

// Database is the stack's database.
type Database struct {
	Engine string // postgres, mysql, mariadb
	Port   int    // default from the engine
	// InstanceClass defaults to db.t4g.micro in dev, db.t4g.medium in
	// prod; StorageGiB to 20.
	InstanceClass string
	StorageGiB    int
}

// Bastion is the optional jump host.
type Bastion struct {
	Mode      model.BastionMode
	AllowFrom []netip.Prefix // SSH sources; empty for ssm
}

// Where returns the position of the value at path, e.g. "network.cidr" or
// "network.subnets.private.cidrs[2]". For a path the file does not spell
// out (a default), it returns the position of the nearest parent that the
// file does contain, and at worst the file itself.
func (s *Stack) Where(path string) diag.Range {
	for p := path; p != ""; p = parent(p) {
		if r, ok := s.pos[p]; ok {
			return r
		}
	}
	return diag.Range{File: s.File}
}

// parent strips the last ".key" or "[i]" from a path.
func parent(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return p[:i]
		}
	}
	return ""
}

// DefaultPort returns the port an engine listens on, or 0 if unknown.
func DefaultPort(engine string) int {
	switch engine {
	case "postgres", "aurora-postgresql":
		return 5432
	case "mysql", "mariadb", "aurora-mysql":
		return 3306
	}
	return 0
}
