package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/existing"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/pricing"
)

// addFromFlag gives every command that reads a spec --from, where the
// network of a spec's network.existing VPC comes from, and the flags a
// live read takes.
func addFromFlag(c *cobra.Command, f *awsFlags) {
	if (strings.Contains(c.Use, "NETWORK") || strings.Contains(c.Use, "SPEC") || strings.Contains(c.Use, "STACK")) && c.Flags().Lookup("from") == nil {
		c.Flags().StringVar(&f.from, "from", "", "for a spec with network.existing: a describe-* snapshot directory (moat snapshot -o DIR) holding the VPC, or aws to read it live (--profile; in the spec's region)")
		if c.Flags().Lookup("region") == nil {
			addAWSFlags(c, f, profileFromUsage, regionSpecUsage)
		}
	}
	for _, sub := range c.Commands() {
		addFromFlag(sub, f)
	}
}

// existingVPC reads the network a spec's network.existing VPC is in:
// from --from DIR, or live with --from aws (or --profile/--region alone).
func existingVPC(io *streams, l *loaded) (*awsjson.Result, diag.List, error) {
	if !fromGiven(io) {
		var d diag.List
		d.Errorf(l.stack.Where("network.existing"), "add --from DIR (a moat snapshot -o DIR directory), or --from aws (with --profile) to read it live in the spec's region",
			"network.existing %s needs the VPC's network, and none was given", l.stack.Network.Existing)
		return nil, d, nil
	}
	if io.aws.from == liveNetwork || io.aws.from == "" {
		if err := pinRegion(io, l.stack.Region); err != nil {
			return nil, nil, err
		}
	}
	return readFrom(io)
}

// pinRegion makes the spec's Region the one a live read, deploy, destroy
// or drift acts in, unless --region already names it: the design places
// its subnets by that Region's AZ IDs, so another Region would read the
// wrong VPCs, or fail halfway through a deploy.
func pinRegion(io *streams, region string) error {
	switch {
	case region == "":
	case len(io.aws.regions) == 0:
		io.aws.regions = []string{region}
	case len(io.aws.regions) > 1 || io.aws.regions[0] != region:
		return &exitError{code: exitInput, err: fmt.Errorf("--region %s: the spec is for %s, whose AZ IDs place its subnets; drop --region, or change region: in the spec",
			strings.Join(io.aws.regions, ", "), region)}
	}
	return nil
}

// fromGiven reports whether the flags say where an existing VPC is read.
func fromGiven(io *streams) bool {
	return io.aws.from != "" || len(io.aws.profiles) > 0 || len(io.aws.regions) > 0
}

// readFrom reads the network --from names: a snapshot directory, or the
// live account (aws, or no --from with --profile/--region).
func readFrom(io *streams) (*awsjson.Result, diag.List, error) {
	from := io.aws.from
	if from == liveNetwork || from == "" {
		s, err := readLive(io.ctx, io)
		if err != nil {
			return nil, nil, err
		}
		r, d := awsjson.Load(s.FS(), liveNetwork, liveNetwork)
		return r, d, nil
	}
	fi, err := os.Stat(from)
	if err != nil || !fi.IsDir() {
		return nil, nil, &exitError{code: exitInput, err: fmt.Errorf("--from %s: want a directory of describe-* JSON (moat snapshot -o DIR)", from)}
	}
	r, d := awsjson.Load(os.DirFS(from), filepath.ToSlash(filepath.Clean(from)), filepath.Base(filepath.Clean(from)))
	if r.Files == 0 {
		return nil, nil, &exitError{code: exitInput, err: fmt.Errorf("--from %s holds no describe-* JSON moat reads; see docs/import.md", from)}
	}
	return r, d, nil
}

// buildExisting places a parsed spec with network.existing into its VPC
// (package existing) and compiles it there.
func buildExisting(io *streams, l *loaded) error {
	r, d, err := existingVPC(io, l)
	if err != nil {
		return err
	}
	if r != nil {
		for k, v := range r.Sources {
			l.sources[k] = v
		}
	}
	l.diags = append(l.diags, d...)
	if d.HasErrors() || r == nil || r.Network == nil {
		return nil
	}
	n, ch, bd := existing.Build(l.stack, r.Network, r.Offerings)
	l.diags = append(l.diags, bd...)
	l.choice = ch
	if !bd.HasErrors() {
		l.network = n
	}
	return nil
}

// writeExisting prints, for a stack in an existing VPC, what it uses of
// the VPC and what it needs the user to change there.
func writeExisting(w io.Writer, n *model.Network, ch *existing.Choice) {
	if n.Existing == nil || ch == nil {
		return
	}
	fmt.Fprintf(w, "\nExisting VPC %s (%s): what the stack uses of it\n", model.AWSID(ch.VPC.Addr), ch.VPC.CIDR)
	fmt.Fprintf(w, "  subnets by their routes:\n")
	for _, c := range ch.Classes {
		use := ""
		for t, as := range ch.Subnets {
			for _, a := range as {
				if a == c.Subnet {
					use = "  <- " + string(t) + " tier of the stack"
				}
			}
		}
		sn, _ := n.Subnet(c.Subnet)
		fmt.Fprintf(w, "    %-26s %-9s %-9s %-18s %s%s\n", model.AWSID(c.Subnet), c.ZoneID, c.Tier, sn.CIDR, c.Reason, use)
	}
	if len(ch.HaveGateway) > 0 {
		fmt.Fprintf(w, "  gateway endpoints already there: %s\n", strings.Join(ch.HaveGateway, ", "))
	}
	if len(n.Existing.Changes) == 0 {
		fmt.Fprintf(w, "  needs no change to resources it did not create\n")
		return
	}
	fmt.Fprintf(w, "  changes to resources it did not create (make or allow them):\n")
	for _, c := range n.Existing.Changes {
		name := string(c.Resource)
		if n.Existing.IsFound(c.Resource) {
			name = model.AWSID(c.Resource)
		}
		fmt.Fprintf(w, "    %s: %s\n", name, c.Text)
	}
}

// writeExistingCost says, for a stack in an existing VPC, how much of the
// total is for resources that were there before it: the combined network
// is priced whole, but the stack adds only the rest.
func writeExistingCost(w io.Writer, n *model.Network, r *pricing.Report) {
	if n.Existing == nil {
		return
	}
	var found pricing.Money
	var names []string
	for _, l := range r.Lines {
		if n.Existing.IsFound(l.Resource) && !l.Unpriced {
			found += l.Monthly
			if !slices.Contains(names, string(l.Resource)) {
				names = append(names, string(l.Resource))
			}
		}
	}
	fmt.Fprintf(w, "\nOf the total, %s is for resources already in %s (%s): the stack adds %s.\n",
		found, model.AWSID(n.Existing.VPC), orNone(names), r.Total-found)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none priced"
	}
	return strings.Join(names, ", ")
}
