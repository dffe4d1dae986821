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
	// Protect turns termination protection on once the stack is deployed
	// (a prod stack), unless it is on already.
	Protect bool
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
	Action    Action   `json:"action"`
	ChangeSet string   `json:"change_set,omitempty"`
	Changes   []Change `json:"changes"`
	NoChanges bool     `json:"no_changes"`
	// Executed is set once the change set was executed; Status is the
	// stack's final status and Failed whether it is a failure.
	Executed bool     `json:"executed"`
	Status   string   `json:"status,omitempty"`
	Failed   bool     `json:"failed"`
	Cause    *Event   `json:"root_cause,omitempty"`
	Events   []Event  `json:"events"`
	Outputs  []Output `json:"outputs"`
	// Protected says termination protection is on after the deploy.
	Protected bool `json:"termination_protection"`
}

// ErrNotConfirmed is returned when the change set was made but not
// executed: no terminal and no --yes, or the answer was no.
var ErrNotConfirmed = errors.New("not confirmed")

// deploy is one run of Deploy: its input, client and result so far.
type deploy struct {
	in  DeployInput
	a   Account
	c   *cloudformation.Client
	res DeployResult
	st  *cf.Stack // the stack as found, nil when there is none
}

// Deploy creates a change set for the template, shows it and, unless
// told not to, executes it and waits, printing the stack's events.
func Deploy(ctx context.Context, a Account, in DeployInput) (DeployResult, error) {
	if in.Poll == 0 {
		in.Poll = 5 * time.Second
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	if in.Progress == nil {
		in.Progress = func(string) {}
	}
	d := &deploy{in: in, a: a, c: cloudformation.NewFromConfig(a.cfg)}
	err := d.run(ctx)
	return d.res, err
}

func (d *deploy) run(ctx context.Context) error {
	if err := d.decide(ctx); err != nil {
		return err
	}
	body, err := TemplateBody(d.in.Template, d.in.Bucket)
	if err != nil {
		return err
	}
	owner := ""
	if !body.Inline && body.Bucket == "" {
		if body.Bucket, err = ensureTemplateBucket(ctx, d.a, d.in.Out); err != nil {
			return err
		}
		owner = d.a.ID
	}
	if d.res.Action == Recreate {
		fmt.Fprintf(d.in.Out, "deleting stack %s (%s) to create it anew\n", d.in.Stack, d.st.StackStatus)
		if err := deleteStack(ctx, d.c, d.in.Stack, d.in.Poll); err != nil {
			return err
		}
		d.st = nil
	}
	if err := d.createChangeSet(ctx, body, owner); err != nil || d.res.NoChanges {
		return err
	}
	if err := d.readChangeSet(ctx); err != nil || d.res.NoChanges {
		return err
	}
	if err := d.confirm(); err != nil || d.in.NoExecute {
		return err
	}
	return d.execute(ctx)
}

// decide reads the stack, picks the action, and gives the check the
// deployed template.
func (d *deploy) decide(ctx context.Context) error {
	s, err := readStack(ctx, d.c, d.in.Stack, d.in.Yes)
	if err != nil {
		return err
	}
	d.st, d.res.Action = s.stack, s.Action
	// The outputs as they are; an execution replaces them.
	d.res.Outputs = s.Outputs
	if d.in.Check != nil {
		return d.in.Check(s.Deployed)
	}
	return nil
}

// StackState is what a deploy decides from before it changes anything.
type StackState struct {
	Action Action
	// Status is the stack's status, "" when there is none.
	Status string
	// Deployed is the deployed template, for an update; else nil.
	Deployed []byte
	// Outputs are the stack's outputs as they are now.
	Outputs []Output
	stack   *cf.Stack
}

// ReadStack reads the stack and decides what a deploy would do to it
// (Decide), changing nothing: a deploy of several stacks checks them all
// before it changes any.
func ReadStack(ctx context.Context, a Account, stack string, yes bool) (StackState, error) {
	return readStack(ctx, cloudformation.NewFromConfig(a.cfg), stack, yes)
}

func readStack(ctx context.Context, c *cloudformation.Client, stack string, yes bool) (StackState, error) {
	st, err := describeStack(ctx, c, stack)
	if err != nil {
		return StackState{}, err
	}
	s := StackState{stack: st, Outputs: []Output{}}
	if st != nil {
		s.Status, s.Outputs = string(st.StackStatus), outputs(st.Outputs)
	}
	if s.Action, err = Decide(stack, s.Status, yes); err != nil {
		return s, err
	}
	if s.Action == Update {
		t, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(stack)})
		if err != nil {
			return s, fmt.Errorf("cloudformation get-template %s: %w", stack, err)
		}
		s.Deployed = []byte(aws.ToString(t.TemplateBody))
	}
	return s, nil
}

