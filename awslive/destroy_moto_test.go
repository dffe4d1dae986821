package awslive_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go/middleware"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/model"
)

// retainTemplate is smallTemplate with a log group its delete keeps.
func retainTemplate() []byte {
	var t map[string]any
	json.Unmarshal(smallTemplate(false), &t)
	t["Resources"].(map[string]any)["LogsFlow"] = map[string]any{
		"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
		"Properties": map[string]any{"LogGroupName": "/moat/small/flow", "RetentionInDays": 30},
	}
	b, _ := json.Marshal(t)
	return b
}

// TestDestroyMoto deploys a small stack with a retained log group, then
// destroys it: the log group is named as kept before anything is deleted,
// the stack goes, the log group stays. A protected stack is refused with
// the command that unprotects it; no terminal needs --yes.
func TestDestroyMoto(t *testing.T) {
	needMoto(t)
	f := newFake()
	protected := false
	f.edit["DescribeStacks"] = func(out any) {
		for i := range out.(*cloudformation.DescribeStacksOutput).Stacks {
			out.(*cloudformation.DescribeStacksOutput).Stacks[i].EnableTerminationProtection = aws.Bool(protected)
		}
	}
	accounts, err := awslive.Accounts(bg, awslive.Options{APIOptions: []func(*middleware.Stack) error{f.option}})
	if err != nil {
		t.Fatal(err)
	}
	a := accounts[0]
	var out bytes.Buffer
	now := func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }
	if res, err := awslive.Deploy(bg, a, awslive.DeployInput{Stack: "small", Template: retainTemplate(), Yes: true, Out: &out, Poll: 10 * time.Millisecond, Now: now}); err != nil || res.Status != "CREATE_COMPLETE" {
		t.Fatalf("deploy: %+v %v\n%s", res, err, out.String())
	}
	destroy := func(in awslive.DestroyInput) (awslive.DestroyResult, string, error) {
		var out bytes.Buffer
		in.Stack, in.Out, in.Poll, in.Now = "small", &out, 10*time.Millisecond, now
		in.Addresses = map[string]model.ResourceRef{"LogsFlow": "logs/flow"}
		res, err := awslive.Destroy(bg, a, in)
		return res, out.String(), err
	}

	protected = true
	_, _, err = destroy(awslive.DestroyInput{Yes: true})
	if !errors.Is(err, awslive.ErrProtected) || !strings.Contains(err.Error(), "aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name small") {
		t.Fatalf("protected stack: %v", err)
	}
	protected = false
	res, text, err := destroy(awslive.DestroyInput{})
	if !errors.Is(err, awslive.ErrNotConfirmed) || res.Deleted || !strings.Contains(text, "destroy with --yes") {
		t.Fatalf("no terminal, no --yes: %+v %v\n%s", res, err, text)
	}
	if len(res.Retained) != 1 || res.Retained[0].Address != "logs/flow" || res.Retained[0].PhysicalID != "/moat/small/flow" {
		t.Errorf("retained %+v", res.Retained)
	}
	want := "logs/flow (AWS::Logs::LogGroup /moat/small/flow): kept, and billed, until you delete it (DeletionPolicy Retain)"
	if !strings.Contains(text, want) {
		t.Errorf("destroy does not name what it keeps:\n%s", text)
	}
	res, text, err = destroy(awslive.DestroyInput{Yes: true})
	if err != nil || !res.Deleted || res.Failed || res.Status != "DELETE_COMPLETE" {
		t.Fatalf("destroy: %+v %v\n%s", res, err, text)
	}
	groups := must(cloudwatchlogs.NewFromConfig(motoConfig(t)).DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/moat/small/")}))
	if len(groups.LogGroups) != 1 {
		t.Errorf("the retained log group is gone: %+v", groups.LogGroups)
	}
	res, text, err = destroy(awslive.DestroyInput{Yes: true})
	if err != nil || !res.NoStack || !strings.Contains(text, "nothing to destroy") {
		t.Errorf("destroy again: %+v %v\n%s", res, err, text)
	}
}

// TestDestroyCommand runs moat destroy on a stack moto holds.
func TestDestroyCommand(t *testing.T) {
	needMoto(t)
	c := cloudformation.NewFromConfig(motoConfig(t))
	if _, err := c.CreateStack(bg, &cloudformation.CreateStackInput{StackName: aws.String("small"), TemplateBody: aws.String(string(retainTemplate()))}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := moat(t, "destroy", "../examples/webapp.yaml", "--stack-name", "small")
	if code != 2 || !strings.Contains(errOut, "give --yes") || !strings.Contains(out, "LogsFlow (AWS::Logs::LogGroup /moat/small/flow): kept") {
		t.Errorf("no terminal, no --yes: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(errOut, "moat: destroying stack small in account 123456789012 as arn:aws:") {
		t.Errorf("the account and caller are not named first:\n%s", errOut)
	}
	code, out, errOut = moat(t, "destroy", "../examples/webapp.yaml", "--stack-name", "small", "--yes", "--format", "json")
	var doc struct {
		Stack    string
		Deleted  bool
		Status   string
		Retained []struct{ Type, Policy string }
		Events   []any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || !doc.Deleted || doc.Status != "DELETE_COMPLETE" || len(doc.Retained) != 1 || doc.Events == nil {
		t.Errorf("--yes --format json: exit %d %v\n%s%s", code, err, out, errOut)
	}
}
