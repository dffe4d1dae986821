package ui

import (
	"encoding/json"
	"os"
	"testing"

	"go.yaml.in/yaml/v4"
)

// FuzzApplyEdits: any spec text with any edit never panics, and an edit
// that succeeds gives YAML that parses, holding the value set.
func FuzzApplyEdits(f *testing.F) {
	src, _ := os.ReadFile("../examples/webapp.yaml")
	f.Add(string(src), "network.nat", `"none"`)
	f.Add(string(src), "network.zones", `["use1-az1"]`)
	f.Add(commented, "bastion", `{"mode":"ssm"}`)
	f.Add("a: {b: 1}\n", "a.c", `2`)
	f.Add("---\na: 1\n# end\n", "a", `null`)
	f.Fuzz(func(t *testing.T, src, path, value string) {
		if !json.Valid([]byte(value)) {
			return
		}
		out, err := ApplyEdits([]byte(src), []Edit{{Path: path, Value: json.RawMessage(value)}})
		if err != nil {
			return
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(out, &doc); err != nil {
			t.Fatalf("edit %s=%s of\n%s\ngave YAML that does not parse (%v):\n%s", path, value, src, err, out)
		}
	})
}
