package pricing

import (
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

func TestPriceKindsNameEveryKind(t *testing.T) {
	for _, p := range priceKinds.Check() {
		t.Errorf("priceKinds: %s", p)
	}
}

// TestTopicHasNoMonthlyCharge: AWS lists no monthly charge for an SNS
// topic, only requests (the first million a month free) and deliveries
// (the first 1,000 email deliveries free), per
// https://aws.amazon.com/sns/pricing/. The NAT groups' scaling topic gets
// a few messages a month, so the report has no line for it, and the
// coverage table says why.
func TestTopicHasNoMonthlyCharge(t *testing.T) {
	n := &model.Network{Region: "us-east-1", Topics: []model.Topic{{Addr: "sns/scaling-events", Email: "ops@example.com"}}}
	for _, l := range Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage()).Lines {
		if l.Resource == "sns/scaling-events" {
			t.Errorf("topic priced: %+v", l)
		}
	}
	if h := priceKinds["Topics"]; h.By != "" || !strings.Contains(h.Skip, "https://aws.amazon.com/sns/pricing/") {
		t.Errorf("Topics coverage %+v, want a reason citing the SNS pricing page", h)
	}
}
