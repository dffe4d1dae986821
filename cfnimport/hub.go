package cfnimport

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// The hub-and-spoke resources: what AWS adds to Transit Gateway route
// tables for propagations, and Network Firewall firewalls, policies and
// rule groups. AWS::RAM::ResourceShare only shares the gateway with
// another account and changes no path, so it is not read.

// hub runs after transit: propagated routes need the attachments.
func (t *tmpl) hub() {
	t.propagatedRoutes()
	t.firewalls()
}

// propagatedRoutes adds the routes a propagation installs: the attached
// VPC's ranges, towards its attachment. A static route to the same range
// wins, as in AWS, so none is added then.
func (t *tmpl) propagatedRoutes() {
	n := t.n
	for i := range n.TGWRouteTables {
		rt := &n.TGWRouteTables[i]
		for _, a := range rt.Propagations {
			j := slices.IndexFunc(n.TGWAttachments, func(x model.TGWAttachment) bool { return x.Addr == a })
			if j < 0 || n.TGWAttachments[j].Kind != model.TGWAttachVPC {
				continue
			}
			v, ok := n.VPC(n.TGWAttachments[j].VPC)
			if !ok {
				continue
			}
			for _, p := range []netip.Prefix{v.CIDR, v.IPv6CIDR} {
				static := slices.ContainsFunc(rt.Routes, func(r model.TGWRoute) bool { return r.Dest == p })
				if p.IsValid() && !static {
					rt.Routes = append(rt.Routes, model.TGWRoute{Dest: p, Attachment: a, Propagated: true})
				}
			}
		}
	}
}

// quiet evaluates n to a string without warning: for grouping, before the
// properties are read (and warned about) for real.
func (t *tmpl) quiet(n *node) string {
	v, err := t.eval(n, 0)
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return s
}

// resOf is the template resource an evaluated Ref or GetAtt names.
func (t *tmpl) resOf(addr string) *resource {
	_, id, ok := strings.Cut(addr, "/")
	if r := t.res[id]; ok && r != nil && string(r.addr) == addr {
		return r
	}
	return nil
}

