// Package awsjson reads the JSON that `aws ec2 describe-*` (and the elbv2
// and transit-gateway commands) print, saved one command per file, into a
// model.Network.
//
// A directory is read as one account and Region, or, when it has
// subdirectories, as one per account and Region: a path segment that is a
// Region name (us-east-1) sets VPC.Region, and an all-digit segment (an
// account id, usually under accounts/) sets VPC.Account. Files are
// recognised by the CLI command that wrote them (describe-vpcs.json,
// describe-route-tables.json, ...) or by the names Batfish snapshots use
// (Vpcs.json, RouteTables.json, ...); other files are listed in
// Result.Ignored. Malformed JSON is a diagnostic at line:column of the
// file, never a panic.
//
// Every resource is addressed "<kind>/<aws-id>" (vpc/vpc-0a1b, subnet/...,
// rtb/..., igw/..., eigw/..., natgw/nat-..., eni/..., i/i-..., sg/...,
// nacl/acl-..., vpce/..., pcx/..., tgw/..., tgw-attach/..., tgw-rtb/...,
// pl/...), load balancers and target groups by name (lb/<name>,
// tg/<name>). docs/import.md lists the semantics an analyzer relies on.
package awsjson
