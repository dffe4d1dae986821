package derive

import (
	"fmt"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/pricing"
	"github.com/moatnet/moat/spec"
)

// NATOptions designs the stack once per NAT option. The stack is copied,
// so the caller's spec is untouched.
func NATOptions(st *spec.Stack) []pricing.Option {
	itype := st.Network.NAT.InstanceType
	if itype == "" {
		itype = "t4g.nano"
	}
	build := func(mode spec.NATMode, perZone bool) (*model.Network, error) {
		cp := *st
		cp.Network.NAT = spec.NAT{Mode: mode, InstanceType: itype, PerZone: perZone}
		n, diags := compile.Compile(&cp)
		if diags.HasErrors() {
			for _, d := range diags {
				if d.Severity == diag.Error {
					return nil, fmt.Errorf("%s", d.Summary)
				}
			}
		}
		return n, nil
	}
	specs := []struct {
		name, label string
		mode        spec.NATMode
		perZone     bool
		givesUp     string
		baseline    bool
	}{
		{"gateway-per-zone", "a NAT gateway per zone", spec.NATGatewayPerZone, false,
			"nothing: managed, scales to 100 Gbps per gateway, a zone failure stops only that zone", true},
		{"instance-per-zone", "a NAT instance (" + itype + ") per zone", spec.NATInstance, true,
			"throughput bounded by " + itype + " (fck-nat: up to 5 Gbps); a failed instance is replaced in minutes, not seconds; you patch it", false},
		{"instance-shared", "one shared NAT instance (" + itype + ")", spec.NATInstance, false,
			"all of the above, and its zone failing cuts every zone off the internet; other zones pay cross-zone traffic", false},
		{"gateway", "one shared NAT gateway", spec.NATGateway, false,
			"its zone failing cuts every zone off the internet; other zones pay cross-zone traffic", false},
		{"regional-gateway", "one regional NAT gateway", spec.NATRegionalGateway, false,
			"little: AWS spreads it over the zones in use, but it takes minutes to expand into a new zone (traffic crosses zones meanwhile)", false},
		{"none", "no NAT", spec.NATNone, false,
			"all internet egress from private subnets: AWS services only through endpoints", false},
	}
	var out []pricing.Option
	for _, s := range specs {
		n, err := build(s.mode, s.perZone)
		out = append(out, pricing.Option{Name: s.name, Label: s.label, Network: n, Err: err, GivesUp: s.givesUp, Baseline: s.baseline})
	}
	return out
}
