package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

type deployOptions struct {
	stack, bucket                          string
	params                                 []string
	noExecute, yes, noRollback, allowExpos bool
}

func newDeployCommand(io *streams) *cobra.Command {
	var o deployOptions
	cmd := &cobra.Command{
		Use:   "deploy SPEC",
		Short: "Deploy the spec's network as a CloudFormation stack, through a change set",
		Long: `deploy compiles and verifies the spec, compares what the internet reaches in
the new network with the deployed stack's (its current template), and stops
when verify fails or the deploy opens a new path from the internet (unless
--allow-exposure). It then decides from the stack's status whether to create
or update it (a stack in ROLLBACK_COMPLETE is deleted and created anew only
with --yes; one in UPDATE_ROLLBACK_FAILED or *_IN_PROGRESS is refused with
the way out), creates a change set and shows it: add, modify, remove and
replace, with each resource's moat address, and a warning for every database,
file system, bucket, key or log group replaced or removed. An empty change
set is deleted: "no changes", exit 0. --no-execute stops there. Otherwise
it asks on a terminal (without one, --yes is required), executes the change
set and prints the stack's events until it ends: on failure the event that
caused it, on success the outputs.

The account and caller are printed first; --profile and --region pick
them as for moat snapshot. Templates over 51,200 bytes are uploaded to
--template-bucket. See docs/deploy.md.`,
		Example: `  moat deploy moat.yaml --no-execute
  moat deploy moat.yaml --stack-name web-prod --profile prod --region eu-west-1
  moat deploy moat.yaml --yes --template-bucket my-cfn-templates`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDeploy(cmd, io, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.stack, "stack-name", "", "stack to create or update (default: the spec's stack name)")
	f.StringArrayVar(&o.params, "param", nil, "template parameter K=V (repeat)")
	f.BoolVar(&o.noExecute, "no-execute", false, "create and show the change set, do not execute it")
	f.BoolVar(&o.yes, "yes", false, "execute without asking (required without a terminal); also allows re-creating a ROLLBACK_COMPLETE stack")
	f.StringVar(&o.bucket, "template-bucket", "", "S3 bucket to upload a template over 51,200 bytes to")
	f.BoolVar(&o.noRollback, "no-rollback", false, "on failure keep what was made instead of rolling back")
	f.BoolVar(&o.allowExpos, "allow-exposure", false, "deploy even when it opens new paths from the internet")
	addAWSFlags(cmd, &io.aws)
	return cmd
}

// gateError is the exposure gate stopping a deploy: a finding, exit 1.
type gateError struct{ msg string }

func (e *gateError) Error() string { return e.msg }

func runDeploy(cmd *cobra.Command, io *streams, path string, o deployOptions) error {
	params := map[string]string{}
	for _, p := range o.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return &exitError{code: exitInput, err: fmt.Errorf("--param %q: write K=V", p)}
		}
		params[k] = v
	}
	if len(io.aws.profiles) > 1 || len(io.aws.regions) > 1 || (len(io.aws.regions) == 1 && io.aws.regions[0] == awslive.AllRegions) {
		return &exitError{code: exitInput, err: fmt.Errorf("deploy goes to one account and Region: give --profile and --region at most once each (hub-and-spoke deploys across accounts are not supported yet)")}
	}
	l, err := loadSpec(io, path)
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if err := l.report(io); err != nil {
		return err
	}
	n := l.network
	set, _, err := renderTemplates(n, "json")
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if len(set) != 1 {
		return &exitError{code: exitInput, err: fmt.Errorf("the spec splits the network over %d accounts: moat deploy does not deploy hub-and-spoke designs yet; moat plan writes each template and the order to deploy them in", len(set))}
	}
	body := set[0].body
	next, d := cfnimport.Parse("template.json", body, n.Name)
	if d.HasErrors() {
		return &exitError{code: exitInput, err: fmt.Errorf("moat cannot read back its own template (a moat bug; please report it): %v", d)}
	}
	stack := o.stack
	if stack == "" {
		stack = n.Name
	}
	addrs := awslive.AddressIndex(n)
	name := func(a model.ResourceRef) string {
		// cfnimport names resources kind/LogicalID; moat's own address
		// reads better.
		if _, id, ok := strings.Cut(string(a), "/"); ok && !strings.Contains(id, "/") {
			if m, found := addrs[id]; found {
				return string(m)
			}
		}
		return string(a)
	}

	ctx := cmd.Context()
	accounts, err := awslive.Accounts(ctx, awslive.Options{Profiles: io.aws.profiles, Regions: io.aws.regions})
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	a := accounts[0]
	prof := ""
	if a.Profile != "" {
		prof = ", profile " + a.Profile
	}
	fmt.Fprintf(io.stderr, "moat: deploying stack %s to account %s as %s%s, %s\n", stack, a.ID, a.ARN, prof, a.Regions[0])

	in := awslive.DeployInput{
		Stack: stack, Template: body, Params: params, Bucket: o.bucket,
		Yes: o.yes, NoExecute: o.noExecute, NoRollback: o.noRollback,
		Addresses: addrs, Out: io.stdout,
		Check: func(deployed []byte) error {
			var old *model.Network
			if deployed != nil {
				m, d := cfnimport.Parse("deployed", deployed, n.Name)
				if d.HasErrors() {
					why := ""
					for _, x := range d {
						if x.Severity == diag.Error && why == "" {
							why = x.Summary
						}
					}
					fmt.Fprintf(io.stdout, "the deployed template could not be read (%s): every exposure counts as new\n", why)
				} else {
					old = m
				}
			}
			g := awslive.ExposureGate(old, next, name)
			for _, c := range g.Failed {
				fmt.Fprintf(io.stdout, "FAIL %s: %s\n", c.Intent, c.Detail)
			}
			for _, s := range g.Opened {
				fmt.Fprintf(io.stdout, "opens: %s\n", s)
			}
			for _, s := range g.Closed {
				fmt.Fprintf(io.stdout, "closes: %s\n", s)
			}
			if len(g.Opened)+len(g.Closed) == 0 {
				fmt.Fprintln(io.stdout, "exposure: unchanged")
			}
			if msg := g.Blocked(o.allowExpos); msg != "" {
				return &gateError{msg}
			}
			return nil
		},
	}
	if isTerminal(io.stdin) && isTerminal(io.stderr) {
		in.Progress = func(line string) { fmt.Fprintf(io.stderr, "\r%s\x1b[K", line) }
		in.Confirm = func() bool {
			fmt.Fprintf(io.stderr, "execute change set on stack %s? [y/N] ", stack)
			ans, _ := bufio.NewReader(io.stdin).ReadString('\n')
			ans = strings.ToLower(strings.TrimSpace(ans))
			return ans == "y" || ans == "yes"
		}
	}
	res, err := awslive.Deploy(ctx, a, in)
	var ge *gateError
	switch {
	case errors.As(err, &ge):
		return &exitError{code: exitFindings, err: fmt.Errorf("deploy stopped: %s", ge.msg)}
	case errors.Is(err, awslive.ErrNotConfirmed) && in.Confirm == nil:
		return &exitError{code: exitInput, err: fmt.Errorf("no terminal to confirm on: give --yes to execute")}
	case errors.Is(err, awslive.ErrNotConfirmed):
		return &exitError{code: exitFindings, err: fmt.Errorf("not executed")}
	case err != nil && ctx.Err() != nil:
		// Ctrl-C: the error says what state the stack is left in.
		return &exitError{code: exitFindings, err: err}
	case err != nil:
		return &exitError{code: exitInput, err: err}
	}
	if !res.Executed {
		return nil
	}
	if res.Failed {
		if res.Cause != nil {
			fmt.Fprintf(io.stdout, "root cause: %s\n", awslive.EventLine(*res.Cause))
		}
		return &exitError{code: exitFindings, err: fmt.Errorf("stack %s is %s; next: %s", stack, res.Status, awslive.NextStep(stack, res.Status))}
	}
	fmt.Fprintf(io.stdout, "stack %s is %s\n", stack, res.Status)
	for _, out := range res.Outputs {
		fmt.Fprintf(io.stdout, "  %s = %s\n", aws.ToString(out.OutputKey), aws.ToString(out.OutputValue))
	}
	return nil
}
