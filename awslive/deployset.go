package awslive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/moatnet/moat/cfn"
)

// A design split across accounts deploys as one stack per account, in
// the steps cfn.DeploySteps orders (cfn/emit_accounts.go says why), each
// with the credentials of its own account. An output a later step needs
// (the Transit Gateway's ID, an attachment's ID) is passed to it as a
// parameter.

// SetStack is the stack of one template of a set.
type SetStack struct {
	// Name is the template's name (network, workload).
	Name    string
	Account Account
	// In deploys the stack: Stack, Template and the user's Params; the
	// steps add their inputs to Params.
	In DeployInput
	// Outputs are the stack's outputs before the deploy (ReadStack), so
	// a step can take an input from a stack --no-execute leaves as it is.
	Outputs []Output
}

// StepRun is how one step's deploy ended.
type StepRun struct {
	Step     int    `json:"step"`
	Template string `json:"template"`
	Stack    string `json:"stack"`
	Account  string `json:"account"`
	// Inputs are the parameters passed from earlier stacks' outputs.
	Inputs map[string]string `json:"inputs,omitempty"`
	DeployResult
	// Error is why the step stopped; Skipped why it did not run.
	Error   string `json:"error,omitempty"`
	Skipped string `json:"skipped,omitempty"`
}

// ok says the step ran and left its stack deployed (or, with
// --no-execute, showed its change set).
func (r StepRun) ok() bool { return r.Error == "" && r.Skipped == "" && !r.Failed }

// SetResult is how a deploy of a set ended: a run per step, in order.
// Stopped says a step failed and the later steps did not run; NextStep
// then says what is deployed and how to go on.
type SetResult struct {
	Runs     []StepRun `json:"steps"`
	Stopped  bool      `json:"stopped"`
	NextStep string    `json:"next_step,omitempty"`
}

// SetInput is a deploy of a template set.
type SetInput struct {
	Stacks    []SetStack
	Steps     []cfn.DeployStep
	NoExecute bool
	Out       io.Writer
	// Deploy deploys one stack; nil means Deploy (tests replace it).
	Deploy func(context.Context, Account, DeployInput) (DeployResult, error)
}

// StepInputs are the parameters step s takes from the outputs known so
// far (outputs[i]: template i's stack's), and the inputs not known yet,
// each as "OUTPUT of stack STACK".
func StepInputs(s cfn.DeployStep, stacks []SetStack, outputs []map[string]string) (map[string]string, []string) {
	got := map[string]string{}
	var missing []string
	for _, in := range s.Inputs {
		v, ok := outputs[in.From][in.Output]
		if !ok || v == "" {
			missing = append(missing, fmt.Sprintf("%s of stack %s", in.Output, stacks[in.From].In.Stack))
			continue
		}
		got[in.Param] = v
	}
	return got, missing
}

