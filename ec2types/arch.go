package ec2types

import (
	"sort"
	"strings"

	"github.com/moatnet/moat/internal/editdist"
	"github.com/moatnet/moat/model"
)

// family is one instance family: its processor architecture and the sizes
// it comes in.
type family struct {
	arch  model.Architecture
	sizes []string
}

// Sizes shared by several families, from the EC2 instance types pages
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html,
// mo.html and the "Amazon EC2 instance types" tables they link).
var (
	burstableSizes = []string{"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"}
	graviton2Sizes = []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "metal"}
	graviton4Sizes = []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal-24xl", "metal-48xl"}
	intel5Sizes    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "metal"}
	intel6Sizes    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "metal"}
	amd6Sizes      = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal"}
	intel7Sizes    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal-24xl", "metal-48xl"}
	amd7Sizes      = []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal-48xl"}
	c5Sizes        = []string{"large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge", "metal"}
	c5nSizes       = []string{"large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge", "metal"}
)

// families are the general-purpose, compute- and memory-optimized families
// moat knows. Graviton (AWS's Arm processor) families carry a g after the
// generation: t4g, m7g, c6gn, r8g; a1 is the first Graviton.
var families = map[string]family{
	"t2":   {model.X86, burstableSizes},
	"t3":   {model.X86, burstableSizes},
	"t3a":  {model.X86, burstableSizes},
	"t4g":  {model.ARM64, burstableSizes},
	"a1":   {model.ARM64, []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "metal"}},
	"m5":   {model.X86, intel5Sizes},
	"m5a":  {model.X86, []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"}},
	"m6i":  {model.X86, intel6Sizes},
	"m6a":  {model.X86, amd6Sizes},
	"m7i":  {model.X86, intel7Sizes},
	"m7a":  {model.X86, amd7Sizes},
	"m6g":  {model.ARM64, graviton2Sizes},
	"m6gd": {model.ARM64, graviton2Sizes},
	"m7g":  {model.ARM64, graviton2Sizes},
	"m7gd": {model.ARM64, graviton2Sizes},
	"m8g":  {model.ARM64, graviton4Sizes},
	"c5":   {model.X86, c5Sizes},
	"c5n":  {model.X86, c5nSizes},
	"c6i":  {model.X86, intel6Sizes},
	"c6a":  {model.X86, amd6Sizes},
	"c7i":  {model.X86, intel7Sizes},
	"c7a":  {model.X86, amd7Sizes},
	"c6g":  {model.ARM64, graviton2Sizes},
	"c6gd": {model.ARM64, graviton2Sizes},
	"c6gn": {model.ARM64, graviton2Sizes[:len(graviton2Sizes)-1]}, // no metal
	"c7g":  {model.ARM64, graviton2Sizes},
	"c7gd": {model.ARM64, graviton2Sizes},
	"c7gn": {model.ARM64, graviton2Sizes},
	"c8g":  {model.ARM64, graviton4Sizes},
	"r5":   {model.X86, intel5Sizes},
	"r6i":  {model.X86, intel6Sizes},
	"r6a":  {model.X86, amd6Sizes},
	"r7i":  {model.X86, intel7Sizes},
	"r7a":  {model.X86, amd7Sizes},
	"r6g":  {model.ARM64, graviton2Sizes},
	"r6gd": {model.ARM64, graviton2Sizes},
	"r7g":  {model.ARM64, graviton2Sizes},
	"r7gd": {model.ARM64, graviton2Sizes},
	"r8g":  {model.ARM64, graviton4Sizes},
}

// ArchOf returns the processor architecture of an instance type such as
// "t3.nano" (x86_64) or "c6gn.large" (arm64), and false for a type moat
// does not know.
func ArchOf(instanceType string) (model.Architecture, bool) {
	fam, size, ok := strings.Cut(instanceType, ".")
	if !ok {
		return "", false
	}
	f, ok := families[fam]
	if !ok {
		return "", false
	}
	for _, s := range f.sizes {
		if s == size {
			return f.arch, true
		}
	}
	return "", false
}

// Types lists every instance type ArchOf knows, sorted.
func Types() []string {
	var out []string
	for name, f := range families {
		for _, s := range f.sizes {
			out = append(out, name+"."+s)
		}
	}
	sort.Strings(out)
	return out
}

// Nearest returns up to n known instance types closest to an unknown one:
// the family's own sizes nearest by name when the family is known
// ("t4g.huge" → t4g.large, t4g.xlarge...), else the same size in the
// nearest families ("t5.nano" → t3.nano, t4g.nano...), else the nearest
// types by edit distance. Ties keep sorted order.
func Nearest(instanceType string, n int) []string {
	fam, size, _ := strings.Cut(instanceType, ".")
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	if f, ok := families[fam]; ok {
		for _, s := range f.sizes {
			cands = append(cands, cand{fam + "." + s, editdist.Distance(size, s)})
		}
	} else {
		for _, t := range Types() {
			f, s, _ := strings.Cut(t, ".")
			d := editdist.Distance(fam, f)*2 + editdist.Distance(size, s)*3
			cands = append(cands, cand{t, d})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for _, c := range cands {
		if len(out) == n {
			break
		}
		out = append(out, c.name)
	}
	return out
}
