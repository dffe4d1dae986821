package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// source is a network read from the command line, whatever its kind.
type source struct {
	network *model.Network
	// spec is set when the network came from a stack spec; commands that
	// derive intent from the spec (verify) need it.
	spec *loaded
}

// loadNetwork reads NETWORK as every command that takes one does: a
// directory of `aws ec2 describe-*` JSON (awsjson), a file that is a
// CloudFormation template (cfnimport.IsTemplate), or else a stack spec.
// Problems are printed as diagnostics, the same way for all three, and
// errors turn into exit 2.
func loadNetwork(io *streams, path string) (*source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("read network: %w", err)}
	}
	if fi.IsDir() {
		r, diags := awsjson.Load(os.DirFS(path), filepath.ToSlash(filepath.Clean(path)), filepath.Base(filepath.Clean(path)))
		if err := reportDiags(io, diags, r.Sources); err != nil {
			return nil, err
		}
		if r.Files == 0 {
			return nil, &exitError{code: exitInput, err: fmt.Errorf("%s holds no describe-* JSON moat reads; see docs/import.md", path)}
		}
		if len(r.Ignored) > 0 {
			fmt.Fprintf(io.stderr, "moat: ignored %d files moat does not read: %s\n", len(r.Ignored), strings.Join(r.Ignored, ", "))
		}
		return &source{network: r.Network}, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("read network: %w", err)}
	}
	if cfnimport.IsTemplate(src) {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		n, d := cfnimport.Parse(path, src, name)
		if err := reportDiags(io, d, diag.Sources{path: src}); err != nil {
			return nil, err
		}
		return &source{network: n}, nil
	}
	l, err := loadSpec(path)
	if err != nil {
		return nil, &exitError{code: exitInput, err: err}
	}
	if err := l.report(io, "text"); err != nil {
		return nil, err
	}
	return &source{network: l.network, spec: l}, nil
}

// reportDiags prints diagnostics as spec diagnostics are printed and
// returns exit 2 when any is an error.
func reportDiags(io *streams, d diag.List, src diag.Sources) error {
	if len(d) == 0 {
		return nil
	}
	if err := diag.Render(io.stderr, d, src); err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if d.HasErrors() {
		return &exitError{code: exitInput}
	}
	return nil
}
