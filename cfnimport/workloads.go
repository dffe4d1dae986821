package cfnimport

import (
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// workloads reads what runs in the network — ECS services in awsvpc mode
// (ecs/<LogicalId>), EKS node groups (eks/<LogicalId>, eks.go) and RDS
// instances (rds/<LogicalId>) — and gives them,
// the load balancers and the interface endpoints the interfaces AWS
// creates at deploy, as a compiled design has them
// (model.AddWorkloadENIs: one stand-in interface per subnet). Then:
//
//   - an NLB subnet mapping's PrivateIPv4Address is the interface's real
//     address, not a stand-in;
//   - a target group an ECS service registers with gets the service's
//     interfaces as targets, on the container port, and the load
//     balancers forwarding to it record the service as their target; so
//     does an empty ip target group an EKS node group's pods are taken to
//     fill (eksTargets).
//
// Runs after loadBalancers.
func (t *tmpl) workloads() {
	registers := map[model.ResourceRef][]model.ResourceRef{} // target group -> services
	ports := map[model.ResourceRef]int{}                     // service -> container port
	t.ecsServices(registers, ports)
	t.eksNodeGroups()              // eks.go
	t.eksTargets(registers, ports) // eks.go
	t.databases()
	t.n.AddWorkloadENIs()
	t.subnetMappings()
	t.registerTargets(registers, ports)
}

// ecsServices reads the awsvpc ECS services, noting which target groups
// each registers with and on which container port.
func (t *tmpl) ecsServices(registers map[model.ResourceRef][]model.ResourceRef, ports map[model.ResourceRef]int) {
	n := t.n
	t.each("AWS::ECS::Service", func(r *resource) {
		aws := r.props.get("NetworkConfiguration").get("AwsvpcConfiguration")
		if aws == nil {
			return // bridge or host mode: the instances' interfaces carry it
		}
		s := model.Service{Addr: r.addr, Name: r.id, Kind: "ecs",
			Subnets: t.refAddrs(r, "AwsvpcConfiguration.Subnets", aws.get("Subnets"), "subnet")}
		if lt, ok := t.str(r, "LaunchType"); ok && strings.EqualFold(lt, "FARGATE") {
			s.Kind = model.ECSFargate
		}
		if gs := t.refAddrs(r, "AwsvpcConfiguration.SecurityGroups", aws.get("SecurityGroups"), "sg"); len(gs) > 0 {
			s.SecurityGroup = gs[0]
		}
		// AssignPublicIp: ENABLED or DISABLED, the default
		// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html).
		if v, ok := t.strOf(r, "AwsvpcConfiguration.AssignPublicIp", aws.get("AssignPublicIp")); ok && strings.EqualFold(v, "ENABLED") {
			s.AssignPublicIP = true
		}
		if c, ok := t.integer(r, "DesiredCount", r.props.get("DesiredCount")); ok {
			s.DesiredCount = c
		}
		if td := t.resOf(t.quiet(r.props.get("TaskDefinition"))); td != nil && td.typ == "AWS::ECS::TaskDefinition" {
			t.taskSize(td, &s)
		}
		if l := r.props.get("LoadBalancers"); l != nil && l.kind == listNode {
			for _, it := range l.items {
				p, _ := t.integer(r, "LoadBalancers.ContainerPort", it.get("ContainerPort"))
				if s.Port == 0 {
					s.Port = p
				}
				if tg := t.refAddr(r, "LoadBalancers.TargetGroupArn", it.get("TargetGroupArn"), "tg"); tg != "" {
					registers[tg] = append(registers[tg], r.addr)
				}
			}
		}
		ports[r.addr] = s.Port
		if len(s.Subnets) > 0 {
			if sub, ok := n.Subnet(s.Subnets[0]); ok {
				s.VPC = sub.VPC
			}
		}
		n.Services = append(n.Services, s)
	})
}

// taskSize reads what a task definition gives each task: Cpu and Memory,
// which ECS takes as CPU units and MiB ("256", "512") or as "0.25 vCPU"
// and "1 GB", and RuntimePlatform.CpuArchitecture, X86_64 when left out
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html).
func (t *tmpl) taskSize(td *resource, s *model.Service) {
	if v, ok := t.str(td, "Cpu"); ok {
		if n, ok := taskUnits(v, "vcpu"); ok {
			s.CPU = n
		} else {
			t.r.diags.Warnf(t.rng(td), "write CPU units (256) or vCPUs (0.25 vCPU)", "%s Cpu %q is not a size ECS takes; the task's CPU is left unknown", td.id, v)
		}
	}
	if v, ok := t.str(td, "Memory"); ok {
		if n, ok := taskUnits(v, "gb"); ok {
			s.Memory = n
		} else {
			t.r.diags.Warnf(t.rng(td), "write MiB (512) or GB (1 GB)", "%s Memory %q is not a size ECS takes; the task's memory is left unknown", td.id, v)
		}
	}
	s.Architecture = model.X86
	if v, ok := t.strOf(td, "RuntimePlatform.CpuArchitecture", td.props.get("RuntimePlatform").get("CpuArchitecture")); ok && strings.EqualFold(v, string(model.ARM64)) {
		s.Architecture = model.ARM64
	}
}

