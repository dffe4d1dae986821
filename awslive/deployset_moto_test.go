package awslive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/cfn"
)

// Two accounts in moto. moto keeps each account's resources apart and
// picks the account of a request from its access key; STS AssumeRole
// into a role of another account ID gives keys of that account (moto
// 5.2.1, moto/core/responses.py get_current_account, moto/sts/models.py
// assume_role: "The ARN can point to another account"). So each profile
// assumes a role in its account from one base profile, as a real
// organization's profiles do (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html).
const (
	netAccount = "111111111111"
	appAccount = "222222222222"
)

func twoAccountProfiles(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	credFile := filepath.Join(dir, "credentials")
	os.WriteFile(cfgFile, []byte(`[profile base]
region = us-east-1
[profile net]
role_arn = arn:aws:iam::`+netAccount+`:role/moat-deploy
source_profile = base
region = us-east-1
[profile app]
role_arn = arn:aws:iam::`+appAccount+`:role/moat-deploy
source_profile = base
region = us-east-1
[profile other]
role_arn = arn:aws:iam::333333333333:role/moat-deploy
source_profile = base
region = us-east-1
`), 0o600)
	os.WriteFile(credFile, []byte("[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	// The SDK makes the STS client of a role profile's AssumeRole before
	// it reads AWS_ENDPOINT_URL (config.LoadDefaultConfig resolves the
	// credentials first); STS's own variable reaches that client.
	t.Setenv("AWS_ENDPOINT_URL_STS", motoURL)
}

// inAccount is a config whose requests moto books to account id (the
// x-moto-account-id header, moto/core/responses.py), for the test's own
// look at each account.
func inAccount(t *testing.T, id string) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(bg, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
		})),
		config.WithAPIOptions([]func(*middleware.Stack) error{smithyhttp.AddHeaderValue("x-moto-account-id", id), rereadOnReset}))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fillOutputs answers DescribeStacks with the stack's outputs as AWS
// does (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Output.html):
// moto 5.2.1 reports none for a stack a change set made (it builds the
// outputs once, from the empty template the change set's stack starts
// with). Each output {"Ref": X} is X's physical ID, read from moto.
func fillOutputs(t *testing.T) *fake {
	f := newFake()
	f.edit["DescribeStacks"] = func(out any) {
		for i := range out.(*cloudformation.DescribeStacksOutput).Stacks {
			st := &out.(*cloudformation.DescribeStacksOutput).Stacks[i]
			if len(st.Outputs) > 0 || st.StackStatus == "REVIEW_IN_PROGRESS" {
				continue
			}
			// arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID
			parts := strings.Split(aws.ToString(st.StackId), ":")
			c := cloudformation.NewFromConfig(inAccount(t, parts[4]))
			tmpl, err := c.GetTemplate(bg, &cloudformation.GetTemplateInput{StackName: st.StackName})
			if err != nil {
				continue
			}
			var doc struct {
				Outputs map[string]struct{ Value struct{ Ref string } }
			}
			json.Unmarshal([]byte(aws.ToString(tmpl.TemplateBody)), &doc)
			res, err := c.DescribeStackResources(bg, &cloudformation.DescribeStackResourcesInput{StackName: st.StackName})
			if err != nil {
				continue
			}
			for k, o := range doc.Outputs {
				for _, r := range res.StackResources {
					if aws.ToString(r.LogicalResourceId) == o.Value.Ref {
						st.Outputs = append(st.Outputs, cftypes.Output{OutputKey: aws.String(k), OutputValue: r.PhysicalResourceId})
					}
				}
			}
		}
	}
	return f
}

