package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const commented = `# My stack. Keep this comment.
stack: shop   # the name
region: us-east-1

network:
  # the VPC
  cidr: 10.0.0.0/16
  zones: [use1-az1, use1-az2]   # two zones
  nat: instance

service:
  port: 8080

# the end
`

func edit(path, value string) Edit { return Edit{Path: path, Value: json.RawMessage(value)} }

func TestApplyEdits(t *testing.T) {
	for _, c := range []struct {
		name  string
		edits []Edit
		want  string
	}{
		{"none", nil, commented},
		{"same value", []Edit{edit("network.cidr", `"10.0.0.0/16"`)}, commented},
		{"scalar", []Edit{edit("network.nat", `"none"`)}, strings.Replace(commented, "nat: instance", "nat: none", 1)},
		{"keeps the line comment", []Edit{edit("stack", `"store"`)}, strings.Replace(commented, "stack: shop   # the name", "stack: store # the name", 1)},
		{"flow list", []Edit{edit("network.zones", `["use1-az1"]`)}, strings.Replace(commented, "zones: [use1-az1, use1-az2]   # two zones", "zones: [use1-az1] # two zones", 1)},
		{"new key in a section", []Edit{edit("network.ipv6", `true`)}, strings.Replace(commented, "  nat: instance\n", "  nat: instance\n  ipv6: true\n", 1)},
		{"new nested key", []Edit{edit("network.flow_logs.enabled", `false`)}, strings.Replace(commented, "  nat: instance\n", "  nat: instance\n  flow_logs:\n    enabled: false\n", 1)},
		{"scalar becomes a mapping", []Edit{edit("network.nat.per_zone", `false`)}, strings.Replace(commented, "  nat: instance\n", "  nat:\n    mode: instance\n    per_zone: false\n", 1)},
		{"delete", []Edit{edit("network.nat", `null`)}, strings.Replace(commented, "  nat: instance\n", "", 1)},
		{"new section", []Edit{edit("bastion", `{"mode":"ssh","allow_from":["203.0.113.7/32"]}`)},
			strings.Replace(commented, "  port: 8080\n", "  port: 8080\n\nbastion:\n  mode: ssh\n  allow_from: [203.0.113.7/32]\n", 1)},
		{"delete a section", []Edit{edit("service", `null`)}, strings.Replace(commented, "\nservice:\n  port: 8080\n", "", 1)},
		{"list of mappings", []Edit{edit("frontend.domains", `[{"name":"a.example.com"}]`)},
			strings.Replace(commented, "  port: 8080\n", "  port: 8080\n\nfrontend:\n  domains:\n    - name: a.example.com\n", 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ApplyEdits([]byte(commented), c.edits)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, string(got)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestApplyEditsRefuses(t *testing.T) {
	for _, src := range []string{"a: [\n", "- a\n- b\n"} {
		if _, err := ApplyEdits([]byte(src), []Edit{edit("a", `1`)}); err == nil {
			t.Errorf("%q: edited", src)
		}
	}
	for _, path := range []string{"a..b", "a.B", "a.b c", ""} {
		if _, err := ApplyEdits([]byte("a: 1\n"), []Edit{edit(path, `1`)}); err == nil {
			t.Errorf("path %q accepted", path)
		}
	}
	if _, err := ApplyEdits([]byte("a: [1, 2]\n"), []Edit{edit("a.b", `1`)}); err == nil {
		t.Error("an edit through a list replaced the list")
	}
}

// Renaming the stack in every example and golden spec changes that line
// and nothing else: every other byte of the user's file is kept.
func TestEditsChangeOnlyTheirLine(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.yaml")
	golden, _ := filepath.Glob("../testdata/golden/*.yaml")
	files = append(files, golden...)
	if len(files) < 10 {
		t.Fatalf("found %d specs", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "\nstack: ") {
			continue
		}
		got, err := ApplyEdits(src, []Edit{edit("stack", `"renamed"`)})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		a, b := strings.Split(string(src), "\n"), strings.Split(string(got), "\n")
		if len(a) != len(b) {
			t.Errorf("%s: %d lines became %d", f, len(a), len(b))
			continue
		}
		for i := range a {
			if a[i] != b[i] && !strings.HasPrefix(b[i], "stack: renamed") {
				t.Errorf("%s:%d: %q became %q", f, i+1, a[i], b[i])
			}
		}
	}
}

func TestNATEdits(t *testing.T) {
	prodScalar := []byte("environment: prod\nnetwork:\n  nat: instance\n")
	devScalar := []byte("environment: dev\nnetwork:\n  nat: gateway\n")
	mapping := []byte("network:\n  nat:\n    mode: instance\n    instance_type: t4g.micro\n    per_zone: true\n")
	for _, c := range []struct {
		name   string
		src    []byte
		choice string
		want   string
	}{
		{"off", prodScalar, "none", "environment: prod\nnetwork:\n  nat: none\n"},
		{"prod default per zone", prodScalar, "instance-per-zone", string(prodScalar)},
		{"prod shared", prodScalar, "instance-shared", "environment: prod\nnetwork:\n  nat:\n    mode: instance\n    per_zone: false\n"},
		{"dev shared", devScalar, "instance-shared", "environment: dev\nnetwork:\n  nat: instance\n"},
		{"regional", devScalar, "regional-gateway", "environment: dev\nnetwork:\n  nat: regional-gateway\n"},
		{"mapping keeps its type", mapping, "instance-shared", "network:\n  nat:\n    mode: instance\n    instance_type: t4g.micro\n    per_zone: false\n"},
		{"mapping to a gateway", mapping, "gateway", "network:\n  nat:\n    mode: gateway\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, _ := json.Marshal(c.choice)
			got, err := ApplyEdits(c.src, expandEdits(c.src, []Edit{{Path: "ui.nat", Value: q}}))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, string(got)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestPathAt(t *testing.T) {
	for _, c := range []struct {
		line, col int
		want      string
	}{
		{2, 8, "stack"},
		{7, 9, "network.cidr"},
		{8, 11, "network.zones"},
		{12, 9, "service.port"},
		{1, 1, ""},
		{0, 0, ""},
	} {
		if got := PathAt([]byte(commented), c.line, c.col); got != c.want {
			t.Errorf("%d:%d: %q, want %q", c.line, c.col, got, c.want)
		}
	}
}
