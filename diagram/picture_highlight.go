package diagram

import (
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// highlight marks the path and the blocking resource.
func (l *layouter) highlight(n *model.Network, idx map[string]int, opts Options) {
	if len(opts.Highlight) == 0 && opts.Blocked.IsZero() && opts.BlockedNote == "" {
		return
	}
	r := &resolver{l: l, n: n, idx: idx}
	l.highlightPath(l.highlightHops(r, opts.Highlight))
	for _, b := range r.boxes(opts.Blocked, -1) {
		l.pic.Boxes[b].Blocked = true
	}
	l.explainMarks(opts)
}

// resolver finds the boxes standing for a hop's address.
type resolver struct {
	l   *layouter
	n   *model.Network
	idx map[string]int
}

// boxes are the boxes standing for a; near, when not -1, is the box of a
// neighbouring hop, to choose among several Internet boxes.
func (r *resolver) boxes(a model.ResourceRef, near int) []int {
	l, idx := r.l, r.idx
	if a.IsZero() {
		return nil
	}
	if a == Internet {
		return r.internet(near)
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
	for i, b := range l.pic.Boxes {
		if slices.Contains(b.Addrs, a) {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		return out
	}
	return r.appliedTo(a)
}

// internet is the Internet box; with several, the one over the VPC of
// the neighbouring hop.
func (r *resolver) internet(near int) []int {
	pic := r.l.pic
	var out []int
	for i, b := range pic.Boxes {
		if b.Kind == KindInternet {
			out = append(out, i)
		}
	}
	if len(out) > 1 && near >= 0 {
		vp := r.l.vpcOfBox(near)
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

// appliedTo: rules and tables light up what they apply to (the nodes using
// a group, the subnets using an ACL or route table).
func (r *resolver) appliedTo(a model.ResourceRef) []int {
	l, idx := r.l, r.idx
	var out []int
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
		for _, sa := range r.n.RouteTableSubnets(a) {
			if sn, ok := l.s.subOf[sa]; ok {
				if i, ok := idx[sn.id]; ok {
					out = append(out, i)
				}
			}
		}
	}
	return out
}

// highlightHops outlines every box of the path and returns the boxes its
// arrows join: resources, not the subnets and VPCs they pass.
func (l *layouter) highlightHops(r *resolver, path []model.ResourceRef) []int {
	pic := l.pic
	var hops []int
	for i, a := range path {
		near := -1
		if a == Internet {
			near = nearestHop(r, path, i)
		}
		boxes := r.boxes(a, near)
		for _, b := range boxes {
			pic.Boxes[b].Highlight = true
		}
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
	return hops
}

// nearestHop is the box of the hop closest to path[i], after it first,
// resolved without the internet's neighbour, or -1.
func nearestHop(r *resolver, path []model.ResourceRef, i int) int {
	for j := i + 1; j < len(path); j++ {
		if b := r.boxes(path[j], -1); len(b) > 0 {
			return b[0]
		}
	}
	for j := i - 1; j >= 0; j-- {
		if b := r.boxes(path[j], -1); len(b) > 0 {
			return b[0]
		}
	}
	return -1
}

// highlightPath draws consecutive hops' arrows bold, adding a straight
// arrow where no routed one joins them.
func (l *layouter) highlightPath(hops []int) {
	pic := l.pic
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
}

// explainMarks adds the legend lines for the marks and the note for the
// answer, growing the legend and the canvas.
func (l *layouter) explainMarks(opts Options) {
	pic := l.pic
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
