package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/awslive"
	"github.com/moatnet/moat/flowlog"
)

type explainOptions struct {
	logGroup, format string
	since            time.Duration
}

func newExplainCommand(io *streams) *cobra.Command {
	var o explainOptions
	cmd := &cobra.Command{
		Use:   "explain NETWORK [FLOWLOG]",
		Short: "Explain VPC flow-log records against a network: which rule accepted or rejected each",
		Long: `explain reads VPC flow-log records in the default format (version 2:
version account-id interface-id srcaddr dstaddr srcport dstport protocol
packets bytes start end action log-status), from FLOWLOG (a file, or - for
stdin) or from CloudWatch Logs (--log-group, --since), and explains each
against NETWORK (best read live: aws, or a snapshot, so interface IDs match).
For each record the analyzer traces the flow and says what the interface
that logged it did: ACCEPT with the route, network ACL entry and security
group rule that let it through, or REJECT with every setting that stops it.
A reply of an allowed flow is accepted, as security groups are stateful.
Records are grouped by interface, direction, verdict and rule. A record
whose logged action the analyzer does not give is flagged DISAGREES, and
the command exits 1: the network moat holds is not the one that carried
the packet. NODATA and SKIPDATA records are counted and skipped.`,
		Example: `  moat explain ./snapshot flow.log
  moat explain aws --log-group /moat/web/flow --since 1h --region eu-west-1`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(io, args, o)
		},
	}
	cmd.Flags().StringVar(&o.logGroup, "log-group", "", "CloudWatch Logs group the flow log writes to, read instead of FLOWLOG")
	cmd.Flags().DurationVar(&o.since, "since", time.Hour, "with --log-group, how far back to read")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text or json")
	return cmd
}

func runExplain(io *streams, args []string, o explainOptions) error {
	if o.format != "text" && o.format != "json" {
		return &exitError{code: exitInput, err: fmt.Errorf("unknown --format %q: use text or json", o.format)}
	}
	if (len(args) == 2) == (o.logGroup != "") {
		return &exitError{code: exitInput, err: fmt.Errorf("give the records as FLOWLOG (a file) or --log-group GROUP, one of the two")}
	}
	src, err := loadNetwork(io, args[0])
	if err != nil {
		return err
	}
	res, err := readFlowLog(io, args, o)
	if err != nil {
		return err
	}
	r := flowlog.Explain(analyze.NewIndex(src.network), res.Records)
	if io.json {
		r.Groups = nonNil(r.Groups)
		if err := writeJSONResult(io, struct {
			flowlog.Report
			Records int `json:"records"`
			Skipped int `json:"skipped"`
		}{r, len(res.Records), res.Skipped}); err != nil {
			return err
		}
	} else {
		renderExplain(io, r, res)
	}
	if r.Disagreeing > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}

// readFlowLog reads the records from the file or the log group.
func readFlowLog(io *streams, args []string, o explainOptions) (flowlog.Result, error) {
	if o.logGroup == "" {
		name := args[1]
		in := io.stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return flowlog.Result{}, &exitError{code: exitInput, err: fmt.Errorf("read flow log: %w", err)}
			}
			defer f.Close()
			in = f
		}
		res, err := flowlog.Parse(displayName(name), in)
		if err != nil {
			return res, &exitError{code: exitInput, err: err}
		}
		return res, nil
	}
	a, err := deployAccount(io, "reading flow log group "+o.logGroup+" in")
	if err != nil {
		return flowlog.Result{}, err
	}
	lines, err := awslive.FlowLogLines(io.ctx, a, o.logGroup, time.Now().Add(-o.since))
	if err != nil {
		return flowlog.Result{}, &exitError{code: exitInput, err: err}
	}
	res, err := flowlog.Parse(o.logGroup, strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		return res, &exitError{code: exitInput, err: err}
	}
	return res, nil
}

func renderExplain(io *streams, r flowlog.Report, res flowlog.Result) {
	for _, g := range r.Groups {
		flag := ""
		if g.Disagrees {
			flag = "  DISAGREES: logged " + g.Action + ", the analyzer says " + string(g.Verdict)
		}
		fmt.Fprintf(io.stdout, "%s %s: %d record(s) %s%s\n", g.Interface, g.Direction, len(g.Records), g.Action, flag)
		fmt.Fprintf(io.stdout, "  %s: %s\n", g.Verdict, g.Rule)
		for _, rec := range g.Records {
			fmt.Fprintf(io.stdout, "    line %d: %s %s:%d -> %s:%d, %d packets\n", rec.Line, rec.Proto, rec.Src, rec.SrcPort, rec.Dst, rec.DstPort, rec.Packets)
		}
	}
	fmt.Fprintf(io.stdout, "%d records in %d groups, %d disagreeing, %d not explained; %d NODATA/SKIPDATA skipped\n",
		len(res.Records), len(r.Groups), r.Disagreeing, r.Unexplained, res.Skipped)
}
