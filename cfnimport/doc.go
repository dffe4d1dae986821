// Package cfnimport reads a CloudFormation template (YAML with short-form
// tags such as !Ref and !GetAtt, or JSON) into a model.Network, for the
// networking resource types: VPCs, subnets, route tables and routes,
// gateways, NAT gateways, security groups, network ACLs, endpoints,
// interfaces, instances, Transit Gateways, peering, ELBv2 and Network
// Firewall (firewalls sharing a policy in one VPC are one model firewall;
// a route's Select/Split over Firewall.EndpointIds names that firewall).
// What runs there is read too: ECS services, EKS node groups, RDS
// instances, HTTP APIs reaching in through a VPC Link (apigw.go) and
// jump hosts to the database (bastion.go).
//
// A resource is addressed "<kind>/<LogicalId>" with the kinds awsjson uses
// (vpc/VpcMain, subnet/SubnetPublicUse1Az1, sg/SgAlb, ...), so an address
// names the same resource in the template a user reads. Ref and GetAtt
// resolve to those addresses; Fn::Cidr, Select, Sub, Join, Split, If,
// FindInMap and parameter defaults are evaluated when their inputs are
// literal. A value that cannot be known before deploy (!ImportValue,
// !GetAZs, a parameter without a default) leaves the field zero and is
// listed in a warning with its position and expression. An Amazon-provided
// IPv6 block gets the stand-in 2001:db8::/56 (VPC.IPv6Symbolic), as the
// compiler uses, so subnets' /64s carved from it evaluate.
//
// What AWS adds on its own is added too: each VPC's main route table
// (rtb/<VpcId>/main) and default network ACL (nacl/<VpcId>/default), the
// local routes, the default deny (rule 32767) of every network ACL, and the
// allow-all egress of a security group without inline egress rules. So are
// the interfaces AWS creates at deploy for load balancers, ECS services,
// RDS instances and interface endpoints: one stand-in per subnet, as a
// compiled design has them (workloads.go, model.AddWorkloadENIs).
package cfnimport
