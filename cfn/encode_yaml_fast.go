package cfn

import (
	"bytes"
	"strconv"
	"strings"
)

// writeYAML writes a template's value tree as the block YAML moat's
// templates have always been (two-space indentation, sequences indented
// under their key, short-form tags, no line wrapping), without building a
// yaml.Node tree. It knows the shapes moat emits; for anything else (a
// control or non-ASCII character, a key too long for the simple form, a
// multi-line string a literal block cannot hold, a tagged block sequence
// in a sequence) it reports false and YAML falls back to the yaml library, so
// the output never depends on which path wrote it (TestFastYAMLMatchesLibrary).
func writeYAML(doc Map) ([]byte, bool) {
	w := yamlWriter{}
	w.b.Grow(128 << 10) // one allocation for a template of a few hundred resources
	if !w.mapBlock(doc, 0, false) {
		return nil, false
	}
	return w.b.Bytes(), true
}

type yamlWriter struct{ b bytes.Buffer }

// spaces is enough indentation for any depth a template reaches; deeper
// lines take several writes.
const spaces = "                                                                "

func (w *yamlWriter) indent(n int) {
	for ; n > len(spaces); n -= len(spaces) {
		w.b.WriteString(spaces)
	}
	w.b.WriteString(spaces[:n])
}

// mapBlock writes m's fields at indent, one a line; inItem says the first
// one follows a sequence's "- " on the same line.
func (w *yamlWriter) mapBlock(m Map, indent int, inItem bool) bool {
	for i, f := range m {
		if i > 0 || !inItem {
			w.indent(indent)
		}
		if !w.key(f.Key) {
			return false
		}
		w.b.WriteByte(':')
		if !w.after(f.Value, indent, false) {
			return false
		}
	}
	return true
}

// listBlock writes l's items at indent, each after "- "; inItem says the
// first one follows an outer sequence's "- " on the same line.
func (w *yamlWriter) listBlock(l List, indent int, inItem bool) bool {
	for i, e := range l {
		if i > 0 || !inItem {
			w.indent(indent)
		}
		w.b.WriteByte('-')
		if !w.after(e, indent, true) {
			return false
		}
	}
	return true
}

// after writes a value that follows "key:" or "-": on the same line when
// it is a scalar, a flow collection or an empty one, else on the lines
// below. Under a key, maps and sequences are indented two more; a
// sequence item's map starts on the item's line.
func (w *yamlWriter) after(v Value, indent int, item bool) bool {
	tag, v := shortForm(v)
	switch x := v.(type) {
	case Map:
		if len(x) == 0 {
			w.tagged(tag)
			w.b.WriteString(" {}\n")
			return true
		}
		if tag == "" && item {
			w.b.WriteByte(' ')
			return w.mapBlock(x, indent+2, true)
		}
		w.tagged(tag)
		w.b.WriteByte('\n')
		return w.mapBlock(x, indent+2, false)
	case List:
		switch {
		case len(x) == 0:
			w.tagged(tag)
			w.b.WriteString(" []\n")
			return true
		case tag != "" && flowList(x):
			w.tagged(tag)
			w.b.WriteByte(' ')
			if !w.flow(x) {
				return false
			}
			w.b.WriteByte('\n')
			return true
		case item && tag == "":
			w.b.WriteByte(' ')
			return w.listBlock(x, indent+2, true)
		case item:
			return false // a tagged block sequence in a sequence: left to the library
		}
		w.tagged(tag)
		w.b.WriteByte('\n')
		return w.listBlock(x, indent+2, false)
	}
	w.tagged(tag)
	w.b.WriteByte(' ')
	return w.scalar(v, false, indent)
}

func (w *yamlWriter) tagged(tag string) {
	if tag != "" {
		w.b.WriteByte(' ')
		w.b.WriteString(tag)
	}
}

// shortForm gives an intrinsic's short-form tag and the value it tags;
// an intrinsic whose argument is itself one keeps the long key (a node
// carries one tag), as does every other value.
func shortForm(v Value) (string, Value) {
	switch x := v.(type) {
	case Ref:
		return "!Ref", String(x.Name)
	case GetAtt:
		return "!GetAtt", String(x.Resource + "." + x.Attribute)
	case Sub:
		if len(x.Vars) == 0 {
			return "!Sub", String(x.Template)
		}
		return "!Sub", List{String(x.Template), x.Vars}
	case Fn:
		if isIntrinsic(x.Arg) {
			return "", Map{{x.Name, x.Arg}}
		}
		return "!" + strings.TrimPrefix(x.Name, "Fn::"), x.Arg
	}
	return "", v
}

