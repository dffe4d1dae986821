package cli

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/existing"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// starterForVPC writes a starter spec that puts the starter web
// application into an existing VPC: the subnets moat would use, each with
// a comment saying why, and a comment for every rule the VPC does not
// meet yet, with its fix.
func starterForVPC(io *streams, opts initOptions) ([]byte, error) {
	if io.aws.from == liveNetwork || io.aws.from == "" {
		io.aws.regions = []string{opts.region}
	}
	r, d, err := readFrom(io)
	if err != nil {
		return nil, err
	}
	if err := reportDiags(io, d, r.Sources); err != nil {
		return nil, err
	}
	base := fmt.Sprintf("stack: %s\nregion: %s\nnetwork:\n  existing: %s\nservice:\n  port: 8080\ndatabase:\n  engine: postgres\n", opts.stack, opts.region, opts.fromVPC)
	st, pd := spec.Parse("moat.yaml", []byte(base))
	if pd.HasErrors() {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("cannot write a starter spec for %s: %s", opts.fromVPC, pd.Sorted()[0].Summary)}
	}
	ch, pick := existing.Pick(st, r.Network, r.Offerings)
	if ch == nil {
		// The VPC itself is missing: nothing to start from.
		for _, x := range pick {
			if strings.Contains(x.Summary, "is not in the network read") {
				return nil, &exitError{code: exitInput, err: fmt.Errorf("%s (%s)", x.Summary, x.Hint)}
			}
		}
		ch, _ = existing.Pick(relaxed(st), r.Network, r.Offerings)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# moat stack spec for the existing VPC %s. Reference: docs/existing-vpc.md.\n", opts.fromVPC)
	fmt.Fprintf(&b, "# Check it: moat validate --from DIR FILE (DIR: the snapshot it was written from).\n")
	fmt.Fprintf(&b, "stack: %s\nregion: %s\nenvironment: prod\n\nnetwork:\n  existing: %s\n", opts.stack, opts.region, opts.fromVPC)
	if ch != nil {
		writeChosenSubnets(&b, r.Network, ch)
	}
	b.WriteString("  endpoints:\n    gateway: [s3, dynamodb]   # free; reused when the VPC has them\n  flow_logs: true\n\n")
	b.WriteString("frontend:\n  kind: alb              # alb | nlb | api-gateway | none\n  internet_facing: true\n\n")
	b.WriteString("service:\n  name: app\n  port: 8080             # only the load balancer may reach this port\n\n")
	b.WriteString("database:\n  engine: postgres       # in isolated subnets in two zones or more\n")
	if problems := pick.Sorted(); len(problems) > 0 {
		b.WriteString("\n# What the VPC lacks for this stack (moat validate reports the same):\n")
		for _, x := range problems {
			fmt.Fprintf(&b, "#   %s: %s\n", x.Severity, x.Summary)
			if x.Hint != "" {
				fmt.Fprintf(&b, "#     fix: %s\n", x.Hint)
			}
		}
	}
	return []byte(b.String()), nil
}

// relaxed is the starter without the sections whose rules failed, so the
// subnets the rest would use can still be listed.
func relaxed(st *spec.Stack) *spec.Stack {
	s := *st
	s.Database = nil
	return &s
}

// writeChosenSubnets lists the subnets picked per tier, each with its
// zone, CIDR and the route that gives it its tier.
func writeChosenSubnets(b *strings.Builder, n *model.Network, ch *existing.Choice) {
	b.WriteString("  subnets:               # picked by their routes, zones by AZ ID; edit to choose others\n")
	for _, t := range []model.Tier{model.Public, model.Private, model.Isolated} {
		as := ch.Subnets[t]
		if len(as) == 0 {
			continue
		}
		fmt.Fprintf(b, "    %s:\n", t)
		for _, a := range as {
			sn, _ := n.Subnet(a)
			reason := ""
			for _, c := range ch.Classes {
				if c.Subnet == a {
					reason = c.Reason
				}
			}
			fmt.Fprintf(b, "      - %s   # %s %s; %s\n", model.AWSID(a), sn.ZoneID, sn.CIDR, reason)
		}
	}
}
