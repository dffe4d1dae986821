package pricing

import "testing"

func TestPriceKindsNameEveryKind(t *testing.T) {
	for _, p := range priceKinds.Check() {
		t.Errorf("priceKinds: %s", p)
	}
}
