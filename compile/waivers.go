package compile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// AccessLogsAddr is the bucket the load balancers write access logs to
// (cfn emits it when a load balancer logs); waivers name it.
const AccessLogsAddr model.ResourceRef = "logs/load-balancers"

// ScalingEventsAddr is the SNS topic the auto-scaling groups notify: the
// NAT instances' and an ecs-ec2 service's hosts'.
const ScalingEventsAddr model.ResourceRef = "sns/scaling-events"

// ScalingEvents are the Auto Scaling notification types a group sends, so
// a self-heal (terminate, launch) and a failed one (the _ERROR types) are
// seen.
var ScalingEvents = []string{
	"autoscaling:EC2_INSTANCE_LAUNCH",
	"autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
	"autoscaling:EC2_INSTANCE_TERMINATE",
	"autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
}

// scalingTopic records the notification topic and points every
// auto-scaling group's owner at it. It is encrypted with the AWS-managed
// key alias/aws/sns: the publisher is Auto Scaling's service-linked role, a
// principal of this account, which that key's policy admits through SNS,
// so no customer key ($1 a month and a key policy to keep right) is
// needed. Service principals such as CloudWatch alarms would need one.
func scalingTopic(n *model.Network, email string) {
	used := false
	for i := range n.NATInstances {
		n.NATInstances[i].Notify = ScalingEventsAddr
		used = true
	}
	for i := range n.Services {
		if n.Services[i].Kind == model.ECSEC2 {
			n.Services[i].Notify = ScalingEventsAddr
			used = true
		}
	}
	if used {
		n.Topics = append(n.Topics, model.Topic{Addr: ScalingEventsAddr, KMSKey: "alias/aws/sns", Email: email, Events: slices.Clone(ScalingEvents)})
	}
}

// ssmReason is why a role keeps AmazonSSMManagedInstanceCore.
const ssmReason = "AmazonSSMManagedInstanceCore stays managed: AWS keeps it in step with the SSM Agent for Session Manager and patching, and its actions support no resource ARN, so an inline copy would be as wide and go stale"

func rules(scanner model.Scanner, ids ...string) []model.ScanRule {
	out := make([]model.ScanRule, len(ids))
	for i, id := range ids {
		out[i] = model.ScanRule{Scanner: scanner, ID: id}
	}
	return out
}

// recordWaivers records each deliberate deviation from AWS security
// practice that the design makes, with its reason. It runs on the finished
// network, so every waiver names a resource the design has. The rule IDs
// are those of cfn_nag, checkov and cdk-nag's AwsSolutions pack. The steps
// run in a fixed order: the order of the waivers is the order of the
// template's metadata and the plan's lines.
func recordWaivers(n *model.Network) {
	w := waivers{n}
	w.publicListeners()
	w.natGroups()
	w.openEgress()
	w.natRoles()
	w.workloadRoles()
	w.devDatabases()
	if accessLogged(n) {
		w.waive(AccessLogsAddr, "this bucket is the access-log destination: logging it to itself would loop, and to another bucket would only move the question",
			rules(model.CfnNag, "W35"), rules(model.Checkov, "CKV_AWS_18"), rules(model.CDKNag, "AwsSolutions-S1"))
		w.waive(AccessLogsAddr, "ELB access logs support only SSE-S3 (AES256) buckets, not KMS; logs are written once and expire by lifecycle, so versioning would keep only expired copies",
			rules(model.Checkov, "CKV_AWS_145", "CKV_AWS_21"))
	}
}

// waivers is the network recordWaivers adds its waivers to.
type waivers struct{ n *model.Network }

func (w waivers) waive(a model.ResourceRef, reason string, rs ...[]model.ScanRule) {
	wv := model.Waiver{Resource: a, Reason: reason}
	for _, r := range rs {
		wv.Rules = append(wv.Rules, r...)
	}
	w.n.Waivers = append(w.n.Waivers, wv)
}

