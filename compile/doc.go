// Package compile turns a parsed stack spec into a model.Network with
// moat's secure defaults: zones, the CIDR plan, routes, NAT, security
// groups, network ACLs, endpoints, flow logs, the workloads, and notes on
// where a default trades availability or security for cost.
//
// Compile is a pure function: the same Stack always gives an identical
// Network, with every slice in a fixed order (zones, then tiers public,
// private, isolated). Problems are diagnostics positioned at the spec value
// that caused them.
//
// # Addresses
//
// Other packages rely on these names:
//
//	vpc/main, igw/main, eigw/main
//	subnet/<tier>/<azid>
//	rtb/public, rtb/private/<azid>, rtb/isolated
//	nat/<azid> and eni/nat/<azid> (NAT instances)
//	natgw/<azid>, natgw/regional (NAT gateways)
//	sg/alb, sg/nlb, sg/apigw, sg/service, sg/db, sg/bastion, sg/nat, sg/endpoints
//	nacl/public, nacl/private, nacl/isolated
//	vpce/<service>, flowlog/vpc
//	alb | nlb | apigw, service, db, bastion and eni/bastion
//
// # Tiers
//
// With NAT, every zone has a public, a private (the app) and an isolated
// (the database) subnet. Without NAT there is no private tier: the app and
// the database share the isolated subnets, which then get the app's size.
//
// # The CIDR plan
//
// PlanSubnets is the planner, usable on its own. For a VPC of /p, the app
// tier gets /(p+4) subnets and the others /(p+6). Each tier reserves an
// aligned block of 8 zone slots, so zones can be added later without
// renumbering; a /16 gives private 10.0.0.0/17 (/20s), isolated
// 10.0.128.0/19 and public 10.0.160.0/19 (/22s), and leaves 10.0.192.0/18
// free.
//
// # Routes
//
// Every route table lists its local routes (the VPC's IPv4 and IPv6 CIDRs,
// TargetLocal) explicitly, so analyzers see every route a packet can take.
// Gateway endpoint routes are the exception: AWS adds the prefix-list
// routes itself when an endpoint names a route table, so the model records
// them once, as Endpoint.RouteTables, and not as Route entries that an
// emitter would have to skip.
//
// # Public addresses
//
// No subnet maps public IPs at launch. What needs a public address gets an
// Elastic IP on a fixed interface: a NAT instance's ENI (so its address
// survives a replacement) and a bastion in a public subnet (eni/bastion).
// Load balancers and NAT gateways hold their own.
//
// # IPv6
//
// A dual-stack design uses the stand-in 2001:db8::/56 until AWS assigns a
// real one. Subnet /64s are numbered by tier and zone slot: public 0-7,
// private 8-15, isolated 16-23.
package compile
