// Package existing places a stack into a VPC it did not create
// (network.existing in the spec). Given the spec, the imported network
// (a describe-* snapshot or a live read, through awsjson) and the EC2
// instance types offered per zone, Pick classifies the VPC's subnets by
// their routes (analyze's classification: public routes to an internet
// gateway, private has a default route through another hop, isolated has
// none), checks every placement rule the stack depends on, and picks the
// subnets to use, zones first by AZ ID:
//
//   - a database needs isolated subnets in at least two zones;
//   - the service runs in private subnets behind its front end, or in
//     isolated ones when the VPC has no private subnet (it then reaches
//     AWS only through endpoints, as moat's own nat: none design does);
//   - an internet-facing load balancer needs public subnets in at least
//     two zones, and an SSH bastion a public subnet;
//   - the service calls S3 (image layers, logs): its subnets need a way
//     out, a default route or an S3 gateway endpoint on their tables;
//   - the service's tasks are the load balancer's IP targets. ELB takes
//     IP targets from the subnets of the target group's VPC, or else from
//     RFC 1918 and 100.64.0.0/10 only; the tasks always run in the VPC's
//     subnets, so a VPC whose subnets are in publicly routable space
//     (a secondary CIDR) still holds them, and moat accepts it. New
//     subnets moat suggests are always cut from the private ranges;
//   - every instance type the stack launches is offered in its zones.
//
// Each rule that fails is a diagnostic at the spec value it is about,
// with a fix computed from the VPC's free address space. The package does
// no I/O.
package existing
