package derive

import (
	"fmt"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/pricing"
	"github.com/moatnet/moat/spec"
)

// NATOptions designs the stack once per NAT option of compile's table.
// The stack is copied, so the caller's spec is untouched.
func NATOptions(st *spec.Stack) []pricing.Option {
	var out []pricing.Option
	for _, o := range compile.NATOptions(st) {
		n, diags := compile.CompileWith(st, o)
		var err error
		if diags.HasErrors() {
			n = nil
			for _, d := range diags {
				if d.Severity == diag.Error {
					err = fmt.Errorf("%s", d.Summary)
					break
				}
			}
		}
		out = append(out, pricing.Option{NATOption: o, Network: n, Err: err})
	}
	return out
}
