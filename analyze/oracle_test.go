package analyze

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
)

// The oracle: small random networks where the exact engine (Reach, which
// traces one packet per class) must agree with brute force, which traces
// every packet of a small universe alone. A class of the answer claims
// that every packet in it takes its path; brute force checks the claim
// packet by packet, and checks that the classes of one answer are
// disjoint and cover the question's whole space.
//
// go test runs TestOracle on a fixed range of seeds, sampling packets;
// the fuzz target traces every packet of the universe for the seeds it
// draws:
//
//	go test ./analyze -run '^$' -fuzz FuzzOracle -fuzztime 60s -parallel 1

// --- the generator ---

// genNet is a network under construction, with the pools the generator
// draws from.
type genNet struct {
	r    *rand.Rand
	n    *model.Network
	pool []netip.Prefix // CIDRs rules and routes draw from
	used map[netip.Addr]bool
	pubs []netip.Addr // public addresses not yet given out
	// lowCuts and highCuts are the ports small rule ranges start and end
	// at, in 0-12 and 1024-1031.
	lowCuts, highCuts []int
	// pool6 is the IPv6 CIDRs rules and routes draw from.
	pool6 []netip.Prefix
}

var (
	oraclePublic = []netip.Prefix{pfx("198.51.100.0/28"), pfx("203.0.113.0/28")}
	oracleOther  = []netip.Addr{ip("8.8.8.8"), ip("1.1.1.1")}
	oracleZones  = []string{"use1-az1", "use1-az2"}
)

func (g *genNet) pick(p float64) bool { return g.r.Float64() < p }

func (g *genNet) cidr() netip.Prefix {
	if len(g.pool6) > 0 && g.pick(0.3) {
		return g.pool6[g.r.IntN(len(g.pool6))]
	}
	return g.pool[g.r.IntN(len(g.pool))]
}

// ports is a NACL or security group port range: small ranges over the
// question's ports, or the big ones real rules use. The small ones start
// and end at a few cut points drawn per network, so one network's rules
// cut the ports into few classes while the seeds together try them all.
func (g *genNet) ports() model.PortRange {
	cut := func(cs []int) int { return cs[g.r.IntN(len(cs))] }
	switch g.r.IntN(6) {
	case 0:
		return model.AnyPort
	case 1:
		return model.PortRange{From: 1024, To: 65535}
	case 2:
		a, b := cut(g.highCuts), cut(g.highCuts)
		return model.PortRange{From: min(a, b), To: max(a, b)}
	}
	a, b := cut(g.lowCuts), cut(g.lowCuts)
	return model.PortRange{From: min(a, b), To: max(a, b)}
}

// rulePorts is a rule's ports, or for ICMP its type and code (-1 any).
func (g *genNet) rulePorts(proto model.Protocol) (model.PortRange, model.ICMPMatch) {
	if proto != model.ICMP {
		return g.ports(), model.ICMPMatch{}
	}
	switch g.r.IntN(3) {
	case 0:
		return model.AnyPort, model.AnyICMP
	case 1:
		return model.AnyPort, model.ICMPType(8)
	}
	return model.AnyPort, model.ICMPMatch{Type: g.r.IntN(13), Code: g.r.IntN(4)}
}

func (g *genNet) proto() model.Protocol {
	switch g.r.IntN(9) {
	case 0:
		return model.UDP
	case 8:
		return model.ICMP
	case 1, 2:
		return model.AllProtocols
	}
	return model.TCP
}

