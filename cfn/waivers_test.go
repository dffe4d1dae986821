package cfn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moatnet/moat/model"
)

// A waiver becomes each scanner's Metadata form on its resource; cfn-lint,
// which has no reason field, keeps the reason under moat.waivers.
func TestWaiverMetadataForms(t *testing.T) {
	n := testNetwork(natGateway, false)
	n.Waivers = []model.Waiver{
		{Resource: "vpc/main", Reason: "why A", Rules: []model.ScanRule{{Scanner: model.CfnNag, ID: "W60"}, {Scanner: model.Checkov, ID: "CKV_AWS_1"}}},
		{Resource: "vpc/main", Reason: "why B", Rules: []model.ScanRule{{Scanner: model.CfnLint, ID: "W1"}, {Scanner: model.CDKNag, ID: "AwsSolutions-VPC7"}}},
	}
	r, ok := emit(t, n).Resource("VpcMain")
	if !ok {
		t.Fatal("no VpcMain")
	}
	want := Map{
		{"cfn-lint", Map{{"config", Map{{"ignore_checks", List{String("W1")}}}}}},
		{"cfn_nag", Map{{"rules_to_suppress", List{Map{{"id", String("W60")}, {"reason", String("why A")}}}}}},
		{"checkov", Map{{"skip", List{Map{{"id", String("CKV_AWS_1")}, {"comment", String("why A")}}}}}},
		{"cdk_nag", Map{{"rules_to_suppress", List{Map{{"id", String("AwsSolutions-VPC7")}, {"reason", String("why B")}}}}}},
		{"moat", Map{{"waivers", List{Map{{"cfn-lint", List{String("W1")}}, {"reason", String("why B")}}}}}},
	}
	if diff := cmp.Diff(want, r.Metadata); diff != "" {
		t.Errorf("Metadata (-want +got):\n%s", diff)
	}
}

func TestWaiverWithoutResourceOrReasonFails(t *testing.T) {
	for _, w := range []model.Waiver{
		{Resource: "vpc/elsewhere", Reason: "why", Rules: []model.ScanRule{{Scanner: model.CfnNag, ID: "W60"}}},
		{Resource: "vpc/main", Rules: []model.ScanRule{{Scanner: model.CfnNag, ID: "W60"}}},
		{Resource: "vpc/main", Reason: "why", Rules: []model.ScanRule{{Scanner: "tfsec", ID: "X"}}},
	} {
		n := testNetwork(natGateway, false)
		n.Waivers = []model.Waiver{w}
		if _, ds := FromNetwork(n); !ds.HasErrors() || !strings.Contains(ds.Error(), "waiver for") {
			t.Errorf("%+v: ds %v, want a waiver error", w, ds)
		}
	}
}
