package cli

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/model"
)

// A spec split across accounts (hub-and-spoke with accounts:) deploys one
// stack per account, in cfn.DeploySteps' order, each with its account's
// profile: --profile ACCOUNT=PROFILE.

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// accountProfiles maps each template of the set to the profile given for
// its account, by account ID or template name (network, workload). Every
// account needs one; a profile for an account the spec does not name is
// refused.
func accountProfiles(flags []string, set []renderedTemplate) ([]string, error) {
	var names []string
	for _, t := range set {
		names = append(names, fmt.Sprintf("%s (%s)", t.account, t.name))
	}
	accounts := strings.Join(names, ", ")
	profiles := make([]string, len(set))
	for _, f := range flags {
		key, prof, ok := strings.Cut(f, "=")
		if !ok || key == "" || prof == "" {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("--profile %s: the spec deploys to accounts %s; give --profile ACCOUNT=PROFILE for each, ACCOUNT being the account ID or the template's name", f, accounts)}
		}
		i := slices.IndexFunc(set, func(t renderedTemplate) bool { return t.account == key || t.name == key })
		if i < 0 {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("--profile %s: the spec names no account %s; its accounts are %s", f, key, accounts)}
		}
		if profiles[i] != "" && profiles[i] != prof {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("--profile %s: account %s has profile %s already", f, set[i].account, profiles[i])}
		}
		profiles[i] = prof
	}
	for i, t := range set {
		if profiles[i] == "" {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("no profile for account %s (%s): the spec deploys to accounts %s; give --profile %s=PROFILE for each", t.account, t.name, accounts, t.account)}
		}
	}
	return profiles, nil
}

// setAccounts resolves each template's profile and checks, through STS,
// that it is the account the template is for, and that all share one
// Region (a Transit Gateway is shared within its Region).
func setAccounts(io *streams, set []renderedTemplate, profiles []string) ([]awslive.Account, error) {
	accounts, err := awslive.Accounts(io.ctx, awslive.Options{Profiles: profiles, Regions: io.aws.regions})
	if err != nil {
		return nil, &exitError{code: exitInput, err: err}
	}
	for i, a := range accounts {
		if a.ID != set[i].account {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("profile %s is account %s (%s), but the %s stack is for account %s: give --profile %s=PROFILE with a profile of that account", a.Profile, a.ID, a.ARN, set[i].name, set[i].account, set[i].account)}
		}
		if r := accounts[0].Regions[0]; a.Regions[0] != r {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("profiles %s and %s pick Regions %s and %s: the stacks share a Transit Gateway within one Region; give --region", accounts[0].Profile, a.Profile, r, a.Regions[0])}
		}
	}
	return accounts, nil
}

// setStackName is the stack of one template: STACK-NAME.
func setStackName(base string, t renderedTemplate) string { return base + "-" + t.name }

// setParams gives each template the --param values it declares; one no
// template declares, or one the steps pass, is refused.
func setParams(params map[string]string, set []cfn.NamedTemplate, steps []cfn.DeployStep) ([]map[string]string, error) {
	out := make([]map[string]string, len(set))
	used := map[string]bool{}
	for _, s := range steps {
		for _, in := range s.Inputs {
			if _, ok := params[in.Param]; ok {
				return nil, &exitError{code: exitInput, err: fmt.Errorf("--param %s: moat passes it from stack to stack (the output %s of the %s stack); leave it out", in.Param, in.Output, set[in.From].Name)}
			}
		}
	}
	for i, nt := range set {
		out[i] = map[string]string{}
		for _, p := range nt.Template.Parameters {
			if v, ok := params[p.Name]; ok {
				out[i][p.Name], used[p.Name] = v, true
			}
		}
	}
	for k := range params {
		if !used[k] {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("--param %s: no template of the spec declares it", k)}
		}
	}
	return out, nil
}

// setReport is the JSON document of --format json for a set.
type setReport struct {
	Stack  string           `json:"stack"`
	Region string           `json:"region"`
	Stacks []setStackReport `json:"stacks"`
	awslive.SetResult
}

type setStackReport struct {
	Template string         `json:"template"`
	Stack    string         `json:"stack"`
	Account  string         `json:"account"`
	Caller   string         `json:"caller"`
	Profile  string         `json:"profile"`
	Action   awslive.Action `json:"action"`
	Exposure exposureReport `json:"exposure"`
}

func runDeploySet(cmd *cobra.Command, io *streams, n *model.Network, rendered []renderedTemplate, set []cfn.NamedTemplate, o deployOptions, params map[string]string) error {
	steps := cfn.DeploySteps(set)
	profiles, err := accountProfiles(io.aws.profiles, rendered)
	if err != nil {
		return err
	}
	stackParams, err := setParams(params, set, steps)
	if err != nil {
		return err
	}
	base := o.stack
	if base == "" {
		base = n.Name
	}
	out := io.stdout
	if io.json {
		out = discard()
	}
	// The design is verified whole: each account's template alone
	// reaches half of its paths.
	if failed := awslive.VerifyFailed(n); len(failed) > 0 {
		for _, c := range failed {
			fmt.Fprintf(out, "FAIL %s: %s\n", c.Intent, c.Detail)
		}
		return &exitError{code: exitFindings, err: fmt.Errorf("deploy stopped: %s", awslive.Gate{Failed: failed}.Blocked(true))}
	}
	accounts, err := setAccounts(io, rendered, profiles)
	if err != nil {
		return err
	}
	rep := &setReport{Stack: base, Region: accounts[0].Regions[0]}
	printSetPlan(io, base, rendered, steps, accounts)
	if !o.yes && !o.noExecute && !(isTerminal(io.stdin) && isTerminal(io.stderr)) {
		return &exitError{code: exitInput, err: fmt.Errorf("no terminal to confirm on: give --yes to execute (or --no-execute to see the first change sets)")}
	}
	in, err := preflightSet(io, n, rendered, accounts, stackParams, base, o, rep)
	if err != nil {
		return err
	}
	in.Steps, in.NoExecute, in.Out = steps, o.noExecute, out
	res, err := awslive.DeploySet(cmd.Context(), in)
	rep.SetResult = res
	return finishDeploySet(io, rep, err)
}

