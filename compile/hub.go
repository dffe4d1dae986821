package compile

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Hub-and-spoke addresses. Each VPC's resources carry its name, so the
// three VPCs' subnets, tables and ACLs never share a logical ID.
const (
	IngressVPC  model.ResourceRef = "vpc/ingress"
	EgressVPC   model.ResourceRef = "vpc/egress"
	WorkloadVPC model.ResourceRef = "vpc/workload"
	TGWAddr     model.ResourceRef = "tgw/main"
	FirewallAdr model.ResourceRef = "firewall/egress"
)

// hubVPCBits is the size of an ingress or egress VPC the compiler
// allocates: a /20 holds every subnet those VPCs need in up to eight
// zones, and leaves the rest of the private range to workloads.
const hubVPCBits = 20

// tgwASN is the Transit Gateway's private ASN, the AWS default.
const tgwASN = 64512

// hub is the state of a hub-and-spoke compile.
type hub struct {
	*compiler
	ingress, egress, workload *vpcPlan
	apigw                     bool
}

// EgressEndpoints are the interface endpoints a workload VPC without a
// way to the internet needs, by service kind: ECS pulls images from ECR
// (its layers come from S3, through the gateway endpoint), talks to its
// control plane and ships logs to CloudWatch Logs.
var EgressEndpoints = map[model.ServiceKind][]string{
	model.ECSFargate: {"ecr.api", "ecr.dkr", "ecs", "logs"},
	model.ECSEC2:     {"ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs"},
	model.EKS:        {"ec2", "ecr.api", "ecr.dkr", "eks", "eks-auth", "elasticloadbalancing", "logs", "sts"},
}

// compileHub builds the hub-and-spoke design: an ingress VPC with the
// internet-facing front end, an egress VPC with a Network Firewall in front
// of NAT, and a workload VPC with neither an internet gateway nor NAT,
// joined by a Transit Gateway whose route tables let the workload out only
// through the egress VPC and in only from the ingress VPC.
func (c *compiler) compileHub() (*model.Network, diag.List) {
	h := &hub{compiler: c, apigw: c.s.FrontEnd.Kind == spec.FrontEndAPIGateway}
	s := c.s
	acct := func(role string) string {
		if a := s.Hub.Accounts; a != nil {
			if role == model.NetworkRole {
				return a.Network
			}
			return a.Workload
		}
		return ""
	}
	h.workload = &vpcPlan{role: roleWorkload, name: "workload", addr: WorkloadVPC, cidr: s.Network.CIDR, path: "network.cidr", account: acct(model.WorkloadRole)}
	// ECR serves image layers from S3: without its gateway endpoint,
	// tasks cannot pull their images.
	h.workload.gateways, h.workload.interfaces = s.Network.Endpoints.Gateway, WorkloadEndpoints(s)
	if !slices.Contains(h.workload.gateways, "s3") {
		h.workload.gateways = append([]string{"s3"}, h.workload.gateways...)
	}
	if s.Network.VPCs.Workload.IsValid() {
		h.workload.path = "network.cidrs.workload"
	}
	h.ingress = &vpcPlan{role: roleIngress, name: "ingress", addr: IngressVPC, cidr: s.Network.VPCs.Ingress, path: "network.cidrs.ingress", account: acct(model.NetworkRole)}
	h.egress = &vpcPlan{role: roleEgress, name: "egress", addr: EgressVPC, cidr: s.Network.VPCs.Egress, path: "network.cidrs.egress", account: acct(model.NetworkRole)}
	if c.zonesOK && len(c.zones) < 2 && s.FrontEnd.Kind != spec.FrontEndNone {
		c.d.Errorf(s.Where("network.zones"), "use zones: 2 or more", "an alb needs at least two zones")
	}
	if _, ok := s.Network.Subnets[model.Public]; ok || len(s.Network.Subnets) > 0 {
		c.d.Warnf(s.Where("network.subnets"), "remove it; moat plans each VPC's subnets", "network.subnets has no effect with topology hub-and-spoke")
	}
	h.allocate()
	h.tiers()
	plans := map[*vpcPlan][]PlannedSubnet{}
	if c.zonesOK && !c.d.HasErrors() {
		for _, v := range h.vpcs() {
			plans[v] = h.plan(v)
		}
	}
	if c.d.HasErrors() {
		return nil, c.d
	}
	c.topo, c.vpcs = h, h.vpcs()
	return c.build(plans)
}

