package twin

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// Roles of the hub's namespaces.
const (
	RoleTGW      = "tgw"
	RoleFirewall = "firewall"
)

// Link addresses of Transit Gateway attachments: 169.254.(40+VPC).(4*TGW)/30,
// the VPC router at .1 and the Transit Gateway at .2 (the other internal
// links use 0-39, 100-139, 150-189 and 200-239 in the third byte).
func tgwRouterIP(v, t int) netip.Addr { return linkIP(byte(40+v), byte(4*t), 1) }
func tgwSideIP(v, t int) netip.Addr   { return linkIP(byte(40+v), byte(4*t), 2) }

// maxTGWs bounds the Transit Gateways of one twin (one /30 each per VPC).
const maxTGWs = 60

// tgwState is one Transit Gateway of the twin.
type tgwState struct {
	idx int
	t   model.TransitGateway
	ns  string
	// atts are its VPC attachments the twin runs, by attachment address.
	atts map[model.ResourceRef]*tgwAtt
}

// tgwAtt is a VPC attachment: a veth between the VPC's router (link
// routerLink) and the Transit Gateway's namespace (link tgwLink).
type tgwAtt struct {
	a          model.TGWAttachment
	vs         *vpcState
	routerLink string
	tgwLink    string
	// subnet is the attachment subnet whose route table and network ACL
	// apply to what the Transit Gateway delivers into the VPC.
	subnet *subnetState
}

// fwEndpoint is one Network Firewall endpoint: a namespace with one veth
// on its subnet's bridge that forwards what it is sent back to the VPC
// router, filtered by the firewall's rules.
type fwEndpoint struct {
	fw     *model.Firewall
	ss     *subnetState
	ns     string
	ip     netip.Addr
	port   string // the router's end, on the subnet's bridge
	zoneID string
}

// hubState is the builder's record of the Transit Gateways and firewall
// endpoints it has laid out.
type hubState struct {
	tgws      []*tgwState
	tgwOf     map[model.ResourceRef]*tgwState
	endpoints []*fwEndpoint
}

func (b *builder) hub() *hubState {
	if b.hubs == nil {
		b.hubs = &hubState{tgwOf: map[model.ResourceRef]*tgwState{}}
	}
	return b.hubs
}

// buildHub adds the Transit Gateways and the Network Firewall endpoints.
// It runs after the gateways and before the interfaces, so the links
// exist in the routers' batches before any route uses them, and the
// endpoints' addresses are taken after every interface's.
func (b *builder) buildHub() {
	b.buildTGWs()
	b.buildFirewalls()
}

func (b *builder) buildTGWs() {
	h := b.hub()
	for _, t := range b.n.TransitGateways {
		var atts []model.TGWAttachment
		for _, a := range b.n.TGWAttachments {
			if a.TGW != t.Addr {
				continue
			}
			if a.Kind != model.TGWAttachVPC {
				b.warn("%s: %s attachments are not run by the twin; routes to it drop", a.Addr, a.Kind)
				continue
			}
			if b.vpcOf[a.VPC] == nil {
				b.warn("%s: %s is not in the twin; routes to it drop", a.Addr, a.VPC)
				continue
			}
			atts = append(atts, a)
		}
		if len(atts) == 0 {
			b.warn("%s has no VPC attachment the twin runs; left out", t.Addr)
			continue
		}
		if len(h.tgws) == maxTGWs {
			b.warn("%s: the twin runs at most %d Transit Gateways; left out", t.Addr, maxTGWs)
			continue
		}
		ts := &tgwState{idx: len(h.tgws), t: t, ns: b.nsFor(string(t.Addr)), atts: map[model.ResourceRef]*tgwAtt{}}
		h.tgws = append(h.tgws, ts)
		h.tgwOf[t.Addr] = ts
		ns := b.addNS(ts.ns, RoleTGW, t.Addr)
		ns.Sysctls = slices.Clone(forwarderSysctls)
		ns.IP = append(ns.IP, "link set lo up")
		for _, a := range atts {
			vs := b.vpcOf[a.VPC]
			if _, dup := ts.atts[a.Addr]; dup || slices.ContainsFunc(atts[:slices.IndexFunc(atts, func(x model.TGWAttachment) bool { return x.Addr == a.Addr })], func(x model.TGWAttachment) bool { return x.VPC == a.VPC }) {
				b.warn("%s: a second attachment of %s to %s is not run by the twin", a.Addr, a.VPC, t.Addr)
				continue
			}
			ta := &tgwAtt{a: a, vs: vs, routerLink: fmt.Sprintf("%st%d", b.lp, ts.idx), tgwLink: fmt.Sprintf("%sv%d", b.lp, vs.idx)}
			for _, sa := range a.Subnets {
				if ss := b.subnets[sa]; ss != nil && ss.vpc == vs {
					ta.subnet = ss
					break
				}
			}
			ts.atts[a.Addr] = ta
			b.link(b.routerName[vs.idx], ta.routerLink, tgwRouterIP(vs.idx, ts.idx), ts.ns, ta.tgwLink, tgwSideIP(vs.idx, ts.idx))
		}
		b.tgwTables(ts)
	}
}

