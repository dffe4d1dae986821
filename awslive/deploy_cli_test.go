package awslive_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func motoConfig(t *testing.T) aws.Config {
	cfg, err := config.LoadDefaultConfig(bg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestDeployCommand runs moat deploy on moto with the webapp example,
// which moto cannot create whole: the gate and the change set are what
// is checked here; TestDeployMoto executes small templates.
func TestDeployCommand(t *testing.T) {
	needMoto(t)
	code, out, errOut := moat(t, "deploy", "../examples/webapp.yaml", "--param", "nokey")
	if code != 2 || !strings.Contains(errOut, "write K=V") {
		t.Errorf("bad --param: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--region", "us-east-1", "--region", "eu-west-1")
	if code != 2 || !strings.Contains(errOut, "one account and Region") {
		t.Errorf("two Regions: exit %d\n%s%s", code, out, errOut)
	}

	// A first deploy opens the load balancer to the internet: stopped.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute")
	if code != 1 || !strings.Contains(errOut, "deploy stopped: this deploy opens 2 new path(s) from the internet") {
		t.Fatalf("first deploy without --allow-exposure: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(errOut, "moat: deploying stack ") || !strings.Contains(errOut, " to account 123456789012 as arn:aws:") {
		t.Errorf("the account and caller are not named first:\n%s", errOut)
	}
	for _, want := range []string{"opens: internet -> alb tcp/443 becomes reachable", "opens: internet -> alb tcp/80 becomes reachable"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "change set") {
		t.Errorf("a change set was made despite the gate:\n%s", out)
	}

	// Allowed, but the template is over 51,200 bytes: a bucket is needed.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute", "--allow-exposure")
	if code != 2 || !strings.Contains(errOut, "give --template-bucket BUCKET") {
		t.Errorf("no bucket: exit %d\n%s%s", code, out, errOut)
	}
	s3c := s3.NewFromConfig(motoConfig(t))
	if _, err := s3c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("tmpl")}); err != nil {
		t.Fatal(err)
	}
	// With one, the change set is made from S3 and shown, and not executed.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute", "--allow-exposure", "--stack-name", "webapp", "--template-bucket", "tmpl")
	if code != 0 || !strings.Contains(out, "change set moat-") || !strings.Contains(out, "+ add vpc/") || !strings.Contains(out, "not executed (--no-execute)") {
		t.Errorf("--no-execute: exit %d\n%s%s", code, out, errOut)
	}
	// Without a terminal and without --yes it is not executed: exit 2.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--allow-exposure", "--stack-name", "webapp2", "--template-bucket", "tmpl")
	if code != 2 || !strings.Contains(errOut, "give --yes") {
		t.Errorf("no terminal, no --yes: exit %d\n%s%s", code, out, errOut)
	}
}
