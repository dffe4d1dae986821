package compile

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// decisions is what decide recorded, in one comparable form.
type decisions struct {
	LBProtected  []bool
	DBLifecycle  []model.Lifecycle
	FlowLogs     []model.Lifecycle
	Keys         []model.ResourceRef
	GroupDays    map[model.ResourceRef]int
	GroupKept    map[model.ResourceRef]model.Lifecycle
	Bucket       []model.LogBucket
	FWProtection []bool
}

func decided(n *model.Network) decisions {
	d := decisions{GroupDays: map[model.ResourceRef]int{}, GroupKept: map[model.ResourceRef]model.Lifecycle{}}
	for _, lb := range n.LoadBalancers {
		d.LBProtected = append(d.LBProtected, lb.DeletionProtection)
	}
	for _, db := range n.Databases {
		d.DBLifecycle = append(d.DBLifecycle, db.Lifecycle)
	}
	for _, f := range n.FlowLogs {
		d.FlowLogs = append(d.FlowLogs, f.Lifecycle)
	}
	for _, k := range n.Keys {
		d.Keys = append(d.Keys, k.Addr)
	}
	for _, g := range n.LogGroups {
		d.GroupDays[g.Addr], d.GroupKept[g.Addr] = g.RetentionDays, g.Lifecycle
	}
	for _, fw := range n.Firewalls {
		d.FWProtection = append(d.FWProtection, fw.ChangeProtection)
	}
	d.Bucket = n.LogBuckets
	return d
}

// TestDecisionsFollowTheEnvironment: compile, not cfn, decides what
// outlives a stack. Prod keeps logs, keys and the access-log bucket and
// protects the load balancer; dev deletes them, except the bucket, which
// CloudFormation cannot delete while it holds logs
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
// The database always leaves a snapshot.
func TestDecisionsFollowTheEnvironment(t *testing.T) {
	snap := model.Lifecycle{OnDelete: model.Snapshot, OnReplace: model.Snapshot}
	prod := build(t, webapp())
	want := decisions{
		LBProtected: []bool{true}, DBLifecycle: []model.Lifecycle{snap}, FlowLogs: []model.Lifecycle{model.Kept},
		Keys:      []model.ResourceRef{"flowlog/vpc/key", "logs/key"},
		GroupDays: map[model.ResourceRef]int{"service/logs": 365}, GroupKept: map[model.ResourceRef]model.Lifecycle{"service/logs": model.Kept},
		Bucket: []model.LogBucket{{Addr: AccessLogsAddr, ExpirationDays: 365, Lifecycle: model.Kept}},
	}
	if diff := cmp.Diff(want, decided(prod)); diff != "" {
		t.Errorf("prod (-want +got):\n%s", diff)
	}
	s := webapp()
	dev(s)
	want = decisions{
		LBProtected: []bool{false}, DBLifecycle: []model.Lifecycle{snap}, FlowLogs: []model.Lifecycle{{}},
		Keys:      []model.ResourceRef{"flowlog/vpc/key", "logs/key"},
		GroupDays: map[model.ResourceRef]int{"service/logs": 30}, GroupKept: map[model.ResourceRef]model.Lifecycle{"service/logs": {}},
		Bucket: []model.LogBucket{{Addr: AccessLogsAddr, ExpirationDays: 30, Lifecycle: model.Lifecycle{OnDelete: model.RetainExceptOnCreate, OnReplace: model.Retain}}},
	}
	if diff := cmp.Diff(want, decided(build(t, s))); diff != "" {
		t.Errorf("dev (-want +got):\n%s", diff)
	}
}

// TestHubDecidesAlike: hub-and-spoke goes through the same decisions: its
// firewall's log groups keep the flow logs' retention, its load balancers
// and firewall are protected in prod.
func TestHubDecidesAlike(t *testing.T) {
	st := goldenSpec(t, "hub-and-spoke.yaml")
	n := build(t, st)
	got := decided(n)
	if got.GroupDays["firewall/egress/alert-logs"] != n.FlowLogs[0].RetentionDays || len(got.FWProtection) != 1 {
		t.Errorf("firewall groups %v, flow-log retention %d", got.GroupDays, n.FlowLogs[0].RetentionDays)
	}
	prod := n.Environment == model.Prod
	for i, p := range append(got.LBProtected, got.FWProtection...) {
		if p != prod {
			t.Errorf("protection %d = %v in %s", i, p, n.Environment)
		}
	}
	if len(n.Keys) != len(n.FlowLogs)+1 {
		t.Errorf("keys %v: want one per flow log and the logs key", got.Keys)
	}
}

// TestHubDevDatabaseIsNoted: a dev database in the workload VPC is
// single-AZ with a day of backups, as in a single VPC, and the plan says
// so. The hub's notes once left it out.
func TestHubDevDatabaseIsNoted(t *testing.T) {
	st := goldenSpec(t, "hub-and-spoke-accounts.yaml")
	if st.Database == nil {
		t.Fatal("the spec has no database")
	}
	st.Environment = model.Dev
	n := build(t, st)
	noted := false
	for _, nt := range n.Notes {
		noted = noted || (nt.Resource == DatabaseAddr && nt.Kind == model.TradeOff)
	}
	if !noted || n.Databases[0].MultiAZ {
		t.Errorf("dev hub database: multi-AZ %v, trade-off noted %v", n.Databases[0].MultiAZ, noted)
	}
}

// goldenSpec parses testdata/golden/NAME, which must be valid.
func goldenSpec(t *testing.T, name string) *spec.Stack {
	t.Helper()
	src, err := os.ReadFile("../testdata/golden/" + name)
	if err != nil {
		t.Fatal(err)
	}
	st, d := spec.Parse(name, src)
	if d.HasErrors() {
		t.Fatal(d)
	}
	return st
}
