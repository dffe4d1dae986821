package cfn

import (
	"github.com/moatnet/moat/model"
)

// flowLogs emits, per flow log: a KMS key for the log group, the log group
// with its retention, a delivery role for the flow logs service, and the
// flow log itself.
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
	key, group, role := id+"Key", id+"LogGroup", id+"Role"
	// The key policy names the log group by a constructed ARN, not GetAtt:
	// the group already refers to the key, and a reference back would be
	// a cycle.
	groupARN := Sub{Template: "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" + name}
	e.add(key, KMSKey{
		Description:       String("moat " + e.stack + ": encrypts flow logs in " + name),
		EnableKeyRotation: Bool(true),
		KeyPolicy: policy(
			Map{
				// Without an account statement nobody could ever manage
				// the key again; IAM policies then grant actual use.
				{"Sid", String("AccountAdministers")},
				{"Effect", String("Allow")},
				{"Principal", Map{{"AWS", Sub{Template: "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}}},
				{"Action", String("kms:*")},
				{"Resource", String("*")},
			},
			Map{
				{"Sid", String("CloudWatchLogsUsesKeyForThisGroup")},
				{"Effect", String("Allow")},
				{"Principal", Map{{"Service", Sub{Template: "logs.${AWS::Region}.amazonaws.com"}}}},
				{"Action", Strs("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")},
				{"Resource", String("*")},
				{"Condition", Map{{"ArnEquals", Map{{"kms:EncryptionContext:aws:logs:arn", groupARN}}}}},
			},
		),
		Tags: e.tags(model.ResourceRef(string(f.Addr)+"/key"), nil),
	})
	p := LogGroup{
		LogGroupName: String(name),
		KmsKeyId:     GetAtt{key, "Arn"},
		Tags:         e.tags(f.Addr, nil),
	}
	if f.RetentionDays > 0 {
		p.RetentionInDays = Int(f.RetentionDays)
	}
	e.add(group, p)
	e.keepInProd(key)
	e.keepInProd(group)
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
