package cli

import (
	"fmt"
	"os"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// loaded is a spec read from disk and, when it parsed cleanly, compiled.
type loaded struct {
	stack   *spec.Stack
	network *model.Network // nil when the spec has errors
	diags   diag.List
	sources diag.Sources
}

// loadSpec reads, parses and compiles the spec at path. Compiler checks run
// only on a spec that parsed without errors, so a typo is not buried under
// the problems it causes downstream. An error is returned only when the
// file cannot be read.
func loadSpec(path string) (*loaded, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	l := &loaded{sources: diag.Sources{path: src}}
	l.stack, l.diags = spec.Parse(path, src)
	if l.diags.HasErrors() || l.stack == nil {
		return l, nil
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
