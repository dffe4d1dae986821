package ui

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/diagram"
	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/pricing"
	"github.com/moatnet/moat/spec"
)

// Result is everything the page shows for one version of the spec.
type Result struct {
	File        string         `json:"file"`
	Spec        string         `json:"spec"` // the edited text, as Save would write it
	Changed     bool           `json:"changed"`
	Diagnostics []Diagnostic   `json:"diagnostics"`
	Settings    map[string]any `json:"settings"`
	Cost        *Cost          `json:"cost,omitempty"`
	Notes       []Note         `json:"notes"`
	Diagram     *Drawing       `json:"diagram,omitempty"`
	Layout      *Layout        `json:"layout,omitempty"`
	Names       []string       `json:"names"` // what reach's from and to accept, for the page's lists
}

// Diagnostic is a spec problem at its field: Path is the setting's dotted
// path ("network.cidr") where the position falls inside the spec.
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Hint     string `json:"hint,omitempty"`
	Where    string `json:"where"` // file:line:column
	Path     string `json:"path,omitempty"`
}

// Cost is the monthly cost and the NAT comparison.
type Cost struct {
	Total    string       `json:"total"`
	Cents    int64        `json:"cents"`
	Unpriced int          `json:"unpriced"`
	NAT      string       `json:"nat"` // "of which NAT", as cost --compare counts it
	NATCents int64        `json:"nat_cents"`
	Lines    []CostLine   `json:"lines"`
	Options  []CostOption `json:"options"`
	Current  string       `json:"current"` // the option the spec has
}

// CostOption is one row of the NAT comparison.
type CostOption struct {
	Option  string `json:"option"`
	Label   string `json:"label"`
	Total   string `json:"total"`
	NAT     string `json:"nat"`
	Saving  string `json:"saving"` // against a NAT gateway per zone
	GivesUp string `json:"gives_up"`
	Error   string `json:"error,omitempty"`
}

// CostLine is one charge.
type CostLine struct {
	Resource string `json:"resource"`
	Item     string `json:"item"`
	Monthly  string `json:"monthly"`
}

// Check is one verify result.
type Check struct {
	Mark      string              `json:"mark"` // ✓, ✗ or ?
	Intent    string              `json:"intent"`
	Detail    string              `json:"detail,omitempty"`
	Evidence  string              `json:"evidence,omitempty"`
	Highlight []model.ResourceRef `json:"highlight,omitempty"` // the counterexample's hops
}

// Note is a trade-off or advice the plan prints.
type Note struct {
	Kind     string `json:"kind"`
	Resource string `json:"resource"`
	Text     string `json:"text"`
}

// Drawing is the diagram and, per drawn box, what it stands for and its
// rules and routes.
type Drawing struct {
	SVG   string         `json:"svg"`
	Boxes map[string]Box `json:"boxes"`
}

// Box is one drawn element: the resources it stands for and their
// settings, one line each.
type Box struct {
	Addrs   []model.ResourceRef `json:"addrs"`
	Kind    string              `json:"kind"`
	Details []string            `json:"details"`
}

// Plan parses, compiles, prices and draws the spec src, read from file.
// It never fails: a spec with errors gives diagnostics and the settings
// the parser could read. Verify, which proves the design over every
// address and port and takes longer, is asked for separately, so the
// page redraws at once and the proofs follow.
func Plan(file string, src []byte) *Result {
	r := &Result{File: file, Spec: string(src), Diagnostics: []Diagnostic{}, Notes: []Note{}, Names: []string{}}
	st, n, ds := design(file, src)
	r.Settings = settings(st, natOptions(st, n))
	if n == nil {
		r.Diagnostics = diagnostics(ds, src)
		return r
	}
	_, ad := derive.Assertions(st, analyze.NewIndex(n))
	r.Diagnostics = diagnostics(append(ds, ad...), src)
	r.Cost = cost(st, n)
	for _, nt := range n.Notes {
		r.Notes = append(r.Notes, Note{Kind: string(nt.Kind), Resource: string(nt.Resource), Text: nt.Text})
	}
	r.Diagram = draw(n, diagram.Options{})
	r.Names = reachNames(n)
	r.Layout = layout(n)
	return r
}

