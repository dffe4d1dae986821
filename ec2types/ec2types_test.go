package ec2types

import (
	"slices"
	"testing"

	"github.com/moatnet/moat/model"
)

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

// TestArchOf checks architectures against the EC2 instance types pages
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html,
// co.html, mo.html): Graviton families carry a g after the generation.
func TestArchOf(t *testing.T) {
	for typ, want := range map[string]model.Architecture{
		"t4g.nano": model.ARM64, "m7g.large": model.ARM64, "c6gn.16xlarge": model.ARM64, "r8g.metal-48xl": model.ARM64,
		"m6gd.metal": model.ARM64, "a1.medium": model.ARM64, "c7gn.metal": model.ARM64,
		"t3.nano": model.X86, "t3a.micro": model.X86, "m5.large": model.X86, "c5.9xlarge": model.X86,
		"m7i.48xlarge": model.X86, "m7a.medium": model.X86, "r6i.32xlarge": model.X86,
	} {
		if got, ok := ArchOf(typ); !ok || got != want {
			t.Errorf("ArchOf(%s) = %q, %v; want %q", typ, got, ok, want)
		}
	}
	for _, typ := range []string{"banana.huge", "m5.medium", "c6gn.metal", "t4g", "", "t3.nano.x", "m7i.metal"} {
		if got, ok := ArchOf(typ); ok {
			t.Errorf("ArchOf(%q) = %q, want unknown", typ, got)
		}
	}
	// Every type with known interface limits has an architecture.
	for _, typ := range Known() {
		if _, ok := ArchOf(typ); !ok {
			t.Errorf("%s has limits but no architecture", typ)
		}
	}
}

func TestNearest(t *testing.T) {
	for typ, want := range map[string][]string{
		"t4g.huge":    {"t4g.large", "t4g.nano", "t4g.xlarge"},
		"t5.nano":     {"t2.nano", "t3.nano", "t3a.nano"},
		"m7g.larg":    {"m7g.large", "m7g.xlarge", "m7g.2xlarge"},
		"banana.huge": nil, // some three known types; checked below
	} {
		got := Nearest(typ, 3)
		if len(got) != 3 {
			t.Errorf("Nearest(%s) = %v, want 3 types", typ, got)
			continue
		}
		for _, g := range got {
			if _, ok := ArchOf(g); !ok {
				t.Errorf("Nearest(%s) gives unknown %s", typ, g)
			}
		}
		if want != nil && !slices.Equal(got, want) {
			t.Errorf("Nearest(%s) = %v, want %v", typ, got, want)
		}
	}
}
