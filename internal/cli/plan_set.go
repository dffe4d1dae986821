package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
)

// renderedTemplate is one encoded template of a plan's set.
type renderedTemplate struct {
	name, account string
	body          []byte
	resources     int
	sizeNote      string // how to send a template too large to go inline; "" when it fits
}

// renderTemplates emits the network as one template per account (one
// template when the design names at most one), checks each and encodes
// it. The second result is the deploy order of a split design.
func renderTemplates(n *model.Network, format string) ([]renderedTemplate, []string, error) {
	out, set, err := renderTemplateSet(n, format)
	if err != nil {
		return nil, nil, err
	}
	return out, cfn.DeployOrder(set), nil
}

// renderTemplateSet is renderTemplates with the templates themselves
// in place of the deploy order.
func renderTemplateSet(n *model.Network, format string) ([]renderedTemplate, []cfn.NamedTemplate, error) {
	set, ds := cfn.FromNetworkSet(n)
	if ds.HasErrors() {
		return nil, nil, fmt.Errorf("build template: %w", derive.Summaries(ds))
	}
	var out []renderedTemplate
	for _, nt := range set {
		t := nt.Template
		if errs := cfn.Check(t); len(errs) > 0 {
			return nil, nil, fmt.Errorf("%s template failed its own check (a moat bug; please report it): %w", nt.Name, errs[0])
		}
		body, err := t.Encode(format)
		if err != nil {
			return nil, nil, fmt.Errorf("encode %s template: %w", nt.Name, err)
		}
		size, err := cfn.MeasureBody(t, body)
		if err == nil {
			err = size.Err()
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s template: %w", nt.Name, err)
		}
		out = append(out, renderedTemplate{name: nt.Name, account: nt.Account, body: body, resources: len(t.Resources), sizeNote: size.Note()})
	}
	return out, set, nil
}

// templateNames are the templates plan writes: one, or one per account.
var templateNames = []string{"template", "network", "workload"}

// written is what writeTemplates did.
type written struct {
	Templates []writtenTemplate `json:"templates"`
	Removed   []string          `json:"removed,omitempty"`
}

type writtenTemplate struct {
	Path      string `json:"path"`
	Resources int    `json:"resources"`
	// Name and Account are set for a design split across accounts.
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"`
	// Note says how to send a template too large for CloudFormation's
	// inline body (cfn.BodySize.Note); empty when it fits.
	Note string `json:"note,omitempty"`
}

// writeTemplates writes each template to dir/<name>.<format>, each
// replaced atomically.
//
// Templates of an earlier plan that this one does not write (the other
// format, or the other split) are removed, so the directory never offers a
// stale template beside the new one.
func writeTemplates(dir, format string, set []renderedTemplate) (written, error) {
	var w written
	if err := outputDir(dir); err != nil {
		return w, err
	}
	for _, r := range set {
		dest := filepath.Join(dir, r.name+"."+format)
		if err := writeFileAtomic(dest, r.body, 0o644); err != nil {
			return w, err
		}
		t := writtenTemplate{Path: dest, Resources: r.resources, Note: r.sizeNote}
		if len(set) > 1 {
			t.Name, t.Account = r.name, r.account
		}
		w.Templates = append(w.Templates, t)
	}
	for _, name := range templateNames {
		for _, ext := range []string{"yaml", "json"} {
			stale := filepath.Join(dir, name+"."+ext)
			if slices.ContainsFunc(w.Templates, func(t writtenTemplate) bool { return t.Path == stale }) {
				continue
			}
			if err := os.Remove(stale); err == nil {
				w.Removed = append(w.Removed, stale)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return w, fmt.Errorf("remove stale template: %w", err)
			}
		}
	}
	return w, nil
}

// writeWritten says what plan wrote and removed and, for a split design,
// in which order to deploy.
func writeWritten(summary *bytes.Buffer, w written, order []string) {
	fmt.Fprintln(summary)
	for _, t := range w.Templates {
		if t.Account == "" {
			fmt.Fprintf(summary, "Wrote %s (%d resources).\n", t.Path, t.Resources)
		} else {
			fmt.Fprintf(summary, "Wrote %s (%d resources) for the %s account %s.\n", t.Path, t.Resources, t.Name, t.Account)
		}
		if t.Note != "" {
			fmt.Fprintf(summary, "  %s\n", t.Note)
		}
	}
	for _, r := range w.Removed {
		fmt.Fprintf(summary, "Removed %s, which an earlier plan wrote.\n", r)
	}
	if len(order) > 0 {
		fmt.Fprintln(summary, "\nDeploy one stack per account, in this order:")
		for i, s := range order {
			fmt.Fprintf(summary, "  %d. %s\n", i+1, s)
		}
	}
}
