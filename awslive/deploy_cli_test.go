package awslive_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func motoConfig(t *testing.T) aws.Config {
	cfg, err := config.LoadDefaultConfig(bg, rereading)
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

	// Allowed, and the template is over 51,200 bytes: without a bucket
	// moat uses its own (TestTemplateBucket makes it; moto cannot take
	// its TLS-only policy, so here it is made bare beforehand).
	s3c := s3.NewFromConfig(motoConfig(t))
	for _, b := range []string{"tmpl", "moat-templates-123456789012-us-east-1"} {
		if _, err := s3c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute", "--allow-exposure")
	if code != 0 || strings.Contains(out, "creating template bucket") || !strings.Contains(out, "change set moat-") {
		t.Errorf("no bucket: exit %d\n%s%s", code, out, errOut)
	}
	if objs := must(s3c.ListObjectsV2(bg, &s3.ListObjectsV2Input{Bucket: aws.String("moat-templates-123456789012-us-east-1")})); len(objs.Contents) != 1 {
		t.Errorf("moat's bucket holds %d templates, want 1", len(objs.Contents))
	}
	// With one, the change set is made from S3 and shown, and not executed.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute", "--allow-exposure", "--stack-name", "webapp", "--template-bucket", "tmpl")
	if code != 0 || !strings.Contains(out, "change set moat-") || !strings.Contains(out, "+ add vpc/") || !strings.Contains(out, "not executed (--no-execute)") {
		t.Errorf("--no-execute: exit %d\n%s%s", code, out, errOut)
	}
	// --format json: the same as one document; an error is JSON too.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute", "--allow-exposure", "--stack-name", "webjson", "--template-bucket", "tmpl", "--format", "json")
	var doc struct {
		Stack, Account, Action string
		ChangeSet              string `json:"change_set"`
		Exposure               struct{ Opens, Closes []string }
		Changes                []struct{ Action, Address, Type string }
		Executed               bool
		Events                 []any
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
		t.Fatalf("--format json: exit %d %v\n%s%s", code, err, out, errOut)
	}
	if doc.Stack != "webjson" || doc.Account != "123456789012" || doc.Action != "create" || !strings.HasPrefix(doc.ChangeSet, "moat-") ||
		len(doc.Exposure.Opens) != 2 || len(doc.Changes) == 0 || doc.Executed || doc.Events == nil {
		t.Errorf("--format json document:\n%s", out)
	}
	code, out, _ = moat(t, "deploy", "../examples/webapp.yaml", "--no-execute", "--format", "json")
	if code != 1 || !strings.Contains(out, `"summary": "deploy stopped: this deploy opens 2 new path(s)`) {
		t.Errorf("--format json gated: exit %d\n%s", code, out)
	}
	// Without a terminal and without --yes it is not executed: exit 2.
	code, out, errOut = moat(t, "deploy", "../examples/webapp.yaml", "--allow-exposure", "--stack-name", "webapp2", "--template-bucket", "tmpl")
	if code != 2 || !strings.Contains(errOut, "give --yes") {
		t.Errorf("no terminal, no --yes: exit %d\n%s%s", code, out, errOut)
	}
}