// taskUnits reads a task size: a whole number of CPU units or MiB, or a
// number of the unit (vCPU or GB, any case, with or without a space),
// which is 1,024 of them.
func taskUnits(v, unit string) (int, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		return n, n > 0
	}
	num, ok := strings.CutSuffix(strings.ToLower(v), unit)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) {
		return 0, false
	}
	return int(math.Round(f * 1024)), true
}

// databases reads the RDS instances with their subnet groups.
func (t *tmpl) databases() {
	n := t.n
	groups := map[string][]model.ResourceRef{} // DB subnet group logical ID -> subnets
	t.each("AWS::RDS::DBSubnetGroup", func(r *resource) {
		groups[r.id] = t.refAddrs(r, "SubnetIds", r.props.get("SubnetIds"), "subnet")
	})
	t.each("AWS::RDS::DBInstance", func(r *resource) {
		d := model.Database{Addr: r.addr, MultiAZ: t.boolean(r, "MultiAZ", r.props.get("MultiAZ"))}
		d.Engine, _ = t.str(r, "Engine")
		d.InstanceClass, _ = t.str(r, "DBInstanceClass")
		d.StorageGiB, _ = t.integer(r, "AllocatedStorage", r.props.get("AllocatedStorage"))
		d.Port, _ = t.integer(r, "Port", r.props.get("Port"))
		if d.Port == 0 {
			d.Port = enginePort(d.Engine)
		}
		if g := r.props.get("DBSubnetGroupName"); g != nil {
			// !Ref of a DBSubnetGroup resolves to its address.
			if a, ok := t.strOf(r, "DBSubnetGroupName", g); ok {
				d.Subnets = groups[a[strings.LastIndexByte(a, '/')+1:]]
			}
		}
		if gs := t.refAddrs(r, "VPCSecurityGroups", r.props.get("VPCSecurityGroups"), "sg"); len(gs) > 0 {
			d.SecurityGroup = gs[0]
		}
		if len(d.Subnets) > 0 {
			if sub, ok := n.Subnet(d.Subnets[0]); ok {
				d.VPC = sub.VPC
			}
		}
		// PubliclyAccessible left out defaults to whether the subnet
		// group's VPC has an internet gateway attached
		// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
		if pa := r.props.get("PubliclyAccessible"); pa != nil {
			d.PubliclyAccessible = t.boolean(r, "PubliclyAccessible", pa)
		} else if !d.VPC.IsZero() {
			d.PubliclyAccessible = slices.ContainsFunc(n.InternetGateways, func(g model.InternetGateway) bool { return g.VPC == d.VPC })
		}
		n.Databases = append(n.Databases, d)
	})
}

// subnetMappings gives load balancer interfaces the fixed addresses of
// their SubnetMappings.
func (t *tmpl) subnetMappings() {
	n := t.n
	t.each("AWS::ElasticLoadBalancingV2::LoadBalancer", func(r *resource) {
		l := r.props.get("SubnetMappings")
		if l == nil || l.kind != listNode {
			return
		}
		for _, it := range l.items {
			sa := t.refAddr(r, "SubnetMappings", it.get("SubnetId"), "subnet")
			ipText, ok := t.strOf(r, "SubnetMappings.PrivateIPv4Address", it.get("PrivateIPv4Address"))
			ip, err := netip.ParseAddr(ipText)
			if !ok || err != nil {
				continue
			}
			for i := range n.ENIs {
				e := &n.ENIs[i]
				if e.Owner == r.addr && e.Subnet == sa && e.Standin {
					e.PrivateIP, e.Standin = ip, false
					e.Description = "load balancer interface; address from SubnetMappings"
				}
			}
		}
	})
}

// registerTargets puts the services' interfaces into the target groups
// they register with.
func (t *tmpl) registerTargets(registers map[model.ResourceRef][]model.ResourceRef, ports map[model.ResourceRef]int) {
	n := t.n
	// ECS (and, at deploy, Kubernetes) registers its tasks' interfaces
	// with the target groups.
	for i := range n.TargetGroups {
		tg := &n.TargetGroups[i]
		for _, svc := range registers[tg.Addr] {
			for _, e := range n.ENIs {
				if e.Owner == svc {
					tg.Targets = append(tg.Targets, model.Target{ENI: e.Addr, Port: ports[svc]})
				}
			}
			for j := range n.LoadBalancers {
				lb := &n.LoadBalancers[j]
				for _, x := range lb.Listeners {
					if x.TargetGroup == tg.Addr && lb.Targets.IsZero() {
						lb.Targets, lb.TargetPort = svc, ports[svc]
					}
				}
			}
		}
	}
}

// enginePort is an RDS engine's default port.
func enginePort(engine string) int {
	e := strings.ToLower(engine)
	switch {
	case strings.Contains(e, "postgres"):
		return 5432
	case strings.Contains(e, "mysql"), strings.Contains(e, "mariadb"), strings.Contains(e, "aurora"):
		return 3306
	case strings.HasPrefix(e, "sqlserver"):
		return 1433
	case strings.HasPrefix(e, "oracle"):
		return 1521
	}
	return 0
}

// ipTarget reads a target group target's Id when it is an IP address.
func ipTarget(id string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(id))
	return a, err == nil
}