// randomNetwork is a small network drawn from r: one to three VPCs of a
// /26 each, /28 and /29 subnets, route tables with local and random
// routes (internet gateway, NAT gateway, peering, Transit Gateway,
// blackhole, appliance), NACLs with ordered allow and deny entries,
// security groups with CIDR and group peers, interfaces with and without
// public IPs. Dangling references (a route to a gateway that is not
// there) are kept: they are part of what the engine must get right.
func randomNetwork(r *rand.Rand) *model.Network {
	g := &genNet{r: r, n: &model.Network{Name: "oracle"}, used: map[netip.Addr]bool{}}
	for _, p := range oraclePublic {
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			g.pubs = append(g.pubs, a)
		}
	}
	r.Shuffle(len(g.pubs), func(i, j int) { g.pubs[i], g.pubs[j] = g.pubs[j], g.pubs[i] })
	for range 2 + r.IntN(3) {
		g.lowCuts = append(g.lowCuts, r.IntN(13))
		g.highCuts = append(g.highCuts, 1024+r.IntN(8))
	}
	n := g.n
	nv := 1 + r.IntN(3)
	g.pool = append(g.pool, pfx("0.0.0.0/0"), pfx("10.0.0.0/8"), pfx("8.8.8.8/32"))
	g.pool = append(g.pool, oraclePublic...)
	g.pool6 = append(g.pool6, pfx("::/0"), pfx("2001:db8::/32"), pfx("2606:4700::/32"))
	g.pool6 = append(g.pool6, oracleInternet6...)
	for i := range nv {
		name := fmt.Sprintf("v%d", i)
		v := model.VPC{Addr: model.ResourceRef("vpc/" + name), CIDR: pfx(fmt.Sprintf("10.%d.0.0/26", i))}
		if g.pick(0.4) {
			v.IPv6CIDR = pfx(fmt.Sprintf("2001:db8:0:%d00::/56", i+1))
			g.pool6 = append(g.pool6, v.IPv6CIDR)
			if g.pick(0.5) {
				n.EgressOnlyInternetGateways = append(n.EgressOnlyInternetGateways, model.EgressOnlyInternetGateway{Addr: model.ResourceRef("eigw/" + name), VPC: v.Addr})
			}
		}
		n.VPCs = append(n.VPCs, v)
		g.pool = append(g.pool, v.CIDR)
		if g.pick(0.75) {
			n.InternetGateways = append(n.InternetGateways, model.InternetGateway{Addr: model.ResourceRef("igw/" + name), VPC: v.Addr})
		}
	}
	// Subnets: distinct /28 slots of each VPC's /26, some cut to a /29.
	type sub struct {
		addr model.ResourceRef
		vpc  int
		cidr netip.Prefix
	}
	var subs []sub
	for i, v := range n.VPCs {
		slots := r.Perm(4)[:1+r.IntN(3)]
		for k, slot := range slots {
			b := v.CIDR.Addr().As4()
			b[3] = byte(16 * slot)
			bits := 28
			if g.pick(0.4) {
				bits = 29
			}
			p := netip.PrefixFrom(netip.AddrFrom4(b), bits)
			a := model.ResourceRef(fmt.Sprintf("subnet/v%d-%d", i, k))
			subs = append(subs, sub{a, i, p})
			g.pool = append(g.pool, p)
			sn := model.Subnet{Addr: a, VPC: v.Addr, ZoneID: oracleZones[r.IntN(2)], CIDR: p, IPv6Index: -1}
			if v.IPv6CIDR.IsValid() && g.pick(0.8) {
				b := v.IPv6CIDR.Addr().As16()
				b[7] = byte(slot)
				sn.IPv6CIDR, sn.IPv6Index = netip.PrefixFrom(netip.AddrFrom16(b), 64), slot
				g.pool6 = append(g.pool6, sn.IPv6CIDR)
			}
			n.Subnets = append(n.Subnets, sn)
		}
	}
	// Small CIDRs inside the VPCs: /30s and /32s.
	for range 3 + r.IntN(4) {
		s := subs[r.IntN(len(subs))]
		a := randAddr(r, s.cidr)
		bits := 32
		if g.pick(0.5) {
			bits = 30
		}
		p, _ := a.Prefix(bits)
		g.pool = append(g.pool, p)
	}
	for range 2 {
		p, _ := g.pubs[r.IntN(len(g.pubs))].Prefix(32 - 2*r.IntN(2))
		g.pool = append(g.pool, p)
	}
	// A customer-managed prefix list that rules and routes may name.
	pl := model.PrefixList{Addr: "pl/oracle", ID: "pl-0oracle", Name: "oracle"}
	for range 1 + r.IntN(3) {
		pl.Entries = append(pl.Entries, g.cidr())
	}
	slices.SortFunc(pl.Entries, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	pl.Entries = slices.Compact(pl.Entries)
	n.PrefixLists = []model.PrefixList{pl}
	// Security groups: one to three per VPC.
	sgsOf := map[int][]model.ResourceRef{}
	for i, v := range n.VPCs {
		for k := range 1 + r.IntN(3) {
			sgsOf[i] = append(sgsOf[i], model.ResourceRef(fmt.Sprintf("sg/v%d-%d", i, k)))
		}
		for _, a := range sgsOf[i] {
			sg := model.SecurityGroup{Addr: a, VPC: v.Addr}
			rule := func() model.SGRule {
				peer := g.cidr()
				if g.pick(0.3) {
					peer = pfx([]string{"0.0.0.0/0", "10.0.0.0/8"}[r.IntN(2)])
				}
				proto := g.proto()
				rl := model.SGRule{Protocol: proto, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: peer}}
				rl.Ports, rl.ICMP = g.rulePorts(proto)
				switch x := r.Float64(); {
				case x < 0.25:
					rl.Peer = model.Peer{Kind: model.PeerGroup, Group: sgsOf[i][r.IntN(len(sgsOf[i]))]}
				case x < 0.35:
					rl.Peer = model.Peer{Kind: model.PeerPrefixList, PrefixList: pl.ID}
				}
				return rl
			}
			for range r.IntN(4) {
				sg.Ingress = append(sg.Ingress, rule())
			}
			if g.pick(0.7) {
				sg.Egress = []model.SGRule{{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("0.0.0.0/0")}}}
				if v.IPv6CIDR.IsValid() {
					sg.Egress = append(sg.Egress, model.SGRule{Protocol: model.AllProtocols, Ports: model.AnyPort, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: pfx("::/0")}})
				}
			} else {
				for range r.IntN(3) {
					sg.Egress = append(sg.Egress, rule())
				}
			}
			n.SecurityGroups = append(n.SecurityGroups, sg)
		}
	}
	// Interfaces: up to two per subnet, some with public IPs.
	for _, s := range subs {
		for k := range r.IntN(3) {
			a := g.freeAddr(s.cidr)
			if !a.IsValid() {
				break
			}
			e := model.ENI{Addr: model.ResourceRef(fmt.Sprintf("eni/%s-%d", strings.TrimPrefix(string(s.addr), "subnet/"), k)),
				Subnet: s.addr, PrivateIP: a, SourceDestCheck: g.pick(0.8)}
			switch x := r.Float64(); {
			case x < 0.4 && len(g.pubs) > 0:
				e.PublicIP, e.HasPublicIP = g.pubs[0], true
				g.pubs = g.pubs[1:]
			case x < 0.5:
				e.HasPublicIP = true // a stand-in public address
			}
			if sn, _ := n.Subnet(s.addr); sn.IPv6CIDR.IsValid() && g.pick(0.7) {
				a6 := model.IPv6Host(sn.IPv6CIDR, 0x10+r.IntN(16))
				if !g.used[a6] {
					g.used[a6] = true
					e.IPv6 = []netip.Addr{a6}
					p, _ := a6.Prefix(128 - 2*r.IntN(2))
					g.pool6 = append(g.pool6, p)
				}
			}
			if g.pick(0.2) {
				if b := g.freeAddr(s.cidr); b.IsValid() {
					e.SecondaryIPs = []netip.Addr{b}
				}
			}
			groups := sgsOf[s.vpc]
			e.SecurityGroups = []model.ResourceRef{groups[r.IntN(len(groups))]}
			if g.pick(0.3) {
				e.SecurityGroups = append(e.SecurityGroups, groups[r.IntN(len(groups))])
				e.SecurityGroups = slices.Compact(e.SecurityGroups)
			}
			n.ENIs = append(n.ENIs, e)
		}
	}
	// NAT gateways: one in some VPCs, with or without its interface.
	natOf, natSub := map[int]model.ResourceRef{}, map[model.ResourceRef]bool{}
	for i, v := range n.VPCs {
		if !g.pick(0.5) {
			continue
		}
		var in []sub
		for _, s := range subs {
			if s.vpc == i {
				in = append(in, s)
			}
		}
		s := in[r.IntN(len(in))]
		ng := model.NATGateway{Addr: model.ResourceRef(fmt.Sprintf("natgw/v%d", i)), VPC: v.Addr, Subnet: s.addr, PublicIPs: 1}
		switch x := r.Float64(); {
		case x < 0.15:
			ng.Private, ng.PublicIPs = true, 0
		case x < 0.3:
			// A regional gateway: no subnet, every zone.
			ng.Regional, ng.Subnet, ng.Zones = true, "", oracleZones
			n.NATGateways = append(n.NATGateways, ng)
			natOf[i] = ng.Addr
			continue
		}
		if a := g.freeAddr(s.cidr); a.IsValid() && g.pick(0.6) {
			e := model.ENI{Addr: model.ResourceRef(fmt.Sprintf("eni/natgw-v%d", i)), Subnet: s.addr, PrivateIP: a, Type: "nat_gateway", SourceDestCheck: true}
			if !ng.Private && len(g.pubs) > 0 {
				e.PublicIP, e.HasPublicIP = g.pubs[0], true
				g.pubs = g.pubs[1:]
			}
			n.ENIs = append(n.ENIs, e)
			ng.ENI = e.Addr
		}
		n.NATGateways = append(n.NATGateways, ng)
		natOf[i] = ng.Addr
		natSub[s.addr] = true
	}
	// A NAT instance: an interface with source/destination check off
	// that masquerades what it forwards.
	for i := range n.ENIs {
		if e := &n.ENIs[i]; e.Type == "" && !e.SourceDestCheck && g.pick(0.5) {
			n.NATInstances = append(n.NATInstances, model.NATInstance{Addr: model.ResourceRef("nat-instance/" + strings.TrimPrefix(string(e.Addr), "eni/")),
				Subnet: e.Subnet, ENI: e.Addr})
			break
		}
	}
	// Peering between the first two VPCs, and perhaps a Transit Gateway.
	if nv >= 2 && g.pick(0.7) {
		n.PeeringConnections = []model.PeeringConnection{{Addr: "pcx/v0-v1", Requester: "vpc/v0", Accepter: "vpc/v1", Active: g.pick(0.85)}}
	}
	tgw := nv >= 2 && g.pick(0.5)
	if tgw {
		n.TransitGateways = []model.TransitGateway{{Addr: "tgw/main"}}
		rt := model.TGWRouteTable{Addr: "tgw-rtb/main", TGW: "tgw/main"}
		for i, v := range n.VPCs {
			if !g.pick(0.8) {
				continue
			}
			var in []model.ResourceRef
			for _, s := range subs {
				if s.vpc == i && g.pick(0.85) {
					in = append(in, s.addr)
				}
			}
			if len(in) == 0 {
				for _, s := range subs {
					if s.vpc == i {
						in = append(in, s.addr)
						break
					}
				}
			}
			att := model.TGWAttachment{Addr: model.ResourceRef(fmt.Sprintf("tgw-attach/v%d", i)), TGW: "tgw/main", Kind: model.TGWAttachVPC, VPC: v.Addr, Subnets: in}
			if g.pick(0.9) {
				att.RouteTable = rt.Addr
			}
			n.TGWAttachments = append(n.TGWAttachments, att)
			if g.pick(0.8) {
				rt.Propagations = append(rt.Propagations, att.Addr)
			}
		}
		for range r.IntN(3) {
			tr := model.TGWRoute{Dest: g.cidr()}
			if len(n.TGWAttachments) > 0 && g.pick(0.6) {
				tr.Attachment = n.TGWAttachments[r.IntN(len(n.TGWAttachments))].Addr
			} else {
				tr.Blackhole = true
			}
			rt.Routes = append(rt.Routes, tr)
		}
		n.TGWRouteTables = []model.TGWRouteTable{rt}
	}
	// Route tables: one per subnet or shared, a local route and random ones.
	for i, v := range n.VPCs {
		var in []sub
		for _, s := range subs {
			if s.vpc == i {
				in = append(in, s)
			}
		}
		tables := 1 + r.IntN(len(in))
		for k := range tables {
			rt := model.RouteTable{Addr: model.ResourceRef(fmt.Sprintf("rtb/v%d-%d", i, k)), VPC: v.Addr, Main: k == 0,
				Routes: []model.Route{{Dest: v.CIDR, TargetKind: model.TargetLocal}}}
			add := func(dest netip.Prefix, kind model.TargetKind, target model.ResourceRef) {
				for _, x := range rt.Routes {
					if x.Dest == dest {
						return // AWS allows one route per destination
					}
				}
				rt.Routes = append(rt.Routes, model.Route{Dest: dest, TargetKind: kind, Target: target})
			}
			// The main table is most often the public one, where the NAT
			// gateway lives; the others most often the private ones.
			igw := model.ResourceRef("igw/" + strings.TrimPrefix(string(v.Addr), "vpc/"))
			switch x := r.Float64(); {
			case k == 0 && x < 0.7, k > 0 && x < 0.2:
				add(pfx("0.0.0.0/0"), model.TargetIGW, igw)
			case k > 0 && x < 0.8 && natOf[i] != "":
				add(pfx("0.0.0.0/0"), model.TargetNATGateway, natOf[i])
			}
			if v.IPv6CIDR.IsValid() {
				rt.Routes = append(rt.Routes, model.Route{Dest: v.IPv6CIDR, TargetKind: model.TargetLocal})
				switch x := r.Float64(); {
				case x < 0.4:
					add(pfx("::/0"), model.TargetIGW, igw)
				case x < 0.7:
					add(pfx("::/0"), model.TargetEIGW, model.ResourceRef("eigw/"+strings.TrimPrefix(string(v.Addr), "vpc/")))
				}
			}
			for j := range n.VPCs {
				if j == i {
					continue
				}
				switch x := r.Float64(); {
				case x < 0.4 && len(n.PeeringConnections) > 0:
					add(n.VPCs[j].CIDR, model.TargetPeering, "pcx/v0-v1")
				case x < 0.7 && tgw:
					add(n.VPCs[j].CIDR, model.TargetTGW, "tgw/main")
				}
			}
			if g.pick(0.2) {
				rt.Routes = append(rt.Routes, model.Route{DestPrefixList: pl.ID, TargetKind: model.TargetBlackhole})
			}
			for range r.IntN(3) {
				switch r.IntN(4) {
				case 0:
					add(g.cidr(), model.TargetBlackhole, "")
				case 1:
					if tgw {
						add(g.cidr(), model.TargetTGW, "tgw/main")
					}
				case 2:
					if len(n.ENIs) > 0 {
						add(g.cidr(), model.TargetENI, n.ENIs[r.IntN(len(n.ENIs))].Addr)
					}
				default:
					if len(n.PeeringConnections) > 0 {
						add(g.cidr(), model.TargetPeering, "pcx/v0-v1")
					}
				}
			}
			n.RouteTables = append(n.RouteTables, rt)
		}
		for _, s := range in {
			// A subnet left out uses the main table, as the NAT
			// gateway's mostly does.
			if natSub[s.addr] && g.pick(0.8) {
				continue
			}
			if k := r.IntN(tables + 1); k < tables {
				rt := &n.RouteTables[len(n.RouteTables)-tables+k]
				setSubnet(n, s.addr, func(x *model.Subnet) { x.RouteTable = rt.Addr })
			}
		}
	}
	// NACLs: a default one and perhaps another per VPC.
	for i, v := range n.VPCs {
		acls := 1 + r.IntN(2)
		for k := range acls {
			acl := model.NetworkACL{Addr: model.ResourceRef(fmt.Sprintf("nacl/v%d-%d", i, k)), VPC: v.Addr, Default: k == 0}
			for _, egress := range []bool{false, true} {
				nums := r.Perm(20)[:r.IntN(5)]
				for _, num := range nums {
					act := model.Allow
					if g.pick(0.3) {
						act = model.Deny
					}
					proto := g.proto()
					ports, icmp := g.rulePorts(proto) // drawn before the CIDR, as always
					e := model.NACLEntry{RuleNumber: 10 * (num + 1), Egress: egress, Protocol: proto, Ports: ports, ICMP: icmp, CIDR: g.cidr(), Action: act}
					acl.Entries = append(acl.Entries, e)
				}
				if g.pick(0.8) {
					acl.Entries = append(acl.Entries, model.NACLEntry{RuleNumber: 32000, Egress: egress, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: pfx("0.0.0.0/0"), Action: model.Allow})
				}
				if v.IPv6CIDR.IsValid() && g.pick(0.8) {
					acl.Entries = append(acl.Entries, model.NACLEntry{RuleNumber: 32001, Egress: egress, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: pfx("::/0"), Action: model.Allow})
				}
			}
			n.NetworkACLs = append(n.NetworkACLs, acl)
		}
		for _, s := range subs {
			if s.vpc == i {
				if k := r.IntN(acls + 1); k < acls {
					acl := &n.NetworkACLs[len(n.NetworkACLs)-acls+k]
					setSubnet(n, s.addr, func(x *model.Subnet) { x.NACL = acl.Addr })
				}
			}
		}
	}
	return n
}

