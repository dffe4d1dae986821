package awslive

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// TestReadDenied answers every call as EC2 answers a caller without the
// permission (HTTP 403, UnauthorizedOperation, in the error shape of
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)
// and checks Read fails naming the account, Region and call, and points
// at moat iam-policy read.
func TestReadDenied(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>5f1ce1ab-0000-4000-8000-000000000000</RequestID></Response>`))
	}))
	defer srv.Close()
	cfg := aws.Config{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		RetryMaxAttempts: 1,
	}
	a := Account{ID: "111122223333", Regions: []string{"eu-west-1"}, cfg: cfg}
	_, err := Read(context.Background(), []Account{a}, Options{Concurrency: 1})
	if err == nil {
		t.Fatal("Read succeeded against an endpoint that denies everything")
	}
	for _, want := range []string{"account 111122223333, eu-west-1: describe-", "UnauthorizedOperation", "moat iam-policy read"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
