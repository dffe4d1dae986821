package cli

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/moatnet/moat/cfn"
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
	set, err := cfn.FromNetworkSet(n)
	if err != nil {
		return nil, nil, fmt.Errorf("build template: %w", err)
	}
	var out []renderedTemplate
	for _, nt := range set {
		t := nt.Template
		if errs := cfn.Check(t); len(errs) > 0 {
			return nil, nil, fmt.Errorf("%s template failed its own check (a moat bug; please report it): %w", nt.Name, errs[0])
		}
		var body []byte
		if format == "json" {
			body, err = t.JSON()
		} else {
			body, err = t.YAML()
		}
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
	return out, cfn.DeployOrder(set), nil
}

// writeTemplates writes each template to dir/<name>.<format>, each
// replaced atomically, and says what it wrote and, for a split design, in
// which order to deploy.
func writeTemplates(summary *bytes.Buffer, dir, format string, set []renderedTemplate, order []string) error {
	fmt.Fprintln(summary)
	for _, r := range set {
		dest := filepath.Join(dir, r.name+"."+format)
		if err := writeFileAtomic(dest, r.body, 0o644); err != nil {
			return err
		}
		if len(set) == 1 {
			fmt.Fprintf(summary, "Wrote %s (%d resources).\n", dest, r.resources)
		} else {
			fmt.Fprintf(summary, "Wrote %s (%d resources) for the %s account %s.\n", dest, r.resources, r.name, r.account)
		}
		if r.sizeNote != "" {
			fmt.Fprintf(summary, "  %s\n", r.sizeNote)
		}
	}
	if len(order) > 0 {
		fmt.Fprintln(summary, "\nDeploy one stack per account, in this order:")
		for i, s := range order {
			fmt.Fprintf(summary, "  %d. %s\n", i+1, s)
		}
	}
	return nil
}
