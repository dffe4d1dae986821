package twin

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// maxPortsPerHost bounds the responders of one interface whose ports come
// from its security groups (imported instances).
const maxPortsPerHost = 16

// buildWorkloads decides what each host serves: the service's port on the
// service's interfaces, the database's on the database's (PostgreSQL on
// the first when the engine is postgres), HTTPS on interface endpoints and
// stand-in services, SSH on an SSH bastion, the load balancer's listeners
// on its nodes, and HTTP and HTTPS on the internet host. Interfaces of
// unknown role serve the single ports their groups admit.
func (b *builder) buildWorkloads() {
	lbNodes := map[string]bool{}
	for _, lb := range b.n.LoadBalancers {
		if lb.Kind == model.APIGateway {
			b.frontDoor(lb, b.interfacesOf)
			continue
		}
		b.balancer(lb, lbNodes)
	}
	b.serviceListeners()
	for _, e := range b.n.Endpoints {
		if e.Type != model.InterfaceEndpoint {
			continue
		}
		nodes := b.interfacesOf(e.Addr)
		for _, a := range e.ENIs {
			if h := b.hostOf[string(a)]; h != nil {
				nodes = append(nodes, h)
			}
		}
		for _, h := range nodes {
			b.listenTCP(h, 443, "respond")
		}
	}
	for _, bs := range b.n.Bastions {
		if bs.Mode != model.BastionSSH {
			continue
		}
		for _, h := range b.interfacesOf(bs.Addr) {
			b.listenTCP(h, 22, "respond")
		}
	}
	for _, h := range b.hosts {
		switch {
		case h.Role == RoleInternet:
			b.listenTCP(h, 80, "respond")
			b.listenTCP(h, 443, "tls")
		case h.Role == RoleAWS:
			b.listenTCP(h, 443, "respond")
		case h.Role == RoleENI && !h.Forwarder && !lbNodes[h.Name] && !b.known(h):
			b.groupPorts(h, b.listenTCP)
		}
	}
}

// listenTCP has h serve port (kind "respond", "tls" or "postgres"), on
// its IPv6 address too, unless it does already.
func (b *builder) listenTCP(h *Host, port int, kind string) {
	for _, l := range b.p.Listeners {
		if l.Host == h.Name && l.Port == port && l.Proto == model.TCP {
			return
		}
	}
	b.p.Listeners = append(b.p.Listeners, Listener{Host: h.Name, NS: h.NS, IP: h.IP, Proto: model.TCP, Port: port, Kind: kind})
	if h.IPv6.IsValid() {
		if kind == "postgres" {
			kind = "respond" // one PostgreSQL, on the IPv4 address
		}
		b.p.Listeners = append(b.p.Listeners, Listener{Host: h.Name, NS: h.NS, IP: h.IPv6, Proto: model.TCP, Port: port, Kind: kind})
	}
}

// interfacesOf lists the interfaces owner has in the twin.
func (b *builder) interfacesOf(owner model.ResourceRef) []*Host {
	var out []*Host
	for _, h := range b.hosts {
		if h.Owner == owner && h.Role == RoleENI {
			out = append(out, h)
		}
	}
	return out
}

// balancer adds a node of lb for each of its interfaces, each sending to
// every target, and marks the nodes in lbNodes.
func (b *builder) balancer(lb model.LoadBalancer, lbNodes map[string]bool) {
	targets := b.lbTargets(lb)
	nodes := b.interfacesOf(lb.Addr)
	for _, e := range lb.ENIs {
		if h := b.hostOf[string(e)]; h != nil && !slices.Contains(nodes, h) {
			nodes = append(nodes, h)
		}
	}
	for _, h := range nodes {
		bal := Balancer{Host: h.Name, NS: h.NS, IP: h.IP, LB: lb.Addr, Targets: targets, Listeners: balancerListeners(lb.Listeners)}
		if lb.DualStack {
			bal.IPv6 = h.IPv6
		}
		b.p.Balancers = append(b.p.Balancers, bal)
		lbNodes[h.Name] = true
	}
}

