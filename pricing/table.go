package pricing

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/moatnet/moat/diag"
)

//go:embed data/*.yaml
var dataFS embed.FS

// Price is one figure of a Region's price table.
type Price struct {
	Key  string
	Rate Rate   // per Unit; zero when Free or unpriced
	Unit string // "hour", "GB", "GB-month", "million requests", ...
	Free bool   // AWS charges nothing (gateway endpoints)
	// Unpriced, when set, says why moat has no confirmed figure; a line
	// that needs this price is reported as unpriced with this reason.
	Unpriced string
	Source   string // the page the figure was read from
	Read     string // when it was read, YYYY-MM-DD
	Note     string
}

// Priced reports whether the figure can be used (a price or free).
func (p Price) Priced() bool { return p.Unpriced == "" }

// Table is one Region's prices.
type Table struct {
	Region string
	File   string // e.g. pricing/data/us-east-1.yaml, for reports
	Prices map[string]Price
}

// Lookup returns the price at key. A missing key is reported as an
// unpriced Price, so callers never read a silent zero.
func (t *Table) Lookup(key string) Price {
	if t == nil {
		return Price{Key: key, Unpriced: "no price table"}
	}
	if p, ok := t.Prices[key]; ok {
		return p
	}
	return Price{Key: key, Unpriced: fmt.Sprintf("%s has no price for %s", t.File, key)}
}

// Keys returns the table's keys, sorted.
func (t *Table) Keys() []string {
	keys := make([]string, 0, len(t.Prices))
	for k := range t.Prices {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Regions lists the Regions with a price table, sorted.
func Regions() []string {
	entries, err := fs.ReadDir(dataFS, "data")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if r, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// ErrNoTable is wrapped by Load when moat has no prices for a Region.
var ErrNoTable = fmt.Errorf("no price table")

// Load reads the embedded price table of region.
func Load(region string) (*Table, error) {
	if !slices.Contains(Regions(), region) {
		return nil, fmt.Errorf("%w for region %q (moat has %s)", ErrNoTable, region, strings.Join(Regions(), ", "))
	}
	src, err := dataFS.ReadFile("data/" + region + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("read price table: %w", err)
	}
	return table(parseTable("pricing/data/"+region+".yaml", src))
}

// table turns parseTable's diagnostics into the error Load and LoadFile
// return: a diag.List, so a caller can render it with positions.
func table(t *Table, d diag.List) (*Table, error) {
	if d.HasErrors() {
		return nil, d
	}
	return t, nil
}

// LoadFile reads a price table from a file, in the form of
// pricing/data/<region>.yaml: a table refreshed by moat prices refresh
// can price a stack before moat is rebuilt with it.
func LoadFile(path string) (*Table, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read price table: %w", err)
	}
	return table(parseTable(path, src))
}

type rawPrice struct {
	Price    string `yaml:"price"`
	Unit     string `yaml:"unit"`
	Free     bool   `yaml:"free"`
	Unpriced string `yaml:"unpriced"`
	Source   string `yaml:"source"`
	Read     string `yaml:"read"`
	Note     string `yaml:"note"`
}

type rawTable struct {
	Region string              `yaml:"region"`
	Prices map[string]rawPrice `yaml:"prices"`
}

// parseTable reads and checks one table: each figure is exactly one of a
// positive price, free, or unpriced with a reason, and names its source
// and date. Every problem is a diagnostic at the figure's key.
func parseTable(file string, src []byte) (*Table, diag.List) {
	var d diag.List
	raw, ok := readTableFast(src)
	if !ok {
		raw = rawTable{}
		if err := yaml.Unmarshal(src, &raw); err != nil {
			var le *yaml.LoadError
			if errors.As(err, &le) && le.Mark.Line > 0 {
				d.Errorf(diag.Range{File: file, Start: diag.Pos{Line: le.Mark.Line, Column: max(le.Mark.Column, 1)}}, "check the indentation, quotes and brackets", "invalid YAML: %s", le.Message)
				return nil, d
			}
			d.Errorf(diag.Range{File: file}, "see pricing/data/us-east-1.yaml for the form", "invalid price table: %v", err)
			return nil, d
		}
	}
	t := &Table{Region: raw.Region, File: file, Prices: map[string]Price{}}
	// Positions cost a second parse: only a table with a problem pays it.
	var at map[string]diag.Pos
	fail := func(key, msg string) {
		if at == nil {
			at = keyPositions(src)
		}
		d.Errorf(diag.Range{File: file, Start: at[key]}, "", "%s: %s", key, msg)
	}
	for key, r := range raw.Prices {
		p := Price{Key: key, Unit: r.Unit, Free: r.Free, Unpriced: r.Unpriced, Source: r.Source, Read: r.Read, Note: r.Note}
		kinds := 0
		for _, set := range []bool{r.Price != "", r.Free, r.Unpriced != ""} {
			if set {
				kinds++
			}
		}
		switch {
		case kinds != 1:
			fail(key, "needs exactly one of price, free or unpriced")
		case r.Unpriced != "":
		default:
			if r.Source == "" || r.Read == "" || r.Unit == "" {
				fail(key, "a price needs unit, source and read")
			}
			if r.Price != "" {
				v, err := parseFixed(r.Price)
				switch {
				case err != nil:
					fail(key, err.Error())
				case v <= 0:
					fail(key, "price must be positive (write free: true for a free item)")
				}
				p.Rate = Rate(v)
			}
		}
		t.Prices[key] = p
	}
	if d.HasErrors() {
		return nil, d.Sorted()
	}
	return t, nil
}

// readTableFast reads a price table written the way pricing/data's files
// and moat prices refresh write them - "region:", "prices:", two-space
// keys, four-space fields, one scalar a line - in a fraction of the YAML
// library's time, since moat plan loads one for every run. Anything else
// (a flow or block collection, a multi-line or escaped scalar, a tab, a
// duplicate or unknown key, a value the library might read as a number)
// returns false, and the library reads the file
// (TestFastTableReaderMatchesLibrary).
func readTableFast(src []byte) (rawTable, bool) {
	raw := rawTable{Prices: map[string]rawPrice{}}
	for _, c := range src {
		if (c < 0x20 || c > 0x7e) && c != '\n' {
			return raw, false // tabs, control characters, UTF-8: the library
		}
	}
	text := string(src)
	var key string
	var cur *rawPrice
	seen := map[string]bool{}
	inPrices, sawRegion := false, false
	flush := func() {
		if cur != nil {
			raw.Prices[key] = *cur
			cur = nil
		}
	}
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		indent := len(line) - len(trimmed)
		name, value, ok := strings.Cut(trimmed, ":")
		// "a:b" is one plain scalar, not a key and a value.
		if !ok || !plainKey(name) || value != "" && value[0] != ' ' {
			return raw, false
		}
		value = strings.TrimPrefix(value, " ")
		switch {
		case indent == 0 && name == "region" && !sawRegion && !inPrices:
			v, ok := fastScalar(value)
			if !ok {
				return raw, false
			}
			raw.Region, sawRegion = v, true
		case indent == 0 && name == "prices" && value == "" && !inPrices:
			inPrices = true
		case indent == 2 && inPrices && value == "":
			if seen[name] {
				return raw, false
			}
			flush()
			seen[name] = true
			key, cur = name, &rawPrice{}
		case indent == 4 && cur != nil && name == "free":
			if value != "true" || cur.Free {
				return raw, false
			}
			cur.Free = true
		case indent == 4 && cur != nil:
			v, ok := fastScalar(value)
			if !ok {
				return raw, false
			}
			var field *string
			switch name {
			case "price":
				field = &cur.Price
			case "unit":
				field = &cur.Unit
			case "unpriced":
				field = &cur.Unpriced
			case "source":
				field = &cur.Source
			case "read":
				field = &cur.Read
			case "note":
				field = &cur.Note
			default:
				return raw, false
			}
			if *field != "" || v == "" {
				return raw, false
			}
			*field = v
		default:
			return raw, false
		}
	}
	flush()
	if !inPrices || len(raw.Prices) == 0 {
		return raw, false
	}
	return raw, true
}

// plainKey is a key the library reads as itself: letters, digits and
// . / _ - only.
func plainKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
		return false
	}
	return s[0] >= 'a' && s[0] <= 'z'
}

