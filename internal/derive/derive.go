package derive

import (
	"errors"
	"fmt"
	"strings"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/diagram"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Assertions turns the spec's assert section into analyzer assertions. A
// name the network does not know is a diagnostic at the assertion's
// position, and that assertion is left out.
func Assertions(st *spec.Stack, ix *analyze.Index) ([]analyze.Assertion, diag.List) {
	if st == nil {
		return nil, nil
	}
	var out []analyze.Assertion
	var ds diag.List
	for _, a := range st.Assert {
		if _, err := ix.Resolve(a.From, true); err != nil {
			ds.Errorf(a.Range, "name internet, an address such as sg/db or subnet/private/use1-az1, an id or an IP", "assertion %q: source: %v", a.Text, err)
			continue
		}
		if _, err := ix.Resolve(a.To, false); err != nil {
			ds.Errorf(a.Range, "name internet, an address such as sg/db or subnet/private/use1-az1, an id, an IP or an AWS service", "assertion %q: destination: %v", a.Text, err)
			continue
		}
		out = append(out, analyze.Assertion{
			Never: a.Never, From: a.From, To: a.To, Proto: a.Proto, Port: a.Port,
			Origin: fmt.Sprintf("%s:%d:%d", a.Range.File, a.Range.Start.Line, a.Range.Start.Column),
		})
	}
	return out, ds
}

// PathOptions are the diagram options that draw a's path: the first path
// whose outcome is the verdict's (a blocked one for a blocked answer), its
// hops highlighted in order and its first blocker marked.
func PathOptions(a analyze.Answer) diagram.Options {
	if len(a.Paths) == 0 {
		return diagram.Options{}
	}
	p := a.Paths[0]
	for _, x := range a.Paths {
		if x.Reachable == (a.Verdict != analyze.Blocked) {
			p = x
			break
		}
	}
	var hl []model.ResourceRef
	add := func(x model.ResourceRef) {
		if x != "" && (len(hl) == 0 || hl[len(hl)-1] != x) {
			hl = append(hl, x)
		}
	}
	if p.Flow.Src.Kind == analyze.Internet {
		add(diagram.Internet)
	}
	add(p.Flow.Src.Addr)
	for _, h := range p.Forward {
		add(h.Resource)
	}
	opts := diagram.Options{Highlight: hl}
	if len(p.Blockers) > 0 {
		opts.Blocked, opts.BlockedNote = p.Blockers[0].Resource, p.Blockers[0].Reason
	}
	return opts
}

// Template emits the network as CloudFormation, checks that every
// reference in it resolves, and encodes it as format (yaml or json). It
// returns the body and the number of resources.
func Template(n *model.Network, format string) ([]byte, int, error) {
	t, ds := cfn.FromNetwork(n)
	if ds.HasErrors() {
		return nil, 0, fmt.Errorf("build template: %w", Summaries(ds))
	}
	if errs := cfn.Check(t); len(errs) > 0 {
		return nil, 0, fmt.Errorf("template failed its own check (a moat bug; please report it): %w", errs[0])
	}
	body, err := t.Encode(format)
	if err != nil {
		return nil, 0, fmt.Errorf("encode template: %w", err)
	}
	return body, len(t.Resources), nil
}

// Summaries is the error of diagnostics that have no place in a file (a
// network's problems, found by an emitter or the twin's planner): their
// summaries, one a line, without the "<input>: error:" a positioned list
// would print.
func Summaries(ds diag.List) error {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Summary)
	}
	return errors.New(b.String())
}
