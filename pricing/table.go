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
	var raw rawTable
	if err := yaml.Unmarshal(src, &raw); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) && le.Mark.Line > 0 {
			d.Errorf(diag.Range{File: file, Start: diag.Pos{Line: le.Mark.Line, Column: max(le.Mark.Column, 1)}}, "check the indentation, quotes and brackets", "invalid YAML: %s", le.Message)
			return nil, d
		}
		d.Errorf(diag.Range{File: file}, "see pricing/data/us-east-1.yaml for the form", "invalid price table: %v", err)
		return nil, d
	}
	at := keyPositions(src)
	t := &Table{Region: raw.Region, File: file, Prices: map[string]Price{}}
	fail := func(key, msg string) {
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
