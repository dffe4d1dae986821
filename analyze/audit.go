package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// SubnetClass is a subnet's tier as its routes make it, whatever its
// name or tags say.
type SubnetClass struct {
	Subnet model.ResourceRef
	ZoneID string
	Tier   model.Tier
	// Reason is the route that decides it, or why there is none.
	Reason string
	// Declared is the tier the model records (a compiled design's), or
	// empty for imports.
	Declared model.Tier
}

// Classify puts every subnet in a tier by its route table (the subnet's
// own, else the VPC's main table), as the seeds define them:
//
//   - public: a route to an internet gateway (any destination, so the
//     internet can answer and, with public IPs, connect), directly or
//     through a Network Firewall endpoint whose subnet routes to one;
//   - private: no internet gateway route, but a default route (0.0.0.0/0
//     or ::/0) to a NAT gateway, a NAT instance or appliance ENI, an
//     egress-only gateway, a Transit Gateway or a peering connection:
//     the internet, if anywhere, is reached through a translating hop;
//   - isolated: no default route at all (a blackhole default counts as
//     none); gateway endpoint routes to S3 and DynamoDB do not count.
func (ix *Index) Classify() map[model.ResourceRef]SubnetClass {
	out := make(map[model.ResourceRef]SubnetClass, len(ix.subnetsL))
	for _, s := range ix.subnetsL {
		out[s.s.Addr] = ix.classify(s)
	}
	return out
}

func (ix *Index) classify(s *subnetInfo) SubnetClass {
	c := SubnetClass{Subnet: s.s.Addr, ZoneID: s.s.ZoneID, Declared: s.s.Tier, Tier: model.Isolated}
	if s.rt == nil {
		c.Reason = "no route table: nothing leaves the VPC"
		return c
	}
	rt := s.rt.Table.Addr
	var deflt *rules.Route
	for i := range s.rt.Routes {
		r := &s.rt.Routes[i]
		switch r.Kind() {
		case model.TargetIGW:
			c.Tier, c.Reason = model.Public, fmt.Sprintf("%s: %s", rt, r.Text())
			return c
		case model.TargetFirewall:
			if fw := ix.firewallSubnetRoutesIGW(r.Target(), s.s.ZoneID); fw != "" {
				c.Tier, c.Reason = model.Public, fmt.Sprintf("%s: %s, then %s", rt, r.Text(), fw)
				return c
			}
		}
		if r.Dest.Bits() == 0 && deflt == nil && r.Kind() != model.TargetBlackhole && r.Kind() != model.TargetLocal {
			deflt = r
		}
	}
	if deflt != nil {
		c.Tier, c.Reason = model.Private, fmt.Sprintf("%s: %s", rt, deflt.Text())
		return c
	}
	c.Reason = fmt.Sprintf("%s has no default route", rt)
	return c
}

func (ix *Index) firewallSubnetRoutesIGW(target model.ResourceRef, zone string) string {
	fw := ix.firewalls[target]
	if fw == nil {
		return ""
	}
	for _, a := range fw.Subnets {
		s := ix.subnets[a]
		if s == nil || s.rt == nil {
			continue
		}
		for _, r := range s.rt.Routes {
			if r.Kind() == model.TargetIGW {
				return fmt.Sprintf("%s: %s", s.rt.Table.Addr, r.Text())
			}
		}
	}
	return ""
}

// Finding is one placement or configuration problem an audit reports.
type Finding struct {
	Rule     string            `json:"rule"`
	Resource model.ResourceRef `json:"resource"`
	Text     string            `json:"text"`
	Fix      string            `json:"fix"`
}

// AuditReport is the audit of a network.
type AuditReport struct {
	Subnets  []SubnetClass
	Exposed  []Exposed
	Findings []Finding
	// Unknown is what the input does not define that the exposure answer
	// depends on: the list is then not a proof that nothing else is open.
	Unknown []string
}

