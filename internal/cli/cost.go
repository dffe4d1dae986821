package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/pricing"
)

type costOptions struct {
	prices  string
	usage   string
	format  string
	compare bool
}

func newCostCommand(io *streams) *cobra.Command {
	var opts costOptions
	cmd := &cobra.Command{
		Use:   "cost NETWORK",
		Short: "Price a network per resource line, or compare the NAT options",
		Long: `cost prices a network at AWS list prices for a 730-hour month, one line per
charge: the hourly parts (NAT gateways and instances, load balancers,
endpoints per zone, Transit Gateway attachments, firewall endpoints, every
public IPv4 address) and the usage parts (GB through NAT, GB out to the
internet by tier, GB across zones - charged in both directions - capacity
units, API requests, flow-log ingestion, the workloads).

Usage is an assumption, so every usage figure is printed with the report.
The defaults describe a small stack; set any of them in a YAML file:

  # usage.yaml
  nat_gb: 2000            # GB a month through NAT
  internet_out_gb: 500
  fargate_tasks: 6

Prices come from pricing/data/<region>.yaml, each figure with its source
and the date it was read (--prices FILE uses another table, such as one
moat prices refresh brought up to date from AWS's Price List). A charge
moat has no confirmed price for is listed as unpriced, with the reason,
and left out of the total - never counted as zero. What AWS waives is a
credit line of its own: NAT gateway hours and GB against a Network
Firewall's in the same account. Where every GB through NAT also crosses a
firewall or a Transit Gateway (an egress VPC), firewall_gb and tgw_gb
follow nat_gb unless the usage file sets them.

--compare designs the same stack with each NAT option (an instance per
zone, one shared instance, a gateway per zone, one shared gateway, a
regional gateway, none) and shows each one's monthly total and saving
against a NAT gateway per zone, including the cross-zone traffic a shared
NAT adds, and what each gives up. An option the topology does not have
(the design builds the same NAT as for an earlier row, as hub-and-spoke
does for all of them) is named under "Not compared", not repeated. It
compares only designs moat compiles: it needs a stack spec that builds its
own VPC, not an import or a stack in an existing VPC.

NETWORK is a stack spec, a directory of aws ec2 describe-* JSON or a
CloudFormation template. Exit codes: 0 ok, 2 usage or input error.`,
		Example: `  moat cost examples/webapp.yaml
  moat cost --usage usage.yaml examples/webapp.yaml
  moat cost --compare examples/webapp.yaml
  moat cost --prices refreshed/us-east-1.yaml examples/webapp.yaml
  moat cost --format json examples/api.yaml | jq '.total'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCost(io, args[0], opts)
		},
	}
	cmd.Flags().StringVar(&opts.usage, "usage", "", "YAML file overriding the usage assumptions (see the keys in the report)")
	cmd.Flags().StringVar(&opts.prices, "prices", "", "price table FILE to use instead of moat's own for the network's Region (one moat prices refresh wrote)")
	cmd.Flags().StringVar(&opts.format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&opts.compare, "compare", false, "price the stack with each NAT option, side by side")
	return cmd
}

func runCost(io *streams, path string, opts costOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", opts.format)}
	}
	usage, err := readUsage(io, opts.usage)
	if err != nil {
		return err
	}
	src, err := loadNetwork(io, path)
	if err != nil {
		return err
	}
	table, tableErr := pricing.Load(src.network.Region)
	if opts.prices != "" {
		table, tableErr = pricing.LoadFile(opts.prices)
		if d := (diag.List{}); errors.As(tableErr, &d) {
			src, _ := os.ReadFile(opts.prices)
			if err := reportDiags(io, d, diag.Sources{opts.prices: src}); err != nil {
				return err
			}
		}
		if tableErr != nil {
			return &exitError{code: exitInput, err: tableErr}
		}
		if table.Region != src.network.Region {
			return &exitError{code: exitInput, err: fmt.Errorf("--prices %s is for region %q; %s is in %q", opts.prices, table.Region, path, src.network.Region)}
		}
	}
	if tableErr != nil && !errors.Is(tableErr, pricing.ErrNoTable) {
		return &exitError{code: exitFindings, err: tableErr}
	}
	if tableErr != nil && opts.format == "text" {
		fmt.Fprintf(io.stderr, "moat: %v; every line is listed unpriced\n", tableErr)
	}
	if opts.compare {
		if src.spec == nil || src.spec.stack == nil {
			return &exitError{code: exitInput, err: fmt.Errorf("--compare designs the stack again with each NAT option, so it needs a stack spec, not %s", path)}
		}
		if len(src.network.NATOptions) == 0 {
			return &exitError{code: exitInput, err: fmt.Errorf("--compare compares the NAT options of a design moat builds, and %s goes into an existing VPC (network.existing), whose way to the internet it does not build: there are none to compare", path)}
		}
		c := pricing.Compare(derive.NATOptions(src.spec.stack, src.network), table, usage)
		if opts.format == "json" {
			return writeJSONResult(io, c)
		}
		writeComparison(io.stdout, c, table)
		return nil
	}
	r := pricing.Estimate(src.network, table, usage)
	if opts.format == "json" {
		return writeJSONResult(io, struct {
			*pricing.Report
			Prices []pricing.Price `json:"prices,omitempty"`
		}{r, usedPrices(r, table)})
	}
	writeCost(io.stdout, r)
	writeExistingCost(io.stdout, src.network, r)
	return nil
}

// readUsage reads --usage over the defaults; problems are diagnostics
// with positions and exit 2.
func readUsage(io *streams, path string) (pricing.Usage, error) {
	u := pricing.DefaultUsage()
	if path == "" {
		return u, nil
	}
	src, err := readInput(io, path, "usage", maxSpecBytes)
	if err != nil {
		return u, &exitError{code: exitInput, err: err}
	}
	u, diags := pricing.ParseUsage(path, src, u)
	if len(diags) == 0 {
		return u, nil
	}
	return u, reportDiags(io, diags, diag.Sources{path: src})
}

// usedPrices lists the table's figures the report used, with sources.
func usedPrices(r *pricing.Report, t *pricing.Table) []pricing.Price {
	if t == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []pricing.Price
	for _, l := range r.Lines {
		if !seen[l.PriceKey] {
			seen[l.PriceKey] = true
			out = append(out, t.Lookup(l.PriceKey))
		}
	}
	return out
}

// writeCostSummary is the one line plan prints.
func writeCostSummary(w io.Writer, n *model.Network) {
	t, err := pricing.Load(n.Region)
	if err != nil {
		fmt.Fprintf(w, "\nEstimated cost: not priced (moat has no price table for %s; see moat cost)\n", n.Region)
		return
	}
	r := pricing.Estimate(n, t, pricing.DefaultUsage())
	extra := ""
	if r.Unpriced > 0 {
		extra = fmt.Sprintf(" + %d unpriced", r.Unpriced)
	}
	fmt.Fprintf(w, "\nEstimated cost: %s/month%s (%s list prices, default usage; see moat cost)\n", r.Total, extra, n.Region)
}
