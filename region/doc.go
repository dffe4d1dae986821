// Package region knows the AWS Regions moat can design for and the
// Availability Zone IDs each one offers.
//
// moat places subnets by AZ ID (use1-az1), never by AZ name (us-east-1a):
// in the oldest Regions AWS maps names to physical zones differently in each
// account, while an AZ ID is the same data center everywhere.
package region
