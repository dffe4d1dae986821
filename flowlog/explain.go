package flowlog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
)

// Verdict is what the analyzer says the interface did with a record.
type Verdict string

const (
	Accept Verdict = "ACCEPT"
	Reject Verdict = "REJECT"
	// Unknown: the record's interface or addresses are not in the network.
	Unknown Verdict = "unknown"
)

// Group is records of one interface that the analyzer explains alike:
// same direction, verdict and deciding rule, and same logged action.
type Group struct {
	Interface model.ResourceRef `json:"interface"`
	// Direction is "in" (the interface received it) or "out" (sent it).
	Direction string  `json:"direction"`
	Action    string  `json:"action"` // what the log says
	Verdict   Verdict `json:"verdict"`
	// Rule is the route, network ACL entry or security group rule that
	// accepted or rejected it (every one, ";"-joined, when several apply).
	Rule string `json:"rule"`
	// Disagrees flags a logged action the analyzer does not give.
	Disagrees bool     `json:"disagrees"`
	Records   []Record `json:"records"`
}

// Report is every record explained, in groups.
type Report struct {
	Groups []Group `json:"groups"`
	// Disagreeing and Unexplained count records, not groups.
	Disagreeing int `json:"disagreeing"`
	Unexplained int `json:"unexplained"`
}

// Explain explains each record against the network ix holds. Groups come
// in order of their first record.
func Explain(ix *analyze.Index, recs []Record) Report {
	var r Report
	at := map[string]int{}
	for _, rec := range recs {
		g := explainOne(ix, rec)
		key := strings.Join([]string{string(g.Interface), g.Direction, g.Action, string(g.Verdict), g.Rule}, "\x00")
		i, ok := at[key]
		if !ok {
			i = len(r.Groups)
			at[key] = i
			r.Groups = append(r.Groups, g)
		} else {
			r.Groups[i].Records = append(r.Groups[i].Records, rec)
		}
		if g.Disagrees {
			r.Disagreeing++
		}
		if g.Verdict == Unknown {
			r.Unexplained++
		}
	}
	return r
}

// explainOne is one record's group, holding only it.
func explainOne(ix *analyze.Index, rec Record) Group {
	g := Group{Interface: model.ResourceRef("eni/" + rec.Interface), Action: rec.Action, Verdict: Unknown, Records: []Record{rec}}
	unknown := func(why string) Group { g.Rule = why; return g }
	eps, err := ix.Resolve(rec.Interface, false)
	if err != nil || len(eps) != 1 || eps[0].Kind != analyze.Interface {
		return unknown("the interface is not in the network")
	}
	me := eps[0]
	g.Interface = me.Addr
	eni, ok := ix.Network().ENI(me.Addr)
	if !ok {
		return unknown("the interface is not in the network")
	}
	var src, dst analyze.FlowEnd
	switch {
	case rec.Dst == me.IP || slices.Contains(eni.SecondaryIPs, rec.Dst):
		g.Direction, dst = "in", me
		src = resolveIP(ix, rec.Src, true)
	case rec.Src == me.IP || slices.Contains(eni.SecondaryIPs, rec.Src):
		g.Direction, src = "out", me
		dst = resolveIP(ix, rec.Dst, false)
	default:
		return unknown(fmt.Sprintf("neither %s nor %s is the interface's address %s", rec.Src, rec.Dst, me.IP))
	}
	f := analyze.Flow{Src: src, Dst: dst, Proto: rec.Proto, Port: rec.DstPort, SrcPort: rec.SrcPort}
	if rec.Proto == model.ICMP || rec.Proto == model.ICMPv6 {
		// The default format carries no ICMP type (ports are 0): asked
		// as an echo request.
		f.Port = 8
		if rec.Proto == model.ICMPv6 {
			f.Port = 128
		}
	}
	g.Verdict, g.Rule = atInterface(ix.Trace(f), eni, g.Direction)
	if g.Verdict == Reject && rec.SrcPort < rec.DstPort && rec.Proto != model.ICMP && rec.Proto != model.ICMPv6 {
		// From a lower port to a higher one, the record may be the reply
		// of a flow the other way, which security groups (stateful) let
		// back: it is when that flow is allowed end to end, replies
		// included (network ACLs are stateless and check those).
		back := analyze.Flow{Src: f.Dst, Dst: f.Src, Proto: f.Proto, Port: f.SrcPort, SrcPort: f.Port}
		if p := ix.Trace(back); p.Reachable {
			opposite := map[string]string{"in": "out", "out": "in"}[g.Direction]
			_, rule := atInterface(p, eni, opposite)
			g.Verdict, g.Rule = Accept, fmt.Sprintf("reply of the allowed %s %s:%d -> %s:%d (%s)", rec.Proto, rec.Dst, rec.DstPort, rec.Src, rec.SrcPort, rule)
		}
	}
	g.Disagrees = g.Verdict != Unknown && string(g.Verdict) != rec.Action
	return g
}

// resolveIP is the endpoint an address is, as reach resolves it.
func resolveIP(ix *analyze.Index, a interface{ String() string }, src bool) analyze.FlowEnd {
	eps, err := ix.Resolve(a.String(), src)
	if err != nil || len(eps) == 0 {
		return analyze.FlowEnd{Kind: analyze.External}
	}
	return eps[0]
}

// atInterface is what the interface's own checks did with the path's
// packet, in the record's direction: its security groups and its
// subnet's network ACL (and, going out, the route that took it).
func atInterface(p analyze.Path, eni *model.ENI, dir string) (Verdict, string) {
	sgKind, aclKind := analyze.HopSGIngress, analyze.HopNACLIn
	if dir == "out" {
		sgKind, aclKind = analyze.HopSGEgress, analyze.HopNACLOut
	}
	mine := func(r model.ResourceRef) bool {
		return r == eni.Addr || r == eni.Subnet || slices.Contains(eni.SecurityGroups, r) || strings.HasPrefix(string(r), "nacl/")
	}
	var why []string
	for _, b := range p.Blockers {
		if b.Direction == analyze.Forward && (b.Kind == sgKind || b.Kind == aclKind) && mine(b.Resource) {
			why = append(why, b.Text())
		}
	}
	if len(why) > 0 {
		return Reject, strings.Join(why, "; ")
	}
	var rules []string
	for i, h := range p.Forward {
		switch {
		case (h.Kind == sgKind && h.Resource == eni.Addr) || (h.Kind == aclKind && h.Resource == eni.Subnet):
			rules = append(rules, h.Rule)
		case dir == "out" && h.Kind == analyze.HopRoute && !slices.ContainsFunc(p.Forward[:i], func(x analyze.Hop) bool { return x.Kind == analyze.HopRoute }):
			rules = append(rules, string(h.Resource)+" "+h.Rule)
		}
	}
	if len(rules) == 0 {
		if len(p.Blockers) > 0 {
			return Unknown, "not traced to the interface: " + p.Blockers[0].Text()
		}
		return Unknown, "the path does not pass the interface's checks"
	}
	slices.SortStableFunc(rules, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	return Accept, strings.Join(rules, "; ")
}

// rank orders the rules route, ACL, group.
func rank(rule string) int {
	switch {
	case strings.HasPrefix(rule, "rtb/"):
		return 0
	case strings.HasPrefix(rule, "nacl/"):
		return 1
	}
	return 2
}
