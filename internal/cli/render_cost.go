package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/moatnet/moat/pricing"
)

// writeCost prints a cost report: one row per charge, the assumption
// under the row that makes it, unpriced lines with their reasons, then
// every usage figure.
func writeCost(w io.Writer, r *pricing.Report) {
	region := r.Region
	if region == "" {
		region = "no region"
	}
	fmt.Fprintf(w, "Monthly cost of %s in %s: %s (list prices, 730-hour month)\n\n", nameOr(r.Stack), region, totalWithUnpriced(r.Total, r.Unpriced))
	tw := table(w)
	fmt.Fprintln(tw, "  resource\titem\tquantity\tunit price\tmonthly")
	for _, l := range r.Lines {
		price, monthly := l.UnitPrice.String()+"/"+l.Unit, l.Monthly.String()
		switch {
		case l.Unpriced:
			price, monthly = "-", "unpriced"
		case l.UnitPrice == 0:
			price = "free"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s %s\t%s\t%s\n", l.Resource, l.Item, l.Quantity, l.Unit, price, monthly)
	}
	fmt.Fprintf(tw, "  total\t\t\t\t%s\n", totalWithUnpriced(r.Total, r.Unpriced))
	tw.Flush()

	// One note per distinct assumption, naming every line it covers, so
	// three NAT instances do not repeat the same sentence three times.
	var order []string
	who := map[string][]string{}
	for _, l := range r.Lines {
		if l.Assumption == "" || l.Unpriced {
			continue
		}
		k := l.Item + ": " + l.Assumption
		if _, ok := who[k]; !ok {
			order = append(order, k)
		}
		who[k] = append(who[k], string(l.Resource))
	}
	if len(order) > 0 {
		fmt.Fprintln(w, "\nHow the lines are counted")
		for _, k := range order {
			fmt.Fprintf(w, "  %s, %s\n", strings.Join(who[k], ", "), k)
		}
	}
	if r.Unpriced > 0 {
		fmt.Fprintf(w, "\nNot priced (%s, not in the total)\n", plural(r.Unpriced, "line"))
		// Lines that share a reason (a Region file that lacks a dozen
		// figures for the same cause) are listed under it once.
		var reasons []string
		lines := map[string][]string{}
		for _, l := range r.Lines {
			if !l.Unpriced {
				continue
			}
			if _, ok := lines[l.Reason]; !ok {
				reasons = append(reasons, l.Reason)
			}
			lines[l.Reason] = append(lines[l.Reason], fmt.Sprintf("%s, %s", l.Resource, l.Item))
		}
		for _, why := range reasons {
			if ls := lines[why]; len(ls) == 1 {
				fmt.Fprintf(w, "  %s: %s\n", ls[0], why)
				continue
			}
			fmt.Fprintf(w, "  %s:\n", why)
			for _, l := range lines[why] {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}
	writeAssumptions(w, r.Assumptions)
	if r.PriceFile != "" {
		fmt.Fprintf(w, "\nPrices: %s (each figure's source and date: moat cost --format json).\n", r.PriceFile)
	}
}

func writeAssumptions(w io.Writer, as []pricing.Assumption) {
	fmt.Fprintln(w, "\nUsage assumptions (the defaults describe a small stack; set any of them with --usage FILE)")
	tw := table(w)
	for _, a := range as {
		mark := ""
		if !a.Default {
			mark = " (set)"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\t%s\n", a.Key, a.Value, mark, a.Meaning)
	}
	tw.Flush()
}

// writeComparison prints the NAT options side by side.
func writeComparison(w io.Writer, c *pricing.Comparison, t *pricing.Table) {
	region := c.Region
	if t == nil {
		region += " (no price table: totals are empty)"
	}
	fmt.Fprintf(w, "NAT options for %s in %s, monthly, list prices\n\n", nameOr(c.Stack), region)
	tw := table(w)
	fmt.Fprintln(tw, "  option\ttotal\tof which NAT\tsaving vs gateway per zone\tunpriced")
	for _, r := range c.Rows {
		if r.Error != "" {
			fmt.Fprintf(tw, "  %s\t-\t-\t-\t%s\n", r.Option, r.Error)
			continue
		}
		saving := "baseline"
		if !r.Baseline {
			saving = fmt.Sprintf("%s (%s)", r.Saving, pricing.PercentString(r.SavingPct))
		}
		unpriced := "-"
		if r.Unpriced > 0 {
			unpriced = plural(r.Unpriced, "line")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Option, r.Total, r.NAT, saving, unpriced)
	}
	tw.Flush()
	if len(c.NotCompared) > 0 {
		fmt.Fprintln(w, "\nNot compared: this design builds the same NAT for them as for the row named")
		for _, o := range c.NotCompared {
			fmt.Fprintf(w, "  %s (%s): same as %s\n", o.Option, o.Label, o.SameAs)
		}
	}
	fmt.Fprintln(w, "\nWhat each gives up")
	for _, r := range c.Rows {
		fmt.Fprintf(w, "  %s (%s): %s\n", r.Option, r.Label, r.GivesUp)
	}
	fmt.Fprintln(w, "\n\"of which NAT\" is the NAT devices, their public IPv4 addresses, their volumes and the")
	fmt.Fprintln(w, "cross-zone traffic a NAT in another zone adds. Unpriced lines are left out of the totals,")
	fmt.Fprintln(w, "so an option with unpriced lines is cheaper on paper than it is: see moat cost for each.")
	writeAssumptions(w, c.Assumptions)
}

// totalWithUnpriced is a total that says what it leaves out: with
// unpriced lines it is a lower bound, "$0.00 + 24 unpriced".
func totalWithUnpriced(total pricing.Money, unpriced int) string {
	if unpriced == 0 {
		return total.String()
	}
	return fmt.Sprintf("%s + %d unpriced", total, unpriced)
}

func nameOr(s string) string {
	if s == "" {
		return "the network"
	}
	return s
}
