package cfnimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/moatnet/moat/diag"
)

// node is a template value with its position: a scalar, a list, a mapping
// or an intrinsic function. YAML short tags and JSON long forms both
// become fn nodes, so the evaluator sees one shape.
type node struct {
	kind  nodeKind
	str   string // scalar text
	null  bool
	items []*node // list items
	keys  []string
	vals  []*node // mapping values, in keys order
	fn    string  // "Ref", "Fn::GetAtt", ...
	arg   *node
	pos   diag.Pos
}

type nodeKind int

const (
	scalarNode nodeKind = iota
	listNode
	mapNode
	fnNode
)

// get returns the value of key k of a mapping, or nil.
func (n *node) get(k string) *node {
	if n == nil || n.kind != mapNode {
		return nil
	}
	for i, key := range n.keys {
		if key == k {
			return n.vals[i]
		}
	}
	return nil
}

// intrinsics are the functions CloudFormation defines; short tags map to
// them with "!Name" -> "Fn::Name" (Ref and Condition keep their names).
var intrinsics = map[string]bool{
	"Ref": true, "Condition": true, "Fn::GetAtt": true, "Fn::Sub": true, "Fn::Select": true,
	"Fn::Cidr": true, "Fn::GetAZs": true, "Fn::Join": true, "Fn::If": true, "Fn::Split": true,
	"Fn::ImportValue": true, "Fn::FindInMap": true, "Fn::Base64": true, "Fn::Equals": true,
	"Fn::Not": true, "Fn::And": true, "Fn::Or": true, "Fn::Length": true, "Fn::ToJsonString": true,
	"Fn::Transform": true, "Fn::GetStackOutput": true, "Fn::ForEach": true,
}

// maxNodes bounds the tree, whatever the input.
const maxNodes = 1 << 20

type reader struct {
	file  string
	diags diag.List
	count int
}

func (r *reader) errorf(p diag.Pos, hint, format string, args ...any) {
	r.diags.Errorf(diag.Range{File: r.file, Start: p}, hint, format, args...)
}

// parse reads src as YAML (JSON is YAML) into a node tree.
func (r *reader) parse(src []byte) (root *node) {
	defer func() {
		if v := recover(); v != nil {
			r.errorf(diag.Pos{Line: 1, Column: 1}, "please report this file to the moat maintainers", "the YAML parser failed: %v", v)
			root = nil
		}
	}()
	l, err := yaml.NewLoader(bytes.NewReader(src), yaml.WithUniqueKeys(false))
	if err != nil {
		r.yamlError(err)
		return nil
	}
	var doc yaml.Node
	if err := l.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.errorf(diag.Pos{Line: 1, Column: 1}, "", "the template is empty")
		} else {
			r.yamlError(err)
		}
		return nil
	}
	if len(doc.Content) == 0 {
		r.errorf(diag.Pos{Line: 1, Column: 1}, "", "the template is empty")
		return nil
	}
	return r.convert(doc.Content[0], 0)
}

func (r *reader) yamlError(err error) {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		r.errorf(diag.Pos{Line: max(le.Mark.Line, 1), Column: max(le.Mark.Column, 1)}, "check the indentation, quotes and brackets", "invalid YAML: %s", le.Message)
		return
	}
	r.errorf(diag.Pos{Line: 1, Column: 1}, "check the indentation, quotes and brackets", "invalid YAML: %v", err)
}