// tgwTables turns the Transit Gateway's route tables into kernel tables in
// its namespace, each selected by the link its associated attachments
// arrive on (AWS routes by the attachment a packet comes in through).
// tgwInput is what rules.CompileTGWTable needs, from the network.
func (b *builder) tgwInput() rules.TGWInput {
	return rules.TGWInput{
		PrefixList: func(ref string) *model.PrefixList {
			for i, pl := range b.n.PrefixLists {
				if pl.ID == ref || pl.Name == ref || string(pl.Addr) == ref {
					return &b.n.PrefixLists[i]
				}
			}
			return nil
		},
		Attachment: func(a model.ResourceRef) *model.TGWAttachment {
			for i, x := range b.n.TGWAttachments {
				if x.Addr == a || x.ID == string(a) {
					return &b.n.TGWAttachments[i]
				}
			}
			return nil
		},
		VPCBlocks: func(a model.ResourceRef) []netip.Prefix {
			if v, ok := b.n.VPC(a); ok {
				return rules.VPCBlocks(v)
			}
			return nil
		},
	}
}

func (b *builder) tgwTables(ts *tgwState) {
	ns := b.ns(ts.ns)
	var rts []model.TGWRouteTable
	for _, rt := range b.n.TGWRouteTables {
		if rt.TGW == ts.t.Addr || (rt.TGW.IsZero() && len(b.hub().tgws) == 1) {
			rts = append(rts, rt)
		}
	}
	// Table 99: an attachment associated with no route table drops all.
	ns.IP = append(ns.IP, fmt.Sprintf("route replace blackhole default table %d", tableNone))
	var order []*tgwAtt
	for _, a := range b.n.TGWAttachments {
		if ta := ts.atts[a.Addr]; ta != nil {
			order = append(order, ta)
		}
	}
	for k, ta := range order {
		id := tableNone
		if i := slices.IndexFunc(rts, func(rt model.TGWRouteTable) bool { return rt.Addr == ta.a.RouteTable }); i >= 0 && !ta.a.RouteTable.IsZero() {
			id = tableBase + i
		} else {
			b.warn("%s is associated with no route table of %s; the twin drops what it sends", ta.a.Addr, ts.t.Addr)
		}
		ns.IP = append(ns.IP, fmt.Sprintf("rule add iif %s lookup %d pref %d", ta.tgwLink, id, 1000+k))
	}
	for i, rt := range rts {
		id := tableBase + i
		// Selection order, propagations the model records without their
		// routes included, as the analyzer compiles the table.
		c := rules.CompileTGWTable(&rt, b.tgwInput())
		for _, pl := range c.Unresolved {
			b.warn("%s: prefix list %s has no entries the twin knows; its routes are left out", rt.Addr, pl)
		}
		hasDefault := false
		seen := map[netip.Prefix]bool{}
		// One kernel route per prefix: the one AWS picks.
		for _, r := range c.Preferred() {
			dest, ok := kernelDest(seen, r.Dest, false)
			if !ok {
				continue
			}
			d := r.Dest.Masked()
			hasDefault = hasDefault || dest == "default"
			ta := ts.atts[r.Attachment]
			if ta == nil {
				for _, x := range ts.atts {
					if x.a.ID != "" && x.a.ID == string(r.Attachment) {
						ta = x
					}
				}
			}
			switch {
			case r.Blackhole:
				ns.IP = append(ns.IP, fmt.Sprintf("route replace blackhole %s table %d", dest, id))
			case ta == nil:
				b.warn("%s: %s -> %s: attachment not in the twin; the twin drops it", rt.Addr, d, r.Attachment)
				ns.IP = append(ns.IP, fmt.Sprintf("route replace blackhole %s table %d", dest, id))
			default:
				ns.IP = append(ns.IP, fmt.Sprintf("route replace %s via %s dev %s onlink table %d", dest, tgwRouterIP(ta.vs.idx, ts.idx), ta.tgwLink, id))
			}
		}
		if !hasDefault {
			ns.IP = append(ns.IP, fmt.Sprintf("route replace blackhole default table %d", id))
		}
	}
}

