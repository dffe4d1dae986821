package compile

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// frontEndGroups writes the groups in front of the service. Each admits
// only what is in front of it, on its listener ports:
//
//	clients (allow_from) -> sg/alb | sg/nlb -> sg/service
//	CloudFront's prefix list -> sg/alb -> sg/service
//	API Gateway: sg/apigw (VPC Link, no inbound) -> internal sg/alb | sg/nlb -> sg/service
//
// It returns the group that may reach the service.
func (c *compiler) frontEndGroups() model.ResourceRef {
	s := c.s
	fe := s.FrontEnd
	if c.frontEndGroup() == "" || s.Service == nil {
		return ""
	}
	port := s.Service.Port
	toService := []model.SGRule{tcp(port, groupPeer(SGService), fmt.Sprintf("forward requests to the service on tcp/%d", port))}
	kind := c.lbKind()
	lbGroup := c.serviceFront()
	ports := listenerPorts(c.listeners(kind, fe.Kind == spec.FrontEndAPIGateway))
	var in []model.SGRule
	desc := fmt.Sprintf("The %s: accepts clients on its listeners and forwards to the service", strings.ToUpper(string(kind)))
	switch {
	case fe.Kind == spec.FrontEndAPIGateway:
		var out []model.SGRule
		for _, p := range ports {
			out = append(out, tcp(p, groupPeer(lbGroup), fmt.Sprintf("forward requests to the internal %s on tcp/%d", kind, p)))
			in = append(in, tcp(p, groupPeer(SGAPIGW), "requests from the API Gateway VPC Link only"))
		}
		c.group(SGAPIGW, "apigw", "API Gateway VPC Link interfaces: no inbound; forward to the internal load balancer", nil, out)
		desc = fmt.Sprintf("The internal %s behind API Gateway: reachable only from the VPC Link", strings.ToUpper(string(kind)))
	case fe.CDN.Enabled:
		// CloudFront redirects viewers to HTTPS itself, so the origin
		// needs 443 only; the prefix list counts as 55 rules of the
		// group's quota, so it appears once.
		in = append(in, model.SGRule{Protocol: model.TCP, Ports: model.Port(443),
			Peer:        model.Peer{Kind: model.PeerPrefixList, PrefixList: model.CloudFrontPrefixList},
			Description: "HTTPS from the CloudFront origin-facing servers only"})
		desc = "The ALB behind CloudFront: reachable only from CloudFront, and forwards to the service"
	default:
		for _, p := range fe.AllowFrom {
			for _, lp := range ports {
				what := "HTTPS"
				switch {
				case lp == 80 && len(ports) > 1:
					what = "HTTP; the listener only redirects to HTTPS"
				case lp == 80:
					what = "HTTP"
				case kind == spec.FrontEndNLB:
					what = "TLS"
				}
				in = append(in, tcp(lp, cidrPeer(p), fmt.Sprintf("%s from %s", what, p)))
			}
		}
	}
	c.group(lbGroup, string(kind), desc, in, toService)
	return lbGroup
}
