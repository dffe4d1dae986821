package awslive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/moatnet/moat/model"
)

// DeployInput is one deploy of a template to a stack.
type DeployInput struct {
	Stack string
	// Template is the template as JSON; it is sent compact.
	Template []byte
	Params   map[string]string
	// Bucket receives templates over MaxInlineBody.
	Bucket                     string
	Yes, NoExecute, NoRollback bool
	// Addresses name logical IDs as moat addresses (AddressIndex).
	Addresses map[string]model.ResourceRef
	// Check is given the deployed template (nil when there is no stack)
	// before anything is changed; an error stops the deploy.
	Check func(deployed []byte) error
	// Confirm asks whether to execute the change set; nil means there is
	// no terminal to ask on, and Yes is required.
	Confirm func() bool
	// Out receives the report; Progress, when set, gets the progress
	// line (a terminal).
	Out      io.Writer
	Progress func(line string)
	// Poll is the wait between polls; 0 means 5 s.
	Poll time.Duration
	// Now names the change set; nil means time.Now.
	Now func() time.Time
}

// DeployResult says how a deploy ended.
type DeployResult struct {
	Action    Action
	ChangeSet string
	Changes   []Change
	NoChanges bool
	// Executed is set once the change set was executed; Status is the
	// stack's final status and Failed whether it is a failure.
	Executed bool
	Status   string
	Failed   bool
	Cause    *cf.StackEvent
	Outputs  []cf.Output
}

// ErrNotConfirmed is returned when the change set was made but not
// executed: no terminal and no --yes, or the answer was no.
var ErrNotConfirmed = errors.New("not confirmed")

