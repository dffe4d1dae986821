package model

// NATOption describes one way to give private subnets internet access, as
// a row of the NAT comparison: compile decides the rows, pricing prices
// the network each compiles to.
type NATOption struct {
	Name     string // e.g. "gateway-per-zone"
	Label    string // e.g. "a NAT gateway per zone"
	GivesUp  string // one line: throughput, zone failure, replacement time
	Baseline bool   // the option the others are measured against
}
