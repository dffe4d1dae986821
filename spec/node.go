package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
	"go.yaml.in/yaml/v4"
)

// parser walks one document's node tree, filling a Stack and collecting
// diagnostics. It never stops at the first problem.
type parser struct {
	file  string
	lines []string       // source lines, to measure scalars as written
	runes map[int][]rune // lines decoded on demand; a flow list puts many values on one line
	root  *yaml.Node
	// zonesOK says network.zones parsed cleanly, so checks that depend on
	// the zone count do not add noise to a zone error.
	zonesOK bool
	st      *Stack
	diags   diag.List
	// aliased holds the paths of keys whose value was an alias: the alias
	// is the error, not "K is required" beside it.
	aliased map[string]bool
}

// field is one key and its value in a mapping; the zero field means the key
// is absent.
type field struct {
	key, val *yaml.Node
}

func (f field) present() bool { return f.val != nil }

// join builds the dotted path of a key below path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index builds the path of a list item.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// rng is the range of a node. Scalars on one line get an End, so the caret
// underlines the whole value as written.
func (p *parser) rng(n *yaml.Node) diag.Range {
	r := diag.Range{File: p.file, Start: diag.Pos{Line: n.Line, Column: n.Column}}
	if n.Kind == yaml.ScalarNode {
		if w := p.width(n); w > 0 {
			r.End = diag.Pos{Line: n.Line, Column: n.Column + w}
		}
	}
	return r
}

// width returns how many runes a scalar spans on its line as written
// (quotes included), or 0 when that is unclear (block or multi-line
// scalars, explicit tags).
func (p *parser) width(n *yaml.Node) int {
	if n.Line < 1 || n.Line > len(p.lines) || n.Column < 1 {
		return 0
	}
	line, ok := p.runes[n.Line]
	if !ok {
		line = []rune(p.lines[n.Line-1])
		p.runes[n.Line] = line
	}
	if n.Column > len(line) {
		return 0
	}
	text := line[n.Column-1:]
	switch n.Style {
	case yaml.DoubleQuotedStyle:
		return closingQuote(text, '"', '\\')
	case yaml.SingleQuotedStyle:
		return closingQuote(text, '\'', '\'')
	case 0, yaml.FlowStyle:
		v := []rune(n.Value)
		if len(v) > 0 && len(v) <= len(text) && string(text[:len(v)]) == n.Value {
			return len(v)
		}
	}
	return 0
}

// closingQuote returns the width of a quoted scalar that starts text, or 0
// when it does not close on this line. esc escapes the next rune; for single
// quotes a doubled quote is the escape.
func closingQuote(text []rune, q, esc rune) int {
	if len(text) == 0 || text[0] != q {
		return 0
	}
	for i := 1; i < len(text); i++ {
		switch {
		case esc != q && text[i] == esc:
			i++
		case text[i] == q && esc == q && i+1 < len(text) && text[i+1] == q:
			i++
		case text[i] == q:
			return i + 1
		}
	}
	return 0
}

// record remembers where the value at path sits. A collection is recorded
// at its key, because a block mapping's own position is its first child.
func (p *parser) record(path string, f field) {
	if f.val == nil {
		return
	}
	n := f.val
	if f.key != nil && n.Kind != yaml.ScalarNode {
		n = f.key
	}
	p.st.pos[path] = p.rng(n)
}

func (p *parser) errorf(n *yaml.Node, hint, format string, args ...any) {
	p.diags.Errorf(p.rng(n), hint, format, args...)
}

func (p *parser) warnf(n *yaml.Node, hint, format string, args ...any) {
	p.diags.Warnf(p.rng(n), hint, format, args...)
}

// errorAt and warnAt report at a recorded path, for checks that span
// several values or blame a default.
func (p *parser) errorAt(path, hint, format string, args ...any) {
	p.diags.Errorf(p.where(path), hint, format, args...)
}

func (p *parser) warnAt(path, hint, format string, args ...any) {
	p.diags.Warnf(p.where(path), hint, format, args...)
}

// where is Stack.Where, falling back to the document's first line so that
// every diagnostic has a position.
func (p *parser) where(path string) diag.Range {
	r := p.st.Where(path)
	if r.Start.IsZero() {
		r = diag.Range{File: p.file, Start: diag.Pos{Line: p.root.Line, Column: p.root.Column}}
	}
	return r
}

// describe names a value for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.ShortTag() == "!!null" {
		return "empty"
	}
	return fmt.Sprintf("%q", n.Value)
}

