package cfn

// Property structs for where logs land: the load balancers' access-log
// bucket and the web ACLs' logging configurations.

// Bucket is AWS::S3::Bucket. BucketName is left to CloudFormation: bucket
// names are global, and a generated one never collides.
type Bucket struct {
	BucketEncryption               Value
	LifecycleConfiguration         Value
	OwnershipControls              Value
	PublicAccessBlockConfiguration Value
	Tags                           []Tag
}

// Type implements Properties.
func (Bucket) Type() string { return "AWS::S3::Bucket" }

// BucketPolicy is AWS::S3::BucketPolicy.
type BucketPolicy struct {
	Bucket         Value
	PolicyDocument Value
}

// Type implements Properties.
func (BucketPolicy) Type() string { return "AWS::S3::BucketPolicy" }

// WAFLogging is AWS::WAFv2::LoggingConfiguration.
type WAFLogging struct {
	LogDestinationConfigs []Value
	RedactedFields        []Value
	ResourceArn           Value
}

// Type implements Properties.
func (WAFLogging) Type() string { return "AWS::WAFv2::LoggingConfiguration" }
