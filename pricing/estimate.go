package pricing

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// HoursPerMonth is AWS's billing month: 8,760 hours a year / 12.
const HoursPerMonth = 730

// natInstanceVolumeGB is the root volume moat's template gives each NAT
// instance (cfn/emit_nat.go: gp3, 8 GB).
const natInstanceVolumeGB = 8

// freeInternetGB is the monthly data out to the internet AWS does not
// charge, shared by the whole account.
const freeInternetGB = 100

// Line is one priced (or unpriced) part of a resource's monthly cost.
type Line struct {
	Resource   model.ResourceRef `json:"resource"`
	Item       string            `json:"item"`
	Quantity   Qty               `json:"quantity"`
	Unit       string            `json:"unit"`
	UnitPrice  Rate              `json:"unit_price"`
	Monthly    Money             `json:"monthly"`
	Assumption string            `json:"assumption,omitempty"`
	Unpriced   bool              `json:"unpriced,omitempty"`
	Reason     string            `json:"reason,omitempty"` // why unpriced
	PriceKey   string            `json:"price_key"`
	Source     string            `json:"source,omitempty"`
}

// Report is a network's monthly cost.
type Report struct {
	Stack       string       `json:"stack"`
	Region      string       `json:"region"`
	PriceFile   string       `json:"price_file,omitempty"`
	Lines       []Line       `json:"lines"`
	Total       Money        `json:"total"`    // sum of the priced lines
	Unpriced    int          `json:"unpriced"` // lines not in Total
	Assumptions []Assumption `json:"assumptions"`
}

type estimator struct {
	n   *model.Network
	t   *Table
	u   Usage
	r   *Report
	ref *Table // us-east-1, read once for the units of unpriced lines
}

// Estimate prices n with table t (nil: every line unpriced) under usage u.
// It reads only the model, so it works on any network: compiled, imported,
// without an Environment, with unknown instance types.
func Estimate(n *model.Network, t *Table, u Usage) *Report {
	if n == nil {
		n = &model.Network{}
	}
	u, derived := centralEgressUsage(n, u)
	as := u.assumptionsFor(n)
	for i := range as {
		if why, ok := derived[as[i].Key]; ok {
			as[i].Meaning += " (" + why + ")"
			as[i].Default = true // not set by the user: derived from the default
		}
	}
	e := &estimator{n: n, t: t, u: u, r: &Report{Stack: n.Name, Region: n.Region, Assumptions: as}}
	if t != nil {
		e.r.PriceFile = t.File
	}
	e.nat()
	e.publicIPv4()
	e.loadBalancers()
	e.endpoints()
	e.transitGateways()
	e.firewalls()
	e.firewallNATWaiver()
	e.flowLogs()
	e.crossZone()
	e.internetOut()
	e.workloads()
	e.edge()
	e.keysAndSecrets()
	e.unread() // unread.go
	for _, l := range e.r.Lines {
		if l.Unpriced {
			e.r.Unpriced++
		} else {
			e.r.Total += l.Monthly
		}
	}
	return e.r
}

// centralEgressUsage ties the per-GB figures a design fixes to nat_gb,
// when the usage leaves them at their defaults: NAT gateways in a VPC
// that also holds a Network Firewall sit behind it, so every GB through
// NAT crosses the firewall (firewall_gb = nat_gb), and NAT gateways in a
// VPC with no workloads, attached to a Transit Gateway (an egress VPC),
// get every GB from the spokes through it (tgw_gb at least nat_gb).
// derived says why, by usage key.
func centralEgressUsage(n *model.Network, u Usage) (Usage, map[string]string) {
	def := DefaultUsage()
	derived := map[string]string{}
	natVPC := map[model.ResourceRef]bool{}
	for _, g := range n.NATGateways {
		if !g.Private {
			natVPC[g.VPC] = true
		}
	}
	if len(natVPC) == 0 {
		return u, derived
	}
	if u.FirewallGB == def.FirewallGB {
		for _, f := range n.Firewalls {
			if natVPC[f.VPC] {
				u.FirewallGB = u.NATGB
				derived["firewall_gb"] = "follows nat_gb: the firewall is on the NAT gateways' path, so every GB through NAT crosses it"
				break
			}
		}
	}
	if u.TGWGB == def.TGWGB {
		workloads := map[model.ResourceRef]bool{}
		for _, s := range n.Services {
			workloads[s.VPC] = true
		}
		for _, a := range n.TGWAttachments {
			if a.Kind == model.TGWAttachVPC && natVPC[a.VPC] && !workloads[a.VPC] {
				u.TGWGB = max(u.TGWGB, u.NATGB)
				derived["tgw_gb"] = "at least nat_gb: the NAT gateways are in an egress VPC behind the Transit Gateway, so every GB through NAT also went through it"
				break
			}
		}
	}
	return u, derived
}

