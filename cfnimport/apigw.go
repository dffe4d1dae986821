package cfnimport

import (
	"strings"

	"github.com/moatnet/moat/model"
)

// apiGateways reads HTTP APIs (AWS::ApiGatewayV2::Api) that reach into a
// VPC through a VPC Link, as the front door a compiled design models: a
// load balancer of kind APIGateway, outside the VPC, with the VPC Link's
// subnets and groups (where AWS puts its interfaces at deploy) and
// forwarding to the internal load balancer whose listener the integration
// names. From the template:
//
//   - the integration is the one the $default route targets, else the
//     first VPC_LINK integration of the API by logical ID (the model has
//     one target per front end); an API with no VPC_LINK integration
//     touches no VPC and is left out;
//   - its ConnectionId names the AWS::ApiGatewayV2::VpcLink (SubnetIds,
//     SecurityGroupIds) and its IntegrationUri the ELBv2 listener, whose
//     load balancer and port are the API's target;
//   - the API listens on HTTPS:443 (HTTP APIs are always public), with
//     the host names and certificates of the custom domains an ApiMapping
//     maps to it, and not at all when DisableExecuteApiEndpoint is set and
//     no domain is mapped;
//   - the throttling limits are the DefaultRouteSettings of its stage.
//
// Runs inside loadBalancers, after the ELBv2 listeners are read.
func (t *tmpl) apiGateways() {
	n := t.n
	t.each("AWS::ApiGatewayV2::Api", func(r *resource) {
		if p, ok := t.str(r, "ProtocolType"); !ok || !strings.EqualFold(p, "HTTP") {
			return
		}
		integ := t.apiIntegration(r)
		if integ == nil {
			return
		}
		lb := model.LoadBalancer{Addr: r.addr, Kind: model.APIGateway, InternetFacing: true, API: &model.APISettings{}}
		if link := t.resOf(t.quiet(integ.props.get("ConnectionId"))); link != nil && link.typ == "AWS::ApiGatewayV2::VpcLink" {
			lb.Subnets = t.refAddrs(link, "SubnetIds", link.props.get("SubnetIds"), "subnet")
			lb.SecurityGroups = t.refAddrs(link, "SecurityGroupIds", link.props.get("SecurityGroupIds"), "sg")
		}
		if len(lb.Subnets) > 0 {
			if s, ok := n.Subnet(lb.Subnets[0]); ok {
				lb.VPC = s.VPC
			}
		}
		if l := t.resOf(t.quiet(integ.props.get("IntegrationUri"))); l != nil && l.typ == "AWS::ElasticLoadBalancingV2::Listener" {
			lb.Targets = t.refAddr(l, "LoadBalancerArn", l.props.get("LoadBalancerArn"), "lb")
			lb.TargetPort, _ = t.integer(l, "Port", l.props.get("Port"))
			lb.API.Integration = lb.Targets
		} else {
			t.r.diags.Warnf(t.rng(integ), "name the internal load balancer's listener, e.g. IntegrationUri: !Ref AlbListener443",
				"API %s: integration %s does not name a listener in the template; the API forwards nowhere the analysis knows", r.id, integ.id)
		}
		listener := model.Listener{Port: 443, Protocol: "HTTPS"}
		domains := t.apiDomains(r, &listener)
		if domains > 0 || !t.boolean(r, "DisableExecuteApiEndpoint", r.props.get("DisableExecuteApiEndpoint")) {
			lb.Listeners = []model.Listener{listener}
		}
		t.each("AWS::ApiGatewayV2::Stage", func(s *resource) {
			if t.quiet(s.props.get("ApiId")) != string(r.addr) {
				return
			}
			rs := s.props.get("DefaultRouteSettings")
			if v, ok := t.integer(s, "DefaultRouteSettings.ThrottlingRateLimit", rs.get("ThrottlingRateLimit")); ok {
				lb.API.ThrottleRate = v
			}
			if v, ok := t.integer(s, "DefaultRouteSettings.ThrottlingBurstLimit", rs.get("ThrottlingBurstLimit")); ok {
				lb.API.ThrottleBurst = v
			}
		})
		n.LoadBalancers = append(n.LoadBalancers, lb)
	})
}

// apiIntegration is the VPC_LINK integration of api that the $default
// route targets, else its first one; nil when it has none.
func (t *tmpl) apiIntegration(api *resource) *resource {
	var first, routed *resource
	t.each("AWS::ApiGatewayV2::Integration", func(r *resource) {
		if t.quiet(r.props.get("ApiId")) != string(api.addr) || !strings.EqualFold(t.quiet(r.props.get("ConnectionType")), "VPC_LINK") {
			return
		}
		if first == nil {
			first = r
		}
	})
	t.each("AWS::ApiGatewayV2::Route", func(r *resource) {
		if t.quiet(r.props.get("ApiId")) != string(api.addr) || t.quiet(r.props.get("RouteKey")) != "$default" {
			return
		}
		// Target is "integrations/<IntegrationId>"; a Ref of the
		// integration evaluates to its address.
		id := strings.TrimPrefix(t.quiet(r.props.get("Target")), "integrations/")
		if in := t.resOf(id); in != nil && in.typ == "AWS::ApiGatewayV2::Integration" &&
			strings.EqualFold(t.quiet(in.props.get("ConnectionType")), "VPC_LINK") {
			routed = in
		}
	})
	if routed != nil {
		return routed
	}
	return first
}

// apiDomains fills l with the custom domains mapped to api: their names,
// certificates and security policy. It returns how many there are.
func (t *tmpl) apiDomains(api *resource, l *model.Listener) int {
	count := 0
	t.each("AWS::ApiGatewayV2::ApiMapping", func(m *resource) {
		if t.quiet(m.props.get("ApiId")) != string(api.addr) {
			return
		}
		d := t.resOf(t.quiet(m.props.get("DomainName")))
		if d == nil || d.typ != "AWS::ApiGatewayV2::DomainName" {
			return
		}
		name, ok := t.str(d, "DomainName")
		if !ok {
			return
		}
		count++
		l.Hosts = append(l.Hosts, name)
		cs := d.props.get("DomainNameConfigurations")
		if cs == nil || cs.kind != listNode {
			return
		}
		for _, c := range cs.items {
			if p, ok := t.strOf(d, "DomainNameConfigurations.SecurityPolicy", c.get("SecurityPolicy")); ok {
				l.SSLPolicy = p
			}
			arn, ok := t.strOf(d, "DomainNameConfigurations.CertificateArn", c.get("CertificateArn"))
			if !ok || containsCert(l.Certificates, arn) {
				continue
			}
			l.Certificates = append(l.Certificates, model.Certificate{ARN: arn, Domain: name})
		}
	})
	return count
}

func containsCert(cs []model.Certificate, arn string) bool {
	for _, c := range cs {
		if c.ARN == arn {
			return true
		}
	}
	return false
}
