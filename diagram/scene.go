package diagram

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/moatnet/moat/model"
)

// Internet is the address a reachability path uses for the internet; the
// diagram draws it as the "Internet" box above the region.
const Internet model.ResourceRef = "internet"

// The scene is the logical picture: which boxes exist, where they belong
// (VPC, tier row, zone column, subnet) and which arrows join them. The SVG
// layout places it; DOT and Mermaid print it as it is.

// place says where a node sits in its VPC's grid.
type place int

const (
	placeStack    place = iota // right-hand column, in its tier's row
	placeCell                  // inside its subnet's box
	placeGateway               // top row of the VPC (regional NAT, egress-only IGW)
	placeIGW                   // the internet gateway's row
	placeEndpoint              // bottom row of the VPC (gateway endpoints)
)

type node struct {
	id    string
	addrs []model.ResourceRef
	class string // CSS class and DOT/Mermaid shape hint
	lines []string
	vpc   int // index into scene.vpcs; -1 for nodes outside every VPC
	place place
	tier  model.Tier        // placeStack
	sub   model.ResourceRef // placeCell
	sgs   []model.ResourceRef
	lane  int // placeStack: lane in the stack column
	box   int // index of its box in the Picture
}

type subnetNode struct {
	sub   model.Subnet
	id    string
	tier  model.Tier
	zone  string
	lines []string
	nodes []*node
	box   int
}

type vpcScene struct {
	vpc     model.VPC
	id      string
	region  string
	zones   []string
	tiers   []model.Tier
	subnets []*subnetNode
	nodes   []*node // every node of this VPC, in model order
	igw     *node
	inet    *node // the Internet box above this VPC, when anything is reachable from it
	box     int
}

type edgeKind int

const (
	edgeFlow  edgeKind = iota // allowed by security groups (or an internet-facing front end)
	edgeRoute                 // a default route
	edgeJoin                  // a Transit Gateway attachment or peering
)

type edge struct {
	from, to string // node, subnet or VPC ids
	kind     edgeKind
	label    string
}

type scene struct {
	title  string
	vpcs   []*vpcScene
	joins  []*node // Transit Gateways and peering connections
	edges  []edge
	byID   map[string]any // *node, *subnetNode or *vpcScene
	nodeOf map[model.ResourceRef]*node
	subOf  map[model.ResourceRef]*subnetNode
}

var tierOrder = []model.Tier{model.Public, model.Private, model.Isolated}

// sceneBuilder is the scene while buildScene reads the network, with the
// lookups its steps share.
type sceneBuilder struct {
	*scene
	n         *model.Network
	vpcIndex  map[model.ResourceRef]int
	subnetVPC map[model.ResourceRef]model.ResourceRef
}

// buildScene reads the network. It never fails: resources that refer to
// things the network lacks are drawn where they can be, or left out.
func buildScene(n *model.Network) *scene {
	b := &sceneBuilder{
		scene:     &scene{title: sceneTitle(n), byID: map[string]any{}, nodeOf: map[model.ResourceRef]*node{}, subOf: map[model.ResourceRef]*subnetNode{}},
		n:         n,
		vpcIndex:  map[model.ResourceRef]int{},
		subnetVPC: map[model.ResourceRef]model.ResourceRef{},
	}
	for _, v := range n.VPCs {
		b.addVPC(v)
	}
	for _, sn := range n.Subnets {
		b.subnetVPC[sn.Addr] = sn.VPC
	}
	b.subnets()
	b.gateways()
	b.natInstances()
	b.loadBalancers()
	b.services()
	b.databases()
	b.bastions()
	b.endpoints()
	b.firewalls()
	b.instances()
	// ENIs point at their owner so a path naming an interface lights up
	// the thing it belongs to.
	for _, e := range n.ENIs {
		if nd, ok := b.nodeOf[e.Owner]; ok {
			if _, seen := b.nodeOf[e.Addr]; !seen {
				b.nodeOf[e.Addr] = nd
			}
		}
	}
	// Joins: Transit Gateways and peering connections sit below the VPCs.
	b.transitGateways()
	b.peerings()

	s := b.scene
	s.flows(n)
	s.crossFlows(n) // crossvpc.go
	s.routes(n, func(sn model.Subnet) *model.RouteTable {
		rt, _ := n.RouteTableOf(&sn)
		return rt
	})
	return s
}