// freeAddr is a usable address of p no interface holds yet.
func (g *genNet) freeAddr(p netip.Prefix) netip.Addr {
	rg, ok := usableRange(p)
	if !ok {
		return netip.Addr{}
	}
	var free []netip.Addr
	for a := rg.From(); !rg.To().Less(a); a = a.Next() {
		if !g.used[a] {
			free = append(free, a)
		}
	}
	if len(free) == 0 {
		return netip.Addr{}
	}
	a := free[g.r.IntN(len(free))]
	g.used[a] = true
	return a
}

func randAddr(r *rand.Rand, p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	for range r.IntN(1 << (32 - p.Bits())) {
		a = a.Next()
	}
	return a
}

// summary is the network on a few lines, for a failure message.
func summary(n *model.Network) string {
	var b strings.Builder
	for _, v := range n.VPCs {
		fmt.Fprintf(&b, "%s %s\n", v.Addr, v.CIDR)
	}
	for _, s := range n.Subnets {
		fmt.Fprintf(&b, "  %s %s\n", s.Addr, s.CIDR)
	}
	for _, e := range n.ENIs {
		fmt.Fprintf(&b, "  %s %s pub=%v/%v sdc=%v %v\n", e.Addr, e.PrivateIP, e.PublicIP, e.HasPublicIP, e.SourceDestCheck, e.SecurityGroups)
	}
	for _, g := range n.NATGateways {
		fmt.Fprintf(&b, "  %s in %s eni=%s private=%v\n", g.Addr, g.Subnet, g.ENI, g.Private)
	}
	for _, g := range n.InternetGateways {
		fmt.Fprintf(&b, "  %s\n", g.Addr)
	}
	for _, rt := range n.RouteTables {
		fmt.Fprintf(&b, "%s main=%v %v\n", rt.Addr, rt.Main, n.RouteTableSubnets(rt.Addr))
		for _, x := range rt.Routes {
			fmt.Fprintf(&b, "  %s -> %s %s\n", x.Dest, x.TargetKind, x.Target)
		}
	}
	for _, a := range n.NetworkACLs {
		fmt.Fprintf(&b, "%s default=%v %v\n", a.Addr, a.Default, n.ACLSubnets(a.Addr))
		for _, e := range a.Entries {
			fmt.Fprintf(&b, "  egress=%v %d %s %s %s %s\n", e.Egress, e.RuleNumber, e.Protocol, e.Ports, e.CIDR, e.Action)
		}
	}
	for _, g := range n.SecurityGroups {
		fmt.Fprintf(&b, "%s\n", g.Addr)
		for _, x := range g.Ingress {
			fmt.Fprintf(&b, "  in %s %s %s\n", x.Protocol, x.Ports, x.Peer)
		}
		for _, x := range g.Egress {
			fmt.Fprintf(&b, "  out %s %s %s\n", x.Protocol, x.Ports, x.Peer)
		}
	}
	for _, p := range n.PeeringConnections {
		fmt.Fprintf(&b, "%s active=%v\n", p.Addr, p.Active)
	}
	for _, a := range n.TGWAttachments {
		fmt.Fprintf(&b, "%s %s %v rt=%s\n", a.Addr, a.VPC, a.Subnets, a.RouteTable)
	}
	for _, t := range n.TGWRouteTables {
		fmt.Fprintf(&b, "%s prop=%v\n", t.Addr, t.Propagations)
		for _, x := range t.Routes {
			fmt.Fprintf(&b, "  %s -> %s blackhole=%v\n", x.Dest, x.Attachment, x.Blackhole)
		}
	}
	return b.String()
}

