package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/moatnet/moat/model"
)

// writePlan prints the human summary of a designed network. It reads only
// the model, so the same summary describes any network moat can load.
func writePlan(w io.Writer, n *model.Network) {
	env := ""
	if n.Environment != "" {
		env = ", " + string(n.Environment)
	}
	fmt.Fprintf(w, "Stack %s (%s%s)\n", n.Name, cmp.Or(n.Region, "no region"), env)
	for _, v := range n.VPCs {
		fmt.Fprintf(w, "\nVPC %s  %s", v.Addr, v.CIDR)
		if v.IPv6CIDR.IsValid() {
			if v.IPv6Symbolic {
				fmt.Fprintf(w, "  + IPv6 /56 assigned by Amazon")
			} else {
				fmt.Fprintf(w, "  + %s", v.IPv6CIDR)
			}
		}
		fmt.Fprintln(w)
	}
	ids := make([]string, len(n.Zones))
	for i, z := range n.Zones {
		ids[i] = z.ID
	}
	fmt.Fprintf(w, "Zones (by AZ ID): %s\n", strings.Join(ids, ", "))

	writeSubnets(w, n)
	writeNAT(w, n)
	writeWorkloads(w, n)
	writeEdge(w, n)
	writeRoutes(w, n)
	writeTransit(w, n)   // render_hub.go
	writeFirewalls(w, n) // render_hub.go
	writeReachability(w, n)
	writeNACLs(w, n)
	writeEndpoints(w, n)
	writeFlowLogs(w, n)
	writeNotes(w, n)
}

