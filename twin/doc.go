// Package twin turns a model.Network into a plan for a network twin: the
// designed network built from Linux network namespaces, bridges, veth
// pairs, policy routing and nftables, so real packets can be sent through
// it before anything is deployed.
//
// This package is pure: Build computes every namespace, link, address,
// route, rule and nftables ruleset as data and text, deterministically,
// and golden tests pin the result. The privileged half that executes a
// plan (and tears it down) lives in twin/run, so everything that decides
// what the twin looks like is testable without root.
//
// The layout (docs/twin.md has the picture):
//
//   - one router namespace per VPC with one bridge per subnet; the bridge
//     holds the subnet's .1 address, as AWS's VPC router does;
//   - each interface (ENI) is a namespace with one veth on its subnet's
//     bridge, the design's private address, and its security groups as a
//     stateful nftables table;
//   - the router applies each subnet's route table by policy routing keyed
//     on the bridge a packet arrives from (AWS routes by the subnet a packet
//     leaves), and the network ACLs as stateless nftables rules in
//     rule-number order on the bridges, both directions;
//   - an internet gateway namespace does 1:1 NAT between private addresses
//     and stand-in public ones from 198.51.100.0/24, and links the router to
//     an internet namespace whose hosts live in 203.0.113.0/24;
//   - gateway endpoints route to a stand-in AWS service namespace in
//     192.0.2.0/24;
//   - a dual-stack VPC runs IPv6 beside IPv4 (layout.go): the subnets'
//     /64s on the same bridges, `ip -6` rules into the same route tables,
//     the internet gateway routing the VPC's block untranslated, and an
//     egress-only gateway namespace that lets only replies back in.
//
// Only documentation ranges (RFC 5737, RFC 3849 for IPv6) stand for public
// addresses, and no
// namespace of a twin is ever linked to the host's own namespace.
package twin
