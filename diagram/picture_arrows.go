package diagram

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

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
