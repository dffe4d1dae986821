// Package rules holds AWS's filtering and routing semantics, compiled once
// into typed, ordered forms that the analyzer and the twin both read, so
// that neither walks the model's raw rules to decide a packet:
//
//   - a security group is stateful and allow-only, and the groups of an
//     interface admit the union of their rules; a rule whose peer the
//     input does not define makes a denial not known (Group, Admit);
//   - a network ACL is stateless, evaluated in rule-number order, first
//     match wins, with an implicit deny at the end (ACL);
//   - a Network Firewall's stateful rules run in strict order, the first
//     pass or drop deciding, alert rules only logging, else the default
//     action (Firewall);
//   - a route table picks the longest matching prefix, among equal
//     prefixes a static route before a prefix-list route before a
//     propagated one, and its local routes beat propagated routes however
//     specific (Table, Preferred);
//   - a Transit Gateway route table does the same with static,
//     prefix-list and propagated routes, and learns a route to every
//     block of a VPC attachment that propagates into it (TGWTable);
//   - a rule's protocol is an IANA number, its ports apply to TCP and UDP
//     only, its ICMP type and code to ICMP and ICMPv6, and ICMP asked of
//     an IPv6 address is ICMPv6 (Match, InFamily).
//
// Lookups the compilers take (prefix lists, attachments, a VPC's blocks)
// may be nil: the input then holds none. The package is pure: it imports
// only the model and the standard library. Each rule cites the AWS page
// it follows in its test.
package rules
