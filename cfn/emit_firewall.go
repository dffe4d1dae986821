package cfn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// A Network Firewall's EndpointIds attribute lists "az:vpce-id" strings in
// no documented order, so picking one zone's endpoint with Fn::Select on
// that list can route a zone's traffic into another zone's endpoint, or
// break on the next update. moat emits one firewall per zone instead, each
// with a single subnet mapping: its EndpointIds holds exactly one entry,
// and Select(0) is that zone's endpoint by construction. Endpoints are
// billed per endpoint-hour either way, and every firewall uses the one
// policy, so the cost and the rules are the same as one firewall spanning
// the zones.

// firewallZoneID is the logical ID of a firewall's instance in a zone.
func (e *emitter) firewallZoneID(fw model.ResourceRef, zone string) string {
	return e.id(model.ResourceRef(string(fw) + "/" + zone))
}

// firewallEndpoint is the endpoint ID of firewall fw in the zone of the
// subnets of route table rt.
func (e *emitter) firewallEndpoint(rt, fw model.ResourceRef) Value {
	zone := ""
	if _, ok := e.n.RouteTable(rt); ok {
		for _, s := range e.n.RouteTableSubnets(rt) {
			if sn, ok := e.n.Subnet(s); ok {
				if zone != "" && sn.ZoneID != zone {
					e.errorf("route table %s: routes to firewall %s from two zones; give each zone its own table", rt, fw)
				}
				zone = sn.ZoneID
			}
		}
	}
	if zone == "" {
		e.errorf("route table %s: no subnet to pick a firewall endpoint zone by", rt)
		return String("")
	}
	// "use1-az1:vpce-0123..." -> "vpce-0123...".
	return Select(1, Split(":", Select(0, GetAtt{e.firewallZoneID(fw, zone), "EndpointIds"})))
}

// firewalls emits each Network Firewall: its rule groups, one policy in
// strict order that drops what no rule passes, a firewall per zone, and
// alert and flow logs to encrypted log groups.
func (e *emitter) firewalls() {
	for _, fw := range e.n.Firewalls {
		e.firewall(fw)
	}
}

func (e *emitter) firewall(fw model.Firewall) {
	id := e.id(fw.Addr)
	name := e.stack + "-" + strings.ReplaceAll(strings.TrimPrefix(string(fw.Addr), "firewall/"), "/", "-")
	home := e.homeNet(fw)
	vars := Map{{"IPSets", Map{{"HOME_NET", Map{{"Definition", List(home)}}}}}}
	strict := Map{{"RuleOrder", String("STRICT_ORDER")}}
	var refs List
	sid := 1
	for i, r := range fw.Rules {
		gid := id + "Rules" + strconv.Itoa(i+1)
		gname := fmt.Sprintf("%s-%d", name, i+1)
		source, desc, ok := e.firewallRuleSource(fw, i, r, &sid)
		if !ok {
			continue
		}
		e.addWith(gid, RuleGroup{
			RuleGroupName: String(gname), Capacity: Int(100), Description: String("moat " + e.stack + ": " + desc),
			RuleGroup: Map{{"RuleVariables", vars}, {"RulesSource", source}, {"StatefulRuleOptions", strict}},
			Tags:      e.tags(model.ResourceRef(fmt.Sprintf("%s/rules-%d", fw.Addr, i+1)), nil),
		}, Map{{"Type", String("STATEFUL")}})
		refs = append(refs, Map{{"Priority", Int((i + 1) * 10)}, {"ResourceArn", Ref{gid}}})
	}
	def := "aws:drop_established"
	if fw.DefaultAction == model.FirewallPass {
		e.errorf("firewall %s: a pass-everything default action is not supported", fw.Addr)
	}
	policy := id + "Policy"
	pol := Map{
		// Stateless rules hand everything to the stateful engine, which
		// sees flows, host names and replies.
		{"StatelessDefaultActions", Strs("aws:forward_to_sfe")},
		{"StatelessFragmentDefaultActions", Strs("aws:forward_to_sfe")},
		{"StatefulEngineOptions", strict},
		// drop_established lets TCP handshakes through so the TLS SNI or
		// HTTP Host can be read, then drops what no rule passed and logs
		// it as an alert.
		{"StatefulDefaultActions", Strs(def, "aws:alert_established")},
	}
	if len(refs) > 0 {
		pol = append(pol, Field{"StatefulRuleGroupReferences", refs})
	}
	e.add(policy, FirewallPolicy{
		FirewallPolicyName: String(name), FirewallPolicy: pol, Tags: e.tags(model.ResourceRef(string(fw.Addr)+"/policy"), nil),
		Description: String("moat " + e.stack + ": pass the allow-list in strict order, drop the rest"),
	})
	alert := e.logGroupID(fw.Addr+"/alert-logs", fw.Addr)
	flow := e.logGroupID(fw.Addr+"/flow-logs", fw.Addr)
	prod := fw.ChangeProtection
	zones, order := e.firewallZones(fw)
	for _, z := range order {
		fid := e.firewallZoneID(fw.Addr, z)
		e.add(fid, Firewall{
			FirewallName: String(name + "-" + z), FirewallPolicyArn: Ref{policy}, VpcId: e.ref(fw.VPC),
			SubnetMappings: []Value{Map{{"SubnetId", e.ref(zones[z])}}},
			// prod: a stray delete or subnet change cannot open egress.
			DeleteProtection: Bool(prod), SubnetChangeProtection: Bool(prod), FirewallPolicyChangeProtection: Bool(false),
			Description: String("moat " + e.stack + ": egress inspection in " + z),
			Tags:        e.tags(model.ResourceRef(string(fw.Addr)+"/"+z), nil),
		})
		logDest := func(kind, group string) Value {
			return Map{{"LogDestination", Map{{"logGroup", Ref{group}}}}, {"LogDestinationType", String("CloudWatchLogs")}, {"LogType", String(kind)}}
		}
		e.add(fid+"Logging", FirewallLogging{
			FirewallArn:          Ref{fid},
			LoggingConfiguration: Map{{"LogDestinationConfigs", List{logDest("ALERT", alert), logDest("FLOW", flow)}}},
		})
	}
}

