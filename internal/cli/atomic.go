package cli

import (
	"fmt"
	"os"

	"github.com/moatnet/moat/internal/atomicfile"
)

// writeFileAtomic writes data to path so that readers see either the old
// file or the whole new one (atomicfile.Write: a temporary file in the same
// directory, synced and renamed over path). The directory must exist: a
// mistyped -o is an error, not a new tree (callers that own their output
// directory create it with outputDir).
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	return atomicfile.Write(path, data, perm)
}

// outputDir creates dir, a directory moat owns (out/<stack>), and its
// parents.
func outputDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	return nil
}
