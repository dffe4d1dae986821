package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// writeTransit prints each Transit Gateway: its attachments (VPC, subnets,
// associated table, appliance mode), then each of its route tables with
// the attachments associated with it, those propagating into it, and its
// routes, blackholes included. It prints nothing for a network without
// one, so single-VPC plans are unchanged.
func writeTransit(w io.Writer, n *model.Network) {
	if len(n.TransitGateways) == 0 {
		return
	}
	section(w, "Transit Gateways (each attachment is routed by the table it is associated with)")
	for _, g := range n.TransitGateways {
		var about []string
		if g.ASN != 0 {
			about = append(about, "ASN "+strconv.Itoa(g.ASN))
		}
		if g.Account != "" {
			about = append(about, "account "+g.Account)
		}
		var atts []model.TGWAttachment
		for _, a := range n.TGWAttachments {
			if a.TGW == g.Addr {
				atts = append(atts, a)
			}
		}
		about = append(about, plural(len(atts), "attachment"))
		fmt.Fprintf(w, "  %s: %s\n", g.Addr, strings.Join(about, ", "))
		tw := table(w)
		fmt.Fprintln(tw, "    attachment\tto\tsubnets\troute table\tappliance mode")
		for _, a := range atts {
			to := string(a.VPC)
			switch a.Kind {
			case model.TGWAttachPeering:
				to = "peer " + string(a.PeerTGW)
			case model.TGWAttachVPC, "":
			default:
				to = string(a.Kind)
			}
			if to == "" {
				to = "-"
			}
			if a.Account != "" {
				to += " (account " + a.Account + ")"
			}
			mode := "off"
			if a.ApplianceMode {
				mode = "on: a flow's two directions stay in one zone"
			}
			fmt.Fprintf(tw, "    %s\t%s\t%d\t%s\t%s\n", a.Addr, to, len(a.Subnets), orDash(string(a.RouteTable)), mode)
		}
		tw.Flush()
		for _, rt := range n.TGWRouteTables {
			if rt.TGW != g.Addr {
				continue
			}
			fmt.Fprintf(w, "  %s: associated %s; propagated from %s\n", rt.Addr, addrList(rt.Associations), addrList(rt.Propagations))
			if len(rt.Routes) == 0 {
				fmt.Fprintln(w, "    no routes: traffic from its attachments goes nowhere")
				continue
			}
			tw := table(w)
			for _, r := range rt.Routes {
				to := string(r.Attachment)
				switch {
				case r.Blackhole:
					to = "blackhole (dropped)"
				case r.Propagated:
					to += " (propagated)"
				}
				fmt.Fprintf(tw, "    %s\t-> %s\n", r.Dest, to)
			}
			tw.Flush()
		}
	}
}

// writeFirewalls prints each Network Firewall: its VPC and endpoint
// subnets, its rules in the order the firewall runs them, the default
// action, and where its logs go when the model knows. Nothing for a
// network without one.
func writeFirewalls(w io.Writer, n *model.Network) {
	if len(n.Firewalls) == 0 {
		return
	}
	section(w, "Network Firewalls (stateful; rules in order, the first pass or drop decides)")
	for _, f := range n.Firewalls {
		fmt.Fprintf(w, "  %s in %s, endpoints in %s\n", f.Addr, orDash(string(f.VPC)), addrList(f.Subnets))
		tw := table(w)
		for i, r := range f.Rules {
			match, what := firewallRuleText(r)
			fmt.Fprintf(tw, "    %d\t%s\t%s\t%s\n", i+1, r.Action, match, what)
		}
		switch f.DefaultAction {
		case "":
			fmt.Fprintf(tw, "    -\tpass?\tdefault\tunknown: the policy was not read, so the analysis passes every flow\n")
		default:
			fmt.Fprintf(tw, "    -\t%s\tdefault\tevery flow no rule decided\n", f.DefaultAction)
		}
		tw.Flush()
		if len(f.Logs) > 0 {
			var logs []string
			for _, l := range f.Logs {
				logs = append(logs, fmt.Sprintf("%s to %s %s", strings.ToLower(l.Type), logDestination(l.Destination), l.Target))
			}
			fmt.Fprintf(w, "    logs: %s\n", strings.Join(logs, ", "))
		}
	}
}

// firewallRuleText says what a rule matches: a host name by TLS SNI or
// HTTP Host, or a destination CIDR:port.
func firewallRuleText(r model.FirewallRule) (match, what string) {
	if len(r.Domains) > 0 {
		match = "TLS SNI"
		if r.Ports == model.Port(80) {
			match = "HTTP Host"
		}
		return match, fmt.Sprintf("%s (%s)", strings.Join(r.Domains, ", "), ruleTraffic(r.Protocol, r.Ports))
	}
	dest := "anywhere"
	if r.Dest.IsValid() {
		dest = r.Dest.String()
	}
	switch {
	case r.Protocol == model.AllProtocols:
		return "all traffic", "to " + dest
	case r.Ports == model.AnyPort:
		return r.Protocol.String(), dest + ":any"
	case r.Ports.From == r.Ports.To:
		return r.Protocol.String(), fmt.Sprintf("%s:%d", dest, r.Ports.From)
	}
	return r.Protocol.String(), fmt.Sprintf("%s:%d-%d", dest, r.Ports.From, r.Ports.To)
}

func logDestination(d string) string {
	switch d {
	case "cloud-watch-logs":
		return "CloudWatch Logs"
	case "s3":
		return "S3"
	case "kinesis-data-firehose":
		return "Firehose"
	}
	return d
}

func addrList(as []model.ResourceRef) string {
	if len(as) == 0 {
		return "none"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}