// Small stand-ins for the network and workload templates moat emits
// (moto's CloudFormation makes no Transit Gateway attachment, route
// table association or RAM share): the same parameters, condition and
// outputs pass between the steps. A security group records what each
// stack was given: the workload's the gateway's ID in place of the
// attachment, the network's conditional one the attachment's ID in place
// of the association. Each is a security group whose description is
// the value.
const netTemplate = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"TgwAttachWorkloadId": {"Type": "String", "Default": ""}},
  "Conditions": {"HasTgwAttachWorkloadId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "TgwAttachWorkloadId"}, ""]}]}},
  "Resources": {
    "TgwMain": {"Type": "AWS::EC2::TransitGateway", "Properties": {"Description": "hub"}},
    "VpcIngress": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
    "TgwAssocWorkload": {"Type": "AWS::EC2::SecurityGroup", "Condition": "HasTgwAttachWorkloadId",
      "Properties": {"VpcId": {"Ref": "VpcIngress"}, "GroupDescription": {"Ref": "TgwAttachWorkloadId"}}}
  },
  "Outputs": {"TransitGatewayId": {"Value": {"Ref": "TgwMain"}}}
}`

func appTemplate(broken bool) string {
	extra := ""
	if broken {
		// Outside the VPC: moto's ExecuteChangeSet answers InvalidSubnet.Range.
		extra = `,
    "SubnetBad": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "VpcWorkload"}, "CidrBlock": "192.168.0.0/24"}}`
	}
	return `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"TransitGatewayId": {"Type": "String"}},
  "Resources": {
    "VpcWorkload": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "TgwAttachWorkload": {"Type": "AWS::EC2::SecurityGroup",
      "Properties": {"VpcId": {"Ref": "VpcWorkload"}, "GroupDescription": {"Ref": "TransitGatewayId"}}}` + extra + `
  },
  "Outputs": {"TgwAttachWorkloadId": {"Value": {"Ref": "VpcWorkload"}}}
}`
}

// TestDeploySetMoto deploys the two stacks in their three steps, each in
// its own account through its own profile, on moto.
func TestDeploySetMoto(t *testing.T) {
	needMoto(t)
	twoAccountProfiles(t)
	f := fillOutputs(t)
	var rec recorder
	accounts, err := awslive.Accounts(bg, awslive.Options{Profiles: []string{"net", "app"}, APIOptions: []func(*middleware.Stack) error{rec.option, f.option}})
	if err != nil {
		t.Fatal(err)
	}
	if accounts[0].ID != netAccount || accounts[1].ID != appAccount || !strings.Contains(accounts[1].ARN, ":assumed-role/moat-deploy/") {
		t.Fatalf("accounts: %+v", accounts)
	}
	set := splitSet()
	run := func(app string) (awslive.SetResult, string, error) {
		var out bytes.Buffer
		stacks := splitStacks(set)
		now := time.Now()
		for i := range stacks {
			stacks[i].Account = accounts[i]
			stacks[i].In.Yes, stacks[i].In.Out, stacks[i].In.Poll = true, &out, 10*time.Millisecond
			stacks[i].In.Now = func() time.Time { now = now.Add(time.Second); return now }
			st, err := awslive.ReadStack(bg, accounts[i], stacks[i].In.Stack, true)
			if err != nil {
				t.Fatal(err)
			}
			stacks[i].Outputs = st.Outputs
		}
		stacks[0].In.Template, stacks[1].In.Template = []byte(netTemplate), []byte(app)
		res, err := awslive.DeploySet(bg, awslive.SetInput{Stacks: stacks, Steps: cfn.DeploySteps(set), Out: &out})
		return res, out.String(), err
	}
	res, out, err := run(appTemplate(false))
	if err != nil || res.Stopped || len(res.Runs) != 3 {
		t.Fatalf("%v %+v\n%s", err, res, out)
	}
	for i, want := range []string{"CREATE_COMPLETE", "CREATE_COMPLETE", "UPDATE_COMPLETE"} {
		if r := res.Runs[i]; r.Status != want || !r.Executed {
			t.Errorf("step %d: %s, want %s", r.Step, r.Status, want)
		}
	}
	net, app := inAccount(t, netAccount), inAccount(t, appAccount)
	tgws := must(ec2.NewFromConfig(net).DescribeTransitGateways(bg, &ec2.DescribeTransitGatewaysInput{}))
	if len(tgws.TransitGateways) != 1 {
		t.Fatalf("network account: %d gateways", len(tgws.TransitGateways))
	}
	tgw := aws.ToString(tgws.TransitGateways[0].TransitGatewayId)
	if n := len(must(ec2.NewFromConfig(app).DescribeTransitGateways(bg, &ec2.DescribeTransitGatewaysInput{})).TransitGateways); n != 0 {
		t.Errorf("the workload account has %d gateways: the network stack went to the wrong account", n)
	}
	// Step 2 was given the gateway of step 1.
	if !hasGroup(t, app, tgw) {
		t.Errorf("the workload stack was not given TransitGatewayId %s", tgw)
	}
	// Step 3 was given the workload's output: the conditional resource
	// exists now, with it.
	vpcs := must(ec2.NewFromConfig(app).DescribeVpcs(bg, &ec2.DescribeVpcsInput{}))
	var appVPC string
	for _, v := range vpcs.Vpcs {
		if aws.ToString(v.CidrBlock) == "10.0.0.0/16" && !aws.ToBool(v.IsDefault) {
			appVPC = aws.ToString(v.VpcId)
		}
	}
	if appVPC == "" || !hasGroup(t, net, appVPC) {
		t.Errorf("step 3 was not given TgwAttachWorkloadId, the workload's output %q", appVPC)
	}
	if !strings.Contains(out, "step 2: stack web-workload in account 222222222222") {
		t.Errorf("said:\n%s", out)
	}
	// The steps make no call the deploy policy lacks, in either account
	// (sts:AssumeRole is the profiles' own: the role's trust policy
	// allows it, not moat's policy).
	allowed := append(slices.Clone(awslive.DeployActions), "sts:GetCallerIdentity", "sts:AssumeRole")
	called := iamActions(rec.actions())
	if !slices.Contains(called, "cloudformation:ExecuteChangeSet") {
		t.Errorf("no call recorded: %v", called)
	}
	for _, a := range called {
		if !slices.Contains(allowed, a) {
			t.Errorf("the steps called %s, which moat iam-policy deploy does not allow", a)
		}
	}

	// Again, unchanged: every step comes back as no changes, the later
	// ones given the outputs of the stacks as they are.
	res, out, err = run(appTemplate(false))
	if err != nil || res.Stopped || len(res.Runs) != 3 {
		t.Fatalf("again: %v %+v\n%s", err, res, out)
	}
	for _, r := range res.Runs {
		if !r.NoChanges {
			t.Errorf("again: step %d changed %+v", r.Step, r.Changes)
		}
	}
	if res.Runs[2].Inputs["TgwAttachWorkloadId"] != appVPC {
		t.Errorf("again: step 3 inputs %v", res.Runs[2].Inputs)
	}

	// A workload change moto cannot make: step 2 stops, step 3 does not run.
	res, out, err = run(appTemplate(true))
	if !res.Stopped || len(res.Runs) != 2 {
		t.Fatalf("broken workload: %v %+v\n%s", err, res, out)
	}
	if err == nil || !strings.Contains(res.NextStep, "step 2 (stack web-workload, account 222222222222) stopped: cloudformation execute-change-set") ||
		!strings.Contains(res.NextStep, "deployed: step 1 stack web-network (account 111111111111) unchanged") || !strings.Contains(res.NextStep, "not run: step 3 stack web-network") {
		t.Errorf("next step: %s", res.NextStep)
	}
}

// hasGroup says whether the account holds a security group described desc.
func hasGroup(t *testing.T, cfg aws.Config, desc string) bool {
	t.Helper()
	out := must(ec2.NewFromConfig(cfg).DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("description"), Values: []string{desc}}},
	}))
	return len(out.SecurityGroups) > 0
}