// sceneTitle is the network's name with its Region and environment.
func sceneTitle(n *model.Network) string {
	title := n.Name
	if title == "" {
		title = "network"
	}
	var sub []string
	if n.Region != "" {
		sub = append(sub, n.Region)
	}
	if n.Environment != "" {
		sub = append(sub, string(n.Environment))
	}
	if len(sub) > 0 {
		title += " (" + strings.Join(sub, ", ") + ")"
	}
	return title
}

func (b *sceneBuilder) addVPC(v model.VPC) int {
	if i, ok := b.vpcIndex[v.Addr]; ok {
		return i
	}
	vs := &vpcScene{vpc: v, id: "vpc" + itoa(len(b.vpcs)), region: v.Region}
	if vs.region == "" {
		vs.region = b.n.Region
	}
	b.vpcIndex[v.Addr] = len(b.vpcs)
	b.vpcs = append(b.vpcs, vs)
	b.byID[vs.id] = vs
	return b.vpcIndex[v.Addr]
}

// vpcFor finds the VPC a resource belongs to, falling back to its
// subnets' VPC, then to a stand-in, so nothing is lost.
func (b *sceneBuilder) vpcFor(v model.ResourceRef, subnets ...model.ResourceRef) int {
	if v.IsZero() {
		for _, a := range subnets {
			if sv, ok := b.subnetVPC[a]; ok && !sv.IsZero() {
				v = sv
				break
			}
		}
	}
	if v.IsZero() {
		if len(b.vpcs) > 0 {
			return 0
		}
		v = "vpc/unknown"
	}
	return b.addVPC(model.VPC{Addr: v})
}

// link makes nd the node drawn for a, unless a is zero or drawn already.
func (b *sceneBuilder) link(a model.ResourceRef, nd *node) {
	if _, ok := b.nodeOf[a]; !ok && !a.IsZero() {
		b.nodeOf[a] = nd
	}
}

// addNode adds nd to VPC vi (-1: outside every VPC).
func (b *sceneBuilder) addNode(vi int, nd *node) *node {
	nd.id = "n" + itoa(len(b.byID))
	nd.vpc = vi
	b.byID[nd.id] = nd
	if vi >= 0 {
		b.vpcs[vi].nodes = append(b.vpcs[vi].nodes, nd)
	}
	for _, a := range nd.addrs {
		b.link(a, nd)
	}
	return nd
}

// tierOfSubnets is the row for a resource spread over subnets.
func (b *sceneBuilder) tierOfSubnets(subnets []model.ResourceRef, fallback model.Tier) model.Tier {
	for _, a := range subnets {
		if sn, ok := b.subOf[a]; ok {
			return sn.tier
		}
	}
	return fallback
}

// cellOrStack puts a one-subnet resource in its subnet's cell when the
// subnet is drawn, in the stack column otherwise.
func (b *sceneBuilder) cellOrStack(nd *node, vi int, subnet model.ResourceRef, fallback model.Tier) {
	if sn, ok := b.subOf[subnet]; ok && b.vpcs[vi].has(sn) {
		nd.place, nd.sub = placeCell, subnet
		sn.nodes = append(sn.nodes, nd)
		return
	}
	nd.place, nd.tier = placeStack, fallback
}

// subnets adds every subnet with its tier (inferred from routes when
// unset) and zone, then each VPC's zone columns and tier rows.
func (b *sceneBuilder) subnets() {
	for _, sn := range b.n.Subnets {
		vs := b.vpcs[b.vpcFor(sn.VPC)]
		zone := sn.ZoneID
		if zone == "" {
			zone = "zone unknown"
		}
		lines := []string{prefixText(sn.CIDR)}
		if sn.IPv6CIDR.IsValid() {
			lines = append(lines, sn.IPv6CIDR.String())
		}
		if sn.Tier == "" && !sn.Addr.IsZero() {
			// Imported subnets have no moat-given role: show the name.
			lines = append(lines, shorten(string(sn.Addr), 28))
		}
		sub := &subnetNode{sub: sn, id: "subnet" + itoa(len(b.subOf)), tier: b.n.TierOf(&sn), zone: zone, lines: lines}
		vs.subnets = append(vs.subnets, sub)
		b.byID[sub.id] = sub
		if _, dup := b.subOf[sn.Addr]; !dup {
			b.subOf[sn.Addr] = sub
		}
	}
	for _, vs := range b.vpcs {
		vs.zones = zonesOf(b.n, vs.subnets)
		vs.tiers = tiersOf(vs.subnets)
	}
}

