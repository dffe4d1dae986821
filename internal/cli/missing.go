package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moatnet/moat/internal/editdist"
)

// inputKinds says what a command's argument may be, for the hint when it
// names nothing.
var inputKinds = map[string]string{
	"spec":    "give a stack spec such as examples/webapp.yaml, or write one with moat init",
	"network": "give a stack spec, a CloudFormation template, a directory of describe-* JSON that moat snapshot wrote, or aws for the live account",
	"usage":   "give a YAML file of usage figures such as nat_gb: 500; moat cost lists the keys under its usage table, docs/cost.md explains them",
}

// statInput is os.Stat for a command's input file, whose error says what
// was expected and, when the name is a slip, which file was meant.
func statInput(path, what string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err == nil {
		return fi, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	msg := fmt.Sprintf("read %s: %s does not exist", what, path)
	if near := nearestFile(path); near != "" {
		msg += fmt.Sprintf("; did you mean %s?", near)
	}
	if hint := inputKinds[what]; hint != "" {
		msg += " (" + hint + ")"
	}
	return nil, errors.New(msg)
}

// nearestFile is the entry of path's directory whose name is closest to
// path's, within a third of its length, or "" when none is.
func nearestFile(path string) string {
	dir, base := filepath.Split(path)
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil || base == "" {
		return ""
	}
	best, bestD := "", len(base)/3+1
	// ReadDir sorts by name: of equally near names the first wins.
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") {
			continue
		}
		if d := editdist.Distance(strings.ToLower(base), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return dir + best
}
