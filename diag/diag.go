package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops the command (Error) or only
// advises (Warning). The zero value is Error, so a forgotten severity fails
// safe.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Pos is a 1-based line and column in a file. The zero Pos means "unknown".
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.Line == 0 }

// Range is a span of a file; End is exclusive and may be zero when only the
// start is known.
type Range struct {
	File  string `json:"file"`
	Start Pos    `json:"start"`
	End   Pos    `json:"end"`
}

// String formats the range as file:line:column, the form editors jump to.
func (r Range) String() string {
	switch {
	case r.File == "":
		return "<input>"
	case r.Start.IsZero():
		return r.File
	}
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
}

// Diagnostic is one problem found in a user's input.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Hint     string   `json:"hint,omitempty"`
	Range    Range    `json:"range"`
}

// List is an ordered collection of diagnostics. Its zero value is empty and
// ready to use.
type List []Diagnostic

// Errorf appends an error at r.
func (l *List) Errorf(r Range, hint, format string, args ...any) {
	*l = append(*l, Diagnostic{Severity: Error, Summary: fmt.Sprintf(format, args...), Hint: hint, Range: r})
}

// Warnf appends a warning at r.
func (l *List) Warnf(r Range, hint, format string, args ...any) {
	*l = append(*l, Diagnostic{Severity: Warning, Summary: fmt.Sprintf(format, args...), Hint: hint, Range: r})
}

// Error makes a List an error: one line per diagnostic, in the form
// editors jump to ("stack.yaml:12:7: error: ..."). Render shows the source
// line and hint as well.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s: %s", d.Range, d.Severity, d.Summary)
	}
	return b.String()
}

// Err returns l as an error when it holds an error, else nil: a list of
// warnings only, or an empty one, is no failure. Use it rather than
// converting l to error directly, which makes even an empty list non-nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// Count returns the number of errors and warnings.
func (l List) Count() (errors, warnings int) {
	for _, d := range l {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Sorted returns the diagnostics ordered by file, line and column, then by
// summary, so output is deterministic whatever order checks ran in.
func (l List) Sorted() List {
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Column, b.Range.Start.Column),
			cmp.Compare(a.Summary, b.Summary),
		)
	})
	return slices.CompactFunc(out, func(a, b Diagnostic) bool { return a == b })
}