// design parses and compiles src as the commands do: compiler checks run
// only on a spec that parsed without errors. n is nil when there are
// errors.
func design(file string, src []byte) (*spec.Stack, *model.Network, diag.List) {
	st, ds := spec.Parse(file, src)
	if ds.HasErrors() || st == nil {
		return st, nil, ds
	}
	n, cd := compile.Compile(st)
	ds = append(ds, cd...)
	if cd.HasErrors() {
		return st, nil, ds
	}
	return st, n, ds
}

// diagnostics places each diagnostic at the setting its position falls in.
func diagnostics(ds diag.List, src []byte) []Diagnostic {
	out := []Diagnostic{}
	for _, d := range ds.Sorted() {
		out = append(out, Diagnostic{
			Severity: d.Severity.String(), Summary: d.Summary, Hint: d.Hint, Where: d.Range.String(),
			Path: PathAt(src, d.Range.Start.Line, d.Range.Start.Column),
		})
	}
	return out
}

// cost prices n and compares the NAT options, as moat cost and cost
// --compare do at the default usage.
func cost(st *spec.Stack, n *model.Network) *Cost {
	table, err := pricing.Load(n.Region)
	if err != nil {
		table = nil // every line unpriced, as moat cost says
	}
	u := pricing.DefaultUsage()
	rep := pricing.Estimate(n, table, u)
	c := &Cost{Total: rep.Total.String(), Cents: centsOf(rep.Total), Unpriced: rep.Unpriced, Current: natChoice(st, n.NATOptions)}
	for _, l := range rep.Lines {
		m := l.Monthly.String()
		if l.Unpriced {
			m = "unpriced"
		}
		c.Lines = append(c.Lines, CostLine{Resource: string(l.Resource), Item: l.Item, Monthly: m})
	}
	if st.Topology != spec.HubAndSpoke {
		cmp := pricing.Compare(derive.NATOptions(st, n), table, u)
		for _, row := range cmp.Rows {
			saving := "baseline"
			if !row.Baseline {
				saving = fmt.Sprintf("%s (%s)", row.Saving, pricing.PercentString(row.SavingPct))
			}
			c.Options = append(c.Options, CostOption{Option: row.Option, Label: row.Label, Total: row.Total.String(),
				NAT: row.NAT.String(), Saving: saving, GivesUp: row.GivesUp, Error: row.Error})
			if row.Option == c.Current {
				c.NAT, c.NATCents = row.NAT.String(), centsOf(row.NAT)
			}
		}
	}
	return c
}

// centsOf is m in whole cents, as Money prints it.
func centsOf(m pricing.Money) int64 {
	s := strings.TrimPrefix(strings.ReplaceAll(m.Dollars(), ",", ""), "$")
	var d, c int64
	neg := strings.HasPrefix(s, "-")
	fmt.Sscanf(strings.TrimPrefix(s, "-"), "%d.%d", &d, &c)
	if neg {
		return -(d*100 + c)
	}
	return d*100 + c
}

// natOptions are the design's NAT options: those the compiled network
// records, or, for a spec that does not compile, the table compile would
// record, so the page still shows the spec's choice.
func natOptions(st *spec.Stack, n *model.Network) []model.NATOption {
	if n != nil {
		return n.NATOptions
	}
	return compile.NATOptions(st)
}

// natChoice names the spec's NAT by the design's options: the row marked
// Current, or the spec's mode as written when none is (a mode compile
// does not know).
func natChoice(st *spec.Stack, opts []model.NATOption) string {
	for _, o := range opts {
		if o.Current {
			return o.Name
		}
	}
	return string(st.Network.NAT.Mode)
}

// Verify proves the spec src's design intents and assertions as moat
// verify does.
func Verify(file string, src []byte) ([]Check, error) {
	st, n, ds := design(file, src)
	if n == nil {
		return nil, fmt.Errorf("the spec has errors (%d): fix them first", len(ds))
	}
	ix := analyze.NewIndex(n)
	asserts, _ := derive.Assertions(st, ix)
	out := []Check{}
	for _, c := range ix.Verify(asserts) {
		out = append(out, check(c))
	}
	return out, nil
}

func check(c analyze.Check) Check {
	out := Check{Mark: "✓", Intent: c.Intent}
	switch {
	case c.NotProved:
		out.Mark = "?"
	case !c.OK:
		out.Mark = "✗"
	}
	if c.OK {
		return out
	}
	out.Detail = c.Detail
	for _, p := range c.Evidence {
		if p.Reachable {
			out.Evidence = "counterexample: " + p.Summary()
			out.Highlight = derive.PathOptions(analyze.Answer{Verdict: analyze.Reachable, Paths: []analyze.Path{p}}).Highlight
			break
		}
		for _, b := range p.Blockers {
			out.Evidence = "blocked by: " + b.Text()
		}
	}
	return out
}

