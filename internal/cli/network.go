package cli

import (
	"bytes"
	"encoding/json"
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
	if path == liveNetwork {
		// A directory named aws is ./aws.
		return loadLive(io.ctx, io)
	}
	if path != "-" {
		fi, err := statInput(path, "network")
		if err != nil {
			return nil, &exitError{code: exitInput, err: err}
		}
		if fi.IsDir() {
			return loadDescribe(io, path)
		}
	}
	src, err := readInput(io, path, "network", maxSpecBytes)
	if err != nil {
		return nil, &exitError{code: exitInput, err: err}
	}
	name := displayName(path)
	if cfnimport.IsTemplate(src) {
		stack := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		if path == "-" {
			stack = "stdin"
		}
		n, d := cfnimport.Parse(name, src, stack)
		if err := reportDiags(io, d, diag.Sources{name: src}); err != nil {
			return nil, err
		}
		return &source{network: n}, nil
	}
	l, err := parseSpec(io, name, src)
	if err != nil {
		return nil, err
	}
	if err := l.report(io); err != nil {
		return nil, err
	}
	return &source{network: l.network, spec: l}, nil
}

// loadDescribe reads a directory of describe-* JSON.
func loadDescribe(io *streams, path string) (*source, error) {
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

// reportDiags prints diagnostics as spec diagnostics are printed and
// returns exit 2 when any is an error. In JSON mode errors are one JSON
// document on stdout, and warnings wait for the command's JSON result.
func reportDiags(io *streams, d diag.List, src diag.Sources) error {
	if len(d) == 0 {
		return nil
	}
	if io.json {
		io.pending = append(io.pending, d...)
		if !d.HasErrors() {
			return nil
		}
		if err := diag.RenderJSON(io.stdout, io.pending); err != nil {
			return &exitError{code: exitInput, err: err}
		}
		return &exitError{code: exitInput}
	}
	if err := diag.Render(io.stderr, d, src); err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if d.HasErrors() {
		return &exitError{code: exitInput}
	}
	return nil
}

// writeJSONResult writes v, a JSON object, on stdout; warnings read on
// the way come first in it, under "diagnostics".
func writeJSONResult(io *streams, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return &exitError{code: exitInput, err: fmt.Errorf("encode json: %w", err)}
	}
	if len(io.pending) > 0 && len(b) > 1 && b[0] == '{' {
		d, err := json.Marshal(io.pending.Sorted())
		if err != nil {
			return &exitError{code: exitInput, err: fmt.Errorf("encode json: %w", err)}
		}
		sep := ","
		if string(b) == "{}" {
			sep = ""
		}
		b = append(append(append([]byte(`{"diagnostics":`), d...), sep...), b[1:]...)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return &exitError{code: exitInput, err: fmt.Errorf("encode json: %w", err)}
	}
	out.WriteByte('\n')
	_, err = io.stdout.Write(out.Bytes())
	return err
}
