package cfn

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v4"
)

// parseYAML reads a template back with yaml.v4 and expands short-form tags
// into the long form, so it can be compared with the JSON encoding.
func parseYAML(t *testing.T, b []byte) any {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("YAML does not parse: %v\n%s", err, b)
	}
	return fromNode(t, doc.Content[0])
}

func fromNode(t *testing.T, n *yaml.Node) any {
	t.Helper()
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i < len(n.Content); i += 2 {
			m[n.Content[i].Value] = fromNode(t, n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, fromNode(t, c))
		}
		v = l
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				t.Fatal(err)
			}
			v = f
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				t.Fatal(err)
			}
			v = b
		default:
			v = n.Value
		}
	}
	switch {
	case n.Tag == "!Ref":
		return map[string]any{"Ref": v}
	case n.Tag == "!GetAtt":
		res, attr, _ := strings.Cut(v.(string), ".")
		return map[string]any{"Fn::GetAtt": []any{res, attr}}
	case strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		return map[string]any{"Fn::" + n.Tag[1:]: v}
	}
	return v
}

func quotingTemplate() *Template {
	t := New("quoting: edge cases # not a comment")
	odd := []string{"yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "", "443", "-1", "0.5", "1e3",
		"0x1F", "0o17", "017", "12:30", "2012-10-17", ".inf", "*star", "&anchor", "!bang", "%pct", "@at", "`tick",
		"a: b", "a #b", "- dash", "[x]", "{y}", "'single'", "\"double\"", " lead", "trail ", "0.0.0.0/0", "::/0",
		"10.0.0.0/16", "arn:aws:iam::aws:policy/X", "tab\there", "ünïcode", "line1\nline2\n", "no newline\nat end", "#!/bin/bash\necho ${AWS::Region}\n"}
	var m Map
	for i, s := range odd {
		m = append(m, Field{Key: "K" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Value: String(s)})
	}
	m = append(m,
		Field{"Zero", Int(0)}, Field{"Neg", Int(-1)}, Field{"T", Bool(true)}, Field{"F", Bool(false)},
		Field{"Empty", List{}}, Field{"EmptyMap", Map{}},
		Field{"RefYes", Ref{"yes"}},
		Field{"Att", GetAtt{"Vpc", "Ipv6CidrBlocks"}},
		Field{"SubVars", Sub{"${A}-${!Literal}", Map{{"A", Ref{"AWS::Region"}}}}},
		Field{"B64Sub", Base64(Sub{Template: "#!/bin/bash\necho hi\n"})},
		Field{"Sel", Select(1, GetAZs(""))},
		Field{"Cidr", Select(0, Cidr(Select(0, GetAtt{"Vpc", "Ipv6CidrBlocks"}), 256, 64))},
		Field{"Join", Join(",", Ref{"A"}, String("443"))},
		Field{"If", If("IsProd", String("yes"), Ref{NoValue})},
		Field{"Import", ImportValue(Sub{Template: "${AWS::StackName}-X"})},
		Field{"Split", Split(",", String("a,b"))},
	)
	t.Metadata = m
	t.Parameters = []Parameter{{Name: "Env", Type: "String", Default: String("on"), AllowedValues: []string{"on", "off"}}}
	t.Conditions = []Condition{{Name: "IsProd", Value: Equals(Ref{"Env"}, String("on"))}}
	_ = t.Add(Resource{LogicalID: "Thing", Type: "AWS::CloudFormation::WaitConditionHandle"})
	return t
}

func TestYAMLQuotingRoundTrips(t *testing.T) {
	tpl := quotingTemplate()
	y, err := tpl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	j, err := tpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON any
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, j)
	}
	if d := cmp.Diff(fromJSON, parseYAML(t, y)); d != "" {
		t.Errorf("YAML round trip differs (-json +yaml):\n%s\n%s", d, y)
	}
	text := string(y)
	for _, want := range []string{
		`Ka: "yes"`, `Kl: "443"`, `"2012-10-17"`, "!GetAtt Vpc.Ipv6CidrBlocks", "!Select [1, !GetAZs \"\"]",
		"!Select [0, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 256, 64]]",
		"Fn::Base64: !Sub |\n", "Fn::ImportValue: !Sub", "Zero: 0", "T: true",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("YAML lacks %q:\n%s", want, text)
		}
	}
	// YAML 1.1 readers (CloudFormation among them) must not see booleans.
	for _, bad := range []string{": yes\n", ": on\n", ": 443\n"} {
		if strings.Contains(text, bad) {
			t.Errorf("YAML has unquoted %q", bad)
		}
	}
}

func TestJSONLongForm(t *testing.T) {
	tpl := New("d")
	_ = tpl.AddResource("Vpc", VPC{CidrBlock: String("10.0.0.0/16"), EnableDnsSupport: Bool(true)})
	_ = tpl.AddOutput(Output{Name: "Out", Value: Sub{"${Vpc}<&>", nil}, ExportName: Sub{Template: "${AWS::StackName}-Out"}})
	_ = tpl.AddOutput(Output{Name: "Att", Value: GetAtt{"Vpc", "CidrBlock"}})
	got, err := tpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "d",
  "Resources": {
    "Vpc": {
      "Type": "AWS::EC2::VPC",
      "Properties": {
        "CidrBlock": "10.0.0.0/16",
        "EnableDnsSupport": true
      }
    }
  },
  "Outputs": {
    "Out": {
      "Value": {
        "Fn::Sub": "${Vpc}<&>"
      },
      "Export": {
        "Name": {
          "Fn::Sub": "${AWS::StackName}-Out"
        }
      }
    },
    "Att": {
      "Value": {
        "Fn::GetAtt": [
          "Vpc",
          "CidrBlock"
        ]
      }
    }
  }
}
`
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("JSON (-want +got):\n%s", d)
	}
}

func TestEncodeErrors(t *testing.T) {
	if _, err := New("empty").YAML(); err == nil {
		t.Error("template without resources encoded")
	}
	tpl := New("d")
	if err := tpl.Add(Resource{LogicalID: "Bad-Id", Type: "X"}); err == nil {
		t.Error("non-alphanumeric logical ID accepted")
	}
	_ = tpl.Add(Resource{LogicalID: "A", Type: "X"})
	if err := tpl.Add(Resource{LogicalID: "A", Type: "Y"}); err == nil {
		t.Error("duplicate logical ID accepted")
	}
	type bad struct{ Count int }
	if _, err := Props(bad{1}); err == nil {
		t.Error("plain int property accepted")
	}
}

func TestResourcesStaySorted(t *testing.T) {
	tpl := New("d")
	for _, id := range []string{"Zeta", "Alpha", "Mid"} {
		_ = tpl.Add(Resource{LogicalID: id, Type: "X"})
	}
	var got []string
	for _, r := range tpl.Resources {
		got = append(got, r.LogicalID)
	}
	if d := cmp.Diff([]string{"Alpha", "Mid", "Zeta"}, got); d != "" {
		t.Error(d)
	}
}