// openPorts lists the distinct port ranges of rules open to every address
// (0.0.0.0/0 or ::/0), each as label writes it.
func openPorts(rs []model.SGRule, label func(model.SGRule) string) []string {
	var ports []string
	for _, r := range rs {
		if r.Peer.Kind != model.PeerCIDR || r.Peer.CIDR.Bits() != 0 {
			continue
		}
		p := label(r)
		if r.Ports.To != r.Ports.From {
			p += fmt.Sprintf("-%d", r.Ports.To)
		}
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return ports
}

// publicListeners waives the groups of internet-facing load balancers:
// they serve the public, so they admit the world on the listener ports
// and nothing else.
func (w waivers) publicListeners() {
	n := w.n
	public := map[model.ResourceRef]bool{}
	redirects := map[model.ResourceRef]bool{} // its port 80 only redirects to HTTPS
	for _, lb := range n.LoadBalancers {
		if lb.InternetFacing {
			for _, g := range lb.SecurityGroups {
				public[g] = true
				for _, l := range lb.Listeners {
					if l.Port == 80 && l.RedirectToHTTPS {
						redirects[g] = true
					}
				}
			}
		}
	}
	for _, sg := range n.SecurityGroups {
		if !public[sg.Addr] {
			continue
		}
		ports := openPorts(sg.Ingress, func(r model.SGRule) string { return fmt.Sprintf("%d", r.Ports.From) })
		if len(ports) == 0 {
			continue
		}
		port80 := slices.ContainsFunc(sg.Ingress, func(r model.SGRule) bool {
			return r.Peer.Kind == model.PeerCIDR && r.Peer.CIDR.Bits() == 0 && r.Ports.From <= 80 && 80 <= r.Ports.To
		})
		rs := [][]model.ScanRule{rules(model.CfnNag, "W2", "W9"), rules(model.CDKNag, "AwsSolutions-EC23")}
		reason := "internet-facing load balancer: its listeners (tcp " + strings.Join(ports, ", ") + ") serve the public internet, so any source may connect; what is behind it is reachable only through it"
		if port80 {
			rs = append(rs, rules(model.Checkov, "CKV_AWS_260"))
			if redirects[sg.Addr] {
				reason += "; port 80 only redirects to HTTPS"
			} else {
				reason += "; port 80 serves plain HTTP because the stack has no domain, a trade-off the plan names"
			}
		}
		w.waive(sg.Addr, reason, rs...)
	}
}

func (w waivers) natGroups() {
	for _, sg := range w.n.SecurityGroups {
		if !isNATGroup(w.n, sg.Addr) {
			continue
		}
		w.waive(sg.Addr, "NAT instance: it forwards the VPC's traffic to any internet address on any protocol, so egress is 0.0.0.0/0 all protocols; ingress is only from the VPC's own range",
			rules(model.CfnNag, "W5", "W40", "W42"))
	}
}

// openEgress waives the groups whose HTTPS egress must reach AWS APIs and
// the internet, which have no fixed addresses to name.
func (w waivers) openEgress() {
	n := w.n
	why := map[model.ResourceRef]string{}
	for _, s := range n.Services {
		why[s.SecurityGroup] = "the service calls AWS APIs, its registry and the internet over %s, whose addresses are not fixed; it accepts connections only from its front end"
	}
	for _, b := range n.Bastions {
		why[b.SecurityGroup] = "the bastion reaches Session Manager, AWS APIs and package repositories over %s, whose addresses are not fixed"
	}
	for _, sg := range n.SecurityGroups {
		reason, ok := why[sg.Addr]
		if !ok || isNATGroup(n, sg.Addr) {
			continue
		}
		ports := openPorts(sg.Egress, func(r model.SGRule) string { return fmt.Sprintf("%s/%d", r.Protocol, r.Ports.From) })
		if len(ports) > 0 {
			w.waive(sg.Addr, fmt.Sprintf(reason, strings.Join(ports, ", ")), rules(model.CfnNag, "W5"))
		}
	}
}

func (w waivers) natRoles() {
	for _, ni := range w.n.NATInstances {
		role := ni.Addr + "/role"
		w.waive(role, ssmReason, rules(model.CDKNag, "AwsSolutions-IAM4"))
		w.waive(role, "two wildcards, both narrowed: instance/* only when tagged moat:nat for this NAT (the instance ARN is unknown until launch), and ec2:DescribeNetworkInterfaces, which supports no resource-level permissions, only in this Region",
			rules(model.CDKNag, "AwsSolutions-IAM5"), rules(model.CfnNag, "W11"))
	}
}

// workloadRoles waives the workload and bastion roles: one short policy
// inline (the task execution role), AWS's managed policies kept where AWS
// keeps them in step with an agent or a control plane.
func (w waivers) workloadRoles() {
	ssm := ssmReason
	for _, s := range w.n.Services {
		switch s.Kind {
		case "ecs-fargate", "ecs-ec2":
			w.waive(s.Addr+"/execution-role", "inline in place of AmazonECSTaskExecutionRolePolicy, logs narrowed to this service's group; ecr:GetAuthorizationToken supports no resource ARN, and the image is a deploy-time parameter in any account or Region, so pulls name any repository",
				rules(model.CDKNag, "AwsSolutions-IAM5"), rules(model.CfnNag, "W11"))
			if s.Kind == model.ECSEC2 {
				w.waive(s.Addr+"/host-role", "AmazonEC2ContainerServiceforEC2Role is what the ECS agent calls, kept in step with the agent by AWS, and it names container instances that do not exist until launch; "+ssm,
					rules(model.CDKNag, "AwsSolutions-IAM4"))
			}
		case "eks":
			w.waive(s.Addr+"/cluster-role", "AmazonEKSClusterPolicy is the policy EKS documents for the cluster role; AWS extends it as the control plane gains features",
				rules(model.CDKNag, "AwsSolutions-IAM4"))
			w.waive(s.Addr+"/node-role", "AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and AmazonEC2ContainerRegistryReadOnly are the policies EKS documents for nodes, kept in step with the kubelet and VPC CNI by AWS; "+ssm,
				rules(model.CDKNag, "AwsSolutions-IAM4"))
		}
	}
	for _, b := range w.n.Bastions {
		w.waive(b.Addr+"/role", ssm, rules(model.CDKNag, "AwsSolutions-IAM4"))
	}
}

// devDatabases waives what a database outside prod saves on: a second
// zone and deletion protection.
func (w waivers) devDatabases() {
	n := w.n
	for _, db := range n.Databases {
		if n.Environment == model.Prod {
			continue
		}
		var rs [][]model.ScanRule
		var what []string
		if !db.MultiAZ {
			rs = append(rs, rules(model.Checkov, "CKV_AWS_157"), rules(model.CDKNag, "AwsSolutions-RDS3"))
			what = append(what, "single-AZ")
		}
		if !db.DeletionProtection {
			rs = append(rs, rules(model.Checkov, "CKV_AWS_293"), rules(model.CDKNag, "AwsSolutions-RDS10"))
			what = append(what, "without deletion protection")
		}
		if len(rs) == 0 {
			continue
		}
		w.waive(db.Addr, fmt.Sprintf("%s database: %s to halve its cost and let the stack be torn down; prod runs it Multi-AZ with deletion protection", n.Environment, strings.Join(what, " and ")), rs...)
	}
}

func isNATGroup(n *model.Network, sg model.ResourceRef) bool {
	for _, ni := range n.NATInstances {
		if ni.SecurityGroup == sg {
			return true
		}
	}
	return false
}

// accessLogged says whether cfn will emit the access-log bucket: when any
// load balancer writes access logs.
func accessLogged(n *model.Network) bool {
	for _, lb := range n.LoadBalancers {
		if lb.WritesAccessLogs() {
			return true
		}
	}
	return false
}
