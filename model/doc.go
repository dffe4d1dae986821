// Package model holds AWS networking as plain values: the one model in the
// middle of moat. Every input (a stack spec, a CloudFormation template,
// describe-* JSON) compiles into a Network; every output (templates,
// reachability answers, costs, diagrams, the twin) reads from one.
//
// Resources refer to each other by ResourceRef, a stable, human-readable name
// such as "subnet/private/use1-az2" (a name, never an IP address: those are
// netip.Addr). The reference is the source of the
// CloudFormation logical ID, the diagram node id and the name used in
// explanations.
//
// The package does no I/O. A Network is built once (by a compiler or an
// importer), ends in Finish, which checks it and indexes its lookups, and
// is then treated as immutable.
package model