// deleteStack deletes the stack and waits until it is gone.
func deleteStack(ctx context.Context, c *cloudformation.Client, stack string, poll time.Duration) error {
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(stack)}); err != nil {
		return fmt.Errorf("cloudformation delete-stack %s: %w", stack, err)
	}
	for {
		st, err := describeStack(ctx, c, stack)
		if err != nil {
			return err
		}
		if st == nil || st.StackStatus == cf.StackStatusDeleteComplete {
			return nil
		}
		if st.StackStatus == cf.StackStatusDeleteFailed {
			return fmt.Errorf("stack %s: DELETE_FAILED: %s", stack, aws.ToString(st.StackStatusReason))
		}
		if err := sleep(ctx, poll); err != nil {
			return err
		}
	}
}

// createChangeSet sends the template, inline or through S3; owner, when
// set, is the account the bucket must belong to.
func (d *deploy) createChangeSet(ctx context.Context, body Body, owner string) error {
	in, stack := d.in, d.in.Stack
	d.res.ChangeSet = "moat-" + in.Now().UTC().Format("20060102T150405Z")
	csIn := &cloudformation.CreateChangeSetInput{
		StackName:     aws.String(stack),
		ChangeSetName: aws.String(d.res.ChangeSet),
		ChangeSetType: cf.ChangeSetTypeUpdate,
		Capabilities:  []cf.Capability{cf.CapabilityCapabilityIam, cf.CapabilityCapabilityNamedIam},
		Parameters:    parameters(in.Params, d.st, in.Template),
		Description:   aws.String("moat deploy"),
		// The SDK retries a call whose connection failed; the token makes
		// a retried create the same change set, not a second one
		// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
		ClientToken: aws.String(d.res.ChangeSet),
	}
	if d.res.Action != Update {
		csIn.ChangeSetType = cf.ChangeSetTypeCreate
	}
	if body.Inline {
		csIn.TemplateBody = aws.String(string(body.JSON))
	} else {
		key := "moat/" + stack + "/" + d.res.ChangeSet + ".json"
		put := &s3.PutObjectInput{Bucket: aws.String(body.Bucket), Key: aws.String(key), Body: bytes.NewReader(body.JSON), ContentType: aws.String("application/json")}
		if owner != "" {
			put.ExpectedBucketOwner = aws.String(owner)
		}
		if _, err := s3.NewFromConfig(d.a.cfg).PutObject(ctx, put); err != nil {
			return fmt.Errorf("s3 put-object s3://%s/%s: %w", body.Bucket, key, err)
		}
		csIn.TemplateURL = aws.String(fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", body.Bucket, d.a.cfg.Region, key))
	}
	if _, err := d.c.CreateChangeSet(ctx, csIn); err != nil {
		// moto refuses an empty change set outright, as UpdateStack does;
		// AWS makes it and fails it (readChangeSet).
		var ae smithy.APIError
		if errors.As(err, &ae) && EmptyChangeSet(cf.ChangeSetStatusFailed, ae.ErrorMessage()) {
			d.res.NoChanges = true
			fmt.Fprintf(in.Out, "no changes: stack %s is up to date\n", stack)
			return nil
		}
		return fmt.Errorf("cloudformation create-change-set %s: %w", stack, err)
	}
	fmt.Fprintf(in.Out, "change set %s (%s stack %s)\n", d.res.ChangeSet, d.res.Action, stack)
	return nil
}

// readChangeSet waits for the change set, reads all its pages and shows
// it; an empty one is deleted.
func (d *deploy) readChangeSet(ctx context.Context) error {
	in := &cloudformation.DescribeChangeSetInput{StackName: aws.String(d.in.Stack), ChangeSetName: aws.String(d.res.ChangeSet)}
	var changes []cf.Change
	for {
		out, err := d.c.DescribeChangeSet(ctx, in)
		if err != nil {
			return fmt.Errorf("cloudformation describe-change-set %s: %w", d.res.ChangeSet, err)
		}
		if EmptyChangeSet(out.Status, aws.ToString(out.StatusReason)) {
			d.res.NoChanges = true
			if _, err := d.c.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{StackName: in.StackName, ChangeSetName: in.ChangeSetName}); err != nil {
				return fmt.Errorf("cloudformation delete-change-set %s: %w", d.res.ChangeSet, err)
			}
			fmt.Fprintf(d.in.Out, "no changes: stack %s is up to date (the empty change set was deleted)\n", d.in.Stack)
			return nil
		}
		if out.Status == cf.ChangeSetStatusFailed {
			return fmt.Errorf("change set %s failed: %s", d.res.ChangeSet, aws.ToString(out.StatusReason))
		}
		if out.Status == cf.ChangeSetStatusCreateComplete {
			changes = append(changes, out.Changes...)
			for next := out.NextToken; next != nil; {
				page := *in
				page.NextToken = next
				p, err := d.c.DescribeChangeSet(ctx, &page)
				if err != nil {
					return fmt.Errorf("cloudformation describe-change-set %s: %w", d.res.ChangeSet, err)
				}
				changes = append(changes, p.Changes...)
				next = p.NextToken
			}
			break
		}
		if err := sleep(ctx, d.in.Poll); err != nil {
			return err
		}
	}
	d.res.Changes = Changes(changes, d.in.Addresses)
	for _, ch := range d.res.Changes {
		fmt.Fprintln(d.in.Out, "  "+ch.Line())
	}
	return nil
}

