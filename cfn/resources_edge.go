package cfn

// Property structs for the front-end and workload types moat emits. Field
// names are the CloudFormation property names (checked against the
// CloudFormation resource reference); nested configuration whose shape
// moat never varies is written as a Map.

// Certificate is AWS::CertificateManager::Certificate.
type Certificate struct {
	DomainName              Value
	DomainValidationOptions []Value
	KeyAlgorithm            Value
	SubjectAlternativeNames []Value
	Tags                    []Tag
	ValidationMethod        Value
}

// Type implements Properties.
func (Certificate) Type() string { return "AWS::CertificateManager::Certificate" }

// LoadBalancer is AWS::ElasticLoadBalancingV2::LoadBalancer.
type LoadBalancer struct {
	IpAddressType          Value // "dualstack" answers IPv6 too; absent is ipv4
	LoadBalancerAttributes []Value
	Scheme                 Value
	SecurityGroups         []Value
	SubnetMappings         []Value // fixed private addresses (emit_hub_lb.go); else Subnets
	Subnets                []Value
	Tags                   []Tag
	// Type ("application" or "network") is added by addWith: a field
	// named Type would clash with the Type method.
}

// Type implements Properties.
func (LoadBalancer) Type() string { return "AWS::ElasticLoadBalancingV2::LoadBalancer" }

// Listener is AWS::ElasticLoadBalancingV2::Listener.
type Listener struct {
	Certificates    []Value
	DefaultActions  []Value
	LoadBalancerArn Value
	Port            Value
	Protocol        Value
	SslPolicy       Value
}

// Type implements Properties.
func (Listener) Type() string { return "AWS::ElasticLoadBalancingV2::Listener" }

// ListenerCertificate is AWS::ElasticLoadBalancingV2::ListenerCertificate:
// the SNI certificates besides a listener's default.
type ListenerCertificate struct {
	Certificates []Value
	ListenerArn  Value
}

// Type implements Properties.
func (ListenerCertificate) Type() string { return "AWS::ElasticLoadBalancingV2::ListenerCertificate" }

// TargetGroup is AWS::ElasticLoadBalancingV2::TargetGroup.
type TargetGroup struct {
	HealthCheckProtocol Value
	Port                Value
	Protocol            Value
	Tags                []Tag
	TargetType          Value
	Targets             []Value // registered targets (emit_hub_lb.go); ECS registers its own
	VpcId               Value
}

// Type implements Properties.
func (TargetGroup) Type() string { return "AWS::ElasticLoadBalancingV2::TargetGroup" }

// HTTPAPI is AWS::ApiGatewayV2::Api.
type HTTPAPI struct {
	DisableExecuteApiEndpoint Value
	Name                      Value
	ProtocolType              Value
	Tags                      Value
}

// Type implements Properties.
func (HTTPAPI) Type() string { return "AWS::ApiGatewayV2::Api" }

// VpcLink is AWS::ApiGatewayV2::VpcLink.
type VpcLink struct {
	Name             Value
	SecurityGroupIds []Value
	SubnetIds        []Value
	Tags             Value
}

// Type implements Properties.
func (VpcLink) Type() string { return "AWS::ApiGatewayV2::VpcLink" }

// Integration is AWS::ApiGatewayV2::Integration.
type Integration struct {
	ApiId                Value
	ConnectionId         Value
	ConnectionType       Value
	IntegrationMethod    Value
	IntegrationType      Value
	IntegrationUri       Value
	PayloadFormatVersion Value
	TlsConfig            Value
}

// Type implements Properties.
func (Integration) Type() string { return "AWS::ApiGatewayV2::Integration" }

// APIRoute is AWS::ApiGatewayV2::Route.
type APIRoute struct {
	ApiId    Value
	RouteKey Value
	Target   Value
}

// Type implements Properties.
func (APIRoute) Type() string { return "AWS::ApiGatewayV2::Route" }

// Stage is AWS::ApiGatewayV2::Stage.
type Stage struct {
	AccessLogSettings    Value
	ApiId                Value
	AutoDeploy           Value
	DefaultRouteSettings Value
	StageName            Value
	Tags                 Value
}

// Type implements Properties.
func (Stage) Type() string { return "AWS::ApiGatewayV2::Stage" }

// DomainName is AWS::ApiGatewayV2::DomainName.
type DomainName struct {
	DomainName               Value
	DomainNameConfigurations []Value
	Tags                     Value
}

// Type implements Properties.
func (DomainName) Type() string { return "AWS::ApiGatewayV2::DomainName" }

// ApiMapping is AWS::ApiGatewayV2::ApiMapping.
type ApiMapping struct {
	ApiId      Value
	DomainName Value
	Stage      Value
}

// Type implements Properties.
func (ApiMapping) Type() string { return "AWS::ApiGatewayV2::ApiMapping" }

// Distribution is AWS::CloudFront::Distribution.
type Distribution struct {
	DistributionConfig Value
	Tags               []Tag
}

// Type implements Properties.
func (Distribution) Type() string { return "AWS::CloudFront::Distribution" }

// OriginRequestPolicy is AWS::CloudFront::OriginRequestPolicy.
type OriginRequestPolicy struct {
	OriginRequestPolicyConfig Value
}

// Type implements Properties.
func (OriginRequestPolicy) Type() string { return "AWS::CloudFront::OriginRequestPolicy" }

// WebACL is AWS::WAFv2::WebACL.
type WebACL struct {
	DefaultAction    Value
	Description      Value
	Rules            []Value
	Scope            Value
	Tags             []Tag
	VisibilityConfig Value
}

// Type implements Properties.
func (WebACL) Type() string { return "AWS::WAFv2::WebACL" }

// WebACLAssociation is AWS::WAFv2::WebACLAssociation.
type WebACLAssociation struct {
	ResourceArn Value
	WebACLArn   Value
}

// Type implements Properties.
func (WebACLAssociation) Type() string { return "AWS::WAFv2::WebACLAssociation" }

// RecordSet is AWS::Route53::RecordSet.
type RecordSet struct {
	AliasTarget  Value
	HostedZoneId Value
	Name         Value
	// Type ("A") is added by addWith.
}

// Type implements Properties.
func (RecordSet) Type() string { return "AWS::Route53::RecordSet" }
