package model

import "slices"

// Removal is what CloudFormation does with a resource when its stack
// deletes it (DeletionPolicy) or an update replaces it
// (UpdateReplacePolicy). The zero value is CloudFormation's own default,
// Delete, which a template leaves unsaid
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
type Removal string

// The removals CloudFormation accepts. Snapshot is valid only on types
// that keep snapshots (RDS, EBS, ...).
const (
	RemoveDelete         Removal = ""
	Retain               Removal = "Retain"
	RetainExceptOnCreate Removal = "RetainExceptOnCreate"
	Snapshot             Removal = "Snapshot"
)

// Lifecycle is a stateful resource's removals: on stack deletion and on
// replacement. The zero value deletes in both cases.
type Lifecycle struct {
	OnDelete, OnReplace Removal
}

// Kept is the lifecycle of what must outlive its stack: both removals
// Retain.
var Kept = Lifecycle{Retain, Retain}

// KeyUse is what a customer managed KMS key encrypts, which decides its
// key policy.
type KeyUse string

const (
	// KeyForLogs lets CloudWatch Logs use the key for the log groups
	// named in Key.LogGroups.
	KeyForLogs KeyUse = "logs"
	// KeyForSecrets is administered by the account only; EKS uses it
	// through the cluster role to envelope-encrypt Kubernetes secrets.
	KeyForSecrets KeyUse = "secrets"
)

// Key is a customer managed KMS key the design creates (rotation on).
type Key struct {
	Addr ResourceRef
	Use  KeyUse
	// Purpose says what the key is for, as the key's description ends.
	Purpose string
	// LogGroups are the names of the log groups CloudWatch Logs may use
	// the key for (KeyForLogs): exact names, or patterns ending in "*".
	LogGroups []string
	Lifecycle Lifecycle
}

// LogGroup is a CloudWatch Logs group the design creates for a resource's
// logs (a flow log keeps its own group: FlowLog.LogGroup).
type LogGroup struct {
	Addr ResourceRef
	// VPC is the VPC of what writes to it, so a per-account template
	// holds the group of each resource it holds.
	VPC           ResourceRef
	Name          string
	RetentionDays int
	Key           ResourceRef // the Key encrypting it
	Lifecycle     Lifecycle
}

// LogBucket is the S3 bucket the load balancers of an account write their
// access logs to, each under its own prefix.
type LogBucket struct {
	Addr ResourceRef
	// ExpirationDays is how long an access log is kept.
	ExpirationDays int
	Lifecycle      Lifecycle
}

// KeyAccounts returns, sorted, the accounts that hold a copy of the key
// at k: each account whose VPCs hold a log group, flow log or service
// using it, since a key serves its own account and a per-account template
// creates its own. A design in one account gives the one account "".
func (n *Network) KeyAccounts(k ResourceRef) []string {
	var out []string
	use := func(vpc ResourceRef) {
		acct := ""
		if v, ok := n.VPC(vpc); ok {
			acct = v.Account
		}
		if !slices.Contains(out, acct) {
			out = append(out, acct)
		}
	}
	for _, g := range n.LogGroups {
		if g.Key == k {
			use(g.VPC)
		}
	}
	for _, f := range n.FlowLogs {
		if f.Key == k {
			use(f.VPC)
		}
	}
	for _, s := range n.Services {
		if s.SecretsKey == k {
			use(s.VPC)
		}
	}
	slices.Sort(out)
	return out
}
