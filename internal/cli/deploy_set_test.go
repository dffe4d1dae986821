package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/cfn"
)

var splitTemplates = []renderedTemplate{{name: "network", account: "111111111111"}, {name: "workload", account: "222222222222"}}

func TestAccountProfiles(t *testing.T) {
	got, err := accountProfiles([]string{"workload=app", "111111111111=net"}, splitTemplates)
	if err != nil || !cmp.Equal(got, []string{"net", "app"}) {
		t.Errorf("by name and ID: %v %v", got, err)
	}
	if got, err := accountProfiles([]string{"network=net", "network=net", "workload=app"}, splitTemplates); err != nil || got[0] != "net" {
		t.Errorf("the same twice: %v %v", got, err)
	}
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{nil, "no profile for account 111111111111 (network)"},
		{[]string{"network=net"}, "no profile for account 222222222222 (workload)"},
		{[]string{"net"}, "--profile net: the spec deploys to accounts 111111111111 (network), 222222222222 (workload); give --profile ACCOUNT=PROFILE"},
		{[]string{"network="}, "give --profile ACCOUNT=PROFILE"},
		{[]string{"hub=net"}, "the spec names no account hub"},
		{[]string{"network=a", "111111111111=b", "workload=c"}, "account 111111111111 has profile a already"},
	} {
		_, err := accountProfiles(tc.flags, splitTemplates)
		var ee *exitError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ee) || ee.code != exitInput {
			t.Errorf("%v: %v, want exit 2 and %q", tc.flags, err, tc.want)
		}
	}
}

func TestSetParams(t *testing.T) {
	set := []cfn.NamedTemplate{
		{Name: "network", Template: &cfn.Template{Parameters: []cfn.Parameter{{Name: "TgwAttachWorkloadId"}, {Name: "Shared"}}, Outputs: []cfn.Output{{Name: cfn.TransitGatewayParam}}}},
		{Name: "workload", Template: &cfn.Template{Parameters: []cfn.Parameter{{Name: cfn.TransitGatewayParam}, {Name: "ServiceImage"}, {Name: "Shared"}}, Outputs: []cfn.Output{{Name: "TgwAttachWorkloadId"}}}},
	}
	steps := cfn.DeploySteps(set)
	got, err := setParams(map[string]string{"ServiceImage": "nginx", "Shared": "x"}, set, steps)
	want := []map[string]string{{"Shared": "x"}, {"ServiceImage": "nginx", "Shared": "x"}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("each template its own: %v %v", got, err)
	}
	for k, msg := range map[string]string{
		"TransitGatewayId":    "moat passes it from stack to stack (the output TransitGatewayId of the network stack)",
		"TgwAttachWorkloadId": "moat passes it from stack to stack (the output TgwAttachWorkloadId of the workload stack)",
		"Nope":                "no template of the spec declares it",
	} {
		if _, err := setParams(map[string]string{k: "v"}, set, steps); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("--param %s: %v, want %q", k, err, msg)
		}
	}
}
