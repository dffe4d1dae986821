package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
	"github.com/moatnet/moat/twin/run"
)

func newTwinCommand(io *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "twin",
		Short: "Run the designed network on this machine and test it with real packets",
		Long: `twin builds the network in Linux network namespaces: a bridge per subnet, a
namespace per interface with the design's addresses and security groups
(stateful nftables), a router applying each subnet's route table and network
ACLs, an internet gateway doing 1:1 NAT to stand-in public addresses in
198.51.100.0/24, an internet whose host is 203.0.113.10, NAT, gateway
endpoints, a responder on every port the design serves, PostgreSQL, and the
load balancer terminating TLS with self-signed certificates.

A dual-stack design (network.ipv6: true) runs over IPv6 too: its stand-in
block in 2001:db8::/56 routed untranslated through the internet gateway,
an egress-only gateway that lets only replies back in, and the internet's
host also at 2001:db8:ffff::10.

Nothing routes out of the twin's namespaces. It needs root, iproute2 and
nftables (apt-get install -y nftables iproute2).`,
		Example: `  sudo moat twin up examples/webapp.yaml
  sudo moat twin test
  sudo ip netns exec moat-webapp.internet curl -sk --resolve app.example.com:443:198.51.100.13 https://app.example.com/
  sudo moat twin down`,
	}
	cmd.AddCommand(newTwinUpCommand(io), newTwinTestCommand(io), newTwinDownCommand(io), newTwinStatusCommand(io), newTwinDaemonCommand(io))
	return cmd
}

// twinCheck turns a missing prerequisite into a usage error.
func twinCheck() error {
	if err := run.Check(); err != nil {
		return &exitError{code: exitInput, err: err}
	}
	return nil
}

