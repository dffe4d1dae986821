package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrBusy is returned when another moat is building or removing the same
// twin: two at once would tear down each other's namespaces midway.
var ErrBusy = errors.New("twin is busy")

// busyError says who holds the lock; it is ErrBusy.
type busyError struct{ msg string }

func (e *busyError) Error() string        { return e.msg }
func (e *busyError) Is(target error) bool { return target == ErrBusy }

// lockPath is a stack's lock file. It sits beside the state directory
// (StateRoot/STACK.lock), not inside it, because Up empties the directory
// while it holds the lock. Down removes it, still holding it; a taker
// checks, once it holds the lock, that the file it locked is still the
// one at the path, so a removed file's last holder and the next file's
// first cannot both hold the lock.
func lockPath(stack string) string { return filepath.Join(StateRoot, stack+".lock") }

// stackLock is a held lock.
type stackLock struct {
	f    *os.File
	path string
}

// release lets the lock go.
func (l *stackLock) release() { l.f.Close() }

// remove deletes the lock file and lets the lock go: the twin is gone.
func (l *stackLock) remove() {
	_ = os.Remove(l.path)
	l.f.Close()
}

// lock takes the stack's lock without waiting (flock, released when the
// process ends however it ends). When another process holds it, the error
// is ErrBusy and names that process.
func lock(stack string) (*stackLock, error) {
	if err := os.MkdirAll(StateRoot, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", StateRoot, err)
	}
	path := lockPath(stack)
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock twin %s: %w", stack, err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				who := "another moat"
				if pid, ok := LockHolder(stack); ok {
					who = fmt.Sprintf("another moat (pid %d)", pid)
				}
				return nil, &busyError{fmt.Sprintf("%s is building or removing twin %s: wait for it to finish, then run the command again", who, stack)}
			}
			return nil, fmt.Errorf("lock twin %s: %w", stack, err)
		}
		var held, now unix.Stat_t
		if unix.Fstat(int(f.Fd()), &held) == nil && unix.Stat(path, &now) == nil && held.Dev == now.Dev && held.Ino == now.Ino {
			return &stackLock{f: f, path: path}, nil
		}
		f.Close() // removed by a Down meanwhile: take the new file's
	}
	return nil, fmt.Errorf("lock twin %s: %s keeps changing", stack, path)
}

// Lock takes a stack's lock as Up and Down do, for tests that play a
// concurrent moat; release it with the function returned.
func Lock(stack string) (func(), error) {
	l, err := lock(stack)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}

// LockHolder is the process holding a stack's lock (an up or down of it
// under way), read from /proc/locks so that looking never takes the lock
// from under a moat about to.
func LockHolder(stack string) (int, bool) {
	var st unix.Stat_t
	if err := unix.Stat(lockPath(stack), &st); err != nil {
		return 0, false
	}
	dev := fmt.Sprintf("%02x:%02x:%d", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		// "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"
		if len(f) >= 6 && f[1] == "FLOCK" && f[3] == "WRITE" && f[5] == dev {
			if pid, err := strconv.Atoi(f[4]); err == nil {
				return pid, true
			}
		}
	}
	return 0, false
}