// --- the oracle ---

// oracleQ is one question and the concrete ends brute force enumerates.
type oracleQ struct {
	q        Question
	src, dst oracleEnd
}

// oracleEnd is an end of a question as brute force sees it: the endpoint
// each packet's address is put into, and the addresses to try.
type oracleEnd struct {
	ep    FlowEnd
	addrs []netip.Addr
	// space is the set the end stands for (nil for the internet): the
	// addresses to try are all of it over IPv4, a sample over IPv6.
	space *netipx.IPSet
}

var (
	oraclePorts    = Ports(model.PortRange{From: 0, To: 12})
	oracleSrcPorts = Ports(model.PortRange{From: 0, To: 12}, model.PortRange{From: 1024, To: 1030})
)

// internetUniverse is the internet brute force tries: every address of
// the public ranges the generator uses, two more, and the stand-ins.
func internetUniverse() []netip.Addr {
	out := []netip.Addr{InternetIPv4, otherInternetIPv4}
	for _, p := range oraclePublic {
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			out = append(out, a)
		}
	}
	out = append(out, oracleOther...)
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}

func subnetEnd(n *model.Network, s model.ResourceRef, v6 bool) oracleEnd {
	sub, _ := n.Subnet(s)
	// Whole, as the question's end: each packet goes to one of every host.
	e := oracleEnd{ep: FlowEnd{Kind: SubnetHost, Addr: s, Subnet: s, Whole: true}}
	p := sub.CIDR
	if v6 {
		p = sub.IPv6CIDR
	}
	rg, _ := usableRange(p)
	var b netipx.IPSetBuilder
	b.AddRange(rg)
	e.space, _ = b.IPSet()
	if !v6 {
		for a := rg.From(); !rg.To().Less(a); a = a.Next() {
			e.addrs = append(e.addrs, a)
		}
		return e
	}
	// A /64 is too many: its first hosts, its last, the representative,
	// the interfaces' addresses and a few hosts between.
	a := rg.From()
	for range 3 {
		e.addrs = append(e.addrs, a)
		a = a.Next()
	}
	e.addrs = append(e.addrs, rg.To(), model.SubnetHostIPv6(p))
	for _, x := range n.ENIs {
		for _, y := range x.IPv6 {
			if p.Contains(y) {
				e.addrs = append(e.addrs, y, y.Next())
			}
		}
	}
	for _, h := range []int{0x10, 0x11, 0x1f, 0x20, 0xfffe} {
		e.addrs = append(e.addrs, model.IPv6Host(p, h))
	}
	far := p.Addr().As16()
	far[9] = 1
	e.addrs = append(e.addrs, netip.AddrFrom16(far))
	return e
}

