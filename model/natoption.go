package model

// NATOption describes one way to give private subnets internet access, as
// a row of the NAT comparison (`moat cost --compare`): compile decides the
// rows and records them on the network it builds (Network.NATOptions, the
// baseline first), the commands compile the spec once per row with the
// row's Change, and pricing prices the network each compiles to. Imports
// hold none: only a design moat compiles has options to compare.
type NATOption struct {
	Name     string // e.g. "gateway-per-zone"
	Label    string // e.g. "a NAT gateway per zone"
	GivesUp  string // one line: throughput, zone failure, replacement time
	Baseline bool   // the option the others are measured against
	// Current marks the option the spec itself chose.
	Current bool
	// Change is the spec's network.nat that compiles this option.
	Change NATChange
}

// NATChange is a spec's network.nat setting, spelled as the spec spells
// it: model does not import the spec package.
type NATChange struct {
	Mode         string // instance, gateway, gateway-per-zone, regional-gateway or none
	InstanceType string // the NAT instances' type
	PerZone      bool   // a NAT instance in every zone
}
