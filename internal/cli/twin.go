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
	p, err := twin.Build(n, stack)
	if err != nil {
		return nil, nil, &exitError{code: exitInput, err: fmt.Errorf("plan the twin: %w", err)}
	}
	return n, p, nil
}

func newTwinUpCommand(io *streams) *cobra.Command {
	var stack string
	var dry bool
	cmd := &cobra.Command{
		Use:   "up NETWORK",
		Short: "Build the network's twin on this machine (idempotent)",
		Long: `up builds the twin of NETWORK (a stack spec, describe-* directory or template).
It first removes whatever a previous twin of the same stack left, so running
it again rebuilds from scratch. --dry-run prints the plan (namespaces, ip and
nft commands) without touching the machine, and needs no root.`,
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
			exe, err := os.Executable()
			if err != nil {
				return &exitError{code: exitFindings, err: fmt.Errorf("find moat's own binary: %w", err)}
			}
			if err := run.Up(cmd.Context(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}}); err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			if err := saveNetwork(p.Stack, n); err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			printTwin(io, p)
			fmt.Fprintf(io.stdout, "\nTwin %s is up in %s. Next: moat twin test; moat twin down.\n", p.Stack, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&stack, "stack", "", "name the twin by this instead of the network's name")
	cmd.Flags().BoolVar(&dry, "dry-run", false, "print the plan; change nothing")
	return cmd
}

// saveNetwork keeps the model beside the plan, so `twin test` without an
// argument compares with the design the twin was built from.
func saveNetwork(stack string, n *model.Network) error {
	b, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode network: %w", err)
	}
	if err := os.WriteFile(filepath.Join(run.StateDir(stack), "network.json"), b, 0o644); err != nil {
		return fmt.Errorf("save network: %w", err)
	}
	return nil
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
	return "", &exitError{code: exitInput, err: fmt.Errorf("several twins are running (%s): name one", strings.Join(stacks, ", "))}
}

func newTwinTestCommand(io *streams) *cobra.Command {
	var sample int
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [NETWORK]",
		Short: "Send real traffic through the twin and compare with the analyzer",
		Long: `test sends, for real (TCP connect, UDP, ICMP echo), every flow moat verify
checks, a sweep of every interface's ports from the internet and from each
other workload, and a repeatable random sample of flows, and compares each
outcome with the analyzer's verdict. Any disagreement is printed with both
sides' explanation and makes test exit 1.

A flow that names a host (verify's allow-list checks) through a Network
Firewall with domain rules sends a TLS ClientHello with that server name
(HTTP Host on port 80); the firewall endpoint's inspector passes or drops
it as AWS would, after the handshake. Every subnet also has a host of its
own, so "any host in this subnet" is tested too.

With NETWORK, test brings the twin up first if needed; without, it tests the
running twin against the design it was built from.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := twinCheck(); err != nil {
				return err
			}
			var n *model.Network
			var p *twin.Plan
			if len(args) == 1 {
				var err error
				if n, p, err = twinNetwork(io, args[0], ""); err != nil {
					return err
				}
				if _, err := os.Stat(filepath.Join(run.StateDir(p.Stack), "plan.json")); err != nil {
					exe, _ := os.Executable()
					if err := run.Up(cmd.Context(), p, run.Options{Daemon: []string{exe, "twin", "daemon"}}); err != nil {
						return &exitError{code: exitFindings, err: err}
					}
					if err := saveNetwork(p.Stack, n); err != nil {
						return &exitError{code: exitFindings, err: err}
					}
				}
			} else {
				stack, err := currentStack()
				if err != nil {
					return err
				}
				if p, err = run.LoadPlan(run.StateDir(stack)); err != nil {
					return &exitError{code: exitFindings, err: err}
				}
				b, err := os.ReadFile(filepath.Join(run.StateDir(stack), "network.json"))
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
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every flow, not only disagreements")
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
	cmd := &cobra.Command{
		Use:   "down [STACK]",
		Short: "Remove a twin: its processes, namespaces and links (also after a crash)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := twinCheck(); err != nil {
				return err
			}
			start := time.Now()
			var err error
			var what string
			switch {
			case all:
				what = "every twin"
				err = run.DownAll()
			case len(args) == 1:
				st, serr := twin.SanitizeStack(args[0])
				if serr != nil {
					return &exitError{code: exitInput, err: serr}
				}
				what = "twin " + st
				err = run.Down(st)
			default:
				st, serr := currentStack()
				if serr != nil {
					return serr
				}
				what = "twin " + st
				err = run.Down(st)
			}
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			fmt.Fprintf(io.stdout, "Removed %s in %s.\n", what, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "remove every twin on this machine")
	return cmd
}

func newTwinStatusCommand(io *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "List the twins running on this machine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := twinCheck(); err != nil {
				return err
			}
			stacks, err := run.Stacks()
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			if len(stacks) == 0 {
				fmt.Fprintln(io.stdout, "No twin is running.")
				return nil
			}
			for _, s := range stacks {
				names, _ := run.Namespaces(s)
				state := "running"
				if _, err := os.Stat(filepath.Join(run.StateDir(s), "plan.json")); err != nil {
					state = "leftovers (moat twin down " + s + ")"
				}
				fmt.Fprintf(io.stdout, "%s: %d namespaces, %s\n", s, len(names), state)
			}
			return nil
		},
	}
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
