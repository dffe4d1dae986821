// Package flowlog reads VPC flow-log records in the default format and
// explains each against a network: the analyzer's verdict at the
// interface that logged it, and the route, network ACL entry or security
// group rule that accepted or rejected it. A record whose ACCEPT or
// REJECT disagrees with the analyzer is flagged: the network the
// analyzer holds is not the one that carried the packet.
//
// The default format is version 2's fourteen fields
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html):
// version account-id interface-id srcaddr dstaddr srcport dstport
// protocol packets bytes start end action log-status.
package flowlog
