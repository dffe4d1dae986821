package ec2types

import "testing"

// TestMaxPods checks the formula against the published EKS table
// (amazon-eks-ami files/eni-max-pods.txt), an independent source.
func TestMaxPods(t *testing.T) {
	for typ, want := range map[string]int{
		"t3.nano": 4, "t3.micro": 4, "t3.small": 11, "t3.medium": 17, "t3.large": 35, "t3.xlarge": 58, "t3.2xlarge": 58,
		"t4g.nano": 4, "t4g.micro": 4, "t4g.small": 11, "t4g.medium": 17, "t4g.large": 35, "t4g.xlarge": 58, "t4g.2xlarge": 58,
		"m5.large": 29, "m5.xlarge": 58, "m5.2xlarge": 58, "m5.4xlarge": 234, "m5.8xlarge": 234, "m5.12xlarge": 234, "m5.16xlarge": 737, "m5.24xlarge": 737, "m5.metal": 737,
		"m6g.medium": 8, "m6g.large": 29, "m6g.xlarge": 58, "m6g.2xlarge": 58, "m6g.4xlarge": 234, "m6g.8xlarge": 234, "m6g.12xlarge": 234, "m6g.16xlarge": 737, "m6g.metal": 737,
		"m7g.medium": 8, "m7g.large": 29, "m7g.xlarge": 58, "m7g.2xlarge": 58, "m7g.4xlarge": 234, "m7g.8xlarge": 234, "m7g.12xlarge": 234, "m7g.16xlarge": 737, "m7g.metal": 737,
		"c6g.medium": 8, "c6g.large": 29, "c6g.xlarge": 58, "c6g.2xlarge": 58, "c6g.4xlarge": 234, "c6g.8xlarge": 234, "c6g.12xlarge": 234, "c6g.16xlarge": 737, "c6g.metal": 737,
	} {
		l, ok := Lookup(typ)
		if !ok {
			t.Errorf("%s: unknown", typ)
			continue
		}
		if got := l.MaxPods(); got != want {
			t.Errorf("%s: MaxPods = %d, want %d", typ, got, want)
		}
	}
	if _, ok := Lookup("m5.medium"); ok {
		t.Error("m5.medium does not exist")
	}
	if got := (Limits{}).MaxPods(); got != 0 {
		t.Errorf("zero Limits: MaxPods = %d", got)
	}
	if n := len(Known()); n != 50 {
		t.Errorf("Known has %d types, want 50", n)
	}
}