// confirm stops at --no-execute, and asks unless --yes.
func (d *deploy) confirm() error {
	execCmd := fmt.Sprintf("aws cloudformation execute-change-set --stack-name %s --change-set-name %s", d.in.Stack, d.res.ChangeSet)
	switch {
	case d.in.NoExecute:
		fmt.Fprintf(d.in.Out, "not executed (--no-execute); to execute it: %s\n", execCmd)
	case d.in.Yes:
	case d.in.Confirm == nil:
		fmt.Fprintf(d.in.Out, "not executed: no terminal to confirm on; deploy with --yes, or run: %s\n", execCmd)
		return ErrNotConfirmed
	case !d.in.Confirm():
		fmt.Fprintf(d.in.Out, "not executed; the change set is kept: %s\n", execCmd)
		return ErrNotConfirmed
	}
	return nil
}

// execute runs the change set and follows the stack until it settles.
func (d *deploy) execute(ctx context.Context) error {
	// The newest event before executing: only later ones are this deploy's.
	since := newestEvent(ctx, d.c, d.in.Stack)
	if _, err := d.c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{
		StackName: aws.String(d.in.Stack), ChangeSetName: aws.String(d.res.ChangeSet), DisableRollback: aws.Bool(d.in.NoRollback),
		ClientRequestToken: aws.String(d.res.ChangeSet),
	}); err != nil {
		return fmt.Errorf("cloudformation execute-change-set %s: %w", d.res.ChangeSet, err)
	}
	d.res.Executed = true
	d.res.Status = "executing"
	w := watcher{c: d.c, stack: d.in.Stack, since: since, total: len(d.res.Changes), out: d.in.Out, progress: d.in.Progress, poll: d.in.Poll, now: d.in.Now}
	w.review = func(st *cf.Stack, waited time.Duration) error {
		if st.StackStatus == cf.StackStatusReviewInProgress && waited > 2*time.Minute {
			// Executing moves a stack out of review at once on AWS.
			return fmt.Errorf("stack %s is still REVIEW_IN_PROGRESS 2 minutes after executing %s: the execution did not start; look at aws cloudformation describe-change-set --stack-name %s --change-set-name %s", d.in.Stack, d.res.ChangeSet, d.in.Stack, d.res.ChangeSet)
		}
		return nil
	}
	st, err := w.wait(ctx, &d.res.Status)
	d.res.Events = w.events
	if err != nil {
		return err
	}
	if st != nil {
		d.res.Outputs = outputs(st.Outputs)
	}
	switch d.res.Status {
	case "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE":
	default:
		d.res.Failed = true
		d.res.Cause = w.cause()
		return nil
	}
	return d.protect(ctx, st)
}

// protect turns termination protection on for a prod stack, after it
// came up: on earlier, a failed create could not be deleted to try again
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html).
func (d *deploy) protect(ctx context.Context, st *cf.Stack) error {
	d.res.Protected = st != nil && aws.ToBool(st.EnableTerminationProtection)
	if !d.in.Protect || d.res.Protected {
		return nil
	}
	if _, err := d.c.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{
		StackName: aws.String(d.in.Stack), EnableTerminationProtection: aws.Bool(true),
	}); err != nil {
		return fmt.Errorf("stack %s is %s, but turning termination protection on failed: %w; run aws cloudformation update-termination-protection --enable-termination-protection --stack-name %s", d.in.Stack, d.res.Status, err, d.in.Stack)
	}
	d.res.Protected = true
	fmt.Fprintf(d.in.Out, "termination protection is on (a prod stack): moat destroy says how to turn it off\n")
	return nil
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
