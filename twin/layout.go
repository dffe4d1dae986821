package twin

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// Sysctl sets. Routers and NATs forward; reverse-path filtering is off
// because a twin's paths are asymmetric by design (a NAT instance answers
// through the router, not back out the way a packet came); redirects are
// off because AWS's router never sends any. The bridge netfilter switches
// keep same-subnet (bridged) traffic out of the router's forward chain,
// so network ACLs see only routed traffic, as in AWS; they exist only
// while br_netfilter is loaded, hence optional.
var (
	forwarderSysctls = []Sysctl{
		{Key: "net/ipv4/ip_forward", Value: "1"},
		{Key: "net/ipv4/conf/all/rp_filter", Value: "0"},
		{Key: "net/ipv4/conf/default/rp_filter", Value: "0"},
		{Key: "net/ipv4/conf/all/send_redirects", Value: "0"},
		{Key: "net/ipv4/conf/default/send_redirects", Value: "0"},
	}
	routerSysctls = append(slices.Clone(forwarderSysctls),
		Sysctl{Key: "net/bridge/bridge-nf-call-iptables", Value: "0", Optional: true},
		Sysctl{Key: "net/bridge/bridge-nf-call-arptables", Value: "0", Optional: true},
	)
	// ipv6Sysctls are added to a dual-stack twin's routers and gateways.
	ipv6Sysctls = []Sysctl{
		{Key: "net/ipv6/conf/all/forwarding", Value: "1"},
		{Key: "net/bridge/bridge-nf-call-ip6tables", Value: "0", Optional: true},
	}
)

// Kinds of the IPv6 internal links of a dual-stack twin.
const (
	link6RouterIGW = iota
	link6IGWInternet
	link6RouterEIGW
	link6EIGWInternet
)

// linkIP6 is the IPv6 address of end d of a dual-stack twin's internal
// link of a kind for VPC v: 2001:db8:fffe:KKVV::d, in the documentation
// range and outside the VPCs' stand-in 2001:db8::/56.
func linkIP6(kind int, v, d byte) netip.Addr {
	return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0xff, 0xfe, byte(kind), v, 15: d})
}

// addr6 adds an IPv6 address to a link, without duplicate address
// detection: a twin's addresses are unique by construction, and DAD would
// leave them unusable for a second or two.
func addr6(ip netip.Addr, bits int, dev string) string {
	return fmt.Sprintf("addr add %s/%d dev %s nodad", ip, bits, dev)
}

// link6 gives both ends of a link IPv6 addresses (a /64 of linkIP6).
func (b *builder) link6(ns, name string, peerNS, peerName string, kind int, v byte) {
	b.ns(ns).IP = append(b.ns(ns).IP, addr6(linkIP6(kind, v, 1), 64, name))
	b.ns(peerNS).IP = append(b.ns(peerNS).IP, addr6(linkIP6(kind, v, 2), 64, peerName))
}

// Table numbers in a router: 100 + the route table's index in the model;
// 99 for subnets without any route table; regional NAT gateways use
// 10000 + their index.
const (
	tableNone     = 99
	tableBase     = 100
	tableRegional = 10000
)

func (b *builder) buildRouters() {
	for _, vs := range b.vpcs {
		name := b.nsFor("router-" + string(vs.vpc.Addr))
		ns := b.addNS(name, RoleRouter, vs.vpc.Addr)
		ns.Sysctls = slices.Clone(routerSysctls)
		if vs.v6.IsValid() {
			ns.Sysctls = append(ns.Sysctls, ipv6Sysctls...)
		}
		ns.IP = append(ns.IP, "link set lo up")
		for _, ss := range vs.subnets {
			bridge := fmt.Sprintf("link add %s type bridge", ss.bridge)
			if ss.gw6.IsValid() {
				// Neighbour solicitations are multicast: flood them, as
				// the VPC does, rather than wait for the bridge to learn
				// who listens.
				bridge += " mcast_snooping 0"
			}
			ns.IP = append(ns.IP, bridge, fmt.Sprintf("addr add %s/%d dev %s", ss.gw, ss.s.CIDR.Bits(), ss.bridge))
			if ss.gw6.IsValid() {
				ns.IP = append(ns.IP, addr6(ss.gw6, 64, ss.bridge))
			}
			ns.IP = append(ns.IP, fmt.Sprintf("link set %s up", ss.bridge))
		}
		b.routerName[vs.idx] = name
	}
}

