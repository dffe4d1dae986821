package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfnimport"
)

type driftOptions struct {
	live, format string
}

func newDriftCommand(io *streams) *cobra.Command {
	var o driftOptions
	cmd := &cobra.Command{
		Use:   "drift DESIGN",
		Short: "Compare the deployed network, read live, with the design, as reachability",
		Long: `drift reads the deployed network live (--profile; the spec's region:) and
compares, as reachability, what the internet reaches in it and what each of
the design's security groups reaches of each other (every TCP and UDP port)
with what the design (a spec, or the template it was deployed from) allows,
with the exact analyzer on both, as moat deploy's exposure gate does. It
prints what is open live that the design does not allow (a rule added by
hand, a group opened wider) and what the design allows that is closed live,
and exits 1 on any drift. A pair of groups one side has no interface of is
listed as not compared.

Targets are compared by their security groups, the part a design and an
account share: a live group is the design's when CloudFormation tagged it
with the design group's logical ID, or when its Name tag is the design
group's. --live DIR compares a snapshot (moat snapshot) instead of the
account. See docs/aws.md.`,
		Example: `  moat drift moat.yaml --profile prod
  moat drift moat.yaml --live ./snapshot --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDrift(io, args[0], o)
		},
	}
	cmd.Flags().StringVar(&o.live, "live", liveNetwork, "the deployed network: aws (read live) or a snapshot directory")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text or json")
	addAWSFlags(cmd, &io.aws, "with --live aws: the AWS profile to read the deployed network as (default: AWS_PROFILE or the default chain)", regionSpecUsage)
	return cmd
}

func runDrift(io *streams, path string, o driftOptions) error {
	if o.format != "text" && o.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", o.format)}
	}
	design, err := loadNetwork(io, path)
	if err != nil {
		return err
	}
	// A spec is compared as its template reads back, as the gate does,
	// so its groups carry the logical IDs CloudFormation tags them with.
	n := design.network
	addrs := awslive.AddressIndex(n)
	if design.spec != nil && o.live == liveNetwork {
		if err := pinRegion(io, design.spec.stack.Region); err != nil {
			return err
		}
	}
	if design.spec != nil {
		set, _, err := renderTemplates(n, "json")
		if err != nil {
			return &exitError{code: exitInput, err: err}
		}
		if len(set) != 1 {
			return &exitError{code: exitInput, err: fmt.Errorf("the spec splits the network over %d accounts: run moat drift on each template moat plan writes, with that account's --profile", len(set))}
		}
		m, d := cfnimport.Parse("template.json", set[0].body, n.Name)
		if d.HasErrors() {
			return &exitError{code: exitInput, err: fmt.Errorf("moat cannot read back its own template (a moat bug; please report it): %v", d)}
		}
		n = m
	}
	live, err := loadNetwork(io, o.live)
	if err != nil {
		return err
	}
	r := awslive.Drift(n, live.network, awslive.DesignGroups(n, moatName(addrs)))
	if io.json {
		r.Opened, r.Closed = nonNil(r.Opened), nonNil(r.Closed)
		if err := writeJSONResult(io, struct {
			awslive.DriftReport
			Drift bool `json:"drift"`
		}{r, r.Drifted()}); err != nil {
			return err
		}
	} else {
		for _, s := range r.Opened {
			fmt.Fprintf(io.stdout, "open: %s\n", s)
		}
		for _, s := range r.Closed {
			fmt.Fprintf(io.stdout, "closed: %s\n", s)
		}
		if !r.Drifted() {
			fmt.Fprintln(io.stdout, "no drift: the internet and each of the design's security groups reach what the design allows, and nothing else")
		}
		for _, s := range r.NotCompared {
			fmt.Fprintf(io.stdout, "not compared: %s\n", s)
		}
		if len(r.Unmatched) > 0 {
			fmt.Fprintf(io.stdout, "not compared: %d exposed security group(s) the design does not have: %v\n", len(r.Unmatched), r.Unmatched)
		}
	}
	if r.Drifted() {
		return &exitError{code: exitFindings}
	}
	return nil
}
