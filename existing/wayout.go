package existing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// gatewayEndpoint returns the VPC's gateway endpoint for service (s3,
// dynamodb), if it has one.
func (p *picker) gatewayEndpoint(service string) (*model.Endpoint, bool) {
	for i := range p.n.Endpoints {
		ep := &p.n.Endpoints[i]
		if ep.VPC == p.vpc.Addr && ep.Type == model.GatewayEndpoint &&
			(ep.Service == service || strings.HasSuffix(ep.ServiceName, "."+service)) {
			return ep, true
		}
	}
	return nil, false
}

// reachesS3 reports whether subnets without a default route would still
// reach S3: through the VPC's gateway endpoint or the one the stack adds.
func (p *picker) reachesS3() bool {
	_, have := p.gatewayEndpoint("s3")
	return have || slices.Contains(p.s.Network.Endpoints.Gateway, "s3")
}

// tableOf returns the route table of an existing subnet.
func (p *picker) tableOf(a model.ResourceRef) model.ResourceRef {
	sn, ok := p.n.Subnet(a)
	if !ok {
		return ""
	}
	if rt, _ := p.n.RouteTableOf(sn); rt != nil {
		return rt.Addr
	}
	return ""
}

// wayOut checks that the service reaches S3 (a default route, or an S3
// gateway endpoint on its tables), decides which gateway endpoints the
// stack creates, and lists the changes to tables it did not create.
func (p *picker) wayOut() {
	var tables []model.ResourceRef
	for _, t := range []model.Tier{p.ch.App, model.Isolated} {
		for _, a := range p.ch.Subnets[t] {
			if rt := p.tableOf(a); rt != "" && !slices.Contains(tables, rt) {
				tables = append(tables, rt)
			}
		}
	}
	slices.Sort(tables)
	p.ch.RouteTables = tables
	for _, svc := range p.s.Network.Endpoints.Gateway {
		ep, ok := p.gatewayEndpoint(svc)
		if !ok {
			if len(tables) > 0 {
				p.change(model.JoinRef("vpce", svc), "the stack's %s gateway endpoint adds a route to the %s prefix list in %s (allow it, or remove %s from network.endpoints.gateway)", svc, svc, ids(tables), svc)
			}
			continue
		}
		p.ch.HaveGateway = append(p.ch.HaveGateway, svc)
		var lacking []model.ResourceRef
		for _, rt := range tables {
			if !slices.Contains(ep.RouteTables, rt) {
				lacking = append(lacking, rt)
			}
		}
		if len(lacking) > 0 {
			p.change(ep.Addr, "add %s to the route tables of %s so the stack's subnets reach %s through it", ids(lacking), model.AWSID(ep.Addr), svc)
		}
	}
	if p.s.Service == nil || p.ch.App != model.Isolated {
		return
	}
	if _, ok := p.gatewayEndpoint("s3"); ok || slices.Contains(p.s.Network.Endpoints.Gateway, "s3") {
		return
	}
	p.d.Errorf(p.at("network.endpoints.gateway", "network.endpoints", "service"), fmt.Sprintf("add an S3 gateway endpoint to %s: keep s3 in network.endpoints.gateway", ids(tables)),
		"the service has no way to S3 (image layers, logs): its subnets have no default route and no S3 gateway endpoint")
}

// change records what the stack needs of a resource it did not create.
func (p *picker) change(a model.ResourceRef, format string, args ...any) {
	p.ch.Changes = append(p.ch.Changes, model.Change{Resource: a, Text: fmt.Sprintf(format, args...)})
}

// ids lists addresses by their AWS IDs.
func ids(as []model.ResourceRef) string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, model.AWSID(a))
	}
	return strings.Join(out, ", ")
}
