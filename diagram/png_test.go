package diagram

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGoldenSVGsRender renders every golden SVG with rsvg-convert (Debian
// librsvg2-bin, which .ci/run installs) and checks the picture is not
// blank: a real diagram colours a good share of its pixels in several
// colours. It catches SVG that parses but draws nothing, which a text
// diff of the golden file cannot.
func TestGoldenSVGsRender(t *testing.T) {
	rsvg, err := exec.LookPath("rsvg-convert")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("rsvg-convert not found; .ci/run installs librsvg2-bin")
		}
		t.Skip("rsvg-convert not found (apt-get install librsvg2-bin); skipping the PNG check")
	}
	var files []string
	for _, pattern := range []string{"../testdata/golden/*/diagram.svg", "testdata/*.svg"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d golden SVGs; run go test ./internal/cli ./diagram -update", len(files))
	}
	dir := t.TempDir()
	for i, f := range files {
		out := filepath.Join(dir, itoa(i)+".png")
		if b, err := exec.Command(rsvg, "-o", out, f).CombinedOutput(); err != nil {
			t.Errorf("%s: rsvg-convert: %v\n%s", f, err, b)
			continue
		}
		r, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Errorf("%s: decode png: %v", f, err)
			continue
		}
		b := img.Bounds()
		colours := map[uint32]bool{}
		ink := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, a := img.At(x, y).RGBA()
				if a == 0 || (r>>8 > 0xf8 && g>>8 > 0xf8 && bl>>8 > 0xf8) {
					continue
				}
				ink++
				if len(colours) < 64 {
					colours[(r>>12)<<8|(g>>12)<<4|bl>>12] = true
				}
			}
		}
		total := b.Dx() * b.Dy()
		if total == 0 || ink*100 < total*3 || len(colours) < 6 {
			t.Errorf("%s looks blank: %dx%d, %d%% non-white pixels, %d colours", f, b.Dx(), b.Dy(), ink*100/max(total, 1), len(colours))
		}
	}
}
