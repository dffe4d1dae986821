package ec2types

import "testing"

// Figures from the EC2 instance types pages
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html, mo.html).
func TestCapacityOf(t *testing.T) {
	for _, c := range []struct {
		typ       string
		vcpus, gb float64
		ok        bool
	}{
		{"t4g.medium", 2, 4, true},
		{"t3.nano", 2, 0.5, true},
		{"t2.micro", 1, 1, true},
		{"t2.medium", 2, 4, true},
		{"m7g.medium", 1, 4, true},
		{"m5.large", 2, 8, true},
		{"m6i.24xlarge", 96, 384, true},
		{"c6g.4xlarge", 16, 32, true},
		{"r7g.2xlarge", 8, 64, true},
		{"c5.9xlarge", 36, 72, true},
		{"m5.metal", 0, 0, false},    // metal sizes are not checked
		{"c5n.large", 0, 0, false},   // more memory than the c pattern
		{"banana.huge", 0, 0, false}, // unknown
	} {
		got, ok := CapacityOf(c.typ)
		if ok != c.ok || got.VCPUs != int(c.vcpus) || got.MemoryMiB != int(c.gb*1024) {
			t.Errorf("CapacityOf(%s) = %+v, %v; want %v vCPUs, %v GiB, %v", c.typ, got, ok, c.vcpus, c.gb, c.ok)
		}
	}
}