func (h *hub) vpcs() []*vpcPlan { return []*vpcPlan{h.ingress, h.egress, h.workload} }

// connect joins the VPCs with the Transit Gateway, routes each tier and
// puts the firewall in front of the egress VPC's NAT.
func (h *hub) connect() {
	h.buildTGW()
	h.buildRoutes()
	h.buildFirewall()
}

// settle pins the NLB's addresses, which the ingress ALB targets.
func (h *hub) settle() { h.checkTargets() }

// allocate gives the ingress and egress VPCs a /20 each when the spec
// names none: the first free, aligned blocks after the workload's range in
// the same private range, so no two VPCs overlap and the Transit Gateway
// can route between them.
func (h *hub) allocate() {
	s := h.s
	used := []netip.Prefix{h.workload.cidr}
	for _, v := range []*vpcPlan{h.ingress, h.egress} {
		if v.cidr.IsValid() {
			used = append(used, v.cidr)
		}
	}
	parent := netip.Prefix{}
	for _, r := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"} {
		p := netip.MustParsePrefix(r)
		if p.Contains(h.workload.cidr.Addr()) {
			parent = p
		}
	}
	for _, v := range []*vpcPlan{h.ingress, h.egress} {
		if v.cidr.IsValid() {
			continue
		}
		v.path = h.workload.path
		if !parent.IsValid() {
			h.d.Errorf(s.Where(h.workload.path), "use a private range", "cannot allocate the %s VPC next to %s", v.name, h.workload.cidr)
			continue
		}
		if p, ok := freeBlock(parent, hubVPCBits, used, h.workload.cidr); ok {
			v.cidr = p
			used = append(used, p)
		} else {
			h.d.Errorf(s.Where(h.workload.path), fmt.Sprintf("set network.cidrs.%s", v.name), "no free /%d left in %s for the %s VPC", hubVPCBits, parent, v.name)
		}
	}
	vs := h.vpcs()
	for i, a := range vs {
		for _, b := range vs[i+1:] {
			if a.cidr.IsValid() && b.cidr.IsValid() && a.cidr.Overlaps(b.cidr) {
				h.d.Errorf(s.Where(b.path), "give each VPC its own range; the Transit Gateway cannot route between overlapping VPCs",
					"the %s VPC %s overlaps the %s VPC %s", b.name, b.cidr, a.name, a.cidr)
			}
		}
	}
}

// freeBlock returns the first block of the given size in parent, at or
// after after's end, that overlaps none of used; then from parent's start.
func freeBlock(parent netip.Prefix, bits int, used []netip.Prefix, after netip.Prefix) (netip.Prefix, bool) {
	size := uint64(1) << (32 - bits)
	start := u32(parent.Addr())
	end := start + uint64(1)<<(32-parent.Bits())
	from := (u32(after.Addr()) + uint64(1)<<(32-after.Bits()) + size - 1) / size * size
	for _, lo := range []uint64{from, start} {
		for a := lo; a+size <= end; a += size {
			p := netip.PrefixFrom(addr4(uint32(a)), bits)
			if !slices.ContainsFunc(used, p.Overlaps) {
				return p, true
			}
		}
	}
	return netip.Prefix{}, false
}

// u32 widens an IPv4 address so block arithmetic cannot overflow at the
// top of the address space.
func u32(a netip.Addr) uint64 { return uint64(v4(a)) }

