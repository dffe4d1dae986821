package analyze

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/model"
)

// firewallVerdict decides what a Network Firewall endpoint (in subnet fs)
// does with the walker's packet, and says why. The firewall is stateful:
// a reply belongs to a flow it already passed on the way out, so it
// passes. Rules run in strict order; the first pass or drop that matches
// decides (alert rules only log), else the default action does.
//
// A domain rule matches the flow's host name (TLS SNI on port 443, HTTP
// Host on 80) as Network Firewall's domain lists do: ".example.com"
// covers example.com and every name under it. A flow with no host name
// matches no domain rule: only address rules can pass it.
func (w *walker) firewallVerdict(fw *model.Firewall, fs *subnetInfo) (model.FirewallAction, string) {
	where := ""
	if fs != nil {
		where = "endpoint in " + fs.s.ZoneID + ": "
	}
	if w.dir == Return {
		return model.FirewallPass, where + "reply of a flow it passed (stateful)"
	}
	w.rec.firewall(fw)
	c := w.ix.fwRules[fw.Addr]
	i, d := c.Decide(w.pk.proto, w.pk.dst, w.pk.dport, w.pk.host)
	if i < 0 {
		text := "default action"
		if w.pk.host != "" {
			text = fmt.Sprintf("default action; %s is on no pass list", w.pk.host)
		}
		return c.Default, where + text
	}
	r := c.Rules[i]
	if len(r.Rule.Domains) > 0 {
		return r.Rule.Action, where + fmt.Sprintf("rule %s %s %s", r.Rule.Action, domainKind(r.Ports), d)
	}
	return r.Rule.Action, where + fmt.Sprintf("rule %s %s to %s", r.Rule.Action, r.Match, destText(r.Rule.Dest))
}

// domainKind names what a domain rule reads on its port.
func domainKind(p model.PortRange) string {
	if p == model.Port(80) {
		return "HTTP Host"
	}
	return "TLS SNI"
}

// hostOf is a name a domain entry covers: the name itself, or one under a
// ".example.com" entry.
func hostOf(d string) string {
	if strings.HasPrefix(d, ".") {
		return "www" + d
	}
	return d
}

// UnlistedHost is the name verify asks the firewall about to show that a
// host off the allow-list is dropped; .example is reserved (RFC 2606), so
// no allow-list can hold it by accident.
const UnlistedHost = "not-allowed.example"

// firewalled reports whether subnet s reaches the internet, if at all,
// through a Network Firewall: its way out meets one.
func (ix *Index) firewalled(s *subnetInfo) bool {
	if len(ix.n.Firewalls) == 0 {
		return false
	}
	p := ix.Trace(Flow{Src: FlowEnd{Kind: SubnetHost, Addr: s.s.Addr, IP: s.rep, Subnet: s.s.Addr}, Dst: FlowEnd{Kind: Internet, IP: InternetIPv4}, Proto: model.TCP, Port: 443})
	return metFirewall(p)
}

// metFirewall reports whether a path passed or was stopped by a firewall.
func metFirewall(p Path) bool {
	if hasKind(p.Forward, HopFirewall) {
		return true
	}
	for _, b := range p.Blockers {
		if b.Kind == HopFirewall && b.Direction == Forward {
			return true
		}
	}
	return false
}

// firewallZones returns the zones of the firewall endpoints a path's hops
// name, in order.
func firewallZones(hops []Hop) []string {
	var out []string
	for _, h := range hops {
		if h.Kind != HopFirewall {
			continue
		}
		if z, _, ok := strings.Cut(strings.TrimPrefix(h.Rule, "endpoint in "), ":"); ok {
			out = append(out, z)
		}
	}
	return out
}

