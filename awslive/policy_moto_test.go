package awslive_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/moatnet/moat/awslive"
)

// s3Action is the IAM action of each S3 operation whose action is named
// otherwise (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
var s3Action = map[string]string{
	"s3:HeadBucket":           "s3:ListBucket",
	"s3:PutBucketEncryption":  "s3:PutEncryptionConfiguration",
	"s3:PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
}

func iamActions(ops []string) []string {
	var out []string
	for _, op := range ops {
		if a, ok := s3Action[op]; ok {
			op = a
		}
		out = append(out, op)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestPolicyIsWhatDeployCalls runs every branch of a deploy on moto,
// recording the calls: a prod create through moat's own template bucket,
// an empty change set (deleted), and a re-create of a ROLLBACK_COMPLETE
// stack; then a destroy. The calls made are exactly the deploy and
// destroy policies' actions. Where moto cannot take a branch, the answer
// it lacks is given in the API reference's shape: UpdateTerminationProtection
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html),
// an empty change set's DescribeChangeSet (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html),
// a stack's ROLLBACK_COMPLETE status (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html),
// and PutBucketPolicy, which moto misjudges (TestTemplateBucket).
func TestPolicyIsWhatDeployCalls(t *testing.T) {
	needMoto(t)
	var rec recorder
	f := newFake()
	f.answer["UpdateTerminationProtection"] = func(any) (any, error) { return &cloudformation.UpdateTerminationProtectionOutput{}, nil }
	f.answer["PutBucketPolicy"] = func(any) (any, error) { return &s3.PutBucketPolicyOutput{}, nil }
	empty, rolledBack := false, false
	f.answer["DescribeChangeSet"] = func(any) (any, error) {
		if !empty {
			return nil, nil
		}
		empty = false
		return &cloudformation.DescribeChangeSetOutput{Status: cf.ChangeSetStatusFailed,
			StatusReason: aws.String("The submitted information didn't contain changes. Submit different information to create a change set.")}, nil
	}
	f.edit["DescribeStacks"] = func(out any) {
		if st := out.(*cloudformation.DescribeStacksOutput).Stacks; rolledBack && len(st) > 0 {
			rolledBack = false
			st[0].StackStatus = cf.StackStatusRollbackComplete
		}
	}
	accounts, err := awslive.Accounts(bg, awslive.Options{APIOptions: []func(*middleware.Stack) error{rec.option, f.option}})
	if err != nil {
		t.Fatal(err)
	}
	step := 0
	deploy := func(tmpl []byte) awslive.DeployResult {
		t.Helper()
		var out bytes.Buffer
		step++
		now := time.Date(2026, 12, 3, 12, step, 0, 0, time.UTC)
		res, err := awslive.Deploy(bg, accounts[0], awslive.DeployInput{Stack: "pol", Template: tmpl, Yes: true, Protect: true, Out: &out, Poll: 10 * time.Millisecond, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatalf("deploy %d: %v\n%s", step, err, out.String())
		}
		return res
	}
	if res := deploy(bigTemplate()); !res.Executed || !res.Protected {
		t.Fatalf("create: %+v", res)
	}
	empty = true
	if res := deploy(smallTemplate(true)); !res.NoChanges {
		t.Fatalf("empty change set: %+v", res)
	}
	rolledBack = true
	if res := deploy(smallTemplate(false)); res.Action != awslive.Recreate || res.Status != "CREATE_COMPLETE" {
		t.Fatalf("re-create: %+v", res)
	}
	want := iamActions(append(slices.Clone(awslive.DeployActions), "sts:GetCallerIdentity"))
	if got := iamActions(rec.actions()); !slices.Equal(got, want) {
		t.Errorf("deploy calls:\n  %s\nwant the policy's:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	rec = recorder{}
	var out bytes.Buffer
	if res, err := awslive.Destroy(bg, accounts[0], awslive.DestroyInput{Stack: "pol", Yes: true, Out: &out, Poll: 10 * time.Millisecond}); err != nil || !res.Deleted {
		t.Fatalf("destroy: %+v %v\n%s", res, err, out.String())
	}
	if got, want := iamActions(rec.actions()), iamActions(awslive.DestroyActions); !slices.Equal(got, want) {
		t.Errorf("destroy calls:\n  %s\nwant the policy's:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
