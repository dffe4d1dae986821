package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
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
// followed by a one-line count. Diagnostics are sorted first. What comes
// from the user's file is bounded and made printable: a source line is cut
// to a window of about MaxExcerpt characters around the column, a summary
// or hint to MaxText, and control characters and invalid UTF-8 print as
// U+FFFD, so no input can flood or drive the terminal.
func Render(w io.Writer, l List, src Sources) error {
	var b strings.Builder
	// Each file's line starts, found once: a spec with many problems
	// would otherwise be scanned from the top for every one of them.
	starts := map[string][]int{}
	for _, d := range l.Sorted() {
		fmt.Fprintf(&b, "%s: %s: %s\n", Printable(d.Range.String(), MaxText), d.Severity, Printable(d.Summary, MaxText))
		f := d.Range.File
		if _, ok := starts[f]; !ok && src[f] != nil {
			starts[f] = lineStarts(src[f])
		}
		if line, ok := sourceLine(src[f], starts[f], d.Range.Start.Line); ok {
			writeExcerpt(&b, line, d.Range)
		}
		if d.Hint != "" {
			fmt.Fprintf(&b, "      = hint: %s\n", Printable(d.Hint, MaxText))
		}
	}
	if e, wn := l.Count(); e+wn > 0 {
		fmt.Fprintf(&b, "%s, %s\n", plural(e, "error"), plural(wn, "warning"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Bounds on what Render quotes, in characters.
const (
	MaxExcerpt = 120 // a source line's window
	MaxText    = 400 // a summary, hint or file name
)

// Printable returns s with each control character (but tab, which becomes
// a space) and each invalid UTF-8 byte replaced by U+FFFD, cut to max
// characters with a trailing "…".
func Printable(s string, max int) string {
	var b strings.Builder
	n := 0
	for i, r := range s {
		if n == max {
			if i < len(s) {
				b.WriteString("…")
			}
			break
		}
		b.WriteRune(printableRune(r))
		n++
	}
	return b.String()
}

// cut is s cut to max characters with a trailing "…".
func cut(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func printableRune(r rune) rune {
	switch {
	case r == '\t':
		return ' '
	case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
		return utf8.RuneError
	}
	return r
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// writeExcerpt quotes line with a caret under r. A long line is shown as
// a window around the column, with "…" where it is cut.
func writeExcerpt(b *strings.Builder, line []byte, r Range) {
	col := max(r.Start.Column, 1)
	width := 1
	if r.End.Line == r.Start.Line && r.End.Column > col {
		width = r.End.Column - col
	}
	// Columns count runes, as the YAML parser reports them. Find the
	// window's first rune: enough before the column to show context.
	first := max(col-1-MaxExcerpt/3, 0)
	if len(line) <= 4*MaxExcerpt && utf8.RuneCount(line) <= MaxExcerpt {
		first = 0 // it fits: no window
	}
	off, n := 0, 0
	for n < first && off < len(line) {
		_, size := utf8.DecodeRune(line[off:])
		off += size
		n++
	}
	first = n
	var w strings.Builder
	if first > 0 {
		w.WriteString("…")
	}
	shown := 0
	for off < len(line) && shown < MaxExcerpt {
		r, size := utf8.DecodeRune(line[off:])
		w.WriteRune(printableRune(r))
		off += size
		shown++
	}
	if off < len(line) {
		w.WriteString("…")
	}
	fmt.Fprintf(b, "%5d | %s\n", r.Start.Line, w.String())
	pad := min(max(col-1-first, 0), shown)
	if pad+width > shown && shown > pad {
		width = shown - pad
	}
	width = min(width, MaxExcerpt)
	if first > 0 {
		pad++ // the leading "…"
	}
	fmt.Fprintf(b, "      | %s%s\n", strings.Repeat(" ", pad), strings.Repeat("^", width))
}

// lineStarts is the offset in src at which each line begins.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// sourceLine is line n (from 1) of src, whose line starts are starts,
// without its line ending.
func sourceLine(src []byte, starts []int, n int) ([]byte, bool) {
	if n < 1 || src == nil || n > len(starts) {
		return nil, false
	}
	line := src[starts[n-1]:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return bytes.TrimRight(line, "\r"), true
}

// RenderJSON writes the diagnostics as a JSON document
// {"diagnostics": [...], "errors": N, "warnings": N}.
func RenderJSON(w io.Writer, l List) error {
	e, wn := l.Count()
	sorted := l.Sorted()
	if sorted == nil {
		sorted = List{}
	}
	// Bounded as Render bounds them; encoding/json escapes control bytes.
	for i := range sorted {
		sorted[i].Summary = cut(sorted[i].Summary, MaxText)
		sorted[i].Hint = cut(sorted[i].Hint, MaxText)
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
