package awslive_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/moatnet/moat/awslive"
)

// bigTemplate is smallTemplate over CloudFormation's 51,200-byte inline
// limit, padded with template Metadata (which creates nothing).
func bigTemplate() []byte {
	var t map[string]any
	json.Unmarshal(smallTemplate(false), &t)
	t["Metadata"] = map[string]any{"Padding": strings.Repeat("x", awslive.MaxInlineBody)}
	b, _ := json.Marshal(t)
	return b
}

// TestTemplateBucket deploys a template over 51,200 bytes with no bucket
// given: moat makes its own, encrypted (SSE-S3), with every public access
// blocked and a policy denying requests without TLS, uploads the template
// there with the owner checked, and reuses the bucket on the next deploy.
func TestTemplateBucket(t *testing.T) {
	needMoto(t)
	f := newFake()
	// moto 5.2.1 does not know the aws:SecureTransport key and denies
	// every request under a policy that uses it, over HTTPS too (measured:
	// PutObject answers 403): the policy is recorded, not applied, and
	// answered as PutBucketPolicy's reference documents, with no body
	// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html).
	f.answer["PutBucketPolicy"] = func(any) (any, error) { return &s3.PutBucketPolicyOutput{}, nil }
	accounts, err := awslive.Accounts(bg, awslive.Options{APIOptions: []func(*middleware.Stack) error{f.option}})
	if err != nil {
		t.Fatal(err)
	}
	step := 0
	deploy := func(stack string) string {
		var out bytes.Buffer
		step++
		now := time.Date(2026, 12, 3, 12, step, 0, 0, time.UTC)
		res, err := awslive.Deploy(bg, accounts[0], awslive.DeployInput{Stack: stack, Template: bigTemplate(), Yes: true, Out: &out, Poll: 10 * time.Millisecond, Now: func() time.Time { return now }})
		if err != nil || res.Status != "CREATE_COMPLETE" {
			t.Fatalf("deploy %s: %+v %v\n%s", stack, res, err, out.String())
		}
		return out.String()
	}
	out := deploy("big")
	name := "moat-templates-123456789012-us-east-1"
	if name != awslive.TemplateBucketName("123456789012", "us-east-1") || !strings.Contains(out, "creating template bucket "+name) {
		t.Fatalf("first deploy:\n%s", out)
	}
	c := s3.NewFromConfig(motoConfig(t))
	enc := must(c.GetBucketEncryption(bg, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)}))
	if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) != 1 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" {
		t.Errorf("encryption %+v", r)
	}
	pab := must(c.GetPublicAccessBlock(bg, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)})).PublicAccessBlockConfiguration
	if !aws.ToBool(pab.BlockPublicAcls) || !aws.ToBool(pab.BlockPublicPolicy) || !aws.ToBool(pab.IgnorePublicAcls) || !aws.ToBool(pab.RestrictPublicBuckets) {
		t.Errorf("public access block %+v", pab)
	}
	puts := f.calls("PutBucketPolicy")
	if len(puts) != 1 || aws.ToString(puts[0].(*s3.PutBucketPolicyInput).Bucket) != name {
		t.Fatalf("PutBucketPolicy calls %v", puts)
	}
	pol := aws.ToString(puts[0].(*s3.PutBucketPolicyInput).Policy)
	var doc struct {
		Statement []struct {
			Effect    string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(pol), &doc); err != nil || len(doc.Statement) != 1 || doc.Statement[0].Effect != "Deny" ||
		doc.Statement[0].Condition["Bool"]["aws:SecureTransport"] != "false" || len(doc.Statement[0].Resource) != 2 {
		t.Errorf("bucket policy %s (%v), want a deny without TLS on the bucket and its objects", pol, err)
	}
	objs := must(c.ListObjectsV2(bg, &s3.ListObjectsV2Input{Bucket: aws.String(name)}))
	if len(objs.Contents) != 1 || !strings.HasPrefix(aws.ToString(objs.Contents[0].Key), "moat/big/moat-") {
		t.Errorf("objects %+v", objs.Contents)
	}
	for _, in := range f.calls("PutObject") {
		if aws.ToString(in.(*s3.PutObjectInput).ExpectedBucketOwner) != "123456789012" {
			t.Errorf("the template was uploaded without checking the bucket's owner")
		}
	}
	// A second stack reuses the bucket.
	if out := deploy("big2"); strings.Contains(out, "creating template bucket") || len(f.calls("CreateBucket")) != 1 {
		t.Errorf("second deploy made the bucket again (%d CreateBucket):\n%s", len(f.calls("CreateBucket")), out)
	}
}
