package diagram

import (
	"slices"

	"github.com/moatnet/moat/model"
)

// Options change what a picture shows.
type Options struct {
	// Highlight is a path to draw over the network, as a reachability
	// answer gives it: the ordered addresses of its hops (Internet for the
	// internet, then e.g. "igw/main", "subnet/public/use1-az1", "alb",
	// "sg/service", "service"). Boxes standing for a hop are outlined;
	// arrows between consecutive hops are drawn bold, and a hop pair no
	// arrow joins gets an arrow of its own. Security groups light up the
	// resources using them; network ACLs and route tables their subnets;
	// ENIs their owner. Unknown addresses are ignored.
	Highlight []model.ResourceRef
	// Blocked is the resource whose rule stopped the flow (a security
	// group, NACL, route table or resource); it is marked in red.
	Blocked model.ResourceRef
	// BlockedNote explains the block, e.g. "sg/db: no ingress rule admits
	// tcp/22 from sg/service"; it is printed under the legend.
	BlockedNote string
}

// Layout lays the network out. It never fails: a nil or empty network
// gives a picture with a title and a legend.
func Layout(n *model.Network, opts Options) *Picture {
	if n == nil {
		n = &model.Network{}
	}
	s := buildScene(n)
	l := &layouter{s: s, pic: &Picture{Title: s.title}}
	l.place()
	idx := map[string]int{}
	for i, b := range l.pic.Boxes {
		idx[b.ID] = i
	}
	l.arrows(idx)
	l.highlight(n, idx, opts)
	l.pic.legendKinds = l.legendKinds
	return l.pic
}

// place puts the title, the Internet boxes, the regions with their VPCs,
// the joins and the legend on the canvas, top to bottom.
func (l *layouter) place() {
	y, width := l.placeTitle()
	hasInet := false
	for _, vs := range l.s.vpcs {
		if vs.inet != nil {
			hasInet = true
		}
	}
	inetY := y
	if hasInet {
		y += lineH + 2*padY + rowGap
	}
	y, width = l.placeRegions(y, width)
	// The Internet boxes go above the regions but are placed after them:
	// each spans what it reaches.
	if hasInet {
		l.placeInternet(inetY)
	}
	if len(l.s.joins) > 0 {
		y, width = l.placeJoins(y, width)
	}
	l.placeLegend(y, width)
}

// placeTitle puts the title in the top-left corner and returns the y below
// it and the width it needs.
func (l *layouter) placeTitle() (y, width int) {
	s, pic := l.s, l.pic
	y = margin
	pic.Boxes = append(pic.Boxes, Box{ID: "title", Kind: KindLabel, Class: "title", Lines: []string{s.title},
		Rect: Rect{margin, y, textW(s.title) + 2*padX, lineH + 2*padY}, Parent: -1})
	y += lineH + 2*padY + 8
	width = margin + textW(s.title) + 2*padX + margin
	return y, width
}

// placeRegions lays out the regions in order of first appearance, with
// their VPCs side by side inside, from y down; it returns the bottom of
// the tallest region and the width so far.
func (l *layouter) placeRegions(y, width int) (int, int) {
	s, pic := l.s, l.pic
	var regions []string
	byRegion := map[string][]*vpcScene{}
	for _, vs := range s.vpcs {
		if _, ok := byRegion[vs.region]; !ok {
			regions = append(regions, vs.region)
		}
		byRegion[vs.region] = append(byRegion[vs.region], vs)
	}
	l.geoms = map[*vpcScene]*vpcGeom{}
	l.origin = map[*vpcScene]Point{}
	x := margin
	regionBottom := y
	for ri, r := range regions {
		name := r
		if name == "" {
			name = "region unknown"
		}
		head := lineH + 2*padY
		ri0 := len(pic.Boxes)
		pic.Boxes = append(pic.Boxes, Box{ID: "region" + itoa(ri), Kind: KindRegion, Class: "region", Lines: []string{"Region " + name}, Parent: -1})
		vx := x + 16
		vh := 0
		for _, vs := range byRegion[r] {
			g := l.placeVPC(vs, ri0, Point{vx, y + head + 4})
			vx += g.w + 40
			vh = max(vh, g.h)
		}
		w := max(vx-40+16-x, textW("Region "+name)+2*padX)
		h := head + 4 + vh + 16
		pic.Boxes[ri0].Rect = Rect{x, y, w, h}
		x += w + 40
		regionBottom = max(regionBottom, y+h)
		width = max(width, x-40+margin)
	}
	return regionBottom, width
}

