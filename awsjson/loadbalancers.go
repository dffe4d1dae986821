package awsjson

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// lbDescription is how AWS describes a load balancer's interfaces:
// "ELB app/<name>/<id>" for the ARN ".../loadbalancer/app/<name>/<id>".
func lbDescription(arn string) string {
	_, rest, ok := strings.Cut(arn, ":loadbalancer/")
	if !ok {
		return ""
	}
	return "ELB " + rest
}

func (b *builder) loadBalancers() {
	byDesc := map[string][]model.ResourceRef{}
	for _, e := range b.n.ENIs {
		if strings.HasPrefix(e.Description, "ELB ") {
			byDesc[e.Description] = append(byDesc[e.Description], e.Addr)
		}
	}
	listeners, health := b.listenersAndHealth()
	for _, f := range b.files {
		for _, lb := range f.d.LoadBalancers {
			if b.first("lb", lb.LoadBalancerName) {
				b.n.LoadBalancers = append(b.n.LoadBalancers, b.loadBalancer(lb, byDesc, listeners[lb.LoadBalancerArn]))
			}
		}
	}
	b.targetGroups(health)
}

// listenersAndHealth collects the listeners by load balancer ARN and the
// targets' health by target group ARN, from every file that has them.
func (b *builder) listenersAndHealth() (map[string][]rawListener, map[string][]rawTargetHealth) {
	listeners := map[string][]rawListener{}
	health := map[string][]rawTargetHealth{}
	for _, f := range b.files {
		for _, l := range f.d.Listeners {
			listeners[l.LoadBalancerArn] = append(listeners[l.LoadBalancerArn], l)
		}
		for _, ll := range f.d.LoadBalancerListeners {
			for _, l := range ll.Listeners {
				l.LoadBalancerArn = cmp.Or(l.LoadBalancerArn, ll.LoadBalancerArn)
				listeners[l.LoadBalancerArn] = append(listeners[l.LoadBalancerArn], l)
			}
		}
		for _, h := range f.d.LoadBalancerTargetHealth {
			health[h.TargetGroupArn] = append(health[h.TargetGroupArn], h.TargetHealthDescriptions...)
		}
		if len(f.d.TargetHealthDescriptions) > 0 {
			arn := ""
			for a, name := range b.tgByARN {
				if name == f.tableID && (arn == "" || a < arn) {
					arn = a
				}
			}
			if arn == "" {
				b.warnf(f, "target group %q (from the file name) is in no describe-target-groups file; its targets are ignored", f.tableID)
			} else {
				health[arn] = append(health[arn], f.d.TargetHealthDescriptions...)
			}
		}
	}
	return listeners, health
}

// loadBalancer is lb with its listeners ls and its interfaces, found by
// the description ELB gives them.
func (b *builder) loadBalancer(lb rawLB, byDesc map[string][]model.ResourceRef, ls []rawListener) model.LoadBalancer {
	m := model.LoadBalancer{
		Addr: a("lb", lb.LoadBalancerName), VPC: a("vpc", lb.VpcId), ID: lb.LoadBalancerArn,
		InternetFacing: lb.Scheme == "internet-facing",
		DualStack:      strings.HasPrefix(lb.IpAddressType, "dualstack"),
	}
	switch lb.Type {
	case "application":
		m.Kind = model.ALB
	case "network":
		m.Kind = model.NLB
	case "gateway":
		m.Kind = model.GWLB
	default:
		m.Kind = model.LBKind(lb.Type)
	}
	for _, z := range lb.AvailabilityZones {
		m.Subnets = append(m.Subnets, a("subnet", z.SubnetId))
	}
	for _, g := range lb.SecurityGroups {
		m.SecurityGroups = append(m.SecurityGroups, a("sg", g))
	}
	if d := lbDescription(lb.LoadBalancerArn); d != "" {
		m.ENIs = byDesc[d]
		for _, e := range m.ENIs {
			if i, ok := b.enis[strings.TrimPrefix(string(e), "eni/")]; ok && b.n.ENIs[i].Owner == "" {
				b.n.ENIs[i].Owner = m.Addr
			}
		}
	}
	slices.SortStableFunc(ls, func(x, y rawListener) int {
		return cmp.Or(cmp.Compare(x.Port, y.Port), cmp.Compare(x.Protocol, y.Protocol))
	})
	for _, l := range ls {
		m.Listeners = append(m.Listeners, b.listener(l))
	}
	return m
}