// Deploy creates a change set for the template, shows it and, unless
// told not to, executes it and waits, printing the stack's events.
func Deploy(ctx context.Context, a Account, in DeployInput) (DeployResult, error) {
	var res DeployResult
	if in.Poll == 0 {
		in.Poll = 5 * time.Second
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	if in.Progress == nil {
		in.Progress = func(string) {}
	}
	c := cloudformation.NewFromConfig(a.cfg)
	st, err := describeStack(ctx, c, in.Stack)
	if err != nil {
		return res, err
	}
	status := ""
	if st != nil {
		status = string(st.StackStatus)
	}
	if res.Action, err = Decide(in.Stack, status, in.Yes); err != nil {
		return res, err
	}
	var deployed []byte
	if res.Action == Update {
		t, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(in.Stack)})
		if err != nil {
			return res, fmt.Errorf("cloudformation get-template %s: %w", in.Stack, err)
		}
		deployed = []byte(aws.ToString(t.TemplateBody))
	}
	if in.Check != nil {
		if err := in.Check(deployed); err != nil {
			return res, err
		}
	}
	body, err := TemplateBody(in.Template, in.Bucket)
	if err != nil {
		return res, err
	}
	if res.Action == Recreate {
		fmt.Fprintf(in.Out, "deleting stack %s (%s) to create it anew\n", in.Stack, status)
		if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(in.Stack)}); err != nil {
			return res, fmt.Errorf("cloudformation delete-stack %s: %w", in.Stack, err)
		}
		for {
			st, err := describeStack(ctx, c, in.Stack)
			if err != nil {
				return res, err
			}
			if st == nil || st.StackStatus == cf.StackStatusDeleteComplete {
				break
			}
			if st.StackStatus == cf.StackStatusDeleteFailed {
				return res, fmt.Errorf("stack %s: DELETE_FAILED: %s", in.Stack, aws.ToString(st.StackStatusReason))
			}
			if err := sleep(ctx, in.Poll); err != nil {
				return res, err
			}
		}
		st = nil
	}

	res.ChangeSet = "moat-" + in.Now().UTC().Format("20060102T150405Z")
	csIn := &cloudformation.CreateChangeSetInput{
		StackName:     aws.String(in.Stack),
		ChangeSetName: aws.String(res.ChangeSet),
		ChangeSetType: cf.ChangeSetTypeUpdate,
		Capabilities:  []cf.Capability{cf.CapabilityCapabilityIam, cf.CapabilityCapabilityNamedIam},
		Parameters:    parameters(in.Params, st, in.Template),
		Description:   aws.String("moat deploy"),
	}
	if res.Action != Update {
		csIn.ChangeSetType = cf.ChangeSetTypeCreate
	}
	if body.Inline {
		csIn.TemplateBody = aws.String(string(body.JSON))
	} else {
		key := "moat/" + in.Stack + "/" + res.ChangeSet + ".json"
		if _, err := s3.NewFromConfig(a.cfg).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(body.Bucket), Key: aws.String(key), Body: bytes.NewReader(body.JSON), ContentType: aws.String("application/json")}); err != nil {
			return res, fmt.Errorf("s3 put-object s3://%s/%s: %w", body.Bucket, key, err)
		}
		csIn.TemplateURL = aws.String(fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", body.Bucket, a.cfg.Region, key))
	}
	if _, err := c.CreateChangeSet(ctx, csIn); err != nil {
		// moto refuses an empty change set outright, as UpdateStack does;
		// AWS makes it and fails it (below).
		var ae smithy.APIError
		if errors.As(err, &ae) && EmptyChangeSet(cf.ChangeSetStatusFailed, ae.ErrorMessage()) {
			res.NoChanges = true
			fmt.Fprintf(in.Out, "no changes: stack %s is up to date\n", in.Stack)
			return res, nil
		}
		return res, fmt.Errorf("cloudformation create-change-set %s: %w", in.Stack, err)
	}
	fmt.Fprintf(in.Out, "change set %s (%s stack %s)\n", res.ChangeSet, res.Action, in.Stack)

	// Wait for the change set, then read all its pages.
	var changes []cf.Change
	for {
		changes = changes[:0]
		out, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String(in.Stack), ChangeSetName: aws.String(res.ChangeSet)})
		if err != nil {
			return res, fmt.Errorf("cloudformation describe-change-set %s: %w", res.ChangeSet, err)
		}
		if EmptyChangeSet(out.Status, aws.ToString(out.StatusReason)) {
			res.NoChanges = true
			if _, err := c.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{StackName: aws.String(in.Stack), ChangeSetName: aws.String(res.ChangeSet)}); err != nil {
				return res, fmt.Errorf("cloudformation delete-change-set %s: %w", res.ChangeSet, err)
			}
			fmt.Fprintf(in.Out, "no changes: stack %s is up to date (the empty change set was deleted)\n", in.Stack)
			return res, nil
		}
		if out.Status == cf.ChangeSetStatusFailed {
			return res, fmt.Errorf("change set %s failed: %s", res.ChangeSet, aws.ToString(out.StatusReason))
		}
		if out.Status == cf.ChangeSetStatusCreateComplete {
			changes = append(changes, out.Changes...)
			for next := out.NextToken; next != nil; {
				p, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String(in.Stack), ChangeSetName: aws.String(res.ChangeSet), NextToken: next})
				if err != nil {
					return res, fmt.Errorf("cloudformation describe-change-set %s: %w", res.ChangeSet, err)
				}
				changes = append(changes, p.Changes...)
				next = p.NextToken
			}
			break
		}
		if err := sleep(ctx, in.Poll); err != nil {
			return res, err
		}
	}
	res.Changes = Changes(changes, in.Addresses)
	for _, ch := range res.Changes {
		fmt.Fprintln(in.Out, "  "+ch.Line())
	}
	execCmd := fmt.Sprintf("aws cloudformation execute-change-set --stack-name %s --change-set-name %s", in.Stack, res.ChangeSet)
	if in.NoExecute {
		fmt.Fprintf(in.Out, "not executed (--no-execute); to execute it: %s\n", execCmd)
		return res, nil
	}
	if !in.Yes {
		if in.Confirm == nil {
			fmt.Fprintf(in.Out, "not executed: no terminal to confirm on; deploy with --yes, or run: %s\n", execCmd)
			return res, ErrNotConfirmed
		}
		if !in.Confirm() {
			fmt.Fprintf(in.Out, "not executed; the change set is kept: %s\n", execCmd)
			return res, ErrNotConfirmed
		}
	}

	// The newest event before executing: only later ones are this deploy's.
	since := ""
	if ev, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(in.Stack)}); err == nil && len(ev.StackEvents) > 0 {
		since = aws.ToString(ev.StackEvents[0].EventId)
	}
	start := in.Now()
	if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{
		StackName: aws.String(in.Stack), ChangeSetName: aws.String(res.ChangeSet), DisableRollback: aws.Bool(in.NoRollback),
	}); err != nil {
		return res, fmt.Errorf("cloudformation execute-change-set %s: %w", res.ChangeSet, err)
	}
	res.Executed = true
	res.Status = "executing"
	execAt := time.Now()
	done := map[string]bool{}
	var events []cf.StackEvent // newest first, this deploy's
	for {
		ev, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(in.Stack)})
		if ctx.Err() != nil {
			return res, stopped(in.Stack, res.Status)
		}
		if err != nil {
			return res, fmt.Errorf("cloudformation describe-stack-events %s: %w", in.Stack, err)
		}
		var fresh []cf.StackEvent
		for _, e := range ev.StackEvents {
			id := aws.ToString(e.EventId)
			if id == since || slices.ContainsFunc(events, func(x cf.StackEvent) bool { return aws.ToString(x.EventId) == id }) {
				break
			}
			fresh = append(fresh, e)
		}
		events = append(slices.Clone(fresh), events...)
		for i := len(fresh) - 1; i >= 0; i-- {
			e := fresh[i]
			if aws.ToString(e.ResourceType) != "AWS::CloudFormation::Stack" && strings.HasSuffix(string(e.ResourceStatus), "_COMPLETE") {
				done[aws.ToString(e.LogicalResourceId)] = true
			}
			in.Progress("")
			fmt.Fprintln(in.Out, "  "+EventLine(e))
		}
		in.Progress(fmt.Sprintf("%d of %d resources done, %s", len(done), len(res.Changes), in.Now().Sub(start).Round(time.Second)))
		st, err := describeStack(ctx, c, in.Stack)
		if ctx.Err() != nil {
			return res, stopped(in.Stack, res.Status)
		}
		if err != nil {
			return res, err
		}
		if st == nil {
			return res, fmt.Errorf("stack %s disappeared while deploying", in.Stack)
		}
		res.Status = string(st.StackStatus)
		if st.StackStatus == cf.StackStatusReviewInProgress && time.Since(execAt) > 2*time.Minute {
			// Executing moves a stack out of review at once on AWS.
			return res, fmt.Errorf("stack %s is still REVIEW_IN_PROGRESS 2 minutes after executing %s: the execution did not start; look at aws cloudformation describe-change-set --stack-name %s --change-set-name %s", in.Stack, res.ChangeSet, in.Stack, res.ChangeSet)
		}
		if !strings.HasSuffix(res.Status, "_IN_PROGRESS") {
			res.Outputs = st.Outputs
			break
		}
		if err := sleep(ctx, in.Poll); err != nil {
			return res, stopped(in.Stack, res.Status)
		}
	}
	in.Progress("")
	switch res.Status {
	case "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE":
	default:
		res.Failed = true
		res.Cause = RootCause(events, "")
	}
	return res, nil
}

