package cfn

// Property structs for the AWS::EC2 types moat emits. Field names are the
// CloudFormation property names exactly (checked against the CloudFormation
// template reference); Props sorts them as the reference does.

// Tag is a resource tag.
type Tag struct {
	Key   Value
	Value Value
}

// VPC is AWS::EC2::VPC.
type VPC struct {
	CidrBlock          Value
	EnableDnsHostnames Value
	EnableDnsSupport   Value
	Tags               []Tag
}

// Type implements Properties.
func (VPC) Type() string { return "AWS::EC2::VPC" }

// VPCCidrBlock is AWS::EC2::VPCCidrBlock (it takes no tags).
type VPCCidrBlock struct {
	AmazonProvidedIpv6CidrBlock Value
	CidrBlock                   Value
	VpcId                       Value
}

// Type implements Properties.
func (VPCCidrBlock) Type() string { return "AWS::EC2::VPCCidrBlock" }

// Subnet is AWS::EC2::Subnet. moat places subnets by AvailabilityZoneId:
// zone names are shuffled per account, IDs are not.
type Subnet struct {
	AssignIpv6AddressOnCreation Value
	AvailabilityZoneId          Value
	CidrBlock                   Value
	Ipv6CidrBlock               Value
	MapPublicIpOnLaunch         Value
	Tags                        []Tag
	VpcId                       Value
}

// Type implements Properties.
func (Subnet) Type() string { return "AWS::EC2::Subnet" }

// InternetGateway is AWS::EC2::InternetGateway.
type InternetGateway struct {
	Tags []Tag
}

// Type implements Properties.
func (InternetGateway) Type() string { return "AWS::EC2::InternetGateway" }

// VPCGatewayAttachment is AWS::EC2::VPCGatewayAttachment.
type VPCGatewayAttachment struct {
	InternetGatewayId Value
	VpcId             Value
}

// Type implements Properties.
func (VPCGatewayAttachment) Type() string { return "AWS::EC2::VPCGatewayAttachment" }

// EgressOnlyInternetGateway is AWS::EC2::EgressOnlyInternetGateway.
type EgressOnlyInternetGateway struct {
	Tags  []Tag
	VpcId Value
}

// Type implements Properties.
func (EgressOnlyInternetGateway) Type() string { return "AWS::EC2::EgressOnlyInternetGateway" }

// RouteTable is AWS::EC2::RouteTable.
type RouteTable struct {
	Tags  []Tag
	VpcId Value
}

// Type implements Properties.
func (RouteTable) Type() string { return "AWS::EC2::RouteTable" }

// Route is AWS::EC2::Route. Exactly one destination and one target is set.
type Route struct {
	DestinationCidrBlock        Value
	DestinationIpv6CidrBlock    Value
	DestinationPrefixListId     Value
	EgressOnlyInternetGatewayId Value
	GatewayId                   Value
	NatGatewayId                Value
	NetworkInterfaceId          Value
	RouteTableId                Value
	TransitGatewayId            Value
	VpcEndpointId               Value
	VpcPeeringConnectionId      Value
}

// Type implements Properties.
func (Route) Type() string { return "AWS::EC2::Route" }

// SubnetRouteTableAssociation is AWS::EC2::SubnetRouteTableAssociation.
type SubnetRouteTableAssociation struct {
	RouteTableId Value
	SubnetId     Value
}

// Type implements Properties.
func (SubnetRouteTableAssociation) Type() string { return "AWS::EC2::SubnetRouteTableAssociation" }

// EIP is AWS::EC2::EIP.
type EIP struct {
	Domain Value
	Tags   []Tag
}

// Type implements Properties.
func (EIP) Type() string { return "AWS::EC2::EIP" }

// EIPAssociation is AWS::EC2::EIPAssociation.
type EIPAssociation struct {
	AllocationId       Value
	NetworkInterfaceId Value
}

// Type implements Properties.
func (EIPAssociation) Type() string { return "AWS::EC2::EIPAssociation" }

// NatGateway is AWS::EC2::NatGateway, zonal (SubnetId + AllocationId) or
// regional (AvailabilityMode "regional", VpcId, AvailabilityZoneAddresses).
type NatGateway struct {
	AllocationId              Value
	AvailabilityMode          Value
	AvailabilityZoneAddresses []AvailabilityZoneAddress
	ConnectivityType          Value
	SubnetId                  Value
	Tags                      []Tag
	VpcId                     Value
}

// Type implements Properties.
func (NatGateway) Type() string { return "AWS::EC2::NatGateway" }

// AvailabilityZoneAddress is the NatGateway property type of that name.
type AvailabilityZoneAddress struct {
	AllocationIds      []Value
	AvailabilityZoneId Value
}

// NetworkInterface is AWS::EC2::NetworkInterface.
type NetworkInterface struct {
	Description     Value
	GroupSet        []Value
	SourceDestCheck Value
	SubnetId        Value
	Tags            []Tag
}

// Type implements Properties.
func (NetworkInterface) Type() string { return "AWS::EC2::NetworkInterface" }

// LaunchTemplate is AWS::EC2::LaunchTemplate.
type LaunchTemplate struct {
	LaunchTemplateData *LaunchTemplateData
	TagSpecifications  []TagSpecification
}

// Type implements Properties.
func (LaunchTemplate) Type() string { return "AWS::EC2::LaunchTemplate" }

// LaunchTemplateData is the LaunchTemplate property type of that name.
type LaunchTemplateData struct {
	BlockDeviceMappings []BlockDeviceMapping
	IamInstanceProfile  *IamInstanceProfile
	ImageId             Value
	InstanceType        Value
	MetadataOptions     *MetadataOptions
	Monitoring          *Monitoring
	NetworkInterfaces   []LaunchTemplateNetworkInterface
	SecurityGroupIds    []Value
	TagSpecifications   []TagSpecification
	UserData            Value
}

