package awslive_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/model"
)

// Stack statuses: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html
func TestDecide(t *testing.T) {
	for _, c := range []struct {
		status string
		yes    bool
		want   awslive.Action
		err    string
	}{
		{"", false, awslive.Create, ""},
		{"REVIEW_IN_PROGRESS", false, awslive.Create, ""},
		{"CREATE_COMPLETE", false, awslive.Update, ""},
		{"UPDATE_COMPLETE", false, awslive.Update, ""},
		{"UPDATE_ROLLBACK_COMPLETE", false, awslive.Update, ""},
		{"UPDATE_FAILED", false, awslive.Update, ""},
		{"ROLLBACK_COMPLETE", false, 0, "deploy again with --yes"},
		{"ROLLBACK_COMPLETE", true, awslive.Recreate, ""},
		{"UPDATE_ROLLBACK_FAILED", true, 0, "aws cloudformation continue-update-rollback --stack-name web"},
		{"UPDATE_IN_PROGRESS", true, 0, "another operation is running"},
		{"CREATE_IN_PROGRESS", true, 0, "another operation is running"},
		{"UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", true, 0, "another operation is running"},
		{"DELETE_IN_PROGRESS", true, 0, "another operation is running"},
		{"DELETE_FAILED", true, 0, "delete-stack"},
	} {
		got, err := awslive.Decide("web", c.status, c.yes)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s yes=%v: err %v, want it to say %q", c.status, c.yes, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s yes=%v: %v %v, want %v", c.status, c.yes, got, err, c.want)
		}
	}
}

// TemplateBody takes at most 51,200 bytes; larger go through S3:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
func TestTemplateBody(t *testing.T) {
	pretty := func(n int) []byte {
		// {"Description": "xxx"} pretty-printed, n bytes compact.
		pad := strings.Repeat("x", n-len(`{"Description":""}`))
		return []byte("{\n  \"Description\": \"" + pad + "\"\n}\n")
	}
	b, err := awslive.TemplateBody(pretty(awslive.MaxInlineBody), "")
	if err != nil || !b.Inline || len(b.JSON) != 51200 || bytes.Contains(b.JSON, []byte("\n")) {
		t.Fatalf("51,200 bytes: inline=%v len=%d err=%v, want compact and inline", b.Inline, len(b.JSON), err)
	}
	b, err = awslive.TemplateBody(pretty(awslive.MaxInlineBody+1), "")
	if err != nil || b.Inline || b.Bucket != "" {
		t.Fatalf("51,201 bytes without a bucket: %+v %v, want S3 through moat's own bucket", b.Inline, err)
	}
	b, err = awslive.TemplateBody(pretty(awslive.MaxInlineBody+1), "tmpl")
	if err != nil || b.Inline || b.Bucket != "tmpl" {
		t.Fatalf("51,201 bytes with a bucket: %+v %v, want S3", b.Inline, err)
	}
	if _, err := awslive.TemplateBody([]byte("Resources: {}"), ""); err == nil {
		t.Fatal("YAML was taken as JSON")
	}
}

// A DescribeChangeSet answer in the shape the API reference documents
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html),
// as aws cloudformation describe-change-set prints it.
const recordedChangeSet = `{
  "ChangeSetName": "moat-20261203T120000Z",
  "StackName": "web",
  "Status": "CREATE_COMPLETE",
  "ExecutionStatus": "AVAILABLE",
  "Changes": [
    {"Type": "Resource", "ResourceChange": {"Action": "Add", "LogicalResourceId": "SubnetPrivateUse1Az2", "ResourceType": "AWS::EC2::Subnet", "Scope": [], "Details": []}},
    {"Type": "Resource", "ResourceChange": {"Action": "Modify", "LogicalResourceId": "SgDb", "PhysicalResourceId": "sg-0a1b", "ResourceType": "AWS::EC2::SecurityGroup", "Replacement": "False", "Scope": ["Properties"]}},
    {"Type": "Resource", "ResourceChange": {"Action": "Modify", "LogicalResourceId": "RdsDb", "PhysicalResourceId": "web-db", "ResourceType": "AWS::RDS::DBInstance", "Replacement": "True", "Scope": ["Properties"]}},
    {"Type": "Resource", "ResourceChange": {"Action": "Remove", "LogicalResourceId": "LogsFlow", "PhysicalResourceId": "/moat/web/flow", "ResourceType": "AWS::Logs::LogGroup"}},
    {"Type": "Resource", "ResourceChange": {"Action": "Remove", "LogicalResourceId": "RouteOld", "ResourceType": "AWS::EC2::Route"}}
  ]
}`

