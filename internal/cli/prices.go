package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/pricing"
)

type pricesOptions struct {
	write bool
	read  string
}

func newPricesCommand(io *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prices",
		Short: "Keep the price tables true to AWS's own price list",
		Long: `prices keeps the tables moat cost reads (pricing/data/REGION.yaml) true to
AWS's Price List. refresh reads the output of aws pricing get-products for
the keys a table holds, shows what each figure would become, with its SKU,
source and date, and rewrites the table only with --write. See docs/cost.md.`,
		Example: `  aws pricing get-products --region us-east-1 --service-code AmazonEC2 \
    --filters Type=TERM_MATCH,Field=productFamily,Value="NAT Gateway" \
    Type=TERM_MATCH,Field=regionCode,Value=us-east-1 > offer.json
  moat prices refresh pricing/data/us-east-1.yaml offer.json
  moat prices refresh --write pricing/data/us-east-1.yaml offer.json`,
	}
	cmd.AddCommand(newPricesRefreshCommand(io))
	return cmd
}

func newPricesRefreshCommand(io *streams) *cobra.Command {
	var opts pricesOptions
	cmd := &cobra.Command{
		Use:   "refresh TABLE OFFER...",
		Short: "Price a table's keys from AWS Price List offer files",
		Long: `refresh reads AWS's own prices and sets each key of TABLE (a price table,
pricing/data/<region>.yaml) that they settle, with the offer as its source,
the SKU in its note, and the date it was read.

OFFER is a bulk offer file for TABLE's Region, as AWS publishes it:

  curl -o rds.json https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/us-east-1/index.json

or the output of the Price List Query API, narrowed to what you need (the
better choice for EC2, whose bulk file is very large):

  aws pricing get-products --region us-east-1 --service-code AmazonRDS \
    --filters Type=TERM_MATCH,Field=regionCode,Value=us-east-1 \
              Type=TERM_MATCH,Field=instanceType,Value=db.t4g.micro > rds.json

The figures read are RDS instance hours (PostgreSQL, MySQL and MariaDB,
Single-AZ and Multi-AZ), Linux EC2 instance hours on shared tenancy, NAT
gateway hours and GB (zonal and regional), and Linux Fargate vCPU and GB
hours (x86 and ARM, --service-code AmazonECS). Only keys TABLE already has are
set. Two rows that price one key differently are a conflict: the key is left
as it was and the conflict printed.

Without --write, refresh prints what would change. With it, TABLE is
rewritten in place (atomically; the rest of the file is kept as it was).
Rebuild moat to use the new prices (they are embedded), or pass the table
to moat cost --prices at once. Exit codes: 0 ok, 1 a conflict, 2 bad input.`,
		Example: `  moat prices refresh pricing/data/us-east-1.yaml rds.json
  moat prices refresh --write pricing/data/us-east-1.yaml rds.json ec2.json`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPricesRefresh(io, args[0], args[1:], opts)
		},
	}
	cmd.Flags().BoolVar(&opts.write, "write", false, "rewrite TABLE with the offers' figures")
	cmd.Flags().StringVar(&opts.read, "read", "", "the date the offers were read, YYYY-MM-DD (default: today, UTC)")
	return cmd
}

func runPricesRefresh(io *streams, table string, paths []string, opts pricesOptions) error {
	read := opts.read
	if read == "" {
		read = time.Now().UTC().Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, read); err != nil {
		return &exitError{code: exitInput, err: fmt.Errorf("--read %q is not a date: use YYYY-MM-DD", read)}
	}
	src, err := readInput(io, table, "price table", maxSpecBytes)
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	var offers []*pricing.Offer
	for _, path := range paths {
		b, err := readInput(io, path, "offer", maxOfferBytes)
		if err != nil {
			return &exitError{code: exitInput, err: err}
		}
		o, d := pricing.ReadOffer(path, b)
		if len(d) > 0 {
			if err := diag.Render(io.stderr, d, diag.Sources{path: b}); err != nil {
				return &exitError{code: exitInput, err: err}
			}
			return &exitError{code: exitInput}
		}
		offers = append(offers, o)
	}
	changes, out, d := pricing.Refresh(table, src, offers, read)
	if d.HasErrors() {
		if err := diag.Render(io.stderr, d, diag.Sources{table: src}); err != nil {
			return &exitError{code: exitInput, err: err}
		}
		return &exitError{code: exitInput}
	}
	if len(changes) == 0 {
		fmt.Fprintf(io.stdout, "The offers price none of the keys of %s.\n", table)
		return nil
	}
	verb := "would change"
	if opts.write {
		verb = "changed"
	}
	// A key whose figure stays the same still gets the offer's source and
	// date, so each key the offers price is rewritten.
	fmt.Fprintf(io.stdout, "%s: the offers price %s (%s: figure, source and date)\n", table, plural(len(changes), "key"), verb)
	fmt.Fprint(io.stdout, pricing.RefreshText(changes))
	if opts.write {
		if err := writeFileAtomic(table, out, 0o644); err != nil {
			return &exitError{code: exitInput, err: err}
		}
	} else {
		fmt.Fprintln(io.stdout, "Run again with --write to rewrite the table.")
	}
	for _, c := range changes {
		if c.Status == "conflict" {
			return &exitError{code: exitFindings}
		}
	}
	return nil
}
