package run

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moatnet/moat/twin"
)

// StateRoot holds one directory per running twin: its plan, the daemon's
// pidfile and log, certificates, and PostgreSQL's data.
const StateRoot = "/run/moat"

// StateDir is a stack's state directory.
func StateDir(stack string) string { return filepath.Join(StateRoot, stack) }

// Options tune Up.
type Options struct {
	// Daemon is the command line that runs Daemon(dir) — `moat twin
	// daemon DIR` — with the state directory appended. Empty: start no
	// workloads.
	Daemon []string
	// Source is what the twin was built from (a spec's absolute path),
	// kept in the state directory so a twin of the same name from
	// another source is not replaced silently and status can say how to
	// rebuild it.
	Source string
	// Files are written into the state directory before anything is
	// built (the CLI's network.json).
	Files map[string][]byte
}

// Up builds the plan on this machine. It first removes whatever the
// stack's twin left behind (so Up is idempotent and recovers from a
// crash), then creates every namespace, veth, address, route, rule and
// ruleset, and starts the daemon that serves the workloads.
//
// Up holds the stack's lock throughout: a second Up (or Down) of the same
// stack meanwhile fails at once with ErrBusy. When it returns nil, the
// state directory holds upDone, so status can tell a twin whose Up was
// killed midway.
func Up(ctx context.Context, p *twin.Plan, opts Options) error {
	if err := Check(); err != nil {
		return err
	}
	l, err := lock(p.Stack)
	if err != nil {
		return err
	}
	defer l.release()
	if err := down(p.Stack); err != nil {
		return fmt.Errorf("remove the previous twin: %w", err)
	}
	dir := StateDir(p.Stack)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	body, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	files := map[string][]byte{"plan.json": body}
	if opts.Source != "" {
		files[sourceFile] = []byte(opts.Source + "\n")
	}
	for k, v := range opts.Files {
		files[k] = v
	}
	for k, v := range files {
		if err := os.WriteFile(filepath.Join(dir, k), v, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", k, err)
		}
	}
	if err := apply(ctx, p); err != nil {
		return errors.Join(err, down(p.Stack))
	}
	if len(opts.Daemon) > 0 {
		if err := startDaemon(ctx, dir, opts.Daemon); err != nil {
			return errors.Join(err, down(p.Stack))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, upDone), fmt.Appendf(nil, "%s\n", time.Now().UTC().Format(time.RFC3339)), 0o644); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", upDone, err), down(p.Stack))
	}
	return nil
}

// Files of a state directory besides the plan.
const (
	sourceFile = "source"
	upDone     = "up.done"
)

// Source is what a running twin was built from, "" when unknown.
func Source(stack string) string {
	b, _ := os.ReadFile(filepath.Join(StateDir(stack), sourceFile))
	return strings.TrimSpace(string(b))
}

// ipBatch runs `ip [-n NS] -batch -` over lines.
func ipBatch(ctx context.Context, ns string, lines []string) error {
	return ipBatchFamily(ctx, ns, "", lines)
}

