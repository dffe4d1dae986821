package awslive

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Event is one stack event as moat reports it.
type Event struct {
	Time      time.Time `json:"time"`
	LogicalID string    `json:"logical_id"`
	Type      string    `json:"type"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason,omitempty"`
}

func eventOf(e cf.StackEvent) Event {
	return Event{
		Time: aws.ToTime(e.Timestamp), LogicalID: aws.ToString(e.LogicalResourceId), Type: aws.ToString(e.ResourceType),
		Status: string(e.ResourceStatus), Reason: aws.ToString(e.ResourceStatusReason),
	}
}

// Output is one stack output.
type Output struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func outputs(os []cf.Output) []Output {
	out := []Output{}
	for _, o := range os {
		out = append(out, Output{Key: aws.ToString(o.OutputKey), Value: aws.ToString(o.OutputValue)})
	}
	return out
}

// watcher follows a stack's events until the stack is no longer
// IN_PROGRESS, printing each new one and a progress line.
type watcher struct {
	c        *cloudformation.Client
	stack    string
	since    string // the newest event before this operation
	total    int    // resources the operation touches, for the progress line
	out      io.Writer
	progress func(string)
	poll     time.Duration
	now      func() time.Time
	// review, when set, may stop the wait on the stack's state.
	review func(st *cf.Stack, waited time.Duration) error
	// gone says the stack may disappear (a delete): that ends the wait.
	gone bool

	raw    []cf.StackEvent // this operation's, newest first
	events []Event         // this operation's, oldest first
}

// newestEvent is the ID of the stack's newest event, "" when none can be read.
func newestEvent(ctx context.Context, c *cloudformation.Client, stack string) string {
	ev, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stack)})
	if err != nil || len(ev.StackEvents) == 0 {
		return ""
	}
	return aws.ToString(ev.StackEvents[0].EventId)
}

// wait polls until the stack settles, keeping *status current, and
// returns the stack as last seen (nil when it is gone).
func (w *watcher) wait(ctx context.Context, status *string) (*cf.Stack, error) {
	start, begun := w.now(), time.Now()
	done := map[string]bool{}
	for {
		if err := w.poll1(ctx, done); err != nil {
			if ctx.Err() != nil {
				return nil, stopped(w.stack, *status)
			}
			return nil, err
		}
		w.progress(fmt.Sprintf("%d of %d resources done, %s", len(done), w.total, w.now().Sub(start).Round(time.Second)))
		st, err := describeStack(ctx, w.c, w.stack)
		if ctx.Err() != nil {
			return nil, stopped(w.stack, *status)
		}
		if err != nil {
			return nil, err
		}
		if st == nil && w.gone {
			w.progress("")
			*status = string(cf.StackStatusDeleteComplete)
			return nil, nil
		}
		if st == nil {
			return nil, fmt.Errorf("stack %s disappeared while deploying", w.stack)
		}
		*status = string(st.StackStatus)
		if w.review != nil {
			if err := w.review(st, time.Since(begun)); err != nil {
				return nil, err
			}
		}
		if !strings.HasSuffix(*status, "_IN_PROGRESS") {
			w.progress("")
			return st, nil
		}
		if err := sleep(ctx, w.poll); err != nil {
			return nil, stopped(w.stack, *status)
		}
	}
}

// poll1 reads the events newer than those seen and prints them.
func (w *watcher) poll1(ctx context.Context, done map[string]bool) error {
	ev, err := w.c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(w.stack)})
	if err != nil {
		if w.gone && strings.Contains(err.Error(), "does not exist") {
			return nil
		}
		return fmt.Errorf("cloudformation describe-stack-events %s: %w", w.stack, err)
	}
	var fresh []cf.StackEvent
	for _, e := range ev.StackEvents {
		id := aws.ToString(e.EventId)
		if id == w.since || slices.ContainsFunc(w.raw, func(x cf.StackEvent) bool { return aws.ToString(x.EventId) == id }) {
			break
		}
		fresh = append(fresh, e)
	}
	w.raw = append(slices.Clone(fresh), w.raw...)
	for i := len(fresh) - 1; i >= 0; i-- {
		e := fresh[i]
		if aws.ToString(e.ResourceType) != "AWS::CloudFormation::Stack" && strings.HasSuffix(string(e.ResourceStatus), "_COMPLETE") {
			done[aws.ToString(e.LogicalResourceId)] = true
		}
		w.events = append(w.events, eventOf(e))
		w.progress("")
		fmt.Fprintln(w.out, "  "+EventLine(e))
	}
	return nil
}

// cause is the root cause among this operation's events, or nil.
func (w *watcher) cause() *Event {
	if e := RootCause(w.raw, ""); e != nil {
		ev := eventOf(*e)
		return &ev
	}
	return nil
}
