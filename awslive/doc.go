// Package awslive reads a live AWS account's network through
// aws-sdk-go-v2 and writes it as the describe-* JSON directory package
// awsjson reads, so a live read and a saved snapshot meet in the same
// importer and give the same model.Network.
//
// It is an edge package: with internal/cli it is the only package that
// imports the SDK (a test checks). It makes read-only calls only, each
// listed in one table (Calls) that both the reader and the IAM policy
// (Policy) are built from, pages through every paginated API, runs a
// bounded number of calls at once, and uses the SDK's standard retryer,
// which backs off on throttling.
//
// Credentials and Regions come from the SDK's standard chain: a profile
// (--profile or AWS_PROFILE, SSO profiles included), AWS_REGION or the
// profile's region, and AWS_ENDPOINT_URL for a local endpoint such as moto.
//
// The snapshot is laid out one folder per account and Region
// (<account>/<region>/describe-vpcs.json, ...), which awsjson reads as
// VPC.Account and VPC.Region.
package awslive
