package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/ec2types"
	"github.com/moatnet/moat/model"
	"go.yaml.in/yaml/v4"
)

// Edge is the part of the front end outside the VPC: CloudFront, WAF,
// Route 53, and API Gateway's stage settings.
type Edge struct {
	CDN CDN
	WAF WAF
	// HostedZone is a Route 53 hosted zone ID (Z...). With it, moat writes
	// the DNS validation records of the certificates it requests and, when
	// AliasRecords is true (the default with a zone), an alias record per
	// domain.
	HostedZone   string
	AliasRecords bool
	API          API
}

// CDN is an optional CloudFront distribution in front of the load
// balancer.
type CDN struct {
	Enabled bool
	// ForwardHeaders are viewer headers the origin needs (e.g. User-Agent);
	// Host is always forwarded.
	ForwardHeaders []string
}

// WAF is an optional web ACL with AWS managed rules and a rate limit.
type WAF struct {
	Enabled bool
	// RateLimit is requests per IP address per five minutes; default 1000.
	RateLimit int
}

// API is the API Gateway HTTP API's stage and integration.
type API struct {
	ThrottleRate  int    // requests per second, default 100
	ThrottleBurst int    // default 200
	Integration   string // the internal load balancer: nlb (default) or alb
}

// Sizing is how big the service runs.
type Sizing struct {
	CPU          int    // task CPU units, default 256
	Memory       int    // task memory MiB, default 512
	DesiredCount int    // tasks or nodes; default one per zone in prod, 1 in dev
	InstanceType string // ecs-ec2 hosts and EKS nodes; default t4g.medium
	EFS          bool   // an encrypted EFS file system shared by the tasks
}

var (
	cdnKeys          = []string{"enabled", "forward_headers"}
	wafKeys          = []string{"enabled", "rate_limit"}
	apiKeys          = []string{"throttle_rate", "throttle_burst", "integration"}
	apiIntegrations  = []string{"nlb", "alb"}
	fargateCPU       = []int{256, 512, 1024, 2048, 4096, 8192, 16384}
	defaultInstance  = "t4g.medium"
	defaultRateLimit = 1000
)

// onOrMapping reads a key written as true/false or as a mapping with an
// enabled key and others; it returns the mapping's fields and whether the
// feature is on.
func (p *parser) onOrMapping(path string, v field, keys []string) (map[string]field, bool) {
	if !v.present() {
		return nil, false
	}
	if v.val.Kind == yaml.ScalarNode && v.val.ShortTag() == "!!bool" {
		b, _ := p.boolean(path, v.val)
		return nil, b
	}
	f, _ := p.fields(path, v, keys)
	on := true
	if e := f["enabled"]; e.present() {
		if b, ok := p.boolean(path+".enabled", e.val); ok {
			on = b
		}
	}
	return f, on
}

// edge reads cdn, waf, hosted_zone, alias_records and api. It runs after
// kind and domains are known.
func (p *parser) edge(f map[string]field) {
	fe := &p.st.FrontEnd
	p.sharedCertificates()
	if cf, on := p.onOrMapping("frontend.cdn", f["cdn"], cdnKeys); on {
		fe.CDN.Enabled = true
		if v := cf["forward_headers"]; v.present() {
			items, _ := p.list("frontend.cdn.forward_headers", v.val, "header names")
			seen := map[string]bool{"host": true}
			for i, it := range items {
				if it == nil {
					continue
				}
				ip := index("frontend.cdn.forward_headers", i)
				h, ok := p.str(ip, it)
				switch {
				case !ok:
				case !isHeaderName(h):
					p.errorf(it, "write an HTTP header name such as User-Agent", "%s %q is not a header name", ip, h)
				case seen[strings.ToLower(h)]:
					hint := "list each header once"
					if strings.EqualFold(h, "Host") {
						hint = "moat always forwards Host; remove it"
					}
					p.warnf(it, hint, "%s repeats %s", ip, h)
				default:
					seen[strings.ToLower(h)] = true
					fe.CDN.ForwardHeaders = append(fe.CDN.ForwardHeaders, h)
				}
			}
		}
		switch {
		case fe.Kind != FrontEndALB:
			p.errorAt("frontend.cdn", "CloudFront fronts an alb here; set frontend.kind: alb or remove cdn", "frontend.cdn needs kind alb, not %s", fe.Kind)
		case !fe.InternetFacing:
			p.errorAt("frontend.cdn", "CloudFront reaches its origin over the internet; set internet_facing: true or remove cdn", "frontend.cdn needs an internet-facing alb")
		case len(fe.Domains) == 0:
			p.errorAt("frontend.cdn", "add domains: the origin serves their certificate to CloudFront", "frontend.cdn needs at least one domain")
		case p.st.Region != "" && p.st.Region != "us-east-1":
			p.errorAt("frontend.cdn", "deploy the stack in us-east-1, or remove cdn", "CloudFront takes its certificate and web ACL only from us-east-1, but the stack is in %s", p.st.Region)
		}
		if v := f["allow_from"]; v.present() {
			p.warnAt("frontend.allow_from", "remove allow_from; with cdn only CloudFront may reach the load balancer", "frontend.allow_from is ignored with cdn")
		}
	}
	if wf, on := p.onOrMapping("frontend.waf", f["waf"], wafKeys); on {
		fe.WAF = WAF{Enabled: true, RateLimit: defaultRateLimit}
		if v := wf["rate_limit"]; v.present() {
			if n, ok := p.integer("frontend.waf.rate_limit", v.val, 10, 2000000000, "requests per IP address per 5 minutes, from 10 to 2000000000"); ok {
				fe.WAF.RateLimit = n
			}
		}
		switch {
		case fe.Kind == FrontEndNLB:
			p.errorAt("frontend.waf", "AWS WAF does not protect a Network Load Balancer; use kind: alb", "frontend.waf needs an alb, CloudFront or API Gateway")
		case fe.Kind == FrontEndNone:
			p.errorAt("frontend.waf", "remove waf, or add a front end", "frontend.waf has no front end to protect")
		}
	}
	if v := f["hosted_zone"]; v.present() {
		if s, ok := p.str("frontend.hosted_zone", v.val); ok {
			if isHostedZoneID(s) {
				fe.HostedZone = s
			} else {
				p.errorf(v.val, "use the zone's ID, e.g. Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name)", "frontend.hosted_zone %q is not a Route 53 hosted zone ID", s)
			}
		}
	}
	fe.AliasRecords = fe.HostedZone != ""
	if v := f["alias_records"]; v.present() {
		if b, ok := p.boolean("frontend.alias_records", v.val); ok {
			fe.AliasRecords = b
			if b && !f["hosted_zone"].present() {
				p.errorf(v.val, "add hosted_zone: with the Route 53 zone ID", "frontend.alias_records needs hosted_zone")
			}
		}
	}
	if fe.Kind == FrontEndAPIGateway {
		fe.API = API{ThrottleRate: 100, ThrottleBurst: 200, Integration: "nlb"}
	}
	if v := f["api"]; v.present() {
		af, _ := p.fields("frontend.api", v, apiKeys)
		if fe.Kind != FrontEndAPIGateway {
			p.errorf(v.key, "remove api, or set kind: api-gateway", "frontend.api is only for kind api-gateway")
		}
		if x := af["throttle_rate"]; x.present() {
			fe.API.ThrottleRate, _ = p.integer("frontend.api.throttle_rate", x.val, 1, 10000, "requests per second, from 1 to 10000 (the account's default quota)")
		}
		if x := af["throttle_burst"]; x.present() {
			fe.API.ThrottleBurst, _ = p.integer("frontend.api.throttle_burst", x.val, 1, 5000, "a burst from 1 to 5000 (the account's default quota)")
		}
		if x := af["integration"]; x.present() {
			if s, ok := p.enum("frontend.api.integration", x.val, apiIntegrations); ok {
				fe.API.Integration = s
			}
		}
	}
	if fe.Kind == FrontEndAPIGateway && fe.WAF.Enabled && fe.API.Integration != "alb" {
		p.errorAt("frontend.waf", "HTTP APIs take no web ACL; set api.integration: alb to put the web ACL on the internal alb", "frontend.waf with api-gateway needs api.integration: alb")
	}
}

// sharedCertificates turns a domain's certificate that names another
// listed domain into SharesWith, and checks the reference.
func (p *parser) sharedCertificates() {
	fe := &p.st.FrontEnd
	own := map[string]bool{}
	for _, d := range fe.Domains {
		if d.Certificate == "" || strings.HasPrefix(d.Certificate, "arn:") {
			own[strings.ToLower(d.Name)] = true
		}
	}
	for i := range fe.Domains {
		d := &fe.Domains[i]
		if d.Certificate == "" || strings.HasPrefix(d.Certificate, "arn:") {
			continue
		}
		ref := d.Certificate
		d.Certificate = ""
		path := index("frontend.domains", i) + ".certificate"
		switch {
		case strings.EqualFold(ref, d.Name):
			p.errorAt(path, "omit certificate to have moat request one for this domain", "%s names its own domain", path)
		case !own[strings.ToLower(ref)]:
			p.errorAt(path, "name a listed domain that has its own certificate, or give an ACM ARN", "%s %q is not a listed domain with its own certificate", path, ref)
		default:
			d.SharesWith = ref
		}
	}
}

// sizing reads the service's size and instance type.
func (p *parser) sizing(f map[string]field) {
	s := p.st.Service
	s.CPU, s.Memory, s.InstanceType = 256, 512, defaultInstance
	s.DesiredCount = p.st.Network.Zones.Count
	if p.st.Environment == model.Dev || s.DesiredCount < 1 {
		s.DesiredCount = 1
	}
	if v := f["cpu"]; v.present() {
		if n, ok := p.integer("service.cpu", v.val, 256, 16384, "CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384"); ok {
			if slices.Contains(fargateCPU, n) {
				s.CPU = n
			} else {
				p.errorf(v.val, "CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384", "service.cpu %d is not a task size ECS offers", n)
			}
		}
	}
	if v := f["memory"]; v.present() {
		if n, ok := p.integer("service.memory", v.val, 512, 122880, "memory in MiB, from 512 to 122880"); ok {
			s.Memory = n
			if why := fargateMemory(s.CPU, n); why != "" && s.Kind == model.ECSFargate {
				p.errorf(v.val, why, "Fargate does not offer %d MiB with %d CPU units", n, s.CPU)
			}
		}
	}
	if v := f["desired_count"]; v.present() {
		if n, ok := p.integer("service.desired_count", v.val, 1, 1000, ""); ok {
			s.DesiredCount = n
		}
	}
	if v := f["instance_type"]; v.present() {
		if t, ok := p.str("service.instance_type", v.val); ok {
			switch {
			case !p.knownInstanceType("service.instance_type", v.val, t, "t4g.medium or m7g.large"):
			case s.Kind == model.ECSFargate:
				p.warnf(v.val, "remove instance_type, or set kind: ecs-ec2 or eks", "service.instance_type has no effect on Fargate")
				s.InstanceType = t
			default:
				s.InstanceType = t
			}
		}
	}
	if v := f["efs"]; v.present() {
		s.EFS, _ = p.boolean("service.efs", v.val)
	}
	p.tasksFit(f)
}

// tasksFit checks that an ecs-ec2 task fits its host: ECS places a task
// only on a container instance with its CPU and memory free, and the
// instance registers its own, less what the OS and agent keep
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html),
// so a task larger than the instance type is never placed.
func (p *parser) tasksFit(f map[string]field) {
	s := p.st.Service
	c, ok := ec2types.CapacityOf(s.InstanceType)
	if s.Kind != model.ECSEC2 || !ok {
		return
	}
	at := func(keys ...string) *yaml.Node {
		for _, k := range keys {
			if v := f[k]; v.present() {
				return v.val
			}
		}
		return nil
	}
	if s.CPU > c.VCPUs*1024 {
		p.errorf(at("cpu", "instance_type", "kind"), fmt.Sprintf("give at most %d CPU units, or an instance_type with more vCPUs", c.VCPUs*1024),
			"service.cpu %d is more than a %s has (%d vCPUs, %d CPU units): ECS would never place the task", s.CPU, s.InstanceType, c.VCPUs, c.VCPUs*1024)
	}
	if s.Memory >= c.MemoryMiB {
		p.errorf(at("memory", "instance_type", "kind"), fmt.Sprintf("give less than %d MiB (the OS and the ECS agent keep some), or an instance_type with more memory", c.MemoryMiB),
			"service.memory %d MiB does not fit a %s (%d MiB): ECS would never place the task", s.Memory, s.InstanceType, c.MemoryMiB)
	}
}

// fargateMemory returns why Fargate refuses a CPU and memory pair, or "".
// The pairs are those of the ECS task definition reference (task size).
func fargateMemory(cpu, mem int) string {
	type band struct{ lo, hi, step int }
	bands := map[int]band{
		256: {512, 2048, 0}, 512: {1024, 4096, 1024}, 1024: {2048, 8192, 1024}, 2048: {4096, 16384, 1024},
		4096: {8192, 30720, 1024}, 8192: {16384, 61440, 4096}, 16384: {32768, 122880, 8192},
	}
	b, ok := bands[cpu]
	if !ok {
		return ""
	}
	ok = mem >= b.lo && mem <= b.hi && (b.step == 0 && (mem == 512 || mem == 1024 || mem == 2048) || b.step != 0 && (mem-b.lo)%b.step == 0)
	if ok {
		return ""
	}
	if cpu == 256 {
		return "with 256 CPU units use 512, 1024 or 2048 MiB"
	}
	return fmt.Sprintf("with %d CPU units use %d to %d MiB in steps of %d", cpu, b.lo, b.hi, b.step)
}

// databaseSizing reads the instance class and storage.
func (p *parser) databaseSizing(f map[string]field) {
	d := p.st.Database
	d.InstanceClass, d.StorageGiB = "db.t4g.medium", 20
	if p.st.Environment == model.Dev {
		d.InstanceClass = "db.t4g.micro"
	}
	if v := f["instance_class"]; v.present() {
		if c, ok := p.str("database.instance_class", v.val); ok {
			if isDBInstanceClass(c) {
				d.InstanceClass = c
			} else {
				p.errorf(v.val, "write an RDS class such as db.t4g.micro or db.m7g.large", "database.instance_class %q is not an RDS instance class", c)
			}
		}
	}
	if v := f["storage"]; v.present() {
		if n, ok := p.integer("database.storage", v.val, 20, 65536, "GiB of gp3 storage, from 20 to 65536"); ok {
			d.StorageGiB = n
		}
	}
}
