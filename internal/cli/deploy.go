package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

type deployOptions struct {
	stack, bucket, format                  string
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
them as for moat snapshot. Templates over 51,200 bytes go through S3:
--template-bucket, or moat's own bucket moat-templates-ACCOUNT-REGION, made
the first time encrypted, private and TLS-only. A prod stack gets
termination protection once it is up. --format json prints the decisions, the change set, the
events and the outcome as one JSON document (errors too). See docs/deploy.md.`,
		Example: `  moat deploy moat.yaml --no-execute
  moat deploy moat.yaml --stack-name web-prod --profile prod --region eu-west-1
  moat deploy moat.yaml --yes --template-bucket my-cfn-templates
  moat deploy moat.yaml --yes --format json > deploy.json`,
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
	f.StringVar(&o.bucket, "template-bucket", "", "S3 bucket to upload a template over 51,200 bytes to (default: moat's own, made when missing)")
	f.BoolVar(&o.noRollback, "no-rollback", false, "on failure keep what was made instead of rolling back")
	f.BoolVar(&o.allowExpos, "allow-exposure", false, "deploy even when it opens new paths from the internet")
	f.StringVar(&o.format, "format", "text", "output: text or json")
	addAWSFlags(cmd, &io.aws)
	return cmd
}

// gateError is the exposure gate stopping a deploy: a finding, exit 1.
type gateError struct{ msg string }

func (e *gateError) Error() string { return e.msg }

// deployPlan is what a deploy sends, compiled from the spec.
type deployPlan struct {
	network *model.Network // the design
	next    *model.Network // its template read back, as the gate compares
	body    []byte         // the template, JSON
	stack   string
	addrs   map[string]model.ResourceRef
}

// deployReport is the JSON document of --format json.
type deployReport struct {
	Stack    string `json:"stack"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	Exposure struct {
		Opens  []string `json:"opens"`
		Closes []string `json:"closes"`
		Failed []string `json:"failed_checks"`
	} `json:"exposure"`
	awslive.DeployResult
	NextStep string `json:"next_step,omitempty"`
}

func runDeploy(cmd *cobra.Command, io *streams, path string, o deployOptions) error {
	if o.format != "text" && o.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", o.format)}
	}
	params, err := parseParams(o.params)
	if err != nil {
		return err
	}
	if len(io.aws.profiles) > 1 || len(io.aws.regions) > 1 || (len(io.aws.regions) == 1 && io.aws.regions[0] == awslive.AllRegions) {
		return &exitError{code: exitInput, err: fmt.Errorf("deploy goes to one account and Region: give --profile and --region at most once each (hub-and-spoke deploys across accounts are not supported yet)")}
	}
	p, err := prepareDeploy(io, path, o.stack)
	if err != nil {
		return err
	}
	a, err := deployAccount(io, "deploying stack "+p.stack+" to")
	if err != nil {
		return err
	}
	rep := &deployReport{Stack: p.stack, Account: a.ID, Region: a.Regions[0]}
	in := deployInput(io, p, o, params, rep)
	res, err := awslive.Deploy(cmd.Context(), a, in)
	rep.DeployResult = res
	return finishDeploy(io, rep, in, err)
}

func parseParams(ps []string) (map[string]string, error) {
	params := map[string]string{}
	for _, p := range ps {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("--param %q: write K=V", p)}
		}
		params[k] = v
	}
	return params, nil
}

// prepareDeploy compiles the spec into the one template deploy sends.
func prepareDeploy(io *streams, path, stack string) (*deployPlan, error) {
	l, err := loadSpec(io, path)
	if err != nil {
		return nil, &exitError{code: exitInput, err: err}
	}
	if err := l.report(io); err != nil {
		return nil, err
	}
	n := l.network
	set, _, err := renderTemplates(n, "json")
	if err != nil {
		return nil, &exitError{code: exitInput, err: err}
	}
	if len(set) != 1 {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("the spec splits the network over %d accounts: moat deploy does not deploy hub-and-spoke designs yet; moat plan writes each template and the order to deploy them in", len(set))}
	}
	next, d := cfnimport.Parse("template.json", set[0].body, n.Name)
	if d.HasErrors() {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("moat cannot read back its own template (a moat bug; please report it): %v", d)}
	}
	if stack == "" {
		stack = n.Name
	}
	return &deployPlan{network: n, next: next, body: set[0].body, stack: stack, addrs: awslive.AddressIndex(n)}, nil
}

// deployAccount resolves the one account and Region, and names them and
// the caller on stderr before anything is changed.
func deployAccount(io *streams, doing string) (awslive.Account, error) {
	accounts, err := awslive.Accounts(io.ctx, awslive.Options{Profiles: io.aws.profiles, Regions: io.aws.regions})
	if err != nil {
		return awslive.Account{}, &exitError{code: exitInput, err: err}
	}
	a := accounts[0]
	prof := ""
	if a.Profile != "" {
		prof = ", profile " + a.Profile
	}
	fmt.Fprintf(io.stderr, "moat: %s account %s as %s%s, %s\n", doing, a.ID, a.ARN, prof, a.Regions[0])
	return a, nil
}

