package diagram

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

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
// the joins and the legend on the canvas.
func (l *layouter) place() {
	s, pic := l.s, l.pic
	y := margin
	pic.Boxes = append(pic.Boxes, Box{ID: "title", Kind: KindLabel, Class: "title", Lines: []string{s.title},
		Rect: Rect{margin, y, textW(s.title) + 2*padX, lineH + 2*padY}, Parent: -1})
	y += lineH + 2*padY + 8
	width := margin + textW(s.title) + 2*padX + margin

	hasInet := false
	for _, vs := range s.vpcs {
		if vs.inet != nil {
			hasInet = true
		}
	}
	inetH := lineH + 2*padY
	inetY := y
	if hasInet {
		y += inetH + rowGap
	}

	// Regions in order of first appearance; VPCs side by side inside.
	var regions []string
	byRegion := map[string][]*vpcScene{}
	for _, vs := range s.vpcs {
		if _, ok := byRegion[vs.region]; !ok {
			regions = append(regions, vs.region)
		}
		byRegion[vs.region] = append(byRegion[vs.region], vs)
	}
	geoms := map[*vpcScene]*vpcGeom{}
	origin := map[*vpcScene]Point{}
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
			g := l.layoutVPC(vs)
			geoms[vs] = g
			origin[vs] = Point{vx, y + head + 4}
			base := len(pic.Boxes)
			for i, b := range g.boxes {
				b.Rect.X += vx
				b.Rect.Y += y + head + 4
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
	l.geoms = geoms
	l.origin = origin
	y = regionBottom

	// Internet boxes span the things they reach so each arrow drops
	// straight down.
	if hasInet {
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

	// Joins below the regions, each under the middle of what it joins.
	if len(s.joins) > 0 {
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
		y += rowH
	}

	// The legend says what the colours and arrows mean.
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

// arrows routes every edge of the scene.
func (l *layouter) arrows(idx map[string]int) {
	pic := l.pic
	var labels []Rect
	for _, e := range l.s.edges {
		fi, ok1 := idx[e.from]
		ti, ok2 := idx[e.to]
		if !ok1 || !ok2 {
			continue
		}
		src, dst := pic.Boxes[fi], pic.Boxes[ti]
		var pts []Point
		kind := ArrowFlow
		switch e.kind {
		case edgeJoin:
			kind = ArrowJoin
			pts = l.joinRoute(e, src.Rect, dst.Rect)
		case edgeRoute:
			kind = ArrowRoute
			pts = l.routeRoute(src, dst)
		default:
			if vs, vd := l.vpcOfBox(fi), l.vpcOfBox(ti); vs >= 0 && vd >= 0 && vs != vd {
				pts = l.crossRoute(src, dst) // crossvpc.go
			} else {
				pts = l.flowRoute(src, dst)
			}
		}
		a := Arrow{From: e.from, To: e.to, Kind: kind, Points: pts}
		if e.kind == edgeFlow && e.label != "" {
			a.Label = shortLabel(e.label, maxLabelChars)
			if a.Label != e.label {
				a.Title = e.label
			}
			a.LabelRect = l.placeLabel(a.Label, pts, labels, e.from, e.to)
			labels = append(labels, a.LabelRect)
		}
		pic.Arrows = append(pic.Arrows, a)
	}
}

// flowRoute draws an allowed flow: straight down (or up) when the boxes
// share a column, else with one horizontal step in the gap between rows,
// choosing the step that crosses no other box.
func (l *layouter) flowRoute(src, dst Box) []Point {
	s, d := src.Rect, dst.Rect
	if src.Kind == KindInternet {
		return []Point{{d.cx(), s.bottom()}, {d.cx(), d.Y}}
	}
	// Into a resource inside a subnet from elsewhere: along the column to
	// its level, then across into its side, so the arrow does not cut
	// through the subnet's heading.
	if dst.Parent >= 0 && l.pic.Boxes[dst.Parent].Kind == KindSubnet && (s.cx() < d.X || s.cx() > d.right()) && (s.bottom() <= d.cy() || s.Y >= d.cy()) {
		ex := d.right()
		if s.cx() < d.X {
			ex = d.X
		}
		y0 := s.bottom()
		if s.Y >= d.cy() {
			y0 = s.Y
		}
		return []Point{{s.cx(), y0}, {s.cx(), d.cy()}, {ex, d.cy()}}
	}
	switch {
	case s.bottom() <= d.Y: // downwards
		if abs(s.cx()-d.cx()) < 4 || (d.X < s.cx() && s.cx() < d.right() && s.X < d.cx() && d.cx() < s.right()) {
			x := (max(s.X, d.X) + min(s.right(), d.right())) / 2
			return []Point{{x, s.bottom()}, {x, d.Y}}
		}
		yA := l.gapAbove(dst)
		yB := l.gapBelow(src)
		for _, y := range []int{yA, yB} {
			p := []Point{{s.cx(), s.bottom()}, {s.cx(), y}, {d.cx(), y}, {d.cx(), d.Y}}
			if !l.crosses(p, src.ID, dst.ID) {
				return p
			}
		}
		// Both one-step routes cross a box: step into a gutter between
		// lanes below the source's row, run down it, step across above
		// the target's row.
		for _, gx := range l.gutters(src) {
			p := []Point{{s.cx(), s.bottom()}, {s.cx(), yB}, {gx, yB}, {gx, yA}, {d.cx(), yA}, {d.cx(), d.Y}}
			if !l.crosses(p, src.ID, dst.ID) {
				return p
			}
		}
		return []Point{{s.cx(), s.bottom()}, {s.cx(), yA}, {d.cx(), yA}, {d.cx(), d.Y}}
	case d.bottom() <= s.Y: // upwards
		if abs(s.cx()-d.cx()) < 4 || (d.X < s.cx() && s.cx() < d.right() && s.X < d.cx() && d.cx() < s.right()) {
			x := (max(s.X, d.X) + min(s.right(), d.right())) / 2
			return []Point{{x, s.Y}, {x, d.bottom()}}
		}
		yA := l.gapBelow(dst)
		yB := l.gapAbove(src)
		for _, y := range []int{yA, yB} {
			p := []Point{{s.cx(), s.Y}, {s.cx(), y}, {d.cx(), y}, {d.cx(), d.bottom()}}
			if !l.crosses(p, src.ID, dst.ID) {
				return p
			}
		}
		return []Point{{s.cx(), s.Y}, {s.cx(), yA}, {d.cx(), yA}, {d.cx(), d.bottom()}}
	}
	// Side by side in one row.
	y := (max(s.Y, d.Y) + min(s.bottom(), d.bottom())) / 2
	if s.right() <= d.X {
		return []Point{{s.right(), y}, {d.X, y}}
	}
	return []Point{{s.X, y}, {d.right(), y}}
}

// gutters are the x positions of the gaps between the stack lanes of the
// VPC holding b, nearest b first.
func (l *layouter) gutters(b Box) []int {
	i := slices.IndexFunc(l.pic.Boxes, func(o Box) bool { return o.ID == b.ID })
	vi := l.vpcOfBox(i)
	if vi < 0 {
		return nil
	}
	vs := l.s.vpcs[vi]
	g, ok := l.geoms[vs]
	if !ok {
		return nil
	}
	var out []int
	for _, x := range g.laneGut {
		out = append(out, x+l.origin[vs].X)
	}
	if len(g.gutR) > 0 {
		out = append(out, g.gutR[len(g.gutR)-1]+l.origin[vs].X)
	}
	slices.SortStableFunc(out, func(p, q int) int { return abs(p-b.Rect.cx()) - abs(q-b.Rect.cx()) })
	return out
}

// gapAbove and gapBelow are the middle of the gap between a box's row and
// the row above or below it.
func (l *layouter) gapAbove(b Box) int {
	if b.Parent >= 0 && l.pic.Boxes[b.Parent].Kind == KindBand {
		return l.pic.Boxes[b.Parent].Rect.Y - rowGap/2
	}
	return b.Rect.Y - rowGap/2
}

func (l *layouter) gapBelow(b Box) int {
	if b.Parent >= 0 && l.pic.Boxes[b.Parent].Kind == KindBand {
		return l.pic.Boxes[b.Parent].Rect.bottom() + rowGap/2
	}
	return b.Rect.bottom() + rowGap/2
}

// crosses reports whether the polyline passes through a resource box
// other than its ends.
func (l *layouter) crosses(p []Point, from, to string) bool {
	for _, b := range l.pic.Boxes {
		if (b.Kind != KindNode && b.Kind != KindLabel) || b.ID == from || b.ID == to {
			continue
		}
		for i := 1; i < len(p); i++ {
			if segRect(p[i-1], p[i]).Overlaps(b.Rect) {
				return true
			}
		}
	}
	return false
}

// segRect is an axis-aligned segment as a thin rectangle.
func segRect(a, b Point) Rect {
	x0, x1 := min(a.X, b.X), max(a.X, b.X)
	y0, y1 := min(a.Y, b.Y), max(a.Y, b.Y)
	return Rect{x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2}
}

// routeRoute draws a default route. A subnet routed to a NAT in the
// subnet directly above goes straight up; everything else leaves by the
// gutter right of its column, so route arrows never cross a cell.
func (l *layouter) routeRoute(src, dst Box) []Point {
	s, d := src.Rect, dst.Rect
	inCell := dst.Parent >= 0 && l.pic.Boxes[dst.Parent].Kind == KindSubnet
	if src.Kind == KindSubnet && inCell && d.bottom() <= s.Y && d.X >= s.X && d.right() <= s.right() {
		return []Point{{d.cx(), s.Y}, {d.cx(), d.bottom()}}
	}
	// Leave from the right side of the source's cell.
	cell := s
	if src.Kind == KindNode && src.Parent >= 0 && l.pic.Boxes[src.Parent].Kind == KindSubnet {
		cell = l.pic.Boxes[src.Parent].Rect
	}
	if src.Kind == KindNode && (src.Parent < 0 || l.pic.Boxes[src.Parent].Kind != KindSubnet) {
		// A gateway-row node: straight down to the bus, then across.
		if d.X >= s.right() || d.right() <= s.X {
			ex := d.X
			if d.right() <= s.X {
				ex = d.right()
			}
			return []Point{{s.cx(), s.bottom()}, {s.cx(), d.cy()}, {ex, d.cy()}}
		}
		return []Point{{s.cx(), s.bottom()}, {s.cx(), d.Y}}
	}
	gx := cell.right() + gutter/2
	p := []Point{{s.right(), s.cy()}, {gx, s.cy()}}
	switch {
	case gx < d.X:
		p = append(p, Point{gx, d.cy()}, Point{d.X, d.cy()})
	case gx > d.right():
		p = append(p, Point{gx, d.cy()}, Point{d.right(), d.cy()})
	case d.bottom() <= s.cy():
		p = append(p, Point{gx, d.bottom()})
	default:
		p = append(p, Point{gx, d.Y})
	}
	return p
}

// joinRoute runs from a join below the regions up to the bottom of a VPC,
// spreading several joins along the VPC's bottom edge.
func (l *layouter) joinRoute(e edge, j, v Rect) []Point {
	var mine []string
	k := 0
	for _, o := range l.s.edges {
		if o.kind == edgeJoin && o.to == e.to {
			if o.from == e.from && !slices.Contains(mine, o.from) {
				k = len(mine)
			}
			if !slices.Contains(mine, o.from) {
				mine = append(mine, o.from)
			}
		}
	}
	ax := v.X + v.W*(k+1)/(len(mine)+1)
	ji := slices.IndexFunc(l.s.joins, func(n *node) bool { return n.id == e.from })
	mid := l.joinTop - 12 - 8*max(ji, 0)
	return []Point{{j.cx(), j.Y}, {j.cx(), mid}, {ax, mid}, {ax, v.bottom()}}
}

// placeLabel centres a label on the arrow's longest segment, sliding it
// along the segment until it covers no box and no other label.
func (l *layouter) placeLabel(text string, pts []Point, placed []Rect, from, to string) Rect {
	w, h := textW(text)+8, lineH+2
	type seg struct {
		a, b Point
		n    int
	}
	var segs []seg
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		segs = append(segs, seg{a, b, abs(a.X-b.X) + abs(a.Y-b.Y)})
	}
	slices.SortStableFunc(segs, func(x, y seg) int { return y.n - x.n })
	canvas := Rect{0, 0, l.pic.Width, l.pic.Height}
	free := func(r Rect) bool {
		if !canvas.Contains(r) {
			return false
		}
		for _, o := range placed {
			if o.Overlaps(r) {
				return false
			}
		}
		for _, b := range l.pic.Boxes {
			if (b.Kind == KindNode || b.Kind == KindLabel || b.Kind == KindInternet) && b.Rect.Overlaps(r) {
				return false
			}
			// Nor may it hide a subnet's or VPC's heading.
			if (b.Kind == KindSubnet || b.Kind == KindVPC || b.Kind == KindRegion) && headRect(b).Overlaps(r) {
				return false
			}
		}
		return true
	}
	// On the arrow first; then, when long labels crowd it, beside it:
	// stacked above or below a horizontal segment, to either side of a
	// vertical one.
	for _, off := range []int{0, 1, -1, 2, -2, 3, -3} {
		for _, sg := range segs {
			mx, my := (sg.a.X+sg.b.X)/2, (sg.a.Y+sg.b.Y)/2
			if sg.a.X == sg.b.X {
				mx += off * (w/2 + 4)
			} else {
				my += off * (h + 2)
			}
			for step := 0; step <= sg.n/2; step += 4 {
				for _, sign := range []int{1, -1} {
					x, y := mx, my
					if sg.a.X == sg.b.X {
						y += sign * step
					} else {
						x += sign * step
					}
					r := Rect{x - w/2, y - h/2, w, h}
					if free(r) {
						return r
					}
				}
			}
		}
	}
	mx, my := (segs[0].a.X+segs[0].b.X)/2, (segs[0].a.Y+segs[0].b.Y)/2
	// No free place on the arrow: at least stay on the canvas.
	x := min(max(mx-w/2, 0), max(canvas.W-w, 0))
	y := min(max(my-h/2, 0), max(canvas.H-h, 0))
	return Rect{x, y, w, h}
}

// maxLabelChars bounds an arrow label, so a long source list (four
// allow_from CIDRs, three bastion CIDRs) neither runs off the canvas nor
// over other labels; the full text stays in Arrow.Title.
const maxLabelChars = 44

// shortLabel fits a flow label, "tcp/443 from A, tcp/443 from B, tcp/22
// from C", into max characters, each step losing less than the next:
// sources grouped per rule ("tcp/443 from A, B; tcp/22 from C"), then the
// first source and a count ("tcp/443 from A +1"), then counts only
// ("tcp/443 (2 sources)"), then as many rules as fit and "+N more".
func shortLabel(label string, max int) string {
	if utf8.RuneCountInString(label) <= max {
		return label
	}
	type group struct {
		rule    string
		sources []string
	}
	var groups []*group
	byRule := map[string]*group{}
	for _, part := range splitLabel(label) {
		rule, src, _ := strings.Cut(part, " from ")
		g := byRule[rule]
		if g == nil {
			g = &group{rule: rule}
			byRule[rule] = g
			groups = append(groups, g)
		}
		if src != "" {
			g.sources = append(g.sources, src)
		}
	}
	fits := func(s string) bool { return utf8.RuneCountInString(s) <= max }
	render := func(each func(*group) string) []string {
		var out []string
		for _, g := range groups {
			out = append(out, each(g))
		}
		return out
	}
	for _, each := range []func(*group) string{
		func(g *group) string {
			if len(g.sources) == 0 {
				return g.rule
			}
			return g.rule + " from " + strings.Join(g.sources, ", ")
		},
		func(g *group) string {
			switch len(g.sources) {
			case 0:
				return g.rule
			case 1:
				return g.rule + " from " + g.sources[0]
			}
			return fmt.Sprintf("%s from %s +%d", g.rule, g.sources[0], len(g.sources)-1)
		},
	} {
		if s := strings.Join(render(each), "; "); fits(s) {
			return s
		}
	}
	counted := render(func(g *group) string {
		switch len(g.sources) {
		case 0:
			return g.rule
		case 1:
			return g.rule + " (1 source)"
		}
		return fmt.Sprintf("%s (%d sources)", g.rule, len(g.sources))
	})
	if s := strings.Join(counted, "; "); fits(s) {
		return s
	}
	for k := len(counted) - 1; k >= 1; k-- {
		if s := fmt.Sprintf("%s; +%d more", strings.Join(counted[:k], "; "), len(counted)-k); fits(s) {
			return s
		}
	}
	r := []rune(counted[0])
	return string(r[:max-1]) + "…"
}

// highlight marks the path and the blocking resource.
func (l *layouter) highlight(n *model.Network, idx map[string]int, opts Options) {
	pic := l.pic
	if len(opts.Highlight) == 0 && opts.Blocked.IsZero() && opts.BlockedNote == "" {
		return
	}
	resolve := func(a model.ResourceRef, near int) []int {
		if a.IsZero() {
			return nil
		}
		if a == Internet {
			var out []int
			for i, b := range pic.Boxes {
				if b.Kind == KindInternet {
					out = append(out, i)
				}
			}
			// With several Internet boxes, take the one over the VPC
			// of the neighbouring hop.
			if len(out) > 1 && near >= 0 {
				vp := l.vpcOfBox(near)
				for _, i := range out {
					if strings.TrimPrefix(pic.Boxes[i].ID, "inet") == itoa(vp) {
						return []int{i}
					}
				}
			}
			if len(out) > 1 {
				out = out[:1]
			}
			return out
		}
		if nd, ok := l.s.nodeOf[a]; ok {
			if i, ok := idx[nd.id]; ok {
				return []int{i}
			}
		}
		if sn, ok := l.s.subOf[a]; ok {
			if i, ok := idx[sn.id]; ok {
				return []int{i}
			}
		}
		var out []int
		for i, b := range pic.Boxes {
			if slices.Contains(b.Addrs, a) {
				out = append(out, i)
			}
		}
		if len(out) > 0 {
			return out
		}
		// Rules and tables light up what they apply to.
		for _, vs := range l.s.vpcs {
			for _, nd := range vs.nodes {
				if slices.Contains(nd.sgs, a) {
					if i, ok := idx[nd.id]; ok {
						out = append(out, i)
					}
				}
			}
			for _, sn := range vs.subnets {
				if sn.sub.NACL == a || sn.sub.RouteTable == a {
					if i, ok := idx[sn.id]; ok {
						out = append(out, i)
					}
				}
			}
		}
		if len(out) == 0 {
			for _, sa := range n.RouteTableSubnets(a) {
				if sn, ok := l.s.subOf[sa]; ok {
					if i, ok := idx[sn.id]; ok {
						out = append(out, i)
					}
				}
			}
		}
		return out
	}
	// First pass without the internet's neighbour, to find it.
	var hops []int
	for i, a := range opts.Highlight {
		near := -1
		if a == Internet {
			for j := i + 1; j < len(opts.Highlight) && near < 0; j++ {
				if r := resolve(opts.Highlight[j], -1); len(r) > 0 {
					near = r[0]
				}
			}
			for j := i - 1; j >= 0 && near < 0; j-- {
				if r := resolve(opts.Highlight[j], -1); len(r) > 0 {
					near = r[0]
				}
			}
		}
		boxes := resolve(a, near)
		for _, b := range boxes {
			pic.Boxes[b].Highlight = true
		}
		// Arrows join resources, not the subnets and VPCs they pass.
		for _, b := range boxes {
			k := pic.Boxes[b].Kind
			if k == KindNode || k == KindInternet {
				if len(hops) == 0 || hops[len(hops)-1] != b {
					hops = append(hops, b)
				}
				break
			}
		}
	}
	for i := 1; i < len(hops); i++ {
		a, b := pic.Boxes[hops[i-1]], pic.Boxes[hops[i]]
		found := false
		for k := range pic.Arrows {
			ar := &pic.Arrows[k]
			if (ar.From == a.ID && ar.To == b.ID) || (ar.From == b.ID && ar.To == a.ID) {
				ar.Highlight = true
				found = true
			}
		}
		if !found {
			pic.Arrows = append(pic.Arrows, Arrow{From: a.ID, To: b.ID, Kind: ArrowPath, Highlight: true, Points: straight(a.Rect, b.Rect)})
		}
	}
	for _, b := range resolve(opts.Blocked, -1) {
		pic.Boxes[b].Blocked = true
	}
	// The legend explains the marks, and the note the answer.
	lg := &pic.Boxes[l.legend]
	if len(opts.Highlight) > 0 {
		l.legendKinds = append(l.legendKinds, "path")
		lg.Lines = append(lg.Lines, "the path asked about")
	}
	if !opts.Blocked.IsZero() {
		l.legendKinds = append(l.legendKinds, "blocked")
		lg.Lines = append(lg.Lines, "blocked here: "+shorten(string(opts.Blocked), 60))
	}
	for _, nl := range wrap([]string{strings.TrimSpace(opts.BlockedNote)}, 90) {
		l.legendKinds = append(l.legendKinds, "note")
		lg.Lines = append(lg.Lines, nl)
	}
	pic.Note = opts.BlockedNote
	grow := len(lg.Lines)*lineH + 2*padY - lg.Rect.H
	lg.Rect.W = max(lg.Rect.W, linesW(lg.Lines)+2*padX+legendSwatch)
	lg.Rect.H += grow
	pic.Height += grow
	pic.Width = max(pic.Width, lg.Rect.right()+margin)
}

// headRect is where a box's own text is drawn.
func headRect(b Box) Rect {
	return Rect{b.Rect.X + padX, b.Rect.Y + padY, linesW(b.Lines), len(b.Lines) * lineH}
}

// vpcOfBox is the index of the VPC a box lies in, or -1.
func (l *layouter) vpcOfBox(i int) int {
	for i >= 0 {
		b := l.pic.Boxes[i]
		if b.Kind == KindVPC {
			for vi, vs := range l.s.vpcs {
				if vs.id == b.ID {
					return vi
				}
			}
		}
		i = b.Parent
	}
	return -1
}

// straight joins the borders of two boxes along the line between their
// centres, for highlighted hops no routed arrow draws.
func straight(a, b Rect) []Point {
	ax, ay, bx, by := a.cx(), a.cy(), b.cx(), b.cy()
	clip := func(r Rect, x, y, tx, ty int) Point {
		dx, dy := float64(tx-x), float64(ty-y)
		t := 1.0
		if dx != 0 {
			t = min(t, float64(r.W)/2/absf(dx))
		}
		if dy != 0 {
			t = min(t, float64(r.H)/2/absf(dy))
		}
		return Point{x + int(dx*t), y + int(dy*t)}
	}
	return []Point{clip(a, ax, ay, bx, by), clip(b, bx, by, ax, ay)}
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