// tiers decides each VPC's subnet tiers, in the order they are listed.
func (h *hub) tiers() {
	h.ingress.tiers = []model.Tier{model.Public, model.Transit}
	if h.apigw {
		// API Gateway is outside the VPC and reaches in through its VPC
		// Link's interfaces in the internal subnets: the ingress VPC
		// needs no public subnet and no internet gateway.
		h.ingress.tiers = []model.Tier{model.Internal, model.Transit}
	}
	h.egress.tiers = []model.Tier{model.Public, model.Inspection, model.Transit}
	// Each zone's traffic stays on its own firewall endpoint and NAT
	// gateway, in both directions.
	h.egress.zonal = h.egress.tiers
	// The workloads live in the spoke's private subnets.
	h.app = model.Private
	h.workload.tiers = []model.Tier{model.Private, model.Transit}
	if h.s.Database != nil {
		h.workload.tiers = []model.Tier{model.Private, model.Isolated, model.Transit}
	}
	if h.s.FrontEnd.Kind == spec.FrontEndNone {
		h.ingress.tiers = []model.Tier{model.Transit}
	}
}

// plan lays out a VPC's subnets: the workload's app tier gets the room
// tasks need; Transit Gateway and firewall subnets hold a few interfaces
// each, so they take AWS's smallest subnet, as AWS recommends for them.
func (h *hub) plan(v *vpcPlan) []PlannedSubnet {
	bits := v.cidr.Bits()
	var reqs []TierRequest
	for _, t := range v.tiers {
		size := min(bits+6, MaxSubnetBits)
		switch {
		case t == model.Transit || t == model.Inspection:
			size = MaxSubnetBits
		case t == model.Private && v == h.workload:
			size = DefaultSize(bits, true)
		case t == model.Public && v == h.ingress, t == model.Internal:
			// A load balancer needs 8 free addresses in each subnet.
			size = min(bits+6, 27)
		}
		reqs = append(reqs, TierRequest{Tier: t, Size: size})
	}
	planned, ds := PlanSubnets(v.cidr, len(h.zones), reqs, nil)
	for _, d := range ds {
		h.d.Errorf(h.s.Where(v.path), "use a larger range for the "+v.name+" VPC", "the %s VPC %s: %s", v.name, v.cidr, d.Summary)
	}
	return planned
}

// attachment is the Transit Gateway attachment of a VPC.
func attachment(v *vpcPlan) model.ResourceRef { return model.JoinRef("tgw-attach", v.name) }

// buildTGW adds the Transit Gateway, one attachment per VPC (in its
// transit subnets) and a route table per attachment. Default association
// and propagation are off: each table lists exactly what it may reach.
//
//	workload table: 0.0.0.0/0 -> egress; ingress range -> ingress; egress range -> blackhole
//	ingress table:  workload range -> workload
//	egress table:   workload range -> workload
//
// So the ingress VPC reaches only the workload, never the egress VPC or
// the internet through it, and the workload's only way out is the egress
// VPC, whose own range it cannot address.
func (h *hub) buildTGW() {
	n := h.n
	n.TransitGateways = []model.TransitGateway{{Addr: TGWAddr, Account: h.ingress.account, Region: h.s.Region, ASN: tgwASN}}
	for _, v := range h.vpcs() {
		n.TGWAttachments = append(n.TGWAttachments, model.TGWAttachment{
			Addr: attachment(v), TGW: TGWAddr, Kind: model.TGWAttachVPC, VPC: v.addr,
			Subnets: slices.Clone(v.subnets[model.Transit]), ApplianceMode: v == h.egress,
			RouteTable: model.JoinRef("tgw-rtb", v.name), Account: v.account,
		})
	}
	w, in, eg := attachment(h.workload), attachment(h.ingress), attachment(h.egress)
	n.TGWRouteTables = []model.TGWRouteTable{
		{
			Addr: "tgw-rtb/ingress", TGW: TGWAddr, Associations: []model.ResourceRef{in}, Propagations: []model.ResourceRef{w},
			Routes: []model.TGWRoute{{Dest: h.workload.cidr, Attachment: w, Propagated: true}},
		},
		{
			Addr: "tgw-rtb/egress", TGW: TGWAddr, Associations: []model.ResourceRef{eg}, Propagations: []model.ResourceRef{w},
			Routes: []model.TGWRoute{{Dest: h.workload.cidr, Attachment: w, Propagated: true}},
		},
		{
			Addr: "tgw-rtb/workload", TGW: TGWAddr, Associations: []model.ResourceRef{w}, Propagations: []model.ResourceRef{in},
			Routes: []model.TGWRoute{
				{Dest: anyV4, Attachment: eg},
				{Dest: h.ingress.cidr, Attachment: in, Propagated: true},
				{Dest: h.egress.cidr, Blackhole: true},
			},
		},
	}
}

