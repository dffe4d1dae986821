package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// explainArgs makes every command's argument check say what the command
// takes, from its Use line, and where its help is: cobra's own "accepts 1
// arg(s), received 5" names neither.
func explainArgs(c *cobra.Command) {
	for _, sub := range c.Commands() {
		explainArgs(sub)
	}
	check := c.Args
	if check == nil {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		if err == nil {
			return err
		}
		if _, ok := err.(*exitError); ok {
			return err
		}
		takes := "no arguments"
		if _, rest, ok := strings.Cut(cmd.Use, " "); ok {
			takes = rest
		}
		got := "none"
		if len(args) > 0 {
			got = fmt.Sprintf("%d (%s)", len(args), strings.Join(quoteArgs(args, 5), " "))
		}
		name := strings.TrimPrefix(cmd.CommandPath(), c.Root().Name()+" ")
		return &exitError{code: exitInput, err: fmt.Errorf("%s takes %s; given %s (see %s --help)", name, takes, got, cmd.CommandPath())}
	}
}

// quoteArgs quotes the first n arguments, for an error that shows them.
func quoteArgs(args []string, n int) []string {
	var out []string
	for i, a := range args {
		if i == n {
			out = append(out, "…")
			break
		}
		out = append(out, fmt.Sprintf("%q", a))
	}
	return out
}
