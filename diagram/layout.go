package diagram

import (
	"math"
	"slices"
	"unicode/utf8"

	"github.com/moatnet/moat/model"
)

// Text metrics. The SVG style asks for DejaVu Sans Mono (then any
// monospace) at 12px; its advance is 0.602em = 7.22px. Estimating 7.4px a
// character leaves room for a fallback font slightly wider, so estimated
// widths never fall short of the drawn text.
const (
	fontSize = 12
	charW    = 7.4
	lineH    = 15
	padX     = 8
	padY     = 6
	gutter   = 26 // between zone columns: room for route arrows
	rowGap   = 34 // between rows: room for an arrow label
	margin   = 20
)

// textW is the estimated width of s in pixels, rounded up.
func textW(s string) int { return int(math.Ceil(float64(utf8.RuneCountInString(s)) * charW)) }

func linesW(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, textW(l))
	}
	return w
}

// Rect is an axis-aligned rectangle in SVG user units (pixels).
type Rect struct{ X, Y, W, H int }

func (r Rect) right() int  { return r.X + r.W }
func (r Rect) bottom() int { return r.Y + r.H }
func (r Rect) cx() int     { return r.X + r.W/2 }
func (r Rect) cy() int     { return r.Y + r.H/2 }

// Overlaps reports whether r and o share any interior point.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.right() && o.X < r.right() && r.Y < o.bottom() && o.Y < r.bottom()
}

// Contains reports whether o lies inside r (edges may touch).
func (r Rect) Contains(o Rect) bool {
	return o.X >= r.X && o.Y >= r.Y && o.right() <= r.right() && o.bottom() <= r.bottom()
}

// BoxKind says what a box is: containers hold other boxes, the rest are
// leaves.
type BoxKind string

const (
	KindRegion   BoxKind = "region"
	KindVPC      BoxKind = "vpc"
	KindBand     BoxKind = "band" // a tier's row
	KindSubnet   BoxKind = "subnet"
	KindNode     BoxKind = "node"  // a resource
	KindLabel    BoxKind = "label" // text without a border (zone and tier headers)
	KindLegend   BoxKind = "legend"
	KindInternet BoxKind = "internet"
)

// Box is one rectangle of the picture with its text. Lines are drawn
// top-left inside the box, one per lineH, after padX/padY; the first line
// of a node is its title.
type Box struct {
	ID     string
	Kind   BoxKind
	Class  string // CSS class: tier for bands and subnets, resource kind for nodes
	Rect   Rect
	Lines  []string
	Addrs  []model.ResourceRef // what the box stands for; empty for labels
	Parent int                 // index of the enclosing box; -1 at the top
	// Highlight marks a box on the highlighted path; Blocked the box whose
	// rule stops the flow.
	Highlight, Blocked bool
}

// Point is a vertex of an arrow.
type Point struct{ X, Y int }

// ArrowKind is how an arrow is drawn.
type ArrowKind string

const (
	ArrowFlow  ArrowKind = "flow"  // allowed by security groups
	ArrowRoute ArrowKind = "route" // a default route
	ArrowJoin  ArrowKind = "join"  // TGW attachment or peering
	ArrowPath  ArrowKind = "path"  // a highlighted hop no other arrow draws
)

// Arrow is a polyline from one box to another, with an optional label
// centred on one of its segments.
type Arrow struct {
	From, To  string // box IDs
	Kind      ArrowKind
	Points    []Point
	Label     string
	LabelRect Rect // zero when Label is empty
	// Title is the full label when Label is a shortened form of it (long
	// source lists); SVG shows it on hover, DOT and Mermaid print it.
	Title     string
	Highlight bool
}

// Picture is a laid-out diagram, ready to write.
type Picture struct {
	Title  string
	Width  int
	Height int
	Boxes  []Box
	Arrows []Arrow
	// Note is the reach answer's explanation, shown under the legend.
	Note string
	// legendKinds is the sample drawn left of each legend line.
	legendKinds []string
}

