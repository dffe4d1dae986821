package derive

import (
	"fmt"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/pricing"
	"github.com/moatnet/moat/spec"
)

// NATOptions designs the stack st once per NAT option n, its compiled
// design, records (n.NATOptions, the baseline first): each with the
// option's change to network.nat. The stack is copied, so the caller's
// spec is untouched. A network with no options (an import, a stack in an
// existing VPC) gives none.
func NATOptions(st *spec.Stack, n *model.Network) []pricing.Option {
	var out []pricing.Option
	for _, o := range n.NATOptions {
		on, diags := compile.CompileWith(st, o)
		var err error
		if diags.HasErrors() {
			on = nil
			for _, d := range diags {
				if d.Severity == diag.Error {
					err = fmt.Errorf("%s", d.Summary)
					break
				}
			}
		}
		out = append(out, pricing.Option{NATOption: o, Network: on, Err: err})
	}
	return out
}
