package compile

import (
	"testing"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// TestIntoDecides: a stack compiled into an existing VPC goes through the
// same decisions as one that builds its own. Into once skipped them, so
// its flow log had no key, its service no log group and its load
// balancer no access-log bucket, and cfn refused to render the model.
func TestIntoDecides(t *testing.T) {
	base := webapp()
	base.Service, base.Database, base.FrontEnd = nil, nil, spec.FrontEnd{Kind: spec.FrontEndNone}
	base.Network.FlowLogs.Enabled = false
	in := build(t, base)
	pl := Placement{
		VPC: VPCAddr, CIDR: base.Network.CIDR, Zones: []string{"use1-az1", "use1-az2", "use1-az4"}, App: model.Private,
		Subnets:     map[model.Tier][]model.ResourceRef{},
		HaveGateway: []string{"s3", "dynamodb"},
	}
	for _, sn := range in.Subnets {
		pl.Subnets[sn.Tier] = append(pl.Subnets[sn.Tier], sn.Addr)
	}
	n, d := Into(webapp(), in, pl)
	if d.HasErrors() {
		t.Fatal(d)
	}
	got := decided(n)
	if len(n.FlowLogs) != 1 || n.FlowLogs[0].Key == "" || got.GroupDays["service/logs"] != 365 || len(got.Bucket) != 1 || !got.LBProtected[0] {
		t.Errorf("into an existing VPC, decisions missing: %+v", got)
	}
	if len(n.NATOptions) != 0 {
		t.Errorf("into an existing VPC, whose NAT the stack does not build: NAT options %+v", n.NATOptions)
	}
}
