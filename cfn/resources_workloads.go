package cfn

// ECSCluster is AWS::ECS::Cluster.
type ECSCluster struct {
	ClusterSettings []Value
	Tags            []Tag
}

// Type implements Properties.
func (ECSCluster) Type() string { return "AWS::ECS::Cluster" }

// TaskDefinition is AWS::ECS::TaskDefinition.
type TaskDefinition struct {
	ContainerDefinitions    []Value
	Cpu                     Value
	ExecutionRoleArn        Value
	Family                  Value
	Memory                  Value
	NetworkMode             Value
	RequiresCompatibilities []Value
	RuntimePlatform         Value
	TaskRoleArn             Value
	Volumes                 []Value
	Tags                    []Tag
}

// Type implements Properties.
func (TaskDefinition) Type() string { return "AWS::ECS::TaskDefinition" }

// ECSService is AWS::ECS::Service.
type ECSService struct {
	CapacityProviderStrategy []Value
	Cluster                  Value
	DesiredCount             Value
	LaunchType               Value
	LoadBalancers            []Value
	NetworkConfiguration     Value
	PlacementStrategies      []Value
	PropagateTags            Value
	TaskDefinition           Value
	Tags                     []Tag
}

// Type implements Properties.
func (ECSService) Type() string { return "AWS::ECS::Service" }

// CapacityProvider is AWS::ECS::CapacityProvider.
type CapacityProvider struct {
	AutoScalingGroupProvider Value
	Tags                     []Tag
}

// Type implements Properties.
func (CapacityProvider) Type() string { return "AWS::ECS::CapacityProvider" }

// ClusterCapacityProviderAssociations is
// AWS::ECS::ClusterCapacityProviderAssociations.
type ClusterCapacityProviderAssociations struct {
	CapacityProviders               []Value
	Cluster                         Value
	DefaultCapacityProviderStrategy []Value
}

// Type implements Properties.
func (ClusterCapacityProviderAssociations) Type() string {
	return "AWS::ECS::ClusterCapacityProviderAssociations"
}

// EKSCluster is AWS::EKS::Cluster.
type EKSCluster struct {
	EncryptionConfig   []Value
	Logging            Value
	ResourcesVpcConfig Value
	RoleArn            Value
	Tags               []Tag
}

// Type implements Properties.
func (EKSCluster) Type() string { return "AWS::EKS::Cluster" }

// Nodegroup is AWS::EKS::Nodegroup.
type Nodegroup struct {
	AmiType        Value
	ClusterName    Value
	InstanceTypes  []Value
	LaunchTemplate Value
	NodeRole       Value
	ScalingConfig  Value
	Subnets        []Value
	Tags           Value
}

// Type implements Properties.
func (Nodegroup) Type() string { return "AWS::EKS::Nodegroup" }

// DBSubnetGroup is AWS::RDS::DBSubnetGroup.
type DBSubnetGroup struct {
	DBSubnetGroupDescription Value
	SubnetIds                []Value
	Tags                     []Tag
}

// Type implements Properties.
func (DBSubnetGroup) Type() string { return "AWS::RDS::DBSubnetGroup" }

// DBInstance is AWS::RDS::DBInstance.
type DBInstance struct {
	AllocatedStorage            Value
	BackupRetentionPeriod       Value
	CopyTagsToSnapshot          Value
	DBInstanceClass             Value
	DBSubnetGroupName           Value
	DeletionProtection          Value
	EnableCloudwatchLogsExports []Value
	Engine                      Value
	ManageMasterUserPassword    Value
	MasterUsername              Value
	MultiAZ                     Value
	Port                        Value
	PubliclyAccessible          Value
	StorageEncrypted            Value
	StorageType                 Value
	Tags                        []Tag
	VPCSecurityGroups           []Value
}

// Type implements Properties.
func (DBInstance) Type() string { return "AWS::RDS::DBInstance" }

// FileSystem is AWS::EFS::FileSystem.
type FileSystem struct {
	BackupPolicy    Value
	Encrypted       Value
	FileSystemTags  []Value
	PerformanceMode Value
	ThroughputMode  Value
}

// Type implements Properties.
func (FileSystem) Type() string { return "AWS::EFS::FileSystem" }

// MountTarget is AWS::EFS::MountTarget.
type MountTarget struct {
	FileSystemId   Value
	SecurityGroups []Value
	SubnetId       Value
}

// Type implements Properties.
func (MountTarget) Type() string { return "AWS::EFS::MountTarget" }

// Instance is AWS::EC2::Instance.
type Instance struct {
	LaunchTemplate    *LaunchTemplateSpecification
	NetworkInterfaces []Value
	Tags              []Tag
}

// Type implements Properties.
func (Instance) Type() string { return "AWS::EC2::Instance" }
