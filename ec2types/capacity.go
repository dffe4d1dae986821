package ec2types

import (
	"strconv"
	"strings"
)

// Capacity is an instance type's processors and memory, for checking that
// an ECS task can be placed on it.
type Capacity struct {
	VCPUs     int
	MemoryMiB int
}

// burstableCapacity is the t2, t3, t3a and t4g sizes
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, "Burstable
// performance"): vCPUs and GiB.
var burstableCapacity = map[string][2]float64{
	"nano": {2, 0.5}, "micro": {2, 1}, "small": {2, 2}, "medium": {2, 4},
	"large": {2, 8}, "xlarge": {4, 16}, "2xlarge": {8, 32},
}

// t2Small is where t2 differs from the later burstable families: one vCPU
// up to small.
var t2Small = map[string]bool{"nano": true, "micro": true, "small": true}

// memoryPerVCPU is GiB per vCPU in the families whose sizes follow it
// exactly (the same instance types pages: general purpose m, compute
// optimized c, memory optimized r), with or without Graviton (g), Intel
// (i) or AMD (a) in the name; variants with more memory or network (c5n,
// m5zn, r5b, ...) are not listed, so they are not checked.
var memoryPerVCPU = map[string]int{
	"m5": 4, "m5a": 4, "m6g": 4, "m6i": 4, "m6a": 4, "m7g": 4, "m7i": 4, "m7a": 4, "m8g": 4,
	"c5": 2, "c5a": 2, "c6g": 2, "c6i": 2, "c6a": 2, "c7g": 2, "c7i": 2, "c7a": 2, "c8g": 2,
	"r5": 8, "r5a": 8, "r6g": 8, "r6i": 8, "r6a": 8, "r7g": 8, "r7i": 8, "r7a": 8, "r8g": 8,
}

// CapacityOf returns the vCPUs and memory of a known instance type of the
// families above in a size that follows the pattern (medium: 1 vCPU,
// large: 2, xlarge: 4, Nxlarge: 4N); ok is false for any other, metal
// sizes included, which the caller then does not check.
func CapacityOf(instanceType string) (Capacity, bool) {
	fam, size, ok := strings.Cut(instanceType, ".")
	if !ok {
		return Capacity{}, false
	}
	if _, known := ArchOf(instanceType); !known {
		return Capacity{}, false
	}
	switch fam {
	case "t2", "t3", "t3a", "t4g":
		c, ok := burstableCapacity[size]
		if !ok {
			return Capacity{}, false
		}
		if fam == "t2" && t2Small[size] {
			c[0] = 1
		}
		return Capacity{VCPUs: int(c[0]), MemoryMiB: int(c[1] * 1024)}, true
	}
	per, ok := memoryPerVCPU[fam]
	if !ok {
		return Capacity{}, false
	}
	var vcpus int
	switch {
	case size == "medium":
		vcpus = 1
	case size == "large":
		vcpus = 2
	case size == "xlarge":
		vcpus = 4
	case strings.HasSuffix(size, "xlarge"):
		n, err := strconv.Atoi(strings.TrimSuffix(size, "xlarge"))
		if err != nil || n < 2 {
			return Capacity{}, false
		}
		vcpus = 4 * n
	default:
		return Capacity{}, false
	}
	return Capacity{VCPUs: vcpus, MemoryMiB: vcpus * per * 1024}, true
}