func eniEnd(e model.ENI, v6 bool) oracleEnd {
	a := e.PrivateIP
	if v6 {
		a = e.IPv6[0]
	}
	var b netipx.IPSetBuilder
	b.Add(a)
	space, _ := b.IPSet()
	return oracleEnd{ep: FlowEnd{Kind: Interface, Addr: e.Addr, IP: a, Subnet: e.Subnet}, addrs: []netip.Addr{a}, space: space}
}

func internetEnd(v6 bool) oracleEnd {
	if v6 {
		return oracleEnd{ep: FlowEnd{Kind: Internet}, addrs: internetUniverse6()}
	}
	return oracleEnd{ep: FlowEnd{Kind: Internet}, addrs: internetUniverse()}
}

// oracleInternet6 are the IPv6 internet ranges the generator's rules name.
var oracleInternet6 = []netip.Prefix{pfx("2001:db8:ffff::/124"), pfx("2606:4700::/126")}

// internetUniverse6 is the IPv6 internet brute force tries.
func internetUniverse6() []netip.Addr {
	out := []netip.Addr{InternetIPv6, ip("2001:4860:4860::8888"), ip("2400:cb00::1")}
	for _, p := range oracleInternet6 {
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}

// questions draws the questions asked of one network: subnet to
// interface, subnet to subnet, internet to an interface with a public IP,
// subnet to internet, interface to interface.
func questions(r *rand.Rand, n *model.Network) []oracleQ {
	var enis, public, enis6 []model.ENI
	for _, e := range n.ENIs {
		if e.Type == "" {
			enis = append(enis, e)
			if e.HasPublicIP {
				public = append(public, e)
			}
			if len(e.IPv6) > 0 {
				enis6 = append(enis6, e)
			}
		}
	}
	var subnets6 []model.ResourceRef
	for _, s := range n.Subnets {
		if s.IPv6CIDR.IsValid() {
			subnets6 = append(subnets6, s.Addr)
		}
	}
	subnet := func() model.ResourceRef { return n.Subnets[r.IntN(len(n.Subnets))].Addr }
	var out []oracleQ
	ask := func(from, to string, src, dst oracleEnd, v6 bool) {
		proto := model.TCP
		switch r.IntN(6) {
		case 0:
			proto = model.UDP
		case 1:
			proto = model.ICMP
		}
		out = append(out, oracleQ{q: Question{From: from, To: to, Proto: proto, Ports: oraclePorts, SrcPorts: oracleSrcPorts, IPv6: v6}, src: src, dst: dst})
	}
	if len(enis) > 0 {
		s, e := subnet(), enis[r.IntN(len(enis))]
		ask(string(s), string(e.Addr), subnetEnd(n, s, false), eniEnd(e, false), false)
	}
	if s, t := subnet(), subnet(); s != t {
		ask(string(s), string(t), subnetEnd(n, s, false), subnetEnd(n, t, false), false)
	} else if len(n.Subnets) > 1 {
		t = n.Subnets[(slices.IndexFunc(n.Subnets, func(x model.Subnet) bool { return x.Addr == s })+1)%len(n.Subnets)].Addr
		ask(string(s), string(t), subnetEnd(n, s, false), subnetEnd(n, t, false), false)
	}
	if len(public) > 0 {
		e := public[r.IntN(len(public))]
		ask("internet", string(e.Addr), internetEnd(false), eniEnd(e, false), false)
	}
	s := subnet()
	ask(string(s), "internet", subnetEnd(n, s, false), internetEnd(false), false)
	if len(enis) > 1 {
		i := r.Perm(len(enis))
		ask(string(enis[i[0]].Addr), string(enis[i[1]].Addr), eniEnd(enis[i[0]], false), eniEnd(enis[i[1]], false), false)
	}
	// Over IPv6, where the network has it.
	if len(subnets6) > 1 {
		i := r.Perm(len(subnets6))
		ask(string(subnets6[i[0]]), string(subnets6[i[1]]), subnetEnd(n, subnets6[i[0]], true), subnetEnd(n, subnets6[i[1]], true), true)
	}
	if len(subnets6) > 0 {
		s := subnets6[r.IntN(len(subnets6))]
		ask(string(s), "internet", subnetEnd(n, s, true), internetEnd(true), true)
	}
	if len(enis6) > 0 {
		e := enis6[r.IntN(len(enis6))]
		ask("internet", string(e.Addr), internetEnd(true), eniEnd(e, true), true)
		if len(subnets6) > 0 {
			s := subnets6[r.IntN(len(subnets6))]
			ask(string(s), string(e.Addr), subnetEnd(n, s, true), eniEnd(e, true), true)
		}
	}
	return out
}

// oracleKey is what every packet of a class shares with the path standing
// for it: whether it arrives, which resources it meets forward and back,
// and which settings block it.
func oracleKey(p Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "reachable=%t", p.Reachable)
	for _, hs := range [][]Hop{p.Forward, p.Return} {
		b.WriteString(" |")
		for _, h := range hs {
			fmt.Fprintf(&b, " %s:%s", h.Resource, h.Kind)
		}
	}
	b.WriteString(" | blocks")
	for _, x := range p.Blockers {
		fmt.Fprintf(&b, " %s:%s:%s", x.Resource, x.Kind, x.Direction)
		if x.Assuming != "" {
			b.WriteString("(assumed)")
		}
	}
	return b.String()
}

