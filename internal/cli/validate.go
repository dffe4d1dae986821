package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/diag"
)

func newValidateCommand(io *streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate SPEC",
		Short: "Check a spec and print every problem in it",
		Long: `validate reads a stack spec and runs every check plan runs, without
writing anything. Each problem is printed as file:line:column, then the
source line with a caret under the value, then a hint on how to fix it.
All problems are reported at once.

Errors (unknown keys, wrong types, bad or overlapping CIDRs, subnets too
small, zones the region does not have, a bastion open to the world) make
validate exit 2. Warnings (only unwise choices) are printed and exit 0.`,
		Example: `  moat validate moat.yaml
  moat validate --format json moat.yaml | jq '.diagnostics[].summary'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", format)}
			}
			l, err := loadSpec(io, args[0])
			if err != nil {
				return &exitError{code: exitInput, err: err}
			}
			// Build the templates as plan does, so a spec validate passes
			// never fails plan. Spec checks report every known failure at
			// its position first; one that reaches here is a check
			// validate lacks, reported at the file.
			if l.network != nil && !l.diags.HasErrors() {
				if _, _, err := renderTemplates(l.network, "yaml"); err != nil {
					l.diags.Errorf(diag.Range{File: args[0]}, "this is a check validate lacks (a moat bug); please report it with the spec", "plan would fail: %v", err)
				}
			}
			if err := l.report(io); err != nil {
				return err
			}
			if format == "json" {
				// No errors: the warnings, or none, as the same document.
				if err := diag.RenderJSON(io.stdout, l.diags); err != nil {
					return &exitError{code: exitInput, err: err}
				}
				return nil
			}
			_, w := l.diags.Count()
			fmt.Fprintf(io.stdout, "%s is valid: stack %s in %s (%s)\n", displayName(args[0]), l.stack.Name, l.stack.Region, plural(w, "warning"))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "diagnostics format: text or json")
	return cmd
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