func (b *builder) router(vs *vpcState) *Namespace { return b.ns(b.routerName[vs.idx]) }

// link adds a point-to-point veth between two namespaces with addresses
// on both ends.
func (b *builder) link(ns, name string, ip netip.Addr, peerNS, peerName string, peerIP netip.Addr) {
	b.p.Veths = append(b.p.Veths, Veth{NS: ns, Name: name, PeerNS: peerNS, PeerName: peerName})
	b.ns(ns).IP = append(b.ns(ns).IP, fmt.Sprintf("addr add %s/30 dev %s", ip, name), fmt.Sprintf("link set %s up", name))
	b.ns(peerNS).IP = append(b.ns(peerNS).IP, fmt.Sprintf("addr add %s/30 dev %s", peerIP, peerName), fmt.Sprintf("link set %s up", peerName))
}

// buildGateways adds the internet, the internet gateways, the AWS service
// stand-ins behind gateway endpoints and regional NAT gateways.
func (b *builder) buildGateways() {
	for _, vs := range b.vpcs {
		for _, r := range vs.regNATs {
			r.public = b.hostOf[string(r.addr)].PublicIP
		}
	}
	var inet string
	for _, vs := range b.vpcs {
		if vs.igw == nil && (vs.eigw == nil || !vs.v6.IsValid()) {
			continue
		}
		if inet == "" {
			inet = b.buildInternet()
		}
		b.buildEIGW(vs, inet)
		if vs.igw != nil {
			b.buildIGW(vs, inet)
		}
	}
	for _, vs := range b.vpcs {
		for _, r := range vs.regNATs {
			b.buildRegionalNAT(vs, r)
		}
	}
	// Gateway endpoints lead to a stand-in of the AWS service, one
	// namespace per VPC so overlapping VPC CIDRs stay apart.
	for _, vs := range b.vpcs {
		b.buildAWSServices(vs)
	}
}

// buildInternet adds the internet's namespace and host, and returns the
// namespace.
func (b *builder) buildInternet() string {
	inet := b.nsFor("internet")
	ns := b.addNS(inet, RoleInternet, "")
	ns.IP = append(ns.IP, "link set lo up", fmt.Sprintf("addr add %s/32 dev lo", InternetHost))
	h := &Host{Name: "internet", Role: RoleInternet, NS: inet, IP: InternetHost}
	if slices.ContainsFunc(b.vpcs, func(vs *vpcState) bool { return vs.v6.IsValid() }) {
		ns.IP = append(ns.IP, addr6(InternetHost6, 128, "lo"))
		h.IPv6 = InternetHost6
	}
	b.hosts = append(b.hosts, h)
	b.hostOf["internet"] = h
	return inet
}

// buildIGW adds vs's internet gateway between its router and the
// internet, with routes to the VPC's public addresses.
func (b *builder) buildIGW(vs *vpcState, inet string) {
	v := byte(vs.idx)
	igw := b.nsFor(string(vs.igw.Addr))
	ns := b.addNS(igw, RoleIGW, vs.igw.Addr)
	ns.Sysctls = slices.Clone(forwarderSysctls)
	ns.IP = append(ns.IP, "link set lo up")
	toIGW := fmt.Sprintf("%sg%d", b.lp, vs.idx)
	b.link(b.routerName[vs.idx], toIGW, linkIP(v, 0, 1), igw, b.lp+"r", linkIP(v, 0, 2))
	b.link(igw, b.lp+"i", linkIP(100+v, 0, 1), inet, toIGW, linkIP(100+v, 0, 2))
	ns = b.ns(igw)
	ns.IP = append(ns.IP,
		fmt.Sprintf("route add %s via %s dev %sr", vs.vpc.CIDR, linkIP(v, 0, 1), b.lp),
		fmt.Sprintf("route add default via %s dev %si", linkIP(100+v, 0, 2), b.lp))
	for _, r := range vs.regNATs {
		if r.public.IsValid() {
			ns.IP = append(ns.IP, fmt.Sprintf("route add %s/32 via %s dev %sr", r.public, linkIP(v, 0, 1), b.lp))
		}
	}
	var pub []*Host
	for _, h := range b.hosts {
		if h.VPC == vs.vpc.Addr && h.PublicIP.IsValid() {
			pub = append(pub, h)
		}
	}
	in := b.ns(inet)
	for _, h := range pub {
		in.IP = append(in.IP, fmt.Sprintf("route add %s/32 via %s dev %s src %s", h.PublicIP, linkIP(100+v, 0, 1), toIGW, InternetHost))
	}
	b.ns(igw).NFT = b.igwRuleset(vs, pub)
	if vs.v6.IsValid() {
		b.igwIPv6(vs, igw, inet, toIGW)
	}
}