func inClass(c *Class, src, dst netip.Addr, dport, sport int) bool {
	has := func(ps []netip.Prefix, a netip.Addr) bool {
		return slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	return has(c.Src, src) && has(c.Dst, dst) && c.Ports.Contains(dport) && c.SrcPorts.Contains(sport)
}

func setOf(ps []netip.Prefix) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		b.AddPrefix(p)
	}
	s, _ := b.IPSet()
	return s
}

func setSize(s *netipx.IPSet) *big.Int {
	n := new(big.Int)
	for _, r := range s.Ranges() {
		from, to := new(big.Int).SetBytes(r.From().AsSlice()), new(big.Int).SetBytes(r.To().AsSlice())
		n.Add(n, to.Sub(to, from).Add(to, big.NewInt(1)))
	}
	return n
}

func classSize(c *Class) *big.Int {
	v := setSize(setOf(c.Src))
	v.Mul(v, setSize(setOf(c.Dst)))
	v.Mul(v, big.NewInt(int64(c.Ports.Size())))
	return v.Mul(v, big.NewInt(int64(c.SrcPorts.Size())))
}

// oracleStats counts what one run checked.
type oracleStats struct {
	networks, questions, packets, classes int
	// reachable counts the packets that arrive; kinds the hops of the
	// reachable classes, to show what the generator exercises.
	reachable int
	kinds     map[string]int
}