// fields reads a mapping's keys in file order, reporting duplicate keys,
// keys that are not plain names, YAML merge keys and aliases. Keys outside
// known are reported with a suggestion; known == nil accepts any key.
// A null value (a key with nothing after it) reads as an empty mapping.
func (p *parser) fields(path string, f field, known []string) (map[string]field, []string) {
	out := map[string]field{}
	if f.val == nil || p.isNull(f.val) {
		return out, nil
	}
	if f.val.Kind != yaml.MappingNode {
		name := path
		if name == "" {
			name = "the spec"
		}
		p.errorf(f.val, "write it as indented key: value lines", "%s must be a mapping, not %s", name, describe(f.val))
		return out, nil
	}
	var order []string
	c := f.val.Content
	for i := 0; i+1 < len(c); i += 2 {
		k, v := c[i], c[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			p.errorf(k, "keys are plain names such as cidr or zones", "%s has a key that is not a name", pathOr(path))
			continue
		}
		if k.ShortTag() == "!!merge" {
			p.errorf(k, "write the keys out in full; moat specs do not use YAML anchors, aliases or merge keys", "merge key << in %s is not supported", pathOr(path))
			continue
		}
		kp := join(path, k.Value)
		if prev, dup := out[k.Value]; dup {
			p.errorf(k, fmt.Sprintf("it is already set at line %d; keep one", prev.key.Line), "duplicate key %s", kp)
			continue
		}
		if known != nil && !slices.Contains(known, k.Value) {
			p.errorf(k, keyHint(k.Value, known), "unknown key %s", kp)
			continue
		}
		if v.Kind == yaml.AliasNode {
			p.errorf(v, "write the value out in full; moat specs do not use YAML anchors and aliases", "%s is an alias (*%s); aliases are not supported", kp, v.Value)
			if p.aliased == nil {
				p.aliased = map[string]bool{}
			}
			p.aliased[kp] = true
			continue
		}
		out[k.Value] = field{k, v}
		order = append(order, k.Value)
		p.record(kp, field{k, v})
	}
	return out, order
}

func pathOr(path string) string {
	if path == "" {
		return "the spec"
	}
	return path
}

// isMapping reports whether a section is a mapping or empty, so checks
// for required keys do not pile onto a type error.
func (p *parser) isMapping(f field) bool {
	return f.val != nil && (f.val.Kind == yaml.MappingNode || p.isNull(f.val))
}

func (p *parser) isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// scalar checks that a value is a scalar with the wanted tag; what names
// the expected type in the message ("a string", "true or false").
func (p *parser) scalar(path string, n *yaml.Node, tag, what, hint string) bool {
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == tag:
		return true
	case n.Kind == yaml.ScalarNode && strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		p.errorf(n, "remove the tag; moat specs use plain values", "%s has an unsupported tag %s", path, n.Tag)
	case p.isNull(n):
		p.errorf(n, "give a value, or delete the key to use the default", "%s has no value", path)
	default:
		p.errorf(n, hint, "%s must be %s, not %s", path, what, describe(n))
	}
	return false
}

// str reads a string value.
func (p *parser) str(path string, n *yaml.Node) (string, bool) {
	if !p.scalar(path, n, "!!str", "a string", "write a string value") {
		return "", false
	}
	return n.Value, true
}

// boolean reads true or false. YAML 1.2 reads yes/no/on/off as strings,
// so they are reported rather than silently taken as true.
func (p *parser) boolean(path string, n *yaml.Node) (bool, bool) {
	if !p.scalar(path, n, "!!bool", "true or false", "write true or false") {
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		p.errorf(n, "write true or false", "%s must be true or false, not %s", path, describe(n))
		return false, false
	}
	return b, true
}

// integer reads a whole number within [lo, hi]; hint, when not empty,
// replaces the default advice.
func (p *parser) integer(path string, n *yaml.Node, lo, hi int, hint string) (int, bool) {
	bounds := hint
	if bounds == "" {
		bounds = fmt.Sprintf("write a whole number from %d to %d", lo, hi)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" && strings.Trim(n.Value, "+-0123456789_") == "" {
		// Too big for an int, so YAML resolved it as a float.
		p.errorf(n, bounds, "%s %s is out of range", path, n.Value)
		return 0, false
	}
	if !p.scalar(path, n, "!!int", "a whole number", bounds) {
		return 0, false
	}
	var v int64
	if err := n.Decode(&v); err != nil || v < int64(lo) || v > int64(hi) {
		p.errorf(n, bounds, "%s %s is out of range", path, n.Value)
		return 0, false
	}
	return int(v), true
}

// list reads a sequence, recording each item's position and rejecting
// aliases among the items.
func (p *parser) list(path string, n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		if p.isNull(n) {
			p.errorf(n, "give a list such as [a, b], or delete the key to use the default", "%s has no value", path)
		} else {
			p.errorf(n, "write a list in brackets, e.g. ["+n.Value+"]", "%s must be a list of %s, not %s", path, what, describe(n))
		}
		return nil, false
	}
	var out []*yaml.Node
	for i, item := range n.Content {
		ip := index(path, i)
		if item.Kind == yaml.AliasNode {
			p.errorf(item, "write the value out in full; moat specs do not use YAML anchors and aliases", "%s is an alias (*%s); aliases are not supported", ip, item.Value)
			out = append(out, nil)
			continue
		}
		p.st.pos[ip] = p.rng(item)
		out = append(out, item)
	}
	return out, true
}

// enum reads a string that must be one of allowed.
func (p *parser) enum(path string, n *yaml.Node, allowed []string) (string, bool) {
	s, ok := p.str(path, n)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		p.errorf(n, valueHint(s, allowed), "%s %q is not a valid value", path, s)
		return "", false
	}
	return s, true
}
