package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/diagram"
	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
)

type reachOptions struct {
	proto   string
	port    string
	srcPort string
	host    string
	ipv6    bool
	format  string
	diagram string
}

func newReachCommand(io *streams) *cobra.Command {
	var opts reachOptions
	cmd := &cobra.Command{
		Use:   "reach NETWORK FROM TO",
		Short: "Can a packet go from FROM to TO, and why (or why not)",
		Long: `reach traces a packet from FROM to TO through NETWORK (a stack spec, a
directory of aws ec2 describe-* JSON, or a CloudFormation template) and
prints the verdict and every hop, each naming the route or rule that let the
packet pass: security groups (stateful), network ACLs (stateless, in
rule-number order, checked again for the reply on its ephemeral port),
routes (longest prefix), internet and NAT gateways, NAT instances, peering,
Transit Gateways, endpoints, load balancers and Network Firewall.

The answer is exact: it holds for every address FROM and TO stand for (the
whole internet, every host of a subnet), every port of --port and every
client port of --src-port. reach cuts that space into classes that every
route and rule treats alike, traces one packet of each, and prints each
class with its path: "10.0.0.16/28 of subnet/private/use1-az1 -> db".
The client's port is assumed to be any of 32768-60999 (Linux's ephemeral
range) unless --src-port says otherwise.

When the packet is blocked, reach lists every setting that blocks it, not
only the first, and what would have to change.

FROM and TO are: internet; a moat address (subnet/private/use1-az2, sg/db,
service, db, alb, bastion, nat/use1-az1, eni/...); an ENI, instance or
subnet id; an IP; or, as TO, an AWS service (s3, dynamodb). A name that
stands for several interfaces (a security group, a service in three zones)
is answered for every pair.

--ipv6 asks over IPv6: the internet is an IPv6 host, and interfaces and
subnet hosts use their IPv6 addresses (a dual-stack design gives its load
balancer and service tasks stand-in addresses in 2001:db8::/56). An end
without one is refused as a different IP version.

Exit 0 when every class is reachable, 1 when any is blocked, 2 on bad input.`,
		Example: `  moat reach examples/webapp.yaml internet alb --port 443
  moat reach examples/webapp.yaml service db
  moat reach examples/webapp.yaml subnet/public/use1-az1 db --port all --src-port 1024-65535
  moat reach examples/webapp.yaml internet db --format json
  moat reach examples/webapp.yaml subnet/private/use1-az1 internet --diagram path.svg
  moat reach testdata/golden/hub-and-spoke.yaml service internet --host api.binance.com
  moat reach testdata/golden/ipv6-bastion-ssh.yaml internet service --ipv6`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReach(io, args, opts)
		},
	}
	cmd.Flags().StringVar(&opts.proto, "proto", "tcp", "protocol: tcp, udp, icmp, or an IANA protocol number (47 for GRE: no ports)")
	cmd.Flags().StringVar(&opts.port, "port", "", "destination port, range (8000-8999) or all (default: the destination's own port, else 443)")
	cmd.Flags().StringVar(&opts.srcPort, "src-port", "", "the client's port or range, which the reply must reach through stateless NACLs (default 32768-60999)")
	cmd.Flags().StringVar(&opts.host, "host", "", "the host name the client asks for (TLS SNI, or HTTP Host on port 80), which Network Firewall domain rules match")
	cmd.Flags().BoolVar(&opts.ipv6, "ipv6", false, "ask over IPv6: the internet, interfaces and subnet hosts use IPv6 addresses")
	cmd.Flags().StringVar(&opts.format, "format", "text", "output: text or json")
	cmd.Flags().StringVar(&opts.diagram, "diagram", "", "also draw the network with the path highlighted to FILE (.svg, .dot or .mmd)")
	return cmd
}

func runReach(io *streams, args []string, opts reachOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", opts.format)}
	}
	if opts.diagram != "" {
		if _, err := pathDiagramFormat(opts.diagram); err != nil {
			return &exitError{code: exitInput, err: err}
		}
	}
	src, err := loadNetwork(io, args[0])
	if err != nil {
		return err
	}
	proto, err := model.ParseProtocol(opts.proto)
	if err != nil {
		return &exitError{code: exitInput, err: fmt.Errorf("--proto: %w", err)}
	}
	if proto != model.TCP && proto != model.UDP {
		// Only TCP and UDP carry ports; a port given for another protocol
		// would be ignored, and the answer would not be about it.
		for _, f := range [][2]string{{"port", opts.port}, {"src-port", opts.srcPort}} {
			if flag, v := f[0], f[1]; v != "" {
				return &exitError{code: exitInput, err: fmt.Errorf("--%s %s: %s has no ports (only tcp and udp do); leave --%s out", flag, v, proto, flag)}
			}
		}
	}
	q := analyze.Question{From: args[1], To: args[2], Proto: proto, Host: opts.host, IPv6: opts.ipv6}
	if opts.port != "" {
		ps, err := analyze.ParsePorts(opts.port)
		if err != nil {
			return &exitError{code: exitInput, err: fmt.Errorf("--port: %w", err)}
		}
		q.Ports = ps
	}
	if opts.srcPort != "" {
		ps, err := analyze.ParsePorts(opts.srcPort)
		if err != nil {
			return &exitError{code: exitInput, err: fmt.Errorf("--src-port: %w", err)}
		}
		q.SrcPorts = ps
	}
	ix := analyze.NewIndex(src.network)
	a, err := ix.Reach(q)
	if err != nil {
		return &exitError{code: exitInput, err: err}
	}
	if opts.diagram != "" {
		if err := writePathDiagram(opts.diagram, src.network, a); err != nil {
			return &exitError{code: exitInput, err: err}
		}
	}
	if opts.format == "json" {
		if err := writeJSONResult(io, answerJSON(a)); err != nil {
			return err
		}
	} else {
		writeAnswer(io.stdout, a)
	}
	if a.Verdict != analyze.Reachable {
		return &exitError{code: exitFindings}
	}
	return nil
}

