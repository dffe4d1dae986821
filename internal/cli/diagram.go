package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/diagram"
)

type diagramOptions struct {
	out    string
	format string
}

// diagramExt is the file extension each format is written with.
var diagramExt = map[diagram.Format]string{diagram.SVG: "svg", diagram.DOT: "dot", diagram.Mermaid: "mmd"}

func newDiagramCommand(io *streams) *cobra.Command {
	var opts diagramOptions
	cmd := &cobra.Command{
		Use:   "diagram NETWORK",
		Short: "Draw the network: region, VPCs, zones, tiers, resources and allowed flows",
		Long: `diagram draws a network as a picture: the region; each VPC with its CIDR;
one column per zone, headed with its AZ ID; a row per tier (public, private,
isolated). The internet gateway and NAT sit where they route; the load
balancer, service, database, bastion and interface endpoints sit in a
column on the right, in their tier's row, so the main flow runs straight
down. Solid arrows are flows the security groups allow, labelled with
protocol/port; dashed grey arrows are default routes (private -> NAT ->
internet gateway). VPCs joined by a Transit Gateway or peering are drawn
side by side with the join below them.

NETWORK is a stack spec, a CloudFormation template or a directory of
aws ec2 describe-* JSON (docs/import.md). The SVG is self-contained (no Graphviz
needed) and the same network always gives the same bytes. --format dot
writes Graphviz DOT (render it with: dot -Tpng net.dot -o net.png) and
--format mermaid a Mermaid flowchart for Markdown.

Without -o, the picture goes to out/<stack>/diagram.svg (.dot, .mmd), next
to the template plan writes; -o - prints it on stdout. The directory of
-o FILE must exist. Files are replaced atomically.`,
		Example: `  moat diagram examples/webapp.yaml
  moat diagram examples/webapp.yaml -o net.svg
  moat diagram --format mermaid -o - examples/api.yaml
  moat diagram --format dot examples/internal.yaml -o net.dot && dot -Tpng net.dot -o net.png`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiagram(io, args[0], opts)
		},
	}
	cmd.Flags().StringVarP(&opts.out, "out", "o", "", "file to write (- for stdout); default out/<stack>/diagram.<ext>")
	cmd.Flags().StringVar(&opts.format, "format", "svg", "svg, dot or mermaid")
	return cmd
}

func runDiagram(io *streams, path string, opts diagramOptions) error {
	f := diagram.Format(opts.format)
	ext, ok := diagramExt[f]
	if !ok {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use svg, dot or mermaid", opts.format)}
	}
	src, err := loadNetwork(io, path)
	if err != nil {
		return err
	}
	body, err := diagram.Render(src.network, f, diagram.Options{})
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if opts.out == "-" {
		_, err := io.stdout.Write(body)
		return err
	}
	dest := opts.out
	if dest == "" {
		name := src.network.Name
		if name == "" {
			name = "network"
		}
		dest = filepath.Join("out", name, "diagram."+ext)
		if err := outputDir(filepath.Dir(dest)); err != nil {
			return &exitError{code: exitInput, err: err}
		}
	}
	if err := writeFileAtomic(dest, body, 0o644); err != nil {
		return &exitError{code: exitInput, err: err}
	}
	fmt.Fprintf(io.stdout, "Wrote %s.\n", dest)
	return nil
}