// parameters are the given ones, and for an update every parameter the
// stack has and the template still declares kept at its previous value.
func parameters(given map[string]string, st *cf.Stack, template []byte) []cf.Parameter {
	var out []cf.Parameter
	for _, k := range slices.Sorted(maps.Keys(given)) {
		out = append(out, cf.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(given[k])})
	}
	if st == nil {
		return out
	}
	var t struct{ Parameters map[string]json.RawMessage }
	json.Unmarshal(template, &t)
	for _, p := range st.Parameters {
		k := aws.ToString(p.ParameterKey)
		if _, ok := given[k]; ok {
			continue
		}
		if _, ok := t.Parameters[k]; ok {
			out = append(out, cf.Parameter{ParameterKey: aws.String(k), UsePreviousValue: aws.Bool(true)})
		}
	}
	return out
}

// describeStack returns the stack, or nil when there is none.
func describeStack(ctx context.Context, c *cloudformation.Client, name string) (*cf.Stack, error) {
	out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && strings.Contains(ae.ErrorMessage(), "does not exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("cloudformation describe-stacks %s: %w", name, err)
	}
	if len(out.Stacks) == 0 {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// stopped is what Ctrl-C while waiting says: the stack goes on.
func stopped(stack, status string) error {
	return fmt.Errorf("stopped waiting: stack %s (last seen %s) goes on without moat; follow it with aws cloudformation describe-stack-events --stack-name %s, and deploy again once it is no longer IN_PROGRESS", stack, status, stack)
}