// DeploySet runs the steps in order. A step that fails (its deploy fails,
// is refused, or is not confirmed) stops the later ones; the result says
// what is deployed and how to continue. With NoExecute each stack's
// change set is shown once, when its inputs are known.
func DeploySet(ctx context.Context, in SetInput) (SetResult, error) {
	deploy := in.Deploy
	if deploy == nil {
		deploy = Deploy
	}
	outs := make([]map[string]string, len(in.Stacks))
	for i, st := range in.Stacks {
		outs[i] = outputMap(st.Outputs)
	}
	var res SetResult
	shown := map[int]int{} // template → the step that showed its change set
	for _, s := range in.Steps {
		st := in.Stacks[s.Template]
		run := StepRun{Step: s.Step, Template: st.Name, Stack: st.In.Stack, Account: st.Account.ID}
		inputs, missing := StepInputs(s, in.Stacks, outs)
		run.Inputs = inputs
		switch {
		case in.NoExecute && shown[s.Template] != 0:
			run.Skipped = fmt.Sprintf("its change set is shown at step %d; this step runs once that one is executed", shown[s.Template])
		case in.NoExecute && len(missing) > 0:
			run.Skipped = "needs " + strings.Join(missing, ", ") + ", not deployed yet: its change set is made once the earlier steps are executed"
		case len(missing) > 0:
			run.Error = "needs " + strings.Join(missing, ", ") + ", which the stack does not output"
		}
		if run.Skipped != "" || run.Error != "" {
			fmt.Fprintf(in.Out, "step %d: stack %s not deployed: %s\n", s.Step, st.In.Stack, orOf(run.Skipped, run.Error))
			res.Runs = append(res.Runs, run)
			if run.Error != "" {
				return stop(res, in), errors.New(run.Error)
			}
			continue
		}
		fmt.Fprintf(in.Out, "step %d: stack %s in account %s: %s\n", s.Step, st.In.Stack, st.Account.ID, s.Does)
		di := st.In
		di.Params = maps.Clone(st.In.Params)
		if di.Params == nil {
			di.Params = map[string]string{}
		}
		maps.Copy(di.Params, inputs)
		r, err := deploy(ctx, st.Account, di)
		run.DeployResult = r
		if err != nil {
			run.Error = err.Error()
		}
		res.Runs = append(res.Runs, run)
		if err != nil || r.Failed {
			return stop(res, in), err
		}
		shown[s.Template] = s.Step
		if o := outputMap(r.Outputs); len(o) > 0 {
			outs[s.Template] = o
		}
	}
	if in.NoExecute {
		fmt.Fprintln(in.Out, "nothing executed (--no-execute): moat deploy without it runs every step in order, each asking first")
	}
	return res, nil
}

func orOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func outputMap(os []Output) map[string]string {
	m := map[string]string{}
	for _, o := range os {
		m[o.Key] = o.Value
	}
	return m
}

// stop marks the set stopped at its last run and says how to go on.
func stop(res SetResult, in SetInput) SetResult {
	res.Stopped = true
	res.NextStep = Continuation(res.Runs, in.Steps, in.Stacks)
	return res
}

// Continuation says, after the last of runs stopped the set, what is
// deployed, what did not run, and how to go on: moat deploy again runs
// every step anew, the ones done coming back as no changes.
func Continuation(runs []StepRun, steps []cfn.DeployStep, stacks []SetStack) string {
	var done, notRun []string
	for _, r := range runs[:len(runs)-1] {
		if r.ok() && r.Executed {
			done = append(done, fmt.Sprintf("step %d stack %s (account %s) %s", r.Step, r.Stack, r.Account, r.Status))
		} else if r.ok() && r.NoChanges {
			done = append(done, fmt.Sprintf("step %d stack %s (account %s) unchanged", r.Step, r.Stack, r.Account))
		}
	}
	for _, s := range steps[len(runs):] {
		notRun = append(notRun, fmt.Sprintf("step %d stack %s", s.Step, stacks[s.Template].In.Stack))
	}
	last := runs[len(runs)-1]
	var b strings.Builder
	fmt.Fprintf(&b, "step %d (stack %s, account %s) ", last.Step, last.Stack, last.Account)
	switch {
	case last.Failed:
		fmt.Fprintf(&b, "failed: the stack is %s", last.Status)
	case last.Error == ErrNotConfirmed.Error():
		b.WriteString("was not executed")
	default:
		b.WriteString("stopped: " + last.Error)
	}
	fmt.Fprintf(&b, "; deployed: %s; not run: %s. ", listOr(done, "nothing"), listOr(notRun, "nothing"))
	next := "deal with that and run moat deploy again"
	if last.Failed {
		next = NextStep(last.Stack, last.Status)
	}
	fmt.Fprintf(&b, "To continue: %s (moat deploy runs every step again in order; the ones done come back as no changes)", next)
	return b.String()
}

func listOr(ss []string, none string) string {
	if len(ss) == 0 {
		return none
	}
	return strings.Join(ss, ", ")
}
