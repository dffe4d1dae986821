package awslive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/model"
)

// The decisions of moat deploy, as pure functions of what CloudFormation
// answers, so they are tested on recorded responses without a network.

// Action is what a deploy does to the stack.
type Action int

const (
	// Create makes a new stack (a CREATE change set).
	Create Action = iota
	// Update changes an existing stack (an UPDATE change set).
	Update
	// Recreate deletes a stack that never came up (ROLLBACK_COMPLETE)
	// and creates it again.
	Recreate
)

func (a Action) String() string {
	return [...]string{"create", "update", "re-create"}[a]
}

// MarshalText writes the action as String does, for JSON.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Decide picks the action from the stack's status ("" when there is no
// stack). Stack statuses: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes
func Decide(stack, status string, yes bool) (Action, error) {
	switch {
	case status == "" || status == "DELETE_COMPLETE":
		return Create, nil
	case status == "REVIEW_IN_PROGRESS":
		// A stack made by a CREATE change set that was never executed:
		// another CREATE change set is what it takes.
		return Create, nil
	case status == "UPDATE_ROLLBACK_FAILED":
		return 0, fmt.Errorf("stack %s is UPDATE_ROLLBACK_FAILED: no update is possible until its rollback completes; fix what the rollback failed on, then run: aws cloudformation continue-update-rollback --stack-name %s", stack, stack)
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		return 0, fmt.Errorf("stack %s is %s: another operation is running; wait for it to finish (aws cloudformation describe-stacks --stack-name %s) and deploy again", stack, status, stack)
	case status == "ROLLBACK_COMPLETE" || status == "CREATE_FAILED":
		if !yes {
			return 0, fmt.Errorf("stack %s is %s: its creation failed and it cannot be updated; deploy again with --yes to delete it and create it anew", stack, status)
		}
		return Recreate, nil
	case status == "ROLLBACK_FAILED" || status == "DELETE_FAILED":
		return 0, fmt.Errorf("stack %s is %s: delete it (aws cloudformation delete-stack --stack-name %s, retaining the resources it cannot delete) and deploy again", stack, status, stack)
	case strings.HasSuffix(status, "_COMPLETE") || status == "UPDATE_FAILED":
		// CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE,
		// IMPORT_COMPLETE, IMPORT_ROLLBACK_COMPLETE; UPDATE_FAILED is
		// left by an update with rollback disabled and may be updated.
		return Update, nil
	}
	return 0, fmt.Errorf("stack %s is %s, a status moat does not know: look at it in the console before deploying", stack, status)
}

// MaxInlineBody is the largest TemplateBody CloudFormation takes; larger
// templates go through S3 as a TemplateURL
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
const MaxInlineBody = 51200

// Body is the template to send: compact JSON, inline when it fits.
type Body struct {
	JSON []byte
	// Inline says JSON fits in TemplateBody; else it is uploaded to
	// Bucket and sent as a TemplateURL. An empty Bucket means moat's own
	// (TemplateBucketName), made when missing.
	Inline bool
	Bucket string
}

// TemplateBody compacts the JSON template and decides how to send it.
func TemplateBody(template []byte, bucket string) (Body, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, template); err != nil {
		return Body{}, fmt.Errorf("template is not JSON: %w", err)
	}
	return Body{JSON: b.Bytes(), Inline: b.Len() <= MaxInlineBody, Bucket: bucket}, nil
}

