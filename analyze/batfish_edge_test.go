package analyze

import (
	"bufio"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// configAddrs reads the interface addresses ("ip address A MASK") of the
// non-AWS router named name in snapDir/configs: the file whose hostname
// is name, or whose file name is (Batfish names a config without a
// hostname after its file). Only addresses are read: moat does not model
// the router itself.
func configAddrs(snapDir, name string) []netip.Addr {
	files, _ := filepath.Glob(filepath.Join(snapDir, "configs", "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var addrs []netip.Addr
		host := ""
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			switch {
			case len(fs) == 2 && fs[0] == "hostname":
				host = fs[1]
			case len(fs) >= 3 && fs[0] == "ip" && fs[1] == "address":
				if a, err := netip.ParseAddr(fs[2]); err == nil {
					addrs = append(addrs, a)
				}
			}
		}
		if host == name || (host == "" && filepath.Base(p) == name) {
			return addrs
		}
	}
	return nil
}

// batfishSearch answers Batfish's reachability search "is any flow from
// start accepted at final?" with concrete flows from start's primary
// address (the conventions' choice for a start node): straight to each
// of final's interfaces on every port and protocol its security groups
// admit, and to every load balancer interface on each listener. A flow
// counts when its forward path is delivered to one of final's interfaces.
func batfishSearch(ix *Index, start, final string) (Path, bool, string) {
	srcs, err := ix.Resolve(start, true)
	if err != nil {
		return Path{}, false, err.Error()
	}
	dsts, err := ix.Resolve(final, false)
	if err != nil {
		return Path{}, false, err.Error()
	}
	src := srcs[0]
	finals := map[model.ResourceRef]bool{}
	type probe struct {
		dst   FlowEnd
		proto model.Protocol
		port  int
	}
	var probes []probe
	// Through a load balancer first, so the balancer's hops are exercised.
	for _, a := range slices.Sorted(maps.Keys(ix.lbs)) {
		lb := ix.lbs[a]
		for _, d := range lb.enis {
			for _, l := range lb.lb.Listeners {
				e := devFlowEnd(d)
				e.Kind = Balancer
				probes = append(probes, probe{e, model.TCP, l.Port})
			}
		}
	}
	for _, d := range dsts {
		finals[d.Addr] = true
		dev := ix.byAddr[d.Addr]
		if dev == nil {
			continue
		}
		for _, g := range dev.sgs {
			for _, r := range g.In {
				for _, p := range expandProto(r.Rule.Protocol) {
					port := r.Rule.Ports.From
					if p == model.ICMP {
						port = 8
					}
					probes = append(probes, probe{d, p, port})
				}
			}
		}
	}
	var last Path
	for _, pr := range probes {
		p := ix.Trace(Flow{Src: src, Dst: pr.dst, Proto: pr.proto, Port: pr.port, SrcPort: DefaultSourcePort})
		last = p
		if !forwardOK(p) || len(p.Forward) == 0 {
			continue
		}
		if end := p.Forward[len(p.Forward)-1]; finals[end.Resource] || slices.ContainsFunc(p.Forward, func(h Hop) bool { return h.Kind == "deliver" && finals[h.Resource] }) {
			return p, true, ""
		}
	}
	return last, false, ""
}
