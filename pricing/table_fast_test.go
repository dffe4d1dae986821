package pricing

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v4"
)

// TestFastTableReaderMatchesLibrary: every price file moat ships, and one
// moat prices refresh rewrote, is read by the fast reader, to exactly what
// the YAML library reads.
func TestFastTableReaderMatchesLibrary(t *testing.T) {
	files, err := filepath.Glob("data/*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("price files: %v %v", files, err)
	}
	srcs := map[string][]byte{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = src
	}
	offer := readOfferFile(t, "testdata/offer-bulk-synthetic.json")
	if _, out, ds := Refresh("us-east-1.yaml", srcs["data/us-east-1.yaml"], []*Offer{offer}, "2026-12-03"); !ds.HasErrors() {
		srcs["refreshed us-east-1"] = out
	} else {
		t.Fatal(err)
	}
	for name, src := range srcs {
		fast, ok := readTableFast(src)
		if !ok {
			t.Errorf("%s: the fast reader gave up", name)
			continue
		}
		var lib rawTable
		if err := yaml.Unmarshal(src, &lib); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(lib, fast); diff != "" {
			t.Errorf("%s: fast reader differs (-library +fast):\n%s", name, diff)
		}
	}
}

// FuzzFastTableReader: whatever the fast reader accepts, the library reads
// the same way.
func FuzzFastTableReader(f *testing.F) {
	f.Add([]byte("region: x\nprices:\n  a:\n    price: \"1\"\n    unit: hour\n    note: 'it''s # not: a comment'\n    source: https://e.com/a:b\n"))
	f.Add([]byte("region: x\nprices:\n  a:\n    free: true\n    read: \"2026-01-01\"\n  b/c.d:\n    unpriced: not known\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fast, ok := readTableFast(src)
		if !ok {
			return
		}
		var lib rawTable
		if err := yaml.Unmarshal(src, &lib); err != nil {
			t.Fatalf("fast reader accepted what the library rejects: %v", err)
		}
		if diff := cmp.Diff(lib, fast); diff != "" {
			t.Errorf("differs (-library +fast):\n%s", diff)
		}
	})
}
