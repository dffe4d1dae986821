package spec

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/region"
	"go.yaml.in/yaml/v4"
)

var (
	networkKeys   = []string{"existing", "cidr", "zones", "nat", "ipv6", "endpoints", "flow_logs", "subnets", "cidrs"}
	natKeys       = []string{"mode", "instance_type", "per_zone", "notify"}
	natModes      = []string{string(NATInstance), string(NATGateway), string(NATGatewayPerZone), string(NATRegionalGateway), string(NATNone)}
	endpointKeys  = []string{"gateway", "interface"}
	flowLogKeys   = []string{"enabled", "retention_days", "traffic_type"}
	trafficTypes  = []string{"ALL", "ACCEPT", "REJECT"}
	tiers         = []string{string(model.Public), string(model.Private), string(model.Isolated)}
	subnetKeys    = []string{"size", "cidrs"}
	defaultCIDR   = netip.MustParsePrefix("10.0.0.0/16")
	defaultZones  = 3
	defaultNATEC2 = "t4g.nano"
)

// network reads the network section. zonesOK and cidrOK tell later checks
// whether the zone count and VPC CIDR can be trusted.
func (p *parser) network(sec field) {
	f, _ := p.fields("network", sec, networkKeys)
	n := &p.st.Network
	prod := p.st.Environment == model.Prod

	if p.existing(f) {
		// The VPC's CIDR and zones come from the VPC itself, once it is
		// read (package existing); moat adds no NAT to it.
		p.zones(field{})
		n.NAT = NAT{Mode: NATNone, InstanceType: defaultNATEC2}
		n.Endpoints = p.endpoints(f["endpoints"])
		n.FlowLogs = p.flowLogs(f["flow_logs"], prod)
		return
	}
	if v := f["ipv6"]; v.present() {
		n.IPv6, _ = p.boolean("network.ipv6", v.val)
	}
	n.CIDR = defaultCIDR
	cidrOK := true
	if v := f["cidr"]; v.present() {
		n.CIDR, cidrOK = p.vpcCIDR(v.val)
	}
	zonesOK := p.zones(f["zones"])
	p.zonesOK = zonesOK
	n.NAT = p.nat(f["nat"], prod)
	n.Endpoints = p.endpoints(f["endpoints"])
	n.FlowLogs = p.flowLogs(f["flow_logs"], prod)
	n.Subnets = p.subnets(f["subnets"], zonesOK, cidrOK)
	p.hubCIDRs(f["cidrs"])
}

// vpcCIDR reads the VPC's IPv4 CIDR, which must be private.
func (p *parser) vpcCIDR(n *yaml.Node) (netip.Prefix, bool) {
	pf, ok := p.subnetPrefix("network.cidr", n)
	if !pf.IsValid() {
		return pf, false
	}
	if !isPrivate(pf) {
		p.errorf(n, "use a range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) or 100.64.0.0/10, e.g. 10.0.0.0/16", "network.cidr %s is not a private range", pf)
		ok = false
	}
	return pf, ok
}

// zones reads a zone count or a list of AZ IDs. It reports whether the
// result is valid, so the subnet checks can rely on the count.
func (p *parser) zones(f field) bool {
	z := &p.st.Network.Zones
	rg := p.st.Region
	ids := region.ZoneIDs(rg)
	have := fmt.Sprintf("%s has %d AZ IDs: %s", rg, len(ids), strings.Join(ids, ", "))
	ok := true
	switch {
	case !f.present():
		// A Region with fewer than three zones gets all of them.
		z.Count = defaultZones
		if len(ids) > 0 {
			z.Count = min(defaultZones, len(ids))
		}
	case f.val.Kind == yaml.SequenceNode:
		ok = p.zoneIDs(f.val, have)
		z.Count = len(z.IDs)
	case f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!int":
		hi := len(ids)
		if hi == 0 {
			hi = 1 << 20 // unknown Region: already reported; check the sign only
		}
		hint := ""
		if len(ids) > 0 {
			hint = fmt.Sprintf("use a count from 1 to %d; %s", len(ids), have)
		}
		n, good := p.integer("network.zones", f.val, 1, hi, hint)
		z.Count, ok = n, good
	case p.isNull(f.val):
		p.errorf(f.val, "write a count such as 3 or a list of AZ IDs, or delete the key to use the default", "network.zones has no value")
		ok = false
	default:
		hint := "write a count such as 3, or a list of AZ IDs such as [use1-az1, use1-az2]"
		if f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!str" {
			hint = fmt.Sprintf("write a list in brackets, e.g. [%s], or a count such as 3", f.val.Value)
		}
		p.errorf(f.val, hint, "network.zones must be a count or a list of AZ IDs, not %s", describe(f.val))
		ok = false
	}
	if ok && z.Count == 1 && p.st.Environment == model.Prod {
		p.warnAt("network.zones", "use 2 or more zones in prod, or set environment: dev", "one zone has no redundancy: a zone outage takes the whole stack down")
	}
	return ok
}

