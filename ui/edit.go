package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// Edit sets the spec field at Path (dotted keys: "network.nat",
// "service.port") to Value, a JSON value; a null Value deletes the key.
type Edit struct {
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// ApplyEdits applies edits, in order, to the spec src and returns the new
// text. The edits change the yaml.Node tree; the text is then written back
// entry by entry: every mapping entry the edits left alone keeps its
// original lines byte for byte (comments, blank lines, quoting, flow
// style), and only a changed entry is written anew, at its indentation,
// after the comments that head it. With no edits src comes back as is.
func ApplyEdits(src []byte, edits []Edit) ([]byte, error) {
	if len(edits) == 0 {
		return src, nil
	}
	orig, err := parseDoc(src)
	if err != nil {
		return nil, err
	}
	upd, _ := parseDoc(src)
	for _, e := range edits {
		if err := applyEdit(upd, e); err != nil {
			return nil, err
		}
	}
	lines := strings.SplitAfter(string(src), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	var out strings.Builder
	if err := writeMapping(&out, orig, upd, lines, 1, len(lines)+1, true); err != nil {
		return nil, err
	}
	return []byte(out.String()), nil
}

// parseDoc reads src's top-level mapping; an empty file is an empty one.
func parseDoc(src []byte) (*yaml.Node, error) {
	if !utf8.Valid(src) {
		// The YAML reader would take UTF-16 too, but the edit keeps the
		// spec's own lines, so only UTF-8 text comes back out readable.
		return nil, fmt.Errorf("the spec is not UTF-8 text, so it cannot be edited here: save it as UTF-8")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("the spec is not valid YAML, so it cannot be edited here: %w", err)
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the spec's top level is not a mapping of keys, so it cannot be edited here")
	}
	return root, nil
}

// applyEdit walks e.Path from root, creating mappings on the way, and
// sets or deletes the last key. A scalar met on the way ("nat: instance"
// under "network.nat.mode") becomes a mapping.
func applyEdit(root *yaml.Node, e Edit) error {
	keys := strings.Split(e.Path, ".")
	for _, k := range keys {
		if !specKey(k) {
			return fmt.Errorf("edit path %q: %q is not a spec key (lower-case letters, digits and _)", e.Path, k)
		}
	}
	var val *yaml.Node
	if !isNull(e.Value) {
		v, err := jsonToNode(e.Value)
		if err != nil {
			return fmt.Errorf("edit %s: %w", e.Path, err)
		}
		val = v
	}
	m := root
	for _, k := range keys[:len(keys)-1] {
		i := keyIndex(m, k)
		if i < 0 {
			if val == nil {
				return nil // deleting under a missing key: nothing to do
			}
			child := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			m.Content = append(m.Content, strNode(k), child)
			m = child
			continue
		}
		child := m.Content[i+1]
		if child.Kind == yaml.SequenceNode || child.Kind == yaml.AliasNode {
			return fmt.Errorf("edit path %q goes through %s, which is not a mapping: set the whole value instead", e.Path, k)
		}
		if child.Kind != yaml.MappingNode {
			fresh := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if child.Kind == yaml.ScalarNode && child.Value != "" && child.Tag != "!!null" && k == "nat" {
				// "nat: gateway" is short for "nat: {mode: gateway}".
				fresh.Content = append(fresh.Content, strNode("mode"), strNode(child.Value))
			}
			m.Content[i+1] = fresh
			child = fresh
		}
		if child.Style&yaml.FlowStyle != 0 {
			child.Style = 0
		}
		m = child
	}
	last := keys[len(keys)-1]
	i := keyIndex(m, last)
	switch {
	case val == nil && i >= 0:
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	case val == nil:
	case i >= 0:
		val.LineComment = m.Content[i+1].LineComment
		m.Content[i+1] = val
	default:
		m.Content = append(m.Content, strNode(last), val)
	}
	return nil
}

func specKey(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// keyIndex is the index in m.Content of key k, or -1.
func keyIndex(m *yaml.Node, k string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return i
		}
	}
	return -1
}

// jsonToNode turns a JSON value into a YAML node, keeping object key
// order. Lists of scalars are written in flow style ([a, b]), as the
// examples write zones and endpoints.
func jsonToNode(raw json.RawMessage) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := decodeNode(dec)
	if err != nil {
		return nil, fmt.Errorf("value is not JSON: %w", err)
	}
	return n, nil
}

func decodeNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeNode(dec)
				if err != nil {
					return nil, err
				}
				m.Content = append(m.Content, strNode(fmt.Sprint(kt)), v)
			}
			_, err := dec.Token()
			return m, err
		}
		s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for dec.More() {
			v, err := decodeNode(dec)
			if err != nil {
				return nil, err
			}
			if v.Kind != yaml.ScalarNode {
				s.Style = 0
			}
			s.Content = append(s.Content, v)
		}
		_, err := dec.Token()
		return s, err
	case string:
		return strNode(t), nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(t)}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
}

// writeMapping writes the block mapping upd, whose original is orig (nil
// for a new one), from the source lines from (1-based) up to but not
// including end. Unchanged entries are copied; changed block mappings are
// written key line first, then entry by entry; anything else changed is
// encoded anew at the mapping's indentation.
func writeMapping(out *strings.Builder, orig, upd *yaml.Node, lines []string, from, end int, top bool) error {
	type entry struct{ head, key, last int }
	spans := map[string]entry{}
	indent := ""
	if orig != nil && len(orig.Content) > 0 {
		indent = strings.Repeat(" ", orig.Content[0].Column-1)
		for i := 0; i+1 < len(orig.Content); i += 2 {
			next := end
			if i+2 < len(orig.Content) {
				next = orig.Content[i+2].Line
			}
			head := from
			if i > 0 {
				head = spans[orig.Content[i-2].Value].last + 1
			}
			spans[orig.Content[i].Value] = entry{head: head, key: orig.Content[i].Line, last: lastContentLine(lines, orig.Content[i].Line, next)}
		}
	}
	copyLines := func(a, b int) { // inclusive, 1-based
		for l := a; l <= b && l-1 < len(lines); l++ {
			out.WriteString(lines[l-1])
		}
	}
	trailerFrom := from
	if orig != nil && len(orig.Content) > 0 {
		if top {
			copyLines(from, orig.Content[0].Line-1) // the file's opening comments
		}
		trailerFrom = spans[orig.Content[len(orig.Content)-2].Value].last + 1
	}
	for i := 0; i+1 < len(upd.Content); i += 2 {
		k, v := upd.Content[i], upd.Content[i+1]
		sp, known := spans[k.Value]
		var ov *yaml.Node
		if known {
			ov = orig.Content[keyIndex(orig, k.Value)+1]
		}
		switch {
		case known && sameNode(ov, v):
			head := sp.head
			if i == 0 && top {
				head = sp.key
			}
			copyLines(head, sp.last)
		case known && isBlockMapping(ov) && v.Kind == yaml.MappingNode && len(v.Content) > 0 && ov.Line > sp.key:
			if !(i == 0 && top) {
				copyLines(sp.head, sp.key-1)
			}
			copyLines(sp.key, sp.key)
			if err := writeMapping(out, ov, v, lines, sp.key+1, sp.last+1, false); err != nil {
				return err
			}
		default:
			if known && !(i == 0 && top) {
				copyLines(sp.head, sp.key-1)
			}
			if !known && top && out.Len() > 0 && !strings.HasSuffix(out.String(), "\n\n") {
				out.WriteString("\n") // a new section, set apart as the others are
			}
			if err := writeFresh(out, k, v, indent); err != nil {
				return err
			}
		}
	}
	copyLines(trailerFrom, end-1)
	return nil
}

// lastContentLine is the last line before next that holds more than a
// comment or blank: where the entry starting at key ends. Comments and
// blank lines after it head the next entry.
func lastContentLine(lines []string, key, next int) int {
	last := key
	for l := next - 1; l > key; l-- {
		t := strings.TrimSpace(lines[l-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			last = l
			break
		}
	}
	return last
}

func isBlockMapping(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0
}

// writeFresh encodes one "key: value" entry at indent.
func writeFresh(out *strings.Builder, k, v *yaml.Node, indent string) error {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: k.Tag, Value: k.Value}, v}}
	body, err := yaml.Dump(m, yaml.WithV4Defaults(), yaml.WithIndent(2), yaml.WithCompactSeqIndent(false), yaml.WithLineWidth(-1))
	if err != nil {
		return fmt.Errorf("write %s: %w", k.Value, err)
	}
	for _, l := range strings.SplitAfter(string(body), "\n") {
		if l != "" {
			out.WriteString(indent + l)
		}
	}
	return nil
}

// sameNode compares two nodes by what they say, not where they are.
func sameNode(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.ShortTag() != b.ShortTag() || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
