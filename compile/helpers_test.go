package compile

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// webapp is the webapp example as Parse would fill it: prod, three zones
// in us-east-1, NAT instances per zone, an internet-facing ALB, a service
// on 8080 and PostgreSQL.
func webapp() *spec.Stack {
	return &spec.Stack{
		File: "stack.yaml", Name: "webapp", Region: "us-east-1", Environment: model.Prod,
		Network: spec.Network{
			CIDR:      pfx("10.0.0.0/16"),
			Zones:     spec.Zones{Count: 3},
			NAT:       spec.NAT{Mode: spec.NATInstance, InstanceType: "t4g.nano", PerZone: true},
			Endpoints: spec.Endpoints{Gateway: []string{"s3", "dynamodb"}},
			FlowLogs:  spec.FlowLogs{Enabled: true, RetentionDays: 365, TrafficType: "ALL"},
		},
		FrontEnd: spec.FrontEnd{Kind: spec.FrontEndALB, InternetFacing: true, AllowFrom: pfxs("0.0.0.0/0"),
			Domains: []spec.Domain{{Name: "app.example.com"}}},
		Service:  &spec.Service{Name: "web", Port: 8080, Kind: model.ECSFargate},
		Database: &spec.Database{Engine: "postgres", Port: 5432},
		Tags:     []model.Tag{{Key: "team", Value: "web"}},
	}
}

// dev turns a stack into its dev defaults: one shared NAT instance, short
// log retention.
func dev(s *spec.Stack) {
	s.Environment = model.Dev
	s.Network.NAT.PerZone = false
	s.Network.FlowLogs.RetentionDays = 30
}

func build(t *testing.T, s *spec.Stack) *model.Network {
	t.Helper()
	n, d := Compile(s)
	if d.HasErrors() || n == nil {
		t.Fatalf("Compile: %v", d)
	}
	return n
}

// variants is a spread of valid stacks over every option, for the
// property tests.
func variants() map[string]*spec.Stack {
	out := map[string]*spec.Stack{}
	modes := []spec.NATMode{spec.NATInstance, spec.NATGateway, spec.NATGatewayPerZone, spec.NATRegionalGateway, spec.NATNone}
	fronts := []spec.FrontEndKind{spec.FrontEndALB, spec.FrontEndNLB, spec.FrontEndAPIGateway, spec.FrontEndNone}
	bastions := []*spec.Bastion{nil, {Mode: model.BastionSSM}, {Mode: model.BastionSSH, AllowFrom: pfxs("203.0.113.0/24")}}
	for _, mode := range modes {
		for _, fe := range fronts {
			for bi, b := range bastions {
				for _, env := range []model.Environment{model.Prod, model.Dev} {
					for _, v6 := range []bool{false, true} {
						for _, facing := range []bool{true, false} {
							s := webapp()
							if env == model.Dev {
								dev(s)
							}
							s.Network.NAT.Mode = mode
							s.Network.IPv6 = v6
							s.Network.Endpoints.Interface = []string{"ecr.api", "logs"}[:bi%3]
							s.FrontEnd.Kind = fe
							s.FrontEnd.InternetFacing = facing
							if !facing {
								s.FrontEnd.AllowFrom = pfxs("10.0.0.0/16", "192.168.0.0/24")
							} else if v6 {
								s.FrontEnd.AllowFrom = pfxs("0.0.0.0/0", "::/0")
							}
							s.Bastion = b
							if bi == 1 {
								s.Database = nil
								s.Network.FlowLogs.Enabled = false
							}
							out[fmt.Sprintf("%s/%s/bastion%d/%s/v6=%v/facing=%v", mode, fe, bi, env, v6, facing)] = s
						}
					}
				}
			}
		}
	}
	return out
}

func group(t *testing.T, n *model.Network, a model.ResourceRef) *model.SecurityGroup {
	t.Helper()
	g, ok := n.SecurityGroup(a)
	if !ok {
		t.Fatalf("no %s", a)
	}
	return g
}

func addrs[T any](s []T, f func(T) model.ResourceRef) []model.ResourceRef {
	var out []model.ResourceRef
	for _, x := range s {
		out = append(out, f(x))
	}
	return out
}

func sgAddrs(n *model.Network) []model.ResourceRef {
	return addrs(n.SecurityGroups, func(g model.SecurityGroup) model.ResourceRef { return g.Addr })
}

func routeTo(rt *model.RouteTable, dest netip.Prefix) (model.Route, bool) {
	i := slices.IndexFunc(rt.Routes, func(r model.Route) bool { return r.Dest == dest })
	if i < 0 {
		return model.Route{}, false
	}
	return rt.Routes[i], true
}

func summaries(d diag.List) []string {
	var out []string
	for _, x := range d {
		out = append(out, x.Severity.String()+": "+x.Summary)
	}
	return out
}
