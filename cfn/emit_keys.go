package cfn

import (
	"strings"

	"github.com/moatnet/moat/model"
)

// keys emits the model's KMS keys, each with rotation on and the policy
// its use needs.
func (e *emitter) keys() {
	for _, k := range e.n.Keys {
		e.key(k)
	}
}

func (e *emitter) key(k model.Key) {
	id := e.id(k.Addr)
	// Without an account statement nobody could ever manage the key
	// again; IAM policies then grant actual use.
	statements := []Map{{{"Sid", String("AccountAdministers")}, {"Effect", String("Allow")},
		{"Principal", Map{{"AWS", Sub{Template: "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}}},
		{"Action", String("kms:*")}, {"Resource", String("*")}}}
	switch k.Use {
	case model.KeyForLogs:
		statements = append(statements, e.logsKeyUse(k))
	case model.KeyForSecrets:
	default:
		e.errorf("key %s: unknown use %q", k.Addr, k.Use)
	}
	e.add(id, KMSKey{
		Description:       String("moat " + e.stack + ": " + k.Purpose),
		EnableKeyRotation: Bool(true),
		KeyPolicy:         policy(statements...),
		Tags:              e.tags(k.Addr, nil),
	})
	e.setLifecycle(id, k.Lifecycle)
}

// logsKeyUse lets CloudWatch Logs use k for its log groups only. The
// groups are named by constructed ARNs, not GetAtt: each group already
// refers to the key, and a reference back would be a cycle. One exact
// name is matched with ArnEquals, patterns with ArnLike.
func (e *emitter) logsKeyUse(k model.Key) Map {
	const groups = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
	sid, op := "CloudWatchLogsUsesKeyForThisGroup", "ArnEquals"
	var arns List
	for _, name := range k.LogGroups {
		if strings.Contains(name, "*") {
			sid, op = "CloudWatchLogsUsesKeyForThisStack", "ArnLike"
		}
		arns = append(arns, Sub{Template: groups + name})
	}
	var arn Value = arns
	if len(arns) == 1 {
		arn = arns[0]
	}
	if len(arns) == 0 {
		e.errorf("key %s: encrypts logs but names no log group", k.Addr)
	}
	return Map{{"Sid", String(sid)}, {"Effect", String("Allow")},
		{"Principal", Map{{"Service", Sub{Template: "logs.${AWS::Region}.amazonaws.com"}}}},
		{"Action", Strs("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")},
		{"Resource", String("*")},
		{"Condition", Map{{op, Map{{"kms:EncryptionContext:aws:logs:arn", arn}}}}}}
}

// logGroups emits the model's log groups (a flow log's own group is
// emitted with it).
func (e *emitter) logGroups() {
	for _, g := range e.n.LogGroups {
		id := e.id(g.Addr)
		p := LogGroup{LogGroupName: String(g.Name), KmsKeyId: GetAtt{e.keyID(g.Key, g.Addr), "Arn"}, Tags: e.tags(g.Addr, nil)}
		if g.RetentionDays > 0 {
			p.RetentionInDays = Int(g.RetentionDays)
		}
		e.add(id, p)
		e.setLifecycle(id, g.Lifecycle)
	}
}

// keyID is the logical ID of the key at a, which the resource at user
// names; a key the model does not hold is an error.
func (e *emitter) keyID(a, user model.ResourceRef) string {
	for _, k := range e.n.Keys {
		if k.Addr == a {
			return e.id(a)
		}
	}
	e.errorf("%s: no key %q in the model", user, a)
	return "Invalid"
}

// logGroupID is the logical ID of the log group at a, which the resource
// at user writes to; a group the model does not hold is an error.
func (e *emitter) logGroupID(a, user model.ResourceRef) string {
	for _, g := range e.n.LogGroups {
		if g.Addr == a {
			return e.id(a)
		}
	}
	e.errorf("%s: no log group %q in the model", user, a)
	return "Invalid"
}

// setLifecycle sets the DeletionPolicy and UpdateReplacePolicy of resource
// id as the model decided; the zero Lifecycle leaves CloudFormation's
// default, unsaid.
func (e *emitter) setLifecycle(id string, l model.Lifecycle) {
	if l == (model.Lifecycle{}) {
		return
	}
	r, ok := e.t.Resource(id)
	if !ok {
		e.errorf("resource %s: no such resource to set policies on", id)
		return
	}
	r.DeletionPolicy, r.UpdateReplacePolicy = removal(l.OnDelete), removal(l.OnReplace)
}

// removal is the policy value of r: CloudFormation's names.
func removal(r model.Removal) RemovalPolicy {
	if r == model.RemoveDelete {
		return Delete
	}
	return RemovalPolicy(r)
}