func TestChangesRender(t *testing.T) {
	var out cloudformation.DescribeChangeSetOutput
	if err := json.Unmarshal([]byte(recordedChangeSet), &out); err != nil {
		t.Fatal(err)
	}
	addrs := map[string]model.ResourceRef{"SubnetPrivateUse1Az2": "subnet/private/use1-az2", "SgDb": "sg/db", "RdsDb": "rds/db", "LogsFlow": "logs/flow"}
	var lines []string
	for _, c := range awslive.Changes(out.Changes, addrs) {
		lines = append(lines, c.Line())
	}
	got := strings.Join(lines, "\n")
	want := `+ add subnet/private/use1-az2 (AWS::EC2::Subnet SubnetPrivateUse1Az2)
~ modify sg/db (AWS::EC2::SecurityGroup SgDb)
! replace rds/db (AWS::RDS::DBInstance RdsDb)
    WARNING: replaces a stateful resource: a new one is made and the old one, with its data, deleted
- remove logs/flow (AWS::Logs::LogGroup LogsFlow)
    WARNING: removes a stateful resource: its data is deleted unless its DeletionPolicy retains it
- remove RouteOld (AWS::EC2::Route)`
	if got != want {
		t.Errorf("change set:\n%s\nwant:\n%s", got, want)
	}
}

func TestEmptyChangeSet(t *testing.T) {
	var out cloudformation.DescribeChangeSetOutput
	// What CloudFormation answers for a change set that changes nothing.
	rec := `{"ChangeSetName": "moat-x", "StackName": "web", "Status": "FAILED", "ExecutionStatus": "UNAVAILABLE",
	  "StatusReason": "The submitted information didn't contain changes. Submit different information to create a change set.", "Changes": []}`
	if err := json.Unmarshal([]byte(rec), &out); err != nil {
		t.Fatal(err)
	}
	if !awslive.EmptyChangeSet(out.Status, aws.ToString(out.StatusReason)) {
		t.Error("an empty change set was not recognised")
	}
	if awslive.EmptyChangeSet(out.Status, "Template format error: Unresolved resource dependencies [Vpc]") {
		t.Error("a template error was taken for no changes")
	}
	if awslive.EmptyChangeSet("CREATE_COMPLETE", aws.ToString(out.StatusReason)) {
		t.Error("a complete change set was taken for empty")
	}
}

// DescribeStackEvents, newest first, as the API returns them
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html):
// the NAT gateway failed first; the others were cancelled because of it.
const recordedEvents = `{"StackEvents": [
  {"EventId": "e7", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "web", "PhysicalResourceId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "ResourceType": "AWS::CloudFormation::Stack", "Timestamp": "2026-12-03T12:05:00Z", "ResourceStatus": "ROLLBACK_COMPLETE"},
  {"EventId": "e6", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "web", "PhysicalResourceId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "ResourceType": "AWS::CloudFormation::Stack", "Timestamp": "2026-12-03T12:04:00Z", "ResourceStatus": "ROLLBACK_IN_PROGRESS", "ResourceStatusReason": "The following resource(s) failed to create: [NatgwUse1Az1, SubnetPublicUse1Az2]. Rollback requested by user."},
  {"EventId": "e5", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "SubnetPublicUse1Az2", "ResourceType": "AWS::EC2::Subnet", "Timestamp": "2026-12-03T12:03:30Z", "ResourceStatus": "CREATE_FAILED", "ResourceStatusReason": "Resource creation cancelled"},
  {"EventId": "e4", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "NatgwUse1Az1", "ResourceType": "AWS::EC2::NatGateway", "Timestamp": "2026-12-03T12:03:00Z", "ResourceStatus": "CREATE_FAILED", "ResourceStatusReason": "The maximum number of addresses has been reached. (Service: Ec2, Status Code: 400)"},
  {"EventId": "e3", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "VpcMain", "ResourceType": "AWS::EC2::VPC", "Timestamp": "2026-12-03T12:02:00Z", "ResourceStatus": "CREATE_COMPLETE"},
  {"EventId": "e1", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "web", "PhysicalResourceId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "ResourceType": "AWS::CloudFormation::Stack", "Timestamp": "2026-12-03T12:00:00Z", "ResourceStatus": "CREATE_IN_PROGRESS"}
]}`

