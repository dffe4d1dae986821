// Package ec2types holds the network limits of EC2 instance types that
// moat needs to size a design: how many network interfaces an instance
// takes and how many private IPv4 addresses each interface holds, and from
// them how many pods an EKS node runs with the Amazon VPC CNI.
package ec2types