// Audit classifies every subnet, lists every interface the internet can
// reach, and checks the seeds' placement rules:
//
//   - a database needs at least two isolated subnets in different zones;
//   - Lambda functions need private subnets;
//   - proxies (SSH bastions, NAT instances) belong in public subnets;
//   - ALB IP targets must be RFC 1918 or 100.64.0.0/10 addresses;
//   - a subnet's declared tier (a compiled design's) matches its routes
//     (public, private or isolated; an internal one is not public).
func (ix *Index) Audit() AuditReport {
	exposed, unknown := ix.exposure()
	r := AuditReport{Exposed: exposed}
	for _, p := range unknown {
		for _, u := range p.Unknown {
			if !slices.Contains(r.Unknown, u) {
				r.Unknown = append(r.Unknown, u)
			}
		}
	}
	slices.Sort(r.Unknown)
	tiers := ix.Classify()
	for _, s := range ix.subnetsL {
		c := tiers[s.s.Addr]
		r.Subnets = append(r.Subnets, c)
		if tierContradicts(c.Declared, c.Tier) {
			r.Findings = append(r.Findings, Finding{Rule: "tier", Resource: c.Subnet,
				Text: fmt.Sprintf("%s is meant to be %s but its routes make it %s (%s)", c.Subnet, c.Declared, c.Tier, c.Reason),
				Fix:  fmt.Sprintf("give it the routes of a %s subnet", c.Declared)})
		}
	}
	tierOf := func(a model.ResourceRef) model.Tier { return tiers[a].Tier }
	r.Findings = append(r.Findings, ix.databaseRules(tierOf)...)
	r.Findings = append(r.Findings, ix.lambdaRules(tierOf)...)
	r.Findings = append(r.Findings, ix.proxyRules(tierOf)...)
	r.Findings = append(r.Findings, ix.targetRules()...)
	return r
}

// tierContradicts reports whether routes that make a subnet got belie the
// tier a design declared for it. A hub's transit and firewall subnets are
// defined by what they hold (a Transit Gateway attachment, firewall
// endpoints), not by a default route, so only the hub's own checks prove
// them; an internal subnet must only not be public.
func tierContradicts(declared, got model.Tier) bool {
	switch declared {
	case "", model.Transit, model.Inspection:
		return false
	case model.Internal:
		return got == model.Public
	}
	return declared != got
}

// Placement checks the seeds' placement rules for what the network
// already runs, without the exposure analysis Audit adds: Lambda
// functions in private subnets, proxies (SSH bastions, NAT instances) in
// public ones.
func (ix *Index) Placement() []Finding {
	tiers := ix.Classify()
	tierOf := func(a model.ResourceRef) model.Tier { return tiers[a].Tier }
	return append(ix.lambdaRules(tierOf), ix.proxyRules(tierOf)...)
}

func (ix *Index) databaseRules(tierOf func(model.ResourceRef) model.Tier) []Finding {
	var out []Finding
	check := func(res model.ResourceRef, subnets []model.ResourceRef) {
		zones := map[string]bool{}
		var bad []string
		for _, a := range subnets {
			if tierOf(a) == model.Isolated {
				if s := ix.subnets[a]; s != nil {
					zones[s.s.ZoneID] = true
				}
			} else {
				bad = append(bad, fmt.Sprintf("%s is %s", a, tierOf(a)))
			}
		}
		if len(zones) < 2 {
			text := fmt.Sprintf("%s has isolated subnets in %d zone(s); a database needs at least two isolated subnets in different zones", res, len(zones))
			if len(bad) > 0 {
				text += " (" + strings.Join(bad, ", ") + ")"
			}
			out = append(out, Finding{Rule: "database-placement", Resource: res, Text: text,
				Fix: "put the database's subnet group in isolated subnets (no default route) in two or more zones"})
		} else if len(bad) > 0 {
			out = append(out, Finding{Rule: "database-placement", Resource: res,
				Text: fmt.Sprintf("%s also uses subnets that are not isolated: %s", res, strings.Join(bad, ", ")),
				Fix:  "keep only isolated subnets in the database's subnet group"})
		}
	}
	for _, d := range ix.n.Databases {
		check(d.Addr, d.Subnets)
	}
	// Imported RDS interfaces: group them by VPC, as a subnet group is.
	byVPC := map[model.ResourceRef][]model.ResourceRef{}
	var order []model.ResourceRef
	for _, d := range ix.devices {
		if d.eni == nil || d.subnet == nil || !isRDS(d.eni) || ix.ownedByDatabase(d) {
			continue
		}
		v := d.subnet.s.VPC
		if _, ok := byVPC[v]; !ok {
			order = append(order, v)
		}
		if !slices.Contains(byVPC[v], d.subnet.s.Addr) {
			byVPC[v] = append(byVPC[v], d.subnet.s.Addr)
		}
	}
	for _, v := range order {
		check(model.ResourceRef("rds in "+string(v)), byVPC[v])
	}
	return out
}