func TestRootCause(t *testing.T) {
	var out cloudformation.DescribeStackEventsOutput
	if err := json.Unmarshal([]byte(recordedEvents), &out); err != nil {
		t.Fatal(err)
	}
	e := awslive.RootCause(out.StackEvents, "")
	if e == nil || aws.ToString(e.EventId) != "e4" {
		t.Fatalf("root cause %v, want the NAT gateway's CREATE_FAILED (e4)", e)
	}
	if got := awslive.EventLine(*e); !strings.Contains(got, "NatgwUse1Az1 AWS::EC2::NatGateway CREATE_FAILED: The maximum number of addresses") {
		t.Errorf("event line %q", got)
	}
	if e := awslive.RootCause(out.StackEvents[:3], ""); e != nil {
		t.Errorf("only cancelled and stack events: root cause %s, want none", aws.ToString(e.EventId))
	}
	if e := awslive.RootCause(out.StackEvents, "e5"); e != nil {
		t.Errorf("events after e5: root cause %s, want none", aws.ToString(e.EventId))
	}
}

// After a failure each final status has its way on, and each is one a
// later deploy accepts or names (Decide).
func TestNextStep(t *testing.T) {
	for status, want := range map[string]string{
		"ROLLBACK_COMPLETE":        "--yes",
		"UPDATE_ROLLBACK_FAILED":   "aws cloudformation continue-update-rollback --stack-name web",
		"UPDATE_ROLLBACK_COMPLETE": "the stack is back as it was",
		"CREATE_FAILED":            "rollback-stack --stack-name web",
	} {
		if got := awslive.NextStep("web", status); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to say %q", status, got, want)
		}
	}
}

// A delete that failed, newest first as DescribeStackEvents returns them
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html):
// the security group is still used by an interface outside the stack.
const recordedDeleteEvents = `{"StackEvents": [
  {"EventId": "d4", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "web", "PhysicalResourceId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "ResourceType": "AWS::CloudFormation::Stack", "Timestamp": "2026-12-03T13:05:00Z", "ResourceStatus": "DELETE_FAILED", "ResourceStatusReason": "The following resource(s) failed to delete: [SgApp]. "},
  {"EventId": "d3", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "SgApp", "PhysicalResourceId": "sg-0abc", "ResourceType": "AWS::EC2::SecurityGroup", "Timestamp": "2026-12-03T13:04:00Z", "ResourceStatus": "DELETE_FAILED", "ResourceStatusReason": "resource sg-0abc has a dependent object (Service: Ec2, Status Code: 400)"},
  {"EventId": "d2", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "SubnetApp", "PhysicalResourceId": "subnet-0abc", "ResourceType": "AWS::EC2::Subnet", "Timestamp": "2026-12-03T13:02:00Z", "ResourceStatus": "DELETE_COMPLETE"},
  {"EventId": "d1", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "StackName": "web", "LogicalResourceId": "web", "PhysicalResourceId": "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1", "ResourceType": "AWS::CloudFormation::Stack", "Timestamp": "2026-12-03T13:00:00Z", "ResourceStatus": "DELETE_IN_PROGRESS", "ResourceStatusReason": "User Initiated"}
]}`

func TestDeleteRootCause(t *testing.T) {
	var out cloudformation.DescribeStackEventsOutput
	if err := json.Unmarshal([]byte(recordedDeleteEvents), &out); err != nil {
		t.Fatal(err)
	}
	e := awslive.RootCause(out.StackEvents, "")
	if e == nil || aws.ToString(e.EventId) != "d3" {
		t.Fatalf("root cause %v, want the security group's DELETE_FAILED (d3)", e)
	}
	if s := awslive.DestroyNextStep("web"); !strings.Contains(s, "--retain-resources") || !strings.Contains(s, "moat destroy") {
		t.Errorf("next step %q", s)
	}
}