func (r *reader) convert(y *yaml.Node, depth int) *node {
	r.count++
	p := diag.Pos{Line: y.Line, Column: y.Column}
	if r.count > maxNodes || depth > 200 {
		if r.count == maxNodes+1 || depth == 201 {
			r.errorf(p, "", "the template is too large or too deeply nested")
		}
		return &node{kind: scalarNode, null: true, pos: p}
	}
	// CloudFormation rejects YAML aliases; refusing them also keeps a
	// small file from expanding into a huge tree.
	if y.Kind == yaml.AliasNode {
		r.errorf(p, "repeat the value instead: CloudFormation does not support YAML aliases", "YAML aliases (*%s) are not supported", y.Value)
		return &node{kind: scalarNode, null: true, pos: p}
	}
	var n *node
	switch y.Kind {
	case yaml.ScalarNode:
		n = &node{kind: scalarNode, str: y.Value, null: y.ShortTag() == "!!null", pos: p}
	case yaml.SequenceNode:
		n = &node{kind: listNode, pos: p}
		for _, c := range y.Content {
			n.items = append(n.items, r.convert(c, depth+1))
		}
	case yaml.MappingNode:
		n = &node{kind: mapNode, pos: p}
		seen := map[string]int{}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
				r.errorf(diag.Pos{Line: k.Line, Column: k.Column}, "CloudFormation does not expand YAML merge keys", "merge keys (<<) are not supported")
				continue
			}
			// A JSON decoder keeps the last of two equal keys and YAML
			// readers differ: say so rather than pick one silently.
			if line, dup := seen[k.Value]; dup {
				r.errorf(diag.Pos{Line: k.Line, Column: k.Column}, fmt.Sprintf("it is already set at line %d; keep one", line), "key %q appears twice in one mapping", k.Value)
				continue
			}
			seen[k.Value] = k.Line
			n.keys = append(n.keys, k.Value)
			n.vals = append(n.vals, r.convert(y.Content[i+1], depth+1))
		}
		// Long form: {"Ref": x} or {"Fn::Name": x}.
		if len(n.keys) == 1 && (n.keys[0] == "Ref" || n.keys[0] == "Condition" && n.vals[0].kind == scalarNode || strings.HasPrefix(n.keys[0], "Fn::")) {
			if !intrinsics[n.keys[0]] {
				r.errorf(p, "see the CloudFormation intrinsic function reference", "unknown intrinsic function %s", n.keys[0])
				return &node{kind: scalarNode, null: true, pos: p}
			}
			if n.keys[0] == "Condition" {
				return n // a condition reference inside a condition; kept as a mapping
			}
			return &node{kind: fnNode, fn: n.keys[0], arg: n.vals[0], pos: p}
		}
	default:
		return &node{kind: scalarNode, null: true, pos: p}
	}
	if tag := y.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		name := "Fn::" + tag[1:]
		if tag == "!Ref" || tag == "!Condition" {
			name = tag[1:]
		}
		if !intrinsics[name] {
			r.errorf(p, "see the CloudFormation intrinsic function reference", "unknown intrinsic function %s", tag)
			return &node{kind: scalarNode, null: true, pos: p}
		}
		// !GetAtt A.B is the short form of [A, B].
		if name == "Fn::GetAtt" && n.kind == scalarNode {
			res, attr, _ := strings.Cut(n.str, ".")
			n = &node{kind: listNode, pos: p, items: []*node{{kind: scalarNode, str: res, pos: p}, {kind: scalarNode, str: attr, pos: p}}}
		}
		return &node{kind: fnNode, fn: name, arg: n, pos: p}
	}
	return n
}

// text renders a node in short form for messages: !Select [0, !GetAZs ""].
func text(n *node) string {
	var b strings.Builder
	write(&b, n, 0)
	s := b.String()
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func write(b *strings.Builder, n *node, depth int) {
	if n == nil || depth > 8 || b.Len() > 200 {
		b.WriteString("…")
		return
	}
	switch n.kind {
	case scalarNode:
		if n.null {
			b.WriteString("null")
		} else {
			fmt.Fprintf(b, "%q", n.str)
		}
	case listNode:
		b.WriteString("[")
		for i, it := range n.items {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, it, depth+1)
		}
		b.WriteString("]")
	case mapNode:
		b.WriteString("{")
		for i, k := range n.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%s: ", k)
			write(b, n.vals[i], depth+1)
		}
		b.WriteString("}")
	case fnNode:
		b.WriteString("!" + strings.TrimPrefix(n.fn, "Fn::") + " ")
		write(b, n.arg, depth+1)
	}
}
