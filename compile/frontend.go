package compile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/ec2types"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/sni"
	"github.com/moatnet/moat/spec"
)

// Edge and shared-file addresses.
const (
	CDNAddr        model.ResourceRef = "cdn"
	WebACLAddr     model.ResourceRef = "waf"
	FileSystemAddr model.ResourceRef = "efs"
	SGEFS          model.ResourceRef = "sg/efs"
)

// AWS limits the compiler enforces, from the Elastic Load Balancing quotas
// pages: an ALB takes 25 certificates besides its default one, an NLB 25
// in all. Both are adjustable quotas; moat keeps to the defaults.
const (
	maxALBCertificates = 25 // excluding the default certificate
	maxNLBCertificates = 25 // including the default certificate
)

// ManagedRuleGroups are the AWS managed rule groups every web ACL gets:
// the baseline OWASP-style rules, known bad inputs (e.g. Log4j probes) and
// Amazon's IP reputation list. All three are free of extra charge beyond
// the web ACL's rules.
var ManagedRuleGroups = []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"}

// serviceFront is the group that may reach the service: the load balancer
// that forwards to it. Behind API Gateway that is the internal load
// balancer the VPC Link reaches, never the VPC Link itself.
func (c *compiler) serviceFront() model.ResourceRef {
	if c.s.FrontEnd.Kind == spec.FrontEndAPIGateway {
		if c.s.FrontEnd.API.Integration == "alb" {
			return SGALB
		}
		return SGNLB
	}
	return c.frontEndGroup()
}

// lbKind is the kind of the load balancer in front of the service: the
// front end itself, or API Gateway's internal integration.
func (c *compiler) lbKind() spec.FrontEndKind {
	fe := c.s.FrontEnd
	if fe.Kind == spec.FrontEndAPIGateway {
		if fe.API.Integration == "alb" {
			return spec.FrontEndALB
		}
		return spec.FrontEndNLB
	}
	return fe.Kind
}

// certificates are the distinct certificates of the front end, in spec
// order: the first is the listener's default. A domain that shares another
// domain's certificate adds no certificate.
func (c *compiler) certificates() []model.Certificate {
	var out []model.Certificate
	for _, d := range c.s.FrontEnd.Domains {
		if d.SharesWith != "" {
			continue
		}
		cert := model.Certificate{Domain: d.Name, ARN: d.Certificate, Names: []string{d.Name}}
		if d.Certificate == "" {
			cert.ValidationZone = c.s.FrontEnd.HostedZone
		}
		out = append(out, cert)
	}
	return out
}

func (c *compiler) hosts() []string {
	var out []string
	for _, d := range c.s.FrontEnd.Domains {
		out = append(out, d.Name)
	}
	return out
}

// listeners are a load balancer's listeners. Without a domain there is no
// certificate: an ALB then serves plain HTTP (a trade-off noted in the
// plan) and an NLB passes TLS through to the service on 443.
func (c *compiler) listeners(kind spec.FrontEndKind, behindAPI bool) []model.Listener {
	certs, hosts := c.certificates(), c.hosts()
	tls := len(certs) > 0
	switch {
	case kind == spec.FrontEndALB && tls && !behindAPI:
		return []model.Listener{
			{Port: 80, Protocol: "HTTP", RedirectToHTTPS: true},
			{Port: 443, Protocol: "HTTPS", Certificates: certs, SSLPolicy: SSLPolicy, Hosts: hosts},
		}
	case kind == spec.FrontEndALB && tls:
		return []model.Listener{{Port: 443, Protocol: "HTTPS", Certificates: certs, SSLPolicy: SSLPolicy, Hosts: hosts}}
	case kind == spec.FrontEndALB:
		return []model.Listener{{Port: 80, Protocol: "HTTP"}}
	case kind == spec.FrontEndNLB && tls:
		return []model.Listener{{Port: 443, Protocol: "TLS", Certificates: certs, SSLPolicy: SSLPolicy, Hosts: hosts}}
	case kind == spec.FrontEndNLB && behindAPI:
		return []model.Listener{{Port: 80, Protocol: "TCP"}}
	case kind == spec.FrontEndNLB:
		return []model.Listener{{Port: 443, Protocol: "TCP"}}
	}
	return nil
}

// listenerPorts are the ports clients reach a load balancer on.
func listenerPorts(ls []model.Listener) []int {
	var out []int
	for _, l := range ls {
		out = append(out, l.Port)
	}
	return out
}

