package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// JSONError turns an encoding/json decoding error of file's src into a
// diagnostic at line:column, with hint: a syntax error where it occurs, a
// type error at the start of the offending value, an early end at the end.
func JSONError(file string, src []byte, err error, hint string) Diagnostic {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		off int64 = -1
		msg       = err.Error()
	)
	switch {
	case errors.As(err, &syn):
		off = syn.Offset - 1
	case errors.As(err, &typ):
		off = valueStart(src, typ.Offset)
		msg = fmt.Sprintf("%s is %s, want %s", fieldName(typ), typ.Value, typ.Type)
	case err.Error() == "unexpected EOF":
		off = int64(len(src))
		msg = "the JSON ends early"
	}
	pos := PosAt(src, off)
	return Diagnostic{
		Severity: Error,
		Summary:  "invalid JSON: " + strings.TrimPrefix(msg, "json: "),
		Hint:     hint,
		Range:    Range{File: file, Start: pos},
	}
}

func fieldName(e *json.UnmarshalTypeError) string {
	if e.Field == "" {
		return "the document"
	}
	return e.Field
}

// PosAt converts a byte offset into a 1-based line and column counted in
// runes, as the YAML parser and Render count them. A negative offset is
// unknown (the zero Pos).
func PosAt(src []byte, off int64) Pos {
	if off < 0 {
		return Pos{}
	}
	off = min(off, int64(len(src)))
	before := src[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return Pos{Line: line, Column: utf8.RuneCount(before[start:]) + 1}
}

// valueStart finds where the JSON value ending at end begins, so a type
// error points at the value rather than just past it. It walks back over a
// string, a bracketed value or a bare literal.
func valueStart(src []byte, end int64) int64 {
	i := min(end, int64(len(src))) - 1
	for i >= 0 && isSpace(src[i]) {
		i--
	}
	if i < 0 {
		return 0
	}
	switch src[i] {
	case '"':
		return stringStart(src, i)
	case '}', ']':
		depth := 0
		for ; i >= 0; i-- {
			switch src[i] {
			case '"':
				i = stringStart(src, i)
			case '}', ']':
				depth++
			case '{', '[':
				depth--
				if depth == 0 {
					return i
				}
			}
		}
		return 0
	}
	for i > 0 && !isSpace(src[i-1]) && !strings.ContainsRune(":,[{", rune(src[i-1])) {
		i--
	}
	return i
}

// stringStart returns the offset of the quote opening the string whose
// closing quote is at end.
func stringStart(src []byte, end int64) int64 {
	for j := end - 1; j >= 0; j-- {
		if src[j] != '"' {
			continue
		}
		k := j - 1
		for k >= 0 && src[k] == '\\' {
			k--
		}
		if (j-k-1)%2 == 0 {
			return j
		}
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// JSONDuplicateKeys reports every key that appears twice in one object of
// the JSON document src, at the second occurrence: encoding/json keeps the
// last silently, so a hand-edited or concatenated file would otherwise
// lose data without a word. src must already decode without error.
func JSONDuplicateKeys(file string, src []byte, hint string) List {
	var out List
	dec := json.NewDecoder(bytes.NewReader(src))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next token of an object is a key
	}
	var stack []frame
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].object && stack[top].key {
			if k, ok := tok.(string); ok {
				stack[top].key = false
				if stack[top].keys[k] {
					out.Errorf(Range{File: file, Start: PosAt(src, keyStart(src, off))}, hint, "key %q appears twice in one object; only the last would be read", k)
				}
				stack[top].keys[k] = true
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			if top >= 0 {
				stack = stack[:top]
			}
		}
		// A value ended: the enclosing object expects a key next.
		if top := len(stack) - 1; top >= 0 && stack[top].object {
			stack[top].key = true
		}
	}
}

// keyStart skips the separators between the previous token's end and a
// key's opening quote.
func keyStart(src []byte, off int64) int64 {
	for off < int64(len(src)) && (isSpace(src[off]) || src[off] == ',' || src[off] == ':') {
		off++
	}
	return off
}