func (ix *Index) ownedByDatabase(d *device) bool {
	for _, db := range ix.n.Databases {
		if d.eni.Owner == db.Addr {
			return true
		}
	}
	return false
}

func isRDS(e *model.ENI) bool {
	return strings.Contains(e.Description, "RDSNetworkInterface") || e.Type == "rds"
}

func isLambda(e *model.ENI) bool {
	return strings.HasPrefix(e.Description, "AWS Lambda VPC ENI") || e.Type == "lambda"
}

func (ix *Index) lambdaRules(tierOf func(model.ResourceRef) model.Tier) []Finding {
	var out []Finding
	for _, d := range ix.devices {
		if d.eni == nil || d.subnet == nil || !isLambda(d.eni) {
			continue
		}
		if t := tierOf(d.subnet.s.Addr); t != model.Private {
			why := "Lambda interfaces never get a public IP, so a function there cannot reach the internet"
			if t == model.Isolated {
				why = "an isolated subnet gives the function no way out"
			}
			out = append(out, Finding{Rule: "lambda-placement", Resource: d.addr,
				Text: fmt.Sprintf("%s is a Lambda interface in %s subnet %s: %s", d.addr, t, d.subnet.s.Addr, why),
				Fix:  "attach the function to private subnets, which reach the internet through NAT"})
		}
	}
	return out
}

func (ix *Index) proxyRules(tierOf func(model.ResourceRef) model.Tier) []Finding {
	var out []Finding
	bad := func(res, subnet model.ResourceRef, what string) {
		if subnet.IsZero() {
			return
		}
		if t := tierOf(subnet); t != model.Public {
			out = append(out, Finding{Rule: "proxy-placement", Resource: res,
				Text: fmt.Sprintf("%s is a %s in %s subnet %s; proxies belong in public subnets", res, what, t, subnet),
				Fix:  "move it to a public subnet, with a public or Elastic IP"})
		}
	}
	for _, b := range ix.n.Bastions {
		// A Session Manager bastion needs no inbound path: it is not a
		// proxy from the internet, and moat puts it in a private subnet.
		if b.Mode == model.BastionSSH {
			bad(b.Addr, b.Subnet, "SSH bastion")
		}
	}
	for _, ni := range ix.n.NATInstances {
		bad(ni.Addr, ni.Subnet, "NAT instance")
	}
	// Imported NAT instances: an interface with source/destination check
	// off that a default route points at.
	seen := map[*device]bool{}
	for _, s := range ix.subnetsL {
		if s.rt == nil {
			continue
		}
		for _, r := range s.rt.Routes {
			if r.Kind() != model.TargetENI || r.Dest.Bits() != 0 {
				continue
			}
			d := ix.byTarget(r.Target())
			if d == nil || d.sdc || d.natInst != nil || seen[d] || d.subnet == nil {
				continue
			}
			seen[d] = true
			bad(d.addr, d.subnet.s.Addr, "NAT instance (a default route points at it)")
		}
	}
	return out
}

var ipTargetRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

// IsIPTargetAddress reports whether a load balancer takes ip as an IP
// target: only addresses in RFC 1918 or 100.64.0.0/10 (ALB user guide,
// "Target type").
func IsIPTargetAddress(ip netip.Addr) bool {
	for _, p := range ipTargetRanges {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (ix *Index) targetRules() []Finding {
	var out []Finding
	for _, tg := range ix.n.TargetGroups {
		if tg.TargetType != model.IPTargets {
			continue
		}
		for _, t := range tg.Targets {
			if !t.IP.IsValid() || !t.IP.Is4() {
				continue
			}
			if !IsIPTargetAddress(t.IP) {
				out = append(out, Finding{Rule: "ip-target", Resource: tg.Addr,
					Text: fmt.Sprintf("%s has IP target %s, outside RFC 1918 and 100.64.0.0/10; load balancers accept IP targets only from those ranges", tg.Addr, t.IP),
					Fix:  "register the target by a private address, or as an instance"})
			}
		}
	}
	return out
}
