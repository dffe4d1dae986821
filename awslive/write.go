package awslive

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// WriteDir writes the snapshot to dir so that a reader sees the old
// snapshot or the whole new one, never a part: it writes a temporary
// directory next to dir and renames it into place. An existing dir is
// replaced only when it is empty or looks like a snapshot (every entry an
// account folder), so a mistyped -o never deletes someone's files.
func (s *Snapshot) WriteDir(dir string) (err error) {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return fmt.Errorf("write %s: the directory %s does not exist", dir, parent)
	}
	exists := false
	if fi, err := os.Lstat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("write %s: it exists and is not a directory", dir)
		}
		if err := replaceable(dir); err != nil {
			return err
		}
		exists = true
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-"+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for _, p := range s.Paths() {
		f := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", dir, err)
		}
		if err := writeSynced(f, s.Files[p]); err != nil {
			return fmt.Errorf("write %s: %w", dir, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("write %s: %w", dir, err)
		}
		return nil
	}
	if err := exchange(tmp, dir); err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	// tmp now holds the old snapshot.
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("write %s: remove the old snapshot: %w", dir, err)
	}
	return nil
}

var accountDir = regexp.MustCompile(`^[0-9]+$`)

// replaceable says why dir may not be replaced by a snapshot, or nil.
func replaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() || !accountDir.MatchString(e.Name()) {
			return fmt.Errorf("write %s: it holds %s, so it is not a moat snapshot; moat replaces only an empty directory or an earlier snapshot: give a new directory", dir, e.Name())
		}
	}
	return nil
}

func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