// igwIPv6 routes a dual-stack VPC's IPv6 block through its internet
// gateway.
func (b *builder) igwIPv6(vs *vpcState, igw, inet, toIGW string) {
	v := byte(vs.idx)
	in := b.ns(inet)
	// IPv6 addresses are global: the gateway routes the VPC's
	// block both ways, untranslated.
	b.ns(igw).Sysctls = append(b.ns(igw).Sysctls, ipv6Sysctls...)
	b.link6(b.routerName[vs.idx], toIGW, igw, b.lp+"r", link6RouterIGW, v)
	b.link6(igw, b.lp+"i", inet, toIGW, link6IGWInternet, v)
	ns := b.ns(igw)
	ns.IP6 = append(ns.IP6,
		fmt.Sprintf("route add %s via %s dev %sr", vs.v6, linkIP6(link6RouterIGW, v, 1), b.lp),
		fmt.Sprintf("route add default via %s dev %si", linkIP6(link6IGWInternet, v, 2), b.lp))
	ns.NFT += fmt.Sprintf(`table ip6 moat_igw6 {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname %[1]q oifname %[2]q ip6 saddr %[3]s accept
		iifname %[2]q oifname %[1]q ip6 daddr %[3]s accept
	}
}
`, b.lp+"r", b.lp+"i", vs.v6)
	in.IP6 = append(in.IP6, fmt.Sprintf("route add %s via %s dev %s src %s", vs.v6, linkIP6(link6IGWInternet, v, 1), toIGW, InternetHost6))
}

// buildRegionalNAT adds a regional NAT gateway's namespace, joined to
// vs's router, translating to its own address.
func (b *builder) buildRegionalNAT(vs *vpcState, r *regionalNAT) {
	ns := b.addNS(r.ns, RoleNAT, r.addr)
	ns.Sysctls = slices.Clone(forwarderSysctls)
	ns.IP = append(ns.IP, "link set lo up")
	b.link(b.routerName[vs.idx], r.link, r.routerIP, r.ns, b.lp+"r", r.natIP)
	ns = b.ns(r.ns)
	if r.public.IsValid() {
		ns.IP = append(ns.IP, fmt.Sprintf("addr add %s/32 dev lo", r.public))
	}
	ns.IP = append(ns.IP, fmt.Sprintf("route add default via %s dev %sr", r.routerIP, b.lp))
	to := r.natIP
	if r.public.IsValid() {
		to = r.public
	}
	ns.NFT = fmt.Sprintf(`table ip moat_nat {
	# The gateway's own address is the only source the internet sees.
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "%sr" ip saddr != %s snat to %s
	}
}
`, b.lp, to, to)
}

