package cli

import (
	"github.com/spf13/cobra"
)

func newInspectCommand(io *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect NETWORK",
		Short: "Print the summary of any network moat can load: a spec, a template or describe-* JSON",
		Long: `inspect loads NETWORK and prints the same summary plan prints, without
writing anything. NETWORK is

  a stack spec (YAML)                   designed as plan designs it
  a CloudFormation template             YAML (with !Ref-style tags) or JSON
  a directory of describe-* JSON        aws ec2 describe-* output, one command
                                        per file, or one subdirectory per
                                        account and Region (docs/import.md)

It shows what moat read before you ask it to prove or price anything:
imported subnets have no tier and print as "-".`,
		Example: `  moat inspect out/webapp/template.yaml
  moat inspect ./aws-dump`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := loadNetwork(io, args[0])
			if err != nil {
				return err
			}
			writePlan(io.stdout, src.network)
			return nil
		},
	}
}
