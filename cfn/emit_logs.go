package cfn

import (
	"strings"

	"github.com/moatnet/moat/model"
)

// elbLogAccounts are the Elastic Load Balancing accounts that deliver access
// logs in the Regions opened before August 2022, which must be granted by
// account; newer Regions grant the service principal
// logdelivery.elasticloadbalancing.amazonaws.com instead (ALB user guide,
// "Enable access logs": bucket policy). A model without a Region gets the
// service principal, AWS's form for every Region it adds.
var elbLogAccounts = map[string]string{
	"af-south-1":     "098369216593",
	"ap-east-1":      "754344448648",
	"ap-northeast-1": "582318560864",
	"ap-northeast-2": "600734575887",
	"ap-northeast-3": "383597477331",
	"ap-south-1":     "718504428378",
	"ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266",
	"ap-southeast-3": "589379963580",
	"ca-central-1":   "985666609251",
	"cn-north-1":     "638102146993",
	"cn-northwest-1": "037604701340",
	"eu-central-1":   "054676820928",
	"eu-north-1":     "897822967062",
	"eu-south-1":     "635631232127",
	"eu-west-1":      "156460612806",
	"eu-west-2":      "652711504416",
	"eu-west-3":      "009996457667",
	"me-south-1":     "076674570225",
	"sa-east-1":      "507241528517",
	"us-east-1":      "127311923021",
	"us-east-2":      "033677994240",
	"us-gov-east-1":  "190560391635",
	"us-gov-west-1":  "048591011584",
	"us-west-1":      "027434742980",
	"us-west-2":      "797873946194",
}

// logPrefix is the folder of lb's access logs in the bucket. AWS adds
// AWSLogs/<account>/ after it itself.
func logPrefix(lb model.LoadBalancer) string {
	return strings.ReplaceAll(string(lb.Addr), "/", "-")
}

// accessLogBucket adds the bucket the load balancers' access logs go to,
// with its policy, and returns their logical IDs; both are empty when no
// load balancer writes access logs.
func (e *emitter) accessLogBucket() (bucket, bucketPolicy string) {
	var albs, nlbs []string
	for _, lb := range e.n.LoadBalancers {
		if !lb.WritesAccessLogs() {
			continue
		}
		if lb.Kind == model.NLB {
			nlbs = append(nlbs, logPrefix(lb))
		} else {
			albs = append(albs, logPrefix(lb))
		}
	}
	if len(albs)+len(nlbs) == 0 {
		return "", ""
	}
	if len(e.n.LogBuckets) != 1 {
		e.errorf("load balancers write access logs, but the model holds %d access-log buckets, not one", len(e.n.LogBuckets))
		return "", ""
	}
	b := e.n.LogBuckets[0]
	bucket = e.id(b.Addr)
	bucketPolicy = bucket + "Policy"
	days := b.ExpirationDays
	e.add(bucket, Bucket{
		// ALB access logs support SSE-S3 only; NLB logs accept it too.
		BucketEncryption: Map{{"ServerSideEncryptionConfiguration", List{Map{
			{"ServerSideEncryptionByDefault", Map{{"SSEAlgorithm", String("AES256")}}},
		}}}},
		LifecycleConfiguration: Map{{"Rules", List{Map{
			{"Id", String("expire-access-logs")},
			{"Status", String("Enabled")},
			{"ExpirationInDays", Int(days)},
			{"AbortIncompleteMultipartUpload", Map{{"DaysAfterInitiation", Int(1)}}},
		}}}},
		// ACLs off: the account owns every object, whoever delivered it.
		OwnershipControls: Map{{"Rules", List{Map{{"ObjectOwnership", String("BucketOwnerEnforced")}}}}},
		PublicAccessBlockConfiguration: Map{
			{"BlockPublicAcls", Bool(true)}, {"BlockPublicPolicy", Bool(true)},
			{"IgnorePublicAcls", Bool(true)}, {"RestrictPublicBuckets", Bool(true)},
		},
		Tags: e.tags(b.Addr, nil),
	})
	e.setLifecycle(bucket, b.Lifecycle)

	arn := "arn:${AWS::Partition}:s3:::${" + bucket + "}"
	objects := func(prefixes []string) Value {
		var l List
		for _, p := range prefixes {
			l = append(l, Sub{Template: arn + "/" + p + "/AWSLogs/${AWS::AccountId}/*"})
		}
		if len(l) == 1 {
			return l[0]
		}
		return l
	}
	statements := []Map{{
		{"Sid", String("DenyInsecureTransport")},
		{"Effect", String("Deny")},
		{"Principal", String("*")},
		{"Action", String("s3:*")},
		{"Resource", List{Sub{Template: arn}, Sub{Template: arn + "/*"}}},
		{"Condition", Map{{"Bool", Map{{"aws:SecureTransport", String("false")}}}}},
	}}
	if len(albs) > 0 {
		statements = append(statements, e.albLogDelivery(objects(albs))...)
	}
	if len(nlbs) > 0 {
		// NLB access logs go through the log delivery service, which
		// checks the bucket's ACL first; the conditions keep other
		// accounts' deliveries out (NLB user guide, bucket policy).
		source := Map{
			{"StringEquals", Map{{"aws:SourceAccount", Ref{AccountID}}}},
			{"ArnLike", Map{{"aws:SourceArn", Sub{Template: "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"}}}},
		}
		write := Map{
			{"StringEquals", Map{{"aws:SourceAccount", Ref{AccountID}}, {"s3:x-amz-acl", String("bucket-owner-full-control")}}},
			source[1],
		}
		statements = append(statements,
			Map{
				{"Sid", String("NLBLogDeliveryAclCheck")}, {"Effect", String("Allow")},
				{"Principal", Map{{"Service", String("delivery.logs.amazonaws.com")}}},
				{"Action", String("s3:GetBucketAcl")}, {"Resource", Sub{Template: arn}}, {"Condition", source},
			},
			Map{
				{"Sid", String("NLBLogDeliveryWrite")}, {"Effect", String("Allow")},
				{"Principal", Map{{"Service", String("delivery.logs.amazonaws.com")}}},
				{"Action", String("s3:PutObject")}, {"Resource", objects(nlbs)}, {"Condition", write},
			})
	}
	e.add(bucketPolicy, BucketPolicy{Bucket: Ref{bucket}, PolicyDocument: policy(statements...)})
	return bucket, bucketPolicy
}

