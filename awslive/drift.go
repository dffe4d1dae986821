package awslive

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
)

// DriftReport is what the live network exposes to the internet that the
// design does not, and the reverse, per target and protocol.
type DriftReport struct {
	// Opened is open live and not in the design; Closed is allowed by
	// the design and closed live. Each line names the target by its
	// security groups, as the design names them.
	Opened []string `json:"open_live_not_designed"`
	Closed []string `json:"designed_closed_live"`
	// Unmatched are live security groups of exposed interfaces that no
	// design group matches (their exposure is left out).
	Unmatched []string `json:"unmatched,omitempty"`
	// NotCompared are the pairs of groups whose reach between them one
	// side cannot answer (no interface of a group there), with why: not
	// known, so neither drift nor its absence is claimed.
	NotCompared []string `json:"not_compared,omitempty"`
}

// Drifted says the live network differs from the design.
func (r DriftReport) Drifted() bool { return len(r.Opened)+len(r.Closed) > 0 }

// SGMatch names a network's security groups as the design does: design
// maps each identity of a design group (its logical ID and its Name tag)
// to the name to print.
type SGMatch map[string]string

// DesignGroups indexes the design's groups: each by its address's last
// part (the logical ID cfnimport gives), and by its Name tag, named by
// name (nil: the address).
func DesignGroups(design *model.Network, name func(model.ResourceRef) string) SGMatch {
	m := SGMatch{}
	for _, sg := range design.SecurityGroups {
		shown := string(sg.Addr)
		if name != nil {
			shown = name(sg.Addr)
		}
		if _, id, ok := strings.Cut(string(sg.Addr), "/"); ok {
			m[id] = shown
		}
		for _, t := range sg.Tags {
			if t.Key == "Name" {
				m["Name="+t.Value] = shown
			}
		}
	}
	return m
}

// live names a live group: by the logical ID CloudFormation tagged it
// with, else by its Name tag; "" when it is not the design's.
func (m SGMatch) live(sg *model.SecurityGroup) string {
	for _, t := range sg.Tags {
		if t.Key == "aws:cloudformation:logical-id" && m[t.Value] != "" {
			return m[t.Value]
		}
	}
	for _, t := range sg.Tags {
		if t.Key == "Name" && m["Name="+t.Value] != "" {
			return m["Name="+t.Value]
		}
	}
	return ""
}

// Drift compares what the internet reaches in the live network with the
// design, with the exact analyzer's exposure on both (as the deploy's
// gate does). Targets compare by their security groups, which is what a
// design and an account share: interfaces AWS makes (a database's, a
// load balancer's) have IDs no design knows. Ports compare as sets, so a
// live range that covers the design's reports only the surplus.
func Drift(design, live *model.Network, match SGMatch) DriftReport {
	designName := func(sg *model.SecurityGroup) string { return match[lastPart(sg.Addr)] }
	want := exposedBySG(design, designName)
	unmatched := map[string]bool{}
	got := exposedBySG(live, func(sg *model.SecurityGroup) string {
		s := match.live(sg)
		if s == "" {
			unmatched[string(sg.Addr)] = true
		}
		return s
	})
	var r DriftReport
	for _, k := range slices.Sorted(maps.Keys(union(want, got))) {
		if extra := subtract(got[k], want[k]); len(extra) > 0 {
			r.Opened = append(r.Opened, fmt.Sprintf("internet -> %s/%s is open live; the design does not allow it", k, portsText(extra)))
		}
		if missing := subtract(want[k], got[k]); len(missing) > 0 {
			r.Closed = append(r.Closed, fmt.Sprintf("internet -> %s/%s is allowed by the design and closed live", k, portsText(missing)))
		}
	}
	r.Unmatched = slices.Sorted(maps.Keys(unmatched))
	r.compareGroups(design, live, designName, match.live)
	return r
}

// compareGroups adds the drift between the design's groups: what the
// interfaces of each group reach of each other group's, on every TCP and
// UDP port, live against the design.
func (r *DriftReport) compareGroups(design, live *model.Network, designName, liveName func(*model.SecurityGroup) string) {
	want, wantGap := reachBetweenGroups(design, designName)
	got, gotGap := reachBetweenGroups(live, liveName)
	for _, k := range slices.Sorted(maps.Keys(union(want, got))) {
		if why := cmp.Or(wantGap[k], gotGap[k]); why != "" {
			r.NotCompared = append(r.NotCompared, k+": "+why)
			continue
		}
		if extra := subtract(got[k], want[k]); len(extra) > 0 {
			r.Opened = append(r.Opened, fmt.Sprintf("%s/%s is open live; the design does not allow it", k, portsText(extra)))
		}
		if missing := subtract(want[k], got[k]); len(missing) > 0 {
			r.Closed = append(r.Closed, fmt.Sprintf("%s/%s is allowed by the design and closed live", k, portsText(missing)))
		}
	}
}