// targetGroups adds the target groups with their targets' health and
// client IP preservation.
func (b *builder) targetGroups(health map[string][]rawTargetHealth) {
	// preserve_client_ip.enabled by group name, from
	// describe-target-group-attributes.<group-name>.json.
	preserve := map[string]bool{}
	for _, f := range b.files {
		if f.k.command != "describe-target-group-attributes" {
			continue
		}
		for _, at := range f.d.Attributes {
			if at.Key == "preserve_client_ip.enabled" {
				preserve[f.tableID] = strings.EqualFold(at.Value, "true")
			}
		}
	}
	for _, f := range b.files {
		for _, tg := range f.d.TargetGroups {
			if !b.first("tg", tg.TargetGroupName) {
				continue
			}
			m := model.TargetGroup{
				Addr: a("tg", tg.TargetGroupName), ID: tg.TargetGroupArn, VPC: a("vpc", tg.VpcId),
				Protocol: tg.Protocol, Port: tg.Port, TargetType: model.TargetType(strings.ToLower(tg.TargetType)),
			}
			if v, ok := preserve[tg.TargetGroupName]; ok {
				m.PreserveClientIP = &v
			}
			for _, h := range health[tg.TargetGroupArn] {
				m.Targets = append(m.Targets, b.target(f, h, tg.Port, m.VPC))
			}
			slices.SortStableFunc(m.Targets, func(x, y model.Target) int {
				return cmp.Or(cmp.Compare(x.ENI, y.ENI), x.IP.Compare(y.IP), cmp.Compare(x.Port, y.Port))
			})
			b.n.TargetGroups = append(b.n.TargetGroups, m)
		}
	}
}

func (b *builder) listener(l rawListener) model.Listener {
	m := model.Listener{Port: l.Port, Protocol: l.Protocol, SSLPolicy: l.SslPolicy}
	for _, c := range l.Certificates {
		m.Certificates = append(m.Certificates, model.Certificate{ARN: c.CertificateArn})
	}
	acts := slices.Clone(l.DefaultActions)
	slices.SortStableFunc(acts, func(x, y rawAction) int {
		return cmp.Compare(x.Order, y.Order)
	})
	for _, ac := range acts {
		switch ac.Type {
		case "forward":
			arn := ac.TargetGroupArn
			if arn == "" && ac.ForwardConfig != nil && len(ac.ForwardConfig.TargetGroups) > 0 {
				arn = ac.ForwardConfig.TargetGroups[0].TargetGroupArn
			}
			if name, ok := b.tgByARN[arn]; ok {
				m.TargetGroup = a("tg", name)
			} else if arn != "" {
				m.TargetGroup = a("tg", tgNameFromARN(arn))
			}
		case "redirect":
			if ac.RedirectConfig != nil && ac.RedirectConfig.Protocol == "HTTPS" {
				m.RedirectToHTTPS = true
			}
		}
		if m.TargetGroup != "" || m.RedirectToHTTPS {
			break
		}
	}
	return m
}

// tgNameFromARN reads the name from ".../targetgroup/<name>/<id>".
func tgNameFromARN(arn string) string {
	_, rest, _ := strings.Cut(arn, ":targetgroup/")
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// target reads one registered target. An IP target is the interface of
// the target group's VPC holding the address: address spaces overlap
// across VPCs and accounts.
func (b *builder) target(f file, h rawTargetHealth, port int, vpc model.ResourceRef) model.Target {
	m := model.Target{Port: cmp.Or(h.Target.Port, port), Healthy: h.TargetHealth.State == "healthy"}
	id := h.Target.Id
	if eni, ok := b.primaryENI[id]; ok {
		m.ENI = a("eni", eni)
		if i, ok := b.enis[eni]; ok {
			m.IP = b.n.ENIs[i].PrivateIP
		}
		return m
	}
	if ip, err := netip.ParseAddr(id); err == nil {
		m.IP = ip
		if e, ok := b.n.InterfaceAt(vpc, ip); ok {
			m.ENI = e.Addr
		}
		return m
	}
	if strings.HasPrefix(id, "i-") {
		b.warnf(f, "target %s: an instance no file describes", id)
	}
	return m
}
