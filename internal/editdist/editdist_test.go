package editdist

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"t3.nano", "t3.nano", 0}, {"t3.nanoo", "t3.nano", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"natt", "nat", 1}, {"zone", "zones", 1}, {"netwrok", "network", 2}, {"flow-logs", "flow_logs", 1}} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
