package awsjson

// The structs below mirror the JSON the AWS CLI prints, keeping only the
// fields moat reads. One dump struct holds every top-level key any
// recognised file may carry, so a file is decoded the same way whatever
// its name; the name only says which per-table id a file is about.

type tag struct {
	Key, Value string
}

type dump struct {
	Vpcs                         []rawVPC
	Subnets                      []rawSubnet
	RouteTables                  []rawRouteTable
	InternetGateways             []rawIGW
	EgressOnlyInternetGateways   []rawEIGW
	NatGateways                  []rawNATGateway
	NetworkInterfaces            []rawENI
	Reservations                 []rawReservation
	SecurityGroups               []rawSG
	NetworkAcls                  []rawNACL
	VpcEndpoints                 []rawEndpoint
	VpcPeeringConnections        []rawPeering
	TransitGateways              []rawTGW
	TransitGatewayAttachments    []rawTGWAttachment
	TransitGatewayVpcAttachments []rawTGWVPCAttachment
	TransitGatewayRouteTables    []rawTGWRouteTable
	// Batfish: one entry per TGW route table.
	TransitGatewayStaticRoutes []rawTGWTableRoutes
	TransitGatewayPropagations []rawTGWTablePropagations
	// search-transit-gateway-routes, get-transit-gateway-route-table-
	// associations / -propagations: one table per file, named in the file
	// name.
	Routes                               []rawTGWRoute
	Associations                         []rawTGWPropagation
	TransitGatewayRouteTablePropagations []rawTGWPropagation
	PrefixLists                          []rawPrefixList
	// get-managed-prefix-list-entries: one list per file.
	Entries   []rawPrefixListEntry
	Addresses []rawAddress
	// elbv2
	LoadBalancers            []rawLB
	Listeners                []rawListener
	LoadBalancerListeners    []rawLBListeners
	TargetGroups             []rawTargetGroup
	TargetHealthDescriptions []rawTargetHealth
	LoadBalancerTargetHealth []rawTGHealth
	// describe-target-group-attributes: one group per file.
	Attributes []struct{ Key, Value string }
	// VPN and Direct Connect (types in vpn.go)
	VpnGateways       []rawVGW
	VpnConnections    []rawVPNConnection
	CustomerGateways  []rawCGW
	VirtualInterfaces []rawVIF
	// describe-instance-type-offerings
	InstanceTypeOfferings []rawOffering
}

// rawOffering is one instance type offered in one location
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceTypeOffering.html).
type rawOffering struct {
	InstanceType, LocationType, Location string
}

type rawVPC struct {
	VpcId, CidrBlock, OwnerId string
	CidrBlockAssociationSet   []struct {
		CidrBlock      string
		CidrBlockState struct{ State string }
	}
	Ipv6CidrBlockAssociationSet []struct {
		Ipv6CidrBlock      string
		Ipv6CidrBlockState struct{ State string }
	}
	Tags []tag
}

type rawSubnet struct {
	SubnetId, VpcId, CidrBlock, OwnerId  string
	AvailabilityZone, AvailabilityZoneId string
	MapPublicIpOnLaunch                  bool
	AssignIpv6AddressOnCreation          bool
	Ipv6CidrBlockAssociationSet          []struct {
		Ipv6CidrBlock      string
		Ipv6CidrBlockState struct{ State string }
	}
	Tags []tag
}

type rawRouteTable struct {
	RouteTableId, VpcId string
	Associations        []struct {
		Main             bool
		SubnetId         string
		GatewayId        string
		AssociationState struct{ State string }
	}
	Routes          []rawRoute
	PropagatingVgws []struct{ GatewayId string }
	Tags            []tag
}

type rawRoute struct {
	DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId string
	GatewayId, NatGatewayId, NetworkInterfaceId, InstanceId                 string
	TransitGatewayId, VpcPeeringConnectionId, EgressOnlyInternetGatewayId   string
	CarrierGatewayId, LocalGatewayId, CoreNetworkArn                        string
	State                                                                   string
	Origin                                                                  string
}

type rawAttachment struct {
	VpcId, State string
}

type rawIGW struct {
	InternetGatewayId string
	Attachments       []rawAttachment
	Tags              []tag
}

type rawEIGW struct {
	EgressOnlyInternetGatewayId string
	Attachments                 []rawAttachment
	Tags                        []tag
}

type rawNATGateway struct {
	NatGatewayId, SubnetId, VpcId, State, ConnectivityType string
	NatGatewayAddresses                                    []struct {
		NetworkInterfaceId, PrivateIp, PublicIp string
	}
}

type rawENI struct {
	NetworkInterfaceId, SubnetId, VpcId, Description string
	InterfaceType, RequesterId, PrivateIpAddress     string
	AvailabilityZone                                 string
	SourceDestCheck                                  *bool
	Association                                      *struct{ PublicIp string }
	Attachment                                       *struct {
		InstanceId  string
		DeviceIndex int
	}
	Groups             []struct{ GroupId string }
	PrivateIpAddresses []struct {
		Primary          bool
		PrivateIpAddress string
		Association      *struct{ PublicIp string }
	}
	Ipv6Addresses []struct{ Ipv6Address string }
}