// boxSize is the size a leaf needs for its lines.
func boxSize(lines []string) (int, int) {
	return max(linesW(lines)+2*padX, 96), len(lines)*lineH + 2*padY
}

type layouter struct {
	s           *scene
	pic         *Picture
	geoms       map[*vpcScene]*vpcGeom
	origin      map[*vpcScene]Point
	joinTop     int
	legend      int      // index of the legend box
	legendKinds []string // the sample drawn left of each legend line
}

func (l *layouter) addBox(b Box) int {
	l.pic.Boxes = append(l.pic.Boxes, b)
	return len(l.pic.Boxes) - 1
}

// vpcGeom is a VPC laid out at the origin; place() shifts it.
type vpcGeom struct {
	w, h int
	// boxes relative to the VPC's top-left corner, in draw order, with
	// Parent relative to this list (-1 for the VPC itself).
	boxes []Box
	// busY is where NAT-to-IGW arrows run, relative; colX the zone
	// columns' left edges; gutR the right gutter's centre per column.
	busY  int
	colX  []int
	colW  int
	gutR  []int
	stack []int // lane centres
	// laneGut is the middle of the gap right of each lane but the last
	laneGut []int
	// where each node, subnet and the VPC itself landed (index in boxes)
	at map[string]int
}

// vpcLayout is one VPC being laid out: what layoutVPC's steps measure
// and share, in the order they run.
type vpcLayout struct {
	l  *layouter
	vs *vpcScene
	g  *vpcGeom

	title, sub string
	tierLabels map[model.Tier]string
	tierW      int
	colW       int
	cells      map[model.Tier]map[string][]*subnetNode

	stackNodes, gateways, endpoints []*node
	laneW                           []int
	igwLane                         int

	tierX, zoneX, stackX int
}

// layoutVPC places one VPC's rows, columns and nodes.
func (l *layouter) layoutVPC(vs *vpcScene) *vpcGeom {
	v := &vpcLayout{l: l, vs: vs, g: &vpcGeom{at: map[string]int{}}}
	v.title, v.sub = vpcTitle(vs.vpc)
	v.measureColumns()
	v.sortNodes()
	v.assignLanes()
	v.placeColumns()
	v.placeRows()
	return v.g
}

// vpcTitle is the VPC box's two lines: address and CIDRs, then name and
// account.
func vpcTitle(vpc model.VPC) (title, sub string) {
	title = "VPC " + string(vpc.Addr)
	if vpc.CIDR.IsValid() {
		title += "  " + vpc.CIDR.String()
	}
	if vpc.IPv6CIDR.IsValid() {
		title += "  " + vpc.IPv6CIDR.String()
	}
	if vpc.Name != "" {
		sub = vpc.Name
	}
	if vpc.Account != "" {
		sub += "  account " + vpc.Account
	}
	return title, sub
}

func subnetW(sn *subnetNode) int {
	w := linesW(sn.lines) + 2*padX
	for _, nd := range sn.nodes {
		nw, _ := boxSize(nd.lines)
		w = max(w, nw+2*padX)
	}
	return w
}

func subnetH(sn *subnetNode) int {
	h := len(sn.lines)*lineH + 2*padY
	for _, nd := range sn.nodes {
		_, nh := boxSize(nd.lines)
		h += nh + padY
	}
	return h
}

// measureColumns sizes the tier labels and the zone columns and files
// each subnet in its cell. Every zone column is as wide as the widest
// cell so the grid stays a grid.
func (v *vpcLayout) measureColumns() {
	v.tierLabels = map[model.Tier]string{}
	for _, t := range v.vs.tiers {
		v.tierLabels[t] = string(t)
		v.tierW = max(v.tierW, textW(string(t)))
	}
	v.tierW += 2 * padX
	v.colW = 150
	for _, z := range v.vs.zones {
		v.colW = max(v.colW, textW(z)+2*padX)
	}
	v.cells = map[model.Tier]map[string][]*subnetNode{}
	for _, sn := range v.vs.subnets {
		v.colW = max(v.colW, subnetW(sn))
		if v.cells[sn.tier] == nil {
			v.cells[sn.tier] = map[string][]*subnetNode{}
		}
		v.cells[sn.tier][sn.zone] = append(v.cells[sn.tier][sn.zone], sn)
	}
}

