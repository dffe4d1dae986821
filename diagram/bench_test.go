package diagram

import "testing"

// BenchmarkSVGWebapp: laying out and writing the bundled example.
func BenchmarkSVGWebapp(b *testing.B) {
	n := specNetworks(b)["webapp"]
	b.ResetTimer()
	for b.Loop() {
		if _, err := Render(n, SVG, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
