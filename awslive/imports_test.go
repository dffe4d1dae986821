package awslive

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyEdgesImportSDK checks that no package but this one and
// internal/cli imports aws-sdk-go-v2 (or smithy-go, its runtime):
// everything else stays pure (DESIGN.md, "Side effects live only at the
// edges").
func TestOnlyEdgesImportSDK(t *testing.T) {
	root := ".."
	allowed := map[string]bool{"awslive": true, "internal/cli": true}
	seen := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		seen++
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if (strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2") || strings.HasPrefix(path, "github.com/aws/smithy-go")) && !allowed[filepath.ToSlash(rel)] {
				t.Errorf("%s imports %s: only awslive and internal/cli may use the AWS SDK", p, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("read only %d Go files; is the module root at ..?", seen)
	}
}

// TestCallsReadOnly checks every action the reader makes only reads.
func TestCallsReadOnly(t *testing.T) {
	for _, a := range Actions() {
		if !readOnly(a) {
			t.Errorf("the policy allows %s, which is not a read", a)
		}
	}
	for _, c := range Calls {
		if len(c.Actions) == 0 || c.run == nil {
			t.Errorf("%s: no actions or nothing to run", c.File)
		}
		for _, a := range c.Actions {
			if !readOnly(a) {
				t.Errorf("%s makes %s, which is not a read", c.File, a)
			}
		}
	}
}