// zoneIDs reads a list of AZ IDs, catching AZ names, which map to
// different physical zones in every account.
func (p *parser) zoneIDs(n *yaml.Node, have string) bool {
	z := &p.st.Network.Zones
	rg := p.st.Region
	items, _ := p.list("network.zones", n, "AZ IDs")
	if len(n.Content) == 0 {
		p.errorf(n, "list at least one AZ ID, or write a count such as 3", "network.zones is an empty list")
		return false
	}
	ok := true
	seen := map[string]bool{}
	for i, item := range items {
		if item == nil {
			ok = false
			continue
		}
		ip := index("network.zones", i)
		id, good := p.str(ip, item)
		switch {
		case !good:
			ok = false
			continue
		case region.LooksLikeZoneName(id):
			p.errorf(item, fmt.Sprintf("AZ names such as %s map to different data centers in each account; use AZ IDs. List yours with: aws ec2 describe-availability-zones --region %s --query 'AvailabilityZones[].[ZoneName,ZoneId]'", id, regionOf(id, rg)), "%s %q is an AZ name, not an AZ ID", ip, id)
			ok = false
		case region.Known(rg) && !region.HasZone(rg, id):
			p.errorf(item, have, "%s %q is not an AZ ID of %s", ip, id, rg)
			ok = false
		case seen[id]:
			p.errorf(item, "list each AZ ID once", "%s repeats %s", ip, id)
			ok = false
			continue
		}
		seen[id] = true
		z.IDs = append(z.IDs, id)
	}
	return ok
}

// regionOf returns the Region an AZ name belongs to ("us-east-1a" →
// "us-east-1"), falling back to the stack's Region.
func regionOf(zoneName, fallback string) string {
	if len(zoneName) > 1 && region.Known(zoneName[:len(zoneName)-1]) {
		return zoneName[:len(zoneName)-1]
	}
	return fallback
}

// nat reads the NAT choice: a mode name, or a mapping with options.
func (p *parser) nat(f field, prod bool) NAT {
	nat := NAT{Mode: NATInstance, InstanceType: defaultNATEC2, PerZone: prod}
	if !f.present() {
		return nat
	}
	if f.val.Kind == yaml.ScalarNode && !p.isNull(f.val) {
		if s, ok := p.enum("network.nat", f.val, natModes); ok {
			nat.Mode = NATMode(s)
		}
		return nat
	}
	m, _ := p.fields("network.nat", f, natKeys)
	if v := m["mode"]; v.present() {
		if s, ok := p.enum("network.nat.mode", v.val, natModes); ok {
			nat.Mode = NATMode(s)
		}
	}
	if v := m["instance_type"]; v.present() {
		if s, ok := p.str("network.nat.instance_type", v.val); ok {
			if p.knownInstanceType("network.nat.instance_type", v.val, s, "t4g.nano") {
				nat.InstanceType = s
			}
		}
	}
	if v := m["per_zone"]; v.present() {
		if b, ok := p.boolean("network.nat.per_zone", v.val); ok {
			nat.PerZone = b
		}
	}
	if v := m["notify"]; v.present() {
		if s, ok := p.str("network.nat.notify", v.val); ok {
			if isEmailAddress(s) && len(s) <= 254 {
				nat.Notify = s
			} else {
				p.errorf(v.val, "write one email address such as ops@example.com", "network.nat.notify %q is not an email address", s)
			}
		}
	}
	if nat.Mode != NATInstance {
		for _, k := range []string{"instance_type", "per_zone"} {
			if v := m[k]; v.present() {
				p.warnf(v.key, "remove it, or set mode: instance", "network.nat.%s has no effect with mode %s", k, nat.Mode)
			}
		}
	}
	return nat
}

