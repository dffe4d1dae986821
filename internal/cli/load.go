package cli

import (
	"fmt"

	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/existing"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// loaded is a spec read from disk and, when it parsed cleanly, compiled.
type loaded struct {
	stack   *spec.Stack
	network *model.Network // nil when the spec has errors
	diags   diag.List
	sources diag.Sources
	// choice is where a spec with network.existing went in its VPC.
	choice *existing.Choice
}

// loadSpec reads, parses and compiles the spec at path. Compiler checks run
// only on a spec that parsed without errors, so a typo is not buried under
// the problems it causes downstream. An error is returned only when the
// file cannot be read.
// "-" reads the spec from standard input.
func loadSpec(s *streams, path string) (*loaded, error) {
	src, err := readInput(s, path, "spec", maxSpecBytes)
	if err != nil {
		return nil, err
	}
	if cfnimport.IsTemplate(src) {
		// Not seven "unknown key" errors: say what the file is.
		return nil, fmt.Errorf("%s is a CloudFormation template, not a stack spec: the commands that take a NETWORK (inspect, audit, verify, reach, cost, diagram, explain, twin, drift) read templates; validate and plan take the spec", displayName(path))
	}
	return parseSpec(s, displayName(path), src)
}

// displayName is how diagnostics name the file at path.
func displayName(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

// parseSpec parses and compiles the spec src, read from the file name.
// A spec with network.existing is placed into its VPC, read as --from
// says.
func parseSpec(io *streams, name string, src []byte) (*loaded, error) {
	l := &loaded{sources: diag.Sources{name: src}}
	l.stack, l.diags = spec.Parse(name, src)
	if l.diags.HasErrors() || l.stack == nil {
		return l, nil
	}
	if l.stack.Network.IsExisting() {
		return l, buildExisting(io, l)
	}
	n, cd := compile.Compile(l.stack)
	l.diags = append(l.diags, cd...)
	if !cd.HasErrors() {
		l.network = n
	}
	return l, nil
}

// report prints the diagnostics (as JSON in JSON mode) and returns the
// exit error for a spec with errors.
func (l *loaded) report(io *streams) error {
	return reportDiags(io, l.diags, l.sources)
}
