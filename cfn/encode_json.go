package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// JSON encodes the template in long form with two-space indentation and a
// trailing newline. Keys keep the template's order.
func (t *Template) JSON() ([]byte, error) {
	return t.encodeJSON(true)
}

// CompactJSON is the template as compact JSON (no whitespace outside
// strings), the smallest body CloudFormation takes.
func (t *Template) CompactJSON() ([]byte, error) {
	return t.encodeJSON(false)
}

func (t *Template) encodeJSON(pretty bool) ([]byte, error) {
	doc, err := t.tree()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(192 << 10) // one allocation for a template of a few hundred resources
	w := jsonWriter{b: &b, pretty: pretty}
	if err := w.value(doc, 0); err != nil {
		return nil, err
	}
	if pretty {
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// compactJSONSize is len(CompactJSON()), counted without building the
// body: plan only needs the size, to say how a large template is sent.
func (t *Template) compactJSONSize() (int, error) {
	doc, err := t.tree()
	if err != nil {
		return 0, err
	}
	var n byteCounter
	if err := (jsonWriter{b: &n}).value(doc, 0); err != nil {
		return 0, err
	}
	return int(n), nil
}

// jsonSink is where a jsonWriter writes: a buffer, or a byteCounter.
type jsonSink interface {
	Write([]byte) (int, error)
	WriteByte(byte) error
	WriteString(string) (int, error)
}

// byteCounter is a jsonSink that only counts.
type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) { *c += byteCounter(len(p)); return len(p), nil }
func (c *byteCounter) WriteByte(byte) error        { *c++; return nil }
func (c *byteCounter) WriteString(s string) (int, error) {
	*c += byteCounter(len(s))
	return len(s), nil
}

// jsonWriter writes a value tree, indented or compact, each intrinsic in
// its long form (longForm), turned into it as it is reached.
type jsonWriter struct {
	b      jsonSink
	pretty bool
}

// line starts an indented line at depth; compact JSON has none.
func (w jsonWriter) line(depth int) {
	if !w.pretty {
		return
	}
	w.b.WriteByte('\n')
	for range depth {
		w.b.WriteString("  ")
	}
}

func (w jsonWriter) value(v Value, depth int) error {
	switch v := v.(type) {
	case String:
		return writeJSONString(w.b, string(v))
	case Int:
		w.b.WriteString(strconv.Itoa(int(v)))
	case Bool:
		w.b.WriteString(strconv.FormatBool(bool(v)))
	case List:
		if len(v) == 0 {
			w.b.WriteString("[]")
			return nil
		}
		w.b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.line(depth + 1)
			if err := w.value(e, depth+1); err != nil {
				return err
			}
		}
		w.line(depth)
		w.b.WriteByte(']')
	case Map:
		if len(v) == 0 {
			w.b.WriteString("{}")
			return nil
		}
		w.b.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.line(depth + 1)
			if err := writeJSONString(w.b, f.Key); err != nil {
				return err
			}
			w.b.WriteByte(':')
			if w.pretty {
				w.b.WriteByte(' ')
			}
			if err := w.value(f.Value, depth+1); err != nil {
				return err
			}
		}
		w.line(depth)
		w.b.WriteByte('}')
	case Ref, GetAtt, Sub, Fn:
		return w.value(longForm(v), depth)
	case nil:
		return fmt.Errorf("nil value in template")
	default:
		return fmt.Errorf("cannot encode %T as JSON", v)
	}
	return nil
}

// writeJSONString escapes like encoding/json but leaves <, > and & alone:
// policies and user data are easier to read without \u003c noise.
func writeJSONString(b jsonSink, s string) error {
	// Printable ASCII needs only its quotes and backslashes escaped, as
	// encoding/json does; anything else goes through encoding/json.
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			plain = false
			break
		}
	}
	if plain {
		b.WriteByte('"')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		b.WriteByte('"')
		return nil
	}
	var sb bytes.Buffer
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	b.Write(bytes.TrimSuffix(sb.Bytes(), []byte("\n")))
	return nil
}

// Encode is the template as format: "json", or YAML for anything else
// (the spec's default).
func (t *Template) Encode(format string) ([]byte, error) {
	if format == "json" {
		return t.JSON()
	}
	return t.YAML()
}