// buildRoutes adds every VPC's route tables.
func (h *hub) buildRoutes() {
	toTGW := func(p netip.Prefix) model.Route {
		return model.Route{Dest: p, TargetKind: model.TargetTGW, Target: TGWAddr}
	}
	for _, v := range h.vpcs() {
		for _, t := range v.tiers {
			zones := []string{""}
			if slices.Contains(v.zonal, t) {
				zones = h.zones
			}
			for _, z := range zones {
				rt := h.routeTable(v, t, z)
				igw := model.JoinRef("igw", v.name)
				switch {
				case v == h.workload && t == model.Private:
					// No internet gateway, no NAT: everything leaves through
					// the Transit Gateway, whose table sends it to the
					// egress VPC's firewall.
					rt.Routes = append(rt.Routes, toTGW(anyV4))
				case v == h.ingress && (t == model.Public || t == model.Internal):
					if t == model.Public {
						rt.Routes = append(rt.Routes, model.Route{Dest: anyV4, TargetKind: model.TargetIGW, Target: igw})
					}
					rt.Routes = append(rt.Routes, toTGW(h.workload.cidr))
				case v == h.egress && t == model.Transit:
					// From the workload: into this zone's firewall endpoint.
					rt.Routes = append(rt.Routes, model.Route{Dest: anyV4, TargetKind: model.TargetFirewall, Target: FirewallAdr})
				case v == h.egress && t == model.Inspection:
					// Passed by the firewall: out through this zone's NAT;
					// replies back to the workload through the TGW.
					rt.Routes = append(rt.Routes,
						model.Route{Dest: anyV4, TargetKind: model.TargetNATGateway, Target: model.JoinRef("natgw", z)},
						toTGW(h.workload.cidr))
				case v == h.egress && t == model.Public:
					// Replies NAT translated back go through the same
					// zone's firewall endpoint: a symmetric path, so the
					// stateful firewall sees both directions.
					rt.Routes = append(rt.Routes,
						model.Route{Dest: anyV4, TargetKind: model.TargetIGW, Target: igw},
						model.Route{Dest: h.workload.cidr, TargetKind: model.TargetFirewall, Target: FirewallAdr})
				}
				h.n.RouteTables = append(h.n.RouteTables, rt)
			}
		}
	}
	for _, v := range []*vpcPlan{h.ingress, h.egress} {
		if slices.Contains(v.tiers, model.Public) {
			h.n.InternetGateways = append(h.n.InternetGateways, model.InternetGateway{Addr: model.JoinRef("igw", v.name), VPC: v.addr})
		}
	}
	for i, z := range h.zones {
		h.n.NATGateways = append(h.n.NATGateways, model.NATGateway{
			Addr: model.JoinRef("natgw", z), VPC: EgressVPC, Subnet: h.egress.subnets[model.Public][i], PublicIPs: 1,
		})
	}
}