// buildAWSServices adds the stand-ins of the AWS services vs reaches
// through gateway endpoints.
func (b *builder) buildAWSServices(vs *vpcState) {
	var svcs []string
	for _, e := range b.n.Endpoints {
		if e.VPC == vs.vpc.Addr && e.Type == model.GatewayEndpoint && !slices.Contains(svcs, e.Service) {
			svcs = append(svcs, e.Service)
		}
	}
	if len(svcs) == 0 {
		return
	}
	v := byte(vs.idx)
	name := b.nsFor("aws-" + string(vs.vpc.Addr))
	ns := b.addNS(name, RoleAWS, vs.vpc.Addr)
	ns.IP = append(ns.IP, "link set lo up")
	vs.hasAWS = true
	b.link(b.routerName[vs.idx], fmt.Sprintf("%sa%d", b.lp, vs.idx), linkIP(150+v, 0, 1), name, b.lp+"r", linkIP(150+v, 0, 2))
	ns = b.ns(name)
	for _, svc := range svcs {
		ip := serviceHost(b.servicePrefix(svc))
		ns.IP = append(ns.IP, fmt.Sprintf("addr add %s/32 dev lo", ip))
		hname := "aws/" + svc
		if len(b.vpcs) > 1 {
			hname += "/" + string(vs.vpc.Addr)
		}
		h := &Host{Name: hname, Role: RoleAWS, NS: name, IP: ip, VPC: vs.vpc.Addr, Owner: model.ResourceRef("aws/" + svc)}
		b.hosts = append(b.hosts, h)
		b.hostOf[hname] = h
	}
	ns.IP = append(ns.IP, fmt.Sprintf("route add %s via %s dev %sr", vs.vpc.CIDR, linkIP(150+v, 0, 1), b.lp))
}

// buildEIGW adds a dual-stack VPC's egress-only internet gateway: IPv6
// from the VPC goes out, and only replies (conntrack) come back in. The
// internet reaches the VPC's addresses through the internet gateway when
// there is one (IPv6 addresses are global), else back through this one.
func (b *builder) buildEIGW(vs *vpcState, inet string) {
	if vs.eigw == nil || !vs.v6.IsValid() {
		return
	}
	v := byte(vs.idx)
	name := b.nsFor(string(vs.eigw.Addr))
	ns := b.addNS(name, RoleEIGW, vs.eigw.Addr)
	ns.Sysctls = append(slices.Clone(forwarderSysctls), ipv6Sysctls...)
	ns.IP = append(ns.IP, "link set lo up")
	toEIGW, toInet := fmt.Sprintf("%sx%d", b.lp, vs.idx), fmt.Sprintf("%sy%d", b.lp, vs.idx)
	b.p.Veths = append(b.p.Veths, Veth{NS: b.routerName[vs.idx], Name: toEIGW, PeerNS: name, PeerName: b.lp + "r"},
		Veth{NS: name, Name: b.lp + "i", PeerNS: inet, PeerName: toInet})
	for _, l := range [][2]string{{b.routerName[vs.idx], toEIGW}, {name, b.lp + "r"}, {name, b.lp + "i"}, {inet, toInet}} {
		b.ns(l[0]).IP = append(b.ns(l[0]).IP, fmt.Sprintf("link set %s up", l[1]))
	}
	b.link6(b.routerName[vs.idx], toEIGW, name, b.lp+"r", link6RouterEIGW, v)
	b.link6(name, b.lp+"i", inet, toInet, link6EIGWInternet, v)
	ns = b.ns(name)
	ns.IP6 = append(ns.IP6,
		fmt.Sprintf("route add %s via %s dev %sr", vs.v6, linkIP6(link6RouterEIGW, v, 1), b.lp),
		fmt.Sprintf("route add default via %s dev %si", linkIP6(link6EIGWInternet, v, 2), b.lp))
	ns.NFT = fmt.Sprintf(`table ip6 moat_eigw {
	# Out, and replies back in; the internet cannot open a connection.
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname %[1]q oifname %[2]q ip6 saddr %[3]s accept
		iifname %[2]q oifname %[1]q ip6 daddr %[3]s ct state established,related accept
	}
}
`, b.lp+"r", b.lp+"i", vs.v6)
	if vs.igw == nil {
		b.ns(inet).IP6 = append(b.ns(inet).IP6, fmt.Sprintf("route add %s via %s dev %s src %s", vs.v6, linkIP6(link6EIGWInternet, v, 1), toInet, InternetHost6))
	}
}

