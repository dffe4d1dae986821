package cli

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/analyze"
)

type auditOptions struct {
	format string
}

func newAuditCommand(io *streams) *cobra.Command {
	var opts auditOptions
	cmd := &cobra.Command{
		Use:   "audit NETWORK",
		Short: "Classify subnets, list what the internet reaches, check placement",
		Long: `audit reads NETWORK (usually a directory of aws ec2 describe-* JSON; a spec
or a template works too) and reports:

  - every subnet's tier as its routes make it: public (a route to an
    internet gateway), private (a default route to NAT, an appliance, a
    Transit Gateway or a peering), isolated (no default route);
  - every interface the internet can reach, with the ports and the path;
  - placement rules: a database needs at least two isolated subnets in
    different zones; Lambda needs private subnets; proxies (SSH bastions,
    NAT instances) belong in public subnets; ALB IP targets must be
    RFC 1918 or 100.64.0.0/10 addresses.

Exit 1 when a placement rule fails, or when what the internet reaches depends on
something the input does not define (listed under "Not known").`,
		Example: `  moat audit ./describe-output
  moat audit --format json examples/webapp.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAudit(io, args[0], opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "text", "output: text or json")
	return cmd
}

func runAudit(io *streams, path string, opts auditOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", opts.format)}
	}
	src, err := loadNetwork(io, path)
	if err != nil {
		return err
	}
	r := analyze.NewIndex(src.network).Audit()
	if opts.format == "json" {
		type portJSON struct {
			Proto string   `json:"proto"`
			Ports string   `json:"ports"`
			From  string   `json:"from"`
			Rule  string   `json:"rule"`
			Path  pathJSON `json:"path"`
		}
		type exposedJSON struct {
			ENI          string     `json:"eni"`
			Subnet       string     `json:"subnet"`
			PublicIP     string     `json:"public_ip,omitempty"`
			IPv6         string     `json:"ipv6,omitempty"`
			Standin      bool       `json:"public_ip_is_standin"`
			LoadBalancer string     `json:"load_balancer,omitempty"`
			Ports        []portJSON `json:"ports"`
		}
		type subnetJSON struct {
			Subnet   string `json:"subnet"`
			Zone     string `json:"zone"`
			Tier     string `json:"tier"`
			Reason   string `json:"reason"`
			Declared string `json:"declared,omitempty"`
		}
		out := struct {
			Subnets  []subnetJSON      `json:"subnets"`
			Exposed  []exposedJSON     `json:"exposed"`
			Findings []analyze.Finding `json:"findings"`
			Unknown  []string          `json:"unknown"`
		}{Subnets: []subnetJSON{}, Exposed: []exposedJSON{}, Findings: nonNil(r.Findings), Unknown: nonNil(r.Unknown)}
		for _, s := range r.Subnets {
			out.Subnets = append(out.Subnets, subnetJSON{string(s.Subnet), s.ZoneID, string(s.Tier), s.Reason, string(s.Declared)})
		}
		for _, e := range r.Exposed {
			ej := exposedJSON{ENI: string(e.ENI), Subnet: string(e.Subnet), PublicIP: addrText(e.PublicIP), IPv6: addrText(e.IPv6), Standin: e.Standin, LoadBalancer: string(e.LoadBalancer), Ports: []portJSON{}}
			for _, p := range e.Ports {
				ej.Ports = append(ej.Ports, portJSON{p.Proto.String(), p.Ports.String(), p.From.String(), p.Rule, pathToJSON(p.Path)})
			}
			out.Exposed = append(out.Exposed, ej)
		}
		if err := writeJSONResult(io, out); err != nil {
			return err
		}
	} else {
		writeAudit(io.stdout, r)
	}
	if len(r.Findings) > 0 || len(r.Unknown) > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}

func writeAudit(w io.Writer, r analyze.AuditReport) {
	fmt.Fprintln(w, "Subnets (tier by routes)")
	tw := table(w)
	for _, s := range r.Subnets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Tier, s.ZoneID, s.Subnet, s.Reason)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nReachable from the internet")
	if len(r.Exposed) == 0 {
		fmt.Fprintln(w, "  nothing")
	}
	for _, e := range r.Exposed {
		var at []string
		if e.PublicIP.IsValid() {
			ip := "public IP " + e.PublicIP.String()
			if e.Standin {
				ip += " (stand-in)"
			}
			at = append(at, ip)
		}
		if e.IPv6.IsValid() {
			at = append(at, "IPv6 "+e.IPv6.String())
		}
		what := ""
		if e.LoadBalancer != "" {
			what = ", " + string(e.LoadBalancer) + "'s interface"
		}
		fmt.Fprintf(w, "  %s in %s, %s%s\n", e.ENI, e.Subnet, strings.Join(at, " and "), what)
		for _, p := range e.Ports {
			fmt.Fprintf(w, "    %s/%s from %s  (%s)\n      path: %s\n", p.Proto, p.Ports, p.From, p.Rule, p.Path.Summary())
		}
	}
	if len(r.Unknown) > 0 {
		fmt.Fprintln(w, "\nNot known (the answer above is not a proof where it depends on these)")
		for _, u := range r.Unknown {
			fmt.Fprintf(w, "  ? %s\n", u)
		}
	}
	fmt.Fprintln(w, "\nPlacement")
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "  ✓ every placement rule holds")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  ✗ [%s] %s\n    fix: %s\n", f.Rule, f.Text, f.Fix)
	}
}

// addrText is a's text, or "" for no address.
func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
