package region

import "testing"

func TestZoneIDsBelongToTheirRegion(t *testing.T) {
	for _, r := range Names() {
		ids := ZoneIDs(r)
		if len(ids) < 2 {
			t.Errorf("%s: only %d zones", r, len(ids))
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("%s: duplicate %s", r, id)
			}
			seen[id] = true
			if !HasZone(r, id) {
				t.Errorf("HasZone(%s, %s) = false", r, id)
			}
		}
	}
	if Known("mars-north-1") || ZoneIDs("mars-north-1") != nil {
		t.Error("unknown region reported as known")
	}
}

func TestLooksLikeZoneName(t *testing.T) {
	for s, want := range map[string]bool{
		"us-east-1a": true, "eu-west-1c": true, "use1-az1": false, "us-east-1": false, "us-east-1ab": false,
	} {
		if got := LooksLikeZoneName(s); got != want {
			t.Errorf("LooksLikeZoneName(%q) = %v, want %v", s, got, want)
		}
	}
}
