package awslive

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The least-privilege policy of each use of moat that calls AWS: exactly
// the actions it makes (tests record the calls on moto and compare).

// DeployActions are the calls Deploy makes, template bucket included.
var DeployActions = slices.Concat([]string{
	"cloudformation:DescribeStacks", "cloudformation:GetTemplate",
	"cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet", "cloudformation:DeleteChangeSet",
	"cloudformation:ExecuteChangeSet", "cloudformation:DescribeStackEvents",
	"cloudformation:DeleteStack",                 // re-creating a ROLLBACK_COMPLETE stack
	"cloudformation:UpdateTerminationProtection", // prod stacks
	"s3:PutObject", // a template over 51,200 bytes
}, TemplateBucketActions)

// DeployImplied are permissions AWS checks for a deploy that moat makes
// no call of its own for: CloudFormation reads the uploaded template with
// the caller's credentials, and CreateBucket with an ObjectOwnership
// setting needs s3:PutBucketOwnershipControls
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
var DeployImplied = []string{"s3:GetObject", "s3:PutBucketOwnershipControls"}

// DestroyActions are the calls Destroy makes.
var DestroyActions = []string{
	"cloudformation:DescribeStacks", "cloudformation:GetTemplate", "cloudformation:ListStackResources",
	"cloudformation:DescribeStackEvents", "cloudformation:DeleteStack",
}

// Uses are the uses iam-policy knows, each with its help line.
var Uses = map[string]string{
	"read":    "moat snapshot and NETWORK=aws: the read-only calls that read a network",
	"deploy":  "moat deploy: the change-set calls, termination protection and the template bucket",
	"destroy": "moat destroy: reading the stack and deleting it",
	"drift":   "moat drift: the read policy (drift reads the network live)",
	"explain": "moat explain --log-group: logs:FilterLogEvents, and the read policy for NETWORK=aws",
}

// statement is one IAM policy statement.
type statement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource any
}

// PolicyFor is the least-privilege policy of a use (Uses). For deploy,
// bucket names the template bucket (default moat's own, any Region and
// account: moat-templates-*).
func PolicyFor(use, bucket string) ([]byte, error) {
	read := statement{Sid: "MoatReadNetwork", Effect: "Allow", Action: Actions(), Resource: "*"}
	var st []statement
	switch use {
	case "read", "drift":
		st = []statement{read}
	case "explain":
		st = []statement{{Sid: "MoatReadFlowLogs", Effect: "Allow", Action: FlowLogActions, Resource: "arn:aws:logs:*:*:log-group:*"}, read}
	case "destroy":
		st = []statement{{Sid: "MoatDestroyStack", Effect: "Allow", Action: sorted(DestroyActions), Resource: "*"}}
	case "deploy":
		if bucket == "" {
			bucket = "moat-templates-*"
		}
		var cfn, s3 []string
		for _, a := range slices.Concat(DeployActions, DeployImplied) {
			if strings.HasPrefix(a, "s3:") {
				s3 = append(s3, a)
			} else {
				cfn = append(cfn, a)
			}
		}
		st = []statement{
			{Sid: "MoatDeployStack", Effect: "Allow", Action: sorted(cfn), Resource: "*"},
			{Sid: "MoatTemplateBucket", Effect: "Allow", Action: sorted(s3), Resource: []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/moat/*"}},
		}
	default:
		return nil, fmt.Errorf("iam-policy %q: moat knows the policies for %s", use, strings.Join(sorted(slices.Collect(maps.Keys(Uses))), ", "))
	}
	return policyJSON(st), nil
}

// Policy is the least-privilege IAM policy for Accounts and Read: exactly
// the actions of Calls and AccountActions. None of them supports
// resource-level permissions, so the resource is "*" (Service
// Authorization Reference, Amazon EC2 and Elastic Load Balancing V2).
// sts:GetCallerIdentity needs no permission
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
// and is not listed.
func Policy() []byte {
	b, _ := PolicyFor("read", "")
	return b
}

func policyJSON(st []statement) []byte {
	p := struct {
		Version   string
		Statement []statement
	}{Version: "2012-10-17", Statement: st}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("awslive: policy: %v", err)) // a fixed value always encodes
	}
	return append(b, '\n')
}

func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}
