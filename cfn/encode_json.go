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
	doc, err := t.tree()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := writeJSON(&b, longForm(doc), 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v Value, depth int) error {
	indent := func(d int) {
		for range d {
			b.WriteString("  ")
		}
	}
	switch v := v.(type) {
	case String:
		return writeJSONString(b, string(v))
	case Int:
		b.WriteString(strconv.Itoa(int(v)))
	case Bool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case List:
		if len(v) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i, e := range v {
			indent(depth + 1)
			if err := writeJSON(b, e, depth+1); err != nil {
				return err
			}
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(depth)
		b.WriteByte(']')
	case Map:
		if len(v) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i, f := range v {
			indent(depth + 1)
			if err := writeJSONString(b, f.Key); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := writeJSON(b, f.Value, depth+1); err != nil {
				return err
			}
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(depth)
		b.WriteByte('}')
	case nil:
		return fmt.Errorf("nil value in template")
	default:
		return fmt.Errorf("cannot encode %T as JSON (not in long form)", v)
	}
	return nil
}

// writeJSONString escapes like encoding/json but leaves <, > and & alone:
// policies and user data are easier to read without \u003c noise.
func writeJSONString(b *bytes.Buffer, s string) error {
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
