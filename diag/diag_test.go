package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestRenderQuotesLineWithCaretAndHint(t *testing.T) {
	src := Sources{"stack.yaml": []byte("stack: a\nnetwork:\n  cidr: 10.0.0.0/33\n")}
	var l List
	l.Errorf(Range{File: "stack.yaml", Start: Pos{3, 9}, End: Pos{3, 20}}, "use a prefix length from 16 to 28", "network.cidr %q is not a valid CIDR", "10.0.0.0/33")
	l.Warnf(Range{File: "stack.yaml", Start: Pos{1, 1}}, "", "one zone has no redundancy")
	var b bytes.Buffer
	if err := Render(&b, l, src); err != nil {
		t.Fatal(err)
	}
	want := `stack.yaml:1:1: warning: one zone has no redundancy
    1 | stack: a
      | ^
stack.yaml:3:9: error: network.cidr "10.0.0.0/33" is not a valid CIDR
    3 |   cidr: 10.0.0.0/33
      |         ^^^^^^^^^^^
      = hint: use a prefix length from 16 to 28
1 error, 1 warning
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Render (-want +got):\n%s", diff)
	}
}

func TestRenderSurvivesBadPositions(t *testing.T) {
	src := Sources{"f": []byte("a\tb")}
	var l List
	for _, p := range []Pos{{0, 0}, {1, 0}, {1, 99}, {7, 3}, {-1, -1}} {
		l.Errorf(Range{File: "f", Start: p, End: Pos{1, 200}}, "", "x")
	}
	l.Errorf(Range{}, "", "no file")
	var b bytes.Buffer
	if err := Render(&b, l, src); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("<input>: error: no file")) {
		t.Errorf("missing fileless diagnostic:\n%s", b.String())
	}
}

func TestSortedIsDeterministicAndDeduplicated(t *testing.T) {
	a := Diagnostic{Summary: "a", Range: Range{File: "f", Start: Pos{2, 1}}}
	b := Diagnostic{Summary: "b", Range: Range{File: "f", Start: Pos{1, 5}}}
	got := List{a, b, a}.Sorted()
	if diff := cmp.Diff(List{b, a}, got); diff != "" {
		t.Errorf("Sorted (-want +got):\n%s", diff)
	}
}

func TestRenderJSON(t *testing.T) {
	var l List
	l.Errorf(Range{File: "f", Start: Pos{1, 2}}, "h", "bad")
	var b bytes.Buffer
	if err := RenderJSON(&b, l); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Diagnostics []struct {
			Severity, Summary, Hint string
			Range                   Range
		}
		Errors, Warnings int
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Errors != 1 || doc.Diagnostics[0].Severity != "error" || doc.Diagnostics[0].Range.Start.Column != 2 {
		t.Errorf("unexpected JSON: %s", b.String())
	}
	b.Reset()
	if err := RenderJSON(&b, nil); err != nil || !bytes.Contains(b.Bytes(), []byte(`"diagnostics": []`)) {
		t.Errorf("empty list should print an empty array, got %s (%v)", b.String(), err)
	}
}

// A 50 MB one-line file once produced 200 MB of diagnostics: the quoted
// line is a window around the column, and what the user's file holds is
// never echoed as control bytes.
func TestRenderBoundsLongLinesAndControlBytes(t *testing.T) {
	long := bytes.Repeat([]byte("a"), 1<<20)
	line := append(append([]byte("key: "), long...), []byte(": \x1b[31mred\x00\xff tail")...)
	src := Sources{"big.yaml": line}
	var l List
	col := 5 + 1<<20 + 3
	l.Errorf(Range{File: "big.yaml", Start: Pos{1, col}, End: Pos{1, col + 30}}, "hint \x07 bell", "bad value %s", "\x1b]0;title\x07"+string(long))
	var b bytes.Buffer
	if err := Render(&b, l, src); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) > 2000 {
		t.Fatalf("rendered %d bytes for one diagnostic, want a bounded excerpt", len(out))
	}
	for _, c := range []byte{0x1b, 0x00, 0x07, 0xff} {
		if bytes.IndexByte(b.Bytes(), c) >= 0 {
			t.Errorf("output holds control or invalid byte %#x:\n%q", c, out)
		}
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 3 {
		t.Fatalf("want an excerpt and a caret:\n%s", out)
	}
	// The caret sits under the column: "…" then the window.
	text, caret := lines[1], lines[2]
	i := strings.Index(caret, "^")
	if i < 0 || []rune(text)[utf8.RuneCountInString(caret[:i])] != '\uFFFD' {
		t.Errorf("caret is not under the column:\n%s\n%s", text, caret)
	}
}

func TestJSONDuplicateKeys(t *testing.T) {
	src := []byte(`{"Subnets": [
  {"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24",
   "CidrBlock": "10.9.0.0/24", "Tags": [{"Key": "a"}, {"Key": "b"}]}
 ],
 "Nested": {"Subnets": 1},
 "Subnets": []
}`)
	got := JSONDuplicateKeys("f.json", src, "h")
	var where []string
	for _, d := range got {
		where = append(where, d.Range.String()+" "+d.Summary)
	}
	want := []string{
		`f.json:3:4 key "CidrBlock" appears twice in one object; only the last would be read`,
		`f.json:6:2 key "Subnets" appears twice in one object; only the last would be read`,
	}
	if diff := cmp.Diff(want, where); diff != "" {
		t.Errorf("JSONDuplicateKeys (-want +got):\n%s", diff)
	}
}

func TestListIsAnError(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Error("an empty list is an error")
	}
	l.Warnf(Range{File: "a.yaml", Start: Pos{Line: 2, Column: 3}}, "", "only advice")
	if l.Err() != nil {
		t.Error("a list of warnings is an error")
	}
	l.Errorf(Range{File: "a.yaml", Start: Pos{Line: 4, Column: 1}}, "a hint", "bad %s", "thing")
	var err error = l
	if got, want := err.Error(), "a.yaml:2:3: warning: only advice\na.yaml:4:1: error: bad thing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if l.Err() == nil {
		t.Error("a list with an error is no error")
	}
	var back List
	if !errors.As(l.Err(), &back) || len(back) != 2 {
		t.Errorf("errors.As gives %v", back)
	}
}