// lbTargets is where lb sends: its targets' interfaces at the target port,
// then its target groups' registered targets, sorted, without repeats.
func (b *builder) lbTargets(lb model.LoadBalancer) []netip.AddrPort {
	var targets []netip.AddrPort
	for _, t := range b.interfacesOf(lb.Targets) {
		targets = append(targets, netip.AddrPortFrom(t.IP, uint16(lb.TargetPort)))
	}
	for _, tg := range b.n.TargetGroups {
		for _, l := range lb.Listeners {
			if l.TargetGroup != tg.Addr {
				continue
			}
			for _, t := range tg.Targets {
				ip, port := t.IP, t.Port
				if h := b.hostOf[string(t.ENI)]; h != nil {
					ip = h.IP
				}
				if port == 0 {
					port = tg.Port
				}
				if ip.IsValid() && port > 0 && port < 65536 {
					targets = append(targets, netip.AddrPortFrom(ip, uint16(port)))
				}
			}
		}
	}
	slices.SortFunc(targets, func(a, c netip.AddrPort) int { return a.Compare(c) })
	targets = slices.Compact(targets)
	return targets
}

// serviceListeners has the services and databases serve their ports, and
// the services' responders query the primary PostgreSQL on request, so a
// request through the load balancer reaches the database.
func (b *builder) serviceListeners() {
	first := len(b.p.Listeners)
	for _, s := range b.n.Services {
		for _, h := range b.interfacesOf(s.Addr) {
			b.listenTCP(h, s.Port, "respond")
		}
	}
	last := len(b.p.Listeners)
	var primary netip.AddrPort
	for _, d := range b.n.Databases {
		for i, h := range b.interfacesOf(d.Addr) {
			kind := "respond"
			if i == 0 && strings.HasPrefix(strings.ToLower(d.Engine), "postgres") {
				kind = "postgres" // the primary; standbys take no connections in AWS either, but answer here
				if !primary.IsValid() {
					primary = netip.AddrPortFrom(h.IP, uint16(d.Port))
				}
			}
			b.listenTCP(h, d.Port, kind)
		}
	}
	if primary.IsValid() {
		for i := first; i < last; i++ {
			if b.p.Listeners[i].IP.Is4() {
				b.p.Listeners[i].Database = primary
			}
		}
	}
}

// known reports whether a host's owner is a workload whose ports the
// design states.
func (b *builder) known(h *Host) bool {
	for _, l := range b.p.Listeners {
		if l.Host == h.Name {
			return true
		}
	}
	if h.Owner.IsZero() {
		return false
	}
	for _, x := range b.n.Bastions {
		if x.Addr == h.Owner {
			return true
		}
	}
	for _, x := range b.n.LoadBalancers {
		if x.Addr == h.Owner {
			return true
		}
	}
	return false
}

// groupPorts serves the single TCP ports (and short ranges) the host's
// security groups admit.
func (b *builder) groupPorts(h *Host, tcp func(*Host, int, string)) {
	n := 0
	for _, ga := range h.Groups {
		g, ok := b.n.SecurityGroup(ga)
		if !ok {
			continue
		}
		for _, r := range rules.CompileGroup(g, twinLists).In {
			ports, ok := r.PortsFor(model.TCP)
			if !ok || ports.To-ports.From > 3 || ports.From < 1 {
				continue
			}
			for p := ports.From; p <= ports.To && n < maxPortsPerHost; p++ {
				tcp(h, p, "respond")
				n++
			}
		}
	}
}

// frontDoorIP is the first stand-in address of API Gateway front doors,
// on the internet's side (documentation range, as the internet host).
var frontDoorIP = netip.MustParseAddr("203.0.113.100")

