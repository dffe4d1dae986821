package awslive_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/model"
)

// TestLiveReadsTwoAccounts reads two accounts through two profiles, as
// an organization's auditor does (--profile repeated). Both accounts use
// 10.0.0.0/16, as every default VPC uses 172.31.0.0/16, and each holds an
// interface at 10.0.1.10: the snapshot keeps each account in its own
// folder, the model keeps each VPC in its account, and each interface is
// found in its own VPC only.
func TestLiveReadsTwoAccounts(t *testing.T) {
	needMoto(t)
	twoAccountProfiles(t)
	defer catch(t)
	ip := netip.MustParseAddr("10.0.1.10")
	vpcs, enis := map[string]string{}, map[string]string{}
	for _, acct := range []string{netAccount, appAccount} {
		c := ec2.NewFromConfig(inAccount(t, acct))
		vpc := must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
		sn := must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1a")}))
		e := must(c.CreateNetworkInterface(bg, &ec2.CreateNetworkInterfaceInput{SubnetId: sn.Subnet.SubnetId, PrivateIpAddress: aws.String(ip.String())}))
		vpcs[acct], enis[acct] = *vpc.Vpc.VpcId, *e.NetworkInterface.NetworkInterfaceId
	}

	snap, accounts := readLive(t, awslive.Options{Profiles: []string{"net", "app"}})
	var ids []string
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{netAccount, appAccount}) {
		t.Fatalf("accounts read = %v, want %s and %s", ids, netAccount, appAccount)
	}
	for _, acct := range ids {
		if p := acct + "/us-east-1/describe-network-interfaces.json"; !slices.Contains(snap.Paths(), p) {
			t.Errorf("snapshot has no %s (paths %v)", p, snap.Paths())
		}
	}
	r, d := awsjson.Load(snap.FS(), "aws", "aws")
	n := load(t, r, d)
	ix := analyze.NewIndex(n)
	for acct, id := range vpcs {
		ref := model.JoinRef("vpc", id)
		v, ok := n.VPC(ref)
		if !ok || v.Account != acct {
			t.Errorf("%s: found %v, account %q; want it in %s", ref, ok, v.Account, acct)
			continue
		}
		e, ok := n.InterfaceAt(ref, ip)
		if !ok || e.Addr != model.JoinRef("eni", enis[acct]) {
			t.Errorf("interface at %s in %s = %v (found %v), want eni/%s", ip, ref, e, ok, enis[acct])
		}
		// Each account's interface is its own end: the analyzer resolves
		// it by name, not by the address both share.
		eps, err := ix.Resolve(enis[acct], false)
		if err != nil || len(eps) != 1 {
			t.Errorf("resolve %s = %+v, %v; want one end", enis[acct], eps, err)
			continue
		}
		if sn, ok := n.Subnet(eps[0].Subnet); !ok || sn.VPC != ref {
			t.Errorf("resolve %s: end in subnet %s, not in %s", enis[acct], eps[0].Subnet, ref)
		}
	}
}