type rawReservation struct {
	OwnerId   string
	Instances []struct {
		InstanceId, SubnetId, VpcId, PrivateIpAddress, PublicIpAddress string
		SourceDestCheck                                                *bool
		State                                                          struct{ Name string }
		NetworkInterfaces                                              []rawENI
		Tags                                                           []tag
	}
}

type rawSG struct {
	GroupId, GroupName, Description, VpcId string
	IpPermissions, IpPermissionsEgress     []rawPermission
	Tags                                   []tag
}

type rawPermission struct {
	IpProtocol       string
	FromPort, ToPort *int
	IpRanges         []struct{ CidrIp, Description string }
	Ipv6Ranges       []struct{ CidrIpv6, Description string }
	PrefixListIds    []struct{ PrefixListId, Description string }
	UserIdGroupPairs []struct{ GroupId, UserId, Description string }
}

type rawNACL struct {
	NetworkAclId, VpcId string
	IsDefault           bool
	Associations        []struct{ SubnetId string }
	Entries             []struct {
		RuleNumber               int
		Egress                   bool
		Protocol, RuleAction     string
		CidrBlock, Ipv6CidrBlock string
		PortRange                *struct{ From, To int }
		IcmpTypeCode             *struct{ Type, Code int }
	}
	Tags []tag
}

type rawEndpoint struct {
	VpcEndpointId, VpcEndpointType, VpcId, ServiceName, State string
	PrivateDnsEnabled                                         bool
	RouteTableIds, SubnetIds, NetworkInterfaceIds             []string
	Groups                                                    []struct{ GroupId string }
}

type rawPeering struct {
	VpcPeeringConnectionId string
	AccepterVpcInfo        struct{ VpcId, OwnerId, Region string }
	RequesterVpcInfo       struct{ VpcId, OwnerId, Region string }
	Status                 struct{ Code string }
}

type rawTGW struct {
	TransitGatewayId, OwnerId, TransitGatewayArn, State string
	Options                                             struct {
		AmazonSideAsn int64
	}
}

type rawTGWAttachment struct {
	TransitGatewayAttachmentId, TransitGatewayId, TransitGatewayOwnerId string
	ResourceId, ResourceType, ResourceOwnerId, State                    string
	Association                                                         *struct {
		TransitGatewayRouteTableId, State string
	}
}

type rawTGWVPCAttachment struct {
	TransitGatewayAttachmentId, TransitGatewayId, VpcId, VpcOwnerId, State string
	SubnetIds                                                              []string
	Options                                                                struct {
		ApplianceModeSupport string
	}
}

type rawTGWRouteTable struct {
	TransitGatewayRouteTableId, TransitGatewayId, State string
}

type rawTGWTableRoutes struct {
	TransitGatewayRouteTableId string
	Routes                     []rawTGWRoute
}

type rawTGWRoute struct {
	DestinationCidrBlock, PrefixListId, State, Type string
	TransitGatewayAttachments                       []struct {
		TransitGatewayAttachmentId, ResourceId, ResourceType string
	}
}

type rawTGWTablePropagations struct {
	TransitGatewayRouteTableId           string
	TransitGatewayRouteTablePropagations []rawTGWPropagation
}

type rawTGWPropagation struct {
	TransitGatewayAttachmentId, ResourceId, ResourceType, State string
}

type rawPrefixList struct {
	PrefixListId, PrefixListName string
	Cidrs                        []string
}

type rawPrefixListEntry struct {
	Cidr string
}

type rawAddress struct {
	PublicIp, NetworkInterfaceId, PrivateIpAddress, InstanceId string
}

type rawLB struct {
	LoadBalancerArn, LoadBalancerName, Type, Scheme, VpcId, IpAddressType string
	AvailabilityZones                                                     []struct {
		SubnetId, ZoneName string
	}
	SecurityGroups []string
	State          struct{ Code string }
}

type rawListener struct {
	ListenerArn, LoadBalancerArn, Protocol, SslPolicy string
	Port                                              int
	Certificates                                      []struct{ CertificateArn string }
	DefaultActions                                    []rawAction
}

type rawAction struct {
	Type, TargetGroupArn string
	Order                int
	ForwardConfig        *struct {
		TargetGroups []struct{ TargetGroupArn string }
	}
	RedirectConfig *struct{ Protocol string }
}

type rawLBListeners struct {
	LoadBalancerArn string
	Listeners       []rawListener
}

type rawTargetGroup struct {
	TargetGroupArn, TargetGroupName, Protocol, TargetType, VpcId string
	Port                                                         int
	LoadBalancerArns                                             []string
}

type rawTargetHealth struct {
	Target struct {
		Id   string
		Port int
	}
	TargetHealth struct{ State string }
}

type rawTGHealth struct {
	TargetGroupArn           string
	TargetHealthDescriptions []rawTargetHealth
}
