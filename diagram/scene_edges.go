package diagram

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// The scene's arrows: allowed flows read from security groups, and default
// routes read from route tables.

// flows derives the allowed flows from security groups: an ingress rule
// naming another group is an arrow from every node in that group, and
// ingress from outside every VPC (or an internet-facing front end's
// listeners) is an arrow from the internet.
func (s *scene) flows(n *model.Network) {
	all, bySG := s.nodesByGroup()
	outside := outsideVPCs(n)
	fs := &flowSet{labels: map[flowPair][]string{}}
	lbs := map[*node]model.LoadBalancer{}
	for _, lb := range n.LoadBalancers {
		if nd, ok := s.nodeOf[lb.Addr]; ok {
			lbs[nd] = lb
		}
	}
	for _, nd := range all {
		lb, isLB := lbs[nd]
		groupFlows(n, nd, bySG, fs)
		fromInternet := internetIngress(n, nd, outside, !isLB || lb.InternetFacing)
		if isLB && lb.InternetFacing && len(fromInternet) == 0 {
			fromInternet = listenerIngress(lb)
		}
		if len(fromInternet) == 0 {
			continue
		}
		s.internetFlow(nd, strings.Join(fromInternet, ", "), isLB && lb.Kind == model.APIGateway, fs)
	}
	for _, p := range fs.order {
		s.edges = append(s.edges, edge{from: p.from.id, to: p.to.id, kind: edgeFlow, label: strings.Join(fs.labels[p], ", ")})
	}
	s.dedupeInternetLabels()
}

type flowPair struct{ from, to *node }

// flowSet collects flow labels per node pair, in the order pairs first
// appear, so the edges come out deterministic.
type flowSet struct {
	labels map[flowPair][]string
	order  []flowPair
}

func (fs *flowSet) add(p flowPair, l string) {
	if _, ok := fs.labels[p]; !ok {
		fs.order = append(fs.order, p)
		fs.labels[p] = nil
	}
	if !slices.Contains(fs.labels[p], l) {
		fs.labels[p] = append(fs.labels[p], l)
	}
}

// nodesByGroup lists every node in VPC order and the nodes each security
// group is attached to.
func (s *scene) nodesByGroup() ([]*node, map[model.ResourceRef][]*node) {
	bySG := map[model.ResourceRef][]*node{}
	var all []*node
	for _, vs := range s.vpcs {
		for _, nd := range vs.nodes {
			all = append(all, nd)
			for _, sg := range nd.sgs {
				if !sg.IsZero() && !slices.Contains(bySG[sg], nd) {
					bySG[sg] = append(bySG[sg], nd)
				}
			}
		}
	}
	return all, bySG
}

// outsideVPCs reports whether a rule's prefix reaches beyond every VPC's
// CIDR blocks, i.e. counts as the internet.
func outsideVPCs(n *model.Network) func(netip.Prefix) bool {
	var vpcCIDRs []netip.Prefix
	for _, v := range n.VPCs {
		if v.CIDR.IsValid() {
			vpcCIDRs = append(vpcCIDRs, v.CIDR)
		}
		if v.IPv6CIDR.IsValid() {
			vpcCIDRs = append(vpcCIDRs, v.IPv6CIDR)
		}
	}
	return func(p netip.Prefix) bool {
		if !p.IsValid() {
			return false
		}
		for _, c := range vpcCIDRs {
			if c.Overlaps(p) && c.Bits() <= p.Bits() {
				return false
			}
		}
		return true
	}
}

// groupFlows adds an arrow from every node of a group that nd's ingress
// rules name.
func groupFlows(n *model.Network, nd *node, bySG map[model.ResourceRef][]*node, fs *flowSet) {
	for _, sgAddr := range nd.sgs {
		sg, ok := n.SecurityGroup(sgAddr)
		if !ok {
			continue
		}
		for _, r := range sg.Ingress {
			if r.Peer.Kind != model.PeerGroup {
				continue
			}
			for _, src := range bySG[r.Peer.Group] {
				if src != nd {
					fs.add(flowPair{src, nd}, ruleText(r.Protocol, r.Ports))
				}
			}
		}
	}
}

