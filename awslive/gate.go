package awslive

import (
	"fmt"
	"slices"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
)

// Gate is what the exposure gate found: what the deploy opens to the
// internet and closes, and the checks of the new network that fail.
type Gate struct {
	Opened, Closed []string
	Failed         []analyze.Check
}

// Blocked says why the deploy must stop, or "" when it may go on.
func (g Gate) Blocked(allowExposure bool) string {
	switch {
	case len(g.Failed) > 0:
		return fmt.Sprintf("the new network fails %d of its checks (moat verify SPEC shows them): fix the spec before deploying", len(g.Failed))
	case len(g.Opened) > 0 && !allowExposure:
		return fmt.Sprintf("this deploy opens %d new path(s) from the internet: deploy again with --allow-exposure if that is intended", len(g.Opened))
	}
	return ""
}

// ExposureGate compares what the internet reaches in the deployed network
// (nil: no stack yet) with the new one, and verifies the new one. Both
// should be read the same way (cfnimport of their templates), so their
// addresses compare; name turns an address into what the report prints
// (e.g. back into a moat address), nil keeps it.
func ExposureGate(deployed, next *model.Network, name func(model.ResourceRef) string) Gate {
	g := ExposureDiff(deployed, next, name)
	g.Failed = VerifyFailed(next)
	return g
}

// VerifyFailed is the checks of n that fail (not those not proved). A
// design split across accounts is verified whole, once: each account's
// template alone reaches only half of its paths.
func VerifyFailed(n *model.Network) []analyze.Check {
	var failed []analyze.Check
	for _, c := range analyze.NewIndex(n).Verify(nil) {
		if !c.OK && !c.NotProved {
			failed = append(failed, c)
		}
	}
	return failed
}

// ExposureDiff is ExposureGate without the verification: what the deploy
// opens to the internet and closes.
func ExposureDiff(deployed, next *model.Network, name func(model.ResourceRef) string) Gate {
	if name == nil {
		name = func(a model.ResourceRef) string { return string(a) }
	}
	var g Gate
	after := exposureSet(analyze.NewIndex(next).Exposure(), name)
	before := map[string]bool{}
	if deployed != nil {
		before = exposureSet(analyze.NewIndex(deployed).Exposure(), name)
	}
	for k := range after {
		if !before[k] {
			g.Opened = append(g.Opened, k+" becomes reachable")
		}
	}
	for k := range before {
		if !after[k] {
			g.Closed = append(g.Closed, k+" is no longer reachable")
		}
	}
	slices.Sort(g.Opened)
	slices.Sort(g.Closed)
	return g
}

// exposureSet keys each exposed port range: "internet -> eni/db tcp/5432".
func exposureSet(xs []analyze.Exposed, name func(model.ResourceRef) string) map[string]bool {
	out := map[string]bool{}
	for _, x := range xs {
		target := name(x.ENI)
		if x.LoadBalancer != "" {
			target = name(x.LoadBalancer)
		}
		for _, p := range x.Ports {
			ports := p.Ports.String()
			if p.Ports == model.AnyPort {
				ports = "all"
			}
			out[fmt.Sprintf("internet -> %s %s/%s", target, p.Proto.String(), ports)] = true
		}
	}
	return out
}
