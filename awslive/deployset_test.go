package awslive_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfn"
)

// splitSet is the shape of the template set cfn emits for a design split
// across a network and a workload account (cfn/emit_accounts.go): only
// the parameters and outputs the steps pass matter here.
func splitSet() []cfn.NamedTemplate {
	return []cfn.NamedTemplate{
		{Name: "network", Account: "111111111111", Template: &cfn.Template{
			Parameters: []cfn.Parameter{{Name: "TgwAttachWorkloadId"}},
			Outputs:    []cfn.Output{{Name: cfn.TransitGatewayParam}, {Name: "VpcId"}},
		}},
		{Name: "workload", Account: "222222222222", Template: &cfn.Template{
			Parameters: []cfn.Parameter{{Name: cfn.TransitGatewayParam}, {Name: "ServiceImage"}},
			Outputs:    []cfn.Output{{Name: "VpcId"}, {Name: "TgwAttachWorkloadId"}},
		}},
	}
}

func splitStacks(set []cfn.NamedTemplate) []awslive.SetStack {
	var out []awslive.SetStack
	for _, nt := range set {
		out = append(out, awslive.SetStack{
			Name: nt.Name, Account: awslive.Account{ID: nt.Account},
			In: awslive.DeployInput{Stack: "web-" + nt.Name, Params: map[string]string{}},
		})
	}
	return out
}

// deployCall is one stack deploy the set made.
type deployCall struct {
	Stack, Account string
	Params         map[string]string
}

// stackDeploys stands in for Deploy: it records each call and answers what
// results holds for the stack's nth deploy (a success with no outputs
// when it holds nothing).
type stackDeploys struct {
	calls   []deployCall
	results map[string][]awslive.DeployResult
	errs    map[string]error
}

func (r *stackDeploys) deploy(_ context.Context, a awslive.Account, in awslive.DeployInput) (awslive.DeployResult, error) {
	n := 0
	for _, c := range r.calls {
		if c.Stack == in.Stack {
			n++
		}
	}
	r.calls = append(r.calls, deployCall{in.Stack, a.ID, in.Params})
	if err := r.errs[in.Stack]; err != nil {
		return awslive.DeployResult{}, err
	}
	if rs := r.results[in.Stack]; n < len(rs) {
		return rs[n], nil
	}
	return awslive.DeployResult{Executed: true, Status: "UPDATE_COMPLETE"}, nil
}

func done(status string, outs ...string) awslive.DeployResult {
	r := awslive.DeployResult{Executed: true, Status: status}
	for i := 0; i+1 < len(outs); i += 2 {
		r.Outputs = append(r.Outputs, awslive.Output{Key: outs[i], Value: outs[i+1]})
	}
	return r
}

