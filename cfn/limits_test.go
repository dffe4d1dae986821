package cfn

import (
	"fmt"
	"strings"
	"testing"
)

// TestCheckCounts checks CloudFormation's per-template quotas
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
// 500 resources, 200 parameters, 200 outputs.
func TestCheckCounts(t *testing.T) {
	build := func(resources, params, outputs int) *Template {
		tpl := New("d")
		for i := range resources {
			_ = tpl.Add(Resource{LogicalID: fmt.Sprintf("Bucket%d", i), Type: "AWS::S3::Bucket"})
		}
		for i := range params {
			tpl.Parameters = append(tpl.Parameters, Parameter{Name: fmt.Sprintf("P%d", i), Type: "String"})
		}
		for i := range outputs {
			tpl.Outputs = append(tpl.Outputs, Output{Name: fmt.Sprintf("O%d", i), Value: String("x")})
		}
		return tpl
	}
	if errs := Check(build(MaxResources, MaxParameters, MaxOutputs)); len(errs) != 0 {
		t.Errorf("at the limits: %v", errs)
	}
	errs := Check(build(MaxResources+1, MaxParameters+1, MaxOutputs+1))
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	for _, want := range []string{"501 resources; CloudFormation allows 500", "201 parameters; CloudFormation allows 200", "201 outputs; CloudFormation allows 200"} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("over the limits: want %q in %q", want, got)
		}
	}
}

// TestBodySize checks the template body quotas: 51,200 bytes inline
// (CreateStack's TemplateBody), 1 MB from S3 (TemplateURL).
func TestBodySize(t *testing.T) {
	tpl := New("d")
	_ = tpl.Add(Resource{LogicalID: "Bucket", Type: "AWS::S3::Bucket"})
	small, err := MeasureBody(tpl, make([]byte, MaxInlineBody))
	if err != nil || small.Note() != "" || small.Err() != nil || small.Compact != 0 {
		t.Errorf("inline-sized body: %+v %v %q", small, err, small.Note())
	}
	big, err := MeasureBody(tpl, make([]byte, MaxInlineBody+1))
	if err != nil || big.Compact == 0 || big.Compact > 200 || big.Err() != nil {
		t.Fatalf("large body of a tiny template: %+v %v", big, err)
	}
	if n := big.Note(); !strings.Contains(n, "51201 bytes") || !strings.Contains(n, "as compact JSON") || !strings.Contains(n, "it fits") {
		t.Errorf("note: %q", n)
	}
	if n := (BodySize{Bytes: 90000, Compact: 60000}).Note(); !strings.Contains(n, "deploy it from S3") || strings.Contains(n, "it fits") {
		t.Errorf("note for a template too large even compact: %q", n)
	}
	if err := (BodySize{Bytes: MaxS3Body + 1, Compact: MaxS3Body + 1}).Err(); err == nil || !strings.Contains(err.Error(), "at most 1000000 from S3") {
		t.Errorf("over 1 MB: %v", err)
	}
	if err := (BodySize{Bytes: MaxS3Body + 1, Compact: 900000}).Err(); err != nil {
		t.Errorf("over 1 MB but compact fits: %v", err)
	}
}