// checkNetwork asks each question of the network built from seed and
// checks the answer against brute force. limit bounds the packets traced
// per question (0: every packet); past it, brute force takes a fixed
// sample drawn from the seed, always including every class's own packet.
func checkNetwork(t testing.TB, seed uint64, limit int, st *oracleStats) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x6f7261636c65))
	n := randomNetwork(r)
	ix := NewIndex(n)
	st.networks++
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d: %s\nnetwork:\n%s", seed, fmt.Sprintf(format, args...), summary(n))
	}
	for _, oq := range questions(r, n) {
		q := oq.q
		st.questions++
		a, err := ix.Reach(q)
		if err != nil {
			fail("%s -> %s: %v", q.From, q.To, err)
		}
		st.classes += len(a.Paths)
		for _, p := range a.Paths {
			if !p.Reachable {
				continue
			}
			if st.kinds == nil {
				st.kinds = map[string]int{}
			}
			for _, h := range append(slices.Clone(p.Forward), p.Return...) {
				st.kinds[string(h.Kind)]++
			}
		}
		// Disjoint, and covering the whole space.
		var whole *Class
		sum := new(big.Int)
		for i, p := range a.Paths {
			if p.Class == nil || p.Whole == nil {
				fail("%s -> %s: path %d has no class", q.From, q.To, i)
			}
			whole = p.Whole
			sum.Add(sum, classSize(p.Class))
			for j := range i {
				if c := a.Paths[j].Class; overlaps(c, p.Class) {
					fail("%s -> %s: classes %d (%s) and %d (%s) overlap", q.From, q.To, j, ClassText(a.Paths[j]), i, ClassText(p))
				}
			}
		}
		if !a.Ports.Equal(whole.Ports) || !q.SrcPorts.Equal(whole.SrcPorts) || q.Proto != model.ICMP && !q.Ports.Equal(a.Ports) {
			fail("%s -> %s: whole space has ports %s from %s, asked %s from %s", q.From, q.To, whole.Ports, whole.SrcPorts, q.Ports, q.SrcPorts)
		}
		if w := classSize(whole); w.Cmp(sum) != 0 {
			fail("%s -> %s: the classes hold %s packets, the question %s", q.From, q.To, sum, w)
		}
		srcSet, dstSet := setOf(whole.Src), setOf(whole.Dst)
		// The subnet's and interface's addresses are the question's.
		for _, e := range []struct {
			end oracleEnd
			set *netipx.IPSet
		}{{oq.src, srcSet}, {oq.dst, dstSet}} {
			if e.end.space == nil {
				continue
			}
			if want := e.end.space; !want.Equal(e.set) {
				fail("%s -> %s: %s stands for %v, want %v", q.From, q.To, e.end.ep.Addr, e.set.Prefixes(), want.Prefixes())
			}
		}
		type pkt struct {
			src, dst     netip.Addr
			dport, sport int
		}
		var srcs, dsts []netip.Addr
		for _, s := range oq.src.addrs {
			if srcSet.Contains(s) {
				srcs = append(srcs, s)
			}
		}
		for _, d := range oq.dst.addrs {
			if dstSet.Contains(d) {
				dsts = append(dsts, d)
			}
		}
		dps, sps := portsOf(a.Ports), portsOf(q.SrcPorts)
		total := len(srcs) * len(dsts) * len(dps) * len(sps)
		at := func(i int) pkt {
			sp := sps[i%len(sps)]
			i /= len(sps)
			dp := dps[i%len(dps)]
			i /= len(dps)
			return pkt{srcs[i/len(dsts)], dsts[i%len(dsts)], dp, sp}
		}
		var all []pkt
		if limit > 0 && total > limit {
			// A sample, and the packet each class was traced as.
			for range limit {
				all = append(all, at(r.IntN(total)))
			}
			for _, p := range a.Paths {
				all = append(all, pkt{p.Flow.Src.IP, p.Flow.Dst.IP, p.Flow.Port, p.Flow.SrcPort})
			}
		} else {
			for i := range total {
				all = append(all, at(i))
			}
		}
		for _, k := range all {
			st.packets++
			f := Flow{Src: oq.src.ep, Dst: oq.dst.ep, Proto: q.Proto, Port: k.dport, SrcPort: k.sport}
			f.Src.IP, f.Dst.IP = k.src, k.dst
			got := ix.trace(f, nil) // Trace, from client port 0 too
			if got.Reachable {
				st.reachable++
			}
			var in []int
			for i, p := range a.Paths {
				if inClass(p.Class, k.src, k.dst, k.dport, k.sport) {
					in = append(in, i)
				}
			}
			if len(in) != 1 {
				fail("%s -> %s: packet %s:%d -> %s:%d/%s is in %d classes %v", q.From, q.To, k.src, k.sport, k.dst, k.dport, q.Proto, len(in), in)
			}
			want := a.Paths[in[0]]
			if oracleKey(got) != oracleKey(want) {
				fail("%s -> %s: packet %s:%d -> %s:%d/%s\n traced alone: %s\n   its class: %s\n   (class %s, traced as %s:%d -> %s:%d)",
					q.From, q.To, k.src, k.sport, k.dst, k.dport, q.Proto, oracleKey(got), oracleKey(want),
					ClassText(want), want.Flow.Src.IP, want.Flow.SrcPort, want.Flow.Dst.IP, want.Flow.Port)
			}
		}
	}
}

func portsOf(s PortSet) []int {
	var out []int
	for _, r := range s.Ranges() {
		for p := r.From; p <= r.To; p++ {
			out = append(out, p)
		}
	}
	return out
}

// overlaps reports whether two classes share a packet.
func overlaps(a, b *Class) bool {
	return setOf(a.Src).Overlaps(setOf(b.Src)) && setOf(a.Dst).Overlaps(setOf(b.Dst)) &&
		!a.Ports.Intersect(b.Ports).IsEmpty() && !a.SrcPorts.Intersect(b.SrcPorts).IsEmpty()
}

// TestOracle: the exact engine agrees with brute force on random networks.
func TestOracle(t *testing.T) {
	networks, limit := 250, 150
	if testing.Short() {
		networks = 60
	}
	var st oracleStats
	for seed := range uint64(networks) {
		checkNetwork(t, seed, limit, &st)
	}
	t.Logf("%d networks, %d questions, %d classes, %d packets traced alone, %d of them reachable", st.networks, st.questions, st.classes, st.packets, st.reachable)
	t.Logf("hops of reachable classes: %v", st.kinds)
}

// TestOracleRegressions pins the seeds on which the oracle found a bug,
// each checked with a sample of 2000 packets per question and every
// class's own. A seed names a network
// of this generator: a change to randomNetwork draws other networks, so
// each bug has a hand-built test too.
func TestOracleRegressions(t *testing.T) {
	for _, c := range []struct {
		seed uint64
		bug  string
	}{
		{0, "two merged classes overlapped: a class joined the sources and the destinations of the classes it merged; " +
			"and client port 0 was traced as 49152, as Trace reads port 0 as the default, so the class of port 0 took the path of 49152"},
		{118, "an ICMP NACL rule's type was no cut of the port family (its range 2-1, type 2 code 1, was dropped as empty), so client ports 1 and 2 shared a class the reply treats apart"},
	} {
		t.Run(fmt.Sprint(c.seed), func(t *testing.T) {
			var st oracleStats
			checkNetwork(t, c.seed, 2000, &st)
		})
	}
}

// FuzzOracle runs the oracle on the network a seed draws, tracing every
// packet of the universe.
func FuzzOracle(f *testing.F) {
	for _, s := range []uint64{0, 1, 2, 3} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		var st oracleStats
		checkNetwork(t, seed, 0, &st)
	})
}

