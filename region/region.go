package region

import (
	"slices"
	"strings"
)

// Source is where the AZ ID table below was read, and when.
const Source = "AWS Regions and Availability Zones guide, 'AWS Availability Zones' (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html), read 2026-11-22"

// zoneIDs lists, per Region, the AZ IDs generally open to new accounts, in
// the order moat prefers them when a spec asks for a count of zones.
var zoneIDs = map[string][]string{
	"us-east-1":      {"use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6", "use1-az3"},
	"us-east-2":      {"use2-az1", "use2-az2", "use2-az3"},
	"us-west-1":      {"usw1-az1", "usw1-az3"},
	"us-west-2":      {"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"},
	"ca-central-1":   {"cac1-az1", "cac1-az2", "cac1-az4"},
	"eu-west-1":      {"euw1-az1", "euw1-az2", "euw1-az3"},
	"eu-west-2":      {"euw2-az1", "euw2-az2", "euw2-az3"},
	"eu-west-3":      {"euw3-az1", "euw3-az2", "euw3-az3"},
	"eu-central-1":   {"euc1-az1", "euc1-az2", "euc1-az3"},
	"eu-north-1":     {"eun1-az1", "eun1-az2", "eun1-az3"},
	"ap-south-1":     {"aps1-az1", "aps1-az2", "aps1-az3"},
	"ap-southeast-1": {"apse1-az1", "apse1-az2", "apse1-az3"},
	"ap-southeast-2": {"apse2-az1", "apse2-az2", "apse2-az3"},
	"ap-northeast-1": {"apne1-az1", "apne1-az2", "apne1-az4"},
	"ap-northeast-2": {"apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"},
	"sa-east-1":      {"sae1-az1", "sae1-az2", "sae1-az3"},
}

// Known reports whether moat knows the Region's zones.
func Known(region string) bool { _, ok := zoneIDs[region]; return ok }

// Names returns the known Regions, sorted.
func Names() []string {
	out := make([]string, 0, len(zoneIDs))
	for r := range zoneIDs {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// ZoneIDs returns the Region's AZ IDs in preference order, or nil for an
// unknown Region. The caller owns the returned slice.
func ZoneIDs(region string) []string { return slices.Clone(zoneIDs[region]) }

// HasZone reports whether id is an AZ ID of the Region.
func HasZone(region, id string) bool { return slices.Contains(zoneIDs[region], id) }

// LooksLikeZoneName reports whether s is an AZ name such as us-east-1a
// rather than an AZ ID, so a spec that uses one can get a precise hint.
func LooksLikeZoneName(s string) bool {
	for r := range zoneIDs {
		if rest, ok := strings.CutPrefix(s, r); ok && len(rest) == 1 && rest[0] >= 'a' && rest[0] <= 'z' {
			return true
		}
	}
	return false
}
