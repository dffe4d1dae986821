package awslive_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/moatnet/moat/awslive"
)

// TestExplainLogGroup puts the bundled flow log's records in a moto log
// group, as a flow log delivers them (one record an event), and explains
// them with --log-group: the same groups as from the file.
func TestExplainLogGroup(t *testing.T) {
	needMoto(t)
	src, err := os.ReadFile("../examples/flow-logs.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := cloudwatchlogs.NewFromConfig(motoConfig(t))
	group, stream := "/moat/describe/flow", "eni-0a1b2c3d4e5f60001-all"
	must(c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}))
	must(c.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}))
	now := time.Now().Add(-10 * time.Minute).UnixMilli()
	var events []logtypes.InputLogEvent
	for i, line := range strings.Split(strings.TrimSpace(string(src)), "\n")[1:] {
		events = append(events, logtypes.InputLogEvent{Message: aws.String(line), Timestamp: aws.Int64(now + int64(i))})
	}
	must(c.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events}))

	code, fromLogs, errOut := moat(t, "explain", "../examples/describe", "--log-group", group, "--since", "1h")
	if code != 1 || !strings.HasPrefix(errOut, "moat: reading flow log group /moat/describe/flow in account 123456789012 as arn:aws:") {
		t.Fatalf("--log-group: exit %d\n%s%s", code, fromLogs, errOut)
	}
	_, fromFile, _ := moat(t, "explain", "../examples/describe", "../examples/flow-logs.txt")
	// The file's line numbers count its header; the log's do not.
	strip := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "line ") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	if strip(fromLogs) != strip(fromFile) {
		t.Errorf("--log-group and the file differ:\n--- log group\n%s--- file\n%s", fromLogs, fromFile)
	}
	// Records older than --since are not read.
	code, out, _ := moat(t, "explain", "../examples/describe", "--log-group", group, "--since", "1m")
	if code != 0 || !strings.Contains(out, "0 records in 0 groups") {
		t.Errorf("--since 1m: exit %d\n%s", code, out)
	}
}

// TestPolicyIsWhatExplainCalls: reading a log group makes exactly the
// explain policy's logs action (its read half is TestPolicyIsWhatReadCalls').
func TestPolicyIsWhatExplainCalls(t *testing.T) {
	needMoto(t)
	c := cloudwatchlogs.NewFromConfig(motoConfig(t))
	must(c.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")}))
	var rec recorder
	accounts, err := awslive.Accounts(bg, awslive.Options{APIOptions: []func(*middleware.Stack) error{rec.option}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := awslive.FlowLogLines(bg, accounts[0], "g", time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(awslive.FlowLogActions), "sts:GetCallerIdentity")
	slices.Sort(want)
	if got := rec.actions(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}
