package cfnimport

import (
	"github.com/moatnet/moat/ec2types"
	"github.com/moatnet/moat/model"
)

// eksNodeGroups reads each EKS managed node group (AWS::EKS::Nodegroup)
// as a service of kind eks (eks/<LogicalId>): the pods run in the node
// group's Subnets and, with the VPC CNI's default, in the groups of the
// nodes, which the node group's launch template names
// (LaunchTemplateData.SecurityGroupIds). Without them, the nodes get the
// cluster security group EKS creates at deploy, which the template does
// not hold: the service is then in no known group, and a warning says so.
// DesiredCount and InstanceType come from ScalingConfig.DesiredSize and
// InstanceTypes. The port is the target group's, when one is bound
// (eksTargets).
func (t *tmpl) eksNodeGroups() {
	n := t.n
	t.each("AWS::EKS::Nodegroup", func(r *resource) {
		s := model.Service{Addr: r.addr, Name: r.id, Kind: model.EKS,
			Subnets: t.refAddrs(r, "Subnets", r.props.get("Subnets"), "subnet")}
		if lt := t.resOf(t.quiet(r.props.get("LaunchTemplate").get("Id"))); lt != nil && lt.typ == "AWS::EC2::LaunchTemplate" {
			data := lt.props.get("LaunchTemplateData")
			if gs := t.refAddrs(lt, "LaunchTemplateData.SecurityGroupIds", data.get("SecurityGroupIds"), "sg"); len(gs) > 0 {
				s.SecurityGroup = gs[0]
			}
		}
		if s.SecurityGroup.IsZero() {
			t.r.diags.Warnf(t.rng(r), "name the nodes' group in the launch template's SecurityGroupIds",
				"node group %s: the nodes get the cluster security group EKS creates at deploy; the analysis knows none of its rules", r.id)
		}
		if c, ok := t.integer(r, "ScalingConfig.DesiredSize", r.props.get("ScalingConfig").get("DesiredSize")); ok {
			s.DesiredCount = c
		}
		if types := t.list(r, "InstanceTypes", r.props.get("InstanceTypes")); len(types) > 0 {
			s.InstanceType = types[0]
			if l, ok := ec2types.Lookup(s.InstanceType); ok {
				s.MaxPodsPerNode = l.MaxPods()
			}
		}
		if len(s.Subnets) > 0 {
			if sub, ok := n.Subnet(s.Subnets[0]); ok {
				s.VPC = sub.VPC
			}
		}
		n.Services = append(n.Services, s)
	})
}

// eksTargets binds the target groups Kubernetes fills: a target group of
// type ip that the template registers nothing with (no Targets, no ECS
// service) is, in a VPC with exactly one EKS node group, the one the AWS
// Load Balancer Controller registers that node group's pods with at
// deploy (a TargetGroupBinding, as moat's own EKS designs have it). The
// template cannot say so; a warning names the assumption. The pods are
// then the group's targets on its port, which becomes the service's.
// With several node groups in the VPC the targets stay unknown.
func (t *tmpl) eksTargets(registers map[model.ResourceRef][]model.ResourceRef, ports map[model.ResourceRef]int) {
	n := t.n
	for _, tg := range n.TargetGroups {
		if tg.TargetType != model.IPTargets || len(tg.Targets) > 0 || len(registers[tg.Addr]) > 0 {
			continue
		}
		var nodes []int
		for i, s := range n.Services {
			if s.Kind == model.EKS && s.VPC == tg.VPC && !s.VPC.IsZero() {
				nodes = append(nodes, i)
			}
		}
		r := t.resOf(string(tg.Addr))
		if len(nodes) == 0 || r == nil {
			continue
		}
		if len(nodes) > 1 {
			t.r.diags.Warnf(t.rng(r), "", "target group %s: registered at deploy, by one of %d EKS node groups in its VPC; its targets are unknown", r.id, len(nodes))
			continue
		}
		s := &n.Services[nodes[0]]
		t.r.diags.Warnf(t.rng(r), "the template cannot state it; bind the group with the AWS Load Balancer Controller's TargetGroupBinding",
			"target group %s: no targets in the template; taken to hold the pods of EKS node group %s, registered at deploy", r.id, s.Name)
		registers[tg.Addr] = append(registers[tg.Addr], s.Addr)
		ports[s.Addr] = tg.Port
		if s.Port == 0 {
			s.Port = tg.Port
		}
	}
}
