package cli

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
)

type planOptions struct {
	out    string
	format string
}

func newPlanCommand(io *streams) *cobra.Command {
	var opts planOptions
	cmd := &cobra.Command{
		Use:   "plan SPEC",
		Short: "Design the network for a spec, print it and write its CloudFormation template",
		Long: `plan reads a stack spec, designs the network and prints a summary of it:
the VPC, the zones by AZ ID, the subnets by tier with their CIDRs and usable
addresses (AWS reserves 5 in every subnet), the NAT, the security groups as
"who may reach whom on which port", the network ACLs, the endpoints, flow
logs, and the trade-offs the design makes for cost.

It then writes the CloudFormation template to OUT/<stack>/template.yaml.
With --format json it writes template.json and prints, instead of the
summary, one JSON document of what it wrote (warnings and errors too, as
JSON on stdout); moat inspect prints the summary of any template. A hub-and-spoke design whose accounts:
places the network and the workload in different accounts gets one
template per account instead, OUT/<stack>/network.yaml and workload.yaml,
and plan prints the order to deploy them in. Each file is replaced
atomically: a reader sees the old template or the new one, never half of
one. Nothing is written when the spec has errors; they are printed, with
file:line:column, and plan exits 2.`,
		Example: `  moat plan examples/webapp.yaml
  moat plan --format json --out build examples/api.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPlan(io, args[0], opts)
		},
	}
	cmd.Flags().StringVarP(&opts.out, "out", "o", "out", "directory to write OUT/<stack>/template.* into")
	cmd.Flags().StringVar(&opts.format, "format", "yaml", "template format: yaml or json")
	return cmd
}

func runPlan(io *streams, path string, opts planOptions) error {
	if opts.format != "yaml" && opts.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use yaml or json", opts.format)}
	}
	l, err := loadSpec(io, path)
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if err := l.report(io); err != nil {
		return err
	}
	set, order, err := renderTemplates(l.network, opts.format)
	if err != nil {
		// The spec asks for something moat cannot write: an input error.
		return &exitError{code: exitInput, err: err}
	}
	w, err := writeTemplates(filepath.Join(opts.out, l.network.Name), opts.format, set)
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if opts.format == "json" {
		// For machines: what was written, as JSON; moat inspect prints
		// the design's summary.
		return writeJSONResult(io, struct {
			Stack       string   `json:"stack"`
			Region      string   `json:"region"`
			Environment string   `json:"environment,omitempty"`
			DeployOrder []string `json:"deploy_order,omitempty"`
			written
		}{l.network.Name, l.network.Region, string(l.network.Environment), order, w})
	}
	var summary bytes.Buffer
	writePlan(&summary, l.network)
	writeExisting(&summary, l.network, l.choice)
	writeCostSummary(&summary, l.network)
	writeWritten(&summary, w, order)
	_, err = io.stdout.Write(summary.Bytes())
	return err
}

// renderTemplate emits the network as CloudFormation, checks that every
// reference in it resolves, and encodes it.
func renderTemplate(n *model.Network, format string) ([]byte, int, error) {
	return derive.Template(n, format)
}
