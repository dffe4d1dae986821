package awslive

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// An update keeps every parameter the stack has and the template still
// declares at its previous value (UsePreviousValue,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html);
// given ones win; ones the template dropped are not sent.
func TestParameters(t *testing.T) {
	st := &cf.Stack{Parameters: []cf.Parameter{
		{ParameterKey: aws.String("Cidr"), ParameterValue: aws.String("10.1.0.0/16")},
		{ParameterKey: aws.String("Env"), ParameterValue: aws.String("prod")},
		{ParameterKey: aws.String("Gone"), ParameterValue: aws.String("x")},
	}}
	tmpl := []byte(`{"Parameters": {"Cidr": {"Type": "String"}, "Env": {"Type": "String"}, "Zone": {"Type": "String"}}}`)
	got := parameters(map[string]string{"Env": "staging", "Zone": "a"}, st, tmpl)
	want := []string{"Env=staging", "Zone=a", "Cidr=<previous>"}
	if len(got) != len(want) {
		t.Fatalf("%d parameters, want %d: %+v", len(got), len(want), got)
	}
	for i, p := range got {
		s := aws.ToString(p.ParameterKey) + "=" + aws.ToString(p.ParameterValue)
		if aws.ToBool(p.UsePreviousValue) {
			s = aws.ToString(p.ParameterKey) + "=<previous>"
		}
		if s != want[i] {
			t.Errorf("parameter %d: %s, want %s", i, s, want[i])
		}
	}
	if got := parameters(nil, nil, tmpl); len(got) != 0 {
		t.Errorf("a create with no parameters sent %+v", got)
	}
}
