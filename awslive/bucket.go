package awslive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// TemplateBucketName is the bucket moat makes for templates too large to
// send inline: one per account and Region, so a name is never guessed
// twice and a Region's stacks share it.
func TemplateBucketName(account, region string) string {
	return "moat-templates-" + account + "-" + region
}

// TemplateBucketActions are the calls ensureTemplateBucket makes.
var TemplateBucketActions = []string{
	"s3:ListBucket", // HeadBucket
	"s3:CreateBucket", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPolicy",
}

// ensureTemplateBucket returns moat's template bucket in the account's
// Region, creating it when it is missing: encrypted at rest (SSE-S3),
// every public access blocked, and a policy that denies any request not
// made over TLS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).
// A bucket of that name owned by another account is refused.
func ensureTemplateBucket(ctx context.Context, a Account, out io.Writer) (string, error) {
	name := TemplateBucketName(a.ID, a.cfg.Region)
	c := s3.NewFromConfig(a.cfg)
	_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name), ExpectedBucketOwner: aws.String(a.ID)})
	if err == nil {
		return name, nil
	}
	var nf *s3types.NotFound
	var ae smithy.APIError
	switch {
	case errors.As(err, &nf) || errors.As(err, &ae) && (ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchBucket"):
	case errors.As(err, &ae) && (ae.ErrorCode() == "Forbidden" || ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "403"):
		return "", fmt.Errorf("s3 bucket %s exists but is not this account's (or this caller may not list it): give --template-bucket BUCKET, a bucket of your own in %s", name, a.cfg.Region)
	default:
		return "", fmt.Errorf("s3 head-bucket %s: %w", name, err)
	}
	fmt.Fprintf(out, "creating template bucket %s (encrypted, private, TLS only)\n", name)
	create := &s3.CreateBucketInput{Bucket: aws.String(name), ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}
	if a.cfg.Region != "us-east-1" {
		// us-east-1 is the default and takes no location constraint
		// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
		create.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(a.cfg.Region)}
	}
	if _, err := c.CreateBucket(ctx, create); err != nil {
		return "", fmt.Errorf("s3 create-bucket %s: %w", name, err)
	}
	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
		Bucket: aws.String(name), ExpectedBucketOwner: aws.String(a.ID),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
		}}},
	}); err != nil {
		return "", fmt.Errorf("s3 put-bucket-encryption %s: %w", name, err)
	}
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(name), ExpectedBucketOwner: aws.String(a.ID),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	}); err != nil {
		return "", fmt.Errorf("s3 put-public-access-block %s: %w", name, err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
		Bucket: aws.String(name), ExpectedBucketOwner: aws.String(a.ID), Policy: aws.String(tlsOnlyPolicy(name)),
	}); err != nil {
		return "", fmt.Errorf("s3 put-bucket-policy %s: %w", name, err)
	}
	return name, nil
}

// tlsOnlyPolicy denies every request to the bucket not made over TLS
// (the aws:SecureTransport condition key).
func tlsOnlyPolicy(bucket string) string {
	arn := "arn:aws:s3:::" + bucket
	p := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid": "DenyWithoutTLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
		}},
	}
	b, _ := json.Marshal(p) // plain maps and strings always encode
	return string(b)
}