// add prices q of key for resource and appends the line.
func (e *estimator) add(res model.ResourceRef, item, key string, q Qty, assumption string) {
	p := e.t.Lookup(key)
	l := Line{Resource: res, Item: item, Quantity: q, Unit: p.Unit, PriceKey: key, Assumption: assumption, Source: p.Source}
	switch {
	case !p.Priced():
		l.Unpriced, l.Reason = true, p.Unpriced
	case p.Free:
	default:
		m, ok := cost(q, p.Rate)
		if !ok {
			l.Unpriced, l.Reason = true, "the amount is too large to compute"
			break
		}
		l.UnitPrice, l.Monthly = p.Rate, m
	}
	if l.Unit == "" {
		// An unpriced figure has no unit of its own; borrow the reference
		// table's so the quantity still reads right.
		if e.ref == nil {
			e.ref, _ = Load("us-east-1")
		}
		if u := e.ref.Lookup(key).Unit; u != "" {
			l.Unit = u
		} else {
			l.Unit = unitOf(key)
		}
	}
	e.r.Lines = append(e.r.Lines, l)
}

// unitOf names the unit of a key the table does not price, so unpriced
// lines still read well.
func unitOf(key string) string {
	switch {
	case strings.HasPrefix(key, "rds/"):
		return "instance-hour"
	case strings.HasSuffix(key, "_hour"), strings.HasPrefix(key, "ec2/"):
		return "hour"
	case strings.HasSuffix(key, "_gb_month"):
		return "GB-month"
	case strings.HasSuffix(key, "_gb"):
		return "GB"
	case strings.HasSuffix(key, "_million"):
		return "million requests"
	case strings.HasSuffix(key, "_month"):
		return "month"
	}
	return "each"
}

func hours(n int) Qty { return Units(int64(n) * HoursPerMonth) }