// checkEdge enforces AWS's certificate limits and warns about domains no
// certificate covers, as the load balancer would choose (package sni).
func (c *compiler) checkEdge() {
	fe := c.s.FrontEnd
	if fe.Kind == spec.FrontEndNone || c.s.Service == nil {
		return
	}
	certs := c.certificates()
	switch c.lbKind() {
	case spec.FrontEndALB:
		if n := len(certs) - 1; n > maxALBCertificates {
			c.d.Errorf(c.s.Where("frontend.domains"), "share a wildcard certificate between hosts (certificate: \"*.example.com\"), or request a quota increase",
				"an alb takes %d certificates besides its default, but the domains need %d", maxALBCertificates, n)
		}
	case spec.FrontEndNLB:
		if len(certs) > maxNLBCertificates {
			c.d.Errorf(c.s.Where("frontend.domains"), "share a wildcard certificate between hosts, or request a quota increase",
				"an nlb takes %d certificates, but the domains need %d", maxNLBCertificates, len(certs))
		}
	}
	for i, row := range Served(c.hosts(), certs) {
		if !row.Matched && len(certs) > 0 {
			c.d.Warnf(c.s.Where(fmt.Sprintf("frontend.domains[%d].name", i)),
				"give it its own certificate (omit certificate), or share one whose name covers it; a wildcard covers exactly one label",
				"no certificate covers %s: clients get the default certificate for %s and reject it", row.Host, certs[0].Domain)
		}
	}
}

// ServedRow is one line of the domain → certificate table.
type ServedRow struct {
	Host    string
	Cert    int  // index into the certificates; 0 is the default
	Matched bool // false: no certificate covers Host, the default is served
}

// Served decides, for each host, which certificate a listener serves, as
// ALB and NLB do (see sni.Select).
func Served(hosts []string, certs []model.Certificate) []ServedRow {
	sc := make([]sni.Cert, len(certs))
	for i, c := range certs {
		sc[i].Names = c.Names
		if len(c.Names) == 0 {
			sc[i].Names = []string{c.Domain}
		}
	}
	var out []ServedRow
	for _, h := range hosts {
		i, ok := sni.Select(h, sc)
		out = append(out, ServedRow{Host: h, Cert: i, Matched: ok})
	}
	return out
}

// buildFrontEnd records the front end: the load balancer (and, behind API
// Gateway, the VPC Link front and its internal load balancer), CloudFront,
// the web ACL and the alias records.
func (c *compiler) buildFrontEnd() {
	s := c.s
	fe := s.FrontEnd
	if s.Service == nil || fe.Kind == spec.FrontEndNone {
		return
	}
	lb := model.LoadBalancer{
		VPC: VPCAddr, InternetFacing: fe.InternetFacing, Allowed: slices.Clone(fe.AllowFrom),
		Targets: ServiceAddr, TargetPort: s.Service.Port, Subnets: c.appSubnets(),
	}
	if fe.CDN.Enabled {
		lb.Allowed = nil // only CloudFront's prefix list
	}
	kind := c.lbKind()
	behindAPI := fe.Kind == spec.FrontEndAPIGateway
	lb.Addr, lb.Kind, lb.SecurityGroups = "alb", model.ALB, []model.ResourceRef{SGALB}
	if kind == spec.FrontEndNLB {
		lb.Addr, lb.Kind, lb.SecurityGroups = "nlb", model.NLB, []model.ResourceRef{SGNLB}
	}
	lb.Listeners = c.listeners(kind, behindAPI)
	if behindAPI {
		lb.InternetFacing, lb.Allowed = false, nil
		// API Gateway lives outside the VPC; its VPC Link puts interfaces
		// in the app subnets and reaches the internal load balancer.
		targetPort := 0
		if len(lb.Listeners) > 0 {
			targetPort = lb.Listeners[0].Port
		}
		c.n.LoadBalancers = append(c.n.LoadBalancers, c.apiGateway(c.home.addr, c.appSubnets(), fe.InternetFacing, lb.Addr, targetPort))
	} else if fe.InternetFacing {
		lb.Subnets = slices.Clone(c.subnets[model.Public])
		// A dual-stack network's public front end answers IPv6 clients
		// too; its groups and ACLs already admit ::/0 on the listeners.
		// An NLB cannot be dual-stack with a UDP listener.
		lb.DualStack = c.ipv6 && !slices.ContainsFunc(lb.Listeners, func(l model.Listener) bool { return strings.Contains(l.Protocol, "UDP") })
	}
	c.n.LoadBalancers = append(c.n.LoadBalancers, lb)

	if fe.CDN.Enabled {
		certs := c.certificates()
		c.n.CDNs = []model.CDN{{
			Addr: CDNAddr, Origin: lb.Addr, Aliases: c.hosts(), Certificate: certs[0],
			ForwardHeaders: append([]string{"Host"}, fe.CDN.ForwardHeaders...),
		}}
		if len(certs) > 1 {
			// CloudFront serves one certificate; moat requests it with
			// every domain as a subject alternative name.
			var names []string
			for _, ct := range certs {
				names = append(names, ct.Names...)
			}
			c.n.CDNs[0].Certificate.Names = names
			if certs[0].ARN != "" {
				c.d.Warnf(c.s.Where("frontend.domains[0].certificate"), "make sure the certificate names every domain, or omit it to have moat request one",
					"CloudFront serves only the first domain's certificate to every viewer")
			}
		}
	}
	// The web ACL goes on an ALB, or behind an HTTP API (which takes no
	// web ACL) on its internal ALB, or on CloudFront in front of either.
	switch {
	case fe.CDN.Enabled:
		if c.webACL(model.WAFCloudFront, CDNAddr) {
			c.n.CDNs[0].WebACL = WebACLAddr
		}
		c.aliasRecords(CDNAddr)
	case behindAPI:
		c.webACL(model.WAFRegional, lb.Addr)
		c.aliasRecords("apigw")
	default:
		c.webACL(model.WAFRegional, lb.Addr)
		c.aliasRecords(lb.Addr)
	}
}

