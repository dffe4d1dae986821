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

// TestKeyBilledInEachAccount: a key whose log groups live in two accounts
// is created by both accounts' templates (cfn's splitter copies it into
// each part that uses it), and AWS bills a month per key
// (https://aws.amazon.com/kms/pricing/), so it is priced twice. It used
// to be priced once.
func TestKeyBilledInEachAccount(t *testing.T) {
	n := &model.Network{Region: "us-east-1",
		VPCs:      []model.VPC{{Addr: "vpc/a", Account: "111111111111"}, {Addr: "vpc/b", Account: "222222222222"}},
		Keys:      []model.Key{{Addr: "logs/key", Use: model.KeyForLogs}},
		LogGroups: []model.LogGroup{{Addr: "fw/logs", VPC: "vpc/a", Key: "logs/key"}, {Addr: "svc/logs", VPC: "vpc/b", Key: "logs/key"}},
	}
	var got []string
	for _, l := range Estimate(n, mustLoad(t, "us-east-1"), DefaultUsage()).Lines {
		if l.PriceKey == "kms_key_month" {
			got = append(got, l.Quantity.String()+" "+l.Monthly.String())
		}
	}
	if len(got) != 1 || got[0] != "2 $2.00" {
		t.Errorf("key lines %v, want one line of 2 key-months, $2.00", got)
	}
}