func pluralS(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// zoneOf returns the zone of a subnet, or "".
func (e *estimator) zoneOf(s model.ResourceRef) string {
	if sub, ok := e.n.Subnet(s); ok {
		return sub.ZoneID
	}
	return ""
}

// natZones returns, for each zone with a private subnet, the NAT device
// (its address) and that device's zone ("" for a regional gateway, which
// is in every zone). Zones are in subnet order.
type natPath struct {
	zone, device, deviceZone string
}

func (e *estimator) natPaths() []natPath {
	var out []natPath
	seen := map[string]bool{}
	for _, s := range e.n.Subnets {
		if s.Tier != model.Private || seen[s.ZoneID] {
			continue
		}
		rt, _ := e.n.RouteTableOf(&s)
		if rt == nil {
			continue
		}
		var blocks []netip.Prefix
		if v, ok := e.n.VPC(s.VPC); ok {
			blocks = rules.VPCBlocks(v)
		}
		// The default route AWS would pick (rules.Preferred), not every
		// route the table lists for 0.0.0.0/0.
		for _, r := range rules.Preferred(rt.Routes, blocks) {
			if !r.Dest.IsValid() || r.Dest.Bits() != 0 || !r.Dest.Addr().Is4() {
				continue
			}
			p := natPath{zone: s.ZoneID}
			switch r.TargetKind {
			case model.TargetNATGateway:
				for _, g := range e.n.NATGateways {
					if g.Addr == r.Target {
						p.device = string(g.Addr)
						if !g.Regional {
							p.deviceZone = e.zoneOf(g.Subnet)
						} else {
							p.deviceZone = s.ZoneID
						}
					}
				}
			case model.TargetENI:
				for _, ni := range e.n.NATInstances {
					if ni.ENI == r.Target {
						p.device = string(ni.Addr)
						p.deviceZone = e.zoneOf(ni.Subnet)
					}
				}
			}
			if p.device != "" {
				seen[s.ZoneID] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// natShare returns the GB each NAT device processes: the stack's NAT
// traffic spread evenly over the zones that use NAT. With no private
// subnets to go by (an import), it is spread over the devices.
func (e *estimator) natShare() map[string]Qty {
	share := map[string]Qty{}
	paths := e.natPaths()
	if len(paths) > 0 {
		for _, p := range paths {
			share[p.device] += e.u.NATGB.div(len(paths))
		}
		return share
	}
	devices := len(e.n.NATGateways) + len(e.n.NATInstances)
	for _, g := range e.n.NATGateways {
		share[string(g.Addr)] = e.u.NATGB.div(devices)
	}
	for _, ni := range e.n.NATInstances {
		share[string(ni.Addr)] = e.u.NATGB.div(devices)
	}
	return share
}

// regionalZones is how many zones a regional NAT gateway is billed in and
// why: the zones it is configured for, or, when it expands on its own
// (an import in automatic mode), the zones of its VPC's subnets.
func (e *estimator) regionalZones(g model.NATGateway) (int, string) {
	if len(g.Zones) > 0 {
		return len(g.Zones), pluralS(len(g.Zones), "zone") + " configured"
	}
	seen := map[string]bool{}
	for _, s := range e.n.Subnets {
		if s.VPC == g.VPC && s.ZoneID != "" {
			seen[s.ZoneID] = true
		}
	}
	n := max(1, len(seen))
	return n, pluralS(n, "zone") + " assumed: automatic mode follows the workloads, taken to be in every zone of the VPC"
}

func (e *estimator) nat() {
	share := e.natShare()
	gb := fmt.Sprintf("its share of nat_gb=%s, split evenly over the zones that use NAT", e.u.NATGB)
	for _, g := range e.n.NATGateways {
		if g.Regional {
			zones, how := e.regionalZones(g)
			e.add(g.Addr, "regional NAT gateway hours", "regional_nat_gateway_hour", hours(zones),
				fmt.Sprintf("AWS bills a regional gateway by the hour in each zone it is active in: %s", how))
			e.add(g.Addr, "regional NAT gateway data processed", "regional_nat_gateway_gb", share[string(g.Addr)], gb)
			continue
		}
		e.add(g.Addr, "NAT gateway hours", "nat_gateway_hour", hours(1), "")
		e.add(g.Addr, "NAT gateway data processed", "nat_gateway_gb", share[string(g.Addr)], gb)
	}
	for _, ni := range e.n.NATInstances {
		it := ni.InstanceType
		if it == "" {
			it = "unknown type"
		}
		e.add(ni.Addr, it+" NAT instance hours", "ec2/"+ni.InstanceType, hours(1), "no per-GB NAT charge: an instance forwards traffic for its hourly price")
		e.add(ni.Addr, "gp3 root volume", "ebs_gp3_gb_month", Units(natInstanceVolumeGB), "the 8 GB gp3 volume moat's template gives each NAT instance")
	}
}

// publicIPv4 prices every public IPv4 address the design holds.
func (e *estimator) publicIPv4() {
	counted := map[model.ResourceRef]bool{}
	// Owners are counted too: an imported NAT's ENI names its owner.
	for _, g := range e.n.NATGateways {
		counted[g.ENI], counted[g.Addr] = true, true
		if g.Private {
			continue
		}
		ips, why := g.PublicIPs, fmt.Sprintf("%s held by the gateway", pluralS(g.PublicIPs, "Elastic IP"))
		if ips == 0 {
			ips, why = 1, "a public NAT gateway holds at least one Elastic IP"
		}
		e.add(g.Addr, "public IPv4 addresses", "public_ipv4_hour", hours(ips), why)
	}
	for _, ni := range e.n.NATInstances {
		counted[ni.ENI], counted[ni.Addr] = true, true
		e.add(ni.Addr, "public IPv4 addresses", "public_ipv4_hour", hours(2),
			"2 addresses: the Elastic IP on the fixed interface, and the address moat's template auto-assigns to the instance's own primary interface (AssociatePublicIpAddress) so it can boot and attach the fixed one")
	}
	for _, lb := range e.n.LoadBalancers {
		counted[lb.Addr] = true
		for _, a := range lb.ENIs {
			counted[a] = true
		}
		if !lb.InternetFacing || lb.Kind == model.APIGateway || len(lb.Subnets) == 0 {
			continue
		}
		e.add(lb.Addr, "public IPv4 addresses", "public_ipv4_hour", hours(len(lb.Subnets)),
			fmt.Sprintf("an internet-facing %s holds one public IPv4 per zone (%s)", lb.Kind, pluralS(len(lb.Subnets), "subnet")))
	}
	for _, b := range e.n.Bastions {
		// The bastion's address is its interface's (moat's template puts
		// an Elastic IP on it); count it once, under the bastion.
		counted[b.Addr] = true
		ips, has := 0, false
		for _, eni := range e.n.ENIs {
			if eni.Owner == b.Addr {
				counted[eni.Addr], has = true, true
				if eni.HasPublicIP {
					ips++
				}
			}
		}
		why := "the Elastic IP on the bastion's interface"
		if !has {
			// No interface in the model: go by the subnet.
			if sub, ok := e.n.Subnet(b.Subnet); ok && sub.Tier == model.Public {
				ips, why = 1, "the bastion sits in a public subnet with a public address"
			}
		}
		if ips > 0 {
			e.add(b.Addr, "public IPv4 address", "public_ipv4_hour", hours(ips), why)
		}
	}
	for _, eni := range e.n.ENIs {
		if !eni.HasPublicIP || counted[eni.Addr] || (!eni.Owner.IsZero() && counted[eni.Owner]) {
			continue
		}
		e.add(eni.Addr, "public IPv4 address", "public_ipv4_hour", hours(1), "an interface with a public IPv4 address")
	}
}

func (e *estimator) loadBalancers() {
	lcu := fmt.Sprintf("lb_capacity_units=%s on average, every hour", e.u.LBCapacityUnits)
	for _, lb := range e.n.LoadBalancers {
		switch lb.Kind {
		case model.ALB:
			e.add(lb.Addr, "ALB hours", "alb_hour", hours(1), "")
			e.add(lb.Addr, "ALB capacity units", "alb_lcu_hour", e.u.LBCapacityUnits.times(hours(1)), lcu)
		case model.NLB:
			e.add(lb.Addr, "NLB hours", "nlb_hour", hours(1), "")
			e.add(lb.Addr, "NLB capacity units", "nlb_lcu_hour", e.u.LBCapacityUnits.times(hours(1)), lcu)
		case model.APIGateway:
			req := fmt.Sprintf("api_requests_million=%s, first pricing tier", e.u.APIRequestsMillion)
			if e.u.APIType == "rest" {
				e.add(lb.Addr, "REST API requests", "apigw_rest_million", e.u.APIRequestsMillion, req)
				e.add(lb.Addr, "REST VPC link", "apigw_rest_vpc_link_nlb", Units(1), "a REST API's VPC link needs a Network Load Balancer, which this design does not have")
				continue
			}
			e.add(lb.Addr, "HTTP API requests", "apigw_http_million", e.u.APIRequestsMillion, req)
			e.add(lb.Addr, "HTTP API VPC link", "apigw_http_vpc_link", Units(1), "one VPC link into the private subnets")
		default:
			e.add(lb.Addr, string(lb.Kind)+" load balancer", "lb/"+string(lb.Kind), hours(1), "")
		}
	}
}

func (e *estimator) endpoints() {
	var iface []model.Endpoint
	for _, ep := range e.n.Endpoints {
		if ep.Type == model.InterfaceEndpoint {
			iface = append(iface, ep)
		}
	}
	for _, ep := range e.n.Endpoints {
		if ep.Type == model.GatewayEndpoint {
			e.add(ep.Addr, "gateway endpoint for "+ep.Service, "gateway_endpoint", Units(1), "")
			continue
		}
		zones := max(len(ep.Subnets), 1)
		e.add(ep.Addr, fmt.Sprintf("interface endpoint for %s, %s", ep.Service, pluralS(zones, "zone")), "interface_endpoint_az_hour", hours(zones), "billed per endpoint per zone per hour")
		e.add(ep.Addr, "interface endpoint data processed", "interface_endpoint_gb", e.u.InterfaceEndpointGB.div(len(iface)),
			fmt.Sprintf("interface_endpoint_gb=%s split evenly over %s", e.u.InterfaceEndpointGB, pluralS(len(iface), "interface endpoint")))
	}
}

func (e *estimator) transitGateways() {
	for _, a := range e.n.TGWAttachments {
		e.add(a.Addr, fmt.Sprintf("Transit Gateway %s attachment hours", a.Kind), "tgw_attachment_hour", hours(1), "")
	}
	for _, g := range e.n.TransitGateways {
		e.add(g.Addr, "Transit Gateway data processed", "tgw_gb", e.u.TGWGB.div(len(e.n.TransitGateways)), fmt.Sprintf("tgw_gb=%s", e.u.TGWGB))
	}
}

func (e *estimator) firewalls() {
	for _, f := range e.n.Firewalls {
		zones := max(len(f.Subnets), 1)
		e.add(f.Addr, fmt.Sprintf("Network Firewall endpoints, %s", pluralS(zones, "zone")), "network_firewall_endpoint_hour", hours(zones), "one endpoint per zone")
		e.add(f.Addr, "Network Firewall data processed", "network_firewall_gb", e.u.FirewallGB.div(len(e.n.Firewalls)), fmt.Sprintf("firewall_gb=%s", e.u.FirewallGB))
	}
}

// firewallNATWaiver credits what AWS does not charge: NAT gateway hours
// and GB processed are waived one for one against the Network Firewall
// endpoint hours and GB processed in the same account. One credit line
// per account for hours and one for GB, at the NAT gateway's own rates;
// the rule's source is the table's nat_gateway_waived_with_firewall entry.
// Regional NAT gateways are not credited: the sources name only the
// standard gateway.
func (e *estimator) firewallNATWaiver() {
	rule := e.t.Lookup(waiverKey)
	if !rule.Priced() || len(e.n.Firewalls) == 0 {
		return
	}
	account := func(vpc model.ResourceRef) string {
		if v, ok := e.n.VPC(vpc); ok {
			return v.Account
		}
		return ""
	}
	type pool struct{ natH, fwH, natGB, fwGB Qty }
	pools := map[string]*pool{}
	var accounts []string
	at := func(a string) *pool {
		if pools[a] == nil {
			pools[a] = &pool{}
			accounts = append(accounts, a)
		}
		return pools[a]
	}
	vpcOf := map[model.ResourceRef]model.ResourceRef{} // NAT gateway or firewall -> its VPC
	for _, g := range e.n.NATGateways {
		if !g.Regional {
			vpcOf[g.Addr] = g.VPC
		}
	}
	for _, f := range e.n.Firewalls {
		vpcOf[f.Addr] = f.VPC
	}
	for _, l := range e.r.Lines {
		vpc, ok := vpcOf[l.Resource]
		if l.Unpriced || !ok {
			continue
		}
		p := at(account(vpc))
		switch l.PriceKey {
		case "nat_gateway_hour":
			p.natH += l.Quantity
		case "nat_gateway_gb":
			p.natGB += l.Quantity
		case "network_firewall_endpoint_hour":
			p.fwH += l.Quantity
		case "network_firewall_gb":
			p.fwGB += l.Quantity
		}
	}
	for _, a := range accounts {
		p := pools[a]
		res := model.ResourceRef("discount/firewall-nat")
		if a != "" && len(accounts) > 1 {
			res += model.ResourceRef("/" + a)
		}
		e.credit(res, "NAT gateway hours waived with Network Firewall", "nat_gateway_hour", min(p.natH, p.fwH), rule.Source,
			fmt.Sprintf("AWS waives NAT gateway hours one for one against Network Firewall endpoint hours in the same account: %s NAT gateway hours, %s endpoint hours", p.natH, p.fwH))
		e.credit(res, "NAT gateway data processing waived with Network Firewall", "nat_gateway_gb", min(p.natGB, p.fwGB), rule.Source,
			fmt.Sprintf("AWS waives NAT gateway GB one for one against the GB Network Firewall processes in the same account: %s GB through NAT gateways, %s GB through the firewall", p.natGB, p.fwGB))
	}
}

// waiverKey is the price-table entry that records the NAT gateway waiver
// and its source.
const waiverKey = "nat_gateway_waived_with_firewall"

// credit appends a line that takes q of key's price off the total.
func (e *estimator) credit(res model.ResourceRef, item, key string, q Qty, source, assumption string) {
	p := e.t.Lookup(key)
	if q <= 0 || !p.Priced() || p.Free {
		return
	}
	m, ok := cost(q, p.Rate)
	if !ok {
		return
	}
	e.r.Lines = append(e.r.Lines, Line{Resource: res, Item: item, Quantity: q, Unit: p.Unit, UnitPrice: p.Rate,
		Monthly: -m, PriceKey: waiverKey, Assumption: assumption, Source: source})
}

func (e *estimator) flowLogs() {
	for _, f := range e.n.FlowLogs {
		key := "flow_logs_cwl_gb"
		if f.Destination != "" && f.Destination != "cloud-watch-logs" {
			key = "flow_logs_" + strings.ReplaceAll(f.Destination, "-", "_") + "_gb"
		}
		e.add(f.Addr, "flow-log ingestion", key, e.u.FlowLogGB.div(len(e.n.FlowLogs)),
			fmt.Sprintf("flow_log_gb=%s of records a month; storage for the retention period is not included", e.u.FlowLogGB))
	}
}

// crossZone prices traffic between zones: what a NAT in another zone
// adds, and what the application itself sends.
func (e *estimator) crossZone() {
	paths := e.natPaths()
	crossing := 0
	for _, p := range paths {
		if p.deviceZone != "" && p.deviceZone != p.zone {
			crossing++
		}
	}
	if crossing > 0 {
		gb := e.u.NATGB.div(len(paths)).times(Units(int64(crossing)))
		e.add("data-transfer/cross-zone-nat", "traffic to a NAT in another zone", "cross_az_gb", gb.times(Units(2)),
			fmt.Sprintf("%d of %d zones reach the internet through a NAT in another zone: %s GB of nat_gb crosses, billed twice (%s GB out of one zone, %s GB into the other)", crossing, len(paths), gb, gb, gb))
	}
	if len(e.n.Zones) > 1 && e.u.CrossZoneGB > 0 {
		e.add("data-transfer/cross-zone", "application traffic between zones", "cross_az_gb", e.u.CrossZoneGB.times(Units(2)),
			fmt.Sprintf("cross_zone_gb=%s, billed twice (%s GB out of one zone, %s GB into the other)", e.u.CrossZoneGB, e.u.CrossZoneGB, e.u.CrossZoneGB))
	}
}

// internetOut prices data out to the internet by tier, after the
// account-wide free allowance.
func (e *estimator) internetOut() {
	if len(e.n.InternetGateways) == 0 {
		return
	}
	if len(e.n.CDNs) > 0 {
		// The front end's data out leaves through CloudFront, whose lines
		// price internet_out_gb (edge); AWS charges nothing for data from
		// an AWS origin to CloudFront (https://aws.amazon.com/cloudfront/pricing/).
		e.add("data-transfer/internet", "data out to the internet", "internet_out_tier1_gb", 0,
			fmt.Sprintf("internet_out_gb=%s goes out through CloudFront, priced on its lines; origin to CloudFront is free", e.u.InternetOutGB))
		return
	}
	rest := e.u.InternetOutGB - Units(freeInternetGB)
	note := fmt.Sprintf("internet_out_gb=%s; the first %d GB a month are free across the whole account, assumed unused by anything else", e.u.InternetOutGB, freeInternetGB)
	if rest <= 0 {
		e.add("data-transfer/internet", "data out to the internet", "internet_out_tier1_gb", 0, note)
		return
	}
	e.tiered("data-transfer/internet", "data out to the internet, ", rest, note, []tier{
		{"internet_out_tier1_gb", Units(10 * 1024), "first 10 TB"},
		{"internet_out_tier2_gb", Units(40 * 1024), "next 40 TB"},
		{"internet_out_tier3_gb", Units(100 * 1024), "next 100 TB"},
		{"internet_out_tier4_gb", 0, "over 150 TB"},
	})
}

// tier is one step of a price that falls with volume.
type tier struct {
	key  string
	size Qty // GB in the tier; 0 = unbounded
	what string
}

// tiered bills gb over tiers in order, one line per tier it reaches;
// note goes on the first.
func (e *estimator) tiered(res model.ResourceRef, item string, gb Qty, note string, tiers []tier) {
	for i, t := range tiers {
		if gb <= 0 {
			break
		}
		q := gb
		if t.size > 0 {
			q = min(gb, t.size)
		}
		gb -= q
		n := ""
		if i == 0 {
			n = note
		}
		e.add(res, item+t.what, t.key, q, n)
	}
}

// A design fixes most of what a workload costs: how many tasks or hosts,
// their size, the database's class and storage, the bastion's type. The
// template is built from the same model, so those figures come from the
// model; a usage figure stands in only where the model has none (an
// import that does not say), or when the usage file sets it to ask "what
// if" (it differs from the default), and the line says which it is.

// designFigures lists, by usage key, what the model fixes for the
// figures a design decides (several values when several resources differ).
func designFigures(n *model.Network) map[string][]string {
	out := map[string][]string{}
	put := func(key, v string) {
		if !slices.Contains(out[key], v) {
			out[key] = append(out[key], v)
		}
	}
	for _, s := range n.Services {
		switch s.Kind {
		case model.ECSFargate, "":
			if s.DesiredCount > 0 {
				put("fargate_tasks", strconv.Itoa(s.DesiredCount))
			}
			if s.CPU > 0 {
				put("fargate_vcpu", per1024(s.CPU).String())
			}
			if s.Memory > 0 {
				put("fargate_memory_gb", per1024(s.Memory).String())
			}
		default:
			if s.DesiredCount > 0 {
				put("ec2_instances", strconv.Itoa(s.DesiredCount))
			}
			if s.InstanceType != "" {
				put("ec2_instance_type", s.InstanceType)
			}
		}
	}
	for _, d := range n.Databases {
		if d.InstanceClass != "" {
			put("db_instance_class", d.InstanceClass)
		}
		if d.StorageGiB > 0 {
			put("db_storage_gb", strconv.Itoa(d.StorageGiB))
		}
	}
	for _, b := range n.Bastions {
		if b.InstanceType != "" {
			put("bastion_instance_type", b.InstanceType)
		}
	}
	return out
}

// assumptionsFor lists the usage figures as Assumptions does, but a
// figure the design fixes, left at its default, shows the design's value:
// that is what the lines price.
func (u Usage) assumptionsFor(n *model.Network) []Assumption {
	as := u.Assumptions()
	fixed := designFigures(n)
	for i := range as {
		if v, ok := fixed[as[i].Key]; ok && as[i].Default {
			as[i].Value = strings.Join(v, ", ")
			as[i].Meaning += " (the design's, as the template builds it; set it to price another)"
		}
	}
	return as
}

// pick returns the model's figure v (when known, and the usage figure is
// left at its default) or the usage figure, and how the line explains it.
func pick[T comparable](model T, known bool, usage, def T, fromModel, fromUsage string) (T, string) {
	if known && usage == def {
		return model, fromModel
	}
	if known {
		return usage, fromUsage + " (set in the usage file; the template's is " + fmt.Sprint(model) + ")"
	}
	return usage, fromUsage
}

// per1024 turns MiB (or CPU units, 1,024 to a vCPU) into GB (or vCPU).
func per1024(n int) Qty { return Qty(int64(n) * 1_000_000 / 1024) }

func (e *estimator) workloads() {
	u, def := e.u, DefaultUsage()
	for _, s := range e.n.Services {
		switch s.Kind {
		case model.ECSFargate, "":
			tasks, th := pick(Units(int64(s.DesiredCount)), s.DesiredCount > 0, u.FargateTasks, def.FargateTasks,
				pluralS(s.DesiredCount, "task")+" (the service's DesiredCount)", "fargate_tasks="+u.FargateTasks.String())
			vcpu, vh := pick(per1024(s.CPU), s.CPU > 0, u.FargateVCPU, def.FargateVCPU,
				fmt.Sprintf("%s vCPU each (Cpu %d)", per1024(s.CPU), s.CPU), "fargate_vcpu="+u.FargateVCPU.String())
			mem, mh := pick(per1024(s.Memory), s.Memory > 0, u.FargateMemoryGB, def.FargateMemoryGB,
				fmt.Sprintf("%s GB each (Memory %d MiB)", per1024(s.Memory), s.Memory), "fargate_memory_gb="+u.FargateMemoryGB.String())
			cpuKey, gbKey, arch := "fargate_vcpu_hour", "fargate_gb_hour", "Linux/x86"
			switch s.Architecture {
			case model.ARM64:
				cpuKey, gbKey, arch = "fargate_arm_vcpu_hour", "fargate_arm_gb_hour", "Linux/ARM64"
			case "":
				arch = "Linux/x86 assumed: the architecture is not known"
			}
			e.add(s.Addr, "Fargate vCPU", cpuKey, tasks.times(vcpu).times(hours(1)), fmt.Sprintf("%s x %s, always on, %s", th, vh, arch))
			e.add(s.Addr, "Fargate memory", gbKey, tasks.times(mem).times(hours(1)), fmt.Sprintf("%s x %s, always on, %s", th, mh, arch))
		default:
			it, ih := pick(s.InstanceType, s.InstanceType != "", u.EC2InstanceType, def.EC2InstanceType,
				"the instance type the design gives the service", "ec2_instance_type="+u.EC2InstanceType)
			what := "hosts (the Auto Scaling group's DesiredCapacity)"
			if s.Kind == model.EKS {
				what = "nodes (the node group's DesiredSize)"
			}
			n, nh := pick(Units(int64(s.DesiredCount)), s.DesiredCount > 0, u.EC2Instances, def.EC2Instances,
				fmt.Sprintf("%d %s", s.DesiredCount, what), "ec2_instances="+u.EC2Instances.String())
			e.add(s.Addr, it+" instance hours ("+string(s.Kind)+")", "ec2/"+it, n.times(hours(1)),
				fmt.Sprintf("%s of %s, always on", nh, ih))
			if s.RootVolumeGiB > 0 {
				e.add(s.Addr, "gp3 root volumes", "ebs_gp3_gb_month", n.times(Units(int64(s.RootVolumeGiB))),
					fmt.Sprintf("%s x the %d GB gp3 root volume the template gives each", nh, s.RootVolumeGiB))
			}
			if s.Kind == model.EKS {
				e.add(s.Addr, "EKS cluster hours", "eks_cluster_hour", hours(1), "")
			}
		}
	}
	for _, d := range e.n.Databases {
		class, ch := pick(d.InstanceClass, d.InstanceClass != "", u.DBInstanceClass, def.DBInstanceClass,
			"the class the design gives the database", "db_instance_class="+u.DBInstanceClass)
		key, instances, az := "rds/"+d.Engine+"/"+class, 1, "Single-AZ"
		copies := 1
		if d.MultiAZ {
			// AWS lists a Multi-AZ rate of its own (not always twice the
			// Single-AZ one); without it, the primary and the standby are
			// each billed at the Single-AZ rate.
			copies = 2
			if e.t.Lookup(key + "/multi-az").Priced() {
				key, az = key+"/multi-az", "Multi-AZ rate: the primary and its standby"
			} else {
				instances, az = 2, "Multi-AZ: a primary and a standby, each at the Single-AZ rate (the table has no Multi-AZ rate)"
			}
		}
		e.add(d.Addr, fmt.Sprintf("RDS %s %s hours", d.Engine, class), key, hours(instances), az+"; "+ch)
		storageAZ := "Single-AZ"
		if d.MultiAZ {
			storageAZ = "Multi-AZ: the primary's and the standby's storage"
		}
		gb, gh := pick(Units(int64(d.StorageGiB)), d.StorageGiB > 0, u.DBStorageGB, def.DBStorageGB,
			fmt.Sprintf("%d GB (AllocatedStorage)", d.StorageGiB), "db_storage_gb="+u.DBStorageGB.String())
		e.add(d.Addr, "RDS gp3 storage", "rds_gp3_gb_month", gb.times(Units(int64(copies))),
			fmt.Sprintf("%s per copy; %s", gh, storageAZ))
	}
	for _, b := range e.n.Bastions {
		it, ih := pick(b.InstanceType, b.InstanceType != "", u.BastionInstanceType, def.BastionInstanceType,
			"the bastion's type in the template", "bastion_instance_type="+u.BastionInstanceType)
		e.add(b.Addr, it+" bastion hours", "ec2/"+it, hours(1), ih+", always on")
		if b.RootVolumeGiB > 0 {
			e.add(b.Addr, "gp3 root volume", "ebs_gp3_gb_month", Units(int64(b.RootVolumeGiB)), fmt.Sprintf("the %d GB gp3 root volume the template gives the bastion", b.RootVolumeGiB))
		}
	}
	if u.EFSGB > 0 {
		e.add("efs", "EFS Standard storage", "efs_standard_gb_month", u.EFSGB, fmt.Sprintf("efs_gb=%s", u.EFSGB))
	}
}

// cloudFrontFreeGB is the data out to the internet CloudFront does not
// charge each month (its always-free tier: 1 TB), shared by the account.
const cloudFrontFreeGB = 1024

// edge prices what sits in front of the load balancer: CloudFront data
// out and AWS WAF web ACLs and rules.
func (e *estimator) edge() {
	for _, c := range e.n.CDNs {
		note := fmt.Sprintf("internet_out_gb=%s served through CloudFront; the first %d GB a month are free across the whole account (CloudFront free tier), assumed unused by anything else", e.u.InternetOutGB, cloudFrontFreeGB)
		free := min(e.u.InternetOutGB, Units(cloudFrontFreeGB))
		e.add(c.Addr, "CloudFront data out, free tier", "cloudfront_free_tier_gb", free, note)
		// The tiers are counted after the free tier, as data out to the
		// internet is; priced for viewers in the United States, Mexico
		// and Canada, since CloudFront bills by edge location.
		e.tiered(c.Addr, "CloudFront data out, ", e.u.InternetOutGB-free, "viewers in the United States, Mexico and Canada", []tier{
			{"cloudfront_out_tier1_gb", Units(10 * 1024), "first 10 TB"},
			{"cloudfront_out_tier2_gb", Units(40 * 1024), "next 40 TB"},
			{"cloudfront_out_tier3_gb", Units(100 * 1024), "next 100 TB"},
			{"cloudfront_out_tier4_gb", Units(350 * 1024), "next 350 TB"},
			{"cloudfront_out_tier5_gb", Units(524 * 1024), "next 524 TB"},
			{"cloudfront_out_tier6_gb", Units(4 * 1024 * 1024), "next 4 PB"},
			{"cloudfront_out_tier7_gb", 0, "over 5 PB"},
		})
	}
	for _, w := range e.n.WebACLs {
		e.add(w.Addr, "WAF web ACL", "waf_web_acl_month", Units(1), "")
		rules := len(w.ManagedRuleGroups)
		if w.RateLimit > 0 {
			rules++
		}
		e.add(w.Addr, fmt.Sprintf("WAF rules (%d)", rules), "waf_rule_month", Units(int64(rules)),
			"each managed rule group and the rate-based rule count as one rule; requests inspected are not included")
	}
}

// keysAndSecrets prices the model's KMS keys, a month each in every
// account that holds a copy (Network.KeyAccounts: a per-account template
// creates its own), and the Secrets Manager
// secrets moat's template creates. An imported network holds no keys.
func (e *estimator) keysAndSecrets() {
	for _, k := range e.n.Keys {
		label, note := "KMS key for the application and access logs", "one customer managed key for the stack's log groups"
		switch {
		case slices.ContainsFunc(e.n.FlowLogs, func(f model.FlowLog) bool { return f.Key == k.Addr }):
			label, note = "KMS key for the flow-log group", "one customer managed key per flow-log group; requests are not included"
		case k.Use == model.KeyForSecrets:
			label, note = "KMS key for Kubernetes secrets", ""
		}
		copies := max(1, len(e.n.KeyAccounts(k.Addr)))
		if copies > 1 {
			label = fmt.Sprintf("%s (%d accounts)", label, copies)
			note = strings.TrimPrefix(note+"; one copy in each account whose resources use it", "; ")
		}
		e.add(k.Addr, label, "kms_key_month", Units(int64(copies)), note)
	}
	for _, d := range e.n.Databases {
		if !d.ManagedPassword {
			continue
		}
		e.add(d.Addr+"/master-secret", "Secrets Manager secret (master password)", "secrets_manager_secret_month", Units(1),
			"RDS keeps the master password in a Secrets Manager secret (ManageMasterUserPassword)")
	}
}