// homeNet is the firewall's HOME_NET: the VPCs behind the Transit
// Gateway, in every account of the design, or its own VPC without them.
func (e *emitter) homeNet(fw model.Firewall) []Value {
	var home []Value
	for _, v := range e.all.VPCs { // in every account of the design
		if v.Addr != fw.VPC {
			home = append(home, String(v.CIDR.String()))
		}
	}
	if len(home) == 0 {
		if v, ok := e.vpcOf(fw.VPC); ok {
			home = append(home, String(v.CIDR.String()))
		}
	}
	return home
}

// firewallRuleSource is rule i's RulesSource and description: a domain
// allow-list, or a stateful rule numbered *sid. ok is false for a rule
// the template cannot express (reported).
func (e *emitter) firewallRuleSource(fw model.Firewall, i int, r model.FirewallRule, sid *int) (source Map, desc string, ok bool) {
	switch {
	case len(r.Domains) > 0:
		if r.Action != model.FirewallPass {
			e.errorf("firewall %s rule %d: only pass domain rules are supported", fw.Addr, i+1)
			return nil, "", false
		}
		target := "TLS_SNI"
		if r.Ports == model.Port(80) {
			target = "HTTP_HOST"
		}
		source = Map{{"RulesSourceList", Map{
			{"GeneratedRulesType", String("ALLOWLIST")},
			{"TargetTypes", Strs(target)},
			{"Targets", Strs(r.Domains...)},
		}}}
		desc = "pass " + strings.ToLower(strings.ReplaceAll(target, "_", " ")) + " to " + strings.Join(r.Domains, ", ")
	default:
		dest := "ANY"
		if r.Dest.IsValid() {
			dest = r.Dest.String()
		}
		port := "ANY"
		if r.Protocol != model.AllProtocols && r.Ports != model.AnyPort {
			port = r.Ports.String()
			if r.Ports.From != r.Ports.To {
				port = fmt.Sprintf("%d:%d", r.Ports.From, r.Ports.To)
			}
		}
		proto := strings.ToUpper(r.Protocol.String())
		if r.Protocol == model.AllProtocols {
			proto = "IP"
		}
		source = Map{{"StatefulRules", List{Map{
			{"Action", String(strings.ToUpper(string(r.Action)))},
			{"Header", Map{
				{"Protocol", String(proto)}, {"Source", String("$HOME_NET")}, {"SourcePort", String("ANY")},
				{"Direction", String("FORWARD")}, {"Destination", String(dest)}, {"DestinationPort", String(port)},
			}},
			{"RuleOptions", List{Map{{"Keyword", String("sid")}, {"Settings", Strs(strconv.Itoa(*sid))}}}},
		}}}}
		*sid++
		desc = fmt.Sprintf("%s %s/%s to %s", r.Action, strings.ToLower(proto), port, dest)
	}
	return source, desc, true
}

// firewallZones maps each zone to the firewall's subnet there, and lists
// the zones in order; a subnet unknown or a second one in a zone is
// reported.
func (e *emitter) firewallZones(fw model.Firewall) (map[string]model.ResourceRef, []string) {
	zones := map[string]model.ResourceRef{}
	var order []string
	for _, s := range fw.Subnets {
		sn, ok := e.n.Subnet(s)
		if !ok {
			e.errorf("firewall %s: unknown subnet %s", fw.Addr, s)
			continue
		}
		if _, dup := zones[sn.ZoneID]; dup {
			e.errorf("firewall %s: two subnets in %s", fw.Addr, sn.ZoneID)
			continue
		}
		zones[sn.ZoneID] = s
		order = append(order, sn.ZoneID)
	}
	slices.Sort(order)
	return zones, order
}
