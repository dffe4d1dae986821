package existing

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// load reads a snapshot of testdata/existing (or any describe-* dir).
func load(t *testing.T, dir string) *awsjson.Result {
	t.Helper()
	root := filepath.Join("..", "testdata", "existing", dir)
	r, d := awsjson.Load(os.DirFS(root), root, dir)
	if d.HasErrors() || r.Network == nil {
		t.Fatalf("load %s: %v", dir, d)
	}
	return r
}

func parse(t *testing.T, src string) *spec.Stack {
	t.Helper()
	st, d := spec.Parse("t.yaml", []byte(src))
	if d.HasErrors() {
		t.Fatalf("parse: %v", d)
	}
	return st
}

const shop = "stack: shop\nregion: us-east-1\nnetwork:\n  existing: vpc-762b65308c86813da\n"

// ids lists the AWS IDs of a tier's chosen subnets' zones.
func zonesOfTier(n *model.Network, ch *Choice, t model.Tier) []string {
	var out []string
	for _, a := range ch.Subnets[t] {
		sn, _ := n.Subnet(a)
		out = append(out, sn.ZoneID)
	}
	return out
}

func TestPickThreeTier(t *testing.T) {
	r := load(t, "three-tier")
	st := parse(t, shop+"service: {port: 8080}\ndatabase: {engine: postgres}\n")
	ch, d := Pick(st, r.Network, r.Offerings)
	if ch == nil {
		t.Fatal(d)
	}
	all := []string{"use1-az1", "use1-az2", "use1-az4"}
	for _, tier := range []model.Tier{model.Public, model.Private, model.Isolated} {
		if got := zonesOfTier(r.Network, ch, tier); !slices.Equal(got, all) {
			t.Errorf("%s zones = %v, want %v (AZ ID order)", tier, got, all)
		}
	}
	if ch.App != model.Private {
		t.Errorf("app tier %s, want private", ch.App)
	}
	// The gateway endpoints the spec defaults to add routes to tables the
	// stack did not create: the plan must say so.
	if len(ch.Changes) != 2 || !strings.Contains(ch.Changes[0].Text, "adds a route to the s3 prefix list") {
		t.Errorf("changes = %v, want the two gateway endpoints' routes", ch.Changes)
	}
}

// A DB subnet group needs subnets in at least two Availability Zones
// (RDS user guide, "Working with a DB instance in a VPC":
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html);
// the fix names a free range of the VPC in a zone that lacks one.
func TestDatabaseNeedsTwoIsolatedZones(t *testing.T) {
	r := load(t, "no-isolated")
	st := parse(t, shop+"service: {port: 8080}\ndatabase: {engine: postgres}\n")
	_, d := Pick(st, r.Network, r.Offerings)
	if len(d) != 1 || !strings.Contains(d[0].Summary, "the database needs isolated subnets in at least two zones") {
		t.Fatalf("diagnostics = %v", d)
	}
	if want := "add an isolated subnet in use1-az1: 10.0.4.0/22 is free"; !strings.HasPrefix(d[0].Hint, want) {
		t.Errorf("hint %q, want it to start %q", d[0].Hint, want)
	}
	if d[0].Range.Start.Line != 6 {
		t.Errorf("at line %d, want 6 (database:)", d[0].Range.Start.Line)
	}
}

// An internet-facing ALB needs subnets in at least two Availability
// Zones (ALB guide, "Availability Zones":
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones);
// the private subnet's default route to a virtual private gateway makes it
// private by the seeds' definition (a hop out that is not an internet
// gateway).
func TestOneZoneBatfishSnapshot(t *testing.T) {
	root := filepath.Join("..", "testdata", "batfish", "test-public-private-subnet")
	r, _ := awsjson.Load(os.DirFS(root), root, "one-zone")
	st := parse(t, "stack: shop\nregion: us-east-2\nnetwork:\n  existing: vpc-0b966fdeb36d5e43f\nservice: {port: 8080}\n")
	_, d := Pick(st, r.Network, r.Offerings)
	var sums []string
	for _, x := range d {
		sums = append(sums, x.Summary)
	}
	if !slices.ContainsFunc(sums, func(s string) bool { return strings.Contains(s, "internet-facing alb needs public subnets in 2 zones") }) {
		t.Errorf("diagnostics = %v, want the ALB's two zones", sums)
	}
}

