package cfnimport

import (
	"regexp"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/region"
)

// moatDescription is the Description moat's own templates carry:
// "moat: secure network for stack NAME (ENV, REGION). ..."
var moatDescription = regexp.MustCompile(`^moat: secure network for stack ([a-z][a-z0-9-]*)(?: \(([^)]*)\))?`)

// nameAndRegion fills in what a template says about itself without a
// property for it: a template names no Region, but its subnets' AZ IDs
// (use1-az1) or AZ names (us-east-1a) do, and moat's own Description names
// the stack, its environment and its Region. Without these an imported
// template priced at $0.00 "in no region".
func (t *tmpl) nameAndRegion(root *node) {
	n := t.n
	desc, _ := scalar(root.get("Description"))
	if m := moatDescription.FindStringSubmatch(desc); m != nil {
		n.Name = m[1]
		for _, part := range strings.Split(m[2], ", ") {
			switch {
			case part == string(model.Dev) || part == string(model.Prod):
				n.Environment = model.Environment(part)
			case region.Known(part) && n.Region == "":
				n.Region = part
			}
		}
	}
	if r := regionOfZones(n.Subnets); r != "" {
		// The zones are where the subnets are: they win over a
		// Description someone may have copied.
		n.Region = r
	}
	for i := range n.VPCs {
		if n.VPCs[i].Region == "" {
			n.VPCs[i].Region = n.Region
		}
	}
}

// regionOfZones is the one Region every subnet's zone belongs to, or ""
// when the zones are unknown, symbolic or in several Regions.
func regionOfZones(subnets []model.Subnet) string {
	found := ""
	for _, s := range subnets {
		r := regionOfZone(s.ZoneID)
		if r == "" || (found != "" && r != found) {
			return ""
		}
		found = r
	}
	return found
}

// regionOfZone maps an AZ ID (use1-az3) or an AZ name (us-east-1a) to its
// Region, by the Regions moat knows.
func regionOfZone(z string) string {
	if z == "" {
		return ""
	}
	for _, r := range region.Names() {
		if rest, ok := strings.CutPrefix(z, r); ok && len(rest) == 1 && rest[0] >= 'a' && rest[0] <= 'z' {
			return r
		}
		ids := region.ZoneIDs(r)
		if slices.Contains(ids, z) {
			return r
		}
		// An AZ ID moat does not list (a zone closed to new accounts)
		// still carries its Region's code before "-az".
		if code, _, ok := strings.Cut(z, "-az"); ok && len(ids) > 0 && strings.HasPrefix(ids[0], code+"-az") {
			return r
		}
	}
	return ""
}