// tgwRouteSpec is a VPC route whose target is a Transit Gateway: to the
// VPC's attachment link.
func (b *builder) tgwRouteSpec(vs *vpcState, target model.ResourceRef) (netip.Addr, string, bool) {
	ts := b.hub().tgwOf[target]
	if ts == nil {
		for _, x := range b.hub().tgws {
			if x.t.ID != "" && x.t.ID == string(target) {
				ts = x
			}
		}
	}
	if ts == nil {
		return netip.Addr{}, "", false
	}
	for _, ta := range ts.atts {
		if ta.vs == vs {
			return tgwSideIP(vs.idx, ts.idx), ta.routerLink, true
		}
	}
	return netip.Addr{}, "", false
}

// tgwRules are the router's policy rules for what the Transit Gateways
// deliver into the VPC: routed by the attachment subnet's route table.
func (b *builder) tgwRules(vs *vpcState) []string {
	var out []string
	for _, ts := range b.hub().tgws {
		for _, ta := range ts.atts {
			if ta.vs != vs {
				continue
			}
			id := tableNone
			if ta.subnet != nil {
				id = b.tableOf(ta.subnet)
			}
			out = append(out, fmt.Sprintf("rule add iif %s lookup %d pref %d", ta.routerLink, id, 800+ts.idx))
		}
	}
	return out
}

// tgwNACLJumps applies the attachment subnet's outbound network ACL to
// what a Transit Gateway delivers into the VPC (the analyzer checks it
// there too; traffic towards the Transit Gateway meets only its source
// subnet's outbound ACL).
func (b *builder) tgwNACLJumps(vs *vpcState) string {
	var w strings.Builder
	for _, ts := range b.hub().tgws {
		for _, ta := range ts.atts {
			if ta.vs != vs || ta.subnet == nil {
				continue
			}
			if i := b.aclOf(ta.subnet); i >= 0 {
				fmt.Fprintf(&w, "\t\tiifname %q jump nacl%d_out # from %s through %s\n", ta.routerLink, i, ts.t.Addr, ta.subnet.s.Addr)
			}
		}
	}
	return w.String()
}