// Some zones do not offer every instance type, which
// DescribeInstanceTypeOfferings lists per AZ ID
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html):
// moat leaves such a zone out, and a subnet the spec names there is an
// error at it.
func TestInstanceTypeMissingInOneZone(t *testing.T) {
	r := load(t, "type-missing")
	ec2 := "service: {port: 8080, kind: ecs-ec2, instance_type: m7g.large}\ndatabase: {engine: postgres}\n"
	ch, d := Pick(parse(t, shop+ec2), r.Network, r.Offerings)
	if ch == nil {
		t.Fatal(d)
	}
	if got := zonesOfTier(r.Network, ch, model.Private); !slices.Equal(got, []string{"use1-az1", "use1-az4"}) {
		t.Errorf("service zones %v, want use1-az1 and use1-az4 (use1-az2 lacks m7g.large)", got)
	}
	// db.t4g.medium runs on t4g.medium, which use1-az2 lacks too.
	if got := zonesOfTier(r.Network, ch, model.Isolated); slices.Contains(got, "use1-az2") {
		t.Errorf("database zones %v include use1-az2", got)
	}
	named := shop + "  subnets:\n    private: [subnet-8b8ff93ac5aa0b425]\n" + ec2
	_, d = Pick(parse(t, named), r.Network, r.Offerings)
	if len(d) == 0 || d[0].Range.Start.Line != 6 || !strings.Contains(d[0].Summary, "m7g.large is not offered in use1-az2") {
		t.Errorf("diagnostics = %v, want m7g.large missing at the named subnet (line 6)", d)
	}
}

// S3 gateway endpoints give subnets with no route out a way to S3 (VPC
// guide, "Gateway endpoints for Amazon S3":
// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
func TestIsolatedServiceNeedsAWayToS3(t *testing.T) {
	r := load(t, "isolated-only")
	ch, d := Pick(parse(t, shop+"service: {port: 8080}\n"), r.Network, r.Offerings)
	if ch == nil || ch.App != model.Isolated || !slices.Contains(ch.HaveGateway, "s3") {
		t.Fatalf("choice %+v, %v: want the isolated tier, with the VPC's S3 endpoint", ch, d)
	}
	// Without the VPC's endpoint and with none in the spec: no way out.
	n := *r.Network
	n.Endpoints = nil
	_, d = Pick(parse(t, shop+"  endpoints: {gateway: []}\nservice: {port: 8080}\n"), &n, r.Offerings)
	if !d.HasErrors() || !strings.Contains(d[0].Summary, "the service has no way to S3") || !strings.HasPrefix(d[0].Hint, "add an S3 gateway endpoint to rtb-") {
		t.Errorf("diagnostics = %v, want no way to S3 with the fix", d)
	}
}

func TestUnknownVPCAndSubnets(t *testing.T) {
	r := load(t, "three-tier")
	_, d := Pick(parse(t, "stack: shop\nregion: us-east-1\nnetwork:\n  existing: vpc-0000000a\n"), r.Network, r.Offerings)
	if len(d) != 1 || !strings.Contains(d[0].Summary, "VPC vpc-0000000a is not in the network read") || !strings.Contains(d[0].Hint, "vpc-762b65308c86813da") {
		t.Errorf("diagnostics = %v", d)
	}
	// A public subnet named as isolated, and a subnet of no VPC read.
	src := shop + "  subnets:\n    isolated: [subnet-c827b707428c67a3f, subnet-0000000b]\ndatabase: {engine: postgres}\n"
	_, d = Pick(parse(t, src), r.Network, r.Offerings)
	if !strings.Contains(d.Error(), "subnet subnet-c827b707428c67a3f is public by its routes") || !strings.Contains(d.Error(), "subnet subnet-0000000b is not in vpc-762b65308c86813da") {
		t.Errorf("diagnostics = %v", d)
	}
}

func TestNoOfferingsIsAWarning(t *testing.T) {
	r := load(t, "three-tier")
	st := parse(t, shop+"service: {port: 8080}\ndatabase: {engine: postgres}\n")
	ch, d := Pick(st, r.Network, nil)
	if ch == nil || d.HasErrors() || !strings.Contains(d.Error(), "were not read: moat did not check") {
		t.Errorf("diagnostics = %v, want a warning that offerings were not read", d)
	}
}

// Lambda functions that reach resources in a VPC belong in private
// subnets (the product page; a Lambda interface never gets a public IP,
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html):
// the three-tier VPC runs one in a public subnet, which the stack does not
// create, so it is a warning.
func TestLambdaAlreadyInPublicSubnet(t *testing.T) {
	r := load(t, "three-tier")
	_, d := Pick(parse(t, shop+"service: {port: 8080}\n"), r.Network, r.Offerings)
	if len(d) != 1 || d[0].Severity != diag.Warning || !strings.Contains(d[0].Summary, "is a Lambda interface in public subnet") {
		t.Errorf("diagnostics = %v, want one warning about the Lambda interface", d)
	}
}
