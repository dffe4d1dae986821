package diagram

import (
	"bytes"
	"fmt"
	"html"

	"github.com/moatnet/moat/model"
)

// style is embedded in every SVG so the file is self-contained. The font
// is the one the layout's width estimate assumes.
const style = `
text { font-family: 'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace; font-size: 12px; fill: #1f2933; }
text.b { font-weight: bold; }
.title { font-size: 14px; font-weight: bold; }
rect.region { fill: #fbfbfd; stroke: #7b8794; stroke-width: 1.5; stroke-dasharray: 8 4; }
rect.vpc { fill: #ffffff; stroke: #3e4c59; stroke-width: 2; }
rect.band.public { fill: #edf7ed; stroke: #8bc48d; }
rect.band.private { fill: #eaf2fb; stroke: #8fb3de; }
rect.band.isolated { fill: #f4eefa; stroke: #b99bd6; }
rect.band.other { fill: #f3f4f6; stroke: #b8bfc7; }
rect.subnet { fill: #ffffff; stroke-width: 1.2; }
rect.subnet.public { stroke: #4c9a50; }
rect.subnet.private { stroke: #3b78c2; }
rect.subnet.isolated { stroke: #8350b3; }
rect.subnet.other { stroke: #7b8794; }
rect.node { fill: #ffffff; stroke: #3e4c59; stroke-width: 1.5; }
rect.node.igw, rect.node.nat { fill: #fff4e5; stroke: #d97706; }
rect.node.lb { fill: #f3e8ff; stroke: #7c3aed; }
rect.node.service { fill: #e0f2fe; stroke: #0369a1; }
rect.node.db { fill: #e0e7ff; stroke: #3730a3; }
rect.node.bastion { fill: #fef3c7; stroke: #92400e; }
rect.node.endpoint { fill: #ccfbf1; stroke: #0f766e; }
rect.node.tgw, rect.node.pcx { fill: #fce7f3; stroke: #be185d; }
rect.node.firewall { fill: #fee2e2; stroke: #b91c1c; }
rect.internet { fill: #f1f5f9; stroke: #475569; stroke-width: 1.5; }
rect.legend { fill: #ffffff; stroke: #b8bfc7; }
rect.hl { stroke: #ea580c !important; stroke-width: 3.5; }
rect.blocked { stroke: #dc2626 !important; stroke-width: 3.5; stroke-dasharray: 6 3; }
path.flow { fill: none; stroke: #1f2933; stroke-width: 1.6; }
path.route { fill: none; stroke: #9aa5b1; stroke-width: 1.4; stroke-dasharray: 5 4; }
path.join { fill: none; stroke: #be185d; stroke-width: 2; }
path.path { fill: none; stroke: #ea580c; stroke-width: 2; stroke-dasharray: 2 3; }
path.hl { stroke: #ea580c; stroke-width: 3.5; stroke-dasharray: none; }
rect.lbl { fill: #ffffff; stroke: #cbd2d9; stroke-width: 0.8; }
rect.lbl.hl { stroke: #ea580c; stroke-width: 1.5; }
circle.x { fill: #dc2626; }
text.x { fill: #ffffff; font-weight: bold; }
`

