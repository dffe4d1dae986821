package cfn_test

import (
	"bytes"
	"testing"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

func compileFile(t *testing.T, path string) *model.Network {
	return testnet.Compile(t, path)
}

func TestFromNetworkSetSingleAccountIsFromNetwork(t *testing.T) {
	for _, path := range []string{"../testdata/golden/hub-and-spoke.yaml", "../examples/webapp.yaml"} {
		n := compileFile(t, path)
		set, ds := cfn.FromNetworkSet(n)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		if len(set) != 1 || set[0].Name != "template" {
			t.Fatalf("%s: want one template named template, got %d", path, len(set))
		}
		one, ds := cfn.FromNetwork(n)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		a, _ := set[0].Template.YAML()
		b, _ := one.YAML()
		if !bytes.Equal(a, b) {
			t.Errorf("%s: FromNetworkSet's single template differs from FromNetwork's", path)
		}
		if got := cfn.DeployOrder(set); got != nil {
			t.Errorf("%s: a single template has no deploy order, got %v", path, got)
		}
	}
}

func TestFromNetworkSetSplitsAccounts(t *testing.T) {
	n := compileFile(t, "../testdata/golden/hub-and-spoke-accounts.yaml")
	set, ds := cfn.FromNetworkSet(n)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if len(set) != 2 || set[0].Name != "network" || set[0].Account != "111111111111" || set[1].Name != "workload" || set[1].Account != "222222222222" {
		t.Fatalf("want network (111111111111) then workload (222222222222), got %+v", set)
	}
	for _, nt := range set {
		if errs := cfn.Check(nt.Template); len(errs) > 0 {
			t.Errorf("%s: %v", nt.Name, errs)
		}
	}
	types := func(t *cfn.Template) map[string]int {
		m := map[string]int{}
		for _, r := range t.Resources {
			m[r.Type]++
		}
		return m
	}
	net, wl := set[0].Template, set[1].Template
	nt, wt := types(net), types(wl)
	if nt["AWS::EC2::TransitGateway"] != 1 || wt["AWS::EC2::TransitGateway"] != 0 {
		t.Errorf("the gateway belongs to the network template only: %d, %d", nt["AWS::EC2::TransitGateway"], wt["AWS::EC2::TransitGateway"])
	}
	if nt["AWS::EC2::VPC"] != 2 || wt["AWS::EC2::VPC"] != 1 {
		t.Errorf("VPCs: network %d, workload %d", nt["AWS::EC2::VPC"], wt["AWS::EC2::VPC"])
	}
	if nt["AWS::EC2::TransitGatewayAttachment"] != 2 || wt["AWS::EC2::TransitGatewayAttachment"] != 1 {
		t.Errorf("attachments: network %d, workload %d", nt["AWS::EC2::TransitGatewayAttachment"], wt["AWS::EC2::TransitGatewayAttachment"])
	}
	if wt["AWS::ECS::Service"] != 1 || nt["AWS::ECS::Service"] != 0 {
		t.Errorf("the service belongs to the workload template")
	}
	share, ok := net.Resource("TgwMainShare")
	if !ok || share.Type != "AWS::RAM::ResourceShare" {
		t.Fatal("no RAM share in the network template")
	}
	if p := share.Properties.Get("Principals"); p == nil || len(p.(cfn.List)) != 1 || p.(cfn.List)[0] != cfn.String("222222222222") {
		t.Errorf("share principals = %v, want the workload account only", p)
	}
	if v := share.Properties.Get("AllowExternalPrincipals"); v != cfn.Bool(false) {
		t.Errorf("AllowExternalPrincipals = %v, want false", v)
	}
	param := cfn.AttachmentParam("tgw-attach/workload")
	conditional := 0
	for _, r := range net.Resources {
		if r.Condition != "" {
			conditional++
			if r.Condition != "Has"+param {
				t.Errorf("%s: condition %s", r.LogicalID, r.Condition)
			}
		}
	}
	// workload table's association, the ingress and egress tables'
	// propagations from the workload attachment.
	if conditional != 3 {
		t.Errorf("%d conditional resources in the network template, want 3", conditional)
	}
	hasOut := func(t *cfn.Template, name string) bool {
		for _, o := range t.Outputs {
			if o.Name == name {
				return true
			}
		}
		return false
	}
	if !hasOut(wl, param) || !hasOut(net, cfn.TransitGatewayParam) {
		t.Errorf("outputs: workload %s %v, network %s %v", param, hasOut(wl, param), cfn.TransitGatewayParam, hasOut(net, cfn.TransitGatewayParam))
	}
	if len(cfn.DeployOrder(set)) != 3 {
		t.Errorf("deploy order: %v", cfn.DeployOrder(set))
	}
}
