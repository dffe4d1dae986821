package diagram

import (
	"bytes"
	"cmp"
	"fmt"
	"strings"

	"github.com/moatnet/moat/model"
)

// Format is an output format.
type Format string

const (
	SVG     Format = "svg"
	DOT     Format = "dot"
	Mermaid Format = "mermaid"
)

// Formats lists the formats Render accepts, for help and errors.
var Formats = []Format{SVG, DOT, Mermaid}

// Render draws the network in the given format. DOT and Mermaid carry the
// same boxes, containers and arrows as the SVG; their tools lay them out.
func Render(n *model.Network, f Format, opts Options) ([]byte, error) {
	if n == nil {
		return nil, fmt.Errorf("draw network: no network")
	}
	switch f {
	case SVG, "":
		return writeSVG(Layout(n, opts)), nil
	case DOT:
		return writeDOT(Layout(n, opts)), nil
	case Mermaid:
		return writeMermaid(Layout(n, opts)), nil
	}
	return nil, fmt.Errorf("unknown diagram format %q: use svg, dot or mermaid", f)
}

// The text formats are written from the laid-out picture, so they name
// exactly what the SVG draws, in the same order.

func boxLabel(b Box) string { return strings.Join(b.Lines, "\n") }

func writeDOT(p *Picture) []byte {
	var b bytes.Buffer
	b.WriteString("digraph moat {\n")
	fmt.Fprintf(&b, "  label=%s;\n  labelloc=t;\n  compound=true;\n  rankdir=TB;\n", dotQuote(p.Title))
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"DejaVu Sans Mono\", fontsize=11];\n")
	b.WriteString("  edge [fontname=\"DejaVu Sans Mono\", fontsize=10];\n")
	children := childrenOf(p)
	var walk func(i int, indent string)
	walk = func(i int, indent string) {
		bx := p.Boxes[i]
		switch bx.Kind {
		case KindRegion, KindVPC, KindBand, KindSubnet:
			fmt.Fprintf(&b, "%ssubgraph cluster_%s {\n", indent, dotID(bx.ID))
			label := boxLabel(bx)
			if bx.Kind == KindBand {
				label = bandName(p, i)
			}
			fmt.Fprintf(&b, "%s  label=%s;\n", indent, dotQuote(label))
			if c := dotFill(bx); c != "" {
				fmt.Fprintf(&b, "%s  style=filled; fillcolor=%q;\n", indent, c)
			}
			if bx.Highlight || bx.Blocked {
				fmt.Fprintf(&b, "%s  color=%q; penwidth=3;\n", indent, dotMark(bx))
			}
			// Edges to a subnet or VPC attach to an invisible point inside
			// it (clipped at the border with lhead/ltail); the point also
			// keeps an empty cluster from vanishing.
			if len(children[i]) == 0 || bx.Kind == KindSubnet || bx.Kind == KindVPC {
				fmt.Fprintf(&b, "%s  %s [shape=point, style=invis];\n", indent, dotID(bx.ID+"_anchor"))
			}
			for _, c := range children[i] {
				walk(c, indent+"  ")
			}
			fmt.Fprintf(&b, "%s}\n", indent)
		case KindNode, KindInternet:
			attrs := "label=" + dotQuote(boxLabel(bx))
			if bx.Kind == KindInternet {
				attrs += ", shape=ellipse"
			}
			if bx.Highlight || bx.Blocked {
				attrs += fmt.Sprintf(", color=%q, penwidth=3", dotMark(bx))
			}
			fmt.Fprintf(&b, "%s%s [%s];\n", indent, dotID(bx.ID), attrs)
		}
	}
	for i, bx := range p.Boxes {
		if bx.Parent < 0 {
			walk(i, "  ")
		}
	}
	kind := map[string]BoxKind{}
	for _, bx := range p.Boxes {
		kind[bx.ID] = bx.Kind
	}
	for _, a := range p.Arrows {
		from, to := dotID(a.From), dotID(a.To)
		var attrs []string
		if k := kind[a.From]; k == KindSubnet || k == KindVPC {
			from = dotID(a.From + "_anchor")
			attrs = append(attrs, "ltail=cluster_"+dotID(a.From))
		}
		if k := kind[a.To]; k == KindSubnet || k == KindVPC {
			to = dotID(a.To + "_anchor")
			attrs = append(attrs, "lhead=cluster_"+dotID(a.To))
		}
		if a.Label != "" {
			attrs = append(attrs, "label="+dotQuote(cmp.Or(a.Title, a.Label)))
		}
		switch a.Kind {
		case ArrowRoute:
			attrs = append(attrs, "style=dashed", "color=gray50")
		case ArrowJoin:
			attrs = append(attrs, "dir=none", "color=\"#be185d\"", "penwidth=2")
		case ArrowPath:
			attrs = append(attrs, "style=dotted")
		}
		if a.Highlight {
			attrs = append(attrs, "color=\"#ea580c\"", "penwidth=3")
		}
		fmt.Fprintf(&b, "  %s -> %s", from, to)
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	if p.Note != "" {
		fmt.Fprintf(&b, "  note [shape=note, label=%s];\n", dotQuote(p.Note))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func childrenOf(p *Picture) map[int][]int {
	c := map[int][]int{}
	for i, bx := range p.Boxes {
		if bx.Parent >= 0 {
			c[bx.Parent] = append(c[bx.Parent], i)
		}
	}
	return c
}

// bandName is the tier a band stands for, read from its label child.
func bandName(p *Picture, band int) string {
	for _, bx := range p.Boxes {
		if bx.Parent == band && bx.Kind == KindLabel && len(bx.Lines) > 0 {
			return bx.Lines[0]
		}
	}
	return p.Boxes[band].Class
}

func dotFill(b Box) string {
	if b.Kind != KindBand {
		return ""
	}
	switch b.Class {
	case "public":
		return "#edf7ed"
	case "private":
		return "#eaf2fb"
	case "isolated":
		return "#f4eefa"
	}
	return "#f3f4f6"
}

func dotMark(b Box) string {
	if b.Blocked {
		return "#dc2626"
	}
	return "#ea580c"
}

func dotID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// dotQuote quotes a DOT string; newlines become centred line breaks.
func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}

func writeMermaid(p *Picture) []byte {
	var b bytes.Buffer
	b.WriteString("flowchart TB\n")
	fmt.Fprintf(&b, "  %%%% %s\n", mmText(p.Title))
	children := childrenOf(p)
	var walk func(i int, indent string)
	walk = func(i int, indent string) {
		bx := p.Boxes[i]
		switch bx.Kind {
		case KindRegion, KindVPC, KindBand, KindSubnet:
			label := strings.Join(bx.Lines, " ")
			if bx.Kind == KindBand {
				label = bandName(p, i)
			}
			fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", indent, dotID(bx.ID), mmText(label))
			for _, c := range children[i] {
				walk(c, indent+"  ")
			}
			fmt.Fprintf(&b, "%send\n", indent)
		case KindNode:
			fmt.Fprintf(&b, "%s%s[\"%s\"]\n", indent, dotID(bx.ID), mmText(strings.Join(bx.Lines, "<br/>")))
		case KindInternet:
			fmt.Fprintf(&b, "%s%s((\"%s\"))\n", indent, dotID(bx.ID), mmText(boxLabel(bx)))
		}
	}
	for i, bx := range p.Boxes {
		if bx.Parent < 0 {
			walk(i, "  ")
		}
	}
	var hlLinks []int
	for k, a := range p.Arrows {
		op := "-->"
		switch a.Kind {
		case ArrowRoute, ArrowPath:
			op = "-.->"
		case ArrowJoin:
			op = "---"
		}
		if a.Label != "" {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", dotID(a.From), op, mmText(cmp.Or(a.Title, a.Label)), dotID(a.To))
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", dotID(a.From), op, dotID(a.To))
		}
		if a.Highlight {
			hlLinks = append(hlLinks, k)
		}
	}
	b.WriteString("  classDef hl stroke:#ea580c,stroke-width:3px\n")
	b.WriteString("  classDef blocked stroke:#dc2626,stroke-width:3px,stroke-dasharray:5 3\n")
	for _, bx := range p.Boxes {
		if bx.Kind != KindNode && bx.Kind != KindInternet && bx.Kind != KindSubnet {
			continue
		}
		if bx.Blocked {
			fmt.Fprintf(&b, "  class %s blocked\n", dotID(bx.ID))
		} else if bx.Highlight {
			fmt.Fprintf(&b, "  class %s hl\n", dotID(bx.ID))
		}
	}
	for _, k := range hlLinks {
		fmt.Fprintf(&b, "  linkStyle %d stroke:#ea580c,stroke-width:3px\n", k)
	}
	return b.Bytes()
}

// mmText keeps a Mermaid label inside its quotes.
func mmText(s string) string {
	s = strings.ReplaceAll(s, `"`, "#quot;")
	return strings.ReplaceAll(s, "\n", " ")
}
