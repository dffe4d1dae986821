package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moatnet/moat/twin"
)

// Namespaces lists the namespaces of a stack's twin, by name prefix.
func Namespaces(stack string) ([]string, error) {
	return listNS(twin.StackPrefix(stack))
}

func listNS(prefix string) ([]string, error) {
	ents, err := os.ReadDir(NetnsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Stacks lists every stack with a twin on this machine: by namespace
// (moat-STACK.*) and by state directory, so a twin half torn down is
// still found.
func Stacks() ([]string, error) {
	all, err := listNS(twin.NamespacePrefix)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range all {
		st, _, ok := strings.Cut(strings.TrimPrefix(n, twin.NamespacePrefix), ".")
		if ok && st != "" && !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	ents, _ := os.ReadDir(StateRoot)
	for _, e := range ents {
		if e.IsDir() && !slices.Contains(out, e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// Down removes a stack's twin: the daemon and every process inside its
// namespaces, the namespaces (which takes their links with them), any
// link of the stack left in the host's namespace by a crash mid-way, and
// its state directory. Removing a twin that is not there is not an error.
// It takes the stack's lock, so it fails with ErrBusy while an Up of the
// stack runs.
func Down(stack string) error {
	if err := Check(); err != nil {
		return err
	}
	l, err := lock(stack)
	if err != nil {
		return err
	}
	if err := down(stack); err != nil {
		l.release()
		return err
	}
	l.remove()
	return nil
}

// down is Down under the lock.
func down(stack string) error {
	dir := StateDir(stack)
	var errs []error
	// The daemon by its pidfile, and by its command line in case the
	// state directory is gone.
	if pid, ok := readPid(filepath.Join(dir, "daemon.pid")); ok && isDaemon(pid, dir) {
		stop(pid)
	}
	for _, pid := range daemonsOf(dir) {
		stop(pid)
	}
	names, err := Namespaces(stack)
	if err != nil {
		return err
	}
	// Processes still inside the namespaces (PostgreSQL, a shell someone
	// opened) would keep them alive after their handles go.
	inodes := map[uint64]bool{}
	for _, n := range names {
		if ino, ok := nsInode(filepath.Join(NetnsDir, n)); ok {
			inodes[ino] = true
		}
	}
	if len(inodes) > 0 {
		for _, pid := range pidsIn(inodes) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if len(names) > 0 {
		var lines []string
		for _, n := range names {
			lines = append(lines, "netns del "+n)
		}
		if err := ipBatch(context.Background(), "", lines); err != nil {
			// One at a time, so one stubborn namespace does not keep the
			// others.
			for _, n := range names {
				if _, serr := os.Stat(filepath.Join(NetnsDir, n)); serr == nil {
					if err := ipBatch(context.Background(), "", []string{"netns del " + n}); err != nil {
						errs = append(errs, err)
					}
				}
			}
		}
	}
	if err := removeHostLinks(twin.LinkPrefix(stack)); err != nil {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		errs = append(errs, fmt.Errorf("remove state: %w", err))
	}
	return errors.Join(errs...)
}

// DownAll removes every twin on this machine.
func DownAll() error {
	stacks, err := Stacks()
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range stacks {
		errs = append(errs, Down(s))
	}
	return errors.Join(errs...)
}

// removeHostLinks deletes links named with the stack's prefix from the
// host's namespace. A twin never creates any there; this is for safety
// after a crash of an older version or a killed `ip`.
func removeHostLinks(prefix string) error {
	ents, err := os.ReadDir("/sys/class/net")
	if err != nil {
		return nil
	}
	var lines []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			lines = append(lines, "link del "+e.Name())
		}
	}
	return ipBatch(context.Background(), "", lines)
}

func readPid(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil && pid > 1
}

// isDaemon checks that pid is still this twin's daemon, not a process that
// reused the number.
func isDaemon(pid int, dir string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	return strings.HasSuffix(string(b), "twin\x00daemon\x00"+dir+"\x00")
}

// stop asks a process to end, then kills it if it has not within half a
// second.
func stop(pid int) {
	if syscall.Kill(pid, syscall.SIGTERM) != nil {
		return
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && zombie(string(b)) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

func zombie(stat string) bool {
	i := strings.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// pidsIn lists the processes whose network namespace is one of inodes.
func pidsIn(inodes map[uint64]bool) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if ino, ok := nsInode(fmt.Sprintf("/proc/%d/ns/net", pid)); ok && inodes[ino] {
			out = append(out, pid)
		}
	}
	return out
}

// daemonsOf lists the running daemons of the twin whose state directory
// is dir.
func daemonsOf(dir string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && pid != os.Getpid() && isDaemon(pid, dir) {
			out = append(out, pid)
		}
	}
	return out
}
