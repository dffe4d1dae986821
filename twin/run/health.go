package run

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

// Health is what a twin on this machine really is: whether its Up
// finished, its namespaces exist, its daemon runs and every listener of
// the plan is open.
type Health struct {
	Stack  string
	Source string
	// Plan is the saved plan, nil when the state directory has none.
	Plan *twin.Plan
	// Finished: the Up that built it returned.
	Finished bool
	// Namespaces found, and those of the plan that are missing.
	Namespaces int
	Missing    []string
	// DaemonPid is the running daemon's, 0 when none runs.
	DaemonPid int
	// Listeners is how many the plan opens; Closed those not listening.
	Listeners int
	Closed    []string
	// BusyPid is the moat building or removing the twin right now (its
	// lock's holder), 0 for none: the twin is then neither healthy nor
	// broken, and the checks above are not made.
	BusyPid int
}

// Problems says what is broken, none for a healthy twin.
func (h Health) Problems() []string {
	var out []string
	if h.BusyPid != 0 {
		return nil
	}
	if h.Plan == nil {
		out = append(out, "its state directory has no plan (what is left of a crash or of an older moat)")
		if h.Namespaces > 0 {
			out = append(out, fmt.Sprintf("%d namespaces are left", h.Namespaces))
		}
		return out
	}
	if !h.Finished {
		out = append(out, "the `twin up` that built it did not finish (killed, or still running)")
	}
	if len(h.Missing) > 0 {
		out = append(out, fmt.Sprintf("%d of %d namespaces are missing (%s)", len(h.Missing), len(h.Plan.Namespaces), list(h.Missing, 3)))
	}
	if h.DaemonPid == 0 {
		out = append(out, "its daemon (the load balancer, the responders, the inspectors, PostgreSQL's parent) is not running")
	}
	if len(h.Closed) > 0 {
		out = append(out, fmt.Sprintf("%d of %d listeners are not listening (%s)", len(h.Closed), h.Listeners, list(h.Closed, 3)))
	}
	return out
}

func list(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
}

// CheckHealth looks at a stack's twin on this machine.
func CheckHealth(stack string) (Health, error) {
	h := Health{Stack: stack, Source: Source(stack)}
	if pid, ok := LockHolder(stack); ok {
		h.BusyPid = pid
		return h, nil
	}
	names, err := Namespaces(stack)
	if err != nil {
		return h, err
	}
	h.Namespaces = len(names)
	dir := StateDir(stack)
	if p, err := LoadPlan(dir); err == nil {
		h.Plan = p
	} else if !errors.Is(err, os.ErrNotExist) {
		return h, err
	}
	if pid, ok := readPid(filepath.Join(dir, "daemon.pid")); ok && isDaemon(pid, dir) && !isZombie(pid) {
		h.DaemonPid = pid
	}
	if h.Plan == nil {
		return h, nil
	}
	_, err = os.Stat(filepath.Join(dir, upDone))
	h.Finished = err == nil
	for _, ns := range h.Plan.Namespaces {
		if !slices.Contains(names, ns.Name) {
			h.Missing = append(h.Missing, ns.Name)
		}
	}
	h.Listeners, h.Closed = closedListeners(h.Plan, names)
	return h, nil
}

func isZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err != nil || zombie(string(b))
}

// closedListeners counts the plan's listeners (responders, PostgreSQL,
// balancer nodes, inspectors) and lists those no socket listens on, by
// each namespace's own table of TCP sockets.
func closedListeners(p *twin.Plan, present []string) (int, []string) {
	type want struct {
		what string
		at   netip.AddrPort
	}
	byNS := map[string][]want{}
	var order []string
	add := func(ns, what string, ip netip.Addr, port int) {
		if _, ok := byNS[ns]; !ok {
			order = append(order, ns)
		}
		byNS[ns] = append(byNS[ns], want{what, netip.AddrPortFrom(ip, uint16(port))})
	}
	for _, l := range p.Listeners {
		if l.Proto == model.TCP {
			add(l.NS, l.Host, l.IP, l.Port)
		}
	}
	for _, b := range p.Balancers {
		for _, l := range b.Listeners {
			add(b.NS, b.Host, b.IP, l.Port)
			if b.IPv6.IsValid() {
				add(b.NS, b.Host, b.IPv6, l.Port)
			}
		}
	}
	for _, in := range p.Inspectors {
		add(in.NS, string(in.Firewall)+" inspector", netip.IPv4Unspecified(), in.Port)
	}
	total := 0
	var closed []string
	for _, ns := range order {
		total += len(byNS[ns])
		var open map[netip.AddrPort]bool
		if slices.Contains(present, ns) {
			_ = InNS(ns, func() error { open = listening(); return nil })
		}
		for _, w := range byNS[ns] {
			if !open[w.at] {
				closed = append(closed, fmt.Sprintf("%s %s", w.what, w.at))
			}
		}
	}
	return total, closed
}

// listening lists the TCP sockets in the listen state of the calling
// thread's network namespace (/proc/thread-self/net/tcp and tcp6).
func listening() map[netip.AddrPort]bool {
	out := map[netip.AddrPort]bool{}
	for _, f := range []string{"tcp", "tcp6"} {
		file, err := os.Open("/proc/thread-self/net/" + f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) < 4 || fs[3] != "0A" { // TCP_LISTEN
				continue
			}
			if a, ok := procAddr(fs[1]); ok {
				out[a] = true
			}
		}
		file.Close()
	}
	return out
}

// procAddr parses /proc/net/tcp's "0100007F:0050": the address as 32-bit
// words in the host's byte order, the port in hex.
func procAddr(s string) (netip.AddrPort, bool) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	b, err := hex.DecodeString(h)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return netip.AddrPort{}, false
	}
	for i := 0; i < len(b); i += 4 {
		binary.BigEndian.PutUint32(b[i:], binary.NativeEndian.Uint32(b[i:]))
	}
	a, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(a, uint16(port)), true
}