// placeVPC lays one VPC out and shifts its boxes to at, inside the region
// box ri0.
func (l *layouter) placeVPC(vs *vpcScene, ri0 int, at Point) *vpcGeom {
	pic := l.pic
	g := l.layoutVPC(vs)
	l.geoms[vs] = g
	l.origin[vs] = at
	base := len(pic.Boxes)
	for i, b := range g.boxes {
		b.Rect.X += at.X
		b.Rect.Y += at.Y
		if b.Parent < 0 {
			b.Parent = ri0
		} else {
			b.Parent += base
		}
		if i == 0 {
			vs.box = len(pic.Boxes)
		}
		pic.Boxes = append(pic.Boxes, b)
	}
	return g
}

// placeInternet puts each VPC's Internet box at inetY, spanning the things
// it reaches so each arrow drops straight down.
func (l *layouter) placeInternet(inetY int) {
	s, pic := l.s, l.pic
	inetH := lineH + 2*padY
	for _, vs := range s.vpcs {
		if vs.inet == nil {
			continue
		}
		lo, hi := 1<<30, -1<<30
		for _, e := range s.edges {
			if e.from != vs.inet.id {
				continue
			}
			if r, ok := l.rectOf(e.to); ok {
				lo, hi = min(lo, r.cx()-40), max(hi, r.cx()+40)
			}
		}
		w := max(hi-lo, textW("Internet")+2*padX)
		cx := (lo + hi) / 2
		pic.Boxes = append(pic.Boxes, Box{ID: vs.inet.id, Kind: KindInternet, Class: "internet", Lines: []string{"Internet"},
			Rect: Rect{cx - w/2, inetY, w, inetH}, Addrs: []model.ResourceRef{Internet}, Parent: -1})
	}
}

// placeJoins puts the Transit Gateways and peerings in a row below the
// regions, each under the middle of what it joins, left to right without
// overlap.
func (l *layouter) placeJoins(y, width int) (int, int) {
	s, pic := l.s, l.pic
	y += rowGap + 8*len(s.joins)
	type want struct {
		nd *node
		cx int
	}
	var ws []want
	for _, j := range s.joins {
		sum, k := 0, 0
		for _, e := range s.edges {
			if e.from == j.id {
				if r, ok := l.rectOf(e.to); ok {
					sum += r.cx()
					k++
				}
			}
		}
		cx := margin + 100
		if k > 0 {
			cx = sum / k
		}
		ws = append(ws, want{j, cx})
	}
	slices.SortStableFunc(ws, func(a, b want) int { return a.cx - b.cx })
	next := margin
	rowH := 0
	for _, w := range ws {
		bw, bh := boxSize(w.nd.lines)
		bx := max(w.cx-bw/2, next)
		pic.Boxes = append(pic.Boxes, Box{ID: w.nd.id, Kind: KindNode, Class: w.nd.class, Lines: w.nd.lines,
			Rect: Rect{bx, y, bw, bh}, Addrs: nonZero(w.nd.addrs), Parent: -1})
		next = bx + bw + gutter
		rowH = max(rowH, bh)
		width = max(width, next-gutter+margin)
	}
	l.joinTop = y
	return y + rowH, width
}

// placeLegend says what the colours and arrows mean, below everything, and
// sets the canvas size.
func (l *layouter) placeLegend(y, width int) {
	s, pic := l.s, l.pic
	y += rowGap
	var lines, kinds []string
	add := func(kind, text string) { kinds = append(kinds, kind); lines = append(lines, text) }
	add("flow", "allowed flow (security groups), labelled protocol/port")
	add("route", "default route 0.0.0.0/0 (to NAT or internet gateway)")
	add("public", "public subnet: routes to the internet gateway")
	add("private", "private subnet: reaches the internet only through NAT")
	add("isolated", "isolated subnet: no route out of the VPC")
	if len(s.joins) > 0 {
		add("join", "Transit Gateway attachment or VPC peering")
	}
	l.legendKinds = kinds
	lw := linesW(lines) + 2*padX + legendSwatch
	lh := len(lines)*lineH + 2*padY
	pic.Boxes = append(pic.Boxes, Box{ID: "legend", Kind: KindLegend, Class: "legend", Lines: lines, Rect: Rect{margin, y, lw, lh}, Parent: -1})
	l.legend = len(pic.Boxes) - 1
	y += lh
	width = max(width, margin+lw+margin)
	pic.Width = width
	pic.Height = y + margin
}

// legendSwatch is the room left of each legend line for its sample.
const legendSwatch = 44

// rectOf finds where a scene id was drawn.
func (l *layouter) rectOf(id string) (Rect, bool) {
	for _, b := range l.pic.Boxes {
		if b.ID == id {
			return b.Rect, true
		}
	}
	return Rect{}, false
}

// headRect is where a box's own text is drawn.
func headRect(b Box) Rect {
	return Rect{b.Rect.X + padX, b.Rect.Y + padY, linesW(b.Lines), len(b.Lines) * lineH}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
