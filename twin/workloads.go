package twin

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
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
	tcp := func(h *Host, port int, kind string) {
		for _, l := range b.p.Listeners {
			if l.Host == h.Name && l.Port == port && l.Proto == model.TCP {
				return
			}
		}
		b.p.Listeners = append(b.p.Listeners, Listener{Host: h.Name, NS: h.NS, IP: h.IP, Proto: model.TCP, Port: port, Kind: kind})
	}
	owners := func(owner model.Address) []*Host {
		var out []*Host
		for _, h := range b.hosts {
			if h.Owner == owner && h.Role == RoleENI {
				out = append(out, h)
			}
		}
		return out
	}
	lbNodes := map[string]bool{}
	for _, lb := range b.n.LoadBalancers {
		if lb.Kind == model.APIGateway {
			continue // its front door is outside the VPC; the VPC Link only sends
		}
		var targets []netip.AddrPort
		for _, t := range owners(lb.Targets) {
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
		nodes := owners(lb.Addr)
		for _, e := range lb.ENIs {
			if h := b.hostOf[string(e)]; h != nil && !slices.Contains(nodes, h) {
				nodes = append(nodes, h)
			}
		}
		for _, h := range nodes {
			bal := Balancer{Host: h.Name, NS: h.NS, IP: h.IP, LB: lb.Addr, Targets: targets}
			for _, l := range lb.Listeners {
				bl := BalancerListener{Port: l.Port, Protocol: strings.ToUpper(l.Protocol), Redirect: l.RedirectToHTTPS}
				for _, c := range l.Certificates {
					if c.Domain != "" {
						bl.Domains = append(bl.Domains, c.Domain)
					}
				}
				bal.Listeners = append(bal.Listeners, bl)
			}
			b.p.Balancers = append(b.p.Balancers, bal)
			lbNodes[h.Name] = true
		}
	}
	for _, s := range b.n.Services {
		for _, h := range owners(s.Addr) {
			tcp(h, s.Port, "respond")
		}
	}
	for _, d := range b.n.Databases {
		for i, h := range owners(d.Addr) {
			kind := "respond"
			if i == 0 && strings.HasPrefix(strings.ToLower(d.Engine), "postgres") {
				kind = "postgres" // the primary; standbys take no connections in AWS either, but answer here
			}
			tcp(h, d.Port, kind)
		}
	}
	for _, e := range b.n.Endpoints {
		if e.Type != model.InterfaceEndpoint {
			continue
		}
		nodes := owners(e.Addr)
		for _, a := range e.ENIs {
			if h := b.hostOf[string(a)]; h != nil {
				nodes = append(nodes, h)
			}
		}
		for _, h := range nodes {
			tcp(h, 443, "respond")
		}
	}
	for _, bs := range b.n.Bastions {
		if bs.Mode != model.BastionSSH {
			continue
		}
		for _, h := range owners(bs.Addr) {
			tcp(h, 22, "respond")
		}
	}
	for _, h := range b.hosts {
		switch {
		case h.Role == RoleInternet:
			tcp(h, 80, "respond")
			tcp(h, 443, "respond")
		case h.Role == RoleAWS:
			tcp(h, 443, "respond")
		case h.Role == RoleENI && !h.Forwarder && !lbNodes[h.Name] && !b.known(h):
			b.groupPorts(h, tcp)
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
		for _, r := range g.Ingress {
			if r.Protocol != model.TCP || r.Ports.To-r.Ports.From > 3 || r.Ports.From < 1 {
				continue
			}
			for p := r.Ports.From; p <= r.Ports.To && n < maxPortsPerHost; p++ {
				tcp(h, p, "respond")
				n++
			}
		}
	}
}