func (b *builder) buildFirewalls() {
	h := b.hub()
	for i := range b.n.Firewalls {
		fw := &b.n.Firewalls[i]
		for _, sa := range fw.Subnets {
			ss := b.subnets[sa]
			if ss == nil {
				b.warn("%s: subnet %s is not in the twin; its endpoint is left out", fw.Addr, sa)
				continue
			}
			ip, err := ss.alloc()
			if err != nil {
				b.warn("%s: %v; its endpoint is left out", fw.Addr, err)
				continue
			}
			zone := ss.s.ZoneID
			if zone == "" {
				zone = fmt.Sprint(ss.idx)
			}
			ep := &fwEndpoint{fw: fw, ss: ss, ns: b.nsFor(string(fw.Addr) + "/" + zone), ip: ip, port: fmt.Sprintf("%sf%d", b.lp, len(h.endpoints)), zoneID: ss.s.ZoneID}
			h.endpoints = append(h.endpoints, ep)
			ns := b.addNS(ep.ns, RoleFirewall, fw.Addr)
			ns.Sysctls = append(slices.Clone(forwarderSysctls), Sysctl{Key: "net/ipv4/conf/" + b.lp + "e/send_redirects", Value: "0"})
			router := b.routerName[ss.vpc.idx]
			b.p.Veths = append(b.p.Veths, Veth{NS: router, Name: ep.port, PeerNS: ep.ns, PeerName: b.lp + "e"})
			rn := b.ns(router)
			rn.IP = append(rn.IP, fmt.Sprintf("link set %s master %s", ep.port, ss.bridge), fmt.Sprintf("link set %s up", ep.port))
			ns = b.ns(ep.ns)
			ns.IP = append(ns.IP, "link set lo up",
				fmt.Sprintf("addr add %s/%d dev %se", ip, ss.s.CIDR.Bits(), b.lp),
				fmt.Sprintf("link set %se up", b.lp),
				fmt.Sprintf("route add default via %s dev %se", ss.gw, b.lp))
			c := rules.CompileFirewall(fw.Rules, fw.DefaultAction)
			ns.NFT = b.firewallRuleset(c, fw.Addr)
			if c.HasDomainRules() {
				// Marked packets go to the endpoint's own sockets: the
				// inspector's listener and the connections it forwards
				// from the client's address.
				ns.IP = append(ns.IP, "rule add fwmark "+inspectMark+" lookup 100",
					"route add local 0.0.0.0/0 dev lo table 100")
				b.p.Inspectors = append(b.p.Inspectors, Inspector{
					NS: ep.ns, Firewall: fw.Addr, IP: ip, Port: InspectPort,
					Rules: slices.Clone(fw.Rules), DefaultAction: fw.DefaultAction,
				})
			}
		}
	}
}

// InspectPort is where a firewall endpoint's inspector listens for the
// TCP flows the divert chain hands it (nftables tproxy).
const InspectPort = 15001

// inspectMark marks packets the endpoint delivers to its inspector; the
// endpoint's policy routing sends marked packets to its own sockets.
const inspectMark = "0x1"