// frontDoor runs an API Gateway's front door, which AWS keeps outside the
// VPC: a namespace the internet reaches at a stand-in public address,
// terminating TLS on the API's listeners and forwarding to the internal
// load balancer's nodes from the first VPC Link interface, re-encrypting
// when that load balancer's listener is TLS, as an HTTP API's VPC Link
// integration does. Without listeners (the default endpoint disabled and
// no custom domain), a VPC Link or the internet, there is no front door.
func (b *builder) frontDoor(lb model.LoadBalancer, owners func(model.ResourceRef) []*Host) {
	inet := b.hostOf["internet"]
	links := owners(lb.Addr)
	target, ok := b.n.LoadBalancer(lb.Targets)
	if inet == nil || len(links) == 0 || len(lb.Listeners) == 0 || !ok {
		return
	}
	k := byte(b.frontDoors)
	b.frontDoors++
	ip := frontDoorIP
	for range k {
		ip = ip.Next()
	}
	name := b.nsFor("front-" + string(lb.Addr))
	ns := b.addNS(name, RoleFrontDoor, lb.Addr)
	ns.IP = append(ns.IP, "link set lo up", fmt.Sprintf("addr add %s/32 dev lo", ip))
	veth := fmt.Sprintf("%sd%d", b.lp, k)
	b.link(name, b.lp+"i", linkIP(90, 4*k, 1), inet.NS, veth, linkIP(90, 4*k, 2))
	b.ns(name).IP = append(b.ns(name).IP, fmt.Sprintf("route add default via %s dev %si", linkIP(90, 4*k, 2), b.lp))
	b.ns(inet.NS).IP = append(b.ns(inet.NS).IP, fmt.Sprintf("route add %s/32 via %s dev %s src %s", ip, linkIP(90, 4*k, 1), veth, InternetHost))
	h := &Host{Name: string(lb.Addr), Role: RoleFrontDoor, NS: name, IP: ip, Owner: lb.Addr}
	b.hosts = append(b.hosts, h)
	b.hostOf[h.Name] = h

	bal := Balancer{Host: h.Name, NS: name, IP: ip, LB: lb.Addr, DialNS: links[0].NS, Listeners: balancerListeners(lb.Listeners)}
	for _, n := range owners(target.Addr) {
		bal.Targets = append(bal.Targets, netip.AddrPortFrom(n.IP, uint16(lb.TargetPort)))
	}
	for _, l := range target.Listeners {
		if l.Port == lb.TargetPort && (strings.EqualFold(l.Protocol, "TLS") || strings.EqualFold(l.Protocol, "HTTPS")) {
			bal.UpstreamTLS = string(target.Addr) + ".twin.invalid"
			if ds := certDomains(l); len(ds) > 0 {
				bal.UpstreamTLS = ds[0]
			}
		}
	}
	b.p.Balancers = append(b.p.Balancers, bal)
}

// balancerListeners is what a balancer node serves of a load balancer's
// (or an API's) listeners.
func balancerListeners(ls []model.Listener) []BalancerListener {
	var out []BalancerListener
	for _, l := range ls {
		bl := BalancerListener{Port: l.Port, Protocol: strings.ToUpper(l.Protocol), Redirect: l.RedirectToHTTPS, Domains: certDomains(l)}
		for _, c := range l.Certificates {
			if c.Domain != "" && len(c.Names) > 0 && !slices.Equal(c.Names, []string{c.Domain}) {
				bl.Names = make([][]string, len(bl.Domains))
			}
		}
		if bl.Names != nil {
			i := 0
			for _, c := range l.Certificates {
				if c.Domain != "" {
					bl.Names[i] = slices.Clone(c.Names)
					i++
				}
			}
		}
		out = append(out, bl)
	}
	return out
}

// certDomains are the domains of a listener's certificates, in order.
func certDomains(l model.Listener) []string {
	var out []string
	for _, c := range l.Certificates {
		if c.Domain != "" {
			out = append(out, c.Domain)
		}
	}
	return out
}