// draw lays n out with opts and lists each drawn box's resources with
// their rules and routes.
func draw(n *model.Network, opts diagram.Options) *Drawing {
	pic := diagram.Layout(n, opts)
	svg, err := diagram.Render(n, diagram.SVG, opts)
	if err != nil {
		return nil
	}
	d := &Drawing{SVG: string(svg), Boxes: map[string]Box{}}
	for _, b := range pic.Boxes {
		if len(b.Addrs) == 0 {
			continue
		}
		d.Boxes[b.ID] = Box{Addrs: b.Addrs, Kind: string(b.Kind), Details: details(n, b.Addrs)}
	}
	return d
}

// reachNames are the addresses the page offers as reach's ends.
func reachNames(n *model.Network) []string {
	names := []string{"internet"}
	add := func(a model.ResourceRef) { names = append(names, string(a)) }
	for _, lb := range n.LoadBalancers {
		add(lb.Addr)
	}
	for _, w := range []model.ResourceRef{compile.ServiceAddr, compile.DatabaseAddr, compile.BastionAddr} {
		for _, e := range n.ENIs {
			if e.Owner == w {
				add(w)
				break
			}
		}
	}
	for _, s := range n.Subnets {
		add(s.Addr)
	}
	for _, sg := range n.SecurityGroups {
		add(sg.Addr)
	}
	return append(names, "s3", "dynamodb")
}

// PathOf is a prefix in text, or the empty string for the zero prefix.
func prefixText(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}

// Layout is the network in the diagram's shape, for the page's boxes: the
// VPC, its zones by AZ ID, and a row per tier with its subnets and what
// runs there.
type Layout struct {
	VPC   string    `json:"vpc"`
	CIDR  string    `json:"cidr"`
	Zones []string  `json:"zones"`
	Tiers []TierRow `json:"tiers"`
}

// TierRow is one tier: its subnets by zone and the resources in them.
type TierRow struct {
	Tier    string            `json:"tier"`
	Subnets map[string]string `json:"subnets"` // zone -> CIDR
	Holds   []string          `json:"holds"`   // alb, service, db, bastion, nat
}

func layout(n *model.Network) *Layout {
	if len(n.VPCs) == 0 {
		return nil
	}
	v := n.VPCs[0]
	l := &Layout{VPC: string(v.Addr), CIDR: prefixText(v.CIDR), Zones: []string{}}
	rows := map[model.Tier]*TierRow{}
	tierOf := map[model.ResourceRef]model.Tier{}
	for _, s := range n.Subnets {
		if s.VPC != v.Addr {
			continue
		}
		if !slices.Contains(l.Zones, s.ZoneID) {
			l.Zones = append(l.Zones, s.ZoneID)
		}
		t := n.TierOf(&s)
		tierOf[s.Addr] = t
		if rows[t] == nil {
			rows[t] = &TierRow{Tier: string(t), Subnets: map[string]string{}, Holds: []string{}}
		}
		rows[t].Subnets[s.ZoneID] = s.CIDR.String()
	}
	hold := func(sub model.ResourceRef, what string) {
		if r := rows[tierOf[sub]]; r != nil && !slices.Contains(r.Holds, what) {
			r.Holds = append(r.Holds, what)
		}
	}
	for _, lb := range n.LoadBalancers {
		for _, s := range lb.Subnets {
			hold(s, string(lb.Addr))
		}
	}
	for _, e := range n.ENIs {
		switch e.Owner {
		case compile.ServiceAddr, compile.DatabaseAddr, compile.BastionAddr:
			hold(e.Subnet, string(e.Owner))
		}
	}
	for _, g := range n.NATGateways {
		hold(g.Subnet, "nat gateway")
	}
	for _, ni := range n.NATInstances {
		hold(ni.Subnet, "nat instance")
	}
	for _, t := range []model.Tier{model.Public, model.Private, model.Isolated} {
		if r := rows[t]; r != nil {
			l.Tiers = append(l.Tiers, *r)
		}
	}
	return l
}
