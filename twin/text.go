package twin

import (
	"fmt"
	"strings"
)

// Text renders the plan for people and golden files: hosts, namespaces
// with their settings, `ip -batch` lines and nftables rulesets, veths,
// listeners and balancers, in the plan's fixed order.
func (p *Plan) Text() string {
	var w strings.Builder
	fmt.Fprintf(&w, "twin %s (namespaces %s*, links %s*)\n", p.Stack, StackPrefix(p.Stack), p.LinkPrefix)
	w.WriteString("\nhosts\n")
	for _, h := range p.Hosts {
		pub := "-"
		if h.PublicIP.IsValid() {
			pub = h.PublicIP.String()
		}
		extra := ""
		if h.Forwarder {
			extra += " forwarder"
		}
		if h.Synthesized {
			extra += " synthesized"
		}
		if h.IPv6.IsValid() {
			extra += " ipv6 " + h.IPv6.String()
		}
		fmt.Fprintf(&w, "  %-32s %-12s %-15s public %-15s %s%s\n", h.Name, h.Role, h.IP, pub, h.NS, extra)
	}
	w.WriteString("\nveths\n")
	for _, v := range p.Veths {
		fmt.Fprintf(&w, "  %s %s <-> %s %s\n", v.NS, v.Name, v.PeerNS, v.PeerName)
	}
	for _, ns := range p.Namespaces {
		fmt.Fprintf(&w, "\nnamespace %s (%s %s)\n", ns.Name, ns.Role, ns.Resource)
		for _, s := range ns.Sysctls {
			opt := ""
			if s.Optional {
				opt = " (if present)"
			}
			fmt.Fprintf(&w, "  sysctl %s=%s%s\n", s.Key, s.Value, opt)
		}
		for _, l := range ns.IP {
			fmt.Fprintf(&w, "  ip %s\n", l)
		}
		for _, l := range ns.IP6 {
			fmt.Fprintf(&w, "  ip -6 %s\n", l)
		}
		if ns.NFT != "" {
			for _, l := range strings.Split(strings.TrimRight(ns.NFT, "\n"), "\n") {
				fmt.Fprintf(&w, "  nft| %s\n", l)
			}
		}
	}
	w.WriteString("\nlisteners\n")
	for _, l := range p.Listeners {
		db := ""
		if l.Database.IsValid() {
			db = " queries " + l.Database.String()
		}
		fmt.Fprintf(&w, "  %s %s/%d %s (%s)%s\n", l.IP, l.Proto, l.Port, l.Kind, l.Host, db)
	}
	w.WriteString("\nbalancers\n")
	for _, b := range p.Balancers {
		ip := b.IP.String()
		if b.IPv6.IsValid() {
			ip += " " + b.IPv6.String()
		}
		fmt.Fprintf(&w, "  %s %s (%s) -> %v\n", b.LB, ip, b.Host, b.Targets)
		if b.DialNS != "" {
			fmt.Fprintf(&w, "    from %s", b.DialNS)
			if b.UpstreamTLS != "" {
				fmt.Fprintf(&w, ", TLS to %s", b.UpstreamTLS)
			}
			w.WriteString("\n")
		}
		for _, l := range b.Listeners {
			names := ""
			if l.Names != nil {
				names = fmt.Sprintf(" names=%v", l.Names)
			}
			fmt.Fprintf(&w, "    %s:%d redirect=%v domains=%v%s\n", l.Protocol, l.Port, l.Redirect, l.Domains, names)
		}
	}
	if len(p.Inspectors) > 0 {
		w.WriteString("\ninspectors\n")
		for _, in := range p.Inspectors {
			fmt.Fprintf(&w, "  %s %s:%d in %s, %d rules, default %s\n", in.Firewall, in.IP, in.Port, in.NS, len(in.Rules), in.DefaultAction)
		}
	}
	if len(p.Warnings) > 0 {
		w.WriteString("\nwarnings\n")
		for _, x := range p.Warnings {
			fmt.Fprintf(&w, "  %s\n", x)
		}
	}
	return w.String()
}
