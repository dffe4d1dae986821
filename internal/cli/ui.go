package cli

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/ui"
)

type uiOptions struct {
	port int
	open bool
}

func newUICommand(io *streams) *cobra.Command {
	var opts uiOptions
	cmd := &cobra.Command{
		Use:   "ui [SPEC]",
		Short: "Edit a spec in a local web page: settings, live diagram, cost, proofs, reach",
		Long: `ui serves a page for one stack spec (moat.yaml when SPEC is not given) on
this machine only, and prints its address. The page shows the network in
the shape of the diagram: the VPC with its zones by AZ ID and tiers, the
front end, the service, the database and the bastion. The gear on the
network opens Network Settings (Enable NAT instance, NAT mode, zones,
CIDR, IPv6, flow logs, endpoints); the other boxes have their settings
too. Every change re-plans at once and shows what it costs (with the NAT
options side by side and what each gives up), what it draws (click a
resource for its rules and routes), the trade-offs, and then the proofs
moat verify gives (a counterexample is highlighted on the diagram). A
setting the spec rejects is shown at its field with the hint moat
validate gives. The reach box answers from, to, protocol and port with
every hop, and draws the path. Download gives the template moat plan
writes.

Save writes the spec back atomically, keeping your comments, blank lines
and key order; only the settings you changed are rewritten. If the file
changed on disk since the page loaded it, Save refuses and says so
(reload the page to start from the new file).

The server listens on 127.0.0.1 only, on a free port (--port picks one),
needs no internet (the page is built in), and answers only requests that
name 127.0.0.1:PORT or localhost:PORT as their host and carry the
one-time token in the printed address (the page keeps it in a cookie).
--open also starts your browser (xdg-open). Ctrl-C stops the server.

Exit codes: 0 stopped with Ctrl-C, 2 usage or input error.`,
		Example: `  moat ui
  moat ui examples/webapp.yaml --open
  moat ui --port 8765 stack.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "moat.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			return runUI(io, path, opts)
		},
	}
	cmd.Flags().IntVar(&opts.port, "port", 0, "port on 127.0.0.1 to listen on (default: a free one)")
	cmd.Flags().BoolVar(&opts.open, "open", false, "open the page in a browser (xdg-open)")
	return cmd
}

func runUI(io *streams, path string, opts uiOptions) error {
	if opts.port < 0 || opts.port > 65535 {
		return &exitError{code: exitInput, err: fmt.Errorf("--port %d: use a port from 1 to 65535, or leave it out for a free one", opts.port)}
	}
	if _, err := statInput(path, "spec"); err != nil {
		return &exitError{code: exitInput, err: err}
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.port)))
	if err != nil {
		return &exitError{code: exitInput, err: fmt.Errorf("listen on 127.0.0.1:%d: %w", opts.port, err)}
	}
	port := l.Addr().(*net.TCPAddr).Port
	token, err := ui.NewToken()
	if err != nil {
		l.Close()
		return &exitError{code: exitInput, err: err}
	}
	srv, err := ui.New(path, port, token)
	if err != nil {
		l.Close()
		return &exitError{code: exitInput, err: err}
	}
	url := ui.URL(port, token)
	fmt.Fprintf(io.stdout, "moat ui: %s\nOpen this address (it holds a one-time token); Ctrl-C stops the server.\n", url)
	if opts.open {
		opener := exec.Command("xdg-open", url)
		if err := opener.Start(); err != nil {
			fmt.Fprintf(io.stderr, "moat ui: could not open a browser (%v); open the address above yourself\n", err)
		} else {
			go opener.Wait() // reap it; its exit status says nothing about the page
		}
	}
	ctx := io.ctx
	if ctx == nil {
		return &exitError{code: exitInput, err: errors.New("no context to stop the server with")}
	}
	if err := srv.Serve(ctx, l); err != nil {
		return &exitError{code: exitInput, err: fmt.Errorf("serve: %w", err)}
	}
	fmt.Fprintln(io.stdout, "moat ui: stopped")
	return nil
}
