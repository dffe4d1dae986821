package cfn

import (
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// Parameters the workloads add.
const (
	ImageParameter      = "ServiceImage"
	ECSAMIParameter     = "EcsInstanceAmiId"
	BastionAMIParameter = "BastionAmiId"
)

// ECSAMIPath is the public SSM parameter holding the newest ECS-optimized
// Amazon Linux 2023 AMI for an architecture (x86_64 has no path segment).
func ECSAMIPath(a model.Architecture) string {
	if a == model.ARM64 {
		return "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
	}
	return "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

// cpuArchitecture is an ECS task definition's RuntimePlatform
// CpuArchitecture for an architecture: the model spells it as ECS does.
func cpuArchitecture(a model.Architecture) string { return string(a) }

// role adds an IAM role a service assumes, with managed policies.
func (e *emitter) role(a model.ResourceRef, service, desc string, managed ...string) string {
	return e.roleWith(a, service, desc, nil, managed...)
}

// roleWith is role with inline policies too.
func (e *emitter) roleWith(a model.ResourceRef, service, desc string, inline []Policy, managed ...string) string {
	id := e.id(a)
	var arns []Value
	for _, m := range managed {
		arns = append(arns, Sub{Template: "arn:${AWS::Partition}:iam::aws:policy/" + m})
	}
	e.add(id, Role{
		Description: String("moat " + e.stack + ": " + desc),
		AssumeRolePolicyDocument: policy(Map{
			{"Effect", String("Allow")}, {"Principal", Map{{"Service", String(service)}}}, {"Action", String("sts:AssumeRole")},
		}),
		ManagedPolicyArns: arns,
		Policies:          inline,
		Tags:              e.tags(a, nil),
	})
	return id
}

// launchTags tags what a launch template starts, the instances (unless
// the launching resource tags them itself, as an AWS::EC2::Instance does)
// and their volumes, and returns the tags of the template itself.
func (e *emitter) launchTags(data *LaunchTemplateData, a model.ResourceRef, instances bool) []TagSpecification {
	if instances {
		data.TagSpecifications = append(data.TagSpecifications, TagSpecification{ResourceType: String("instance"), Tags: e.tags(a, nil)})
	}
	data.TagSpecifications = append(data.TagSpecifications, TagSpecification{ResourceType: String("volume"), Tags: e.tags(a, nil)})
	return []TagSpecification{{ResourceType: String("launch-template"), Tags: e.tags(a, nil)}}
}

// hardenedLaunchData is what every instance moat launches shares: IMDSv2
// only, an encrypted gp3 root volume, and the given instance profile.
func hardenedLaunchData(profile Value, hopLimit, volumeGiB int) *LaunchTemplateData {
	d := &LaunchTemplateData{
		MetadataOptions: &MetadataOptions{HttpEndpoint: String("enabled"), HttpTokens: String("required"), HttpPutResponseHopLimit: Int(hopLimit)},
		BlockDeviceMappings: []BlockDeviceMapping{{DeviceName: String("/dev/xvda"), Ebs: &Ebs{
			Encrypted: Bool(true), VolumeType: String("gp3"), VolumeSize: Int(volumeGiB), DeleteOnTermination: Bool(true),
		}}},
	}
	if profile != nil {
		d.IamInstanceProfile = &IamInstanceProfile{Arn: profile}
	}
	return d
}

func (e *emitter) param(p Parameter) {
	for _, q := range e.t.Parameters {
		if q.Name == p.Name {
			return
		}
	}
	if err := e.t.AddParameter(p); err != nil {
		e.errs = append(e.errs, err)
	}
}

// workloads emits the service, database, file system and bastion.
func (e *emitter) workloads() {
	for _, s := range e.n.Services {
		switch s.Kind {
		case model.EKS:
			e.eks(s)
		default:
			e.ecs(s)
		}
	}
	for _, d := range e.n.Databases {
		e.database(d)
	}
	for _, f := range e.n.FileSystems {
		e.fileSystem(f)
	}
	for _, b := range e.n.Bastions {
		e.bastion(b)
	}
}

// serviceLB is the load balancer that forwards to the service, if any.
func (e *emitter) serviceLB(s model.Service) (model.LoadBalancer, bool) {
	for _, lb := range e.n.LoadBalancers {
		if lb.Targets == s.Addr && lb.Kind != model.APIGateway {
			return lb, true
		}
	}
	return model.LoadBalancer{}, false
}

func (e *emitter) ecs(s model.Service) {
	id := e.id(s.Addr)
	cluster := id + "Cluster"
	e.add(cluster, ECSCluster{
		ClusterSettings: []Value{Map{{"Name", String("containerInsights")}, {"Value", String("enabled")}}},
		Tags:            e.tags(model.ResourceRef(string(s.Addr)+"/cluster"), nil),
	})
	e.param(Parameter{Name: ImageParameter, Type: "String", Description: "Container image of the service, e.g. 123456789012.dkr.ecr.REGION.amazonaws.com/app:1.0"})
	logs := e.logGroupID(s.Addr+"/logs", s.Addr)
	// What AmazonECSTaskExecutionRolePolicy grants on "*", narrowed: the
	// logs to this service's group only (its Arn ends in ":*", covering
	// its streams). ecr:GetAuthorizationToken lists no resource type in
	// the Service Authorization Reference; the image is a deploy-time
	// parameter in any account or Region, so pulls name any repository
	// (public registries need no permission at all).
	exec := e.roleWith(model.ResourceRef(string(s.Addr)+"/execution-role"), "ecs-tasks.amazonaws.com", "lets ECS pull the image and write the task's logs", []Policy{{
		PolicyName: String("pull-image-write-logs"),
		PolicyDocument: policy(
			Map{{"Sid", String("RegistryLogin")}, {"Effect", String("Allow")}, {"Action", String("ecr:GetAuthorizationToken")}, {"Resource", String("*")}},
			Map{{"Sid", String("PullImage")}, {"Effect", String("Allow")},
				{"Action", Strs("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")},
				{"Resource", Sub{Template: "arn:${AWS::Partition}:ecr:*:*:repository/*"}}},
			Map{{"Sid", String("WriteThisServicesLogs")}, {"Effect", String("Allow")},
				{"Action", Strs("logs:CreateLogStream", "logs:PutLogEvents")}, {"Resource", GetAtt{logs, "Arn"}}},
		),
	}})
	task := e.role(model.ResourceRef(string(s.Addr)+"/task-role"), "ecs-tasks.amazonaws.com", "the service's own AWS permissions; none until you add them")
	fargate := s.Kind != model.ECSEC2
	compat := "FARGATE"
	if !fargate {
		compat = "EC2"
	}
	container := Map{
		{"Name", String(s.Name)},
		{"Image", Ref{ImageParameter}},
		{"Essential", Bool(true)},
		{"ReadonlyRootFilesystem", Bool(true)},
		{"PortMappings", List{Map{{"ContainerPort", Int(s.Port)}, {"Protocol", String("tcp")}}}},
		{"LogConfiguration", Map{{"LogDriver", String("awslogs")}, {"Options", Map{
			{"awslogs-group", Ref{logs}}, {"awslogs-region", Ref{Region}}, {"awslogs-stream-prefix", String(s.Name)},
		}}}},
	}
	td := TaskDefinition{
		Family: String(e.stack + "-" + s.Name), NetworkMode: String("awsvpc"), RequiresCompatibilities: []Value{String(compat)},
		Cpu: String(strconv.Itoa(s.CPU)), Memory: String(strconv.Itoa(s.Memory)),
		ExecutionRoleArn: GetAtt{exec, "Arn"}, TaskRoleArn: GetAtt{task, "Arn"},
		RuntimePlatform: Map{{"CpuArchitecture", String(cpuArchitecture(e.archOf(s.Addr, s.Architecture)))}, {"OperatingSystemFamily", String("LINUX")}},
		Tags:            e.tags(model.ResourceRef(string(s.Addr)+"/task-definition"), nil),
	}
	if !s.FileSystem.IsZero() {
		td.Volumes = []Value{Map{{"Name", String("shared")}, {"EFSVolumeConfiguration", Map{
			{"FilesystemId", e.ref(s.FileSystem)}, {"TransitEncryption", String("ENABLED")},
		}}}}
		container = append(container, Field{"MountPoints", List{Map{{"SourceVolume", String("shared")}, {"ContainerPath", String("/mnt/shared")}}}})
	}
	td.ContainerDefinitions = []Value{container}
	e.add(id+"TaskDefinition", td)
	svc := ECSService{
		Cluster: Ref{cluster}, TaskDefinition: Ref{id + "TaskDefinition"}, DesiredCount: Int(s.DesiredCount),
		NetworkConfiguration: Map{{"AwsvpcConfiguration", Map{
			{"AssignPublicIp", String("DISABLED")}, {"SecurityGroups", List{GetAtt{e.id(s.SecurityGroup), "GroupId"}}}, {"Subnets", List(e.refs(s.Subnets))},
		}}},
		// The service's tags reach every task it starts.
		Tags: e.tags(s.Addr, nil), PropagateTags: String("SERVICE"),
	}
	var deps []string
	if lb, ok := e.serviceLB(s); ok {
		lbID := e.id(lb.Addr)
		svc.LoadBalancers = []Value{Map{{"ContainerName", String(s.Name)}, {"ContainerPort", Int(s.Port)}, {"TargetGroupArn", Ref{lbID + "TargetGroup"}}}}
		// The target group must belong to a listener before ECS registers.
		for _, l := range lb.Listeners {
			if !l.RedirectToHTTPS {
				deps = append(deps, lbID+"Listener"+strconv.Itoa(l.Port))
			}
		}
	}
	if fargate {
		// Fargate spreads tasks over the service's subnets' zones itself.
		svc.LaunchType = String("FARGATE")
	} else {
		e.ecsCapacity(s, cluster)
		svc.CapacityProviderStrategy = []Value{Map{{"CapacityProvider", Ref{id + "CapacityProvider"}}, {"Weight", Int(1)}}}
		svc.PlacementStrategies = []Value{
			Map{{"Type", String("spread")}, {"Field", String("attribute:ecs.availability-zone")}},
			Map{{"Type", String("spread")}, {"Field", String("instanceId")}},
		}
		deps = append(deps, id+"CapacityProviders")
	}
	e.add(id, svc, deps...)
}

// ecsCapacity adds the EC2 hosts of an ecs-ec2 service: an Auto Scaling
// group over every app subnet (the group balances across zones), hardened
// like every moat instance, as the cluster's capacity provider.
func (e *emitter) ecsCapacity(s model.Service, cluster string) {
	id := e.id(s.Addr)
	arch := e.archOf(s.Addr, s.Architecture)
	e.param(Parameter{Name: ECSAMIParameter, Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Description: "SSM parameter holding the ECS-optimized " + amiArch(arch) + " Amazon Linux 2023 AMI", Default: String(ECSAMIPath(arch))})
	role := e.role(model.ResourceRef(string(s.Addr)+"/host-role"), "ec2.amazonaws.com", "ECS container hosts: join the cluster; Session Manager for people",
		"service-role/AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore")
	profile := id + "HostProfile"
	e.add(profile, InstanceProfile{Roles: []Value{Ref{role}}})
	lt := id + "HostLaunchTemplate"
	// Hop limit 1: tasks in awsvpc mode cannot reach the host's IMDS and
	// its role.
	data := hardenedLaunchData(GetAtt{profile, "Arn"}, 1, s.RootVolumeGiB)
	data.ImageId = Ref{ECSAMIParameter}
	data.InstanceType = String(s.InstanceType)
	data.SecurityGroupIds = []Value{GetAtt{e.id(s.SecurityGroup), "GroupId"}}
	data.UserData = Base64(Sub{Template: "#!/bin/bash\necho ECS_CLUSTER=${" + cluster + "} >> /etc/ecs/ecs.config\n"})
	hosts := model.ResourceRef(string(s.Addr) + "/hosts")
	e.add(lt, LaunchTemplate{LaunchTemplateData: data, TagSpecifications: e.launchTags(data, hosts, true)})
	asg := id + "Hosts"
	n := strconv.Itoa(s.DesiredCount)
	e.add(asg, AutoScalingGroup{
		MinSize: String(n), MaxSize: String(strconv.Itoa(2 * s.DesiredCount)), DesiredCapacity: String(n),
		LaunchTemplate:    &LaunchTemplateSpecification{LaunchTemplateId: Ref{lt}, Version: GetAtt{lt, "LatestVersionNumber"}},
		VPCZoneIdentifier: e.refs(s.Subnets),
		// Launches, terminations and failures reach the stack's topic.
		NotificationConfigurations: e.notifications(s.Notify),
		// The launch template tags the instances; the group's own tags
		// stay on the group.
		Tags: asgTags(e.tags(hosts, nil)),
	})
	e.add(id+"CapacityProvider", CapacityProvider{AutoScalingGroupProvider: Map{
		{"AutoScalingGroupArn", Ref{asg}},
		{"ManagedScaling", Map{{"Status", String("ENABLED")}, {"TargetCapacity", Int(100)}}},
		{"ManagedTerminationProtection", String("DISABLED")},
	}, Tags: e.tags(model.ResourceRef(string(s.Addr)+"/capacity-provider"), nil)})
	e.add(id+"CapacityProviders", ClusterCapacityProviderAssociations{
		Cluster: Ref{cluster}, CapacityProviders: []Value{Ref{id + "CapacityProvider"}},
		DefaultCapacityProviderStrategy: []Value{Map{{"CapacityProvider", Ref{id + "CapacityProvider"}}, {"Weight", Int(1)}}},
	})
}

func (e *emitter) eks(s model.Service) {
	id := e.id(s.Addr)
	clusterRole := e.role(model.ResourceRef(string(s.Addr)+"/cluster-role"), "eks.amazonaws.com", "the EKS control plane", "AmazonEKSClusterPolicy")
	key := e.keyID(s.SecretsKey, s.Addr)
	cluster := id + "Cluster"
	e.add(cluster, EKSCluster{
		RoleArn: GetAtt{clusterRole, "Arn"},
		ResourcesVpcConfig: Map{
			{"SubnetIds", List(e.refs(s.Subnets))},
			{"SecurityGroupIds", List{GetAtt{e.id(s.SecurityGroup), "GroupId"}}},
			{"EndpointPrivateAccess", Bool(true)},
			{"EndpointPublicAccess", Bool(false)},
		},
		Logging:          Map{{"ClusterLogging", Map{{"EnabledTypes", List{Map{{"Type", String("api")}}, Map{{"Type", String("audit")}}, Map{{"Type", String("authenticator")}}}}}}},
		EncryptionConfig: []Value{Map{{"Provider", Map{{"KeyArn", GetAtt{key, "Arn"}}}}, {"Resources", Strs("secrets")}}},
		Tags:             e.tags(model.ResourceRef(string(s.Addr)+"/cluster"), nil),
	})
	nodeRole := e.role(model.ResourceRef(string(s.Addr)+"/node-role"), "ec2.amazonaws.com", "EKS nodes: join the cluster, pull images, assign pod addresses",
		"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore")
	lt := id + "NodeLaunchTemplate"
	// EKS supplies the instance profile; hop limit 2 lets the VPC CNI on
	// the host network reach IMDS, pods use their own roles.
	data := hardenedLaunchData(nil, 2, s.RootVolumeGiB)
	data.SecurityGroupIds = []Value{GetAtt{e.id(s.SecurityGroup), "GroupId"}}
	e.add(lt, LaunchTemplate{LaunchTemplateData: data, TagSpecifications: e.launchTags(data, model.ResourceRef(string(s.Addr)+"/nodes"), true)})
	ami := "AL2023_x86_64_STANDARD"
	if e.archOf(s.Addr, s.Architecture) == model.ARM64 {
		ami = "AL2023_ARM_64_STANDARD"
	}
	n := s.DesiredCount
	e.add(id+"Nodes", Nodegroup{
		ClusterName: Ref{cluster}, NodeRole: GetAtt{nodeRole, "Arn"}, Subnets: e.refs(s.Subnets),
		InstanceTypes: []Value{String(s.InstanceType)}, AmiType: String(ami),
		ScalingConfig:  Map{{"MinSize", Int(n)}, {"DesiredSize", Int(n)}, {"MaxSize", Int(2 * n)}},
		LaunchTemplate: Map{{"Id", Ref{lt}}, {"Version", GetAtt{lt, "LatestVersionNumber"}}},
		Tags:           e.tagMap(model.ResourceRef(string(s.Addr) + "/nodes")),
	})
}

func (e *emitter) database(d model.Database) {
	id := e.id(d.Addr)
	e.add(id+"SubnetGroup", DBSubnetGroup{
		DBSubnetGroupDescription: String("moat " + e.stack + ": the database's isolated subnets"),
		SubnetIds:                e.refs(d.Subnets), Tags: e.tags(model.ResourceRef(string(d.Addr)+"/subnets"), nil),
	})
	logs := []string{"error", "slowquery"}
	if d.Engine == "postgres" {
		logs = []string{"postgresql"}
	}
	e.add(id, DBInstance{
		Engine: String(d.Engine), DBInstanceClass: String(d.InstanceClass), AllocatedStorage: String(strconv.Itoa(d.StorageGiB)),
		StorageType: String("gp3"), StorageEncrypted: Bool(d.StorageEncrypted), Port: String(strconv.Itoa(d.Port)),
		MultiAZ: Bool(d.MultiAZ), BackupRetentionPeriod: Int(d.BackupDays), DeletionProtection: Bool(d.DeletionProtection),
		// Secrets Manager creates and rotates the password; it never
		// appears in the template or the spec.
		ManageMasterUserPassword: Bool(d.ManagedPassword), MasterUsername: String("moat_admin"),
		PubliclyAccessible: Bool(false), CopyTagsToSnapshot: Bool(true),
		DBSubnetGroupName: Ref{id + "SubnetGroup"}, VPCSecurityGroups: []Value{GetAtt{e.id(d.SecurityGroup), "GroupId"}},
		EnableCloudwatchLogsExports: []Value(Strs(logs...)), Tags: e.tags(d.Addr, nil),
	})
	// What happens to the data on deletion and replacement is the
	// model's decision (compile: a final snapshot in every environment).
	e.setLifecycle(id, d.Lifecycle)
}

func (e *emitter) fileSystem(f model.FileSystem) {
	id := e.id(f.Addr)
	var tags []Value
	for _, t := range e.tags(f.Addr, nil) {
		tags = append(tags, Map{{"Key", t.Key}, {"Value", t.Value}})
	}
	e.add(id, FileSystem{
		Encrypted: Bool(f.Encrypted), PerformanceMode: String("generalPurpose"), ThroughputMode: String("elastic"),
		BackupPolicy: Map{{"Status", String("ENABLED")}}, FileSystemTags: tags,
	})
	e.setLifecycle(id, f.Lifecycle)
	for _, sn := range f.Subnets {
		e.add(id+"MountTarget"+strings.TrimPrefix(e.id(sn), "Subnet"), MountTarget{
			FileSystemId: Ref{id}, SubnetId: e.ref(sn), SecurityGroups: e.groupIDs([]model.ResourceRef{f.SecurityGroup}),
		})
	}
}

func (e *emitter) bastion(b model.Bastion) {
	id := e.id(b.Addr)
	arch := e.archOf(b.Addr, b.Architecture)
	e.param(Parameter{Name: BastionAMIParameter, Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Description: "SSM parameter holding the " + amiArch(arch) + " Amazon Linux 2023 AMI for the bastion", Default: String(AMIPath(arch))})
	role := e.role(model.ResourceRef(string(b.Addr)+"/role"), "ec2.amazonaws.com", "the bastion: Session Manager only", "AmazonSSMManagedInstanceCore")
	profile := id + "Profile"
	e.add(profile, InstanceProfile{Roles: []Value{Ref{role}}})
	data := hardenedLaunchData(GetAtt{profile, "Arn"}, 1, b.RootVolumeGiB)
	data.ImageId = Ref{BastionAMIParameter}
	data.InstanceType = String(b.InstanceType)
	lt := id + "LaunchTemplate"
	e.add(lt, LaunchTemplate{LaunchTemplateData: data, TagSpecifications: e.launchTags(data, b.Addr, false)})
	var eni *model.ENI
	for i := range e.n.ENIs {
		if e.n.ENIs[i].Owner == b.Addr {
			eni = &e.n.ENIs[i]
		}
	}
	if eni == nil {
		e.errorf("bastion %s: no network interface", b.Addr)
		return
	}
	eniID := e.id(eni.Addr)
	e.add(eniID, NetworkInterface{SubnetId: e.ref(eni.Subnet), GroupSet: e.groupIDs(eni.SecurityGroups), Description: String(eni.Description), Tags: e.tags(eni.Addr, nil)})
	if eni.HasPublicIP {
		att := e.attachment[b.VPC]
		e.add(eniID+"Eip", EIP{Domain: String("vpc"), Tags: e.tags(eni.Addr, nil)}, att)
		e.add(eniID+"EipAssociation", EIPAssociation{AllocationId: GetAtt{eniID + "Eip", "AllocationId"}, NetworkInterfaceId: Ref{eniID}})
	}
	e.add(id, Instance{
		LaunchTemplate:    &LaunchTemplateSpecification{LaunchTemplateId: Ref{lt}, Version: GetAtt{lt, "LatestVersionNumber"}},
		NetworkInterfaces: []Value{Map{{"DeviceIndex", String("0")}, {"NetworkInterfaceId", Ref{eniID}}}},
		Tags:              e.tags(b.Addr, nil),
	})
}