// internetIngress labels nd's ingress rules from outside every VPC; an
// internal load balancer is never reached from the internet, so public
// is false for it.
func internetIngress(n *model.Network, nd *node, outside func(netip.Prefix) bool, public bool) []string {
	var out []string
	for _, sgAddr := range nd.sgs {
		sg, ok := n.SecurityGroup(sgAddr)
		if !ok {
			continue
		}
		for _, r := range sg.Ingress {
			if r.Peer.Kind != model.PeerCIDR || !outside(r.Peer.CIDR) || !public {
				continue
			}
			l := ruleText(r.Protocol, r.Ports)
			if r.Peer.CIDR.Bits() != 0 {
				l += " from " + r.Peer.CIDR.String()
			}
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// listenerIngress labels a front end without groups (API Gateway), which
// is open on its listeners.
func listenerIngress(lb model.LoadBalancer) []string {
	var out []string
	for _, l := range lb.Listeners {
		t := ruleText(model.TCP, model.Port(l.Port))
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// internetFlow adds the arrows from the VPC's Internet box to nd, making
// the box on first use.
func (s *scene) internetFlow(nd *node, label string, managed bool, fs *flowSet) {
	vs := s.vpcs[nd.vpc]
	if vs.inet == nil {
		vs.inet = &node{id: "inet" + itoa(nd.vpc), addrs: []model.ResourceRef{Internet}, class: "internet", lines: []string{"Internet"}, vpc: nd.vpc}
		s.byID[vs.inet.id] = vs.inet
	}
	// Traffic to things in the VPC enters through its internet gateway;
	// an API Gateway is AWS-managed and sits outside.
	if vs.igw != nil && !managed {
		fs.add(flowPair{vs.inet, vs.igw}, label)
		fs.add(flowPair{vs.igw, nd}, label)
		return
	}
	fs.add(flowPair{vs.inet, nd}, label)
}

// dedupeInternetLabels: internet-to-IGW labels may have been joined from
// several targets; make the one arrow carry every port, deduplicated.
func (s *scene) dedupeInternetLabels() {
	for i := range s.edges {
		e := &s.edges[i]
		if strings.HasPrefix(e.from, "inet") && e.kind == edgeFlow {
			parts := strings.Split(e.label, ", ")
			var uniq []string
			for _, p := range parts {
				if !slices.Contains(uniq, p) {
					uniq = append(uniq, p)
				}
			}
			e.label = strings.Join(uniq, ", ")
		}
	}
}

// routes draws default routes: a subnet whose default route leads to a NAT
// (or any drawn target but the internet gateway) gets an arrow to it, and
// each NAT in a subnet routed to the internet gateway gets an arrow there.
func (s *scene) routes(n *model.Network, routeTable func(model.Subnet) *model.RouteTable) {
	seen := map[[2]string]bool{}
	addRoute := func(from, to string) {
		k := [2]string{from, to}
		if from == to || seen[k] {
			return
		}
		seen[k] = true
		s.edges = append(s.edges, edge{from: from, to: to, kind: edgeRoute})
	}
	for _, vs := range s.vpcs {
		for _, sn := range vs.subnets {
			rt := routeTable(sn.sub)
			if rt == nil {
				continue
			}
			// The default routes AWS would pick, as the analyzer does.
			for _, r := range rules.Preferred(rt.Routes, rules.VPCBlocks(&vs.vpc)) {
				if !r.Dest.IsValid() || r.Dest.Bits() != 0 {
					continue
				}
				t, ok := s.nodeOf[r.Target]
				if !ok || t.vpc < 0 || t.class == "internet" {
					continue
				}
				if t == vs.igw || t.class == "igw" && t.place == placeIGW {
					// Public subnet: its NATs forward to the internet gateway.
					for _, nd := range sn.nodes {
						if nd.class == "nat" {
							addRoute(nd.id, t.id)
						}
					}
					continue
				}
				if t.place == placeCell && t.sub == sn.sub.Addr {
					continue
				}
				addRoute(sn.id, t.id)
			}
		}
		// A regional NAT gateway has no subnet; it uses the VPC's IGW.
		for _, nd := range vs.nodes {
			if nd.class == "nat" && nd.place == placeGateway && vs.igw != nil && !strings.HasPrefix(nd.lines[0], "regional private") {
				addRoute(nd.id, vs.igw.id)
			}
		}
	}
	_ = n
}
