package compile

import (
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// NATOption is one way to give the private subnets internet access: a row
// of the table `moat cost --compare` prices. compile decides the table;
// pricing only prices the network each row compiles to.
type NATOption struct {
	model.NATOption
	NAT spec.NAT // the spec's network.nat for this option
}

// NATOptions is the table of NAT options for s, the baseline first. The
// instance options use s's instance type, or the smallest Graviton type.
func NATOptions(s *spec.Stack) []NATOption {
	itype := s.Network.NAT.InstanceType
	if itype == "" {
		itype = "t4g.nano"
	}
	nat := func(mode spec.NATMode, perZone bool) spec.NAT {
		return spec.NAT{Mode: mode, InstanceType: itype, PerZone: perZone}
	}
	row := func(name, label string, n spec.NAT, givesUp string) NATOption {
		return NATOption{NATOption: model.NATOption{Name: name, Label: label, GivesUp: givesUp}, NAT: n}
	}
	out := []NATOption{
		row("gateway-per-zone", "a NAT gateway per zone", nat(spec.NATGatewayPerZone, false),
			"nothing: managed, scales to 100 Gbps per gateway, a zone failure stops only that zone"),
		row("instance-per-zone", "a NAT instance ("+itype+") per zone", nat(spec.NATInstance, true),
			"throughput bounded by "+itype+" (fck-nat: up to 5 Gbps); a failed instance is replaced in minutes, not seconds; you patch it"),
		row("instance-shared", "one shared NAT instance ("+itype+")", nat(spec.NATInstance, false),
			"all of the above, and its zone failing cuts every zone off the internet; other zones pay cross-zone traffic"),
		row("gateway", "one shared NAT gateway", nat(spec.NATGateway, false),
			"its zone failing cuts every zone off the internet; other zones pay cross-zone traffic"),
		row("regional-gateway", "one regional NAT gateway", nat(spec.NATRegionalGateway, false),
			"little: AWS spreads it over the zones in use, but it takes minutes to expand into a new zone (traffic crosses zones meanwhile)"),
		row("none", "no NAT", nat(spec.NATNone, false),
			"all internet egress from private subnets: AWS services only through endpoints"),
	}
	out[0].Baseline = true
	return out
}

// CompileWith compiles s with o's NAT in place of its own. s is copied,
// so the caller's spec is untouched.
func CompileWith(s *spec.Stack, o NATOption) (*model.Network, diag.List) {
	cp := *s
	cp.Network.NAT = o.NAT
	return Compile(&cp)
}
