package cli

import (
	"fmt"
	"io"
	"os"
)

// Caps on what moat reads, so a wrong or hostile file fails fast with a
// clear error instead of exhausting memory (docs/spec.md, "Limits").
const (
	maxSpecBytes  = 16 << 20 // a spec, a template, a usage file, a price table
	maxOfferBytes = 2 << 30  // an AWS Price List offer file
)

// readInput reads the regular file at path, or standard input for "-",
// refusing special files (a FIFO or a device would block or never end)
// and anything over limit bytes. what names the file in errors ("spec").
func readInput(s *streams, path, what string, limit int64) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = s.stdin
	} else {
		fi, err := statInput(path, what)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("read %s: %s is %s, not a regular file (give - to read standard input)", what, path, modeName(fi.Mode()))
		}
		if fi.Size() > limit {
			return nil, tooBig(what, path, fi.Size(), limit)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, tooBig(what, path, int64(len(b)), limit)
	}
	return b, nil
}

func tooBig(what, path string, size, limit int64) error {
	at := "at least "
	if path != "-" {
		at = ""
	}
	if path == "-" {
		path = "standard input"
	}
	return fmt.Errorf("read %s: %s is %s%s; moat reads at most %s", what, path, at, sizeText(size), sizeText(limit))
}

// sizeText is n bytes in the largest binary unit that keeps it above 1.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func modeName(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return "a special file"
}