// checkFirewalled proves, for every subnet whose way out meets a Network
// Firewall (the workload of a hub-and-spoke design):
//
//   - each allow-listed host is reached through the firewall and NAT,
//     and the reply comes back through the same zone's endpoint;
//   - a host on no list is dropped at the firewall;
//   - nothing reaches the internet without crossing the firewall, on any
//     common port, even from a host given a public IP.
func (ix *Index) checkFirewalled() []Check {
	var out []Check
	classes := ix.Classify()
	for _, s := range ix.subnetsL {
		// Workload subnets only: declared private, or read as private
		// from what the subnet holds and its routes (tiers.go).
		if ix.tierOf(s, classes) != model.Private || !ix.firewalled(s) {
			continue
		}
		host := FlowEnd{Kind: SubnetHost, Addr: s.s.Addr, IP: s.rep, Subnet: s.s.Addr}
		inet := FlowEnd{Kind: Internet, IP: InternetIPv4}
		for _, fw := range ix.n.Firewalls {
			for _, x := range ix.fwRules[fw.Addr].Rules {
				r := x.Rule
				if r.Action != model.FirewallPass || len(r.Domains) == 0 {
					continue
				}
				for _, d := range r.Domains {
					name := hostOf(d)
					p := ix.Trace(Flow{Src: host, Dst: inet, Proto: model.TCP, Port: r.Ports.From, Host: name})
					c := Check{Intent: fmt.Sprintf("%s reaches %s:%d only through %s and NAT, both ways in one zone", s.s.Addr, name, r.Ports.From, fw.Addr), Origin: "design", Evidence: []Path{p}}
					fz, rz := firewallZones(p.Forward), firewallZones(p.Return)
					switch {
					case !p.Reachable:
						c.Detail = "it cannot: " + pathBlockers(p)
					case !hasKind(p.Forward, HopFirewall) || !hasKind(p.Forward, HopNAT):
						c.Detail = "it gets there without the firewall and NAT: " + p.Summary()
					case len(fz) != 1 || len(rz) != 1 || fz[0] != rz[0]:
						c.Detail = fmt.Sprintf("the reply crosses firewall endpoints %v, the request %v: a stateful firewall must see both directions in one zone", rz, fz)
					default:
						c.OK = true
					}
					out = append(out, c)
				}
			}
		}
		p := ix.Trace(Flow{Src: host, Dst: inet, Proto: model.TCP, Port: 443, Host: UnlistedHost})
		c := Check{Intent: fmt.Sprintf("%s cannot reach %s:443, a host on no allow-list: the firewall drops it", s.s.Addr, UnlistedHost), Origin: "design", Evidence: []Path{p}}
		switch {
		case p.Reachable:
			c.Detail = "it can: " + p.Summary()
		case !metFirewall(p):
			c.Detail = "it is stopped, but not by the firewall: " + pathBlockers(p)
		default:
			c.OK = true
		}
		out = append(out, c)

		c = Check{Intent: fmt.Sprintf("%s has no way to the internet that skips the firewall", s.s.Addr), Origin: "design", OK: true}
		if s.rt != nil {
			for _, r := range s.rt.Routes {
				switch r.Kind() {
				case model.TargetIGW, model.TargetEIGW, model.TargetNATGateway, model.TargetENI, model.TargetPeering:
					c.OK = false
					c.Detail = appendSentence(c.Detail, fmt.Sprintf("%s has %s", s.rt.Table.Addr, r.Text()))
				}
			}
		}
		pub := host
		pub.PublicIP = true
		for _, src := range []FlowEnd{host, pub} {
			for _, q := range []struct {
				proto model.Protocol
				port  int
			}{{model.TCP, 443}, {model.TCP, 80}, {model.TCP, 22}, {model.UDP, 53}, {model.UDP, 123}} {
				p := ix.Trace(Flow{Src: src, Dst: inet, Proto: q.proto, Port: q.port})
				if p.Reachable && !hasKind(p.Forward, HopFirewall) {
					c.OK = false
					c.Detail = appendSentence(c.Detail, fmt.Sprintf("%s reaches the internet on %s/%d without the firewall", src, q.proto, q.port))
					c.Evidence = append(c.Evidence, p)
				}
			}
		}
		out = append(out, c)
	}
	return out
}
