package cli

import (
	"fmt"
	"os"

	"github.com/moatnet/moat/model"
)

// source is a network read from the command line, whatever its kind.
type source struct {
	network *model.Network
	// spec is set when the network came from a stack spec; commands that
	// derive intent from the spec (verify) need it.
	spec *loaded
}

// loadNetwork reads NETWORK as every command that takes one does: a stack
// spec (YAML), a directory of `aws ec2 describe-*` JSON, or a
// CloudFormation template. Problems in a spec are printed as diagnostics
// and turn into exit 2.
func loadNetwork(io *streams, path string) (*source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("read network: %w", err)}
	}
	if fi.IsDir() {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("%s is a directory: reading describe-* JSON is not supported yet; pass a stack spec", path)}
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
