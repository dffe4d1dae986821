// Package ec2types holds what moat needs to know of EC2 instance types:
// which types exist in the general-purpose, compute- and memory-optimized
// families and the processor architecture of each (it picks the image and
// the ECS task platform), the nearest known types to a mistyped one, and
// the network limits that size a design: how many network interfaces an
// instance takes and how many private IPv4 addresses each interface
// holds, and from them how many pods an EKS node runs with the Amazon VPC
// CNI.
package ec2types