// reachBetweenGroups keys, for every ordered pair of named groups, the
// ports on which some interface of the first reaches some interface of
// the second: "sg/a -> sg/b tcp" -> port ranges, by the exact analyzer
// over every member interface. A pair the network cannot answer (a group
// without an interface in it) is in the second map, with why.
func reachBetweenGroups(n *model.Network, name func(*model.SecurityGroup) string) (map[string][]model.PortRange, map[string]string) {
	ix := analyze.NewIndex(n)
	named := map[string][]model.ResourceRef{}
	for i := range n.SecurityGroups {
		if s := name(&n.SecurityGroups[i]); s != "" {
			named[s] = append(named[s], n.SecurityGroups[i].Addr)
		}
	}
	out, gaps := map[string][]model.PortRange{}, map[string]string{}
	names := slices.Sorted(maps.Keys(named))
	for _, a := range names {
		for _, b := range names {
			if a == b {
				continue
			}
			for _, proto := range []model.Protocol{model.TCP, model.UDP} {
				k := fmt.Sprintf("%s -> %s %s", a, b, proto)
				ports, err := reachPorts(ix, named[a], named[b], proto)
				if err != nil {
					gaps[k] = err.Error()
					continue
				}
				if len(ports) > 0 {
					out[k] = ports
				}
			}
		}
	}
	return out, gaps
}

// reachPorts is the union of the ports reachable from any group of from
// to any group of to; an answer resting on what the input does not define
// is an error, so the pair is not compared rather than called closed.
func reachPorts(ix *analyze.Index, from, to []model.ResourceRef, proto model.Protocol) ([]model.PortRange, error) {
	var set analyze.PortSet
	for _, f := range from {
		for _, t := range to {
			a, err := ix.Reach(analyze.Question{From: string(f), To: string(t), Proto: proto, Ports: analyze.Ports(model.PortRange{From: 0, To: 65535})})
			if err != nil {
				return nil, err
			}
			for _, p := range a.Paths {
				switch {
				case len(p.Unknown) > 0:
					// Unknown is never closed: the pair is not compared.
					return nil, fmt.Errorf("not known: %s", strings.Join(p.Unknown, "; "))
				case !p.Reachable:
				case p.Class != nil:
					set = set.Union(p.Class.Ports)
				default:
					set = set.Union(analyze.Ports(model.Port(p.Flow.Port)))
				}
			}
		}
	}
	return set.Ranges(), nil
}

func lastPart(a model.ResourceRef) string {
	_, id, _ := strings.Cut(string(a), "/")
	return id
}

// exposedBySG keys each exposed target by kind, its groups' names and
// protocol: "load balancer with sg/alb tcp" -> port ranges. A target none
// of whose groups name gives is left out.
func exposedBySG(n *model.Network, name func(*model.SecurityGroup) string) map[string][]model.PortRange {
	out := map[string][]model.PortRange{}
	for _, x := range analyze.NewIndex(n).Exposure() {
		kind, groups := "interface", []model.ResourceRef(nil)
		if e, ok := n.ENI(x.ENI); ok {
			groups = e.SecurityGroups
		}
		if lb, ok := n.LoadBalancer(x.LoadBalancer); ok && x.LoadBalancer != "" {
			kind, groups = "load balancer", lb.SecurityGroups
		}
		var names []string
		for _, g := range groups {
			if sg, ok := n.SecurityGroup(g); ok {
				if s := name(sg); s != "" {
					names = append(names, s)
				}
			}
		}
		if len(names) == 0 {
			continue
		}
		slices.Sort(names)
		for _, p := range x.Ports {
			k := fmt.Sprintf("%s with %s %s", kind, strings.Join(slices.Compact(names), "+"), p.Proto.String())
			out[k] = append(out[k], p.Ports)
		}
	}
	return out
}

func union[V any](a, b map[string]V) map[string]V {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// subtract returns the ports in a and not in b, as sorted ranges.
func subtract(a, b []model.PortRange) []model.PortRange {
	in := func(p int, rs []model.PortRange) bool {
		for _, r := range rs {
			if p >= r.From && p <= r.To {
				return true
			}
		}
		return false
	}
	// Walk only the ranges' edges: between edges membership is constant.
	edges := []int{}
	for _, r := range slices.Concat(a, b) {
		edges = append(edges, r.From, r.To+1)
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	var out []model.PortRange
	for i := 0; i+1 < len(edges); i++ {
		from, to := edges[i], edges[i+1]-1
		if !in(from, a) || in(from, b) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].To+1 == from {
			out[n-1].To = to
			continue
		}
		out = append(out, model.PortRange{From: from, To: to})
	}
	return out
}

func portsText(rs []model.PortRange) string {
	var parts []string
	for _, r := range rs {
		if r == model.AnyPort {
			parts = append(parts, "all")
			continue
		}
		parts = append(parts, r.String())
	}
	return strings.Join(parts, ",")
}
