package run

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// NetnsDir is where `ip netns` keeps its namespace handles.
const NetnsDir = "/run/netns"

// Check reports why the twin cannot run here, or nil.
func Check() error {
	if os.Geteuid() != 0 {
		return errors.New("the twin needs root and nftables: run as root after apt-get install -y nftables iproute2")
	}
	for _, p := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("the twin needs root and nftables: %s not found: apt-get install -y nftables iproute2", p)
		}
	}
	return nil
}

// InNS runs fn on an OS thread that has joined the named network
// namespace. Sockets fn creates, and processes it starts, live in that
// namespace. If the thread cannot return to its own namespace it stays
// locked, so the Go runtime retires it rather than reuse it elsewhere.
func InNS(name string, fn func() error) error {
	target, err := os.Open(filepath.Join(NetnsDir, name))
	if err != nil {
		return fmt.Errorf("open namespace %s: %w", name, err)
	}
	defer target.Close()
	runtime.LockOSThread()
	orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open own namespace: %w", err)
	}
	defer orig.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter namespace %s: %w", name, err)
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		return errors.Join(ferr, fmt.Errorf("leave namespace %s: %w", name, err))
	}
	runtime.UnlockOSThread()
	return ferr
}

// nsInode is the identity of a namespace handle, as /proc/PID/ns/net shows
// it, so processes inside a twin can be found.
func nsInode(path string) (uint64, bool) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, false
	}
	return st.Ino, true
}
