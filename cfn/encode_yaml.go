package cfn

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// YAML encodes the template with CloudFormation's short-form tags (!Ref,
// !GetAtt Res.Attr, !Sub, !Select, ...), two-space indentation, and literal
// blocks for multi-line strings such as user data.
func (t *Template) YAML() ([]byte, error) {
	doc, err := t.tree()
	if err != nil {
		return nil, err
	}
	if b, ok := writeYAML(doc); ok {
		return b, nil
	}
	return libraryYAML(doc)
}

// libraryYAML encodes doc with the yaml library: the path for the shapes
// writeYAML leaves alone, and the reference TestFastYAMLMatchesLibrary
// compares it with.
func libraryYAML(doc Map) ([]byte, error) {
	root, err := yamlNode(doc)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	// No line wrapping: long descriptions and ARNs stay on one line, which
	// diffs better and reads like hand-written CloudFormation.
	d, err := yaml.NewDumper(&b, yaml.WithV3Defaults(), yaml.WithIndent(2), yaml.WithLineWidth(-1))
	if err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := d.Dump(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := d.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return b.Bytes(), nil
}

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// strNode is a string scalar, double-quoted when a YAML 1.1 reader (which
// is what CloudFormation and many tools still are) could take it for
// something else.
func strNode(s string) *yaml.Node {
	n := scalar("!!str", s)
	switch {
	case strings.Contains(s, "\n"):
		n.Style = yaml.LiteralStyle
	case needsQuote(s):
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

var (
	// YAML 1.1 booleans and nulls, which YAML 1.2 readers take as strings.
	yaml11Words = map[string]bool{
		"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
		"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
		"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true, "~": true, "null": true, "Null": true, "NULL": true,
	}
	// Anything number-like: ints, floats, octal/hex/binary, sexagesimal
	// (1.1), and dates/timestamps (1.1 resolves "2012-10-17" to a date).
	numberLike = regexp.MustCompile(`^(?:[-+]?(?:\.[0-9]|[0-9])[0-9_:.,]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?i:inf|nan)|0[xXoObB][0-9a-fA-F_]+|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$`)
)

// needsQuote reports whether a plain scalar s would be read back as
// anything but the string s. Syntax-level problems (leading '*', ': ', '#')
// are left to the emitter, which quotes those itself.
func needsQuote(s string) bool {
	if s == "" || yaml11Words[s] {
		return true
	}
	// Every form numberLike matches starts with a digit, a sign or a dot:
	// most strings (names, ARNs, descriptions) need no regexp.
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '-', c == '+', c == '.':
		return numberLike.MatchString(s)
	}
	return false
}

func yamlNode(v Value) (*yaml.Node, error) {
	switch v := v.(type) {
	case String:
		return strNode(string(v)), nil
	case Int:
		return scalar("!!int", strconv.Itoa(int(v))), nil
	case Bool:
		return scalar("!!bool", strconv.FormatBool(bool(v))), nil
	case List:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range v {
			c, err := yamlNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		if len(v) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	case Map:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, f := range v {
			c, err := yamlNode(f.Value)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, strNode(f.Key), c)
		}
		if len(v) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	case Ref:
		return tagged("!Ref", strNode(v.Name)), nil
	case GetAtt:
		// The dotted short form is only unambiguous when the attribute is
		// a plain name, which is true of every attribute moat uses.
		return tagged("!GetAtt", strNode(v.Resource+"."+v.Attribute)), nil
	case Sub:
		if len(v.Vars) == 0 {
			return tagged("!Sub", strNode(v.Template)), nil
		}
		vars, err := yamlNode(v.Vars)
		if err != nil {
			return nil, err
		}
		return tagged("!Sub", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{strNode(v.Template), vars}}), nil
	case Fn:
		arg, err := yamlNode(v.Arg)
		if err != nil {
			return nil, err
		}
		if isIntrinsic(v.Arg) {
			// A node carries one tag, so "!Base64 !Sub x" cannot be
			// written; CloudFormation's documented fix is the long key.
			return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{strNode(v.Name), arg}}, nil
		}
		return tagged("!"+strings.TrimPrefix(v.Name, "Fn::"), arg), nil
	case nil:
		return nil, fmt.Errorf("nil value in template")
	}
	return nil, fmt.Errorf("cannot encode %T as YAML", v)
}

func isIntrinsic(v Value) bool {
	switch v.(type) {
	case Ref, GetAtt, Sub, Fn:
		return true
	}
	return false
}

// tagged puts a short-form tag on n. Short sequences of scalars are written
// in flow style ([0, !GetAZs ""]) as CloudFormation's examples do.
func tagged(tag string, n *yaml.Node) *yaml.Node {
	n.Tag = tag
	if n.Kind == yaml.ScalarNode && n.Style == yaml.DoubleQuotedStyle && !needsQuote(n.Value) {
		n.Style = 0
	}
	if n.Kind == yaml.SequenceNode && flowable(n) {
		n.Style = yaml.FlowStyle
	}
	return n
}

func flowable(n *yaml.Node) bool {
	if len(n.Content) > 4 {
		return false
	}
	for _, c := range n.Content {
		if c.Kind == yaml.ScalarNode && !strings.Contains(c.Value, "\n") {
			continue
		}
		if c.Kind == yaml.SequenceNode && c.Tag != "!!seq" && flowable(c) {
			continue
		}
		return false
	}
	return true
}