// TestWholeSubnetEveryHost: a subnet as a destination is every host in
// it, not only its representative: a host at an address no interface of
// the model holds is reached like the representative is.
func TestWholeSubnetEveryHost(t *testing.T) {
	b := peered()
	a, err := NewIndex(&b.n).Reach(Question{From: "subnet/a", To: "subnet/b", Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != Reachable {
		for _, p := range a.Paths {
			t.Logf("%s: %v", ClassText(p), p.Blockers)
		}
		t.Fatalf("verdict %s, want reachable for every host of subnet/b", a.Verdict)
	}
	// An address given by itself still names nobody when no interface
	// holds it.
	p := onlyPath(t, reach(t, NewIndex(&b.n), "subnet/a", "10.2.1.77", model.TCP, 22))
	wantBlocks(t, p, []blockKey{{"subnet/b", "deliver", Forward, ""}})
}

// TestMergedClassesAreProducts: two blocked corners of a square (one
// source range on port 22, the other on port 23) are two classes, not
// one class of both ranges on both ports, which would hold the two
// reachable corners too.
func TestMergedClassesAreProducts(t *testing.T) {
	b := peered()
	acl := &b.n.NetworkACLs[1] // nacl/b
	acl.Entries = append(acl.Entries,
		model.NACLEntry{RuleNumber: 10, Protocol: model.TCP, Ports: model.Port(22), CIDR: pfx("10.1.1.0/28"), Action: model.Deny},
		model.NACLEntry{RuleNumber: 20, Protocol: model.TCP, Ports: model.Port(23), CIDR: pfx("10.1.1.16/28"), Action: model.Deny})
	a, err := NewIndex(&b.n).Reach(Question{From: "subnet/a", To: "eni/b", Ports: Ports(model.PortRange{From: 22, To: 23})})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Paths {
		for j := range i {
			if overlaps(a.Paths[j].Class, p.Class) {
				t.Errorf("%s and %s overlap", ClassText(a.Paths[j]), ClassText(p))
			}
		}
	}
	for _, c := range []struct {
		src  string
		port int
		ok   bool
	}{{"10.1.1.5", 22, false}, {"10.1.1.5", 23, true}, {"10.1.1.20", 23, false}, {"10.1.1.20", 22, true}} {
		for _, p := range a.Paths {
			if inClass(p.Class, ip(c.src), ip("10.2.1.10"), c.port, DefaultSourcePort) && p.Reachable != c.ok {
				t.Errorf("%s to port %d: reachable %t, want %t (class %s)", c.src, c.port, p.Reachable, c.ok, ClassText(p))
			}
		}
	}
}

// TestICMPTypeIsACut: the trace tests an ICMP rule's type alone against
// a port (the reply's, which carries the client port), so a rule for
// type 2 code 1 (stored as the range 2-1) cuts client port 2 from 1 and
// 3.
func TestICMPTypeIsACut(t *testing.T) {
	b := peered()
	acl := &b.n.NetworkACLs[1] // nacl/b
	acl.Entries = []model.NACLEntry{
		{RuleNumber: 100, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
		{RuleNumber: 10, Egress: true, Protocol: model.ICMP, ICMP: model.ICMPMatch{Type: 2, Code: 1}, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
	}
	a, err := NewIndex(&b.n).Reach(Question{From: "eni/a", To: "eni/b", Proto: model.ICMP, SrcPorts: Ports(model.PortRange{From: 1, To: 3})})
	if err != nil {
		t.Fatal(err)
	}
	for sport := 1; sport <= 3; sport++ {
		f := Flow{Src: FlowEnd{Kind: Interface, Addr: "eni/a", IP: ip("10.1.1.10"), Subnet: "subnet/a"},
			Dst: FlowEnd{Kind: Interface, Addr: "eni/b", IP: ip("10.2.1.10"), Subnet: "subnet/b"}, Proto: model.ICMP, Port: 8, SrcPort: sport}
		alone := NewIndex(&b.n).Trace(f)
		for _, p := range a.Paths {
			if p.Class.SrcPorts.Contains(sport) && p.Reachable != alone.Reachable {
				t.Errorf("client port %d: class %s says reachable %t, the packet alone %t", sport, ClassText(p), p.Reachable, alone.Reachable)
			}
		}
	}
}

// TestClientPortZero: a question over client ports that hold 0 answers
// for port 0 itself, not for the default client port that a flow
// naming none gets.
func TestClientPortZero(t *testing.T) {
	b := peered()
	acl := &b.n.NetworkACLs[0] // nacl/a: replies only to 1024-65535
	acl.Entries = []model.NACLEntry{
		{RuleNumber: 100, Egress: true, Protocol: model.AllProtocols, Ports: model.AnyPort, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
		{RuleNumber: 100, Protocol: model.TCP, Ports: model.PortRange{From: 1024, To: 65535}, CIDR: pfx("0.0.0.0/0"), Action: model.Allow},
	}
	a, err := NewIndex(&b.n).Reach(Question{From: "eni/a", To: "eni/b", Port: 22, SrcPorts: Ports(model.Port(0), model.Port(1024))})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sport int
		ok    bool
	}{{0, false}, {1024, true}} {
		n := 0
		for _, p := range a.Paths {
			if p.Class.SrcPorts.Contains(c.sport) {
				n++
				if p.Reachable != c.ok || !p.Class.SrcPorts.Contains(p.Flow.SrcPort) {
					t.Errorf("client port %d: class %s, traced from port %d, reachable %t, want %t", c.sport, ClassText(p), p.Flow.SrcPort, p.Reachable, c.ok)
				}
			}
		}
		if n != 1 {
			t.Errorf("client port %d is in %d classes", c.sport, n)
		}
	}
}

// setSubnet changes the subnet at a: the association lives on the subnet
// (model.Finish derives the tables' side).
func setSubnet(n *model.Network, a model.ResourceRef, f func(*model.Subnet)) {
	for i := range n.Subnets {
		if n.Subnets[i].Addr == a {
			f(&n.Subnets[i])
		}
	}
}
