package cfn

import (
	"github.com/moatnet/moat/model"
)

// flowLogs emits, per flow log: the log group with its retention (its
// KMS key is one of the model's Keys), a delivery role for the flow logs
// service, and the flow log itself.
func (e *emitter) flowLogs() {
	for _, f := range e.n.FlowLogs {
		e.flowLog(f)
	}
}

func (e *emitter) flowLog(f model.FlowLog) {
	id := e.id(f.Addr)
	if f.Destination != "" && f.Destination != "cloud-watch-logs" {
		e.errorf("flow log %s: destination %q is not supported yet", f.Addr, f.Destination)
		return
	}
	traffic := f.TrafficType
	if traffic == "" {
		traffic = "ALL"
	}
	name := f.LogGroup
	if name == "" {
		name = "/moat/" + e.stack + "/flow-logs"
	}
	// The flow log's own group; its key is the model's (f.Key).
	group, role := id+"LogGroup", id+"Role"
	p := LogGroup{
		LogGroupName: String(name),
		KmsKeyId:     GetAtt{e.keyID(f.Key, f.Addr), "Arn"},
		Tags:         e.tags(f.Addr, nil),
	}
	if f.RetentionDays > 0 {
		p.RetentionInDays = Int(f.RetentionDays)
	}
	e.add(group, p)
	e.setLifecycle(group, f.Lifecycle)
	e.add(role, Role{
		Description: String("moat " + e.stack + ": lets VPC Flow Logs write to " + name),
		AssumeRolePolicyDocument: policy(Map{
			{"Effect", String("Allow")},
			{"Principal", Map{{"Service", String("vpc-flow-logs.amazonaws.com")}}},
			{"Action", String("sts:AssumeRole")},
			// Confused-deputy guard: only flow logs of this account.
			{"Condition", Map{
				{"StringEquals", Map{{"aws:SourceAccount", Ref{AccountID}}}},
				{"ArnLike", Map{{"aws:SourceArn", Sub{Template: "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"}}}},
			}},
		}),
		Policies: []Policy{{
			PolicyName: String("deliver-flow-logs"),
			// The group exists already, so no logs:CreateLogGroup. The
			// Arn attribute ends in ":*", covering the group's streams.
			PolicyDocument: policy(
				Map{
					{"Sid", String("WriteThisGroup")},
					{"Effect", String("Allow")},
					{"Action", Strs("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")},
					{"Resource", GetAtt{group, "Arn"}},
				},
				Map{
					{"Sid", String("FindLogGroups")},
					{"Effect", String("Allow")},
					{"Action", String("logs:DescribeLogGroups")},
					{"Resource", Sub{Template: "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"}},
				},
			),
		}},
		Tags: e.tags(model.ResourceRef(string(f.Addr)+"/role"), nil),
	})
	e.add(id, FlowLog{
		ResourceId:               e.ref(f.VPC),
		ResourceType:             String("VPC"),
		TrafficType:              String(traffic),
		LogDestinationType:       String("cloud-watch-logs"),
		LogGroupName:             Ref{group},
		DeliverLogsPermissionArn: GetAtt{role, "Arn"},
		Tags:                     e.tags(f.Addr, nil),
	})
}
