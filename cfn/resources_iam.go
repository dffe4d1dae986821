package cfn

// IAM, KMS, CloudWatch Logs and Auto Scaling property structs.

// Role is AWS::IAM::Role.
type Role struct {
	AssumeRolePolicyDocument Value
	Description              Value
	ManagedPolicyArns        []Value
	Policies                 []Policy
	Tags                     []Tag
}

// Type implements Properties.
func (Role) Type() string { return "AWS::IAM::Role" }

// Policy is an inline policy of a Role.
type Policy struct {
	PolicyDocument Value
	PolicyName     Value
}

// InstanceProfile is AWS::IAM::InstanceProfile.
type InstanceProfile struct {
	Roles []Value
}

// Type implements Properties.
func (InstanceProfile) Type() string { return "AWS::IAM::InstanceProfile" }

// KMSKey is AWS::KMS::Key.
type KMSKey struct {
	Description       Value
	EnableKeyRotation Value
	KeyPolicy         Value
	Tags              []Tag
}

// Type implements Properties.
func (KMSKey) Type() string { return "AWS::KMS::Key" }

// LogGroup is AWS::Logs::LogGroup.
type LogGroup struct {
	KmsKeyId        Value
	LogGroupName    Value
	RetentionInDays Value
	Tags            []Tag
}

// Type implements Properties.
func (LogGroup) Type() string { return "AWS::Logs::LogGroup" }

// AutoScalingGroup is AWS::AutoScaling::AutoScalingGroup. Sizes are
// strings in the CloudFormation reference.
type AutoScalingGroup struct {
	DesiredCapacity            Value
	LaunchTemplate             *LaunchTemplateSpecification
	MaxSize                    Value
	MinSize                    Value
	NotificationConfigurations []NotificationConfiguration
	Tags                       []ASGTag
	VPCZoneIdentifier          []Value
}

// NotificationConfiguration sends a group's scaling events to a topic.
type NotificationConfiguration struct {
	NotificationTypes []Value
	TopicARN          Value
}

// Topic is AWS::SNS::Topic; Ref returns its ARN.
type Topic struct {
	DisplayName    Value
	KmsMasterKeyId Value
	Tags           []Tag
}

// Type implements Properties.
func (Topic) Type() string { return "AWS::SNS::Topic" }

// TopicPolicy is AWS::SNS::TopicPolicy.
type TopicPolicy struct {
	PolicyDocument Value
	Topics         []Value
}

// Type implements Properties.
func (TopicPolicy) Type() string { return "AWS::SNS::TopicPolicy" }

// Subscription is AWS::SNS::Subscription.
type Subscription struct {
	Endpoint Value
	Protocol Value
	TopicArn Value
}

// Type implements Properties.
func (Subscription) Type() string { return "AWS::SNS::Subscription" }

// Type implements Properties.
func (AutoScalingGroup) Type() string { return "AWS::AutoScaling::AutoScalingGroup" }

// LaunchTemplateSpecification picks a launch template and version.
type LaunchTemplateSpecification struct {
	LaunchTemplateId Value
	Version          Value
}

// ASGTag is an Auto Scaling group tag (TagProperty).
type ASGTag struct {
	Key               Value
	PropagateAtLaunch Value
	Value             Value
}
