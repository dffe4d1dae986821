package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Write writes data to path so that readers see either the old
// file or the whole new one, never a half-written file: it writes a
// temporary file in the same directory, syncs it and renames it over path.
// The directory must exist: a mistyped -o is an error, not a new tree
// (callers that own their output directory create it with outputDir).
//
// The temporary file is named .<base>.tmp-<pid>-<random>; one left by a
// moat that was killed (its process is gone) is removed first, so a killed
// run leaves nothing behind after the next one.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("write %s: the directory %s does not exist", path, dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("write %s: %s is not a directory", path, dir)
	}
	prefix := "." + filepath.Base(path) + ".tmp-"
	removeStaleTemps(dir, prefix)
	tmp, err := os.CreateTemp(dir, prefix+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// removeStaleTemps removes dir's temporary files named prefix<pid>-...
// whose process no longer runs. Files of a live process (another moat
// writing now) and names without a pid are left alone.
func removeStaleTemps(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || processRuns(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// processRuns reports whether a process with this id exists (signal 0
// checks without sending anything; EPERM means it exists under another
// user).
func processRuns(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
