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
// while it holds the lock; it is never removed, since removing a lock file
// races with the next taker.
func lockPath(stack string) string { return filepath.Join(StateRoot, stack+".lock") }

// lock takes the stack's lock without waiting (flock, released when the
// process ends however it ends) and returns its release. When another
// process holds it, the error wraps ErrBusy and names that process.
func lock(stack string) (func(), error) {
	if err := os.MkdirAll(StateRoot, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", StateRoot, err)
	}
	f, err := os.OpenFile(lockPath(stack), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock twin %s: %w", stack, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		b, _ := os.ReadFile(lockPath(stack))
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			who := "another moat"
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				who = fmt.Sprintf("another moat (pid %d)", pid)
			}
			return nil, &busyError{fmt.Sprintf("%s is building or removing twin %s: wait for it to finish, then run the command again", who, stack)}
		}
		return nil, fmt.Errorf("lock twin %s: %w", stack, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt(fmt.Appendf(nil, "%d\n", os.Getpid()), 0)
	return func() { f.Close() }, nil
}

// Lock takes a stack's lock as Up and Down do, for tests that play a
// concurrent moat; release it with the function returned.
func Lock(stack string) (func(), error) { return lock(stack) }

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