// fastScalar reads a one-line string value: "double" without escapes,
// 'single' with ” for a quote, or plain text that starts with a letter
// and holds neither ": " nor " #" (what would end or split it). A plain
// word the library reads as a boolean or null is left to the library.
func fastScalar(v string) (string, bool) {
	switch {
	case v == "":
		return "", true
	case v[0] == '"':
		inner, ok := strings.CutSuffix(v[1:], "\"")
		if !ok || strings.ContainsAny(inner, "\"\\") {
			return "", false
		}
		return inner, true
	case v[0] == '\'':
		inner, ok := strings.CutSuffix(v[1:], "'")
		// Every quote inside comes in pairs.
		if !ok || strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			return "", false
		}
		return strings.ReplaceAll(inner, "''", "'"), true
	}
	c := v[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') || strings.Contains(v, ": ") || strings.Contains(v, " #") ||
		strings.HasSuffix(v, " ") || strings.HasSuffix(v, ":") {
		return "", false
	}
	switch strings.ToLower(v) {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
		return "", false
	}
	return v, true
}

// keyPositions is where each key under prices: is in src.
func keyPositions(src []byte) map[string]diag.Pos {
	out := map[string]diag.Pos{}
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "prices" {
			continue
		}
		m := top.Content[i+1]
		for j := 0; j+1 < len(m.Content); j += 2 {
			out[m.Content[j].Value] = diag.Pos{Line: m.Content[j].Line, Column: m.Content[j].Column}
		}
	}
	return out
}