// sortNodes files the nodes by place and adds a row for a tier that has
// stack nodes but no subnets.
func (v *vpcLayout) sortNodes() {
	for _, nd := range v.vs.nodes {
		switch nd.place {
		case placeStack:
			v.stackNodes = append(v.stackNodes, nd)
		case placeGateway:
			v.gateways = append(v.gateways, nd)
		case placeEndpoint:
			v.endpoints = append(v.endpoints, nd)
		}
	}
	rowOf := map[model.Tier]bool{}
	for _, t := range v.vs.tiers {
		rowOf[t] = true
	}
	for _, nd := range v.stackNodes {
		if !rowOf[nd.tier] {
			v.vs.tiers = append(v.vs.tiers, nd.tier)
			rowOf[nd.tier] = true
			v.tierLabels[nd.tier] = string(nd.tier)
			v.tierW = max(v.tierW, textW(string(nd.tier))+2*padX)
		}
	}
}

// assignLanes gives every stack node a lane: the lane of a node that
// flows into it when that lane is free in its row, so the main flow runs
// straight down. Then it sizes the lanes.
func (v *vpcLayout) assignLanes() {
	s := v.l.s
	used := map[model.Tier]map[int]bool{}
	laneOf := map[*node]int{}
	nLanes := 0
	for _, nd := range v.stackNodes {
		if used[nd.tier] == nil {
			used[nd.tier] = map[int]bool{}
		}
		lane := -1
		for _, e := range s.edges {
			if e.to != nd.id || e.kind != edgeFlow {
				continue
			}
			if src, ok := s.byID[e.from].(*node); ok {
				if sl, ok := laneOf[src]; ok && !used[nd.tier][sl] {
					lane = sl
					break
				}
			}
		}
		if lane < 0 {
			for lane = 0; used[nd.tier][lane]; lane++ {
			}
		}
		used[nd.tier][lane] = true
		laneOf[nd] = lane
		nd.lane = lane
		nLanes = max(nLanes, lane+1)
	}
	if v.vs.igw != nil {
		v.igwLane = v.laneOfIGW(laneOf, nLanes)
		nLanes = max(nLanes, v.igwLane+1)
	}
	v.laneW = make([]int, nLanes)
	for _, nd := range v.stackNodes {
		w, _ := boxSize(nd.lines)
		v.laneW[nd.lane] = max(v.laneW[nd.lane], w)
	}
	if v.vs.igw != nil {
		w, _ := boxSize(v.vs.igw.lines)
		v.laneW[v.igwLane] = max(v.laneW[v.igwLane], w)
	}
	for i := range v.laneW {
		// Room for arrow labels beside the boxes' own width.
		v.laneW[i] = max(v.laneW[i], 120)
	}
}

// laneOfIGW is the lane of what the internet gateway serves; with nothing
// to serve, a lane of its own right of the rest, so the arrow from the
// internet to an API Gateway does not cross it.
func (v *vpcLayout) laneOfIGW(laneOf map[*node]int, nLanes int) int {
	s := v.l.s
	for _, e := range s.edges {
		if e.from == v.vs.igw.id && e.kind == edgeFlow {
			if dst, ok := s.byID[e.to].(*node); ok {
				if ln, ok := laneOf[dst]; ok {
					return ln
				}
			}
		}
	}
	if nLanes > 0 && v.vs.inet != nil {
		return nLanes
	}
	return 0
}

