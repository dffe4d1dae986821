package awslive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"go.yaml.in/yaml/v4"

	"github.com/moatnet/moat/model"
)

// DestroyInput is one delete of a stack.
type DestroyInput struct {
	Stack string
	Yes   bool
	// Addresses name logical IDs as moat addresses (AddressIndex).
	Addresses map[string]model.ResourceRef
	// Confirm asks whether to delete; nil means no terminal, and Yes is
	// required.
	Confirm  func() bool
	Out      io.Writer
	Progress func(line string)
	Poll     time.Duration // 0 means 5 s
	Now      func() time.Time
}

// Retained is a resource the stack's delete keeps, or keeps a snapshot of.
type Retained struct {
	LogicalID  string            `json:"logical_id"`
	Type       string            `json:"type"`
	PhysicalID string            `json:"physical_id,omitempty"`
	Address    model.ResourceRef `json:"address,omitempty"`
	// Policy is the DeletionPolicy: Retain, RetainExceptOnCreate or Snapshot.
	Policy string `json:"deletion_policy"`
}

// Line prints what stays: "logs/flow (AWS::Logs::LogGroup /moat/web/flow): kept (Retain)".
func (r Retained) Line() string {
	name := r.LogicalID
	if r.Address != "" {
		name = string(r.Address)
	}
	what := "kept, and billed, until you delete it"
	if r.Policy == "Snapshot" {
		what = "deleted after a final snapshot, which is kept"
	}
	return fmt.Sprintf("%s (%s %s): %s (DeletionPolicy %s)", name, r.Type, r.PhysicalID, what, r.Policy)
}

// DestroyResult says how a destroy ended.
type DestroyResult struct {
	// NoStack says there was nothing to delete.
	NoStack  bool       `json:"no_stack"`
	Retained []Retained `json:"retained"`
	Deleted  bool       `json:"deleted"`
	Status   string     `json:"status,omitempty"`
	Failed   bool       `json:"failed"`
	Cause    *Event     `json:"root_cause,omitempty"`
	Events   []Event    `json:"events"`
}

// ErrProtected is returned for a stack with termination protection on.
var ErrProtected = errors.New("termination protection is on")

// Destroy lists what the stack's delete retains, asks, deletes the stack
// and follows its events until it is gone or DELETE_FAILED.
func Destroy(ctx context.Context, a Account, in DestroyInput) (DestroyResult, error) {
	var res DestroyResult
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
	switch {
	case err != nil:
		return res, err
	case st == nil:
		res.NoStack = true
		fmt.Fprintf(in.Out, "no stack %s: nothing to destroy\n", in.Stack)
		return res, nil
	case strings.HasSuffix(string(st.StackStatus), "_IN_PROGRESS") && st.StackStatus != cf.StackStatusReviewInProgress:
		return res, fmt.Errorf("stack %s is %s: another operation is running; wait for it to finish and destroy again", in.Stack, st.StackStatus)
	case aws.ToBool(st.EnableTerminationProtection):
		return res, fmt.Errorf("stack %s: %w; if it is meant to go, turn it off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name %s", in.Stack, ErrProtected, in.Stack)
	}
	if res.Retained, err = retained(ctx, c, in.Stack, in.Addresses); err != nil {
		return res, err
	}
	if len(res.Retained) == 0 {
		fmt.Fprintf(in.Out, "stack %s (%s): the delete keeps nothing\n", in.Stack, st.StackStatus)
	} else {
		fmt.Fprintf(in.Out, "stack %s (%s): the delete keeps %d resource(s):\n", in.Stack, st.StackStatus, len(res.Retained))
		for _, r := range res.Retained {
			fmt.Fprintln(in.Out, "  "+r.Line())
		}
	}
	switch {
	case in.Yes:
	case in.Confirm == nil:
		fmt.Fprintln(in.Out, "not deleted: no terminal to confirm on; destroy with --yes")
		return res, ErrNotConfirmed
	case !in.Confirm():
		fmt.Fprintln(in.Out, "not deleted")
		return res, ErrNotConfirmed
	}
	return res, deleteAndWatch(ctx, c, st, in, &res)
}

// deleteAndWatch deletes the stack and follows it by its ID, which still
// names it once it is gone.
func deleteAndWatch(ctx context.Context, c *cloudformation.Client, st *cf.Stack, in DestroyInput, res *DestroyResult) error {
	id := aws.ToString(st.StackId)
	if id == "" {
		id = in.Stack
	}
	since := newestEvent(ctx, c, id)
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
		return fmt.Errorf("cloudformation delete-stack %s: %w", in.Stack, err)
	}
	res.Status = string(cf.StackStatusDeleteInProgress)
	resources, _ := stackResources(ctx, c, id)
	w := watcher{c: c, stack: id, since: since, total: len(resources), out: in.Out, progress: in.Progress, poll: in.Poll, now: in.Now, gone: true}
	_, err := w.wait(ctx, &res.Status)
	res.Events = w.events
	if err != nil {
		return err
	}
	if res.Status == string(cf.StackStatusDeleteComplete) {
		res.Deleted = true
		return nil
	}
	res.Failed = true
	res.Cause = w.cause()
	return nil
}

// DestroyNextStep says what to do after a delete that failed.
func DestroyNextStep(stack string) string {
	return "fix the cause (often a resource another stack or a person still uses) and run moat destroy again; or keep the resources that fail: aws cloudformation delete-stack --stack-name " + stack + " --retain-resources LOGICAL_ID..."
}

// retained lists the resources whose DeletionPolicy keeps them (or a
// snapshot of them), from the stack's template, with their physical IDs
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
func retained(ctx context.Context, c *cloudformation.Client, stack string, addrs map[string]model.ResourceRef) ([]Retained, error) {
	t, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(stack)})
	if err != nil {
		return nil, fmt.Errorf("cloudformation get-template %s: %w", stack, err)
	}
	var tmpl struct {
		Resources map[string]struct {
			Type           string `json:"Type" yaml:"Type"`
			DeletionPolicy string `json:"DeletionPolicy" yaml:"DeletionPolicy"`
		} `json:"Resources" yaml:"Resources"`
	}
	body := []byte(aws.ToString(t.TemplateBody))
	if err := json.Unmarshal(body, &tmpl); err != nil {
		if yerr := yaml.Unmarshal(body, &tmpl); yerr != nil {
			return nil, fmt.Errorf("stack %s's template: %w", stack, yerr)
		}
	}
	physical, err := stackResources(ctx, c, stack)
	if err != nil {
		return nil, err
	}
	var out []Retained
	for id, r := range tmpl.Resources {
		switch r.DeletionPolicy {
		case "Retain", "RetainExceptOnCreate", "Snapshot":
			out = append(out, Retained{LogicalID: id, Type: r.Type, PhysicalID: physical[id], Address: addrs[id], Policy: r.DeletionPolicy})
		}
	}
	slices.SortFunc(out, func(a, b Retained) int { return strings.Compare(a.LogicalID, b.LogicalID) })
	return out, nil
}

// stackResources maps each logical ID of the stack to its physical ID.
func stackResources(ctx context.Context, c *cloudformation.Client, stack string) (map[string]string, error) {
	out := map[string]string{}
	p := cloudformation.NewListStackResourcesPaginator(c, &cloudformation.ListStackResourcesInput{StackName: aws.String(stack)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cloudformation list-stack-resources %s: %w", stack, err)
		}
		for _, r := range page.StackResourceSummaries {
			out[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
		}
	}
	return out, nil
}