// moatName turns an address cfnimport gave (kind/LogicalID) back into
// the moat address the logical ID came from, which reads better.
func moatName(addrs map[string]model.ResourceRef) func(model.ResourceRef) string {
	return func(a model.ResourceRef) string {
		if _, id, ok := strings.Cut(string(a), "/"); ok && !strings.Contains(id, "/") {
			if m, found := addrs[id]; found {
				return string(m)
			}
		}
		return string(a)
	}
}

func deployInput(io *streams, p *deployPlan, o deployOptions, params map[string]string, rep *deployReport) awslive.DeployInput {
	out := io.stdout
	if o.format == "json" {
		out = discard()
	}
	in := awslive.DeployInput{
		Stack: p.stack, Template: p.body, Params: params, Bucket: o.bucket,
		Yes: o.yes, NoExecute: o.noExecute, NoRollback: o.noRollback,
		Protect:   p.network.Environment == model.Prod,
		Addresses: p.addrs, Out: out,
		Check: func(deployed []byte) error { return exposureCheck(out, p, deployed, o.allowExpos, rep) },
	}
	if isTerminal(io.stdin) && isTerminal(io.stderr) {
		in.Progress = func(line string) { fmt.Fprintf(io.stderr, "\r%s\x1b[K", line) }
		in.Confirm = func() bool { return askYes(io, fmt.Sprintf("execute change set on stack %s?", p.stack)) }
	}
	return in
}

// askYes asks on the terminal; only y or yes is a yes.
func askYes(io *streams, question string) bool {
	fmt.Fprintf(io.stderr, "%s [y/N] ", question)
	ans, _ := bufio.NewReader(io.stdin).ReadString('\n')
	ans = strings.ToLower(strings.TrimSpace(ans))
	return ans == "y" || ans == "yes"
}

// exposureCheck is the gate: it compares the deployed template's
// exposure with the new one's and stops a deploy that opens a path.
func exposureCheck(out io.Writer, p *deployPlan, deployed []byte, allow bool, rep *deployReport) error {
	var old *model.Network
	if deployed != nil {
		m, d := cfnimport.Parse("deployed", deployed, p.network.Name)
		if d.HasErrors() {
			why := ""
			for _, x := range d {
				if x.Severity == diag.Error && why == "" {
					why = x.Summary
				}
			}
			fmt.Fprintf(out, "the deployed template could not be read (%s): every exposure counts as new\n", why)
		} else {
			old = m
		}
	}
	g := awslive.ExposureGate(old, p.next, moatName(p.addrs))
	rep.Exposure.Opens, rep.Exposure.Closes, rep.Exposure.Failed = nonNil(g.Opened), nonNil(g.Closed), []string{}
	for _, c := range g.Failed {
		fmt.Fprintf(out, "FAIL %s: %s\n", c.Intent, c.Detail)
		rep.Exposure.Failed = append(rep.Exposure.Failed, c.Intent+": "+c.Detail)
	}
	for _, s := range g.Opened {
		fmt.Fprintf(out, "opens: %s\n", s)
	}
	for _, s := range g.Closed {
		fmt.Fprintf(out, "closes: %s\n", s)
	}
	if len(g.Opened)+len(g.Closed) == 0 {
		fmt.Fprintln(out, "exposure: unchanged")
	}
	if msg := g.Blocked(allow); msg != "" {
		return &gateError{msg}
	}
	return nil
}

// discard is io.Discard where a parameter named io hides the package.
func discard() io.Writer { return io.Discard }

// finishDeploy turns how the deploy ended into the report and exit code.
func finishDeploy(io *streams, rep *deployReport, in awslive.DeployInput, err error) error {
	stack := rep.Stack
	var ge *gateError
	switch {
	case errors.As(err, &ge):
		return &exitError{code: exitFindings, err: fmt.Errorf("deploy stopped: %s", ge.msg)}
	case errors.Is(err, awslive.ErrNotConfirmed) && in.Confirm == nil:
		return &exitError{code: exitInput, err: fmt.Errorf("no terminal to confirm on: give --yes to execute")}
	case errors.Is(err, awslive.ErrNotConfirmed):
		return &exitError{code: exitFindings, err: fmt.Errorf("not executed")}
	case err != nil && io.ctx.Err() != nil:
		// Ctrl-C: the error says what state the stack is left in.
		return &exitError{code: exitFindings, err: err}
	case err != nil:
		return &exitError{code: exitInput, err: err}
	}
	var failed error
	if rep.Failed {
		rep.NextStep = awslive.NextStep(stack, rep.Status)
		failed = &exitError{code: exitFindings, err: fmt.Errorf("stack %s is %s; next: %s", stack, rep.Status, rep.NextStep)}
	}
	if io.json {
		rep.Changes, rep.Events, rep.Outputs = nonNil(rep.Changes), nonNil(rep.Events), nonNil(rep.Outputs)
		if err := writeJSONResult(io, rep); err != nil {
			return err
		}
		if failed != nil {
			// The document says it all; the exit code says it failed.
			return &exitError{code: exitFindings}
		}
		return nil
	}
	if !rep.Executed {
		return nil
	}
	if rep.Failed {
		if rep.Cause != nil {
			fmt.Fprintf(io.stdout, "root cause: %s\n", rep.Cause.Line())
		}
		return failed
	}
	fmt.Fprintf(io.stdout, "stack %s is %s\n", stack, rep.Status)
	for _, out := range rep.Outputs {
		fmt.Fprintf(io.stdout, "  %s = %s\n", out.Key, out.Value)
	}
	return nil
}