// placeColumns sets the horizontal positions: tier labels, zone columns,
// then the stack lanes, and the VPC's width.
func (v *vpcLayout) placeColumns() {
	g, vs := v.g, v.vs
	x := margin
	v.tierX = x
	x += v.tierW + gutter/2
	for i := 0; i < len(vs.zones); i++ {
		g.colX = append(g.colX, x)
		g.gutR = append(g.gutR, x+v.colW+gutter/2)
		x += v.colW + gutter
	}
	if len(vs.zones) == 0 {
		x += gutter
	}
	g.colW = v.colW
	laneGap := v.laneGaps()
	v.stackX = x
	for i, w := range v.laneW {
		g.stack = append(g.stack, x+w/2)
		x += w
		if i < len(v.laneW)-1 {
			g.laneGut = append(g.laneGut, x+laneGap[i]/2)
			x += laneGap[i]
		}
	}
	x += margin
	// Gateways and endpoints lie in a row from the first zone column; the
	// VPC widens when they need more room.
	v.zoneX = v.tierX + v.tierW + gutter/2
	x = max(x, v.zoneX+rowW(v.gateways)+margin, v.zoneX+rowW(v.endpoints)+margin)
	x = max(x, textW(v.title)+2*margin, textW(v.sub)+2*margin)
	g.w = x
}

// laneGaps puts lanes a gutter apart, or wider where two nodes in one row
// have a flow between them, so its label fits between the boxes.
func (v *vpcLayout) laneGaps() []int {
	s := v.l.s
	laneGap := make([]int, len(v.laneW))
	for i := range laneGap {
		laneGap[i] = gutter
	}
	for _, e := range s.edges {
		a, ok1 := s.byID[e.from].(*node)
		b, ok2 := s.byID[e.to].(*node)
		if !ok1 || !ok2 || a.vpc != b.vpc || a.place != placeStack || b.place != placeStack || a.tier != b.tier || e.label == "" {
			continue
		}
		lo, hi := min(a.lane, b.lane), max(a.lane, b.lane)
		for i := lo; i < hi; i++ {
			laneGap[i] = max(laneGap[i], textW(e.label)+8+2*padX)
		}
	}
	return laneGap
}

// rowW is the width of nodes laid side by side a gutter apart.
func rowW(ns []*node) int {
	w := 0
	for i, nd := range ns {
		bw, _ := boxSize(nd.lines)
		w += bw
		if i > 0 {
			w += gutter
		}
	}
	return w
}

// placeRows sets the vertical positions, top to bottom: the VPC box, zone
// labels, the gateway row, the internet gateway, a band per tier, the
// endpoint row.
func (v *vpcLayout) placeRows() {
	g, vs := v.g, v.vs
	g.boxes = append(g.boxes, Box{ID: vs.id, Kind: KindVPC, Class: "vpc", Lines: nonEmpty(v.title, v.sub), Addrs: []model.ResourceRef{vs.vpc.Addr}, Parent: -1})
	g.at[vs.id] = 0
	y := padY + len(nonEmpty(v.title, v.sub))*lineH + padY
	if len(vs.zones) > 0 {
		y += 4
		for i, z := range vs.zones {
			w := textW(z) + 2*padX
			g.boxes = append(g.boxes, Box{ID: vs.id + "-zone" + itoa(i), Kind: KindLabel, Class: "zone", Lines: []string{z},
				Rect: Rect{g.colX[i] + (v.colW-w)/2, y, w, lineH + 2*padY}, Parent: 0})
		}
		y += lineH + 2*padY + 8
	}
	if len(v.gateways) > 0 {
		y += v.placeRow(v.gateways, y) + rowGap
	}
	if vs.igw != nil {
		w, h := boxSize(vs.igw.lines)
		r := Rect{g.stack[v.igwLane] - w/2, y, w, h}
		r.X = max(r.X, v.stackX)
		g.at[vs.igw.id] = len(g.boxes)
		g.boxes = append(g.boxes, v.l.nodeBox(vs.igw, r, 0))
		g.busY = r.cy()
		y += h + rowGap
	}
	for ti, t := range vs.tiers {
		y += v.placeTier(ti, t, y)
		if ti < len(vs.tiers)-1 {
			y += rowGap
		}
	}
	if len(v.endpoints) > 0 {
		y += rowGap
		y += v.placeRow(v.endpoints, y)
	}
	y += margin
	g.h = y
	g.boxes[0].Rect = Rect{0, 0, g.w, g.h}
}