// buildFirewall adds the Network Firewall: one endpoint per zone in the
// egress VPC's firewall subnets, passing the allow-listed host names (by
// TLS SNI or HTTP Host) and ranges, dropping everything else.
func (h *hub) buildFirewall() {
	hb := h.s.Hub
	fw := model.Firewall{Addr: FirewallAdr, VPC: EgressVPC, Subnets: slices.Clone(h.egress.subnets[model.Inspection]), DefaultAction: model.FirewallDrop}
	// What it drops is an alert; every flow it sees is a flow record (the emitter's log groups).
	fw.Logs = []model.FirewallLog{{Type: "ALERT", Destination: "cloud-watch-logs", Target: "/moat/" + h.s.Name + "/firewall/alert"}, {Type: "FLOW", Destination: "cloud-watch-logs", Target: "/moat/" + h.s.Name + "/firewall/flow"}}
	for _, port := range []int{443, 80} {
		var hosts []string
		for _, d := range hb.Allow {
			if d.Port == port {
				hosts = append(hosts, d.Host)
			}
		}
		if len(hosts) > 0 {
			fw.Rules = append(fw.Rules, model.FirewallRule{Action: model.FirewallPass, Protocol: model.TCP, Ports: model.Port(port), Domains: hosts})
		}
	}
	for _, r := range hb.AllowCIDRs {
		fw.Rules = append(fw.Rules, model.FirewallRule{Action: model.FirewallPass, Protocol: model.TCP, Dest: r.CIDR, Ports: model.Port(r.Port)})
	}
	h.n.Firewalls = []model.Firewall{fw}
}

// nlbPort is the internal NLB's listener: the ingress load balancer
// reaches it across the Transit Gateway.
func (h *hub) nlbPort() int { return 80 }

// ingressLBSubnets are where the load balancer that targets the NLB lives.
func (h *hub) ingressLBSubnets() []model.ResourceRef {
	if h.apigw {
		return h.ingress.subnets[model.Internal]
	}
	return h.ingress.subnets[model.Public]
}

func (h *hub) cidrsOf(as []model.ResourceRef) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range as {
		if s, ok := h.n.Subnet(a); ok {
			out = append(out, s.CIDR)
		}
	}
	return out
}

// frontEndGroups writes the chain internet -> sg/alb (ingress) -> sg/nlb
// (workload), in front of sg/service. Groups cannot name groups across a
// Transit Gateway (nor across accounts), so the NLB admits the ingress
// load balancer's subnets by range, on its one port. It returns the group
// that may reach the service and how descriptions name it.
func (h *hub) frontEndGroups() (model.ResourceRef, string) {
	s := h.s
	fe := s.FrontEnd
	port := 0
	if s.Service != nil {
		port = s.Service.Port
	}
	if fe.Kind != spec.FrontEndNone && s.Service != nil {
		ports := listenerPorts(h.listeners(spec.FrontEndALB, h.apigw))
		var albIn, apiOut []model.SGRule
		for _, lp := range ports {
			if h.apigw {
				albIn = append(albIn, tcp(lp, groupPeer(SGAPIGW), "requests from the API Gateway VPC Link only"))
				apiOut = append(apiOut, tcp(lp, groupPeer(SGALB), fmt.Sprintf("forward requests to the internal ALB on tcp/%d", lp)))
				continue
			}
			for _, p := range fe.AllowFrom {
				what := "HTTPS"
				if lp == 80 {
					what = "HTTP"
					if len(ports) > 1 {
						what = "HTTP; the listener only redirects to HTTPS"
					}
				}
				albIn = append(albIn, tcp(lp, cidrPeer(p), fmt.Sprintf("%s from %s", what, p)))
			}
		}
		if h.apigw {
			h.groupIn(IngressVPC, SGAPIGW, "apigw", "API Gateway VPC Link interfaces: no inbound; forward to the internal ALB", nil, apiOut)
		}
		var albOut []model.SGRule
		for i, p := range h.cidrsOf(h.workload.subnets[model.Private]) {
			albOut = append(albOut, tcp(h.nlbPort(), cidrPeer(p), fmt.Sprintf("forward to the workload NLB in %s across the Transit Gateway", h.zones[i])))
		}
		desc := "The internet-facing ALB: accepts clients on its listeners and forwards to the workload NLB"
		if h.apigw {
			desc = "The internal ALB behind API Gateway: reachable only from the VPC Link; forwards to the workload NLB"
		}
		h.groupIn(IngressVPC, SGALB, "alb", desc, albIn, albOut)
		var nlbIn []model.SGRule
		for i, p := range h.cidrsOf(h.ingressLBSubnets()) {
			nlbIn = append(nlbIn, tcp(h.nlbPort(), cidrPeer(p), fmt.Sprintf("requests from the ingress ALB in %s only", h.zones[i])))
		}
		h.group(SGNLB, "nlb", "The internal NLB: reachable only from the ingress ALB subnets; forwards to the service",
			nlbIn, []model.SGRule{tcp(port, groupPeer(SGService), fmt.Sprintf("forward requests to the service on tcp/%d", port))})
	}
	if fe.Kind == spec.FrontEndNone {
		return "", "the NLB"
	}
	return SGNLB, "the NLB"
}