func TestDeployStepsOrder(t *testing.T) {
	steps := cfn.DeploySteps(splitSet())
	type step struct {
		Step, Template int
		Inputs         []cfn.StepInput
	}
	var got []step
	for _, s := range steps {
		got = append(got, step{s.Step, s.Template, s.Inputs})
	}
	want := []step{
		{1, 0, nil},
		{2, 1, []cfn.StepInput{{Param: cfn.TransitGatewayParam, From: 0, Output: cfn.TransitGatewayParam}}},
		{3, 0, []cfn.StepInput{{Param: "TgwAttachWorkloadId", From: 1, Output: "TgwAttachWorkloadId"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int{1, 0}, cfn.DestroyOrder(steps)); d != "" {
		t.Errorf("destroy order: workload first, then network (-want +got):\n%s", d)
	}
	if cfn.DeploySteps(splitSet()[:1]) != nil {
		t.Errorf("one template has no steps")
	}
}

// TestDeploySetPassesOutputs: each step gets the outputs it needs from
// the earlier ones, in each stack's own account, in order.
func TestDeploySetPassesOutputs(t *testing.T) {
	set := splitSet()
	stacks := splitStacks(set)
	stacks[1].In.Params["ServiceImage"] = "nginx"
	r := &stackDeploys{results: map[string][]awslive.DeployResult{
		"web-network":  {done("CREATE_COMPLETE", "TransitGatewayId", "tgw-0abc", "VpcId", "vpc-1")},
		"web-workload": {done("CREATE_COMPLETE", "VpcId", "vpc-2", "TgwAttachWorkloadId", "tgw-attach-0def")},
	}}
	res, err := awslive.DeploySet(bg, awslive.SetInput{Stacks: stacks, Steps: cfn.DeploySteps(set), Out: io.Discard, Deploy: r.deploy})
	if err != nil || res.Stopped {
		t.Fatalf("%v %+v", err, res)
	}
	want := []deployCall{
		{"web-network", "111111111111", map[string]string{}},
		{"web-workload", "222222222222", map[string]string{"ServiceImage": "nginx", "TransitGatewayId": "tgw-0abc"}},
		{"web-network", "111111111111", map[string]string{"TgwAttachWorkloadId": "tgw-attach-0def"}},
	}
	if d := cmp.Diff(want, r.calls); d != "" {
		t.Errorf("deploys (-want +got):\n%s", d)
	}
	if len(res.Runs) != 3 || res.Runs[2].Step != 3 || res.Runs[2].Inputs["TgwAttachWorkloadId"] != "tgw-attach-0def" {
		t.Errorf("runs: %+v", res.Runs)
	}
	if stacks[1].In.Params["TransitGatewayId"] != "" {
		t.Errorf("the set changed its input's params")
	}
}

// TestDeploySetStopsOnFailure: a step that fails, or errs, or is not
// confirmed, stops the later steps; the result says what is deployed and
// how to go on.
func TestDeploySetStopsOnFailure(t *testing.T) {
	set := splitSet()
	netOK := done("CREATE_COMPLETE", "TransitGatewayId", "tgw-0abc")
	for _, tc := range []struct {
		name     string
		workload awslive.DeployResult
		err      error
		want     []string
	}{
		{"rolled back", awslive.DeployResult{Executed: true, Status: "ROLLBACK_COMPLETE", Failed: true}, nil, []string{
			"step 2 (stack web-workload, account 222222222222) failed: the stack is ROLLBACK_COMPLETE",
			"deployed: step 1 stack web-network (account 111111111111) CREATE_COMPLETE",
			"not run: step 3 stack web-network",
			"To continue: fix the cause and deploy again with --yes",
		}},
		{"refused", awslive.DeployResult{}, errors.New("stack web-workload is UPDATE_ROLLBACK_FAILED: ..."), []string{
			"step 2 (stack web-workload, account 222222222222) stopped: stack web-workload is UPDATE_ROLLBACK_FAILED",
			"not run: step 3 stack web-network",
			"To continue: deal with that and run moat deploy again",
		}},
		{"declined", awslive.DeployResult{}, awslive.ErrNotConfirmed, []string{
			"step 2 (stack web-workload, account 222222222222) was not executed",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &stackDeploys{
				results: map[string][]awslive.DeployResult{"web-network": {netOK}, "web-workload": {tc.workload}},
				errs:    map[string]error{"web-workload": tc.err},
			}
			res, err := awslive.DeploySet(bg, awslive.SetInput{Stacks: splitStacks(set), Steps: cfn.DeploySteps(set), Out: io.Discard, Deploy: r.deploy})
			if !errors.Is(err, tc.err) || !res.Stopped {
				t.Fatalf("err %v, stopped %v", err, res.Stopped)
			}
			if len(r.calls) != 2 || len(res.Runs) != 2 {
				t.Fatalf("step 3 ran after step 2 stopped: %+v", r.calls)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.NextStep, w) {
					t.Errorf("next step lacks %q:\n%s", w, res.NextStep)
				}
			}
		})
	}
	// A first step that fails runs nothing else and has nothing deployed.
	r := &stackDeploys{results: map[string][]awslive.DeployResult{"web-network": {{Executed: true, Status: "ROLLBACK_COMPLETE", Failed: true}}}}
	res, _ := awslive.DeploySet(bg, awslive.SetInput{Stacks: splitStacks(set), Steps: cfn.DeploySteps(set), Out: io.Discard, Deploy: r.deploy})
	if len(r.calls) != 1 || !strings.Contains(res.NextStep, "deployed: nothing; not run: step 2 stack web-workload, step 3 stack web-network") {
		t.Errorf("step 1 failed: %d calls, %s", len(r.calls), res.NextStep)
	}
	// A step whose stack lacks the output the next needs stops there.
	r = &stackDeploys{results: map[string][]awslive.DeployResult{"web-network": {done("CREATE_COMPLETE")}}}
	res, err := awslive.DeploySet(bg, awslive.SetInput{Stacks: splitStacks(set), Steps: cfn.DeploySteps(set), Out: io.Discard, Deploy: r.deploy})
	if err == nil || len(r.calls) != 1 || !strings.Contains(err.Error(), "needs TransitGatewayId of stack web-network") {
		t.Errorf("missing output: %v, %d calls", err, len(r.calls))
	}
}

// TestDeploySetNoExecute: --no-execute shows each stack's change set
// once, and a step whose input is not deployed yet is skipped, saying
// why; inputs come from the stacks as deployed.
func TestDeploySetNoExecute(t *testing.T) {
	set := splitSet()
	notRun := awslive.DeployResult{ChangeSet: "moat-1"}
	r := &stackDeploys{results: map[string][]awslive.DeployResult{"web-network": {notRun}, "web-workload": {notRun}}}
	var out strings.Builder
	res, err := awslive.DeploySet(bg, awslive.SetInput{Stacks: splitStacks(set), Steps: cfn.DeploySteps(set), NoExecute: true, Out: &out, Deploy: r.deploy})
	if err != nil || res.Stopped || len(r.calls) != 1 {
		t.Fatalf("%v %+v %+v", err, res, r.calls)
	}
	if !strings.Contains(out.String(), "step 2: stack web-workload not deployed: needs TransitGatewayId of stack web-network, not deployed yet") ||
		!strings.Contains(out.String(), "step 3: stack web-network not deployed: its change set is shown at step 1") {
		t.Errorf("said:\n%s", out.String())
	}
	// The network stack deployed before: the workload's change set is
	// made with its output.
	stacks := splitStacks(set)
	stacks[0].Outputs = []awslive.Output{{Key: "TransitGatewayId", Value: "tgw-0abc"}}
	r = &stackDeploys{results: map[string][]awslive.DeployResult{"web-network": {notRun}, "web-workload": {notRun}}}
	if _, err := awslive.DeploySet(bg, awslive.SetInput{Stacks: stacks, Steps: cfn.DeploySteps(set), NoExecute: true, Out: io.Discard, Deploy: r.deploy}); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 2 || r.calls[1].Params["TransitGatewayId"] != "tgw-0abc" {
		t.Errorf("calls: %+v", r.calls)
	}
}
