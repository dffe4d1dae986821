package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/diag"
)

// Exit codes, as DESIGN.md fixes them.
const (
	exitOK       = 0
	exitFindings = 1 // findings or failed checks
	exitInput    = 2 // usage or input error
)

// exitError carries an exit code out of a command. A nil err means the
// command has already told the user what went wrong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// streams are the command's standard files; tests pass buffers.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// json is set when the command was asked for --format json: then
	// diagnostics and errors, too, are JSON on stdout, so a machine reads
	// one document whatever happened.
	json bool
	// pending holds warnings read in JSON mode; the command's JSON result
	// carries them under "diagnostics".
	pending diag.List
	// aws holds the flags NETWORK=aws reads.
	aws awsFlags
	// ctx is Main's context, for the commands' calls to AWS.
	ctx context.Context
}

// Main runs moat with args (without the program name) and returns the exit
// code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	io := &streams{stdin: stdin, stdout: stdout, stderr: stderr, ctx: ctx}
	root := newRootCommand(io)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code, msg := exitInput, err
	if ee, ok := errors.AsType[*exitError](err); ok {
		code, msg = ee.code, ee.err
	}
	if msg != nil && io.json {
		// The same document validate prints, with the error as a
		// diagnostic without a position.
		d := append(io.pending, diag.Diagnostic{Severity: diag.Error, Summary: msg.Error()})
		if diag.RenderJSON(stdout, d) == nil {
			return code
		}
	}
	switch {
	case msg == nil:
	case code == exitInput && !isExitError(err):
		// Anything else is cobra rejecting the command line: point at
		// the help of the command it was rejected for.
		path := "moat"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "moat: %v\nRun '%s --help' for usage.\n", msg, path)
	default:
		fmt.Fprintf(stderr, "moat: %v\n", msg)
	}
	return code
}

func isExitError(err error) bool {
	_, ok := errors.AsType[*exitError](err)
	return ok
}

func newRootCommand(io *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "moat",
		Short: "Design, prove and ship a secure AWS network from a few lines of YAML",
		Long: `moat turns a short stack spec (front end, service port, database, NAT choice,
domains) into a secure AWS network: a VPC over several Availability Zones
(placed by AZ ID), public, private and isolated subnets, self-healing NAT
instances or NAT gateways, security groups chained so only the load balancer
reaches the service and only the service reaches the database, network ACLs,
gateway endpoints and flow logs. It proves the design with a reachability
analyzer, prices it, draws it, writes it as CloudFormation, and runs it on
this machine in network namespaces. Every command that reads a network also
takes a CloudFormation template or a folder of aws ec2 describe-* JSON.

Start here:
  moat init                       write a commented starter spec (moat.yaml)
  moat validate moat.yaml         check a spec and list every problem
  moat plan moat.yaml             print the design, write out/<stack>/template.yaml
  moat verify moat.yaml           prove who may reach whom, and nothing more
  moat reach moat.yaml internet db    can a packet get there? every hop and rule
  moat cost moat.yaml             the monthly cost per resource; --compare the NAT options
  moat diagram moat.yaml          draw the network as SVG (or DOT, Mermaid)
  moat audit ./describe-output    tiers, internet exposure and placement of a real VPC
  moat audit aws                  the same, read live from the account AWS_PROFILE picks
  moat snapshot -o DIR            save a live account's network as describe-* JSON
  moat deploy moat.yaml           create or update its stack through a change set, exposure-gated
  moat destroy moat.yaml          delete it, after saying what the delete keeps
  sudo moat twin up moat.yaml     run it in namespaces; then moat twin test

Exit codes: 0 ok, 1 findings or failed checks, 2 usage or input error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	// --format json switches errors and diagnostics to JSON on stdout too.
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if f := cmd.Flags().Lookup("format"); f != nil && f.Value.String() == "json" {
			io.json = true
		}
		return nil
	}
	root.AddCommand(newPlanCommand(io), newValidateCommand(io), newInitCommand(io))
	root.AddCommand(newCostCommand(io), newPricesCommand(io))
	root.AddCommand(newDiagramCommand(io))
	root.AddCommand(newTwinCommand(io))
	root.AddCommand(newReachCommand(io), newVerifyCommand(io), newAuditCommand(io))
	root.AddCommand(newInspectCommand(io), newVersionCommand(io))
	root.AddCommand(newSnapshotCommand(io), newIAMPolicyCommand(io), newDeployCommand(io), newDestroyCommand(io), newDriftCommand(io), newExplainCommand(io))
	root.AddCommand(newUICommand(io))
	addAWSFlagsToNetworkCommands(root, &io.aws)
	addFromFlag(root, &io.aws)
	explainArgs(root)
	return root
}

// nonNegative rejects a negative count flag as a usage error.
func nonNegative(flag string, v int) error {
	if v < 0 {
		return &exitError{code: exitInput, err: fmt.Errorf("--%s %d: want a count of 0 or more", flag, v)}
	}
	return nil
}
