package model

// Tiers of a hub-and-spoke design. They are not Public, Private or
// Isolated: their routes lead to a Transit Gateway or a firewall, so the
// single-VPC tier checks do not apply to them, and the hub's own checks
// (analyze) prove them instead.
const (
	// Transit subnets hold only a Transit Gateway attachment's interfaces.
	Transit Tier = "transit"
	// Inspection subnets hold only Network Firewall endpoints.
	Inspection Tier = "firewall"
	// Internal subnets of an ingress VPC hold an API Gateway VPC Link and
	// the internal load balancer it reaches; they have no internet route.
	Internal Tier = "internal"
)

// Account roles of a design split across AWS accounts.
const (
	// NetworkRole owns the ingress and egress VPCs and the Transit Gateway.
	NetworkRole = "network"
	// WorkloadRole owns the workload VPC.
	WorkloadRole = "workload"
)
