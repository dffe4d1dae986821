package pricing

import (
	"path/filepath"
	"strings"
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
		{"network_firewall_gb", "firewall_gb follows nat_gb here: 100 x 0.065", "6.50"},
		{"interface_endpoint_gb", "4 endpoints x 2.5 GB x 0.01 = 0.025, each line rounded to the cent", "0.12"},
		{"tgw_gb", "tgw_gb is at least nat_gb here: 100 x 0.02", "2.00"},
		// AWS waives NAT gateway hours and GB one for one against the
		// firewall's: all 1,460 NAT gateway hours (2 x 730, matched by
		// 1,460 endpoint hours) and all 100 GB, which the firewall
		// processed too.
		{waiverKey, "-(1,460 x 0.045) - (100 x 0.045) = -65.70 - 4.50", "-70.20"},
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

// TestCentralEgressUsage: in the hub every GB through NAT also crosses the
// firewall and the Transit Gateway, so their per-GB figures follow nat_gb
// unless a usage file sets them; a single-VPC stack keeps the defaults.
func TestCentralEgressUsage(t *testing.T) {
	hub := testnet.Compile(t, filepath.Join("..", "testdata", "golden", "hub-and-spoke.yaml"))
	webapp := testnet.Compile(t, filepath.Join("..", "examples", "webapp.yaml"))
	big := DefaultUsage()
	big.NATGB = Units(500)
	set := big
	set.FirewallGB = Units(30) // a usage file's figure wins
	for _, c := range []struct {
		name          string
		u             Usage
		fw, tgw       string
		fwWhy, tgwWhy bool
	}{
		{"defaults: both follow nat_gb", DefaultUsage(), "100", "100", true, true},
		{"nat_gb 500", big, "500", "500", true, true},
		{"firewall_gb set to 30", set, "30", "500", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			u, why := centralEgressUsage(hub, c.u)
			if u.FirewallGB.String() != c.fw || u.TGWGB.String() != c.tgw {
				t.Errorf("firewall_gb %s, tgw_gb %s; want %s, %s", u.FirewallGB, u.TGWGB, c.fw, c.tgw)
			}
			if _, ok := why["firewall_gb"]; ok != c.fwWhy {
				t.Errorf("firewall_gb derived: %v, want %v", ok, c.fwWhy)
			}
			if _, ok := why["tgw_gb"]; ok != c.tgwWhy {
				t.Errorf("tgw_gb derived: %v, want %v", ok, c.tgwWhy)
			}
		})
	}
	if u, why := centralEgressUsage(webapp, DefaultUsage()); u != DefaultUsage() || len(why) != 0 {
		t.Errorf("webapp: usage changed to %+v (%v)", u, why)
	}
	for _, a := range Estimate(hub, mustLoad(t, "us-east-1"), DefaultUsage()).Assumptions {
		if a.Key == "firewall_gb" && (!a.Default || !strings.Contains(a.Meaning, "follows nat_gb")) {
			t.Errorf("firewall_gb assumption: %+v", a)
		}
	}
}