// twinNetwork loads NETWORK and plans its twin.
func twinNetwork(io *streams, path, stack string) (*model.Network, *twin.Plan, error) {
	src, err := loadNetwork(io, path)
	if err != nil {
		return nil, nil, err
	}
	n := src.network
	if stack == "" {
		stack = n.Name
	}
	if stack == "" {
		stack = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	p, ds := twin.Build(n, stack)
	if ds.HasErrors() {
		return nil, nil, &exitError{code: exitInput, err: fmt.Errorf("plan the twin: %w", derive.Summaries(ds))}
	}
	return n, p, nil
}

func newTwinUpCommand(io *streams) *cobra.Command {
	var stack string
	var dry bool
	cmd := &cobra.Command{
		Use: "up NETWORK",
		Example: `  sudo moat twin up examples/webapp.yaml
  moat twin up --dry-run examples/webapp.yaml
  sudo moat twin up --stack web-a examples/webapp.yaml`,
		Short: "Build the network's twin on this machine (idempotent)",
		Long: `up builds the twin of NETWORK (a stack spec, describe-* directory or template).
It first removes whatever a previous twin of the same stack left, so running
it again rebuilds from scratch. --dry-run prints the plan (namespaces, ip and
nft commands) without touching the machine, and needs no root.

The twin is named by the network's stack (or the file's name), or by
--stack; test, status and down take the same NETWORK or that name. A twin of
that name built from another file is not replaced: name this one with
--stack. Only one up or down of a twin runs at a time.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, p, err := twinNetwork(io, args[0], stack)
			if err != nil {
				return err
			}
			if dry {
				fmt.Fprint(io.stdout, p.Text())
				return nil
			}
			if err := twinCheck(); err != nil {
				return err
			}
			start := time.Now()
			if err := twinUp(cmd, n, p, args[0]); err != nil {
				return err
			}
			printTwin(io, p)
			fmt.Fprintf(io.stdout, "\nTwin %s is up in %s. Next: moat twin test %s; moat twin down %s.\n", p.Stack, time.Since(start).Round(time.Millisecond), p.Stack, p.Stack)
			return nil
		},
	}
	cmd.Flags().StringVar(&stack, "stack", "", "name the twin by this instead of the network's name")
	cmd.Flags().BoolVar(&dry, "dry-run", false, "print the plan; change nothing")
	return cmd
}

// twinUp builds the plan of the network read from path, unless a twin of
// the same name built from another file runs (exit 2), or another moat is
// building or removing it (exit 2).
func twinUp(cmd *cobra.Command, n *model.Network, p *twin.Plan, path string) error {
	src := absPath(path)
	if prev := run.Source(p.Stack); prev != "" && prev != src {
		return &exitError{code: exitInput, err: fmt.Errorf("twin %s is already up, built from %s: give this one its own name (moat twin up --stack NAME %s), or remove it first (moat twin down %s)", p.Stack, prev, path, p.Stack)}
	}
	exe, err := os.Executable()
	if err != nil {
		return &exitError{code: exitFindings, err: fmt.Errorf("find moat's own binary: %w", err)}
	}
	b, err := json.Marshal(n)
	if err != nil {
		return &exitError{code: exitFindings, err: fmt.Errorf("encode network: %w", err)}
	}
	err = run.Up(cmd.Context(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}, Source: src, Files: map[string][]byte{"network.json": b}})
	if errors.Is(err, run.ErrBusy) {
		return &exitError{code: exitInput, err: err}
	}
	if err != nil {
		return &exitError{code: exitFindings, err: err}
	}
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// twinRef is a twin named on the command line: by NETWORK (the file it
// is built from) or by its name.
type twinRef struct {
	stack string
	// path, n and p are set when NETWORK was given.
	path string
	n    *model.Network
	p    *twin.Plan
}

// resolveTwin finds the twin arg names: a running twin's name, or a
// NETWORK file (named as up names it, or by --stack); with neither arg nor
// --stack, the only running twin. A name that is neither is an input
// error listing the running twins.
// resolveTwinArgs is resolveTwin of a command's optional NETWORK or STACK
// argument.
func resolveTwinArgs(io *streams, args []string, stack string) (*twinRef, error) {
	arg := ""
	if len(args) == 1 {
		arg = args[0]
	}
	return resolveTwin(io, arg, stack)
}

func resolveTwin(io *streams, arg, stackFlag string) (*twinRef, error) {
	running, err := run.Stacks()
	if err != nil {
		return nil, &exitError{code: exitFindings, err: err}
	}
	if stackFlag != "" {
		st, err := twin.SanitizeStack(stackFlag)
		if err != nil {
			return nil, &exitError{code: exitInput, err: err}
		}
		if arg == "" {
			if !slices.Contains(running, st) {
				return nil, unknownTwin(stackFlag, running)
			}
			return &twinRef{stack: st}, nil
		}
	}
	if arg == "" {
		st, err := currentStack()
		if err != nil {
			return nil, err
		}
		return &twinRef{stack: st}, nil
	}
	if stackFlag == "" {
		if slices.Contains(running, arg) {
			return &twinRef{stack: arg}, nil
		}
	}
	if _, err := os.Stat(arg); err != nil {
		if st, err := twin.SanitizeStack(arg); err == nil && stackFlag == "" && slices.Contains(running, st) {
			return &twinRef{stack: st}, nil
		}
		return nil, unknownTwin(arg, running)
	}
	n, p, err := twinNetwork(io, arg, stackFlag)
	if err != nil {
		return nil, err
	}
	return &twinRef{stack: p.Stack, path: arg, n: n, p: p}, nil
}

// unknownTwin is the error for a name that is no running twin and no file.
func unknownTwin(name string, running []string) error {
	have := "no twin is running"
	if len(running) > 0 {
		have = "running: " + strings.Join(running, ", ")
	}
	return &exitError{code: exitInput, err: fmt.Errorf("no twin named %q is running and no file %s exists (%s)", name, name, have)}
}

// sameSource refuses a NETWORK whose name a twin built from another file
// holds.
func (r *twinRef) sameSource() error {
	if r.path == "" {
		return nil
	}
	if prev := run.Source(r.stack); prev != "" && prev != absPath(r.path) {
		return &exitError{code: exitInput, err: fmt.Errorf("twin %s was built from %s, not %s: name this one (moat twin up --stack NAME %s) and use that name", r.stack, prev, r.path, r.path)}
	}
	return nil
}

// brokenTwin says what is wrong with a twin and how to recover.
func brokenTwin(io *streams, h run.Health) error {
	fmt.Fprintf(io.stdout, "twin %s is broken:\n", h.Stack)
	for _, p := range h.Problems() {
		fmt.Fprintf(io.stdout, "  - %s\n", p)
	}
	fmt.Fprintf(io.stdout, "recover: %s\n", recoverHint(h))
	return &exitError{code: exitFindings, err: fmt.Errorf("twin %s is broken (above: what, and how to recover)", h.Stack)}
}

func recoverHint(h run.Health) string {
	if h.Source != "" {
		return fmt.Sprintf("moat twin up --stack %s %s (rebuilds it from scratch), or moat twin down %s", h.Stack, h.Source, h.Stack)
	}
	return fmt.Sprintf("moat twin down %s, then moat twin up --stack %s NETWORK", h.Stack, h.Stack)
}

func printTwin(io *streams, p *twin.Plan) {
	fmt.Fprintf(io.stdout, "Twin %s: %d namespaces (%s*)\n\n", p.Stack, len(p.Namespaces), twin.StackPrefix(p.Stack))
	// A dual-stack twin lists the IPv6 addresses too.
	v6 := slices.ContainsFunc(p.Hosts, func(h twin.Host) bool { return h.IPv6.IsValid() })
	row := func(name, ip, pub, ip6, ns string) {
		if v6 {
			fmt.Fprintf(io.stdout, "  %-28s %-15s %-15s %-20s %s\n", name, ip, pub, ip6, ns)
			return
		}
		fmt.Fprintf(io.stdout, "  %-28s %-15s %-15s %s\n", name, ip, pub, ns)
	}
	row("host", "address", "public", "IPv6", "namespace")
	for _, h := range p.Hosts {
		pub, ip6 := "", ""
		if h.PublicIP.IsValid() {
			pub = h.PublicIP.String()
		}
		if h.IPv6.IsValid() {
			ip6 = h.IPv6.String()
		}
		row(h.Name, h.IP.String(), pub, ip6, h.NS)
	}
	// One example is enough: every node of a load balancer answers alike.
	tried := false
	for _, b := range p.Balancers {
		for _, l := range b.Listeners {
			if tried || len(l.Domains) == 0 || !publicOf(p, b.Host).IsValid() {
				continue
			}
			fmt.Fprintf(io.stdout, "\n  try: ip netns exec %sinternet curl -sk --resolve %s:%d:%s https://%s/\n",
				twin.StackPrefix(p.Stack), l.Domains[0], l.Port, publicOf(p, b.Host), l.Domains[0])
			tried = true
		}
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(io.stderr, "moat: twin: %s\n", w)
	}
}

// publicOf is where the internet reaches host: its public address, or an
// API Gateway front door's own, which is on the internet's side.
func publicOf(p *twin.Plan, host string) (a netip.Addr) {
	for _, h := range p.Hosts {
		if h.Name == host {
			if h.Role == twin.RoleFrontDoor {
				return h.IP
			}
			return h.PublicIP
		}
	}
	return a
}

// currentStack is the only running twin, for commands given none.
func currentStack() (string, error) {
	stacks, err := run.Stacks()
	if err != nil {
		return "", &exitError{code: exitFindings, err: err}
	}
	switch len(stacks) {
	case 0:
		return "", &exitError{code: exitInput, err: errors.New("no twin is running: moat twin up NETWORK")}
	case 1:
		return stacks[0], nil
	}
	return "", &exitError{code: exitInput, err: fmt.Errorf("several twins are running (%s): name one, as NETWORK or by its name", strings.Join(stacks, ", "))}
}

func newTwinTestCommand(io *streams) *cobra.Command {
	var sample int
	var verbose bool
	var stack string
	cmd := &cobra.Command{
		Use: "test [NETWORK | STACK]",
		Example: `  sudo moat twin test
  sudo moat twin test examples/webapp.yaml -v
  sudo moat twin test --sample 500 web-a`,
		Short: "Send real traffic through the twin and compare with the analyzer",
		Long: `test sends, for real (TCP connect, UDP, ICMP echo), every flow moat verify
checks, a sweep of every interface's ports from the internet and from each
other workload, and a repeatable random sample of flows, and compares each
outcome with the analyzer's verdict. Any disagreement is printed with both
sides' explanation and makes test exit 1. Each class of the internet the
analyzer's answer splits is sent from an address of the documentation ranges
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) that lies in it; a class
holding none is skipped and listed.

It also runs end-to-end checks of what the user runs, through the twin's own
workloads: every domain through each load-balancer node by SNI (the
certificate served must be the one plan's sni table names), load balancer ->
service -> database (a real query to the twin's PostgreSQL), API Gateway's
front door through the VPC Link, and the firewall's domain allow-list with a
real TLS client. Any failing makes test exit 1.

A flow that names a host (verify's allow-list checks) through a Network
Firewall with domain rules sends a TLS ClientHello with that server name
(HTTP Host on port 80); the firewall endpoint's inspector passes or drops
it as AWS would, after the handshake. Every subnet also has a host of its
own, so "any host in this subnet" is tested too.

With NETWORK, test brings the twin up first if needed; with a twin's name
(or none, when one twin runs), it tests that running twin against the design
it was built from. A broken twin (its daemon, a namespace or a listener
gone) is reported with how to recover, and test exits 1.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sample < 0 {
				return &exitError{code: exitInput, err: fmt.Errorf("--sample %d: give a number of random flows, 0 or more", sample)}
			}
			if err := twinCheck(); err != nil {
				return err
			}
			ref, err := resolveTwinArgs(io, args, stack)
			if err != nil {
				return err
			}
			if err := ref.sameSource(); err != nil {
				return err
			}
			n, p := ref.n, ref.p
			h, err := run.CheckHealth(ref.stack)
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			switch {
			case n != nil && h.Plan == nil && h.Namespaces == 0:
				// Not up yet: bring it up.
				if err := twinUp(cmd, n, p, ref.path); err != nil {
					return err
				}
			case h.BusyPid != 0:
				return &exitError{code: exitInput, err: fmt.Errorf("another moat (pid %d) is building or removing twin %s: wait for it to finish, then run the command again", h.BusyPid, h.Stack)}
			case len(h.Problems()) > 0:
				return brokenTwin(io, h)
			case n == nil:
				p = h.Plan
				b, err := os.ReadFile(filepath.Join(run.StateDir(ref.stack), "network.json"))
				if err != nil {
					return &exitError{code: exitFindings, err: fmt.Errorf("read the twin's network: %w", err)}
				}
				n = new(model.Network)
				if err := json.Unmarshal(b, n); err != nil {
					return &exitError{code: exitFindings, err: fmt.Errorf("decode the twin's network: %w", err)}
				}
			}
			r, err := run.Test(cmd.Context(), p, n, run.TestOptions{Sample: sample})
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			return reportTwinTest(io, p, r, verbose)
		},
	}
	cmd.Flags().IntVar(&sample, "sample", 64, "random flows to add to verify's and the sweep's")
	cmd.PreRunE = func(*cobra.Command, []string) error { return nonNegative("sample", sample) }
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every flow, not only disagreements")
	cmd.Flags().StringVar(&stack, "stack", "", "the twin's name, when up was given --stack")
	return cmd
}

func reportTwinTest(io *streams, p *twin.Plan, r *run.Report, verbose bool) error {
	reach := 0
	for _, c := range r.Cases {
		if c.Outcome.OK {
			reach++
		}
		if verbose {
			mark := "ok  "
			if !c.Agree() {
				mark = "DIFF"
			}
			v := "blocked  "
			if c.Outcome.OK {
				v = "reachable"
			}
			fmt.Fprintf(io.stdout, "%s %s %s -> %s %s: %s\n", mark, v, c.Flow.Src, c.Flow.Dst, strings.TrimPrefix(fmt.Sprint(c.Flow.Proto), ""), c.Outcome.Detail)
		}
	}
	diffs := r.Disagreements()
	for _, c := range diffs {
		fmt.Fprintf(io.stdout, "DISAGREE %s", c.Explain())
	}
	passed, skipped := 0, 0
	for _, c := range r.EndToEnd {
		switch {
		case c.OK:
			passed++
			if verbose {
				fmt.Fprintf(io.stdout, "ok   end-to-end %s: %s\n", c.Name, c.Detail)
			}
		case c.Skipped != "":
			skipped++
			fmt.Fprintf(io.stdout, "skip end-to-end %s: %s\n", c.Name, c.Skipped)
		default:
			fmt.Fprintf(io.stdout, "FAIL end-to-end %s: %s\n", c.Name, c.Detail)
		}
	}
	failed := len(r.EndToEnd) - passed - skipped
	fmt.Fprintf(io.stdout, "twin %s: %d flows sent for real (%d reachable, %d blocked), %d skipped, %d disagreements with the analyzer; %d end-to-end checks passed, %d failed, %d skipped; in %s\n",
		p.Stack, len(r.Cases), reach, len(r.Cases)-reach, len(r.Skipped), len(diffs), passed, failed, skipped, r.Elapsed.Round(time.Millisecond))
	if verbose {
		for _, s := range r.Skipped {
			fmt.Fprintf(io.stdout, "skipped %s\n", s)
		}
	}
	if len(diffs) > 0 || failed > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}

func newTwinDownCommand(io *streams) *cobra.Command {
	var all bool
	var stack string
	cmd := &cobra.Command{
		Use: "down [NETWORK | STACK]",
		Example: `  sudo moat twin down
  sudo moat twin down examples/webapp.yaml
  sudo moat twin down --all`,
		Short: "Remove a twin: its processes, namespaces and links (also after a crash)",
		Long: `down removes the twin NETWORK was built into (as up names it, or --stack), or
the twin of that name, or, with neither, the only twin running; --all removes
every twin. A name that is no twin on this machine is an error that lists
the running ones.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := twinCheck(); err != nil {
				return err
			}
			start := time.Now()
			if all {
				if len(args) > 0 || stack != "" {
					return &exitError{code: exitInput, err: errors.New("--all takes no NETWORK or --stack")}
				}
				if err := run.DownAll(); err != nil {
					return twinRunError(err)
				}
				fmt.Fprintf(io.stdout, "Removed every twin in %s.\n", time.Since(start).Round(time.Millisecond))
				return nil
			}
			ref, err := resolveTwinArgs(io, args, stack)
			if err != nil {
				return err
			}
			running, err := run.Stacks()
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			if !slices.Contains(running, ref.stack) {
				return unknownTwin(ref.stack, running)
			}
			if err := ref.sameSource(); err != nil {
				return err
			}
			names, _ := run.Namespaces(ref.stack)
			if err := run.Down(ref.stack); err != nil {
				return twinRunError(err)
			}
			if left, _ := run.Namespaces(ref.stack); len(left) > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("twin %s: %d namespaces are still there (%s)", ref.stack, len(left), strings.Join(left, ", "))}
			}
			fmt.Fprintf(io.stdout, "Removed twin %s (%d namespaces) in %s.\n", ref.stack, len(names), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "remove every twin on this machine")
	cmd.Flags().StringVar(&stack, "stack", "", "the twin's name, when up was given --stack")
	return cmd
}

// twinRunError maps the twin's errors to exit codes: another moat at work
// on the twin is a usage error, anything else a failure.
func twinRunError(err error) error {
	if errors.Is(err, run.ErrBusy) {
		return &exitError{code: exitInput, err: err}
	}
	return &exitError{code: exitFindings, err: err}
}

func newTwinStatusCommand(io *streams) *cobra.Command {
	var stack string
	cmd := &cobra.Command{
		Use: "status [NETWORK | STACK]",
		Example: `  sudo moat twin status
  sudo moat twin status web-a`,
		Short: "Check the twins on this machine: daemon, namespaces, listeners",
		Long: `status checks every twin on this machine (or the one named): that the up that
built it finished, that its namespaces exist, that its daemon runs and that
every listener of its plan (responders, PostgreSQL, load-balancer nodes,
firewall inspectors) is open. A broken twin is listed with what is broken
and how to recover, and status exits 1.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := twinCheck(); err != nil {
				return err
			}
			stacks, err := run.Stacks()
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			if len(args) == 1 || stack != "" {
				arg := ""
				if len(args) == 1 {
					arg = args[0]
				}
				ref, err := resolveTwin(io, arg, stack)
				if err != nil {
					return err
				}
				if !slices.Contains(stacks, ref.stack) {
					return unknownTwin(ref.stack, stacks)
				}
				stacks = []string{ref.stack}
			}
			if len(stacks) == 0 {
				fmt.Fprintln(io.stdout, "No twin is running.")
				return nil
			}
			broken := 0
			for _, s := range stacks {
				h, err := run.CheckHealth(s)
				if err != nil {
					return &exitError{code: exitFindings, err: err}
				}
				from := ""
				if h.Source != "" {
					from = ", from " + h.Source
				}
				if h.BusyPid != 0 {
					fmt.Fprintf(io.stdout, "%s: being built or removed by moat (pid %d)%s\n", s, h.BusyPid, from)
					continue
				}
				if probs := h.Problems(); len(probs) > 0 {
					broken++
					fmt.Fprintf(io.stdout, "%s: BROKEN (%d namespaces%s)\n", s, h.Namespaces, from)
					for _, p := range probs {
						fmt.Fprintf(io.stdout, "  - %s\n", p)
					}
					fmt.Fprintf(io.stdout, "  recover: %s\n", recoverHint(h))
					continue
				}
				fmt.Fprintf(io.stdout, "%s: running (%d namespaces, daemon pid %d, %d listeners open%s)\n", s, h.Namespaces, h.DaemonPid, h.Listeners, from)
			}
			if broken > 0 {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&stack, "stack", "", "the twin's name, when up was given --stack")
	return cmd
}

// newTwinDaemonCommand is the workload daemon `twin up` starts detached;
// it is not for people.
func newTwinDaemonCommand(io *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "daemon DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			if err := run.Daemon(ctx, args[0], io.stdout, io.stderr); err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			return nil
		},
	}
}
