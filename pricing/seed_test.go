package pricing

import (
	"path/filepath"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
)

// TestHubReproducesTheSeedsList prices the hub-and-spoke design and checks
// the four charges the seed 004 lists (at 720 h: NAT gateways $65,
// firewall endpoints $568, VPC endpoints $58, Transit Gateway attachments
// $108) come out as the same counts and rates at AWS's 730-hour month,
// worked out by hand below, and that the per-GB parts the seed left out
// are priced too.
func TestHubReproducesTheSeedsList(t *testing.T) {
	n := testnet.Compile(t, filepath.Join("..", "testdata", "golden", "hub-and-spoke.yaml"))
	r := Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage())
	sum := map[string]Money{}
	for _, l := range r.Lines {
		if l.Unpriced {
			t.Errorf("%s %q is unpriced: %s", l.Resource, l.Item, l.Reason)
		}
		sum[l.PriceKey] += l.Monthly
	}
	for _, c := range []struct {
		key, why, want string
	}{
		{"nat_gateway_hour", "2 NAT gateways x 730 x 0.045 (seed: 2 x 720 x 0.045 = $64.80)", "65.70"},
		{"network_firewall_endpoint_hour", "2 endpoints x 730 x 0.395 (seed: $568.80)", "576.70"},
		{"interface_endpoint_az_hour", "4 services x 2 zones x 730 x 0.01 (seed: 8 x 720 x 0.01 = $57.60)", "58.40"},
		{"tgw_attachment_hour", "3 attachments x 730 x 0.05 (seed: $108.00)", "109.50"},
		{"nat_gateway_gb", "nat_gb 100 x 0.045", "4.50"},
		{"network_firewall_gb", "firewall_gb 10 x 0.065", "0.65"},
		{"interface_endpoint_gb", "4 endpoints x 2.5 GB x 0.01 = 0.025, each line rounded to the cent", "0.12"},
		{"tgw_gb", "tgw_gb 10 x 0.02", "0.20"},
		// AWS waives NAT gateway hours and GB one for one against the
		// firewall's: all 1,460 NAT gateway hours (2 x 730, matched by
		// 1,460 endpoint hours) and the 10 GB the firewall processed.
		{waiverKey, "-(1,460 x 0.045) - (10 x 0.045) = -65.70 - 0.45", "-66.15"},
	} {
		if got := signed(sum[c.key]); got != c.want {
			t.Errorf("%s: %s = %s, want %s", c.key, c.why, got, c.want)
		}
	}
}

// signed is m in dollars with its sign ("-66.15").
func signed(m Money) string {
	if m < 0 {
		return "-" + (-m).Dollars()
	}
	return m.Dollars()
}