// gateways adds the internet, egress-only and NAT gateways.
func (b *sceneBuilder) gateways() {
	for _, g := range b.n.InternetGateways {
		vi := b.vpcFor(g.VPC)
		nd := b.addNode(vi, &node{addrs: []model.ResourceRef{g.Addr}, class: "igw", lines: []string{"internet gateway", shorten(string(g.Addr), 28)}})
		if b.vpcs[vi].igw == nil {
			nd.place = placeIGW
			b.vpcs[vi].igw = nd
		} else {
			nd.place = placeGateway
		}
	}
	for _, g := range b.n.EgressOnlyInternetGateways {
		b.addNode(b.vpcFor(g.VPC), &node{addrs: []model.ResourceRef{g.Addr}, class: "igw", place: placeGateway,
			lines: []string{"egress-only IGW", "IPv6 out only"}})
	}
	for _, g := range b.n.NATGateways {
		vi := b.vpcFor(g.VPC, g.Subnet)
		lines := []string{"NAT gateway"}
		if g.Private {
			lines = []string{"private NAT gateway"}
		}
		nd := &node{addrs: []model.ResourceRef{g.Addr, g.ENI}, class: "nat"}
		if g.Regional || g.Subnet.IsZero() {
			lines[0] = "regional " + lines[0]
			if len(g.Zones) > 0 {
				lines = append(lines, plural(len(g.Zones), "zone"))
			}
			nd.lines = lines
			nd.place = placeGateway
			b.addNode(vi, nd)
			continue
		}
		nd.lines = lines
		b.addNode(vi, nd)
		b.cellOrStack(nd, vi, g.Subnet, model.Public)
	}
}

func (b *sceneBuilder) natInstances() {
	for _, ni := range b.n.NATInstances {
		vi := b.vpcFor(ni.VPC, ni.Subnet)
		lines := []string{"NAT instance"}
		if ni.InstanceType != "" {
			lines = append(lines, ni.InstanceType)
		}
		nd := b.addNode(vi, &node{addrs: []model.ResourceRef{ni.Addr, ni.ENI}, class: "nat", lines: lines, sgs: []model.ResourceRef{ni.SecurityGroup}})
		b.cellOrStack(nd, vi, ni.Subnet, model.Public)
	}
}

func (b *sceneBuilder) loadBalancers() {
	for _, lb := range b.n.LoadBalancers {
		vi := b.vpcFor(lb.VPC, lb.Subnets...)
		kind := strings.ToUpper(string(lb.Kind))
		if lb.Kind == model.APIGateway {
			kind = "API Gateway"
		} else if kind == "" {
			kind = "load balancer"
		}
		scope := "internal"
		if lb.InternetFacing {
			scope = "internet-facing"
		}
		lines := []string{kind, scope}
		if l := listenersText(lb.Listeners); l != "" {
			lines = append(lines, l)
		}
		addrs := append([]model.ResourceRef{lb.Addr}, lb.ENIs...)
		fb := model.Private
		if lb.InternetFacing {
			fb = model.Public
		}
		b.addNode(vi, &node{addrs: addrs, class: "lb", lines: wrap(lines, 30), sgs: lb.SecurityGroups,
			place: placeStack, tier: b.tierOfSubnets(lb.Subnets, fb)})
	}
}

func (b *sceneBuilder) services() {
	for _, sv := range b.n.Services {
		vi := b.vpcFor(sv.VPC, sv.Subnets...)
		name := "service"
		if sv.Name != "" {
			name += " " + sv.Name
		}
		second := string(sv.Kind)
		if sv.Port > 0 {
			second = strings.TrimSpace(second + " :" + itoa(sv.Port))
		}
		lines := []string{name}
		if second != "" {
			lines = append(lines, second)
		}
		if len(sv.Subnets) > 1 {
			lines = append(lines, "in "+plural(len(sv.Subnets), "subnet"))
		}
		b.addNode(vi, &node{addrs: []model.ResourceRef{sv.Addr}, class: "service", lines: wrap(lines, 30), sgs: []model.ResourceRef{sv.SecurityGroup},
			place: placeStack, tier: b.tierOfSubnets(sv.Subnets, model.Private)})
	}
}

func (b *sceneBuilder) databases() {
	for _, db := range b.n.Databases {
		vi := b.vpcFor(db.VPC, db.Subnets...)
		name := db.Engine
		if name == "" {
			name = "database"
		}
		if db.Port > 0 {
			name += " :" + itoa(db.Port)
		}
		az := "single-AZ"
		if db.MultiAZ {
			az = "Multi-AZ"
		}
		b.addNode(vi, &node{addrs: []model.ResourceRef{db.Addr}, class: "db", lines: wrap([]string{"database", name, az}, 30), sgs: []model.ResourceRef{db.SecurityGroup},
			place: placeStack, tier: b.tierOfSubnets(db.Subnets, model.Isolated)})
	}
}