// writeSVG writes the picture. Coordinates are integers and elements come
// in a fixed order, so equal pictures give equal bytes.
func writeSVG(p *Picture) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`+"\n", p.Width, p.Height, p.Width, p.Height)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(p.Title))
	b.WriteString("<defs>\n<style>" + style + "</style>\n")
	for _, m := range []struct{ id, color string }{{"arrow", "#1f2933"}, {"arrow-route", "#9aa5b1"}, {"arrow-hl", "#ea580c"}} {
		fmt.Fprintf(&b, `<marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", m.id, m.color)
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", p.Width, p.Height)

	// Containers first, then arrows over them, then resources over the
	// arrows, then arrow labels, so a label is never hidden.
	isContainer := func(k BoxKind) bool {
		return k == KindRegion || k == KindVPC || k == KindBand || k == KindSubnet
	}
	for _, bx := range p.Boxes {
		if isContainer(bx.Kind) {
			writeBox(&b, bx, p)
		}
	}
	for _, a := range p.Arrows {
		if !a.Highlight {
			writeArrow(&b, a)
		}
	}
	for _, bx := range p.Boxes {
		if !isContainer(bx.Kind) {
			writeBox(&b, bx, p)
		}
	}
	// Highlighted arrows go on top so the path reads as one line.
	for _, a := range p.Arrows {
		if a.Highlight {
			writeArrow(&b, a)
		}
	}
	for _, a := range p.Arrows {
		if a.Label == "" {
			continue
		}
		r := a.LabelRect
		cls := "lbl"
		if a.Highlight {
			cls += " hl"
		}
		if a.Title != "" {
			// The full label on hover; the picture shows the short one.
			fmt.Fprintf(&b, "<g><title>%s</title>\n", esc(a.Title))
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="3"/>`+"\n", cls, r.X, r.Y, r.W, r.H)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", r.cx(), r.Y+r.H-4, esc(a.Label))
		if a.Title != "" {
			b.WriteString("</g>\n")
		}
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func writeBox(b *bytes.Buffer, bx Box, p *Picture) {
	r := bx.Rect
	cls := string(bx.Kind)
	if bx.Class != "" && bx.Class != string(bx.Kind) {
		cls += " " + bx.Class
	}
	if bx.Highlight {
		cls += " hl"
	}
	if bx.Blocked {
		cls += " blocked"
	}
	fmt.Fprintf(b, `<g id="%s">`, esc(bx.ID))
	if len(bx.Addrs) > 0 {
		fmt.Fprintf(b, "<title>%s</title>", esc(joinAddrs(bx.Addrs)))
	}
	b.WriteString("\n")
	if bx.Kind != KindLabel {
		rx := 4
		if bx.Kind == KindNode || bx.Kind == KindInternet {
			rx = 8
		}
		if bx.Kind == KindInternet {
			rx = r.H / 2
		}
		fmt.Fprintf(b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="%d"/>`+"\n", cls, r.X, r.Y, r.W, r.H, rx)
	}
	x := r.X + padX
	if bx.Kind == KindLegend {
		x += legendSwatch
	}
	for i, line := range bx.Lines {
		y := r.Y + padY + (i+1)*lineH - 3
		tcls := ""
		switch {
		case bx.Kind == KindLabel && bx.Class == "title":
			tcls = ` class="title"`
		case i == 0 && bx.Kind != KindSubnet && bx.Kind != KindLegend:
			tcls = ` class="b"`
		}
		if bx.Kind == KindInternet {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle"%s>%s</text>`+"\n", r.cx(), y, tcls, esc(line))
			continue
		}
		fmt.Fprintf(b, `<text x="%d" y="%d"%s>%s</text>`+"\n", x, y, tcls, esc(line))
		if bx.Kind == KindLegend && i < len(p.legendKinds) {
			writeSwatch(b, p.legendKinds[i], r.X+padX, r.Y+padY+i*lineH+lineH/2)
		}
	}
	if bx.Blocked {
		// A red cross on the corner, visible even on small boxes.
		fmt.Fprintf(b, `<circle class="x" cx="%d" cy="%d" r="8"/><text class="x" x="%d" y="%d" text-anchor="middle">x</text>`+"\n", r.right()-4, r.Y+4, r.right()-4, r.Y+8)
	}
	b.WriteString("</g>\n")
}

func writeSwatch(b *bytes.Buffer, kind string, x, y int) {
	w := legendSwatch - 10
	switch kind {
	case "flow", "route", "join", "path":
		cls, marker := kind, "arrow"
		if kind == "route" {
			marker = "arrow-route"
		}
		if kind == "path" {
			cls, marker = "flow hl", "arrow-hl"
		}
		end := ""
		if kind != "join" {
			end = ` marker-end="url(#` + marker + `)"`
		}
		fmt.Fprintf(b, `<path class="%s" d="M%d,%d L%d,%d"%s/>`+"\n", cls, x, y, x+w, y, end)
	case "blocked":
		fmt.Fprintf(b, `<circle class="x" cx="%d" cy="%d" r="7"/>`+"\n", x+w/2, y)
	case "note":
	default:
		fmt.Fprintf(b, `<rect class="band %s" x="%d" y="%d" width="%d" height="%d"/>`+"\n", kind, x, y-5, w, 10)
	}
}

func writeArrow(b *bytes.Buffer, a Arrow) {
	if len(a.Points) < 2 {
		return
	}
	cls := string(a.Kind)
	marker := "arrow"
	switch a.Kind {
	case ArrowRoute:
		marker = "arrow-route"
	case ArrowPath:
		marker = "arrow-hl"
	}
	if a.Highlight {
		cls += " hl"
		marker = "arrow-hl"
	}
	var d bytes.Buffer
	for i, pt := range a.Points {
		if i == 0 {
			fmt.Fprintf(&d, "M%d,%d", pt.X, pt.Y)
		} else {
			fmt.Fprintf(&d, " L%d,%d", pt.X, pt.Y)
		}
	}
	end := ` marker-end="url(#` + marker + `)"`
	if a.Kind == ArrowJoin {
		end = ""
	}
	fmt.Fprintf(b, `<path class="%s" d="%s"%s/>`+"\n", cls, d.String(), end)
}

func joinAddrs(as []model.ResourceRef) string {
	var b bytes.Buffer
	for i, a := range as {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(a))
	}
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }
