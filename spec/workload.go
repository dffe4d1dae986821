package spec

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/region"
	"go.yaml.in/yaml/v4"
)

var (
	serviceKeys   = []string{"name", "port", "kind", "cpu", "memory", "desired_count", "instance_type", "efs"}
	serviceKinds  = []string{string(model.ECSFargate), string(model.ECSEC2), string(model.EKS)}
	databaseKeys  = []string{"engine", "port", "instance_class", "storage"}
	engines       = []string{"postgres", "mysql", "mariadb"}
	frontendKeys  = []string{"kind", "internet_facing", "allow_from", "domains", "cdn", "waf", "hosted_zone", "alias_records", "api"}
	frontendKinds = []string{string(FrontEndALB), string(FrontEndNLB), string(FrontEndAPIGateway), string(FrontEndNone)}
	domainKeys    = []string{"name", "certificate"}
	bastionKeys   = []string{"mode", "allow_from"}
	bastionModes  = []string{string(model.BastionSSH), string(model.BastionSSM)}
	anyIPv4       = netip.MustParsePrefix("0.0.0.0/0")
	anyIPv6       = netip.MustParsePrefix("::/0")
)

const portHint = "use a port from 1 to 65535"

// service reads the service section; absent means no service.
func (p *parser) service(sec field) {
	if !sec.present() {
		return
	}
	f, _ := p.fields("service", sec, serviceKeys)
	s := &Service{Name: "app", Kind: model.ECSFargate}
	p.st.Service = s
	if v := f["name"]; v.present() {
		if name, ok := p.str("service.name", v.val); ok {
			if validName(name) {
				s.Name = name
			} else {
				p.errorf(v.val, nameHint(name), "service.name %q is not a valid name", name)
			}
		}
	}
	if v := f["port"]; v.present() {
		s.Port, _ = p.integer("service.port", v.val, 1, 65535, portHint)
	} else if p.isMapping(sec) {
		p.errorAt("service", "add port: with the port the service listens on, e.g. port: 8080", "service.port is required")
	}
	if v := f["kind"]; v.present() {
		if k, ok := p.enum("service.kind", v.val, serviceKinds); ok {
			s.Kind = model.ServiceKind(k)
		}
	}
	p.sizing(f)
}

// database reads the database section; absent means no database.
func (p *parser) database(sec field) {
	if !sec.present() {
		return
	}
	f, _ := p.fields("database", sec, databaseKeys)
	d := &Database{}
	p.st.Database = d
	if v := f["engine"]; v.present() {
		if e, ok := p.enum("database.engine", v.val, engines); ok {
			d.Engine = e
			d.Port = DefaultPort(e)
		}
	} else if p.isMapping(sec) {
		p.errorAt("database", "add engine: postgres, mysql or mariadb", "database.engine is required")
	}
	if v := f["port"]; v.present() {
		if port, ok := p.integer("database.port", v.val, 1, 65535, portHint); ok {
			d.Port = port
		}
	}
	p.databaseSizing(f)
}

// frontend reads the front end. It runs after network and service, whose
// values its defaults depend on.
func (p *parser) frontend(sec field) {
	fe := &p.st.FrontEnd
	net := &p.st.Network
	f, _ := p.fields("frontend", sec, frontendKeys)
	fe.Kind = FrontEndNone
	if p.st.Service != nil {
		fe.Kind = FrontEndALB
	}
	if v := f["kind"]; v.present() {
		if k, ok := p.enum("frontend.kind", v.val, frontendKinds); ok {
			fe.Kind = FrontEndKind(k)
			if fe.Kind != FrontEndNone && p.st.Service == nil {
				p.errorf(v.val, "add a service: section with its port, or set kind: none", "frontend.kind %s has no service to send traffic to", k)
			}
		}
	}
	fe.InternetFacing = true
	if v := f["internet_facing"]; v.present() {
		if b, ok := p.boolean("frontend.internet_facing", v.val); ok {
			fe.InternetFacing = b
		}
	}
	if v := f["allow_from"]; v.present() {
		list := p.prefixList("frontend.allow_from", v.val)
		fe.AllowFrom = prefixes(list)
		if v.val.Kind == yaml.SequenceNode && len(v.val.Content) == 0 {
			p.errorf(v.val, "list who may connect, or remove allow_from for the default", "frontend.allow_from is empty, so nobody could reach the front end")
		}
		p.checkIPv6(list)
	} else if fe.InternetFacing {
		fe.AllowFrom = []netip.Prefix{anyIPv4}
		if net.IPv6 {
			fe.AllowFrom = append(fe.AllowFrom, anyIPv6)
		}
	} else {
		fe.AllowFrom = []netip.Prefix{net.CIDR}
	}
	if v := f["domains"]; v.present() {
		p.domains(v.val)
		if fe.Kind == FrontEndNone && len(fe.Domains) > 0 {
			hint := "set frontend.kind to alb, nlb or api-gateway, or remove domains"
			if p.st.Service == nil && !f["kind"].present() {
				hint = "add a service: section (the front end then defaults to alb), or remove domains"
			}
			p.errorAt("frontend.domains", hint, "frontend.domains needs a front end, but frontend.kind is none")
		}
	}
	p.edge(f)
	// An ALB must span two zones; one zone is fine for an NLB.
	if fe.Kind == FrontEndALB && p.zonesOK && net.Zones.Count == 1 {
		p.errorAt("network.zones", "use at least 2 zones, or set frontend.kind: nlb", "an alb needs at least two zones, but network.zones gives one")
	}
}

// domains reads the front end's host names and certificates.
func (p *parser) domains(n *yaml.Node) {
	fe := &p.st.FrontEnd
	items, _ := p.list("frontend.domains", n, "domains")
	seen := map[string]bool{}
	ids := map[string]string{}
	for i, item := range items {
		if item == nil {
			continue
		}
		ip := index("frontend.domains", i)
		if item.Kind == yaml.ScalarNode && item.ShortTag() == "!!str" {
			p.errorf(item, fmt.Sprintf("write - name: %s", item.Value), "%s must be a mapping with name:, not %s", ip, describe(item))
			continue
		}
		f, _ := p.fields(ip, field{val: item}, domainKeys)
		var d Domain
		if v := f["name"]; v.present() {
			if s, ok := p.str(ip+".name", v.val); ok {
				switch why := checkDomain(s); {
				case why != "":
					p.errorf(v.val, "write a host name such as app.example.com or *.example.com", "%s.name %q %s", ip, s, why)
				case seen[strings.ToLower(s)]:
					p.errorf(v.val, "list each domain once", "%s.name repeats %s", ip, s)
				case ids[idKey(s)] != "":
					p.errorf(v.val, idHint, "%s.name %s and %s differ only in punctuation", ip, s, ids[idKey(s)])
				default:
					seen[strings.ToLower(s)] = true
					ids[idKey(s)] = s
					d.Name = s
				}
			}
		} else if item.Kind == yaml.MappingNode {
			p.errorf(item, "add name: app.example.com", "%s.name is required", ip)
		}
		if v := f["certificate"]; v.present() {
			d.Certificate = p.certificate(ip+".certificate", v.val)
		}
		if d.Name != "" {
			fe.Domains = append(fe.Domains, d)
		}
	}
}

// certificate reads an ACM certificate ARN.
func (p *parser) certificate(path string, n *yaml.Node) string {
	s, ok := p.str(path, n)
	if !ok {
		return ""
	}
	if !strings.HasPrefix(s, "arn:") && checkDomain(s) == "" {
		// Another domain's certificate; resolved in sharedCertificates.
		return s
	}
	certRegion, ok := acmRegion(s)
	if !ok {
		p.errorf(n, fmt.Sprintf("an ACM ARN looks like arn:aws:acm:%s:123456789012:certificate/ID; omit certificate to have moat request one", p.regionOr("REGION")), "%s %q is not an ACM certificate ARN", path, s)
		return ""
	}
	if rg := p.st.Region; region.Known(rg) && certRegion != rg {
		// An error, not a warning: the listener cannot use it, so the stack
		// would fail to deploy. ACM certificates are regional:
		// https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html
		p.errorf(n, fmt.Sprintf("a load balancer can only use a certificate from its own Region; import or request it in %s", rg), "%s is in %s, not the stack's Region %s", path, certRegion, rg)
	}
	return s
}

func (p *parser) regionOr(s string) string {
	if p.st.Region != "" {
		return p.st.Region
	}
	return s
}

// bastion reads the optional jump host.
func (p *parser) bastion(sec field) {
	if !sec.present() {
		return
	}
	f, _ := p.fields("bastion", sec, bastionKeys)
	b := &Bastion{Mode: model.BastionSSM}
	p.st.Bastion = b
	allow := f["allow_from"]
	modeGiven := false
	if allow.present() {
		b.Mode = model.BastionSSH
	}
	if v := f["mode"]; v.present() {
		if m, ok := p.enum("bastion.mode", v.val, bastionModes); ok {
			b.Mode = model.BastionMode(m)
			modeGiven = true
		}
	}
	switch {
	case b.Mode == model.BastionSSM && allow.present():
		p.errorf(allow.key, "Session Manager needs no inbound port; remove allow_from, or set mode: ssh", "bastion.allow_from is not used with mode ssm")
	case b.Mode == model.BastionSSH && !allow.present():
		where := "bastion"
		if modeGiven {
			where = "bastion.mode"
		}
		p.errorAt(where, "add allow_from: with your own address, e.g. [203.0.113.7/32], or use mode: ssm, which needs no open port", "bastion mode ssh needs allow_from")
	case b.Mode == model.BastionSSH:
		list := p.prefixList("bastion.allow_from", allow.val)
		b.AllowFrom = prefixes(list)
		if allow.val.Kind == yaml.SequenceNode && len(allow.val.Content) == 0 {
			p.errorf(allow.val, "list the addresses SSH may come from, e.g. [203.0.113.7/32], or use mode: ssm", "bastion.allow_from is empty")
		}
		p.checkSSHSources(list)
		p.checkIPv6(list)
	}
}