// endpoints reads the VPC endpoints. Gateway endpoints default on: they
// are free and keep S3 and DynamoDB traffic off NAT.
func (p *parser) endpoints(sec field) Endpoints {
	e := Endpoints{Gateway: []string{"s3", "dynamodb"}}
	f, _ := p.fields("network.endpoints", sec, endpointKeys)
	if v := f["gateway"]; v.present() {
		e.Gateway = p.names("network.endpoints.gateway", v.val, func(ip, s string, n *yaml.Node) bool {
			if !slices.Contains(gatewayEndpoints, s) {
				p.errorf(n, "AWS offers gateway endpoints only for s3 and dynamodb; list other services under interface", "%s %q is not a gateway endpoint", ip, s)
				return false
			}
			return true
		})
	}
	if v := f["interface"]; v.present() {
		e.Interface = p.names("network.endpoints.interface", v.val, func(ip, s string, n *yaml.Node) bool {
			switch {
			case !isEndpointName(s):
				p.errorf(n, "write a short service name such as ecr.api or logs", "%s %q is not a service name", ip, s)
				return false
			case s == "s3" || s == "dynamodb":
				// Allowed (interface endpoints for S3 exist), but rarely wanted.
				p.warnf(n, "the gateway endpoint for "+s+" is free; an interface endpoint is billed per zone per hour", "%s %s is also available as a free gateway endpoint", ip, s)
			case !slices.Contains(knownInterfaceEndpoints, s):
				hint := "check the spelling; moat knows " + strings.Join(knownInterfaceEndpoints, ", ")
				if c, ok := closest(s, knownInterfaceEndpoints); ok {
					hint = fmt.Sprintf("did you mean %s? ", c) + hint
				}
				p.warnf(n, hint, "%s %q is not an interface endpoint moat knows", ip, s)
			}
			return true
		})
	}
	return e
}

// names reads a list of strings without repeats, keeping those check
// accepts. An empty list yields nil: the feature is off.
func (p *parser) names(path string, n *yaml.Node, check func(ip, s string, n *yaml.Node) bool) []string {
	items, _ := p.list(path, n, "names")
	var out []string
	seen := map[string]bool{}
	ids := map[string]string{}
	for i, item := range items {
		if item == nil {
			continue
		}
		ip := index(path, i)
		s, ok := p.str(ip, item)
		if !ok || !check(ip, s, item) {
			continue
		}
		if seen[s] {
			p.errorf(item, "list each name once", "%s repeats %s", ip, s)
			continue
		}
		if other, ok := ids[idKey(s)]; ok {
			p.errorf(item, idHint, "%s %s and %s differ only in punctuation", ip, s, other)
			continue
		}
		seen[s] = true
		ids[idKey(s)] = s
		out = append(out, s)
	}
	return out
}

// flowLogs reads flow_logs: true/false or a mapping with options.
func (p *parser) flowLogs(f field, prod bool) FlowLogs {
	fl := FlowLogs{Enabled: true, RetentionDays: 30, TrafficType: "ALL"}
	if prod {
		fl.RetentionDays = 365
	}
	switch {
	case !f.present():
		return fl
	case f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!bool":
		fl.Enabled, _ = p.boolean("network.flow_logs", f.val)
	case f.val.Kind == yaml.MappingNode || p.isNull(f.val):
		m, _ := p.fields("network.flow_logs", f, flowLogKeys)
		if v := m["enabled"]; v.present() {
			if b, ok := p.boolean("network.flow_logs.enabled", v.val); ok {
				fl.Enabled = b
			}
		}
		if v := m["retention_days"]; v.present() {
			if d, ok := p.integer("network.flow_logs.retention_days", v.val, 1, 3653, retentionHint(0)); ok {
				if slices.Contains(retentionDays, d) {
					fl.RetentionDays = d
				} else {
					p.errorf(v.val, retentionHint(d), "network.flow_logs.retention_days %d is not a retention CloudWatch Logs allows", d)
				}
			}
		}
		if v := m["traffic_type"]; v.present() {
			if s, ok := p.enum("network.flow_logs.traffic_type", v.val, trafficTypes); ok {
				fl.TrafficType = s
			}
		}
	default:
		p.errorf(f.val, "write true, false, or a mapping such as {enabled: true, retention_days: 365}", "network.flow_logs must be true, false or a mapping, not %s", describe(f.val))
	}
	if !fl.Enabled && prod {
		p.warnAt("network.flow_logs", "keep flow logs on in prod: they are the record of who talked to what when you investigate an incident", "flow logs are off in a prod stack")
	}
	return fl
}