// placeRow lays nodes side by side from the first zone column at y and
// returns the row's height.
func (v *vpcLayout) placeRow(ns []*node, y int) int {
	g := v.g
	gx := v.zoneX
	rowH := 0
	for _, nd := range ns {
		w, h := boxSize(nd.lines)
		g.at[nd.id] = len(g.boxes)
		g.boxes = append(g.boxes, v.l.nodeBox(nd, Rect{gx, y, w, h}, 0))
		gx += w + gutter
		rowH = max(rowH, h)
	}
	return rowH
}

// placeTier lays tier t's band at y, with its label, subnets (and the
// nodes in them) and stack nodes, and returns the band's height.
func (v *vpcLayout) placeTier(ti int, t model.Tier, y int) int {
	g, vs := v.g, v.vs
	// Row height: the tallest cell or stack node.
	rowH := lineH + 2*padY
	for _, z := range vs.zones {
		h := 0
		for i, sn := range v.cells[t][z] {
			if i > 0 {
				h += padY
			}
			h += subnetH(sn)
		}
		rowH = max(rowH, h)
	}
	for _, nd := range v.stackNodes {
		if nd.tier == t {
			_, h := boxSize(nd.lines)
			rowH = max(rowH, h)
		}
	}
	bandPad := 10
	band := Rect{margin / 2, y, g.w - margin, rowH + 2*bandPad}
	bi := len(g.boxes)
	g.boxes = append(g.boxes, Box{ID: vs.id + "-tier" + itoa(ti), Kind: KindBand, Class: tierClass(t), Rect: band, Parent: 0})
	g.boxes = append(g.boxes, Box{ID: vs.id + "-tierlabel" + itoa(ti), Kind: KindLabel, Class: "tier", Lines: []string{v.tierLabels[t]},
		Rect: Rect{v.tierX, y + bandPad, v.tierW, lineH + 2*padY}, Parent: bi})
	for zi, z := range vs.zones {
		sy := y + bandPad
		for _, sn := range v.cells[t][z] {
			sy += v.placeSubnet(sn, t, g.colX[zi], sy, bi) + padY
		}
	}
	for _, nd := range v.stackNodes {
		if nd.tier != t {
			continue
		}
		w, h := boxSize(nd.lines)
		g.at[nd.id] = len(g.boxes)
		g.boxes = append(g.boxes, v.l.nodeBox(nd, Rect{g.stack[nd.lane] - w/2, y + bandPad, w, h}, bi))
	}
	return band.H
}

// placeSubnet lays a subnet's box at (x, y) in band bi with its nodes
// inside, and returns its height.
func (v *vpcLayout) placeSubnet(sn *subnetNode, t model.Tier, x, y, bi int) int {
	g := v.g
	h := subnetH(sn)
	si := len(g.boxes)
	g.at[sn.id] = si
	g.boxes = append(g.boxes, Box{ID: sn.id, Kind: KindSubnet, Class: tierClass(t), Lines: sn.lines,
		Rect: Rect{x, y, v.colW, h}, Addrs: []model.ResourceRef{sn.sub.Addr}, Parent: bi})
	ny := y + len(sn.lines)*lineH + 2*padY
	for _, nd := range sn.nodes {
		w, nh := boxSize(nd.lines)
		g.at[nd.id] = len(g.boxes)
		g.boxes = append(g.boxes, v.l.nodeBox(nd, Rect{x + (v.colW-w)/2, ny, w, nh}, si))
		ny += nh + padY
	}
	return h
}

func (l *layouter) nodeBox(nd *node, r Rect, parent int) Box {
	return Box{ID: nd.id, Kind: KindNode, Class: nd.class, Rect: r, Lines: nd.lines, Addrs: nonZero(nd.addrs), Parent: parent}
}

func tierClass(t model.Tier) string {
	switch t {
	case model.Public, model.Private, model.Isolated:
		return string(t)
	}
	return "other"
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func nonZero(as []model.ResourceRef) []model.ResourceRef {
	var out []model.ResourceRef
	for _, a := range as {
		if !a.IsZero() && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}