// igwRuleset is the internet gateway: 1:1 NAT between each interface's
// private address and its stand-in public one, and nothing else through.
// A packet from a private address without a public one is dropped, as
// AWS's gateway drops it.
func (b *builder) igwRuleset(vs *vpcState, pub []*Host) string {
	var w strings.Builder
	r, i := b.lp+"r", b.lp+"i"
	fmt.Fprintf(&w, "table ip moat_igw {\n")
	var privs, passthrough []string
	var dnat, snat []string
	for _, h := range pub {
		if h.Role == RoleNAT && h.Subnet == "" {
			// A regional NAT gateway holds its public address itself.
			passthrough = append(passthrough, h.PublicIP.String())
			continue
		}
		privs = append(privs, h.IP.String())
		dnat = append(dnat, fmt.Sprintf("%s : %s", h.PublicIP, h.IP))
		snat = append(snat, fmt.Sprintf("%s : %s", h.IP, h.PublicIP))
	}
	fmt.Fprintf(&w, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n")
	if len(dnat) > 0 {
		fmt.Fprintf(&w, "\t\tiifname %q dnat to ip daddr map { %s }\n", i, strings.Join(dnat, ", "))
	}
	fmt.Fprintf(&w, "\t}\n")
	fmt.Fprintf(&w, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n")
	if len(snat) > 0 {
		fmt.Fprintf(&w, "\t\toifname %q snat to ip saddr map { %s }\n", i, strings.Join(snat, ", "))
	}
	fmt.Fprintf(&w, "\t}\n")
	fmt.Fprintf(&w, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n")
	if len(privs) > 0 {
		fmt.Fprintf(&w, "\t\tiifname %q oifname %q ip saddr { %s } accept\n", r, i, strings.Join(privs, ", "))
		fmt.Fprintf(&w, "\t\tiifname %q oifname %q ip daddr { %s } accept\n", i, r, strings.Join(privs, ", "))
	}
	if len(passthrough) > 0 {
		fmt.Fprintf(&w, "\t\tiifname %q oifname %q ip saddr { %s } accept\n", r, i, strings.Join(passthrough, ", "))
		fmt.Fprintf(&w, "\t\tiifname %q oifname %q ip daddr { %s } accept\n", i, r, strings.Join(passthrough, ", "))
	}
	fmt.Fprintf(&w, "\t}\n}\n")
	return w.String()
}

// buildHosts gives each interface its namespace, veth on its subnet's
// bridge, address, default route through the subnet's router address,
// security groups, and NAT when it translates for others.
func (b *builder) buildHosts() {
	port := 0
	for _, h := range b.hosts {
		ss := b.subnets[h.Subnet]
		if ss == nil {
			continue
		}
		ns := b.addNS(h.NS, h.Role, model.ResourceRef(h.Name))
		ns.IP = append(ns.IP, "link set lo up")
		pname := fmt.Sprintf("%sp%d", b.lp, port)
		port++
		router := b.routerName[ss.vpc.idx]
		b.p.Veths = append(b.p.Veths, Veth{NS: router, Name: pname, PeerNS: h.NS, PeerName: b.lp + "e"})
		rn := b.ns(router)
		rn.IP = append(rn.IP, fmt.Sprintf("link set %s master %s", pname, ss.bridge), fmt.Sprintf("link set %s up", pname))
		ns = b.ns(h.NS)
		ns.IP = append(ns.IP,
			fmt.Sprintf("addr add %s/%d dev %se", h.IP, ss.s.CIDR.Bits(), b.lp),
			fmt.Sprintf("link set %se up", b.lp),
			fmt.Sprintf("route add default via %s dev %se", ss.gw, b.lp))
		if h.IPv6.IsValid() && ss.gw6.IsValid() {
			ns.IP = append(ns.IP, addr6(h.IPv6, 64, b.lp+"e"))
			ns.IP6 = append(ns.IP6, fmt.Sprintf("route add default via %s dev %se", ss.gw6, b.lp))
		}
		var nft strings.Builder
		if len(h.Groups) > 0 && h.Role == RoleENI {
			nft.WriteString(b.sgRuleset(h))
		}
		if h.Forwarder {
			ns.Sysctls = slices.Clone(forwarderSysctls)
			fmt.Fprintf(&nft, `table ip moat_nat {
	# Translate what leaves the VPC to this interface's own address; the
	# internet gateway maps that to the public one.
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "%se" ip saddr != %s ip daddr != %s masquerade
	}
}
`, b.lp, h.IP, ss.vpc.vpc.CIDR)
		}
		ns.NFT = nft.String()
	}
	b.finishRouters()
}

// finishRouters adds, after every link exists, each subnet's policy rule
// and route table and the network ACLs.
func (b *builder) finishRouters() {
	for _, vs := range b.vpcs {
		ns := b.router(vs)
		tables := map[int][]string{}
		var order []int
		table := func(id int, lines ...string) {
			if _, ok := tables[id]; !ok {
				order = append(order, id)
			}
			tables[id] = append(tables[id], lines...)
		}
		local := func(id int) {
			for _, ss := range vs.subnets {
				table(id, fmt.Sprintf("route replace %s dev %s table %d", ss.s.CIDR, ss.bridge, id))
			}
			table(id, fmt.Sprintf("route replace blackhole %s table %d", vs.vpc.CIDR, id))
		}
		for _, ss := range vs.subnets {
			id := b.tableOf(ss)
			ns.IP = append(ns.IP, fmt.Sprintf("rule add iif %s lookup %d pref %d", ss.bridge, id, 1000+ss.idx))
			if _, ok := tables[id]; ok {
				continue
			}
			local(id)
			hasDefault := false
			if id != tableNone {
				rt := b.n.RouteTables[id-tableBase]
				seen := map[netip.Prefix]bool{}
				for _, r := range b.routesOf(vs, rt) {
					if seen[r.dest] {
						b.warn("%s routes %s twice; the twin keeps the first", rt.Addr, r.dest)
						continue
					}
					seen[r.dest] = true
					if r.dest.Bits() == 0 {
						hasDefault = true
					}
					table(id, fmt.Sprintf("route replace %s table %d", r.spec, id))
				}
			}
			if !hasDefault {
				// Without this, a miss would fall through to the main
				// table; AWS drops it.
				table(id, fmt.Sprintf("route replace blackhole default table %d", id))
			}
		}
		for _, r := range vs.regNATs {
			id := tableRegional + vs.idx*100 + r.idx
			ns.IP = append(ns.IP, fmt.Sprintf("rule add iif %s lookup %d pref %d", r.link, id, 900+r.idx))
			local(id)
			if vs.igw != nil && r.public.IsValid() {
				table(id, fmt.Sprintf("route replace default via %s dev %sg%d onlink table %d", linkIP(byte(vs.idx), 0, 2), b.lp, vs.idx, id))
				ns.IP = append(ns.IP, fmt.Sprintf("route add %s/32 via %s dev %s", r.public, r.natIP, r.link))
			} else {
				table(id, fmt.Sprintf("route replace blackhole default table %d", id))
			}
		}
		ns.IP = append(ns.IP, b.tgwRules(vs)...)
		for _, id := range order {
			ns.IP = append(ns.IP, tables[id]...)
		}
		ns.IP6 = append(ns.IP6, b.routes6(vs)...)
		ns.NFT = b.naclRuleset(vs)
	}
}

// kernelDest is p as `ip route` names it ("default" for a /0), and
// false when p is not of the IP version the table holds (v6) or an
// earlier route of the table already took it.
func kernelDest(seen map[netip.Prefix]bool, p netip.Prefix, v6 bool) (string, bool) {
	if !p.IsValid() || p.Addr().Is6() != v6 {
		return "", false
	}
	d := p.Masked()
	if seen[d] {
		return "", false
	}
	seen[d] = true
	if d.Bits() == 0 {
		return "default", true
	}
	return d.String(), true
}

// routes6 is a dual-stack VPC's IPv6 routing, for `ip -6`: a rule per
// dual-stack subnet into its route table, each table holding the
// subnets' /64s, the rest of the VPC's block as a blackhole, and the
// table's IPv6 routes to internet and egress-only gateways; anything
// else, and a miss, is dropped.
func (b *builder) routes6(vs *vpcState) []string {
	if !vs.v6.IsValid() {
		return nil
	}
	var ipRules, routes []string
	done := map[int]bool{}
	for _, ss := range vs.subnets {
		if !ss.gw6.IsValid() {
			continue
		}
		id := b.tableOf(ss)
		ipRules = append(ipRules, fmt.Sprintf("rule add iif %s lookup %d pref %d", ss.bridge, id, 1000+ss.idx))
		if done[id] {
			continue
		}
		done[id] = true
		for _, o := range vs.subnets {
			if o.gw6.IsValid() {
				routes = append(routes, fmt.Sprintf("route replace %s dev %s table %d", o.s.IPv6CIDR.Masked(), o.bridge, id))
			}
		}
		routes = append(routes, fmt.Sprintf("route replace blackhole %s table %d", vs.v6, id))
		hasDefault := false
		if id != tableNone {
			rt := b.n.RouteTables[id-tableBase]
			seen := map[netip.Prefix]bool{}
			for _, r := range rules.Preferred(rt.Routes, rules.VPCBlocks(&vs.vpc)) {
				dest, ok := kernelDest(seen, r.Dest, true)
				if r.TargetKind == model.TargetLocal || !ok {
					continue
				}
				d, v := r.Dest.Masked(), byte(vs.idx)
				hasDefault = hasDefault || dest == "default"
				switch {
				case r.TargetKind == model.TargetIGW && vs.igw != nil && vs.igw.Addr == r.Target:
					routes = append(routes, fmt.Sprintf("route replace %s via %s dev %sg%d table %d", dest, linkIP6(link6RouterIGW, v, 2), b.lp, vs.idx, id))
				case r.TargetKind == model.TargetEIGW && vs.eigw != nil && vs.eigw.Addr == r.Target && b.hostOf["internet"] != nil:
					routes = append(routes, fmt.Sprintf("route replace %s via %s dev %sx%d table %d", dest, linkIP6(link6RouterEIGW, v, 2), b.lp, vs.idx, id))
				default:
					if r.TargetKind != model.TargetBlackhole {
						b.warn("%s: %s -> %s: the twin runs IPv6 routes to internet and egress-only gateways only; the twin drops it", rt.Addr, d, r.Target)
					}
					routes = append(routes, fmt.Sprintf("route replace blackhole %s table %d", dest, id))
				}
			}
		}
		if !hasDefault {
			routes = append(routes, fmt.Sprintf("route replace blackhole default table %d", id))
		}
	}
	return append(ipRules, routes...)
}

// tableOf is the kernel table of the subnet's route table (model's
// RouteTableOf: one rule for every output), or tableNone.
func (b *builder) tableOf(ss *subnetState) int {
	rt, _ := b.n.RouteTableOf(&ss.s)
	if rt == nil {
		return tableNone
	}
	return tableBase + slices.IndexFunc(b.n.RouteTables, func(r model.RouteTable) bool { return r.Addr == rt.Addr })
}

type kernelRoute struct {
	dest netip.Prefix
	spec string // what follows "route replace"
}

// routesOf turns a route table's routes, and the gateway endpoints on it,
// into kernel routes. A kernel table holds one route per prefix, so of
// routes to the same prefix only the one AWS picks is kept (a static
// route before a propagated one), and a propagated route inside the
// VPC's blocks loses to the local route (rules.Preferred). Local routes are
// already there; targets the twin does not run become blackholes with a
// warning, so a packet is never sent somewhere the design does not send
// it.
func (b *builder) routesOf(vs *vpcState, rt model.RouteTable) []kernelRoute {
	var out []kernelRoute
	add := func(dests []netip.Prefix, r model.Route) {
		for _, d := range dests {
			spec, ok := b.routeSpec(vs, rt, d, r)
			if ok {
				out = append(out, kernelRoute{dest: d, spec: spec})
			}
		}
	}
	for _, r := range rules.Preferred(rt.Routes, rules.VPCBlocks(&vs.vpc)) {
		if r.TargetKind == model.TargetLocal {
			continue
		}
		var dests []netip.Prefix
		switch {
		case r.DestPrefixList != "":
			dests = b.prefixList(r.DestPrefixList)
			if len(dests) == 0 {
				b.warn("%s: prefix list %s has no IPv4 entries the twin knows; route left out", rt.Addr, r.DestPrefixList)
			}
		case r.Dest.IsValid() && r.Dest.Addr().Is4():
			dests = []netip.Prefix{r.Dest.Masked()}
		default:
			continue // IPv6: the twin runs IPv4 only
		}
		add(dests, r)
	}
	for _, e := range b.n.Endpoints {
		if e.Type == model.GatewayEndpoint && slices.Contains(e.RouteTables, rt.Addr) {
			add([]netip.Prefix{b.servicePrefix(e.Service)}, model.Route{TargetKind: model.TargetEndpoint, Target: e.Addr})
		}
	}
	return out
}

func (b *builder) routeSpec(vs *vpcState, rt model.RouteTable, d netip.Prefix, r model.Route) (string, bool) {
	dest := d.String()
	if d.Bits() == 0 {
		dest = "default"
	}
	via := func(ip netip.Addr, dev string) (string, bool) {
		return fmt.Sprintf("%s via %s dev %s onlink", dest, ip, dev), true
	}
	hole := func(why string) (string, bool) {
		b.warn("%s: %s -> %s: %s; the twin drops it", rt.Addr, d, r.Target, why)
		return "blackhole " + dest, true
	}
	switch r.TargetKind {
	case model.TargetBlackhole:
		return "blackhole " + dest, true
	case model.TargetIGW:
		if vs.igw == nil || vs.igw.Addr != r.Target {
			return hole("no such internet gateway on this VPC")
		}
		return via(linkIP(byte(vs.idx), 0, 2), fmt.Sprintf("%sg%d", b.lp, vs.idx))
	case model.TargetNATGateway, model.TargetENI:
		h := b.hostOf[string(r.Target)]
		if h == nil {
			for _, g := range b.n.NATGateways {
				if g.Addr == r.Target && !g.ENI.IsZero() {
					h = b.hostOf[string(g.ENI)]
				}
			}
		}
		if h == nil || h.VPC != vs.vpc.Addr {
			return hole("target not in the twin")
		}
		if ss := b.subnets[h.Subnet]; ss != nil {
			return via(h.IP, ss.bridge)
		}
		for _, rn := range vs.regNATs {
			if string(rn.addr) == h.Name {
				return via(rn.natIP, rn.link)
			}
		}
		return hole("target not in the twin")
	case model.TargetEndpoint:
		if !vs.hasAWS {
			return hole("no gateway endpoint service in the twin")
		}
		return via(linkIP(150+byte(vs.idx), 0, 2), fmt.Sprintf("%sa%d", b.lp, vs.idx))
	case model.TargetTGW:
		if ip, dev, ok := b.tgwRouteSpec(vs, r.Target); ok {
			return via(ip, dev)
		}
		return hole("the VPC has no attachment to it in the twin")
	case model.TargetFirewall:
		if ip, dev, ok := b.firewallRouteSpec(vs, rt, r.Target); ok {
			return via(ip, dev)
		}
		return hole("no endpoint of that firewall in this VPC")
	}
	return hole(fmt.Sprintf("the twin does not run %s targets yet", r.TargetKind))
}

// publicServices puts the AWS services' stand-ins on the internet too:
// S3 and DynamoDB have public endpoints, which a public subnet (or NAT)
// reaches through the internet gateway; only routes to a gateway endpoint
// take the private way.
func (b *builder) publicServices() {
	inet := b.hostOf["internet"]
	if inet == nil || len(b.serviceOrder) == 0 {
		return
	}
	ns := b.ns(inet.NS)
	for _, svc := range b.serviceOrder {
		ip := serviceHost(b.services[svc])
		ns.IP = append(ns.IP, fmt.Sprintf("addr add %s/32 dev lo", ip))
		b.p.Listeners = append(b.p.Listeners, Listener{Host: "aws/" + svc + " (public endpoint)", NS: inet.NS, IP: ip, Proto: model.TCP, Port: 443, Kind: "respond"})
	}
}
