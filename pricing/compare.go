package pricing

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/model"
)

// Option is one way to give the private subnets internet access, already
// compiled into a network by the caller (pricing does not compile specs).
type Option struct {
	model.NATOption
	Network *model.Network // nil when the option could not be built
	Err     error          // why Network is nil
}

// Row is one option priced.
type Row struct {
	Option    string  `json:"option"`
	Label     string  `json:"label"`
	Total     Money   `json:"total"`
	NAT       Money   `json:"nat"` // NAT devices, their addresses and the cross-zone traffic they add
	Unpriced  int     `json:"unpriced"`
	Saving    Money   `json:"saving"`         // baseline total - this total
	SavingPct float64 `json:"saving_percent"` // of the baseline total, one decimal
	GivesUp   string  `json:"gives_up"`
	Baseline  bool    `json:"baseline,omitempty"`
	Error     string  `json:"error,omitempty"`
}

// Comparison prices the same stack with each NAT option.
type Comparison struct {
	Stack  string `json:"stack"`
	Region string `json:"region"`
	Rows   []Row  `json:"rows"`
	// NotCompared lists the options the topology does not have: the
	// design builds for them the same NAT as for an option already in
	// Rows (a hub-and-spoke design puts its NAT in the egress VPC itself;
	// with one zone, per zone and shared are the same).
	NotCompared []SameAs     `json:"not_compared,omitempty"`
	Assumptions []Assumption `json:"assumptions"`
}

// SameAs is an option left out of a comparison and the row it would repeat.
type SameAs struct {
	Option string `json:"option"`
	Label  string `json:"label"`
	SameAs string `json:"same_as"`
}

// natDesign is what a network's NAT is, for telling options apart: its
// devices, where they are, their type and addresses.
func natDesign(n *model.Network) string {
	var b strings.Builder
	for _, g := range n.NATGateways {
		fmt.Fprintf(&b, "gw %s %s %s %v %v %d %v;", g.Addr, g.VPC, g.Subnet, g.Regional, g.Zones, g.PublicIPs, g.Private)
	}
	for _, ni := range n.NATInstances {
		fmt.Fprintf(&b, "ni %s %s %s %s %v;", ni.Addr, ni.VPC, ni.Subnet, ni.InstanceType, ni.Serves)
	}
	return b.String()
}

// Compare prices every option with t and u and states each one's saving
// against the option marked Baseline.
func Compare(opts []Option, t *Table, u Usage) *Comparison {
	c := &Comparison{Assumptions: u.Assumptions()}
	for _, o := range opts {
		if o.Network != nil {
			c.Assumptions = u.assumptionsFor(o.Network) // the options differ only in NAT
			break
		}
	}
	var base *Row
	seen := map[string]string{} // NAT design -> the option that has it
	for _, o := range opts {
		row := Row{Option: o.Name, Label: o.Label, GivesUp: o.GivesUp, Baseline: o.Baseline}
		if o.Network == nil {
			row.Error = "could not be built"
			if o.Err != nil {
				row.Error = o.Err.Error()
			}
			c.Rows = append(c.Rows, row)
			continue
		}
		if c.Stack == "" {
			c.Stack, c.Region = o.Network.Name, o.Network.Region
		}
		d := natDesign(o.Network)
		if first, ok := seen[d]; ok {
			c.NotCompared = append(c.NotCompared, SameAs{Option: o.Name, Label: o.Label, SameAs: first})
			continue
		}
		seen[d] = o.Name
		r := Estimate(o.Network, t, u)
		row.Total, row.Unpriced = r.Total, r.Unpriced
		row.NAT = natPart(o.Network, r)
		c.Rows = append(c.Rows, row)
		if o.Baseline {
			base = &c.Rows[len(c.Rows)-1]
		}
	}
	if base == nil {
		return c
	}
	baseTotal := base.Total
	for i := range c.Rows {
		row := &c.Rows[i]
		if row.Error != "" {
			continue
		}
		row.Saving = baseTotal - row.Total
		if baseTotal > 0 {
			// One decimal, rounded half away from zero, in integers.
			tenths := (int64(row.Saving)*1000 + sign(int64(row.Saving))*int64(baseTotal)/2) / int64(baseTotal)
			row.SavingPct = float64(tenths) / 10
		}
	}
	return c
}

func sign(v int64) int64 {
	if v < 0 {
		return -1
	}
	return 1
}

// natPart sums the lines NAT is responsible for: the NAT devices (hours,
// GB, volumes, public addresses) and the cross-zone traffic they add.
func natPart(n *model.Network, r *Report) Money {
	nat := map[model.ResourceRef]bool{"data-transfer/cross-zone-nat": true}
	for _, g := range n.NATGateways {
		nat[g.Addr] = true
	}
	for _, ni := range n.NATInstances {
		nat[ni.Addr] = true
	}
	var m Money
	for _, l := range r.Lines {
		if nat[l.Resource] && !l.Unpriced {
			m += l.Monthly
		}
	}
	return m
}

// PercentString formats a saving percentage such as 12.3 as "12.3%".
func PercentString(p float64) string { return fmt.Sprintf("%.1f%%", p) }
