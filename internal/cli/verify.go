package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/internal/derive"
)

type verifyOptions struct {
	format string
}

func newVerifyCommand(io *streams) *cobra.Command {
	var opts verifyOptions
	cmd := &cobra.Command{
		Use:   "verify NETWORK",
		Short: "Prove the network keeps its intent: who may reach whom, and nothing more",
		Long: `verify checks the intent of NETWORK (a stack spec, a describe-* directory or
a CloudFormation template) by tracing flows through it:

  - the internet reaches only the load balancer's listener ports (and an SSH
    bastion on port 22 from its allowed ranges);
  - the service is reached only from the load balancer, on its port;
  - the database only from the service (and the bastion);
  - private subnets reach the internet, and only through NAT;
  - isolated subnets reach nothing outside the VPC, even from a host given
    a public IP.

A spec may add its own assertions (see docs/spec.md):

  assert:
    never: ["internet -> db", "internet -> service:8080"]
    always: ["service -> s3:443"]

Every claim is proved over sets, not samples: every address of the
internet and of every subnet, every interface, every port, and every
client port (an attacker's any port for what must never happen; Linux's
ephemeral range 32768-60999 for what must always work).

Each check prints ✓ (proved), ✗ (violated: the largest offending class
and one path for it) or ? (not proved: the answer depends on something the
input does not define, such as another account's security group, a prefix
list without entries, a peer VPC or a Gateway Load Balancer appliance that
was not imported; unknown is never counted as safe). Exit 1 on any ✗ or ?.`,
		Example: `  moat verify examples/webapp.yaml
  moat verify --format json stack.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(io, args[0], opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "text", "output: text or json")
	return cmd
}

func runVerify(io *streams, path string, opts verifyOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", opts.format)}
	}
	src, err := loadNetwork(io, path)
	if err != nil {
		return err
	}
	ix := analyze.NewIndex(src.network)
	asserts, err := specAssertions(io, src, ix)
	if err != nil {
		return err
	}
	checks := ix.Verify(asserts)
	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	if opts.format == "json" {
		type checkJSON struct {
			Intent    string     `json:"intent"`
			Origin    string     `json:"origin"`
			OK        bool       `json:"ok"`
			Detail    string     `json:"detail,omitempty"`
			NotProved bool       `json:"not_proved,omitempty"`
			Unknown   []string   `json:"unknown,omitempty"`
			Evidence  []pathJSON `json:"evidence"`
		}
		out := struct {
			Checks []checkJSON `json:"checks"`
			Failed int         `json:"failed"`
		}{Checks: []checkJSON{}, Failed: failed}
		for _, c := range checks {
			cj := checkJSON{Intent: c.Intent, Origin: c.Origin, OK: c.OK, Detail: c.Detail, NotProved: c.NotProved, Unknown: c.Unknown, Evidence: []pathJSON{}}
			for _, p := range c.Evidence {
				cj.Evidence = append(cj.Evidence, pathToJSON(p))
			}
			out.Checks = append(out.Checks, cj)
		}
		if err := writeJSONResult(io, out); err != nil {
			return err
		}
	} else {
		writeChecks(io.stdout, checks, failed)
		// A failed assertion is a finding about the user's file: shown
		// at its line, with the source and a caret, as editors jump to.
		var ds diag.List
		for _, c := range checks {
			if r, ok := assertionRange(src, c.Origin); ok && !c.OK {
				ds.Errorf(r, c.Detail, "assertion %s %s", c.Intent, map[bool]string{true: "is not proved", false: "fails"}[c.NotProved])
			}
		}
		if len(ds) > 0 {
			if err := diag.Render(io.stderr, ds, src.spec.sources); err != nil {
				return &exitError{code: exitInput, err: err}
			}
		}
	}
	if failed > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}

// assertionRange is where the spec wrote the assertion a check's origin
// names.
func assertionRange(src *source, origin string) (diag.Range, bool) {
	if src.spec == nil || src.spec.stack == nil {
		return diag.Range{}, false
	}
	for _, a := range src.spec.stack.Assert {
		if fmt.Sprintf("%s:%d:%d", a.Range.File, a.Range.Start.Line, a.Range.Start.Column) == origin {
			return a.Range, true
		}
	}
	return diag.Range{}, false
}

// specAssertions turns the spec's assert section into analyzer
// assertions, reporting a name the network does not know at its position.
func specAssertions(io *streams, src *source, ix *analyze.Index) ([]analyze.Assertion, error) {
	if src.spec == nil || src.spec.stack == nil {
		return nil, nil
	}
	out, ds := derive.Assertions(src.spec.stack, ix)
	if len(ds) > 0 {
		if err := diag.Render(io.stderr, ds, src.spec.sources); err != nil {
			return nil, &exitError{code: exitInput, err: err}
		}
		return nil, &exitError{code: exitInput}
	}
	return out, nil
}

func writeChecks(w io.Writer, checks []analyze.Check, failed int) {
	for _, c := range checks {
		mark := "✓"
		switch {
		case c.NotProved:
			mark = "?"
		case !c.OK:
			mark = "✗"
		}
		origin := ""
		if c.Origin != "design" && c.Origin != "" {
			origin = "  (" + c.Origin + ")"
		}
		fmt.Fprintf(w, "%s %s%s\n", mark, c.Intent, origin)
		if c.OK {
			continue
		}
		fmt.Fprintf(w, "    %s\n", c.Detail)
		for _, p := range c.Evidence {
			if p.Reachable {
				fmt.Fprintf(w, "    counterexample: %s\n", p.Summary())
				continue
			}
			for _, b := range p.Blockers {
				fmt.Fprintf(w, "    blocked by: %s\n      fix: %s\n", b.Text(), orDash(b.Fix))
			}
		}
	}
	fmt.Fprintf(w, "\n%d checks, %d failed\n", len(checks), failed)
}
