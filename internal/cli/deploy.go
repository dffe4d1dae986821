package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfn"
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
or update it (a stack in ROLLBACK_COMPLETE or CREATE_FAILED is deleted and
created anew only with --yes; one in UPDATE_ROLLBACK_FAILED or *_IN_PROGRESS
is refused with the way out), creates a change set and shows it: add,
modify, remove and replace, with each resource's moat address, and a warning
for every database, file system, bucket, key or log group replaced or
removed. An empty change set is deleted: "no changes", exit 0. --no-execute
stops there. Otherwise it asks on a terminal (without one, --yes is
required), executes the change set and prints the stack's events until it
ends: on failure the event that caused it, on success the outputs.

The account and caller are printed first; --profile picks them as for moat
snapshot. The stack goes to the spec's region: (its subnets are placed by
that Region's AZ IDs); a different --region is refused. Templates over
51,200 bytes go through S3: --template-bucket, or moat's own bucket
moat-templates-ACCOUNT-REGION, made the first time encrypted, private and
TLS-only. A prod stack gets termination protection once it is up. --format
json prints the decisions, the change set, the events and the outcome as one
JSON document (errors too). See docs/deploy.md.

A spec split across accounts (hub-and-spoke with accounts:) deploys one
stack per account, STACK-network and STACK-workload, in three steps: the
network stack (the Transit Gateway and its RAM share), the workload stack
given the network stack's TransitGatewayId (it attaches its VPC), and the
network stack again given the workload's attachment ID (it associates and
routes the attachment). Each account deploys with its own profile, given as
--profile ACCOUNT=PROFILE for every account, ACCOUNT being the account ID or
the template's name (network, workload); an account without one is refused,
and so is a profile whose STS caller is another account. Before acting moat
prints which account and caller deploys which stack in which step. The
design is verified whole once; every stack is read and gated before any is
changed, and each step shows and confirms its own change set. A step that
fails stops the later ones, and moat says what is deployed and how to go
on. --no-execute shows the change sets of the stacks whose inputs are
already deployed.`,
		Example: `  moat deploy moat.yaml --no-execute
  moat deploy moat.yaml --stack-name web-prod --profile prod
  moat deploy moat.yaml --yes --template-bucket my-cfn-templates
  moat deploy moat.yaml --yes --format json > deploy.json
  moat deploy split.yaml --yes --profile network=net-admin --profile 222222222222=app-admin`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDeploy(cmd, io, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.stack, "stack-name", "", "stack to create or update (default: the spec's stack name)")
	f.StringArrayVar(&o.params, "param", nil, "template parameter K=V (repeat)")
	f.BoolVar(&o.noExecute, "no-execute", false, "create and show the change set, do not execute it")
	f.BoolVar(&o.yes, "yes", false, "execute without asking (required without a terminal); also allows re-creating a ROLLBACK_COMPLETE or CREATE_FAILED stack")
	f.StringVar(&o.bucket, "template-bucket", "", "S3 bucket to upload a template over 51,200 bytes to (default: moat's own, made when missing)")
	f.BoolVar(&o.noRollback, "no-rollback", false, "on failure keep what was made instead of rolling back")
	f.BoolVar(&o.allowExpos, "allow-exposure", false, "deploy even when it opens new paths from the internet")
	f.StringVar(&o.format, "format", "text", "output: text or json")
	addAWSFlags(cmd, &io.aws, profileDeployUsage, regionSpecUsage)
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
	Stack    string         `json:"stack"`
	Account  string         `json:"account"`
	Region   string         `json:"region"`
	Exposure exposureReport `json:"exposure"`
	awslive.DeployResult
	NextStep string `json:"next_step,omitempty"`
}

// exposureReport is what the gate found for one stack.
type exposureReport struct {
	Opens  []string `json:"opens"`
	Closes []string `json:"closes"`
	Failed []string `json:"failed_checks"`
}

func runDeploy(cmd *cobra.Command, io *streams, path string, o deployOptions) error {
	if o.format != "text" && o.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", o.format)}
	}
	params, err := parseParams(o.params)
	if err != nil {
		return err
	}
	if len(io.aws.regions) > 1 || (len(io.aws.regions) == 1 && io.aws.regions[0] == awslive.AllRegions) {
		return &exitError{code: exitInput, err: fmt.Errorf("deploy goes to one account and Region per stack: give --region at most once")}
	}
	n, rendered, set, err := compileDeploy(io, path)
	if err != nil {
		return err
	}
	if len(rendered) > 1 {
		return runDeploySet(cmd, io, n, rendered, set, o, params)
	}
	if err := singleProfile(io.aws.profiles); err != nil {
		return err
	}
	p, err := newDeployPlan(n, rendered[0], o.stack)
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

// singleProfile refuses several profiles, or ACCOUNT=PROFILE, for a spec
// that deploys to one account.
func singleProfile(profiles []string) error {
	switch {
	case len(profiles) > 1:
		return &exitError{code: exitInput, err: fmt.Errorf("deploy goes to one account and Region: give --profile at most once (the spec names one account)")}
	case len(profiles) == 1 && strings.Contains(profiles[0], "="):
		return &exitError{code: exitInput, err: fmt.Errorf("--profile %s: ACCOUNT=PROFILE is for a spec split over accounts; this spec deploys one stack: give --profile PROFILE", profiles[0])}
	}
	return nil
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

// compileDeploy compiles the spec into the templates deploy sends: one,
// or one per account.
func compileDeploy(io *streams, path string) (*model.Network, []renderedTemplate, []cfn.NamedTemplate, error) {
	l, err := loadSpec(io, path)
	if err != nil {
		return nil, nil, nil, &exitError{code: exitInput, err: err}
	}
	if err := l.report(io); err != nil {
		return nil, nil, nil, err
	}
	if err := pinRegion(io, l.stack.Region); err != nil {
		return nil, nil, nil, err
	}
	rendered, set, err := renderTemplateSet(l.network, "json")
	if err != nil {
		return nil, nil, nil, &exitError{code: exitInput, err: err}
	}
	return l.network, rendered, set, nil
}

// newDeployPlan is what deploying one template of n to stack sends.
func newDeployPlan(n *model.Network, t renderedTemplate, stack string) (*deployPlan, error) {
	next, d := cfnimport.Parse(t.name+".json", t.body, n.Name)
	if d.HasErrors() {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("moat cannot read back its own template (a moat bug; please report it): %v", d)}
	}
	if stack == "" {
		stack = n.Name
	}
	return &deployPlan{network: n, next: next, body: t.body, stack: stack, addrs: awslive.AddressIndex(n)}, nil
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
		Check: func(deployed []byte) error { return exposureCheck(out, p, deployed, o.allowExpos, true, &rep.Exposure) },
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
// exposure with the new one's and stops a deploy that opens a path;
// with verify, also one whose template fails verify.
func exposureCheck(out io.Writer, p *deployPlan, deployed []byte, allow, verify bool, rep *exposureReport) error {
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
	gate := awslive.ExposureDiff
	if verify {
		gate = awslive.ExposureGate
	}
	g := gate(old, p.next, moatName(p.addrs))
	rep.Opens, rep.Closes, rep.Failed = nonNil(g.Opened), nonNil(g.Closed), []string{}
	for _, c := range g.Failed {
		fmt.Fprintf(out, "FAIL %s: %s\n", c.Intent, c.Detail)
		rep.Failed = append(rep.Failed, c.Intent+": "+c.Detail)
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