// albLogDelivery grants Elastic Load Balancing the writes of ALB access
// logs, the way AWS documents for the stack's Region: the Region's ELB
// account in Regions opened before August 2022, the log delivery service
// principal in the others.
func (e *emitter) albLogDelivery(objects Value) []Map {
	byAccount := func(account string) Map {
		return Map{
			{"Sid", String("ELBAccountWritesALBLogs")}, {"Effect", String("Allow")},
			{"Principal", Map{{"AWS", Sub{Template: "arn:${AWS::Partition}:iam::" + account + ":root"}}}},
			{"Action", String("s3:PutObject")}, {"Resource", objects},
		}
	}
	byService := Map{
		{"Sid", String("ELBWritesALBLogs")}, {"Effect", String("Allow")},
		{"Principal", Map{{"Service", String("logdelivery.elasticloadbalancing.amazonaws.com")}}},
		{"Action", String("s3:PutObject")}, {"Resource", objects},
	}
	if account, legacy := elbLogAccounts[e.n.Region]; legacy {
		return []Map{byAccount(account)}
	}
	return []Map{byService}
}

// wafLogging sends a web ACL's full request logs to an encrypted log group.
// WAF requires the group's name to start with aws-waf-logs- and takes its
// ARN without the ":*" that the group's Arn attribute ends in (WAF
// developer guide, "CloudWatch Logs"); WAF adds the group's resource policy
// itself. The authorization and cookie headers are redacted so credentials
// and session tokens never reach the logs.
func (e *emitter) wafLogging(w model.WebACL, acl string) {
	group := e.logGroupID(w.Addr+"/logs", w.Addr) // compile names it aws-waf-logs-...
	redact := func(header string) Value { return Map{{"SingleHeader", Map{{"Name", String(header)}}}} }
	e.add(e.id(w.Addr)+"Logging", WAFLogging{
		ResourceArn:           GetAtt{acl, "Arn"},
		LogDestinationConfigs: []Value{Sub{Template: "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${" + group + "}"}},
		RedactedFields:        []Value{redact("authorization"), redact("cookie")},
	})
}