// serviceEgress is what the service may reach beyond its VPC: S3 through
// the gateway endpoint, and the allow-list through the egress firewall.
func (h *hub) serviceEgress() []model.SGRule {
	s := h.s
	out := []model.SGRule{tcp(443, cidrPeer(anyV4), "HTTPS to S3 through the gateway endpoint, and out through the egress firewall, which passes only the allow-list")}
	seen := map[int]bool{443: true}
	for _, d := range s.Hub.Allow {
		if !seen[d.Port] {
			seen[d.Port] = true
			out = append(out, tcp(d.Port, cidrPeer(anyV4), "HTTP to allow-listed hosts, through the egress firewall"))
		}
	}
	for _, r := range s.Hub.AllowCIDRs {
		if r.Port != 443 {
			out = append(out, tcp(r.Port, cidrPeer(r.CIDR), "to an allow-listed range, through the egress firewall"))
		}
	}
	return out
}

// WorkloadEndpoints returns the interface endpoints a workload VPC gets:
// those its service kind needs, then the spec's own, each once.
func WorkloadEndpoints(s *spec.Stack) []string {
	var out []string
	if s.Service != nil {
		out = append(out, EgressEndpoints[s.Service.Kind]...)
	}
	for _, e := range s.Network.Endpoints.Interface {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// buildFrontEnd adds the ingress load balancer (or API Gateway with its
// internal ALB) and the workload's internal NLB, whose fixed addresses
// are the ALB's targets.
func (h *hub) buildFrontEnd() {
	s := h.s
	fe := s.FrontEnd
	if s.Service == nil || fe.Kind == spec.FrontEndNone {
		return
	}
	alb := model.LoadBalancer{
		Addr: "alb", VPC: IngressVPC, Kind: model.ALB, InternetFacing: !h.apigw, Allowed: slices.Clone(fe.AllowFrom),
		Subnets: slices.Clone(h.ingressLBSubnets()), SecurityGroups: []model.ResourceRef{SGALB},
		Listeners: h.listeners(spec.FrontEndALB, h.apigw), Targets: "nlb", TargetPort: h.nlbPort(),
	}
	if h.apigw {
		alb.Allowed = nil
		h.n.LoadBalancers = append(h.n.LoadBalancers, h.apiGateway(IngressVPC, h.ingress.subnets[model.Internal], true, "alb", alb.Listeners[0].Port))
	}
	h.n.LoadBalancers = append(h.n.LoadBalancers, alb, model.LoadBalancer{
		Addr: "nlb", VPC: WorkloadVPC, Kind: model.NLB, Subnets: h.appSubnets(), SecurityGroups: []model.ResourceRef{SGNLB},
		Listeners: []model.Listener{{Port: h.nlbPort(), Protocol: "TCP"}}, Targets: ServiceAddr, TargetPort: s.Service.Port,
	})
	h.webACL(model.WAFRegional, "alb")
	if h.apigw {
		h.aliasRecords("apigw")
	} else {
		h.aliasRecords("alb")
	}
}

// rfc1918 are the ranges an ALB accepts as IP targets outside its own VPC
// (RFC 1918 and RFC 6598), from the ELB user guide's target group page.
var rfc1918 = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
}

// checkTargets fixes the NLB's addresses (the ingress ALB registers them
// as IP targets, so they must be known before deploy) and checks that the
// ALB can register them at all.
//
// Each sits at the top of its subnet: the address before the last usable
// one (AWS reserves the very last; the analyzer probes from the last
// usable, so no interface may take it). AWS documents no order in which
// it hands out addresses, so no choice is collision-proof; but the top of
// a large app subnet is far from the low addresses people pick by hand
// and from the .10, .11, ... stand-ins, and the template creates the NLB
// before the endpoints and tasks that share its subnets take addresses
// there (see cfn's fixedFirst), so in a new subnet it is still free.
func (h *hub) checkTargets() {
	for i := range h.n.ENIs {
		e := &h.n.ENIs[i]
		if e.Owner != "nlb" {
			continue
		}
		s, ok := h.n.Subnet(e.Subnet)
		if !ok {
			continue
		}
		top := standinIP(s.CIDR, 1<<(32-s.CIDR.Bits())-3)
		for _, o := range h.n.ENIs {
			if o.Subnet == e.Subnet && o.Addr != e.Addr && o.PrivateIP == top {
				top = netip.Addr{}
			}
		}
		if top.IsValid() {
			e.PrivateIP, e.Standin = top, false
			e.Description = "load balancer interface; address fixed by the template's SubnetMappings"
		}
	}
	for _, e := range h.n.ENIs {
		if e.Owner != "nlb" {
			continue
		}
		ok := e.PrivateIP.IsValid() && slices.ContainsFunc(rfc1918, func(p netip.Prefix) bool { return p.Contains(e.PrivateIP) })
		if !ok {
			h.d.Errorf(h.s.Where(h.workload.path), "use a workload range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10",
				"the NLB address %s cannot be an ALB IP target: an ALB accepts targets outside its VPC only from RFC 1918 and RFC 6598 ranges", e.PrivateIP)
		}
	}
	for i := range h.n.ENIs {
		if h.n.ENIs[i].Owner == "nlb" {
			h.n.ENIs[i].Description = "NLB interface; fixed address, registered as an IP target of the ingress ALB"
			h.n.ENIs[i].Standin = false
		}
	}
}

// buildNotes explains the hub's choices and costs.
func (h *hub) buildNotes() {
	s := h.s
	h.note(model.Advice, WorkloadVPC, "The workload VPC has no internet gateway and no NAT: AWS APIs are reached through interface endpoints (%s) and the S3 gateway endpoint; everything else leaves through the Transit Gateway and the egress firewall.",
		strings.Join(WorkloadEndpoints(s), ", "))
	if len(s.Hub.Allow)+len(s.Hub.AllowCIDRs) == 0 {
		h.note(model.Advice, FirewallAdr, "egress lists no allowed host or range: the firewall drops every flow from the workload to the internet.")
	}
	if s.FrontEnd.Kind != spec.FrontEndNone && s.Service != nil {
		h.note(model.TradeOff, "nlb", "The ALB reaches the workload NLB over plain TCP on port %d, inside the private network across the Transit Gateway; TLS ends at the %s.", h.nlbPort(), map[bool]string{true: "API Gateway and the internal ALB", false: "ALB"}[h.apigw])
		if len(s.FrontEnd.Domains) == 0 {
			if h.apigw {
				h.note(model.TradeOff, "alb", "With no domain the VPC Link reaches the internal ALB over plain HTTP on port 80. Add a domain to encrypt that hop too.")
			} else {
				h.note(model.TradeOff, "alb", "With no domain there is no certificate: the ALB serves plain HTTP on port 80. Add a domain to get HTTPS with HTTP redirected to it.")
			}
		}
	}
	if a := s.Hub.Accounts; a != nil {
		h.note(model.Advice, TGWAddr, "The ingress and egress VPCs and the Transit Gateway belong to the network account %s, the workload VPC to %s: one template per account. The network account shares the Transit Gateway with %s only, through AWS RAM, within the organization (AllowExternalPrincipals false); it accepts that account's attachment automatically, but the attachment routes nowhere until the network stack, updated with its ID, associates it.", a.Network, a.Workload, a.Workload)
	}
	h.zoneNote()
	h.databaseNote()
	h.flowLogsNote()
}