func section(w io.Writer, title string) { fmt.Fprintf(w, "\n%s\n", title) }

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func writeSubnets(w io.Writer, n *model.Network) {
	section(w, "Subnets")
	tw := table(w)
	fmt.Fprintln(tw, "  tier\tzone\tCIDR\tusable\taddress")
	for _, s := range subnetsInPlanOrder(n) {
		cidr := s.CIDR.String()
		if s.IPv6Index >= 0 && s.IPv6CIDR.IsValid() {
			cidr += fmt.Sprintf(" + IPv6 /64 #%d", s.IPv6Index)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\n", cmp.Or(string(s.Tier), "-"), s.ZoneID, cidr, s.Usable(), s.Addr)
	}
	tw.Flush()
	fmt.Fprintln(w, "  (usable = addresses left after the 5 AWS reserves in every subnet)")
}

// tierOrder is the order tiers print in: the way traffic comes in, then the
// hub-and-spoke plumbing. Imported subnets have no tier (the analyzer
// classifies them) and print last, as "-".
var tierOrder = []model.Tier{model.Public, model.Internal, model.Private, model.Isolated, model.Transit, model.Inspection}

// subnetsInPlanOrder groups subnets by VPC (in model order), then by tier,
// keeping the model's zone order inside a tier. Every subnet is listed
// once, whatever its VPC or tier.
func subnetsInPlanOrder(n *model.Network) []model.Subnet {
	rank := func(t model.Tier) int {
		if i := slices.Index(tierOrder, t); i >= 0 {
			return i
		}
		if t == "" {
			return len(tierOrder) + 1
		}
		return len(tierOrder)
	}
	vpc := func(a model.ResourceRef) int {
		if i := slices.IndexFunc(n.VPCs, func(v model.VPC) bool { return v.Addr == a }); i >= 0 {
			return i
		}
		return len(n.VPCs)
	}
	out := slices.Clone(n.Subnets)
	slices.SortStableFunc(out, func(a, b model.Subnet) int {
		return cmp.Or(cmp.Compare(vpc(a.VPC), vpc(b.VPC)), cmp.Compare(rank(a.Tier), rank(b.Tier)))
	})
	return out
}

func writeNAT(w io.Writer, n *model.Network) {
	section(w, "NAT")
	switch {
	case len(n.NATInstances) > 0:
		for _, ni := range n.NATInstances {
			fmt.Fprintf(w, "  %s: %s NAT instance in %s, serving %s; auto-scaling group of exactly one, fixed interface %s with source/destination check off\n",
				ni.Addr, ni.InstanceType, ni.Subnet, strings.Join(ni.Serves, ", "), ni.ENI)
		}
	case len(n.NATGateways) > 0:
		for _, g := range n.NATGateways {
			if g.Regional {
				fmt.Fprintf(w, "  %s: regional NAT gateway over %s, %d Elastic IPs\n", g.Addr, strings.Join(g.Zones, ", "), g.PublicIPs)
			} else {
				fmt.Fprintf(w, "  %s: NAT gateway in %s, %d Elastic IP\n", g.Addr, g.Subnet, g.PublicIPs)
			}
		}
	default:
		fmt.Fprintln(w, "  none: the app and database subnets have no route to the internet")
	}
	for _, tp := range n.Topics {
		to := "no subscriber yet (set network.nat.notify or subscribe to it)"
		if tp.Email != "" {
			to = "emailed to " + tp.Email + " once the address confirms"
		}
		fmt.Fprintf(w, "  %s: the auto-scaling groups' launches, terminations and failures go to this SNS topic (encrypted with %s), %s\n", tp.Addr, tp.KMSKey, to)
	}
}

func writeRoutes(w io.Writer, n *model.Network) {
	section(w, "Route tables")
	tw := table(w)
	for _, rt := range n.RouteTables {
		var out []string
		for _, r := range rt.Routes {
			if r.TargetKind == model.TargetLocal {
				continue
			}
			dest := r.DestPrefixList
			if r.Dest.IsValid() {
				dest = r.Dest.String()
			}
			target := string(r.Target)
			if target == "" {
				target = string(r.TargetKind)
			}
			out = append(out, dest+" -> "+target)
		}
		for _, e := range n.Endpoints {
			if slices.Contains(e.RouteTables, rt.Addr) {
				out = append(out, e.Service+" -> "+string(e.Addr))
			}
		}
		routes := "local only: no route out of the VPC"
		if len(out) > 0 {
			routes = strings.Join(out, ", ")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", rt.Addr, plural(len(n.RouteTableSubnets(rt.Addr)), "subnet"), routes)
	}
	tw.Flush()
}

// writeReachability prints security groups as "who may reach whom": one
// line per ingress rule, source first.
func writeReachability(w io.Writer, n *model.Network) {
	section(w, "Security groups: who may reach whom")
	tw := table(w)
	fmt.Fprintln(tw, "  from\tto\ton")
	for _, g := range n.SecurityGroups {
		if len(g.Ingress) == 0 {
			fmt.Fprintf(tw, "  (nobody)\t%s\t-\n", g.Addr)
		}
		for _, r := range g.Ingress {
			from := r.Peer.String()
			if r.Peer.Kind == model.PeerCIDR && r.Peer.CIDR.Bits() == 0 {
				from += " (anyone)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", from, g.Addr, ruleTraffic(r.Protocol, r.Ports))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "  Egress, per group:")
	tw = table(w)
	for _, g := range n.SecurityGroups {
		var out []string
		for _, r := range g.Egress {
			out = append(out, ruleTraffic(r.Protocol, r.Ports)+" to "+r.Peer.String())
		}
		if len(out) == 0 {
			out = []string{"none"}
		}
		fmt.Fprintf(tw, "    %s\t%s\n", g.Addr, strings.Join(out, ", "))
	}
	tw.Flush()
}

func ruleTraffic(p model.Protocol, r model.PortRange) string {
	if p == model.AllProtocols {
		return "all traffic"
	}
	return fmt.Sprintf("%s/%s", p, r)
}

func writeNACLs(w io.Writer, n *model.Network) {
	section(w, "Network ACLs (stateless; lowest rule number wins; then deny)")
	for _, acl := range n.NetworkACLs {
		fmt.Fprintf(w, "  %s (%s)\n", acl.Addr, plural(len(n.ACLSubnets(acl.Addr)), "subnet"))
		tw := table(w)
		for _, egress := range []bool{false, true} {
			dir, peer := "in ", "from"
			if egress {
				dir, peer = "out", "to"
			}
			for _, e := range acl.Entries {
				if e.Egress != egress {
					continue
				}
				fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s %s\t%s\n", dir, e.RuleNumber, e.Action, ruleTraffic(e.Protocol, e.Ports), peer, e.CIDR, e.Description)
			}
		}
		tw.Flush()
	}
}

func writeEndpoints(w io.Writer, n *model.Network) {
	section(w, "Endpoints")
	if len(n.Endpoints) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, e := range n.Endpoints {
		if e.Type == model.GatewayEndpoint {
			fmt.Fprintf(w, "  %s: gateway endpoint for %s (free) on %s\n", e.Addr, e.ServiceName, plural(len(e.RouteTables), "route table"))
		} else {
			fmt.Fprintf(w, "  %s: interface endpoint for %s in %s, private DNS %s\n", e.Addr, e.ServiceName, plural(len(e.Subnets), "zone"), onOff(e.PrivateDNS))
		}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func writeFlowLogs(w io.Writer, n *model.Network) {
	section(w, "Flow logs")
	if len(n.FlowLogs) == 0 {
		fmt.Fprintln(w, "  off")
	}
	for _, f := range n.FlowLogs {
		fmt.Fprintf(w, "  %s: %s traffic of %s to CloudWatch Logs %s, kept %d days\n", f.Addr, f.TrafficType, f.VPC, f.LogGroup, f.RetentionDays)
	}
}

func writeNotes(w io.Writer, n *model.Network) {
	if len(n.Notes)+len(n.Waivers) == 0 {
		return
	}
	section(w, "Trade-offs and advice")
	for _, note := range n.Notes {
		fmt.Fprintf(w, "  - %s: %s\n", note.Kind, note.Text)
	}
	// The deliberate deviations from security practice, as the
	// template's Metadata records them for the scanners; one line per
	// reason, naming every resource it covers (each NAT's role, say).
	type line struct {
		resources     []string
		reason, rules string
	}
	var lines []*line
	seen := map[string]*line{}
	for _, wv := range n.Waivers {
		by := map[model.Scanner][]string{}
		var order []model.Scanner
		for _, r := range wv.Rules {
			if _, ok := by[r.Scanner]; !ok {
				order = append(order, r.Scanner)
			}
			by[r.Scanner] = append(by[r.Scanner], r.ID)
		}
		var ids []string
		for _, sc := range order {
			ids = append(ids, string(sc)+" "+strings.Join(by[sc], ", "))
		}
		l := &line{reason: wv.Reason, rules: strings.Join(ids, "; ")}
		if prev, ok := seen[l.reason+"\x00"+l.rules]; ok {
			l = prev
		} else {
			seen[l.reason+"\x00"+l.rules] = l
			lines = append(lines, l)
		}
		l.resources = append(l.resources, string(wv.Resource))
	}
	for _, l := range lines {
		fmt.Fprintf(w, "  - waived: %s: %s (%s)\n", strings.Join(l.resources, ", "), l.reason, l.rules)
	}
}

func writeWorkloads(w io.Writer, n *model.Network) {
	if len(n.LoadBalancers)+len(n.Services)+len(n.Databases)+len(n.Bastions) == 0 {
		return
	}
	section(w, "Front end and workloads")
	for _, lb := range n.LoadBalancers {
		scheme := "internal"
		if lb.InternetFacing {
			scheme = "internet-facing"
		}
		if lb.DualStack {
			scheme += " dual-stack"
		}
		var ls []string
		for _, l := range lb.Listeners {
			s := fmt.Sprintf("%s:%d", l.Protocol, l.Port)
			if l.RedirectToHTTPS {
				s += " (redirects to HTTPS)"
			}
			ls = append(ls, s)
		}
		where := "in " + plural(len(lb.Subnets), "subnet")
		if lb.Kind == model.APIGateway {
			// API Gateway sits outside the VPC; its VPC Link is in the subnets.
			where = "with its VPC Link in " + plural(len(lb.Subnets), "subnet")
		}
		fmt.Fprintf(w, "  %s: %s %s %s, listeners %s, forwards to %s:%d\n",
			lb.Addr, scheme, lb.Kind, where, strings.Join(ls, ", "), lb.Targets, lb.TargetPort)
	}
	for _, s := range n.Services {
		fmt.Fprintf(w, "  %s: %s %q on port %d in %s, group %s\n", s.Addr, s.Kind, s.Name, s.Port, plural(len(s.Subnets), "subnet"), s.SecurityGroup)
	}
	for _, d := range n.Databases {
		az := "single-AZ"
		if d.MultiAZ {
			az = "Multi-AZ"
		}
		fmt.Fprintf(w, "  %s: %s on port %d, %s, in %d isolated subnets, group %s\n", d.Addr, d.Engine, d.Port, az, len(d.Subnets), d.SecurityGroup)
	}
	for _, b := range n.Bastions {
		how := "Session Manager, no inbound port"
		if b.Mode == model.BastionSSH {
			var from []string
			for _, p := range b.AllowFrom {
				from = append(from, p.String())
			}
			how = "SSH from " + strings.Join(from, ", ")
		}
		fmt.Fprintf(w, "  %s: in %s, %s, group %s\n", b.Addr, b.Subnet, how, b.SecurityGroup)
	}
}
