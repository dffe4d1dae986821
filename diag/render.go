package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sources maps a file name to its contents, so Render can quote the line a
// diagnostic points at.
type Sources map[string][]byte

// Render writes each diagnostic as
//
//	file:line:col: error: summary
//	   12 |   cidr: 10.0.0.0/33
//	      |         ^^^^^^^^^^^
//	      = hint: ...
//
// followed by a one-line count. Diagnostics are sorted first.
func Render(w io.Writer, l List, src Sources) error {
	var b strings.Builder
	for _, d := range l.Sorted() {
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Range, d.Severity, d.Summary)
		if line, ok := sourceLine(src[d.Range.File], d.Range.Start.Line); ok {
			writeExcerpt(&b, line, d.Range)
		}
		if d.Hint != "" {
			fmt.Fprintf(&b, "      = hint: %s\n", d.Hint)
		}
	}
	if e, wn := l.Count(); e+wn > 0 {
		fmt.Fprintf(&b, "%s, %s\n", plural(e, "error"), plural(wn, "warning"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func writeExcerpt(b *strings.Builder, line string, r Range) {
	line = strings.ReplaceAll(line, "\t", " ")
	fmt.Fprintf(b, "%5d | %s\n", r.Start.Line, line)
	col := max(r.Start.Column, 1)
	// Columns count runes, as the YAML parser reports them.
	prefix := utf8.RuneCountInString(line)
	pad := min(col-1, prefix)
	width := 1
	if r.End.Line == r.Start.Line && r.End.Column > col {
		width = r.End.Column - col
	}
	if pad+width > prefix && prefix > pad {
		width = prefix - pad
	}
	fmt.Fprintf(b, "      | %s%s\n", strings.Repeat(" ", pad), strings.Repeat("^", width))
}

func sourceLine(src []byte, n int) (string, bool) {
	if n < 1 || src == nil {
		return "", false
	}
	for i := 1; ; i++ {
		j := bytes.IndexByte(src, '\n')
		if i == n {
			if j < 0 {
				j = len(src)
			}
			return strings.TrimRight(string(src[:j]), "\r"), true
		}
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
}

// RenderJSON writes the diagnostics as a JSON document
// {"diagnostics": [...], "errors": N, "warnings": N}.
func RenderJSON(w io.Writer, l List) error {
	e, wn := l.Count()
	sorted := l.Sorted()
	if sorted == nil {
		sorted = List{}
	}
	doc := struct {
		Diagnostics List `json:"diagnostics"`
		Errors      int  `json:"errors"`
		Warnings    int  `json:"warnings"`
	}{sorted, e, wn}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