// printSetPlan says, before anything is read or changed, which account
// (the STS caller) deploys which stack in which step.
func printSetPlan(io *streams, base string, set []renderedTemplate, steps []cfn.DeployStep, accounts []awslive.Account) {
	fmt.Fprintf(io.stderr, "moat: deploying %s as %d stacks in %d steps, %s:\n", base, len(set), steps[len(steps)-1].Step, accounts[0].Regions[0])
	for _, s := range steps {
		a, t := accounts[s.Template], set[s.Template]
		var ins []string
		for _, in := range s.Inputs {
			ins = append(ins, fmt.Sprintf("%s from stack %s", in.Param, setStackName(base, set[in.From])))
		}
		with := ""
		if len(ins) > 0 {
			with = " with " + strings.Join(ins, ", ")
		}
		fmt.Fprintf(io.stderr, "  step %d: stack %s%s to account %s as %s, profile %s: it %s\n", s.Step, setStackName(base, t), with, a.ID, a.ARN, a.Profile, s.Does)
	}
}

// preflightSet reads every stack and runs its exposure gate before any is
// changed: a stack whose status refuses a deploy, or that opens a new
// path from the internet, stops the deploy with nothing done.
func preflightSet(io *streams, n *model.Network, set []renderedTemplate, accounts []awslive.Account, params []map[string]string, base string, o deployOptions, rep *setReport) (awslive.SetInput, error) {
	var in awslive.SetInput
	out := io.stdout
	if io.json {
		out = discard()
	}
	var blocked []string
	for i, t := range set {
		p, err := newDeployPlan(n, t, setStackName(base, t))
		if err != nil {
			return in, err
		}
		a := accounts[i]
		st, err := awslive.ReadStack(io.ctx, a, p.stack, o.yes)
		if err != nil {
			return in, &exitError{code: exitInput, err: fmt.Errorf("nothing deployed: %w", err)}
		}
		sr := setStackReport{Template: t.name, Stack: p.stack, Account: a.ID, Caller: a.ARN, Profile: a.Profile, Action: st.Action}
		fmt.Fprintf(out, "stack %s (account %s, %s):\n", p.stack, a.ID, st.Action)
		var ge *gateError
		if err := exposureCheck(out, p, st.Deployed, o.allowExpos, false, &sr.Exposure); errors.As(err, &ge) {
			blocked = append(blocked, fmt.Sprintf("stack %s: %s", p.stack, ge.msg))
		}
		rep.Stacks = append(rep.Stacks, sr)
		di := deployInput(io, p, o, params[i], &deployReport{})
		di.Check = nil // done here, for every stack before any is changed
		in.Stacks = append(in.Stacks, awslive.SetStack{Name: t.name, Account: a, In: di, Outputs: st.Outputs})
	}
	if len(blocked) > 0 {
		return in, &exitError{code: exitFindings, err: fmt.Errorf("deploy stopped, nothing deployed: %s", strings.Join(blocked, "; "))}
	}
	return in, nil
}

// finishDeploySet reports how the set's deploy ended.
func finishDeploySet(io *streams, rep *setReport, err error) error {
	code := exitFindings
	if last := lastRun(rep.Runs); err != nil && !errors.Is(err, awslive.ErrNotConfirmed) && io.ctx.Err() == nil && (last == nil || !last.Executed) {
		code = exitInput // refused or a failed call, as for one stack
	}
	if io.json {
		rep.Runs = nonNil(rep.Runs)
		for i := range rep.Runs {
			r := &rep.Runs[i]
			r.Changes, r.Events, r.Outputs = nonNil(r.Changes), nonNil(r.Events), nonNil(r.Outputs)
		}
		if werr := writeJSONResult(io, rep); werr != nil {
			return werr
		}
		if rep.Stopped {
			return &exitError{code: code}
		}
		return nil
	}
	if rep.Stopped {
		if last := lastRun(rep.Runs); last != nil && last.Cause != nil {
			fmt.Fprintf(io.stdout, "root cause: %s\n", last.Cause.Line())
		}
		return &exitError{code: code, err: fmt.Errorf("%s", rep.NextStep)}
	}
	seen := map[string]bool{}
	for i := len(rep.Runs) - 1; i >= 0; i-- {
		r := rep.Runs[i]
		if seen[r.Stack] || !r.Executed {
			continue
		}
		seen[r.Stack] = true
		fmt.Fprintf(io.stdout, "stack %s (account %s) is %s\n", r.Stack, r.Account, r.Status)
		for _, o := range r.Outputs {
			fmt.Fprintf(io.stdout, "  %s = %s\n", o.Key, o.Value)
		}
	}
	return nil
}

func lastRun(runs []awslive.StepRun) *awslive.StepRun {
	if len(runs) == 0 {
		return nil
	}
	return &runs[len(runs)-1]
}