func (b *sceneBuilder) bastions() {
	for _, bn := range b.n.Bastions {
		vi := b.vpcFor(bn.VPC, bn.Subnet)
		how := "Session Manager"
		if bn.Mode == model.BastionSSH {
			how = "SSH"
		}
		b.addNode(vi, &node{addrs: []model.ResourceRef{bn.Addr}, class: "bastion", lines: []string{"bastion", how}, sgs: []model.ResourceRef{bn.SecurityGroup},
			place: placeStack, tier: b.tierOfSubnets([]model.ResourceRef{bn.Subnet}, model.Public)})
	}
}

// endpoints adds gateway endpoints to their VPC's bottom row. Interface
// endpoints of one VPC and tier share a box: four endpoints in three
// zones would otherwise be twelve boxes saying the same thing.
func (b *sceneBuilder) endpoints() {
	type ifKey struct {
		vpc  int
		tier model.Tier
	}
	ifGroups := map[ifKey]*node{}
	for _, e := range b.n.Endpoints {
		vi := b.vpcFor(e.VPC, e.Subnets...)
		svc := e.Service
		if svc == "" {
			svc = e.ServiceName
		}
		if svc == "" {
			svc = string(e.Addr)
		}
		if e.Type == model.GatewayEndpoint {
			b.addNode(vi, &node{addrs: []model.ResourceRef{e.Addr}, class: "endpoint", place: placeEndpoint,
				lines: []string{shorten(svc, 30), "gateway endpoint"}})
			continue
		}
		k := ifKey{vi, b.tierOfSubnets(e.Subnets, model.Private)}
		g, ok := ifGroups[k]
		if !ok {
			g = b.addNode(vi, &node{class: "endpoint", place: placeStack, tier: k.tier, lines: []string{"interface endpoints"}})
			ifGroups[k] = g
		}
		g.addrs = append(g.addrs, e.Addr)
		g.addrs = append(g.addrs, e.ENIs...)
		for _, a := range append([]model.ResourceRef{e.Addr}, e.ENIs...) {
			b.link(a, g)
		}
		g.lines = append(g.lines, shorten(svc, 30))
		for _, sg := range e.SecurityGroups {
			if !slices.Contains(g.sgs, sg) {
				g.sgs = append(g.sgs, sg)
			}
		}
	}
}

func (b *sceneBuilder) firewalls() {
	for _, f := range b.n.Firewalls {
		vi := b.vpcFor(f.VPC, f.Subnets...)
		b.addNode(vi, &node{addrs: []model.ResourceRef{f.Addr}, class: "firewall", lines: []string{"network firewall", plural(len(f.Rules), "rule")},
			place: placeStack, tier: b.tierOfSubnets(f.Subnets, model.Public)})
	}
}

// instances adds imported instances, each in the subnet of its first
// interface; moat's own NAT instances are drawn already, so it skips
// instances drawn.
func (b *sceneBuilder) instances() {
	eniSGs := map[model.ResourceRef][]model.ResourceRef{}
	eniSubnet := map[model.ResourceRef]model.ResourceRef{}
	for _, e := range b.n.ENIs {
		eniSGs[e.Addr] = e.SecurityGroups
		eniSubnet[e.Addr] = e.Subnet
	}
	for _, in := range b.n.Instances {
		if _, drawn := b.nodeOf[in.Addr]; drawn {
			continue
		}
		var subnet model.ResourceRef
		var sgs []model.ResourceRef
		for _, e := range in.ENIs {
			if subnet.IsZero() {
				subnet = eniSubnet[e]
			}
			sgs = append(sgs, eniSGs[e]...)
		}
		name := in.Name
		if name == "" {
			name = string(in.Role)
		}
		if name == "" {
			name = "instance"
		}
		lines := []string{shorten(name, 28)}
		if in.ID != "" {
			lines = append(lines, shorten(in.ID, 28))
		}
		vi := b.vpcFor("", subnet)
		nd := b.addNode(vi, &node{addrs: append([]model.ResourceRef{in.Addr}, in.ENIs...), class: "instance", lines: lines, sgs: sgs})
		b.cellOrStack(nd, vi, subnet, model.Private)
	}
}

