package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/region"
	"go.yaml.in/yaml/v4"
)

// Top-level keys, in the order the reference documents them.
var topKeys = []string{"stack", "region", "environment", "network", "frontend", "service", "database", "bastion", "tags", "assert", "topology", "egress", "accounts"}

// Parse reads a stack spec. file names the spec in diagnostics; src is its
// content. Parse fills every default (see docs/spec.md) and reports every
// problem it finds, sorted by position.
//
// The returned Stack is never nil. When the list has errors the Stack is
// incomplete and must not be compiled; warnings leave it usable.
func Parse(file string, src []byte) (*Stack, diag.List) {
	p := &parser{
		file:  file,
		lines: strings.Split(string(src), "\n"),
		runes: map[int][]rune{},
		st:    &Stack{File: file, pos: map[string]diag.Range{}},
	}
	p.root = p.load(src)
	if p.root != nil {
		p.stack()
	}
	// A key given as an alias is reported as one; it is not also missing.
	p.diags = slices.DeleteFunc(p.diags, func(d diag.Diagnostic) bool {
		k, ok := strings.CutSuffix(d.Summary, " is required")
		return ok && p.aliased[k]
	})
	return p.st, p.diags.Sorted()
}

// start is 1:1 of the file, where whole-file problems are reported.
func (p *parser) start() diag.Range {
	return diag.Range{File: p.file, Start: diag.Pos{Line: 1, Column: 1}}
}

// load parses the YAML and returns the root mapping, or nil after
// reporting why there is none: a syntax error, an empty file, a root that
// is not a mapping, or more than one document.
func (p *parser) load(src []byte) (root *yaml.Node) {
	// yaml/v4 is not ours; a panic inside it must still end as a
	// diagnostic, never a crash.
	defer func() {
		if r := recover(); r != nil {
			p.diags.Errorf(p.start(), "please report this file to the moat maintainers", "the YAML parser failed: %v", r)
			root = nil
		}
	}()
	// Duplicate keys are reported by the walker with both positions, so the
	// loader must keep them rather than fail.
	l, err := yaml.NewLoader(bytes.NewReader(src), yaml.WithUniqueKeys(false))
	if err != nil {
		p.yamlError(err)
		return nil
	}
	var doc yaml.Node
	switch err := l.Load(&doc); {
	case errors.Is(err, io.EOF):
		p.diags.Errorf(p.start(), "start with stack: NAME and region: REGION", "the spec is empty")
		return nil
	case err != nil:
		p.yamlError(err)
		return nil
	}
	var next yaml.Node
	switch err := l.Load(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.yamlError(err)
	default:
		r := diag.Range{File: p.file, Start: diag.Pos{Line: max(next.Line, 1), Column: max(next.Column, 1)}}
		p.diags.Errorf(r, "a spec is one YAML document; remove the --- line and what follows, or move it to its own file", "the file holds more than one YAML document")
	}
	if len(doc.Content) == 0 {
		p.diags.Errorf(p.start(), "start with stack: NAME and region: REGION", "the spec is empty")
		return nil
	}
	n := doc.Content[0]
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		p.diags.Errorf(p.start(), "start with stack: NAME and region: REGION", "the spec is empty")
		return nil
	case n.Kind != yaml.MappingNode:
		p.diags.Errorf(p.start(), "a spec is a mapping of keys such as stack: and region:, each on its own line", "the spec must be a mapping, not %s", describe(n))
		return nil
	}
	return n
}

// yamlError turns a YAML syntax error into a diagnostic at its position,
// keeping the parser's message and the construct it was reading.
func (p *parser) yamlError(err error) {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		p.diags.Errorf(p.start(), "check the indentation, quotes and brackets", "invalid YAML: %s", lowerFirst(err.Error()))
		return
	}
	if le.Mark.Line == 0 {
		// The reader refused a byte before any token: find it, rather
		// than point at the top of the file.
		if at, what, ok := p.unreadable(); ok {
			p.diags.Errorf(diag.Range{File: p.file, Start: at}, "save the spec as UTF-8 text; YAML allows no control characters but tab and line breaks",
				"invalid YAML: %s", what)
			return
		}
	}
	r := diag.Range{File: p.file, Start: p.clampToText(diag.Pos{Line: max(le.Mark.Line, 1), Column: max(le.Mark.Column, 1)})}
	hint := "check the indentation, quotes and brackets"
	if le.ContextMsg != "" {
		hint = fmt.Sprintf("%s (%s", hint, le.ContextMsg)
		if le.ContextMark.Line > 0 {
			hint += fmt.Sprintf(" from line %d, column %d", le.ContextMark.Line, le.ContextMark.Column)
		}
		hint += ")"
	}
	if p.runeAt(r.Start) == '\t' {
		hint = "YAML indents with spaces, never tabs; replace the tab with spaces"
	}
	p.diags.Errorf(r, hint, "invalid YAML: %s", lowerFirst(le.Message))
}

