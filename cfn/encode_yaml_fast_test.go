package cfn

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// yamlStrings are strings that take every path of the writer: plain,
// single- and double-quoted, literal blocks, and ones it leaves alone.
var yamlStrings = []string{
	"", "a", "AWS::NoValue", "AWS::Region", "aws:SecureTransport", "true", "false", "yes", "No", "~", "null",
	"5", "-1", "1.5", ".5", "1e3", "0x1F", "2012-10-17", "10.0.0.0/16", "0.0.0.0/0", "*", "*.example.com",
	"a: b", "a:b", "a #b", "a#b", "#a", "- a", "-a", "-", "?a", "? a", ":a", ": a", "a,b", "[a]", "a[0]", "{a}",
	"&a", "!a", "|a", ">a", "'a'", "it's", `say "hi"`, `back\slash`, "%a", "@a", "`a`", " a", "a ", "a  b",
	"---", "--a", "...", "arn:${AWS::Partition}:s3:::${Bucket}/*", "${AWS::StackName}-logs", "a\tb", "é",
	"line one\nline two\n", "line one\nline two", "one\n\nthree\n", "  indented\nx\n", "trail \nx\n",
	"x\n\n", "\nx\n", "#!/bin/bash\nset -eu\n  echo \"$X\" # comment\n", "a: b\n- c\n",
	"moat webapp: the database's isolated subnets", strings.Repeat("k", 129),
}

func randomValue(r *rand.Rand, depth int) Value {
	str := func() String { return String(yamlStrings[r.IntN(len(yamlStrings))]) }
	if depth <= 0 {
		switch r.IntN(4) {
		case 0:
			return Int(r.IntN(70000) - 5)
		case 1:
			return Bool(r.IntN(2) == 0)
		}
		return str()
	}
	switch r.IntN(9) {
	case 0:
		var m Map
		for range r.IntN(4) {
			m = append(m, Field{string(str()), randomValue(r, depth-1)})
		}
		return m
	case 1:
		var l List
		for range r.IntN(6) {
			l = append(l, randomValue(r, depth-1))
		}
		return l
	case 2:
		return Ref{Name: string(str())}
	case 3:
		return GetAtt{Resource: "Res", Attribute: string(str())}
	case 4:
		s := Sub{Template: string(str())}
		if r.IntN(2) == 0 {
			s.Vars = Map{{"V", randomValue(r, depth-1)}}
		}
		return s
	case 5:
		names := []string{"Fn::Select", "Fn::Join", "Fn::If", "Fn::Base64", "Fn::GetAZs", "Fn::Not"}
		return Fn{Name: names[r.IntN(len(names))], Arg: randomValue(r, depth-1)}
	}
	return randomValue(r, 0)
}

// TestFastYAMLMatchesLibrary: wherever writeYAML takes a document, it
// writes exactly what the yaml library writes for yamlNode's tree.
func TestFastYAMLMatchesLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fast := 0
	const n = 20000
	for i := range n {
		doc := Map{{"Resources", randomValue(r, 1+i%5)}}
		if _, err := yamlNode(doc); err != nil {
			continue
		}
		got, ok := writeYAML(doc)
		if !ok {
			continue
		}
		fast++
		want, err := libraryYAML(doc)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("document %d:\nfast:\n%s\nlibrary:\n%s", i, got, want)
		}
	}
	if fast < n/2 {
		t.Errorf("the fast path took %d of %d documents", fast, n)
	}
	t.Logf("the fast path took %d of %d documents, all as the library writes them", fast, n)
}

// TestTemplatesTakeTheFastPath: moat's own templates never need the
// library (plan's speed rests on it).
func TestTemplatesTakeTheFastPath(t *testing.T) {
	for _, nat := range []string{natInstancePerZone, natRegional} {
		doc, err := emit(t, testNetwork(nat, true)).tree()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := writeYAML(doc); !ok {
			t.Errorf("the %s template fell back to the yaml library", nat)
		}
	}
}

// TestCompactJSONIsCompactedJSON: CompactJSON is JSON with the whitespace
// outside strings removed, as encoding/json's Compact would.
func TestCompactJSONIsCompactedJSON(t *testing.T) {
	tpl := emit(t, testNetwork(natInstancePerZone, true))
	pretty, err := tpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	compact, err := tpl.CompactJSON()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, pretty); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(compact, want.Bytes()) {
		t.Errorf("CompactJSON differs from compacted JSON (%d bytes, want %d)", len(compact), want.Len())
	}
}

// TestCompactJSONSizeCounts: the size plan reports is the length of the
// compact body, for ASCII and for text encoding/json escapes.
func TestCompactJSONSizeCounts(t *testing.T) {
	tagged := New("Équipe \"web\" <prod>\n")
	_ = tagged.Add(Resource{LogicalID: "Bucket", Type: "AWS::S3::Bucket", Properties: Map{{"Tags", List{Map{{"Key", String("coût")}, {"Value", Sub{Template: "${AWS::StackName}\t→"}}}}}}})
	for _, tpl := range []*Template{emit(t, testNetwork(natInstancePerZone, true)), tagged} {
		compact, err := tpl.CompactJSON()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := tpl.compactJSONSize(); err != nil || n != len(compact) {
			t.Errorf("compactJSONSize = %d, %v; the body is %d bytes", n, err, len(compact))
		}
	}
}

// TestNeedsQuoteKeepsItsRules: the regexp-free checks say what the
// YAML 1.1 word and number patterns say.
func TestNeedsQuoteKeepsItsRules(t *testing.T) {
	words := regexp.MustCompile(`^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL)$`)
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789+-._:,eExXoObBaf TtinINyYsS~"
	cases := slices.Clone(yamlStrings)
	for range 20000 {
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if want := s == "" || words.MatchString(s) || numberLike.MatchString(s); needsQuote(s) != want {
			t.Errorf("needsQuote(%q) = %t, want %t", s, !want, want)
		}
	}
}
