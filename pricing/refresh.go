package pricing

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
	"go.yaml.in/yaml/v4"
)

// Change is what a refresh does to one key of a price table.
type Change struct {
	Key string
	// Old is the table's figure before ("unpriced" when it had none).
	Old string
	// New is the offer's figure; empty when the key is left alone
	// (Problem says why).
	New    string
	SKU    string
	Status string // "new" (was unpriced), "changed", "same", or "conflict"
	// Problem says why a key the offer names was not written.
	Problem string
}

// Refresh reads the figures the offers give for the keys of a price
// table (src, the YAML of pricing/data/<region>.yaml) and returns what
// changes and the table rewritten with them: each such key's entry
// becomes the offer's price with the offer as its source, read on the
// date given, and a note naming the SKU. Keys the table does not have are
// not added: the table lists what moat prices. Two rows that price one
// key differently are a conflict, and the key is left as it was. The
// rest of the file, comments and order included, is kept byte for byte.
// Problems with the table are diagnostics at their place in file.
func Refresh(file string, src []byte, offers []*Offer, read string) ([]Change, []byte, diag.List) {
	t, d := parseTable(file, src)
	if d.HasErrors() {
		return nil, nil, d
	}
	type found struct {
		row   OfferRow
		offer *Offer
		usd   string
		more  []string // other prices for the key
	}
	byKey := map[string]*found{}
	for _, o := range offers {
		for _, row := range o.Rows {
			key := KeyOf(row, t.Region)
			if _, ok := t.Prices[key]; !ok || key == "" {
				continue
			}
			usd := trimPrice(row.USD)
			if f := byKey[key]; f != nil {
				if f.usd != usd && !slices.Contains(f.more, usd) {
					f.more = append(f.more, usd+" (SKU "+row.SKU+")")
				}
				continue
			}
			byKey[key] = &found{row: row, offer: o, usd: usd}
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		d.Errorf(diag.Range{File: file}, "", "parse %s: %v", file, err)
		return nil, nil, d
	}
	prices := mappingValue(&doc, "prices")
	if prices == nil {
		d.Errorf(diag.Range{File: file}, "see pricing/data/us-east-1.yaml for the form", "%s has no prices mapping", file)
		return nil, nil, d
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var changes []Change
	for _, key := range keys {
		f := byKey[key]
		old := t.Prices[key]
		c := Change{Key: key, Old: "unpriced", SKU: f.row.SKU}
		if old.Priced() {
			c.Old = old.Rate.String()
		}
		v, perr := parseFixed(f.usd)
		switch {
		case len(f.more) > 0:
			c.Status, c.Problem = "conflict", fmt.Sprintf("the offers price it %s (SKU %s) and %s; left as it was", f.usd, f.row.SKU, strings.Join(f.more, ", "))
		case perr != nil || v <= 0:
			c.Status, c.Problem = "conflict", fmt.Sprintf("the offer's price %q is not a positive figure; left as it was", f.row.USD)
		case old.Priced() && !old.Free && old.Rate == Rate(v):
			c.Status, c.New = "same", f.usd
		case old.Priced():
			c.Status, c.New = "changed", f.usd
		default:
			c.Status, c.New = "new", f.usd
		}
		changes = append(changes, c)
		if c.New == "" {
			continue
		}
		unit := old.Unit
		if unit == "" {
			unit = unitOf(key)
			if ref, err := Load("us-east-1"); err == nil && ref.Lookup(key).Unit != "" {
				unit = ref.Lookup(key).Unit
			}
		}
		entry := mappingNode(
			"price", quoted(f.usd, yaml.DoubleQuotedStyle),
			"unit", quoted(unit, 0),
			"source", quoted(offerSource(f.offer, t.Region), 0),
			"read", quoted(read, yaml.DoubleQuotedStyle),
			"note", quoted(offerNote(f.row), yaml.SingleQuotedStyle),
		)
		setMappingValue(prices, key, entry)
	}
	out, err := yaml.Dump(&doc, yaml.WithV4Defaults(), yaml.WithIndent(2), yaml.WithLineWidth(-1))
	if err != nil {
		d.Errorf(diag.Range{File: file}, "", "write the refreshed table: %v", err)
		return nil, nil, d
	}
	if _, err := table(parseTable(file, out)); err != nil {
		d.Errorf(diag.Range{File: file}, "a moat bug; please report it", "the refreshed table does not parse: %v", err)
		return nil, nil, d
	}
	return changes, out, nil
}

// trimPrice writes an offer's price as the tables do: "0.0160000000"
// becomes "0.016".
func trimPrice(usd string) string {
	if !strings.Contains(usd, ".") {
		return usd
	}
	usd = strings.TrimRight(usd, "0")
	if strings.HasSuffix(usd, ".") {
		usd += "00"
	}
	if i := strings.Index(usd, "."); len(usd)-i-1 == 1 {
		usd += "0"
	}
	return usd
}

// offerSource is where a figure was read: the bulk offer file's URL, or
// the Price List Query API for get-products output.
func offerSource(o *Offer, region string) string {
	if o.Service != "" && o.Version != "" {
		return fmt.Sprintf("https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/%s/%s/%s/index.json", o.Service, o.Version, region)
	}
	return fmt.Sprintf("AWS Price List Query API (aws pricing get-products --service-code %s)", o.Service)
}

// offerNote names the row a figure comes from, so it can be found again.
func offerNote(row OfferRow) string {
	var attrs []string
	for _, k := range []string{"databaseEngine", "deploymentOption", "instanceType", "operatingSystem", "tenancy", "usagetype", "regionCode"} {
		if v := row.Attributes[k]; v != "" {
			attrs = append(attrs, k+" "+v)
		}
	}
	note := fmt.Sprintf("AWS Price List, on-demand: SKU %s, %s, %s per %s", row.SKU, strings.Join(attrs, ", "), trimPrice(row.USD), row.Unit)
	if row.Tiered {
		note += ", the first tier"
	}
	if row.Description != "" {
		note += "; " + row.Description
	}
	return note + "; written by moat prices refresh"
}

func quoted(s string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: style}
}

func mappingNode(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, quoted(kv[i].(string), 0), kv[i+1].(*yaml.Node))
	}
	return n
}

// mappingValue is the value at key of the document's top mapping.
func mappingValue(doc *yaml.Node, key string) *yaml.Node {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// setMappingValue replaces the value at key, keeping the key's comments.
func setMappingValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v.HeadComment, v.LineComment, v.FootComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment, m.Content[i+1].FootComment
			m.Content[i+1] = v
			return
		}
	}
}

// RefreshText renders changes for people, a line per key.
func RefreshText(changes []Change) string {
	var w bytes.Buffer
	for _, c := range changes {
		switch c.Status {
		case "conflict":
			fmt.Fprintf(&w, "  %-40s %-9s %s\n", c.Key, c.Status, c.Problem)
		default:
			fmt.Fprintf(&w, "  %-40s %-9s %s -> $%s (SKU %s)\n", c.Key, c.Status, c.Old, c.New, c.SKU)
		}
	}
	return w.String()
}
