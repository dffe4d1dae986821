package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/model"
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

A spec split across accounts (hub-and-spoke with accounts:) has a stack per
account, STACK-network and STACK-workload: they are deleted in the reverse
of the deploy order, the workload stacks first (their attachments leave the
Transit Gateway), then the network stack, each with the profile of its
account (--profile ACCOUNT=PROFILE, as for moat deploy). A stack that is not
deleted stops the ones after it.

A stack with termination protection on (moat deploy turns it on for prod
stacks) is refused, with the command that turns it off: protection is meant
to make a delete a deliberate act. --format json prints what is kept, the
events and the outcome as one JSON document. See docs/deploy.md.`,
		Example: `  moat destroy moat.yaml
  moat destroy moat.yaml --stack-name web-dev --yes --profile dev
  moat destroy split.yaml --yes --profile network=net-admin --profile workload=app-admin`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDestroy(io, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.stack, "stack-name", "", "stack to delete (default: the spec's stack name)")
	f.BoolVar(&o.yes, "yes", false, "delete without asking (required without a terminal)")
	f.StringVar(&o.format, "format", "text", "output: text or json")
	addAWSFlags(cmd, &io.aws, profileDeployUsage, regionSpecUsage)
	return cmd
}

func runDestroy(io *streams, path string, o destroyOptions) error {
	if o.format != "text" && o.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", o.format)}
	}
	if len(io.aws.regions) > 1 {
		return &exitError{code: exitInput, err: fmt.Errorf("destroy deletes stacks in one Region: give --region at most once")}
	}
	n, rendered, set, err := compileDeploy(io, path)
	if err != nil {
		return err
	}
	stack := o.stack
	if stack == "" {
		stack = n.Name
	}
	if len(rendered) > 1 {
		return runDestroySet(io, n, rendered, set, stack, o)
	}
	if err := singleProfile(io.aws.profiles); err != nil {
		return err
	}
	a, err := deployAccount(io, "destroying stack "+stack+" in")
	if err != nil {
		return err
	}
	res, err := destroyOne(io, a, n, stack, o)
	return finishDestroy(io, a, stack, res, err)
}

// destroyOne deletes one stack, asking on a terminal.
func destroyOne(io *streams, a awslive.Account, n *model.Network, stack string, o destroyOptions) (awslive.DestroyResult, error) {
	in := awslive.DestroyInput{Stack: stack, Yes: o.yes, Addresses: awslive.AddressIndex(n), Out: io.stdout}
	if o.format == "json" {
		in.Out = discard()
	}
	if canAsk(io) {
		in.Progress = func(line string) { fmt.Fprintf(io.stderr, "\r%s\x1b[K", line) }
		in.Confirm = func() bool { return askYes(io, fmt.Sprintf("delete stack %s?", stack)) }
	}
	return awslive.Destroy(io.ctx, a, in)
}

// finishDestroy turns how a stack's delete ended into the report and
// exit code.
func finishDestroy(io *streams, a awslive.Account, stack string, res awslive.DestroyResult, err error) error {
	switch {
	case errors.Is(err, awslive.ErrNotConfirmed) && !canAsk(io):
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

// canAsk says whether there is a terminal to ask on.
func canAsk(io *streams) bool { return isTerminal(io.stdin) && isTerminal(io.stderr) }

// runDestroySet deletes a split spec's stacks, the reverse of the deploy
// order, each with its account's profile; one not deleted stops the rest.
func runDestroySet(io *streams, n *model.Network, rendered []renderedTemplate, set []cfn.NamedTemplate, base string, o destroyOptions) error {
	profiles, err := accountProfiles(io.aws.profiles, rendered)
	if err != nil {
		return err
	}
	accounts, err := setAccounts(io, rendered, profiles)
	if err != nil {
		return err
	}
	order := cfn.DestroyOrder(cfn.DeploySteps(set))
	fmt.Fprintf(io.stderr, "moat: destroying %s as %d stacks, %s, in this order:\n", base, len(order), accounts[0].Regions[0])
	for k, i := range order {
		a := accounts[i]
		fmt.Fprintf(io.stderr, "  %d: stack %s in account %s as %s, profile %s\n", k+1, setStackName(base, rendered[i]), a.ID, a.ARN, a.Profile)
	}
	if !o.yes && !canAsk(io) {
		return &exitError{code: exitInput, err: fmt.Errorf("no terminal to confirm on: give --yes to delete")}
	}
	type stackResult struct {
		Stack   string `json:"stack"`
		Account string `json:"account"`
		awslive.DestroyResult
		Error string `json:"error,omitempty"`
	}
	var doc struct {
		Stacks   []stackResult `json:"stacks"`
		Stopped  bool          `json:"stopped"`
		NextStep string        `json:"next_step,omitempty"`
	}
	var stopErr error
	for k, i := range order {
		stack, a := setStackName(base, rendered[i]), accounts[i]
		res, err := destroyOne(io, a, n, stack, o)
		r := stackResult{Stack: stack, Account: a.ID, DestroyResult: res}
		r.Retained, r.Events = nonNil(r.Retained), nonNil(r.Events)
		if err != nil {
			r.Error = err.Error()
		}
		doc.Stacks = append(doc.Stacks, r)
		if err == nil && !res.Failed {
			if res.Deleted && !io.json {
				fmt.Fprintf(io.stdout, "stack %s (account %s) is deleted\n", stack, a.ID)
			}
			continue
		}
		var left []string
		for _, j := range order[k+1:] {
			left = append(left, setStackName(base, rendered[j]))
		}
		doc.Stopped = true
		doc.NextStep = fmt.Sprintf("stack %s (account %s) is not deleted; left in place after it: %s; deal with it and run moat destroy again (stacks already gone are skipped)", stack, a.ID, listOrNone(left))
		quiet := *io
		quiet.json = false
		if io.json {
			quiet.stdout = discard()
		}
		stopErr = finishDestroy(&quiet, a, stack, res, err)
		break
	}
	if io.json {
		if err := writeJSONResult(io, doc); err != nil {
			return err
		}
		var ee *exitError
		if errors.As(stopErr, &ee) {
			return &exitError{code: ee.code}
		}
		return nil
	}
	if stopErr != nil {
		fmt.Fprintln(io.stdout, doc.NextStep)
	}
	return stopErr
}

func listOrNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}