// LaunchTemplateNetworkInterface is the LaunchTemplate NetworkInterface
// property type; the subnet comes from the Auto Scaling group.
type LaunchTemplateNetworkInterface struct {
	AssociatePublicIpAddress Value
	DeleteOnTermination      Value
	DeviceIndex              Value
	Groups                   []Value
}

// BlockDeviceMapping is a LaunchTemplate block device.
type BlockDeviceMapping struct {
	DeviceName Value
	Ebs        *Ebs
}

// Ebs is a LaunchTemplate EBS volume.
type Ebs struct {
	DeleteOnTermination Value
	Encrypted           Value
	VolumeSize          Value
	VolumeType          Value
}

// IamInstanceProfile names an instance profile by Arn or Name.
type IamInstanceProfile struct {
	Arn Value
}

// MetadataOptions configures IMDS; moat always requires IMDSv2 tokens.
type MetadataOptions struct {
	HttpEndpoint            Value
	HttpPutResponseHopLimit Value
	HttpTokens              Value
}

// Monitoring turns on detailed monitoring.
type Monitoring struct {
	Enabled Value
}

// TagSpecification tags resources a launch template creates.
type TagSpecification struct {
	ResourceType Value
	Tags         []Tag
}

// SecurityGroup is AWS::EC2::SecurityGroup.
type SecurityGroup struct {
	GroupDescription     Value
	GroupName            Value
	SecurityGroupEgress  []SGEgressRule
	SecurityGroupIngress []SGIngressRule
	Tags                 []Tag
	VpcId                Value
}

// Type implements Properties.
func (SecurityGroup) Type() string { return "AWS::EC2::SecurityGroup" }

// SGIngressRule is the SecurityGroup Ingress property type. moat uses it
// only for CIDR and prefix-list peers; group peers are separate resources.
type SGIngressRule struct {
	CidrIp             Value
	CidrIpv6           Value
	Description        Value
	FromPort           Value
	IpProtocol         Value
	SourcePrefixListId Value
	ToPort             Value
}

// SGEgressRule is the SecurityGroup Egress property type.
type SGEgressRule struct {
	CidrIp                  Value
	CidrIpv6                Value
	Description             Value
	DestinationPrefixListId Value
	FromPort                Value
	IpProtocol              Value
	ToPort                  Value
}

// SecurityGroupIngress is AWS::EC2::SecurityGroupIngress.
type SecurityGroupIngress struct {
	Description           Value
	FromPort              Value
	GroupId               Value
	IpProtocol            Value
	SourceSecurityGroupId Value
	ToPort                Value
}

// Type implements Properties.
func (SecurityGroupIngress) Type() string { return "AWS::EC2::SecurityGroupIngress" }

// SecurityGroupEgress is AWS::EC2::SecurityGroupEgress.
type SecurityGroupEgress struct {
	Description                Value
	DestinationSecurityGroupId Value
	FromPort                   Value
	GroupId                    Value
	IpProtocol                 Value
	ToPort                     Value
}

// Type implements Properties.
func (SecurityGroupEgress) Type() string { return "AWS::EC2::SecurityGroupEgress" }

// NetworkAcl is AWS::EC2::NetworkAcl.
type NetworkAcl struct {
	Tags  []Tag
	VpcId Value
}

// Type implements Properties.
func (NetworkAcl) Type() string { return "AWS::EC2::NetworkAcl" }

// NetworkAclEntry is AWS::EC2::NetworkAclEntry; Protocol is a number.
type NetworkAclEntry struct {
	CidrBlock     Value
	Egress        Value
	Icmp          *Icmp
	Ipv6CidrBlock Value
	NetworkAclId  Value
	PortRange     *PortRange
	Protocol      Value
	RuleAction    Value
	RuleNumber    Value
}

// Type implements Properties.
func (NetworkAclEntry) Type() string { return "AWS::EC2::NetworkAclEntry" }

// Icmp is the NetworkAclEntry ICMP type and code (-1 for any).
type Icmp struct {
	Code Value
	Type Value
}

// PortRange is the NetworkAclEntry port range, inclusive.
type PortRange struct {
	From Value
	To   Value
}

// SubnetNetworkAclAssociation is AWS::EC2::SubnetNetworkAclAssociation.
type SubnetNetworkAclAssociation struct {
	NetworkAclId Value
	SubnetId     Value
}

// Type implements Properties.
func (SubnetNetworkAclAssociation) Type() string { return "AWS::EC2::SubnetNetworkAclAssociation" }

// VPCEndpoint is AWS::EC2::VPCEndpoint.
type VPCEndpoint struct {
	PrivateDnsEnabled Value
	RouteTableIds     []Value
	SecurityGroupIds  []Value
	ServiceName       Value
	SubnetIds         []Value
	Tags              []Tag
	VpcEndpointType   Value
	VpcId             Value
}

// Type implements Properties.
func (VPCEndpoint) Type() string { return "AWS::EC2::VPCEndpoint" }

// FlowLog is AWS::EC2::FlowLog.
type FlowLog struct {
	DeliverLogsPermissionArn Value
	LogDestination           Value
	LogDestinationType       Value
	LogGroupName             Value
	ResourceId               Value
	ResourceType             Value
	Tags                     []Tag
	TrafficType              Value
}

// Type implements Properties.
func (FlowLog) Type() string { return "AWS::EC2::FlowLog" }