// writeAnswer prints the verdict, the first path in full (forward and
// reply), and one line for each other pair.
func writeAnswer(w io.Writer, a analyze.Answer) {
	fmt.Fprintf(w, "%s: %s -> %s on %s\n", strings.ToUpper(string(a.Verdict)), a.From, a.To, answerTraffic(a))
	for i, p := range a.Paths {
		mark := "✓"
		if !p.Reachable {
			mark = "✗"
		}
		fmt.Fprintf(w, "\n%s %s\n", mark, analyze.ClassText(p))
		if i > 0 && p.Reachable {
			continue
		}
		if i == 0 || !p.Reachable {
			writeHops(w, "forward", p.Forward)
			writeHops(w, "reply", p.Return)
		}
		if len(p.Blockers) > 0 {
			fmt.Fprintln(w, "  blocked by:")
			for _, b := range p.Blockers {
				fmt.Fprintf(w, "    - %s (%s)\n      fix: %s\n", b.Text(), b.Direction, orDash(b.Fix))
			}
		}
		for _, n := range p.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, u := range p.Unknown {
			fmt.Fprintf(w, "  not known: %s\n", u)
		}
	}
}

func writeHops(w io.Writer, title string, hops []analyze.Hop) {
	if len(hops) == 0 {
		return
	}
	fmt.Fprintf(w, "  %s:\n", title)
	tw := table(w)
	for _, h := range hops {
		fmt.Fprintf(tw, "    %s\t%s\n", h.Resource, h.Rule)
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// answerTraffic is the traffic a whole answer covers: "tcp/443 from
// client ports 32768-60999".
func answerTraffic(a analyze.Answer) string {
	if (a.Proto != model.TCP && a.Proto != model.UDP) || a.Ports.IsEmpty() {
		return flowText(a.Proto, a.Port)
	}
	return fmt.Sprintf("%s/%s from client ports %s", a.Proto, a.Ports, a.SrcPorts)
}

func flowText(proto model.Protocol, port int) string {
	if proto != model.TCP && proto != model.UDP {
		return proto.String()
	}
	return fmt.Sprintf("%s/%d", proto, port)
}

type hopJSON = analyze.Hop

type pathJSON struct {
	From      string            `json:"from"`
	To        string            `json:"to"`
	Class     *analyze.Class    `json:"class,omitempty"`
	Reachable bool              `json:"reachable"`
	Forward   []hopJSON         `json:"forward"`
	Return    []hopJSON         `json:"return"`
	Blockers  []analyze.Blocker `json:"blocks"`
	Notes     []string          `json:"notes"`
	Unknown   []string          `json:"unknown,omitempty"`
}

type answerJSONT struct {
	From     string          `json:"from"`
	To       string          `json:"to"`
	Proto    string          `json:"proto"`
	Port     int             `json:"port"`
	Ports    analyze.PortSet `json:"ports"`
	SrcPorts analyze.PortSet `json:"src_ports"`
	Verdict  string          `json:"verdict"`
	Paths    []pathJSON      `json:"paths"`
}

func pathToJSON(p analyze.Path) pathJSON {
	return pathJSON{
		From: p.Flow.Src.String(), To: p.Flow.Dst.String(), Class: p.Class, Reachable: p.Reachable,
		Forward: nonNil(p.Forward), Return: nonNil(p.Return), Blockers: nonNil(p.Blockers), Notes: nonNil(p.Notes), Unknown: p.Unknown,
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func answerJSON(a analyze.Answer) answerJSONT {
	out := answerJSONT{From: a.From, To: a.To, Proto: a.Proto.String(), Port: a.Port, Ports: a.Ports, SrcPorts: a.SrcPorts, Verdict: string(a.Verdict), Paths: []pathJSON{}}
	for _, p := range a.Paths {
		out.Paths = append(out.Paths, pathToJSON(p))
	}
	return out
}

// writePathDiagram draws the network with the first path highlighted: the
// first reachable one, else the first blocked one and what blocks it.
func writePathDiagram(path string, n *model.Network, a analyze.Answer) error {
	if len(a.Paths) == 0 {
		return nil
	}
	opts := derive.PathOptions(a)
	format, err := pathDiagramFormat(path)
	if err != nil {
		return err
	}
	body, err := diagram.Render(n, format, opts)
	if err != nil {
		return fmt.Errorf("draw the path: %w", err)
	}
	return writeFileAtomic(path, body, 0o644)
}

// pathDiagramFormat picks --diagram's format by the file's extension; any
// other extension (.png, none) is refused rather than filled with SVG.
func pathDiagramFormat(path string) (diagram.Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		return diagram.SVG, nil
	case ".dot", ".gv":
		return diagram.DOT, nil
	case ".mmd", ".mermaid":
		return diagram.Mermaid, nil
	}
	return "", fmt.Errorf("--diagram %s: moat draws .svg, .dot (or .gv) and .mmd (or .mermaid); for a PNG, write .dot and run dot -Tpng", path)
}
