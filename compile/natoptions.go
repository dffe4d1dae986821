package compile

import (
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// NATOptions is the table of NAT options for s, the baseline first, as
// Compile records it on the network (Network.NATOptions): `moat cost
// --compare` prices a network per row. The instance options use s's
// instance type, or the smallest Graviton type. The row that is s's own
// choice is marked Current; none is when s's mode is unknown.
func NATOptions(s *spec.Stack) []model.NATOption {
	itype := s.Network.NAT.InstanceType
	if itype == "" {
		itype = "t4g.nano"
	}
	row := func(name, label string, mode spec.NATMode, perZone bool, givesUp string) model.NATOption {
		return model.NATOption{Name: name, Label: label, GivesUp: givesUp,
			Change: model.NATChange{Mode: string(mode), InstanceType: itype, PerZone: perZone}}
	}
	out := []model.NATOption{
		row("gateway-per-zone", "a NAT gateway per zone", spec.NATGatewayPerZone, false,
			"nothing: managed, scales to 100 Gbps per gateway, a zone failure stops only that zone"),
		row("instance-per-zone", "a NAT instance ("+itype+") per zone", spec.NATInstance, true,
			"throughput bounded by "+itype+" (fck-nat: up to 5 Gbps); a failed instance is replaced in minutes, not seconds; you patch it"),
		row("instance-shared", "one shared NAT instance ("+itype+")", spec.NATInstance, false,
			"all of the above, and its zone failing cuts every zone off the internet; other zones pay cross-zone traffic"),
		row("gateway", "one shared NAT gateway", spec.NATGateway, false,
			"its zone failing cuts every zone off the internet; other zones pay cross-zone traffic"),
		row("regional-gateway", "one regional NAT gateway", spec.NATRegionalGateway, false,
			"little: AWS spreads it over the zones in use, but it takes minutes to expand into a new zone (traffic crosses zones meanwhile)"),
		row("none", "no NAT", spec.NATNone, false,
			"all internet egress from private subnets: AWS services only through endpoints"),
	}
	out[0].Baseline = true
	for i, o := range out {
		// per_zone tells options apart only for instances.
		out[i].Current = o.Change.Mode == string(s.Network.NAT.Mode) &&
			(o.Change.Mode != string(spec.NATInstance) || o.Change.PerZone == s.Network.NAT.PerZone)
	}
	return out
}

// CompileWith compiles s with o's NAT change in place of its own NAT. s
// is copied, so the caller's spec is untouched.
func CompileWith(s *spec.Stack, o model.NATOption) (*model.Network, diag.List) {
	cp := *s
	cp.Network.NAT = spec.NAT{Mode: spec.NATMode(o.Change.Mode), InstanceType: o.Change.InstanceType, PerZone: o.Change.PerZone}
	return Compile(&cp)
}
