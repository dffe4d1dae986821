package awslive_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// buildThreeTier makes, in moto, a VPC with a public, a private (through
// a NAT gateway) and an isolated subnet in each of two zones, and returns
// its ID.
func buildThreeTier(t *testing.T) string {
	t.Helper()
	defer catch(t)
	c := ec2Client(t)
	vpc := *must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})).Vpc.VpcId
	igw := *must(c.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId
	must(c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: &igw, VpcId: &vpc}))
	table := func(route *ec2.CreateRouteInput) string {
		rt := *must(c.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: &vpc})).RouteTable.RouteTableId
		if route != nil {
			route.RouteTableId, route.DestinationCidrBlock = &rt, aws.String("0.0.0.0/0")
			must(c.CreateRoute(bg, route))
		}
		return rt
	}
	subnet := func(cidr, zone, rt string) string {
		s := *must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)})).Subnet.SubnetId
		must(c.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: &rt, SubnetId: &s}))
		return s
	}
	public := table(&ec2.CreateRouteInput{GatewayId: &igw})
	isolated := table(nil)
	pubA := subnet("10.20.0.0/24", "us-east-1a", public)
	subnet("10.20.1.0/24", "us-east-1b", public)
	eip := must(c.AllocateAddress(bg, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc}))
	nat := *must(c.CreateNatGateway(bg, &ec2.CreateNatGatewayInput{SubnetId: &pubA, AllocationId: eip.AllocationId})).NatGateway.NatGatewayId
	private := table(&ec2.CreateRouteInput{NatGatewayId: &nat})
	subnet("10.20.16.0/20", "us-east-1a", private)
	subnet("10.20.32.0/20", "us-east-1b", private)
	subnet("10.20.128.0/22", "us-east-1a", isolated)
	subnet("10.20.132.0/22", "us-east-1b", isolated)
	return vpc
}

// TestExistingVPCLive places a stack into a VPC built in moto, read live
// (--from aws) and from the snapshot moat snapshot writes: both give the
// same plan, which uses the VPC's subnets by their routes, and verify
// proves the stack inside it.
func TestExistingVPCLive(t *testing.T) {
	needMoto(t)
	vpc := buildThreeTier(t)
	dir := t.TempDir()
	spec := filepath.Join(dir, "shop.yaml")
	src := "stack: shop\nregion: us-east-1\nnetwork:\n  existing: " + vpc + "\nservice:\n  port: 8080\ndatabase:\n  engine: postgres\n"
	if err := os.WriteFile(spec, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, live, errOut := moat(t, "plan", "--from", "aws", "--region", "us-east-1", "--out", filepath.Join(dir, "live"), spec)
	if code != 0 {
		t.Fatalf("plan --from aws: exit %d\n%s%s", code, live, errOut)
	}
	for _, want := range []string{"Existing VPC " + vpc + " (10.20.0.0/16)", "10.20.16.0/20", "<- private tier of the stack", "<- isolated tier of the stack", "<- public tier of the stack"} {
		if !strings.Contains(live, want) {
			t.Errorf("plan does not say %q:\n%s", want, live)
		}
	}
	snap := filepath.Join(dir, "snap")
	if code, out, errOut := moat(t, "snapshot", "-o", snap, "--region", "us-east-1"); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s%s", code, out, errOut)
	}
	offers, _ := filepath.Glob(filepath.Join(snap, "*", "us-east-1", "describe-instance-type-offerings.json"))
	if len(offers) != 1 {
		t.Errorf("snapshot wrote no describe-instance-type-offerings.json: %v", offers)
	}
	code, saved, errOut := moat(t, "plan", "--from", snap, "--out", filepath.Join(dir, "saved"), spec)
	if code != 0 {
		t.Fatalf("plan --from %s: exit %d\n%s%s", snap, code, saved, errOut)
	}
	// The two plans differ only in where they wrote the template.
	strip := func(s, out string) string { return strings.ReplaceAll(s, filepath.Join(dir, out), "OUT") }
	if strip(live, "live") != strip(saved, "saved") {
		t.Errorf("plan from the live read and from its snapshot differ:\n--- live\n%s\n--- snapshot\n%s", live, saved)
	}
	if code, out, errOut := moat(t, "verify", "--from", snap, spec); code != 0 {
		t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
	}
}
