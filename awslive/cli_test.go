package awslive_test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/internal/cli"
)

func moat(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(bg, args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestSnapshotCommand runs moat snapshot and NETWORK=aws on a network
// built in moto: the caller is named before reading, every command gives
// the same answer for aws and for the directory snapshot wrote, and
// several Regions land in their own folders.
func TestSnapshotCommand(t *testing.T) {
	needMoto(t)
	b := buildNetwork(t)
	// Named aws, so the network loaded from it has the name NETWORK=aws gives.
	dir := filepath.Join(t.TempDir(), "aws")
	code, out, errOut := moat(t, "snapshot", "-o", dir, "--region", "us-east-1", "--region", "us-west-2")
	if code != 0 {
		t.Fatalf("snapshot: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "moat: reading account 123456789012 as arn:aws:") || !strings.Contains(errOut, "us-east-1, us-west-2") {
		t.Errorf("snapshot's stderr does not name the account, caller and Regions first:\n%s", errOut)
	}
	for _, r := range []string{"us-east-1", "us-west-2"} {
		if _, err := os.Stat(filepath.Join(dir, "123456789012", r, "describe-vpcs.json")); err != nil {
			t.Errorf("snapshot wrote no %s folder: %v", r, err)
		}
	}
	for _, args := range [][]string{
		{"audit"},
		{"inspect"},
		{"reach", "NETWORK", b.web, b.db, "--port", "5432"},
		{"reach", "NETWORK", "internet", b.db, "--port", "5432"},
	} {
		run := func(network string) (int, string) {
			a := append([]string{args[0]}, network)
			if len(args) > 1 {
				a = append([]string{args[0], network}, args[2:]...)
			}
			a = append(a, "--region", "us-east-1", "--region", "us-west-2")
			code, out, errOut := moat(t, a...)
			if code > 1 {
				t.Fatalf("moat %v: exit %d\n%s", a, code, errOut)
			}
			return code, strings.ReplaceAll(out, dir, "aws")
		}
		liveCode, live := run("aws")
		savedCode, saved := run(dir)
		if liveCode != savedCode || live != saved {
			t.Errorf("moat %s: aws (exit %d) and the snapshot (exit %d) differ:\n--- aws\n%s--- snapshot\n%s", args[0], liveCode, savedCode, live, saved)
		}
	}

	// A second snapshot replaces the first; a directory that is not a
	// snapshot is never replaced.
	if code, _, errOut := moat(t, "snapshot", "-o", dir); code != 0 {
		t.Fatalf("second snapshot: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "123456789012", "us-west-2")); !os.IsNotExist(err) {
		t.Errorf("the second snapshot (us-east-1 only) left us-west-2 of the first: %v", err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	code, _, errOut = moat(t, "snapshot", "-o", other)
	if code != 2 || !strings.Contains(errOut, "not a moat snapshot") {
		t.Errorf("snapshot over a directory of other files: exit %d, %s", code, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(other, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("snapshot touched a directory that is not a snapshot: %q %v", b, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	for _, e := range entries {
		if e.Name() != "aws" {
			t.Errorf("snapshot left %s next to its directory", e.Name())
		}
	}
}

func TestSnapshotErrors(t *testing.T) {
	needMoto(t)
	if code, _, errOut := moat(t, "snapshot"); code != 2 || !strings.Contains(errOut, "needs -o DIR") {
		t.Errorf("snapshot without -o: exit %d, %s", code, errOut)
	}
	t.Setenv("AWS_REGION", "")
	if code, _, errOut := moat(t, "audit", "aws"); code != 2 || !strings.Contains(errOut, "no AWS Region") {
		t.Errorf("audit aws without a Region: exit %d, %s", code, errOut)
	}
}

func TestIAMPolicyCommand(t *testing.T) {
	code, out, _ := moat(t, "iam-policy", "read")
	if code != 0 || out != string(awslive.Policy()) {
		t.Errorf("iam-policy read: exit %d\n%s", code, out)
	}
	for _, use := range []string{"deploy", "destroy", "drift", "explain"} {
		want, err := awslive.PolicyFor(use, "")
		if code, out, errOut := moat(t, "iam-policy", use); err != nil || code != 0 || out != string(want) {
			t.Errorf("iam-policy %s: exit %d %v\n%s%s", use, code, err, out, errOut)
		}
	}
	if _, out, _ := moat(t, "iam-policy", "deploy", "--template-bucket", "mine"); !strings.Contains(out, `"arn:aws:s3:::mine/moat/*"`) || strings.Contains(out, "moat-templates-") {
		t.Errorf("iam-policy deploy --template-bucket mine:\n%s", out)
	}
	if code, _, errOut := moat(t, "iam-policy", "nope"); code != 2 || !strings.Contains(errOut, "deploy, destroy, drift, explain, read") {
		t.Errorf("iam-policy nope: exit %d, %s", code, errOut)
	}
}

// TestUnreachableEndpoint: an endpoint that does not answer is an input
// error (exit 2) naming the call, after the one attempt the tests allow.
func TestUnreachableEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("AWS_ENDPOINT_URL", "http://"+addr)
	code, out, errOut := moat(t, "audit", "aws")
	if code != 2 || out != "" || !strings.Contains(errOut, "sts get-caller-identity") || !strings.Contains(errOut, addr) {
		t.Errorf("audit aws against a closed port: exit %d\nstdout %q\nstderr %s", code, out, errOut)
	}
}

// TestProfiles reads through a named profile of a shared config file,
// and refuses two profiles of one account (moto's is 123456789012 whatever
// the keys; reading two accounts is left to a real organization).
func TestProfiles(t *testing.T) {
	needMoto(t)
	home := t.TempDir()
	config := filepath.Join(home, "config")
	creds := filepath.Join(home, "credentials")
	os.WriteFile(config, []byte("[profile prod]\nregion = eu-west-1\n[profile again]\nregion = us-east-1\n"), 0o600)
	os.WriteFile(creds, []byte("[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = testing\n"+
		"[again]\naws_access_key_id = AKIAAGAIN\naws_secret_access_key = testing\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	// The profiles' keys and Region, not the environment's.
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"} {
		t.Setenv(k, "")
	}
	dir := filepath.Join(t.TempDir(), "prod")
	code, out, errOut := moat(t, "snapshot", "-o", dir, "--profile", "prod")
	if code != 0 {
		t.Fatalf("snapshot: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "reading account 123456789012 as arn:aws:sts::123456789012:user/moto, profile prod, eu-west-1") {
		t.Errorf("stderr does not name the profile and its Region:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "123456789012", "eu-west-1", "describe-vpcs.json")); err != nil {
		t.Errorf("no folder for the profile's Region: %v", err)
	}
	code, _, errOut = moat(t, "audit", "aws", "--profile", "prod", "--profile", "again")
	if code != 2 || !strings.Contains(errOut, `profiles "prod" and "again" are the same account 123456789012`) {
		t.Errorf("two profiles of one account: exit %d, %s", code, errOut)
	}
	code, _, errOut = moat(t, "audit", "aws", "--profile", "nosuch")
	if code != 2 || !strings.Contains(errOut, "aws config: no profile nosuch in "+config+" or "+creds+"; aws configure list-profiles") {
		t.Errorf("a profile that does not exist: exit %d, %s", code, errOut)
	}
	// No keys anywhere (the instance metadata service is off in the tests):
	// the error says so, and how to get some, before any call is made.
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "none"))
	code, _, errOut = moat(t, "audit", "aws", "--region", "us-east-1")
	if code != 2 || !strings.HasPrefix(errOut, "moat: no AWS credentials: ") || !strings.Contains(errOut, "aws configure or aws sso login, or name a profile with --profile or AWS_PROFILE") {
		t.Errorf("no credentials: exit %d, %s", code, errOut)
	}
}