// firewallAddrs maps each firewall's logical ID to the model firewall it
// is part of. Firewalls in one VPC that share a policy are one firewall
// with an endpoint per subnet: moat emits a firewall per zone so that
// each has one endpoint (cfn/emit_firewall.go), and they inspect alike.
// The group is named after its policy when the policy is called
// <Name>Policy and every member's ID starts with <Name> (moat's
// FirewallEgressPolicy, FirewallEgressUse1Az1, ...), so the address is the
// compiled one's logical ID; else after its first member.
func (t *tmpl) firewallAddrs() map[string]model.ResourceRef {
	if t.fw != nil {
		return t.fw
	}
	// Set before evaluating: a cycle through EndpointIds sees a partial map.
	t.fw = map[string]model.ResourceRef{}
	type group struct {
		policy string
		ids    []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, r := range t.order {
		if r.typ != "AWS::NetworkFirewall::Firewall" || r.skip {
			continue
		}
		pol := t.quiet(r.props.get("FirewallPolicyArn"))
		key := pol + "\x00" + t.quiet(r.props.get("VpcId"))
		if pol == "" {
			key = "\x00" + r.id // an unknown policy: a firewall on its own
		}
		g := byKey[key]
		if g == nil {
			g = &group{policy: pol}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, r.id)
	}
	used := map[model.ResourceRef]bool{}
	for _, g := range groups {
		addr := model.JoinRef("firewall", g.ids[0])
		if p := t.resOf(g.policy); p != nil {
			base, ok := strings.CutSuffix(p.id, "Policy")
			all := ok && base != "" && !slices.ContainsFunc(g.ids, func(id string) bool { return !strings.HasPrefix(id, base) })
			if a := model.JoinRef("firewall", base); all && !used[a] {
				addr = a
			}
		}
		used[addr] = true
		for _, id := range g.ids {
			t.fw[id] = addr
		}
	}
	return t.fw
}

// firewallEndpointIDs is what GetAtt Firewall.EndpointIds evaluates to:
// "zone:endpoint" for each subnet mapping, with the model firewall's
// address as the endpoint, so the Select/Split moat emits to pick a
// zone's endpoint yields the firewall, which routes then target.
func (t *tmpl) firewallEndpointIDs(r *resource) []any {
	addr := cmp.Or(t.firewallAddrs()[r.id], r.addr)
	var out []any
	for _, m := range items(r.props.get("SubnetMappings")) {
		zone := ""
		if s := t.resOf(t.quiet(m.get("SubnetId"))); s != nil && s.typ == "AWS::EC2::Subnet" {
			zone = cmp.Or(t.quiet(s.props.get("AvailabilityZoneId")), t.quiet(s.props.get("AvailabilityZone")))
		}
		out = append(out, cmp.Or(zone, "unknown")+":"+string(addr))
	}
	if len(out) == 0 {
		out = append(out, "unknown:"+string(addr))
	}
	return out
}

func items(n *node) []*node {
	if n == nil || n.kind != listNode {
		return nil
	}
	return n.items
}

// firewalls reads every firewall group with the rules of its policy.
func (t *tmpl) firewalls() {
	n := t.n
	addrs := t.firewallAddrs()
	idx := map[model.ResourceRef]int{}
	t.each("AWS::NetworkFirewall::Firewall", func(r *resource) {
		a := addrs[r.id]
		i, ok := idx[a]
		if !ok {
			fw := model.Firewall{Addr: a, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc")}
			fw.Rules, fw.DefaultAction = t.firewallPolicy(r)
			i = len(n.Firewalls)
			idx[a] = i
			n.Firewalls = append(n.Firewalls, fw)
		}
		for _, m := range items(r.props.get("SubnetMappings")) {
			s := t.refAddr(r, "SubnetMappings.SubnetId", m.get("SubnetId"), "subnet")
			if s != "" && !slices.Contains(n.Firewalls[i].Subnets, s) {
				n.Firewalls[i].Subnets = append(n.Firewalls[i].Subnets, s)
			}
		}
	})
	t.each("AWS::NetworkFirewall::LoggingConfiguration", func(r *resource) {
		fw := t.resOf(t.quiet(r.props.get("FirewallArn")))
		if fw == nil {
			return
		}
		i, ok := idx[addrs[fw.id]]
		if !ok {
			return
		}
		for _, c := range items(r.props.get("LoggingConfiguration").get("LogDestinationConfigs")) {
			l := t.firewallLog(r, c)
			if l.Type != "" && !slices.Contains(n.Firewalls[i].Logs, l) {
				n.Firewalls[i].Logs = append(n.Firewalls[i].Logs, l)
			}
		}
	})
}

// firewallLog reads one log destination: a CloudWatch Logs group (by
// name, through a Ref to a log group in the template too), an S3 bucket
// and prefix, or a Firehose delivery stream.
func (t *tmpl) firewallLog(r *resource, c *node) model.FirewallLog {
	var l model.FirewallLog
	l.Type, _ = t.strOf(r, "LogDestinationConfigs.LogType", c.get("LogType"))
	typ, _ := t.strOf(r, "LogDestinationConfigs.LogDestinationType", c.get("LogDestinationType"))
	dest := c.get("LogDestination")
	switch typ {
	case "CloudWatchLogs":
		l.Destination = "cloud-watch-logs"
		g := dest.get("logGroup")
		if lg := t.resOf(t.quiet(g)); lg != nil && lg.typ == "AWS::Logs::LogGroup" {
			l.Target = t.quiet(lg.props.get("LogGroupName"))
		} else {
			l.Target, _ = t.strOf(r, "LogDestination.logGroup", g)
		}
	case "S3":
		l.Destination = "s3"
		b, _ := t.strOf(r, "LogDestination.bucketName", dest.get("bucketName"))
		if lb := t.resOf(b); lb != nil {
			b = cmp.Or(t.quiet(lb.props.get("BucketName")), lb.id)
		}
		if p, ok := t.strOf(r, "LogDestination.prefix", dest.get("prefix")); ok && b != "" {
			b += "/" + p
		}
		l.Target = b
	case "KinesisDataFirehose":
		l.Destination = "kinesis-data-firehose"
		l.Target, _ = t.strOf(r, "LogDestination.deliveryStream", dest.get("deliveryStream"))
	default:
		l.Destination = typ
	}
	return l
}

// firewallPolicy reads the rules and default action of a firewall's
// policy. Stateless rule groups are not read (moat's policies forward
// everything to the stateful engine); neither are managed rule groups
// or Suricata rule strings, and the warning says so.
func (t *tmpl) firewallPolicy(fw *resource) ([]model.FirewallRule, model.FirewallAction) {
	pr := t.resOf(t.quiet(fw.props.get("FirewallPolicyArn")))
	if pr == nil || pr.typ != "AWS::NetworkFirewall::FirewallPolicy" || pr.skip {
		t.r.diags.Warnf(t.rng(fw), "the analysis lets every flow through it", "firewall %s: its policy is not in the template; its rules are unknown", fw.id)
		return nil, ""
	}
	p := pr.props.get("FirewallPolicy")
	for _, a := range t.list(pr, "FirewallPolicy.StatelessDefaultActions", p.get("StatelessDefaultActions")) {
		switch a {
		case "aws:pass":
			return nil, model.FirewallPass // the stateful engine never sees a packet
		case "aws:drop":
			return nil, model.FirewallDrop
		}
	}
	if len(items(p.get("StatelessRuleGroupReferences"))) > 0 {
		t.r.diags.Warnf(t.rng(pr), "the analysis applies only the stateful rules", "policy %s: stateless rule groups are not read", pr.id)
	}
	def := model.FirewallPass
	for _, a := range t.list(pr, "FirewallPolicy.StatefulDefaultActions", p.get("StatefulDefaultActions")) {
		if a == "aws:drop_strict" || a == "aws:drop_established" {
			// drop_established lets a handshake through so the host name
			// can be read, then drops the flow: the model's unit.
			def = model.FirewallDrop
		}
	}
	refs := slices.Clone(items(p.get("StatefulRuleGroupReferences")))
	prio := func(x *node) int {
		v, ok := t.integer(pr, "StatefulRuleGroupReferences.Priority", x.get("Priority"))
		if !ok {
			return 1 << 30
		}
		return v
	}
	slices.SortStableFunc(refs, func(a, b *node) int { return cmp.Compare(prio(a), prio(b)) })
	var rules []model.FirewallRule
	for _, ref := range refs {
		arn := t.quiet(ref.get("ResourceArn"))
		g := t.resOf(arn)
		if g == nil || g.typ != "AWS::NetworkFirewall::RuleGroup" || g.skip {
			t.r.diags.Warnf(t.rng(pr), "the analysis skips its rules", "policy %s: rule group %s is not in the template (a managed group?); not read", pr.id, cmp.Or(arn, text(ref.get("ResourceArn"))))
			continue
		}
		rules = append(rules, t.ruleGroup(g)...)
	}
	if order, _ := t.strOf(pr, "FirewallPolicy.StatefulEngineOptions.RuleOrder", p.get("StatefulEngineOptions").get("RuleOrder")); order != "STRICT_ORDER" {
		// Default action order: pass rules first, then drop, then alert.
		rank := map[model.FirewallAction]int{model.FirewallPass: 0, model.FirewallDrop: 1, model.FirewallAlert: 2}
		slices.SortStableFunc(rules, func(a, b model.FirewallRule) int { return cmp.Compare(rank[a.Action], rank[b.Action]) })
	}
	return rules, def
}

// ruleGroup reads a stateful rule group: a domain list (TLS SNI on 443,
// HTTP Host on 80, as moat writes them) or 5-tuple rules.
func (t *tmpl) ruleGroup(g *resource) []model.FirewallRule {
	if typ, _ := t.str(g, "Type"); !strings.EqualFold(typ, "STATEFUL") {
		t.r.diags.Warnf(t.rng(g), "the analysis skips its rules", "rule group %s is %s; only stateful rule groups are read", g.id, cmp.Or(typ, "untyped"))
		return nil
	}
	rg := g.props.get("RuleGroup")
	vars := rg.get("RuleVariables")
	src := rg.get("RulesSource")
	var out []model.FirewallRule
	switch {
	case src.get("RulesSourceList") != nil:
		l := src.get("RulesSourceList")
		action := model.FirewallPass
		switch gen, _ := t.strOf(g, "RulesSourceList.GeneratedRulesType", l.get("GeneratedRulesType")); gen {
		case "DENYLIST", "REJECTLIST":
			action = model.FirewallDrop
		case "ALERTLIST":
			action = model.FirewallAlert
		}
		domains := t.list(g, "RulesSourceList.Targets", l.get("Targets"))
		for _, typ := range t.list(g, "RulesSourceList.TargetTypes", l.get("TargetTypes")) {
			port := map[string]int{"TLS_SNI": 443, "HTTP_HOST": 80}[typ]
			if port == 0 || len(domains) == 0 {
				continue
			}
			out = append(out, model.FirewallRule{Action: action, Protocol: model.TCP, Ports: model.Port(port), Domains: slices.Clone(domains)})
		}
	case src.get("StatefulRules") != nil:
		for _, it := range items(src.get("StatefulRules")) {
			out = append(out, t.statefulRule(g, vars, it)...)
		}
	default:
		t.r.diags.Warnf(t.rng(g), "the analysis skips its rules", "rule group %s: only domain lists and StatefulRules are read, not Suricata rule strings", g.id)
	}
	return out
}

// statefulRule reads one 5-tuple rule; a destination or port list gives
// one model rule per entry.
func (t *tmpl) statefulRule(g *resource, vars, it *node) []model.FirewallRule {
	skip := func(why string) []model.FirewallRule {
		t.r.diags.Warnf(t.rng(g), "the analysis skips the rule", "rule group %s: %s", g.id, why)
		return nil
	}
	act, _ := t.strOf(g, "StatefulRules.Action", it.get("Action"))
	action, ok := map[string]model.FirewallAction{"PASS": model.FirewallPass, "DROP": model.FirewallDrop, "REJECT": model.FirewallDrop, "ALERT": model.FirewallAlert}[strings.ToUpper(act)]
	if !ok {
		return skip("unknown action " + strconv.Quote(act))
	}
	h := it.get("Header")
	ps, _ := t.strOf(g, "StatefulRules.Header.Protocol", h.get("Protocol"))
	proto, ok := fwProtocol(ps)
	if !ok {
		return skip("protocol " + strconv.Quote(ps) + " is not read")
	}
	ds, _ := t.strOf(g, "StatefulRules.Header.Destination", h.get("Destination"))
	dests, ok := fwList(ds, vars.get("IPSets"), func(s string) (netip.Prefix, bool) {
		if p, err := netip.ParsePrefix(s); err == nil {
			return p.Masked(), true
		}
		a, err := netip.ParseAddr(s)
		return netip.PrefixFrom(a, a.BitLen()), err == nil
	}, t, g)
	if !ok {
		return skip("destination " + strconv.Quote(ds) + " is not read")
	}
	pstr, _ := t.strOf(g, "StatefulRules.Header.DestinationPort", h.get("DestinationPort"))
	ports, ok := fwList(pstr, vars.get("PortSets"), func(s string) (model.PortRange, bool) {
		lo, hi, rng := strings.Cut(s, ":")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if rng {
			b, err2 = strconv.Atoi(hi)
		}
		return model.PortRange{From: a, To: b}, err1 == nil && err2 == nil && a >= 0 && b <= 65535 && a <= b
	}, t, g)
	if !ok {
		return skip("destination port " + strconv.Quote(pstr) + " is not read")
	}
	var out []model.FirewallRule
	for _, d := range dests {
		for _, p := range ports {
			if proto == model.AllProtocols || p == (model.PortRange{}) {
				p = model.AnyPort
			}
			out = append(out, model.FirewallRule{Action: action, Protocol: proto, Dest: d, Ports: p})
		}
	}
	return out
}

// fwProtocol maps a stateful rule's protocol to the model's: IP is any,
// and application protocols ride on TCP or UDP.
func fwProtocol(s string) (model.Protocol, bool) {
	switch strings.ToUpper(s) {
	case "IP":
		return model.AllProtocols, true
	case "TCP", "HTTP", "TLS", "HTTP2", "SSH", "FTP", "SMTP", "IMAP", "SMB", "DCERPC", "MSN", "IKEV2", "KRB5":
		return model.TCP, true
	case "UDP", "DNS", "NTP", "DHCP", "TFTP":
		return model.UDP, true
	case "ICMP":
		return model.ICMP, true
	}
	return 0, false
}

// fwList reads a Suricata address or port field: ANY (the zero value),
// one entry, a [a,b] list or a $VARIABLE from the rule group's variables
// (IPSets or PortSets). Negations are not read.
func fwList[T any](s string, sets *node, parse func(string) (T, bool), t *tmpl, g *resource) ([]T, bool) {
	var zero T
	s = strings.TrimSpace(s)
	switch {
	case s == "" || strings.EqualFold(s, "any") || s == "$EXTERNAL_NET":
		// EXTERNAL_NET is everything outside HOME_NET: for traffic leaving
		// through the firewall, anywhere.
		return []T{zero}, true
	case strings.HasPrefix(s, "!"):
		return nil, false
	case strings.HasPrefix(s, "$"):
		def := sets.get(s[1:]).get("Definition")
		if def == nil {
			return nil, false
		}
		var out []T
		for _, x := range t.list(g, "RuleVariables."+s[1:], def) {
			v, ok := parse(x)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, len(out) > 0
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		var out []T
		for _, x := range strings.Split(s[1:len(s)-1], ",") {
			l, ok := fwList(x, sets, parse, t, g)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, len(out) > 0
	}
	v, ok := parse(s)
	if !ok {
		return nil, false
	}
	return []T{v}, true
}
