package awslive_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const splitSpec = "../testdata/golden/hub-and-spoke-accounts.yaml"

// TestDeploySetCommand runs moat deploy on the spec split across a
// network (111111111111) and a workload account (222222222222), each a
// profile that assumes a role in its account on moto. moto cannot create
// the full templates (docs/deploy.md), so the refusals, the plan, the
// gate and the first change set are checked here; TestDeploySetMoto
// executes all three steps with small templates.
func TestDeploySetCommand(t *testing.T) {
	needMoto(t)
	twoAccountProfiles(t)
	both := []string{"--profile", "network=net", "--profile", "222222222222=app"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no profile", nil, "no profile for account 111111111111 (network): the spec deploys to accounts 111111111111 (network), 222222222222 (workload); give --profile 111111111111=PROFILE for each"},
		{"a plain profile", []string{"--profile", "net"}, "--profile net: the spec deploys to accounts"},
		{"one account only", []string{"--profile", "network=net"}, "no profile for account 222222222222 (workload)"},
		{"an account not in the spec", []string{"--profile", "333333333333=other", "--profile", "network=net", "--profile", "workload=app"}, "the spec names no account 333333333333"},
		{"profiles swapped", []string{"--profile", "network=app", "--profile", "workload=net"}, "profile app is account 222222222222 (arn:aws:sts::222222222222:assumed-role/moat-deploy/"},
		{"a passed parameter", append([]string{"--param", "TransitGatewayId=tgw-0123"}, both...), "--param TransitGatewayId: moat passes it from stack to stack"},
		{"an unknown parameter", append([]string{"--param", "Nope=1"}, both...), "--param Nope: no template of the spec declares it"},
		{"no terminal, no --yes", both, "no terminal to confirm on: give --yes"},
	} {
		code, out, errOut := moat(t, append([]string{"deploy", splitSpec}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, want 2 and %q\n%s%s", tc.name, code, tc.want, out, errOut)
		}
	}
	net, app := inAccount(t, netAccount), inAccount(t, appAccount)
	stacks := func(cfg aws.Config) int {
		return len(must(cloudformation.NewFromConfig(cfg).DescribeStacks(bg, &cloudformation.DescribeStacksInput{})).Stacks)
	}

	// The gate: the network stack opens the load balancer to the
	// internet; nothing is deployed, in either account.
	code, out, errOut := moat(t, append([]string{"deploy", splitSpec, "--no-execute"}, both...)...)
	if code != 1 || !strings.Contains(errOut, "deploy stopped, nothing deployed: stack binance-split-network: this deploy opens 1 new path(s) from the internet") {
		t.Fatalf("gate: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"moat: deploying binance-split as 2 stacks in 3 steps, us-east-1:",
		"  step 1: stack binance-split-network to account 111111111111 as arn:aws:sts::111111111111:assumed-role/moat-deploy/",
		"  step 2: stack binance-split-workload with TransitGatewayId from stack binance-split-network to account 222222222222 as arn:aws:sts::222222222222:assumed-role/moat-deploy/",
		"  step 3: stack binance-split-network with TgwAttachWorkloadId from stack binance-split-workload to account 111111111111",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the plan lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "stack binance-split-network (account 111111111111, create):\nopens: internet -> alb tcp/80 becomes reachable") ||
		!strings.Contains(out, "stack binance-split-workload (account 222222222222, create):\nexposure: unchanged") {
		t.Errorf("the gate per stack:\n%s", out)
	}
	if stacks(net)+stacks(app) != 0 {
		t.Errorf("the gate left stacks: %d in the network account, %d in the workload's", stacks(net), stacks(app))
	}

	// Allowed, --no-execute: the network template (over 51,200 bytes)
	// goes through the network account's own bucket (made bare here:
	// moto cannot take its TLS-only policy, see TestTemplateBucket); its
	// change set is shown, the later steps say why they wait.
	if _, err := s3.NewFromConfig(net).CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("moat-templates-111111111111-us-east-1")}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = moat(t, append([]string{"deploy", splitSpec, "--no-execute", "--allow-exposure"}, both...)...)
	if code != 0 {
		t.Fatalf("--no-execute: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"step 1: stack binance-split-network in account 111111111111: creates the Transit Gateway",
		"change set moat-",
		"+ add tgw/main (AWS::EC2::TransitGateway TgwMain)",
		"+ add TgwMainShare (AWS::RAM::ResourceShare)",
		"not executed (--no-execute)",
		"step 2: stack binance-split-workload not deployed: needs TransitGatewayId of stack binance-split-network, not deployed yet",
		"step 3: stack binance-split-network not deployed: its change set is shown at step 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--no-execute lacks %q:\n%s", want, out)
		}
	}
	if stacks(net) != 1 || stacks(app) != 0 {
		t.Errorf("--no-execute: %d stacks in the network account (its change set's), %d in the workload's", stacks(net), stacks(app))
	}

	// --format json: one document, a run per step.
	code, out, _ = moat(t, append([]string{"deploy", splitSpec, "--no-execute", "--allow-exposure", "--stack-name", "js", "--format", "json"}, both...)...)
	var doc struct {
		Stack  string
		Stacks []struct{ Template, Stack, Account, Caller, Profile, Action string }
		Steps  []struct {
			Step           int
			Stack, Skipped string
			ChangeSet      string `json:"change_set"`
			Executed       bool
		}
		Stopped bool
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
		t.Fatalf("--format json: exit %d %v\n%s", code, err, out)
	}
	if doc.Stack != "js" || len(doc.Stacks) != 2 || doc.Stacks[1].Stack != "js-workload" || doc.Stacks[1].Profile != "app" || !strings.Contains(doc.Stacks[1].Caller, "222222222222") ||
		len(doc.Steps) != 3 || !strings.HasPrefix(doc.Steps[0].ChangeSet, "moat-") || doc.Steps[1].Skipped == "" || doc.Steps[2].Skipped == "" || doc.Stopped {
		t.Errorf("--format json document:\n%s", out)
	}

	// Executed: moto cannot create the full network template (its KMS
	// key, see docs/deploy.md), so step 1 stops, and the later steps do
	// not run.
	code, out, errOut = moat(t, append([]string{"deploy", splitSpec, "--yes", "--allow-exposure", "--stack-name", "run"}, both...)...)
	if code == 0 || !strings.Contains(errOut, "step 1 (stack run-network, account 111111111111) ") ||
		!strings.Contains(errOut, "deployed: nothing; not run: step 2 stack run-workload, step 3 stack run-network. To continue: ") {
		t.Errorf("step 1 failing: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "step 2: stack run-workload in account") || stacks(app) != 0 {
		t.Errorf("step 2 ran after step 1 stopped:\n%s", out)
	}

	// destroy goes the other way: the workload stack first.
	code, out, errOut = moat(t, append([]string{"destroy", splitSpec, "--yes"}, both...)...)
	if code != 0 {
		t.Fatalf("destroy: exit %d\n%s%s", code, out, errOut)
	}
	w := strings.Index(errOut, "  1: stack binance-split-workload in account 222222222222 as arn:aws:sts::222222222222:assumed-role/")
	n := strings.Index(errOut, "  2: stack binance-split-network in account 111111111111")
	if w < 0 || n < w {
		t.Errorf("destroy order:\n%s", errOut)
	}
	if !strings.Contains(out, "no stack binance-split-workload: nothing to destroy") || !strings.Contains(out, "stack binance-split-network (account 111111111111) is deleted") {
		t.Errorf("destroy said:\n%s", out)
	}
	if code, _, errOut := moat(t, "destroy", splitSpec, "--yes", "--profile", "network=net"); code != 2 || !strings.Contains(errOut, "no profile for account 222222222222") {
		t.Errorf("destroy without the workload's profile: exit %d\n%s", code, errOut)
	}
}