// flowList: a tagged sequence of at most four one-line scalars (or such
// tagged sequences) is written in flow style, [0, !GetAZs ""], as
// CloudFormation's examples are.
func flowList(l List) bool {
	if len(l) > 4 {
		return false
	}
	for _, e := range l {
		tag, v := shortForm(e)
		switch x := v.(type) {
		case String:
			if strings.Contains(string(x), "\n") {
				return false
			}
		case Int, Bool:
		case List:
			if tag == "" || !flowList(x) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (w *yamlWriter) flow(l List) bool {
	w.b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			w.b.WriteString(", ")
		}
		tag, v := shortForm(e)
		if tag != "" {
			w.b.WriteString(tag)
			w.b.WriteByte(' ')
		}
		if x, ok := v.(List); ok {
			if !w.flow(x) {
				return false
			}
			continue
		}
		if !w.scalar(v, true, 0) {
			return false
		}
	}
	w.b.WriteByte(']')
	return true
}

// key writes a mapping key: plain, or quoted as a value would be.
func (w *yamlWriter) key(k string) bool {
	if len(k) > 128 || strings.Contains(k, "\n") {
		return false // not a simple key
	}
	return w.str(k, false, 0)
}

// scalar writes a scalar and, outside a flow sequence, its line's end.
func (w *yamlWriter) scalar(v Value, inFlow bool, indent int) bool {
	switch x := v.(type) {
	case String:
		if !w.str(string(x), inFlow, indent) {
			return false
		}
	case Int:
		w.b.WriteString(strconv.Itoa(int(x)))
	case Bool:
		w.b.WriteString(strconv.FormatBool(bool(x)))
	default:
		return false
	}
	if !inFlow && w.b.Bytes()[w.b.Len()-1] != '\n' { // a literal block ends its own line
		w.b.WriteByte('\n')
	}
	return true
}

// str writes a string: a literal block when it spans lines, double-quoted
// when a YAML 1.1 reader would take it for something else (needsQuote),
// plain when YAML allows it there, else single-quoted.
func (w *yamlWriter) str(s string, inFlow bool, indent int) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n') || c > 0x7e {
			return false // control or non-ASCII characters: the library's escapes
		}
	}
	switch {
	case strings.Contains(s, "\n"):
		return !inFlow && w.literal(s, indent)
	case needsQuote(s):
		w.b.WriteByte('"')
		for i := 0; i < len(s); i++ {
			if s[i] == '"' || s[i] == '\\' {
				w.b.WriteByte('\\')
			}
			w.b.WriteByte(s[i])
		}
		w.b.WriteByte('"')
	case plainAllowed(s, inFlow):
		w.b.WriteString(s)
	default:
		w.b.WriteByte('\'')
		w.b.WriteString(strings.ReplaceAll(s, "'", "''"))
		w.b.WriteByte('\'')
	}
	return true
}

// literal writes a multi-line string as a literal block scalar, its lines
// two deeper than the line it starts on; a trailing newline is kept with
// "|", none is stripped with "|-". A string a literal block cannot carry
// as is (a leading space or newline, trailing spaces on a line, several
// trailing newlines) is left to the library.
func (w *yamlWriter) literal(s string, indent int) bool {
	if s[0] == ' ' || s[0] == '\n' || strings.Contains(s, " \n") || strings.HasSuffix(s, "\n\n") || strings.HasSuffix(s, " ") {
		return false
	}
	body, chomp := strings.CutSuffix(s, "\n")
	if chomp {
		w.b.WriteString("|\n")
	} else {
		w.b.WriteString("|-\n")
	}
	for line := range strings.SplitSeq(body, "\n") {
		if line != "" {
			w.indent(indent + 2)
			w.b.WriteString(line)
		}
		w.b.WriteByte('\n')
	}
	return true
}

// plainAllowed reports whether s (printable ASCII on one line) reads back
// as itself written plain: YAML 1.2's rules for plain scalars, in block
// context or inside a flow sequence.
func plainAllowed(s string, inFlow bool) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		return false
	}
	spaceAfter := func(i int) bool { return i+1 >= len(s) || s[i+1] == ' ' }
	switch s[0] {
	case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', ':':
		if inFlow || spaceAfter(0) {
			return false
		}
	case '-':
		if spaceAfter(0) {
			return false
		}
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case ',', '?', '[', ']', '{', '}':
			if inFlow {
				return false
			}
		case ':':
			if inFlow || spaceAfter(i) {
				return false
			}
		case '#':
			if s[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}