// webACL records the web ACL on protects, when the spec turns WAF on, and
// reports whether it did.
func (c *compiler) webACL(scope model.WAFScope, protects model.ResourceRef) bool {
	waf := c.s.FrontEnd.WAF
	if !waf.Enabled {
		return false
	}
	c.n.WebACLs = []model.WebACL{{Addr: WebACLAddr, Scope: scope, Protects: protects, ManagedRuleGroups: slices.Clone(ManagedRuleGroups), RateLimit: waf.RateLimit}}
	return true
}

// aliasRecords records a Route 53 alias to target for every domain, when
// the spec asks for them.
func (c *compiler) aliasRecords(target model.ResourceRef) {
	fe := c.s.FrontEnd
	if !fe.AliasRecords {
		return
	}
	for _, d := range fe.Domains {
		c.n.AliasRecords = append(c.n.AliasRecords, model.AliasRecord{
			Addr: model.JoinRef("dns", strings.ReplaceAll(d.Name, "*", "wildcard")), Zone: fe.HostedZone, Name: d.Name, Target: target,
		})
	}
}

// apiGateway is the HTTP API in front of the load balancer target, which
// it reaches on port through its VPC Link's interfaces in subnets of vpc.
func (c *compiler) apiGateway(vpc model.ResourceRef, subnets []model.ResourceRef, internetFacing bool, target model.ResourceRef, port int) model.LoadBalancer {
	fe := c.s.FrontEnd
	api := model.LoadBalancer{
		Addr: "apigw", VPC: vpc, Kind: model.APIGateway, InternetFacing: internetFacing,
		SecurityGroups: []model.ResourceRef{SGAPIGW}, Allowed: slices.Clone(fe.AllowFrom),
		Subnets: slices.Clone(subnets), Targets: target, TargetPort: port,
		API:       &model.APISettings{ThrottleRate: fe.API.ThrottleRate, ThrottleBurst: fe.API.ThrottleBurst, Integration: target},
		Listeners: []model.Listener{{Port: 443, Protocol: "HTTPS", SSLPolicy: APIGatewaySecurityPolicy}},
	}
	if certs := c.certificates(); len(certs) > 0 {
		api.Listeners[0].Certificates, api.Listeners[0].Hosts = certs, c.hosts()
	}
	return api
}