// firewallRuleset is a Network Firewall's stateful rules in strict order.
// Address rules run in the endpoint's forward chain; replies of a flow
// it passed pass by conntrack. A domain rule needs the TLS SNI or HTTP
// Host, which only the flow's first data carries, so the divert chain
// walks the rules in the same order and hands a TCP flow whose first
// matching rule is a domain rule to the endpoint's inspector (Inspector
// in plan.go): it lets the handshake complete, as Network Firewall does,
// reads the name, finishes the evaluation and, on pass, forwards the
// flow from the client's own address.
func (b *builder) firewallRuleset(c *rules.Firewall, fw model.ResourceRef) string {
	var w strings.Builder
	fmt.Fprintf(&w, "table inet moat_fw {\n\t# %s, rules in strict order\n", fw)
	if c.HasDomainRules() {
		w.WriteString("\tchain divert {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n")
		// First: a packet to the endpoint's own address (the inspector's
		// listener included, which the socket match would find) is not
		// diverted, and the input chain drops it.
		w.WriteString("\t\tfib daddr type local accept comment \"to the endpoint itself: the input chain drops it\"\n")
		fmt.Fprintf(&w, "\t\tmeta l4proto tcp socket transparent 1 meta mark set %s accept comment \"a flow the inspector holds\"\n", inspectMark)
		w.WriteString("\t\tct direction reply accept\n")
		for i, x := range c.Rules {
			r := x.Rule
			if r.Action == model.FirewallAlert {
				continue // alert rules only log; the evaluation goes on
			}
			m, ok := match(x.Match)
			if !ok || (r.Dest.IsValid() && !r.Dest.Addr().Is4()) {
				continue
			}
			dst := ""
			if r.Dest.IsValid() {
				dst = "ip daddr " + r.Dest.Masked().String()
			}
			if len(r.Domains) == 0 {
				fmt.Fprintf(&w, "\t\t%s accept comment \"rule %d decides by address\"\n", join(dst, m), i+1)
				continue
			}
			if !strings.HasPrefix(m, "tcp ") && m != "meta l4proto tcp" && m != "" {
				continue // TLS SNI and HTTP Host ride on TCP only
			}
			if m == "" {
				m = "meta l4proto tcp"
			}
			fmt.Fprintf(&w, "\t\t%s meta mark set %s tproxy ip to :%d comment \"rule %d: %s domains %s\"\n",
				join(dst, m), inspectMark, InspectPort, i+1, r.Action, comment(strings.Join(r.Domains, " ")))
		}
		w.WriteString("\t}\n")
	}
	w.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n")
	w.WriteString("\t\tct state established,related accept\n")
	for i, x := range c.Rules {
		r := x.Rule
		if len(r.Domains) > 0 {
			fmt.Fprintf(&w, "\t\t# rule %d: %s %s %s domains %s: in the inspector\n", i+1, r.Action, r.Protocol, portText(r.Ports), comment(strings.Join(r.Domains, " ")))
			continue
		}
		m, ok := match(x.Match)
		if !ok {
			b.warn("%s rule %d: protocol %q is not run by the twin; left out", fw, i+1, r.Protocol)
			continue
		}
		dst := ""
		if r.Dest.IsValid() {
			if !r.Dest.Addr().Is4() {
				continue
			}
			dst = "ip daddr " + r.Dest.Masked().String()
		}
		verdict := "accept"
		switch r.Action {
		case model.FirewallDrop:
			verdict = "drop"
		case model.FirewallAlert:
			verdict = "counter" // logs only; evaluation goes on
		}
		fmt.Fprintf(&w, "\t\t%s comment \"rule %d\"\n", join(dst, m, verdict), i+1)
	}
	switch c.Default {
	case model.FirewallDrop:
		w.WriteString("\t\tdrop comment \"default action\"\n")
	default:
		w.WriteString("\t\taccept comment \"default action\"\n")
	}
	w.WriteString("\t}\n")
	// An endpoint is not a host: nothing ends at it but what the divert
	// chain hands the inspector (marked), so a flow to the endpoint's own
	// address can neither reach the inspector's listener nor loop
	// through it.
	w.WriteString("\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n")
	if c.HasDomainRules() {
		fmt.Fprintf(&w, "\t\tmeta mark %s accept comment \"diverted to the inspector, or a reply to it\"\n", inspectMark)
	}
	w.WriteString("\t}\n}\n")
	return w.String()
}

func portText(p model.PortRange) string {
	switch {
	case p == model.AnyPort:
		return "any port"
	case p.From == p.To:
		return fmt.Sprint(p.From)
	}
	return fmt.Sprintf("%d-%d", p.From, p.To)
}

// firewallRouteSpec is a VPC route to a Network Firewall: to the endpoint
// in the zone of the route table's first subnet (the endpoint AWS gives a
// per-zone route table), else the firewall's first endpoint.
func (b *builder) firewallRouteSpec(vs *vpcState, rt model.RouteTable, target model.ResourceRef) (netip.Addr, string, bool) {
	zone := ""
	for _, ss := range vs.subnets {
		if b.tableOf(ss) >= tableBase && b.n.RouteTables[b.tableOf(ss)-tableBase].Addr == rt.Addr {
			zone = ss.s.ZoneID
			break
		}
	}
	var pick *fwEndpoint
	for _, ep := range b.hub().endpoints {
		if ep.fw.Addr != target && lastSegment(ep.fw.Addr) != lastSegment(target) {
			continue
		}
		if ep.ss.vpc != vs {
			continue
		}
		if pick == nil || (ep.zoneID == zone && pick.zoneID != zone) {
			pick = ep
		}
	}
	if pick == nil {
		return netip.Addr{}, "", false
	}
	return pick.ip, pick.ss.bridge, true
}

func lastSegment(a model.ResourceRef) string {
	s := string(a)
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}
