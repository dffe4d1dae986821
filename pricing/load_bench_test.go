package pricing

import "testing"

// BenchmarkLoad reads the us-east-1 table, as every moat plan does for its
// one-line cost.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("us-east-1"); err != nil {
			b.Fatal(err)
		}
	}
}