// ipBatchFamily runs lines with a family option ("-6") before -batch.
func ipBatchFamily(ctx context.Context, ns, family string, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	args := []string{"-batch", "-"}
	if family != "" {
		args = append([]string{family}, args...)
	}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.SysProcAttr = diesWithUs()
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		where := "host"
		if ns != "" {
			where = ns
		}
		return fmt.Errorf("ip in %s: %w: %s", where, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func apply(ctx context.Context, p *twin.Plan) error {
	var adds []string
	for _, ns := range p.Namespaces {
		adds = append(adds, "netns add "+ns.Name)
	}
	if err := ipBatch(ctx, "", adds); err != nil {
		return err
	}
	// Veths are created inside their first namespace with the peer placed
	// straight into the second, so none ever exists in the host's.
	byNS := map[string][]string{}
	var order []string
	for _, v := range p.Veths {
		if _, ok := byNS[v.NS]; !ok {
			order = append(order, v.NS)
		}
		byNS[v.NS] = append(byNS[v.NS], fmt.Sprintf("link add %s type veth peer name %s netns %s", v.Name, v.PeerName, v.PeerNS))
	}
	for _, ns := range order {
		if err := ipBatch(ctx, ns, byNS[ns]); err != nil {
			return err
		}
	}
	// Namespaces are independent from here on; configure them in
	// parallel, a few at a time (each step is a short exec).
	errs := make([]error, len(p.Namespaces))
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	for i := range p.Namespaces {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = configure(ctx, &p.Namespaces[i])
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func configure(ctx context.Context, ns *twin.Namespace) error {
	if len(ns.IP6) > 0 {
		if err := InNS(ns.Name, noDAD); err != nil {
			return fmt.Errorf("%s: %w", ns.Name, err)
		}
	}
	if len(ns.Sysctls) > 0 {
		err := InNS(ns.Name, func() error {
			for _, s := range ns.Sysctls {
				path := filepath.Join("/proc/sys", s.Key)
				if err := os.WriteFile(path, []byte(s.Value), 0o644); err != nil {
					if s.Optional && errors.Is(err, os.ErrNotExist) {
						continue
					}
					return fmt.Errorf("sysctl %s: %w", s.Key, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", ns.Name, err)
		}
	}
	if err := ipBatch(ctx, ns.Name, ns.IP); err != nil {
		return err
	}
	if err := ipBatchFamily(ctx, ns.Name, "-6", ns.IP6); err != nil {
		return err
	}
	if ns.NFT == "" {
		return nil
	}
	cmd := exec.CommandContext(ctx, "nft", "-f", "-")
	cmd.SysProcAttr = diesWithUs()
	cmd.Stdin = strings.NewReader(ns.NFT)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := InNS(ns.Name, cmd.Start); err != nil {
		return fmt.Errorf("nft in %s: %w", ns.Name, err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("nft in %s: %w: %s", ns.Name, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// diesWithUs makes a child (ip, nft) die when moat does: an `ip -batch`
// left running after a kill -9 of `twin up` would go on adding namespaces
// while the next `up` removes them. (Pdeathsig follows the thread that
// started the child, which Go retires only when a goroutine exits locked
// to it: then the command has failed anyway.)
func diesWithUs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// startDaemon starts the workload daemon detached (its own session, so
// it outlives this command) and waits until it reports that every
// listener is open.
func startDaemon(ctx context.Context, dir string, argv []string) error {
	logf, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		return fmt.Errorf("create daemon log: %w", err)
	}
	defer logf.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("daemon pipe: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(argv[0], append(argv[1:], dir)...)
	cmd.Stdout, cmd.Stderr = w, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("start daemon: %w", err)
	}
	w.Close()
	if err := os.WriteFile(filepath.Join(dir, "daemon.pid"), fmt.Appendf(nil, "%d\n", cmd.Process.Pid), 0o644); err != nil {
		return fmt.Errorf("write pidfile: %w", err)
	}
	done := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		done <- strings.TrimSpace(line)
	}()
	wait := make(chan error, 1)
	go func() { wait <- cmd.Wait() }()
	select {
	case line := <-done:
		if line == "ready" {
			go func() { <-wait }() // reap it if it dies while we still run
			return nil
		}
		return fmt.Errorf("daemon did not start: %s (see %s)", daemonLog(dir), filepath.Join(dir, "daemon.log"))
	case <-time.After(20 * time.Second):
		return fmt.Errorf("daemon did not report ready in 20s (see %s)", filepath.Join(dir, "daemon.log"))
	case <-ctx.Done():
		return ctx.Err()
	}
}

func daemonLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "daemon.log"))
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// noDAD turns off IPv6 duplicate address detection on every link of the
// current namespace, and on links made later: a twin's addresses are
// unique by construction, and a link-local address left tentative for a
// second or two would hold up neighbour discovery.
func noDAD() error {
	dirs, err := filepath.Glob("/proc/sys/net/ipv6/conf/*/accept_dad")
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := os.WriteFile(d, []byte("0"), 0o644); err != nil {
			return fmt.Errorf("turn off DAD: %w", err)
		}
	}
	return nil
}
