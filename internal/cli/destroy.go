package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
)

type destroyOptions struct {
	stack, format string
	yes           bool
}

func newDestroyCommand(io *streams) *cobra.Command {
	var o destroyOptions
	cmd := &cobra.Command{
		Use:   "destroy SPEC",
		Short: "Delete the spec's stack, saying first what the delete keeps",
		Long: `destroy deletes the CloudFormation stack moat deploy made for the spec. Before
anything is deleted it lists what the delete keeps: every resource whose
DeletionPolicy is Retain (log groups, keys, buckets: kept, and billed, until
you delete them) or Snapshot (databases, file systems: a final snapshot is
kept). It then asks on a terminal (without one, --yes is required), deletes
the stack and prints its events until it is gone. On DELETE_FAILED it prints
the event that caused it and the way on.

A stack with termination protection on (moat deploy turns it on for prod
stacks) is refused, with the command that turns it off: protection is meant
to make a delete a deliberate act. --format json prints what is kept, the
events and the outcome as one JSON document. See docs/deploy.md.`,
		Example: `  moat destroy moat.yaml
  moat destroy moat.yaml --stack-name web-dev --yes --profile dev`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDestroy(io, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.stack, "stack-name", "", "stack to delete (default: the spec's stack name)")
	f.BoolVar(&o.yes, "yes", false, "delete without asking (required without a terminal)")
	f.StringVar(&o.format, "format", "text", "output: text or json")
	addAWSFlags(cmd, &io.aws)
	return cmd
}

func runDestroy(io *streams, path string, o destroyOptions) error {
	if o.format != "text" && o.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", o.format)}
	}
	if len(io.aws.profiles) > 1 || len(io.aws.regions) > 1 {
		return &exitError{code: exitInput, err: fmt.Errorf("destroy deletes one stack in one account and Region: give --profile and --region at most once each")}
	}
	l, err := loadSpec(io, path)
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if err := l.report(io); err != nil {
		return err
	}
	stack := o.stack
	if stack == "" {
		stack = l.network.Name
	}
	a, err := deployAccount(io, "destroying stack "+stack+" in")
	if err != nil {
		return err
	}
	in := awslive.DestroyInput{Stack: stack, Yes: o.yes, Addresses: awslive.AddressIndex(l.network), Out: io.stdout}
	if o.format == "json" {
		in.Out = discard()
	}
	if isTerminal(io.stdin) && isTerminal(io.stderr) {
		in.Progress = func(line string) { fmt.Fprintf(io.stderr, "\r%s\x1b[K", line) }
		in.Confirm = func() bool { return askYes(io, fmt.Sprintf("delete stack %s?", stack)) }
	}
	res, err := awslive.Destroy(io.ctx, a, in)
	switch {
	case errors.Is(err, awslive.ErrNotConfirmed) && in.Confirm == nil:
		return &exitError{code: exitInput, err: fmt.Errorf("no terminal to confirm on: give --yes to delete")}
	case errors.Is(err, awslive.ErrNotConfirmed):
		return &exitError{code: exitFindings, err: fmt.Errorf("not deleted")}
	case err != nil && io.ctx.Err() != nil:
		return &exitError{code: exitFindings, err: err}
	case err != nil:
		return &exitError{code: exitInput, err: err}
	}
	var failed error
	next := ""
	if res.Failed {
		next = awslive.DestroyNextStep(stack)
		failed = &exitError{code: exitFindings, err: fmt.Errorf("stack %s is %s; next: %s", stack, res.Status, next)}
	}
	if io.json {
		res.Retained, res.Events = nonNil(res.Retained), nonNil(res.Events)
		if err := writeJSONResult(io, struct {
			Stack   string `json:"stack"`
			Account string `json:"account"`
			Region  string `json:"region"`
			awslive.DestroyResult
			NextStep string `json:"next_step,omitempty"`
		}{stack, a.ID, a.Regions[0], res, next}); err != nil {
			return err
		}
		if failed != nil {
			return &exitError{code: exitFindings}
		}
		return nil
	}
	if res.Failed && res.Cause != nil {
		fmt.Fprintf(io.stdout, "root cause: %s\n", res.Cause.Line())
	}
	if res.Deleted {
		fmt.Fprintf(io.stdout, "stack %s is deleted\n", stack)
	}
	return failed
}
