// Package rules holds AWS's filtering and routing semantics, compiled once
// into typed, ordered forms that the analyzer and the twin both read:
//
//   - a security group is stateful and allow-only, and the groups of an
//     interface admit the union of their rules (Group, Rule);
//   - a network ACL is stateless, evaluated in rule-number order, first
//     match wins, with an implicit deny at the end (ACL);
//   - a Network Firewall's stateful rules run in strict order, the first
//     pass or drop deciding, else the default action (Firewall);
//   - a route table picks the longest matching prefix, and among equal
//     prefixes a static route before a prefix-list route before a
//     propagated one (Table).
//
// The package is pure: it imports only the model and the standard
// library. Each rule cites the AWS page it follows in its test.
package rules
