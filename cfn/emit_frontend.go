package cfn

import (
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// cloudFrontZone is the hosted zone ID every CloudFront alias target uses
// (Route 53 AliasTarget reference).
const cloudFrontZone = "Z2FDTNDATAQYW2"

// cachingDisabled is the ID of CloudFront's managed CachingDisabled cache
// policy: an application origin's responses are dynamic, so moat forwards
// every request and lets the origin's own headers decide nothing is stale.
const cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// addWith adds a resource whose properties include keys a typed struct
// cannot hold (a property named Type clashes with the method).
func (e *emitter) addWith(id string, p Properties, extra Map, dependsOn ...string) {
	props, err := Props(p)
	if err != nil {
		e.errs = append(e.errs, err)
		return
	}
	props = append(props, extra...)
	slices.SortFunc(props, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
	if err := e.t.Add(Resource{LogicalID: id, Type: p.Type(), Properties: props, DependsOn: dependsOn}); err != nil {
		e.errs = append(e.errs, err)
	}
}

// certAddr is a certificate's address; "*" becomes "wildcard" so that
// "*.example.com" and "example.com" get different logical IDs.
func certAddr(domain string) model.ResourceRef {
	return model.JoinRef("cert", strings.ReplaceAll(domain, "*", "wildcard"))
}

// certificate returns the ARN value of a certificate, requesting it with
// DNS validation (once per domain) when the model names no ARN.
func (e *emitter) certificate(c model.Certificate) Value {
	if c.ARN != "" {
		return String(c.ARN)
	}
	a := certAddr(c.Domain)
	id := e.id(a)
	if _, ok := e.t.Resource(id); ok {
		return Ref{id}
	}
	p := Certificate{
		DomainName:       String(c.Domain),
		ValidationMethod: String("DNS"),
		// RSA 2048 is the key every load balancer, CloudFront and API
		// Gateway accepts.
		KeyAlgorithm: String("RSA_2048"),
		Tags:         e.tags(a, nil),
	}
	for _, n := range c.Names {
		if n != c.Domain {
			p.SubjectAlternativeNames = append(p.SubjectAlternativeNames, String(n))
		}
	}
	if c.ValidationZone != "" {
		for _, n := range append([]string{c.Domain}, c.Names...) {
			if n == c.Domain && len(p.DomainValidationOptions) > 0 {
				continue
			}
			p.DomainValidationOptions = append(p.DomainValidationOptions, Map{{"DomainName", String(n)}, {"HostedZoneId", String(c.ValidationZone)}})
		}
	}
	e.add(id, p)
	return Ref{id}
}

// frontEnds emits load balancers, API Gateway, CloudFront, WAF and DNS.
func (e *emitter) frontEnds() {
	logs, logsPolicy := e.accessLogBucket()
	for _, lb := range e.n.LoadBalancers {
		switch lb.Kind {
		case model.ALB, model.NLB:
			e.loadBalancer(lb, logs, logsPolicy)
		case model.APIGateway:
			e.httpAPI(lb)
		}
	}
	for _, c := range e.n.CDNs {
		e.cdn(c)
	}
	for _, w := range e.n.WebACLs {
		e.webACL(w)
	}
	for _, r := range e.n.AliasRecords {
		e.aliasRecord(r)
	}
}

// loadBalancer emits lb, its target group and listeners. logs is the
// access-log bucket, and logsPolicy its policy: ELB checks that it may
// write there when logging is turned on, so the load balancer waits for it.
func (e *emitter) loadBalancer(lb model.LoadBalancer, logs, logsPolicy string) {
	id := e.id(lb.Addr)
	scheme, typ := "internal", "application"
	if lb.InternetFacing {
		scheme = "internet-facing"
	}
	attrs := []Value{
		Map{{"Key", String("deletion_protection.enabled")}, {"Value", String(strconv.FormatBool(lb.DeletionProtection))}},
	}
	if lb.Kind == model.NLB {
		typ = "network"
		attrs = append(attrs, Map{{"Key", String("load_balancing.cross_zone.enabled")}, {"Value", String("true")}})
	} else {
		// Requests with malformed headers never reach the service.
		attrs = append(attrs, Map{{"Key", String("routing.http.drop_invalid_header_fields.enabled")}, {"Value", String("true")}})
	}
	var deps []string
	if att := e.attachment[lb.VPC]; att != "" {
		deps = append(deps, att)
	}
	if logs != "" && lb.WritesAccessLogs() {
		attrs = append(attrs,
			Map{{"Key", String("access_logs.s3.enabled")}, {"Value", String("true")}},
			Map{{"Key", String("access_logs.s3.bucket")}, {"Value", Ref{logs}}},
			Map{{"Key", String("access_logs.s3.prefix")}, {"Value", String(logPrefix(lb))}},
		)
		deps = append(deps, logsPolicy)
	}
	lbp := LoadBalancer{
		Scheme: String(scheme), Subnets: e.refs(lb.Subnets), LoadBalancerAttributes: attrs,
		SecurityGroups: e.groupIDs(lb.SecurityGroups), Tags: e.tags(lb.Addr, nil),
	}
	if lb.DualStack {
		lbp.IpAddressType = String("dualstack")
	}
	if m := e.fixedAddresses(lb); len(m) > 0 {
		lbp.Subnets, lbp.SubnetMappings = nil, m
	}
	e.addWith(id, lbp, Map{{"Type", String(typ)}}, deps...)
	tg := id + "TargetGroup"
	proto := "HTTP"
	if lb.Kind == model.NLB {
		proto = "TCP"
	}
	e.add(tg, TargetGroup{
		// Type ip: Fargate and awsvpc tasks (and EKS pods) register by
		// their own interface address.
		TargetType: String("ip"), Port: Int(lb.TargetPort), Protocol: String(proto),
		VpcId: e.ref(lb.VPC), Tags: e.tags(model.ResourceRef(string(lb.Addr)+"/targets"), nil),
		Targets: e.balancerTargets(lb),
	})
	for _, l := range lb.Listeners {
		lid := id + "Listener" + strconv.Itoa(l.Port)
		p := Listener{LoadBalancerArn: Ref{id}, Port: Int(l.Port), Protocol: String(l.Protocol)}
		if l.RedirectToHTTPS {
			p.DefaultActions = []Value{Map{{"Type", String("redirect")}, {"RedirectConfig", Map{
				{"Protocol", String("HTTPS")}, {"Port", String("443")}, {"StatusCode", String("HTTP_301")},
			}}}}
		} else {
			p.DefaultActions = []Value{Map{{"Type", String("forward")}, {"TargetGroupArn", Ref{tg}}}}
		}
		if len(l.Certificates) > 0 {
			p.SslPolicy = String(l.SSLPolicy)
			p.Certificates = []Value{Map{{"CertificateArn", e.certificate(l.Certificates[0])}}}
			// The first certificate is the default; the others are
			// chosen by SNI.
			var sniCerts []Value
			for _, c := range l.Certificates[1:] {
				sniCerts = append(sniCerts, Map{{"CertificateArn", e.certificate(c)}})
			}
			if len(sniCerts) > 0 {
				e.add(lid+"Certificates", ListenerCertificate{ListenerArn: Ref{lid}, Certificates: sniCerts})
			}
		}
		e.add(lid, p)
	}
}

// groupIDs are GroupId attributes of security groups.
func (e *emitter) groupIDs(as []model.ResourceRef) []Value {
	out := make([]Value, 0, len(as))
	for _, a := range as {
		out = append(out, GetAtt{e.id(a), "GroupId"})
	}
	return out
}

// tagMap is the tags of resources that take a plain key→value map.
func (e *emitter) tagMap(a model.ResourceRef) Map {
	var m Map
	for _, t := range e.tags(a, nil) {
		m = append(m, Field{string(t.Key.(String)), t.Value})
	}
	return m
}

func (e *emitter) httpAPI(lb model.LoadBalancer) {
	id := e.id(lb.Addr)
	set := lb.API
	if set == nil {
		e.errorf("api gateway %s: no API settings", lb.Addr)
		return
	}
	target, ok := e.lb(set.Integration)
	if !ok || len(target.Listeners) == 0 {
		e.errorf("api gateway %s: integration %s is not a load balancer with a listener", lb.Addr, set.Integration)
		return
	}
	l := target.Listeners[0]
	e.add(id, HTTPAPI{
		Name: String(e.stack + "-api"), ProtocolType: String("HTTP"), Tags: e.tagMap(lb.Addr),
		// With custom domains, clients use them only.
		DisableExecuteApiEndpoint: Bool(len(lb.Listeners) > 0 && len(lb.Listeners[0].Certificates) > 0),
	})
	link := id + "VpcLink"
	e.add(link, VpcLink{Name: String(e.stack + "-vpc-link"), SubnetIds: e.refs(lb.Subnets), SecurityGroupIds: e.groupIDs(lb.SecurityGroups), Tags: e.tagMap(lb.Addr)})
	integ := Integration{
		ApiId: Ref{id}, IntegrationType: String("HTTP_PROXY"), IntegrationMethod: String("ANY"),
		ConnectionType: String("VPC_LINK"), ConnectionId: Ref{link}, PayloadFormatVersion: String("1.0"),
		IntegrationUri: Ref{e.id(target.Addr) + "Listener" + strconv.Itoa(l.Port)},
	}
	for _, h := range l.Hosts {
		if !strings.HasPrefix(h, "*") {
			// The internal listener's certificate names this host, so
			// API Gateway can verify it.
			integ.TlsConfig = Map{{"ServerNameToVerify", String(h)}}
			break
		}
	}
	e.add(id+"Integration", integ)
	e.add(id+"Route", APIRoute{ApiId: Ref{id}, RouteKey: String("$default"), Target: Join("/", String("integrations"), Ref{id + "Integration"})})
	logs := e.logGroupID(lb.Addr+"/access-logs", lb.Addr)
	e.add(id+"Stage", Stage{
		ApiId: Ref{id}, StageName: String("$default"), AutoDeploy: Bool(true), Tags: e.tagMap(lb.Addr),
		DefaultRouteSettings: Map{{"ThrottlingBurstLimit", Int(set.ThrottleBurst)}, {"ThrottlingRateLimit", Int(set.ThrottleRate)}},
		AccessLogSettings:    Map{{"DestinationArn", GetAtt{logs, "Arn"}}, {"Format", String(`{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime","method":"$context.httpMethod","path":"$context.path","status":"$context.status","latency":"$context.responseLatency","integrationError":"$context.integrationErrorMessage"}`)}},
	})
	if len(lb.Listeners) == 0 || len(lb.Listeners[0].Certificates) == 0 {
		return
	}
	al := lb.Listeners[0]
	for _, h := range al.Hosts {
		cert := al.Certificates[0]
		for _, c := range al.Certificates {
			if c.Domain == h {
				cert = c
			}
		}
		for _, c := range al.Certificates {
			for _, n := range c.Names {
				if n == h {
					cert = c
				}
			}
		}
		dn := id + "Domain" + pascal(strings.ReplaceAll(h, "*", "wildcard"))
		e.add(dn, DomainName{
			DomainName: String(h), Tags: e.tagMap(lb.Addr),
			DomainNameConfigurations: []Value{Map{
				{"CertificateArn", e.certificate(cert)}, {"EndpointType", String("REGIONAL")}, {"SecurityPolicy", String(al.SSLPolicy)},
			}},
		})
		e.add(dn+"Mapping", ApiMapping{ApiId: Ref{id}, DomainName: Ref{dn}, Stage: Ref{id + "Stage"}})
	}
}

// lb returns the load balancer at a.
func (e *emitter) lb(a model.ResourceRef) (model.LoadBalancer, bool) {
	for _, lb := range e.n.LoadBalancers {
		if lb.Addr == a {
			return lb, true
		}
	}
	return model.LoadBalancer{}, false
}

func (e *emitter) cdn(c model.CDN) {
	id := e.id(c.Addr)
	origin, ok := e.lb(c.Origin)
	if !ok {
		e.errorf("cdn %s: origin %s is not a load balancer", c.Addr, c.Origin)
		return
	}
	headers := make([]Value, 0, len(c.ForwardHeaders))
	for _, h := range c.ForwardHeaders {
		headers = append(headers, String(h))
	}
	policy := id + "OriginRequestPolicy"
	e.add(policy, OriginRequestPolicy{OriginRequestPolicyConfig: Map{
		{"Name", String(e.stack + "-origin-request")},
		{"Comment", String("moat: headers, cookies and query strings the origin receives; Host so the origin serves the viewer's certificate")},
		{"HeadersConfig", Map{{"HeaderBehavior", String("whitelist")}, {"Headers", List(headers)}}},
		{"CookiesConfig", Map{{"CookieBehavior", String("all")}}},
		{"QueryStringsConfig", Map{{"QueryStringBehavior", String("all")}}},
	}})
	cfg := Map{
		{"Enabled", Bool(true)},
		{"Comment", String("moat " + e.stack)},
		{"Aliases", Strs(c.Aliases...)},
		{"HttpVersion", String("http2and3")},
		{"Origins", List{Map{
			{"Id", String("lb")},
			{"DomainName", GetAtt{e.id(origin.Addr), "DNSName"}},
			{"CustomOriginConfig", Map{{"OriginProtocolPolicy", String("https-only")}, {"HTTPSPort", Int(443)}, {"OriginSSLProtocols", Strs("TLSv1.2")}}},
		}}},
		{"DefaultCacheBehavior", Map{
			{"TargetOriginId", String("lb")},
			{"ViewerProtocolPolicy", String("redirect-to-https")},
			{"AllowedMethods", Strs("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE")},
			{"CachePolicyId", String(cachingDisabled)},
			{"OriginRequestPolicyId", Ref{policy}},
			{"Compress", Bool(true)},
		}},
		{"ViewerCertificate", Map{
			{"AcmCertificateArn", e.cdnCertificate(c.Certificate)},
			{"SslSupportMethod", String("sni-only")},
			{"MinimumProtocolVersion", String("TLSv1.2_2021")},
		}},
	}
	if !c.WebACL.IsZero() {
		cfg = append(cfg, Field{"WebACLId", GetAtt{e.id(c.WebACL), "Arn"}})
	}
	e.add(id, Distribution{DistributionConfig: cfg, Tags: e.tags(c.Addr, nil)})
}

// cdnCertificate requests CloudFront's one certificate, naming every
// alias, unless an ARN is given.
func (e *emitter) cdnCertificate(c model.Certificate) Value {
	if c.ARN != "" || len(c.Names) <= 1 {
		return e.certificate(c)
	}
	c.Domain = c.Names[0]
	a := model.ResourceRef("cert/cdn")
	id := e.id(a)
	if _, ok := e.t.Resource(id); ok {
		return Ref{id}
	}
	p := Certificate{DomainName: String(c.Domain), ValidationMethod: String("DNS"), KeyAlgorithm: String("RSA_2048"), Tags: e.tags(a, nil)}
	for _, n := range c.Names[1:] {
		p.SubjectAlternativeNames = append(p.SubjectAlternativeNames, String(n))
	}
	if c.ValidationZone != "" {
		for _, n := range c.Names {
			p.DomainValidationOptions = append(p.DomainValidationOptions, Map{{"DomainName", String(n)}, {"HostedZoneId", String(c.ValidationZone)}})
		}
	}
	e.add(id, p)
	return Ref{id}
}

func (e *emitter) webACL(w model.WebACL) {
	id := e.id(w.Addr)
	metric := func(name string) Map {
		return Map{{"CloudWatchMetricsEnabled", Bool(true)}, {"MetricName", String(name)}, {"SampledRequestsEnabled", Bool(true)}}
	}
	rules := []Value{Map{
		{"Name", String("rate-limit-per-ip")},
		{"Priority", Int(0)},
		{"Action", Map{{"Block", Map{}}}},
		{"Statement", Map{{"RateBasedStatement", Map{{"Limit", Int(w.RateLimit)}, {"AggregateKeyType", String("IP")}}}}},
		{"VisibilityConfig", metric(e.stack + "-rate-limit")},
	}}
	for i, g := range w.ManagedRuleGroups {
		rules = append(rules, Map{
			{"Name", String(g)},
			{"Priority", Int(i + 1)},
			{"OverrideAction", Map{{"None", Map{}}}},
			{"Statement", Map{{"ManagedRuleGroupStatement", Map{{"VendorName", String("AWS")}, {"Name", String(g)}}}}},
			{"VisibilityConfig", metric(e.stack + "-" + g)},
		})
	}
	e.add(id, WebACL{
		Scope: String(string(w.Scope)), Description: String("moat " + e.stack + ": AWS managed rules and a per-IP rate limit"),
		DefaultAction: Map{{"Allow", Map{}}}, Rules: rules, VisibilityConfig: metric(e.stack + "-web-acl"), Tags: e.tags(w.Addr, nil),
	})
	if w.Scope == model.WAFRegional {
		// Ref of a load balancer is its ARN.
		e.add(id+"Association", WebACLAssociation{ResourceArn: e.ref(w.Protects), WebACLArn: GetAtt{id, "Arn"}})
	}
	e.wafLogging(w, id)
}

func (e *emitter) aliasRecord(r model.AliasRecord) {
	var target Map
	switch r.Target.Kind() {
	case "cdn":
		target = Map{{"DNSName", GetAtt{e.id(r.Target), "DomainName"}}, {"HostedZoneId", String(cloudFrontZone)}, {"EvaluateTargetHealth", Bool(false)}}
	case "apigw":
		dn := e.id(r.Target) + "Domain" + pascal(strings.ReplaceAll(r.Name, "*", "wildcard"))
		target = Map{{"DNSName", GetAtt{dn, "RegionalDomainName"}}, {"HostedZoneId", GetAtt{dn, "RegionalHostedZoneId"}}, {"EvaluateTargetHealth", Bool(false)}}
	default:
		t := e.id(r.Target)
		target = Map{{"DNSName", GetAtt{t, "DNSName"}}, {"HostedZoneId", GetAtt{t, "CanonicalHostedZoneID"}}, {"EvaluateTargetHealth", Bool(true)}}
	}
	e.addWith(e.id(r.Addr), RecordSet{HostedZoneId: String(r.Zone), Name: String(r.Name), AliasTarget: target}, Map{{"Type", String("A")}})
}