// StatefulTypes hold data: replacing or removing one loses it.
var StatefulTypes = []string{"AWS::RDS::DBInstance", "AWS::EFS::FileSystem", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"}

// Change is one line of a change set, as moat shows it.
type Change struct {
	Action    string `json:"action"` // Add, Modify, Remove (and Import, Dynamic...)
	LogicalID string `json:"logical_id"`
	Type      string `json:"type"`
	// Address is the moat address the logical ID came from, when known.
	Address model.ResourceRef `json:"address,omitempty"`
	// Replacement is "True", "Conditional" or "" (moto sends none).
	Replacement string `json:"replacement,omitempty"`
	// Danger says why the change loses data, or "".
	Danger string `json:"danger,omitempty"`
}

// Changes turns a change set's changes into moat's lines, in
// CloudFormation's order, with addresses from addrs (AddressIndex).
func Changes(cs []cf.Change, addrs map[string]model.ResourceRef) []Change {
	var out []Change
	for _, c := range cs {
		rc := c.ResourceChange
		if rc == nil {
			continue
		}
		ch := Change{
			Action:      string(rc.Action),
			LogicalID:   aws.ToString(rc.LogicalResourceId),
			Type:        aws.ToString(rc.ResourceType),
			Replacement: string(rc.Replacement),
		}
		ch.Address = addrs[ch.LogicalID]
		if slices.Contains(StatefulTypes, ch.Type) {
			switch {
			case rc.Action == cf.ChangeActionRemove:
				ch.Danger = "removes a stateful resource: its data is deleted unless its DeletionPolicy retains it"
			case rc.Action == cf.ChangeActionModify && rc.Replacement == cf.ReplacementTrue:
				ch.Danger = "replaces a stateful resource: a new one is made and the old one, with its data, deleted"
			case rc.Action == cf.ChangeActionModify && rc.Replacement == cf.ReplacementConditional:
				ch.Danger = "may replace a stateful resource, losing its data"
			}
		}
		out = append(out, ch)
	}
	return out
}

// Line is how the change prints: "+ add  vpc/main (AWS::EC2::VPC VpcMain)".
func (c Change) Line() string {
	verb := strings.ToLower(c.Action)
	sign := map[string]string{"add": "+", "modify": "~", "remove": "-"}[verb]
	if sign == "" {
		sign = "?"
	}
	if verb == "modify" && c.Replacement == string(cf.ReplacementTrue) {
		sign, verb = "!", "replace"
	} else if verb == "modify" && c.Replacement == string(cf.ReplacementConditional) {
		verb = "modify (may replace)"
	}
	name := c.LogicalID
	if c.Address != "" {
		name = string(c.Address) + " (" + c.Type + " " + c.LogicalID + ")"
	} else {
		name += " (" + c.Type + ")"
	}
	s := fmt.Sprintf("%s %s %s", sign, verb, name)
	if c.Danger != "" {
		s += "\n    WARNING: " + c.Danger
	}
	return s
}

// EmptyChangeSet reports whether a change set failed only because it
// changes nothing: CloudFormation then marks it FAILED with this reason
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html).
func EmptyChangeSet(status cf.ChangeSetStatus, reason string) bool {
	if status != cf.ChangeSetStatusFailed {
		return false
	}
	return strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")
}

// RootCause picks, from a stack's events (newest first, as
// DescribeStackEvents returns them), the event that caused a failure: the
// first, in time, that FAILED and is neither the stack itself nor a
// resource CloudFormation cancelled because another failed. Only events
// after since (an event ID, "" for all) count. It returns nil when no
// event qualifies.
func RootCause(events []cf.StackEvent, since string) *cf.StackEvent {
	var cause *cf.StackEvent
	for i := range events {
		e := &events[i]
		if since != "" && aws.ToString(e.EventId) == since {
			break
		}
		if !strings.HasSuffix(string(e.ResourceStatus), "_FAILED") {
			continue
		}
		if aws.ToString(e.ResourceType) == "AWS::CloudFormation::Stack" || aws.ToString(e.PhysicalResourceId) == aws.ToString(e.StackId) && e.StackId != nil {
			continue
		}
		if strings.Contains(aws.ToString(e.ResourceStatusReason), "Resource creation cancelled") ||
			strings.Contains(aws.ToString(e.ResourceStatusReason), "Resource update cancelled") {
			continue
		}
		cause = e // keep going: the list is newest first
	}
	return cause
}

// EventLine prints one stack event.
func EventLine(e cf.StackEvent) string { return eventOf(e).Line() }

// Line prints the event: "NatgwUse1Az1 AWS::EC2::NatGateway CREATE_FAILED: why".
func (e Event) Line() string {
	s := fmt.Sprintf("%s %s %s", e.LogicalID, e.Type, e.Status)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// AddressIndex maps each logical ID the network's addresses become
// (cfn.LogicalID) to the address, so a change set names resources as moat
// does. It walks every model.ResourceRef in the network.
func AddressIndex(n *model.Network) map[string]model.ResourceRef {
	out := map[string]model.ResourceRef{}
	if n == nil {
		return out
	}
	addrType := reflect.TypeOf(model.ResourceRef(""))
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() && !seen[v.Pointer()] {
				seen[v.Pointer()] = true
				walk(v.Elem())
			}
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Key())
				walk(it.Value())
			}
		case reflect.String:
			if v.Type() == addrType && v.String() != "" {
				a := model.ResourceRef(v.String())
				id := cfn.LogicalID(a)
				if old, ok := out[id]; !ok || a < old {
					out[id] = a
				}
			}
		}
	}
	walk(reflect.ValueOf(n))
	return out
}

// NextStep says what to do after a deploy that ended in status.
func NextStep(stack, status string) string {
	switch status {
	case "ROLLBACK_COMPLETE":
		return "fix the cause and deploy again with --yes (the stack is deleted and created anew)"
	case "UPDATE_ROLLBACK_FAILED":
		return "aws cloudformation continue-update-rollback --stack-name " + stack
	case "CREATE_FAILED", "UPDATE_FAILED":
		return "rollback was disabled: fix the cause and deploy again, or roll back with aws cloudformation rollback-stack --stack-name " + stack
	case "ROLLBACK_FAILED", "DELETE_FAILED":
		return "delete the stack (aws cloudformation delete-stack --stack-name " + stack + ") and deploy again"
	}
	return "fix the cause and deploy again (the stack is back as it was)"
}
