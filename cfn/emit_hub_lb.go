package cfn

import (
	"slices"

	"github.com/moatnet/moat/model"
)

// A load balancer that forwards to another load balancer (the ingress ALB
// to the workload's internal NLB, across the Transit Gateway) registers
// the NLB's addresses as IP targets. CloudFormation cannot read an NLB's
// addresses, so the NLB takes fixed ones (SubnetMappings with
// PrivateIPv4Address, which internal NLBs accept) and the ALB registers
// those.

// targetedBy returns the load balancer that forwards to lb, if any.
func (e *emitter) targetedBy(lb model.LoadBalancer) (model.LoadBalancer, bool) {
	// The forwarding load balancer may sit in another account's template.
	for _, x := range e.all.LoadBalancers {
		if x.Targets == lb.Addr && x.Kind != model.APIGateway {
			return x, true
		}
	}
	return model.LoadBalancer{}, false
}

// fixedAddresses are the subnet mappings of an internal NLB another load
// balancer targets, one fixed address per subnet.
func (e *emitter) fixedAddresses(lb model.LoadBalancer) []Value {
	if lb.Kind != model.NLB || lb.InternetFacing {
		return nil
	}
	if _, ok := e.targetedBy(lb); !ok {
		return nil
	}
	var out []Value
	for _, a := range lb.ENIs {
		eni, ok := e.all.ENI(a)
		if !ok || !eni.PrivateIP.IsValid() {
			e.errorf("load balancer %s: interface %s has no fixed address to register as a target", lb.Addr, a)
			continue
		}
		out = append(out, Map{{"PrivateIPv4Address", String(eni.PrivateIP.String())}, {"SubnetId", e.ref(eni.Subnet)}})
	}
	return out
}

// balancerTargets are the IP targets of a load balancer that forwards to
// another one. An IP outside the target group's VPC must be registered
// with AvailabilityZone "all".
func (e *emitter) balancerTargets(lb model.LoadBalancer) []Value {
	// The target may be in another account's template: its fixed
	// addresses are known from the design.
	to, ok := lbIn(e.all, lb.Targets)
	if !ok || to.Kind == model.APIGateway {
		return nil
	}
	var out []Value
	for _, a := range to.ENIs {
		eni, ok := e.all.ENI(a)
		if !ok || !eni.PrivateIP.IsValid() {
			continue
		}
		t := Map{{"Id", String(eni.PrivateIP.String())}, {"Port", Int(lb.TargetPort)}}
		if to.VPC != lb.VPC {
			t = Map{{"AvailabilityZone", String("all")}, {"Id", String(eni.PrivateIP.String())}, {"Port", Int(lb.TargetPort)}}
		}
		out = append(out, t)
	}
	return out
}

// fixedFirst lists the load balancers with fixed addresses in any of
// subnets: what else takes addresses there waits for them, so in a new
// subnet the fixed addresses are still free when the load balancer
// claims them.
func (e *emitter) fixedFirst(subnets []model.ResourceRef) []string {
	var out []string
	for _, lb := range e.n.LoadBalancers {
		if lb.Kind != model.NLB || lb.InternetFacing {
			continue
		}
		if _, ok := e.targetedBy(lb); !ok {
			continue
		}
		if slices.ContainsFunc(lb.Subnets, func(s model.ResourceRef) bool { return slices.Contains(subnets, s) }) {
			out = append(out, e.id(lb.Addr))
		}
	}
	return out
}
