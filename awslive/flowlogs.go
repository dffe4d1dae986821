package awslive

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// FlowLogActions are the calls FlowLogLines makes.
var FlowLogActions = []string{"logs:FilterLogEvents"}

// FlowLogLines reads the messages of a flow-log group's events from since
// on, every page of FilterLogEvents, oldest first within each stream as
// CloudWatch Logs returns them
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
func FlowLogLines(ctx context.Context, a Account, group string, since time.Time) ([]string, error) {
	c := cloudwatchlogs.NewFromConfig(a.cfg)
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), StartTime: aws.Int64(since.UnixMilli()),
	})
	var lines []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("logs filter-log-events %s: %w", group, err)
		}
		for _, e := range page.Events {
			lines = append(lines, aws.ToString(e.Message))
		}
	}
	return lines, nil
}
