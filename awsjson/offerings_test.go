package awsjson

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
)

// The file is aws ec2 describe-instance-type-offerings output, whose
// items carry InstanceType, LocationType and Location
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html).
func TestOfferingsPerZoneID(t *testing.T) {
	fsys := fstest.MapFS{
		"describe-subnets.json": {Data: []byte(`{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/24","AvailabilityZone":"us-east-1c","AvailabilityZoneId":"use1-az3"}]}`)},
		"describe-vpcs.json":    {Data: []byte(`{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}`)},
		"describe-instance-type-offerings.json": {Data: []byte(`{"InstanceTypeOfferings":[
			{"InstanceType":"t4g.nano","LocationType":"availability-zone-id","Location":"use1-az1"},
			{"InstanceType":"t3.micro","LocationType":"availability-zone-id","Location":"use1-az1"},
			{"InstanceType":"t3.micro","LocationType":"availability-zone","Location":"us-east-1c"},
			{"InstanceType":"t3.micro","LocationType":"availability-zone","Location":"us-east-1f"},
			{"InstanceType":"t3.micro","LocationType":"region","Location":"us-east-1"}]}`)},
	}
	r, d := Load(fsys, "snap", "snap")
	want := model.Offerings{"use1-az1": {"t3.micro", "t4g.nano"}, "use1-az3": {"t3.micro"}}
	if diff := cmp.Diff(want, r.Offerings); diff != "" {
		t.Errorf("offerings (-want +got):\n%s", diff)
	}
	if len(d) != 1 || d[0].Summary != "2 offerings are not per Availability Zone ID and were skipped" {
		t.Errorf("diagnostics = %v, want the two skipped offerings", d)
	}
	if r, _ := Load(fstest.MapFS{"describe-vpcs.json": {Data: []byte(`{"Vpcs":[]}`)}}, "s", "s"); r.Offerings != nil {
		t.Errorf("no offerings file: Offerings = %v, want nil (unknown)", r.Offerings)
	}
}