// transitGateways adds each Transit Gateway with an arrow to every VPC
// attached; other attachments are listed in its box.
func (b *sceneBuilder) transitGateways() {
	for _, t := range b.n.TransitGateways {
		lines := []string{"Transit Gateway", shorten(string(t.Addr), 28)}
		if t.ID != "" {
			lines[1] = shorten(t.ID, 28)
		}
		jn := b.addNode(-1, &node{addrs: []model.ResourceRef{t.Addr}, class: "tgw", lines: lines})
		b.joins = append(b.joins, jn)
		var others []string
		for _, at := range b.n.TGWAttachments {
			if at.TGW != t.Addr {
				continue
			}
			if at.Kind == model.TGWAttachVPC || (at.Kind == "" && !at.VPC.IsZero()) {
				vi := b.vpcFor(at.VPC, at.Subnets...)
				b.edges = append(b.edges, edge{from: jn.id, to: b.vpcs[vi].id, kind: edgeJoin, label: "attachment"})
				b.link(at.Addr, jn)
				continue
			}
			others = append(others, string(at.Kind))
		}
		if len(others) > 0 {
			jn.lines = append(jn.lines, wrap([]string{"+ " + strings.Join(others, ", ")}, 28)...)
		}
	}
}

func (b *sceneBuilder) peerings() {
	for _, p := range b.n.PeeringConnections {
		state := "peering"
		if !p.Active {
			state = "peering (inactive)"
		}
		jn := b.addNode(-1, &node{addrs: []model.ResourceRef{p.Addr}, class: "pcx", lines: []string{state, shorten(string(p.Addr), 28)}})
		b.joins = append(b.joins, jn)
		for _, v := range []model.ResourceRef{p.Requester, p.Accepter} {
			if v.IsZero() {
				continue
			}
			vi := b.vpcFor(v)
			b.edges = append(b.edges, edge{from: jn.id, to: b.vpcs[vi].id, kind: edgeJoin})
		}
	}
}

func (v *vpcScene) has(sn *subnetNode) bool { return slices.Contains(v.subnets, sn) }

// zonesOf orders a VPC's zones as the network lists them, then as its
// subnets first name them.
func zonesOf(n *model.Network, subs []*subnetNode) []string {
	used := map[string]bool{}
	for _, sn := range subs {
		used[sn.zone] = true
	}
	var out []string
	for _, z := range n.Zones {
		if used[z.ID] && !slices.Contains(out, z.ID) {
			out = append(out, z.ID)
		}
	}
	for _, sn := range subs {
		if !slices.Contains(out, sn.zone) {
			out = append(out, sn.zone)
		}
	}
	return out
}

// tiersOf orders rows public, private, isolated, then any other tier
// names alphabetically.
func tiersOf(subs []*subnetNode) []model.Tier {
	used := map[model.Tier]bool{}
	for _, sn := range subs {
		used[sn.tier] = true
	}
	var out []model.Tier
	for _, t := range tierOrder {
		if used[t] {
			out = append(out, t)
			delete(used, t)
		}
	}
	var rest []string
	for t := range used {
		rest = append(rest, string(t))
	}
	sort.Strings(rest)
	for _, t := range rest {
		out = append(out, model.Tier(t))
	}
	return out
}

func ruleText(p model.Protocol, r model.PortRange) string {
	switch p {
	case model.AllProtocols:
		return "all traffic"
	case model.ICMP, model.ICMPv6:
		return p.String()
	}
	if r == model.AnyPort {
		return p.String() + "/all"
	}
	return p.String() + "/" + r.String()
}

func listenersText(ls []model.Listener) string {
	var parts []string
	for _, l := range ls {
		t := l.Protocol + ":" + itoa(l.Port)
		if l.Protocol == "" {
			t = itoa(l.Port)
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

func prefixText(p netip.Prefix) string {
	if !p.IsValid() {
		return "no IPv4 CIDR"
	}
	return p.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// shorten keeps labels of imported names from widening the picture without
// bound.
func shorten(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// wrap breaks lines longer than max runes at spaces or commas.
func wrap(lines []string, max int) []string {
	var out []string
	for _, l := range lines {
		for len([]rune(l)) > max {
			r := []rune(l)
			cut := -1
			for i := max; i > 0; i-- {
				if r[i] == ' ' {
					cut = i
					break
				}
			}
			if cut <= 0 {
				out = append(out, string(r[:max-1])+"…")
				l = ""
				break
			}
			out = append(out, strings.TrimRight(string(r[:cut]), " "))
			l = strings.TrimLeft(string(r[cut:]), " ")
		}
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func itoa(i int) string { return fmt.Sprint(i) }