// buildService records the service with its size, the EFS file system it
// mounts and, for EKS, the subnet tags the load balancer controller uses.
func (c *compiler) buildService() {
	sv := c.s.Service
	if sv == nil {
		return
	}
	svc := model.Service{
		Addr: ServiceAddr, VPC: c.home.addr, Name: sv.Name, Kind: sv.Kind, Port: sv.Port,
		Subnets: c.appSubnets(), SecurityGroup: SGService,
		CPU: sv.CPU, Memory: sv.Memory, DesiredCount: sv.DesiredCount,
	}
	// Fargate tasks run on Graviton, the cheaper rate; hosts and nodes run
	// on whatever their type is (spec validation knows every type's).
	svc.Architecture = model.ARM64
	if sv.Kind != model.ECSFargate {
		svc.InstanceType, svc.RootVolumeGiB = sv.InstanceType, RootVolumeGiB
		svc.Architecture = c.arch(sv.InstanceType, "service.instance_type")
	}
	if sv.Kind == model.EKS {
		if l, ok := ec2types.Lookup(sv.InstanceType); ok {
			svc.MaxPodsPerNode = l.MaxPods()
		} else {
			c.d.Warnf(c.s.Where("service.instance_type"), "moat knows the interface limits of t3, t4g, m5, m6g, m7g and c6g sizes",
				"moat does not know the pod capacity of %s", sv.InstanceType)
		}
		for i := range c.n.Subnets {
			sn := &c.n.Subnets[i]
			switch {
			case sn.Tier == model.Public:
				sn.Tags = append(sn.Tags, model.Tag{Key: "kubernetes.io/role/elb", Value: "1"})
			case sn.Tier == c.app:
				sn.Tags = append(sn.Tags, model.Tag{Key: "kubernetes.io/role/internal-elb", Value: "1"})
			}
		}
	}
	if sv.EFS {
		svc.FileSystem = FileSystemAddr
		c.n.FileSystems = []model.FileSystem{{
			Addr: FileSystemAddr, VPC: c.home.addr, Subnets: c.appSubnets(), SecurityGroup: SGEFS, Encrypted: true,
		}}
	}
	c.n.Services = []model.Service{svc}
}

// workloadNotes explains the front end's and workloads' trade-offs.
func (c *compiler) workloadNotes() {
	s := c.s
	fe := s.FrontEnd
	if s.Service != nil && fe.Kind != spec.FrontEndNone {
		switch {
		case len(fe.Domains) == 0 && c.lbKind() == spec.FrontEndALB && fe.Kind != spec.FrontEndAPIGateway:
			c.note(model.TradeOff, "alb", "With no domain there is no certificate: the ALB serves plain HTTP on port 80. Add a domain to get HTTPS with HTTP redirected to it.")
		case len(fe.Domains) == 0 && fe.Kind == spec.FrontEndAPIGateway:
			c.note(model.TradeOff, model.ResourceRef(c.lbKind()), "With no domain the VPC Link reaches the internal %s over plain %s on port 80, inside the VPC. Add a domain to encrypt that hop too.", c.lbKind(), map[spec.FrontEndKind]string{spec.FrontEndALB: "HTTP", spec.FrontEndNLB: "TCP"}[c.lbKind()])
		case len(fe.Domains) == 0 && fe.Kind == spec.FrontEndNLB:
			c.note(model.Advice, "nlb", "With no domain the NLB passes TLS on port 443 through to the service, which must terminate it.")
		}
		if len(fe.Domains) > 0 && fe.HostedZone == "" && slices.ContainsFunc(fe.Domains, func(d spec.Domain) bool { return d.Certificate == "" && d.SharesWith == "" }) {
			c.note(model.Advice, "alb", "moat requests certificates with DNS validation but has no hosted_zone: the stack waits until you add the validation CNAME records that ACM shows.")
		}
	}
	if sv := s.Service; sv != nil && sv.Kind == model.EKS {
		// Name the bastion only when the spec has one.
		from := "from inside the VPC (add a bastion: section for a way in)"
		if s.Bastion != nil {
			from = "from inside the VPC (e.g. through the bastion)"
		}
		c.note(model.Advice, ServiceAddr, "The EKS API endpoint is private: run kubectl %s. Bind the load balancer's target group to the service with the AWS Load Balancer Controller's TargetGroupBinding.", from)
	}
}

// arch is the processor architecture of an instance type the spec gives at
// path. The spec rejects a type moat does not know, so the error here
// guards a caller that skipped validation.
func (c *compiler) arch(instanceType, path string) model.Architecture {
	a, ok := ec2types.ArchOf(instanceType)
	if !ok {
		c.d.Errorf(c.s.Where(path), "use a type such as "+strings.Join(ec2types.Nearest(instanceType, 3), ", "),
			"moat does not know the instance type %s", instanceType)
	}
	return a
}
