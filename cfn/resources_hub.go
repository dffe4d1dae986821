package cfn

// Property structs for the Transit Gateway, Network Firewall and RAM types
// of a hub-and-spoke design. Field names are the CloudFormation property
// names; Type properties of Network Firewall rule groups are passed with
// addWith, since a field named Type would clash with the method.

// TransitGateway is AWS::EC2::TransitGateway.
type TransitGateway struct {
	AmazonSideAsn                Value
	AutoAcceptSharedAttachments  Value
	DefaultRouteTableAssociation Value
	DefaultRouteTablePropagation Value
	Description                  Value
	DnsSupport                   Value
	Tags                         []Tag
}

// Type implements Properties.
func (TransitGateway) Type() string { return "AWS::EC2::TransitGateway" }

// TransitGatewayAttachment is AWS::EC2::TransitGatewayAttachment (a VPC
// attachment).
type TransitGatewayAttachment struct {
	Options          Value
	SubnetIds        []Value
	Tags             []Tag
	TransitGatewayId Value
	VpcId            Value
}

// Type implements Properties.
func (TransitGatewayAttachment) Type() string { return "AWS::EC2::TransitGatewayAttachment" }

// TransitGatewayRouteTable is AWS::EC2::TransitGatewayRouteTable.
type TransitGatewayRouteTable struct {
	Tags             []Tag
	TransitGatewayId Value
}

// Type implements Properties.
func (TransitGatewayRouteTable) Type() string { return "AWS::EC2::TransitGatewayRouteTable" }

// TransitGatewayRouteTableAssociation is
// AWS::EC2::TransitGatewayRouteTableAssociation.
type TransitGatewayRouteTableAssociation struct {
	TransitGatewayAttachmentId Value
	TransitGatewayRouteTableId Value
}

// Type implements Properties.
func (TransitGatewayRouteTableAssociation) Type() string {
	return "AWS::EC2::TransitGatewayRouteTableAssociation"
}

// TransitGatewayRouteTablePropagation is
// AWS::EC2::TransitGatewayRouteTablePropagation.
type TransitGatewayRouteTablePropagation struct {
	TransitGatewayAttachmentId Value
	TransitGatewayRouteTableId Value
}

// Type implements Properties.
func (TransitGatewayRouteTablePropagation) Type() string {
	return "AWS::EC2::TransitGatewayRouteTablePropagation"
}

// TransitGatewayRoute is AWS::EC2::TransitGatewayRoute.
type TransitGatewayRoute struct {
	Blackhole                  Value
	DestinationCidrBlock       Value
	TransitGatewayAttachmentId Value
	TransitGatewayRouteTableId Value
}

// Type implements Properties.
func (TransitGatewayRoute) Type() string { return "AWS::EC2::TransitGatewayRoute" }

// ResourceShare is AWS::RAM::ResourceShare.
type ResourceShare struct {
	AllowExternalPrincipals Value
	Name                    Value
	Principals              []Value
	ResourceArns            []Value
	Tags                    []Tag
}

// Type implements Properties.
func (ResourceShare) Type() string { return "AWS::RAM::ResourceShare" }

// Firewall is AWS::NetworkFirewall::Firewall.
type Firewall struct {
	DeleteProtection               Value
	Description                    Value
	FirewallName                   Value
	FirewallPolicyArn              Value
	FirewallPolicyChangeProtection Value
	SubnetChangeProtection         Value
	SubnetMappings                 []Value
	Tags                           []Tag
	VpcId                          Value
}

// Type implements Properties.
func (Firewall) Type() string { return "AWS::NetworkFirewall::Firewall" }

// FirewallPolicy is AWS::NetworkFirewall::FirewallPolicy.
type FirewallPolicy struct {
	Description        Value
	FirewallPolicy     Value
	FirewallPolicyName Value
	Tags               []Tag
}

// Type implements Properties.
func (FirewallPolicy) Type() string { return "AWS::NetworkFirewall::FirewallPolicy" }

// RuleGroup is AWS::NetworkFirewall::RuleGroup (Type via addWith).
type RuleGroup struct {
	Capacity      Value
	Description   Value
	RuleGroup     Value
	RuleGroupName Value
	Tags          []Tag
}

// Type implements Properties.
func (RuleGroup) Type() string { return "AWS::NetworkFirewall::RuleGroup" }

// FirewallLogging is AWS::NetworkFirewall::LoggingConfiguration.
type FirewallLogging struct {
	FirewallArn          Value
	LoggingConfiguration Value
}

// Type implements Properties.
func (FirewallLogging) Type() string { return "AWS::NetworkFirewall::LoggingConfiguration" }
