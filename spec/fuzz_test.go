package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that every
// diagnostic can be shown: it names the file and, for a non-empty input,
// a line and column.
func FuzzParse(f *testing.F) {
	for _, tc := range diagCases {
		f.Add([]byte(tc.src))
	}
	files, _ := filepath.Glob("../examples/*.yaml")
	// The golden cases cover the front-end keys: cdn, waf, hosted_zone,
	// api, shared certificates, service sizing, efs, database sizing.
	golden, _ := filepath.Glob("../testdata/golden/*.yaml")
	files = append(files, golden...)
	files = append(files, "testdata/full.yaml")
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		st, ds := Parse("f.yaml", src)
		if st == nil {
			t.Fatal("Parse returned a nil Stack")
		}
		for _, d := range ds {
			if d.Range.File != "f.yaml" {
				t.Errorf("diagnostic without file: %+v", d)
			}
			if len(src) > 0 && (d.Range.Start.Line < 1 || d.Range.Start.Column < 1) {
				t.Errorf("diagnostic without position: %+v", d)
			}
			if d.Summary == "" {
				t.Errorf("diagnostic without summary: %+v", d)
			}
		}
		if !ds.HasErrors() && (st.Name == "" || st.Region == "" || st.Network.Zones.Count < 1) {
			t.Errorf("no errors, but the stack is incomplete: %+v", st)
		}
	})
}