// checkSSHSources refuses SSH from anywhere and warns about wide ranges
// (shorter than /16 for IPv4, /48 for IPv6).
func (p *parser) checkSSHSources(list []placed) {
	const hint = "allow SSH only from your own addresses, e.g. 203.0.113.7/32, or use mode: ssm, which needs no open port"
	for _, x := range list {
		switch pf := x.pf; {
		case pf.Bits() == 0:
			p.errorf(x.n, hint, "%s %s opens SSH to the whole internet", x.path, pf)
		case pf.Addr().Is4() && pf.Bits() < 16, pf.Addr().Is6() && pf.Bits() < 48:
			p.warnf(x.n, hint, "%s %s opens SSH to a wide range", x.path, pf)
		}
	}
}

// checkIPv6 warns about IPv6 sources in a VPC without IPv6: they can
// never match.
func (p *parser) checkIPv6(list []placed) {
	if p.st.Network.IPv6 {
		return
	}
	for _, x := range list {
		if x.pf.Addr().Is6() {
			p.warnf(x.n, "set network.ipv6: true, or remove the IPv6 range", "%s %s is IPv6, but network.ipv6 is false", x.path, x.pf)
		}
	}
}

// maxTags is AWS's limit of user tags per resource
// (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions),
// and moatTags how many of them moat sets itself: Name and moat:stack.
const (
	maxTags  = 50
	moatTags = 2
)

// tags reads extra tags, which reach every resource the stack creates.
// Scalar values are kept as written, so cost-center: 1234 needs no quotes.
func (p *parser) tags(sec field) {
	f, order := p.fields("tags", sec, nil)
	// Every resource carries Name and moat:stack; EKS subnets also carry
	// kubernetes.io/role/elb or internal-elb for the load balancer
	// controller.
	limit := maxTags - moatTags
	if p.st.Service != nil && p.st.Service.Kind == model.EKS {
		limit--
	}
	// Network Firewall (hub-and-spoke's egress VPC) takes tag values of up
	// to 255 characters, not 256; an ECS capacity provider (ecs-ec2 hosts)
	// takes no empty value (their CloudFormation resource schemas).
	maxValue, why := 256, "AWS allows tag values of up to 256 characters"
	if p.st.Topology == HubAndSpoke {
		maxValue, why = 255, "Network Firewall, which hub-and-spoke builds, allows tag values of up to 255 characters"
	}
	noEmpty := p.st.Service != nil && p.st.Service.Kind == model.ECSEC2
	if len(order) > limit {
		p.errorf(f[order[limit]].key, fmt.Sprintf("AWS allows %d tags per resource and moat sets %d of them itself; remove %d", maxTags, maxTags-limit, len(order)-limit),
			"tags has %d entries; at most %d fit", len(order), limit)
	}
	for _, k := range order {
		v := f[k]
		path := join("tags", k)
		switch {
		case k == "":
			p.errorf(v.key, "AWS needs a tag key of 1 to 128 characters", "tag key is empty")
			continue
		case utf8.RuneCountInString(k) > 128:
			p.errorf(v.key, "AWS allows tag keys of up to 128 characters", "tag key %s is too long", path)
			continue
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			p.errorf(v.key, "the aws: prefix is reserved for AWS; choose another key", "tag key %q uses a reserved prefix", k)
			continue
		case k == "Name":
			p.errorf(v.key, "moat names every resource itself (stack-address, e.g. shop-subnet-public-use1-az1); choose another key", "tag key Name is moat's own")
			continue
		case strings.HasPrefix(strings.ToLower(k), "moat:"):
			p.errorf(v.key, "the moat: prefix is moat's own (moat:stack); choose another key", "tag key %q uses moat's prefix", k)
			continue
		case !isTagText(k):
			p.errorf(v.key, "use letters, digits, spaces and + - = . _ : / @", "tag key %q has a character AWS does not allow in tags", k)
			continue
		case v.val.Kind == yaml.ScalarNode && strings.HasPrefix(v.val.Tag, "!") && !strings.HasPrefix(v.val.Tag, "!!"):
			p.errorf(v.val, "remove the tag; moat specs use plain values", "%s has an unsupported tag %s", path, v.val.Tag)
			continue
		case p.isNull(v.val):
			p.errorf(v.val, `write a value; use "" for an empty one`, "%s has no value", path)
			continue
		case v.val.Kind != yaml.ScalarNode:
			p.errorf(v.val, `write a text value; use "" for an empty one`, "%s must be a string, not %s", path, describe(v.val))
			continue
		case utf8.RuneCountInString(v.val.Value) > maxValue:
			p.errorf(v.val, why, "%s is too long", path)
			continue
		case v.val.Value == "" && noEmpty:
			p.errorf(v.val, "write a value: the ECS capacity provider of ecs-ec2 hosts takes no empty tag value", "%s is empty", path)
			continue
		case !isTagText(v.val.Value):
			p.errorf(v.val, "use letters, digits, spaces and + - = . _ : / @", "%s has a character AWS does not allow in tags", path)
			continue
		}
		p.st.Tags = append(p.st.Tags, model.Tag{Key: k, Value: v.val.Value})
	}
}
