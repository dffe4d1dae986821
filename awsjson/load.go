package awsjson

import (
	"io/fs"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// Result is what Load read.
type Result struct {
	// Network is nil when a diagnostic is an error: a file could not be
	// decoded, or the files contradict each other (model.Finish).
	Network *model.Network
	// diags are what Load returns beside the result.
	diags diag.List
	// Sources holds the files Diags point into, for diag.Render.
	Sources diag.Sources
	// Ignored lists files moat does not read, sorted.
	Ignored []string
	// Files is how many files were read.
	Files int
	// Offerings are the instance types offered per AZ ID, from
	// describe-instance-type-offerings files; nil when there are none.
	Offerings model.Offerings
}

// Load reads every recognised file under fsys (the whole tree, in lexical
// order) into one Network named name. root is prefixed to file names in
// diagnostics, so they point where the user's files are. Load never
// panics, whatever the files hold. The diagnostics are errors (malformed
// files, files that contradict each other) and warnings (values that could
// not be read, references to resources no file describes).
func Load(fsys fs.FS, root, name string) (*Result, diag.List) {
	r := &Result{Sources: diag.Sources{}}
	files := readAll(fsys, root, r)
	r.Files = len(files)
	if r.diags.HasErrors() {
		return r, r.diags.Sorted()
	}
	b := newBuilder(files, r)
	r.Network = b.build(name)
	r.Offerings = offerings(files, r)
	return r, r.diags.Sorted()
}