// clampToText moves a position in the blank tail of the file (where the
// parser notices an unclosed bracket or quote) to just after the last
// text, so the caret lands on a line the user can see.
func (p *parser) clampToText(at diag.Pos) diag.Pos {
	last := 0
	for i, l := range p.lines {
		if strings.TrimSpace(l) != "" {
			last = i + 1
		}
	}
	if last == 0 || at.Line <= last {
		return at
	}
	return diag.Pos{Line: last, Column: utf8.RuneCountInString(strings.TrimRight(p.lines[last-1], " \t\r")) + 1}
}

// unreadable finds the first byte YAML does not take as text: a byte that
// is not UTF-8, or a control character other than tab, line feed and
// carriage return (https://yaml.org/spec/1.2.2/#51-character-set).
func (p *parser) unreadable() (diag.Pos, string, bool) {
	for i, line := range p.lines {
		col := 0
		for off := 0; off < len(line); {
			r, size := utf8.DecodeRuneInString(line[off:])
			col++
			switch {
			case r == utf8.RuneError && size == 1:
				return diag.Pos{Line: i + 1, Column: col}, fmt.Sprintf("byte 0x%02X is not UTF-8", line[off]), true
			case r != '\t' && r != '\r' && (r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F && r != 0x85) || r == 0xFFFE || r == 0xFFFF):
				return diag.Pos{Line: i + 1, Column: col}, fmt.Sprintf("control character U+%04X", r), true
			}
			off += size
		}
	}
	return diag.Pos{}, "", false
}

// runeAt returns the rune at a position, or 0.
func (p *parser) runeAt(at diag.Pos) rune {
	if at.Line > len(p.lines) {
		return 0
	}
	for i, r := range []rune(p.lines[at.Line-1]) {
		if i == at.Column-1 {
			return r
		}
	}
	return 0
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// stack walks the root mapping. Sections are read in dependency order:
// defaults of later sections depend on earlier ones (environment → NAT and
// flow logs, service → front end kind, ipv6 → allow_from).
func (p *parser) stack() {
	f, _ := p.fields("", field{val: p.root}, topKeys)
	st := p.st
	st.Name = p.name(f["stack"])
	st.Region = p.region(f["region"])
	st.Environment = model.Prod
	if v := f["environment"]; v.present() {
		if s, ok := p.enum("environment", v.val, []string{"dev", "prod"}); ok {
			st.Environment = model.Environment(s)
		}
	}
	p.network(f["network"])
	p.service(f["service"])
	// notify reaches the auto-scaling groups: NAT instances' and ecs-ec2 hosts'.
	if st.Network.NAT.Notify != "" && st.Network.NAT.Mode != NATInstance && (st.Service == nil || st.Service.Kind != model.ECSEC2) {
		p.warnAt("network.nat.notify", "remove it, or set mode: instance", "network.nat.notify has no effect: with mode %s and no ecs-ec2 service there is no auto-scaling group to report", st.Network.NAT.Mode)
	}
	p.database(f["database"])
	p.frontend(f["frontend"])
	p.bastion(f["bastion"])
	p.asserts(f["assert"])
	p.topology(f["topology"], f["egress"], f["accounts"])
	p.checkExisting()
	p.tags(f["tags"]) // last: which resources the tags reach sets their limits
}

// name reads the stack name, which prefixes every resource name.
func (p *parser) name(f field) string {
	if !f.present() {
		p.errorAt("", "add a line such as stack: webapp (it prefixes every resource name)", "stack is required")
		return ""
	}
	s, ok := p.str("stack", f.val)
	if !ok {
		return ""
	}
	if !validName(s) {
		p.errorf(f.val, nameHint(s), "stack %q is not a valid name", s)
	}
	return s
}

// region reads the AWS Region, which must be one whose AZ IDs moat knows.
func (p *parser) region(f field) string {
	known := region.Names()
	list := "moat knows " + strings.Join(known, ", ")
	if !f.present() {
		p.errorAt("", "add a line such as region: us-east-1; "+list, "region is required")
		return ""
	}
	s, ok := p.str("region", f.val)
	if !ok {
		return ""
	}
	if !region.Known(s) {
		hint := list
		if c, ok := closest(s, known); ok {
			hint = fmt.Sprintf("did you mean %s? %s", c, list)
		}
		p.errorf(f.val, hint, "region %q is not a Region moat knows", s)
	}
	return s
}
