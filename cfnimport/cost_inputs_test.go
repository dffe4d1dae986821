package cfnimport

import (
	"slices"
	"testing"

	"github.com/moatnet/moat/model"
)

// What pricing reads from a template: each task's size and architecture
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html:
// Cpu in CPU units or vCPUs, Memory in MiB or GB; RuntimePlatform's
// CpuArchitecture X86_64 or ARM64), the database's AllocatedStorage, and
// the billed resources no step models, recorded so that cost lists them.
func TestCostInputs(t *testing.T) {
	n, _ := parseHand(t, `  Cluster: {Type: AWS::ECS::Cluster}
  Arm:
    Type: AWS::ECS::TaskDefinition
    Properties: {Cpu: "0.5 vCPU", Memory: 1GB, RuntimePlatform: {CpuArchitecture: ARM64, OperatingSystemFamily: LINUX}}
  Plain: {Type: AWS::ECS::TaskDefinition, Properties: {Cpu: "2048", Memory: "4096"}}
  ArmService:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      LaunchType: FARGATE
      TaskDefinition: !Ref Arm
      DesiredCount: 4
      NetworkConfiguration: {AwsvpcConfiguration: {Subnets: [!Ref A, !Ref B], SecurityGroups: [!GetAtt SgApp.GroupId]}}
  PlainService:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      LaunchType: FARGATE
      TaskDefinition: !Ref Plain
      NetworkConfiguration: {AwsvpcConfiguration: {Subnets: [!Ref A], SecurityGroups: [!GetAtt SgApp.GroupId]}}
  Big:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.m7g.large, AllocatedStorage: "100", DBSubnetGroupName: !Ref DbSubnets}
  Hosts: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: "1", MaxSize: "1"}}
  Key: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {}}}
`)
	want := map[string][3]any{
		"ArmService":   {512, 1024, model.ARM64},
		"PlainService": {2048, 4096, model.X86}, // no RuntimePlatform: ECS's default, X86_64
	}
	for _, s := range n.Services {
		w, ok := want[s.Name]
		if !ok {
			continue
		}
		if got := [3]any{s.CPU, s.Memory, s.Architecture}; got != w {
			t.Errorf("%s: CPU, Memory, Architecture = %v, want %v", s.Name, got, w)
		}
		delete(want, s.Name)
	}
	if len(want) > 0 {
		t.Errorf("services not read: %v", want)
	}
	for _, d := range n.Databases {
		if d.Addr == "rds/Big" && d.StorageGiB != 100 {
			t.Errorf("rds/Big StorageGiB = %d, want 100 (AllocatedStorage)", d.StorageGiB)
		}
	}
	var unread []string
	for _, u := range n.Unread {
		unread = append(unread, u.Type)
	}
	for _, typ := range []string{"AWS::AutoScaling::AutoScalingGroup", "AWS::KMS::Key"} {
		if !slices.Contains(unread, typ) {
			t.Errorf("Unread lacks %s: %v", typ, unread)
		}
	}
	for _, typ := range []string{"AWS::ECS::Service", "AWS::RDS::DBInstance", "AWS::EC2::Subnet"} {
		if slices.Contains(unread, typ) {
			t.Errorf("Unread holds %s, which the import reads", typ)
		}
	}
}

func TestTaskUnits(t *testing.T) {
	for _, c := range []struct {
		in, unit string
		want     int
		ok       bool
	}{
		{"256", "vcpu", 256, true},
		{"1 vCPU", "vcpu", 1024, true},
		{".25 vcpu", "vcpu", 256, true},
		{"2GB", "gb", 2048, true},
		{"0.5 GB", "gb", 512, true},
		{"0", "vcpu", 0, false},
		{"-1 vCPU", "vcpu", 0, false},
		{"lots", "gb", 0, false},
		{"1 TB", "gb", 0, false},
	} {
		got, ok := taskUnits(c.in, c.unit)
		if got != c.want || ok != c.ok {
			t.Errorf("taskUnits(%q, %q) = %d, %v; want %d, %v", c.in, c.unit, got, ok, c.want, c.ok)
		}
	}
}
