package pricing

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

func readOfferFile(t *testing.T, path string) *Offer {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, d := ReadOffer(path, src)
	if len(d) > 0 {
		t.Fatalf("read %s: %v", path, d)
	}
	return o
}

// TestKeyOf: which Price List rows price which moat keys, in both forms
// AWS publishes (the fixtures are synthetic: real shapes, made-up SKUs
// and prices).
func TestKeyOf(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string // SKU=key for every row that maps, in SKU order
	}{
		{"testdata/offer-bulk-synthetic.json", []string{
			"TESTSKU0000000001=rds/mariadb/db.t4g.micro",
			"TESTSKU0000000002=rds/mariadb/db.t4g.micro/multi-az",
			"TESTSKU0000000003=rds/postgres/db.t4g.medium",
			// 4: Oracle is not an engine moat designs; 5: another Region;
			// 6: Multi-AZ with readable standbys is a cluster, not moat's Multi-AZ.
		}},
		{"testdata/get-products-synthetic.json", []string{
			"TESTSKU0000000101=ec2/t4g.nano",
			// 102: dedicated tenancy; 103: Windows.
			"TESTSKU0000000104=nat_gateway_hour",
			"TESTSKU0000000105=regional_nat_gateway_gb",
			"TESTSKU0000000106=ec2/t4g.small",
			"TESTSKU0000000107=ec2/t4g.small",
			"TESTSKU0000000108=fargate_arm_vcpu_hour",
			"TESTSKU0000000109=fargate_arm_gb_hour",
			// 110: Windows; 111: ephemeral storage.
			"TESTSKU0000000112=fargate_vcpu_hour",
		}},
	} {
		o := readOfferFile(t, c.file)
		var got []string
		for _, r := range o.Rows {
			if k := KeyOf(r, "us-east-1"); k != "" {
				got = append(got, r.SKU+"="+k)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.file, got, c.want)
		}
	}
	if _, d := ReadOffer("o.json", []byte(`{"hello": 1}`)); len(d) != 1 || !strings.Contains(d[0].Summary, "no prices found") || d[0].Hint == "" {
		t.Errorf("a JSON file that is no offer: %+v", d)
	}
	if _, d := ReadOffer("o.json", []byte("{\n  \"products\": ")); len(d) != 1 || !strings.Contains(d[0].Summary, "not AWS Price List JSON") || d[0].Range.String() != "o.json:2:14" {
		t.Errorf("truncated JSON: %+v", d)
	}
	if _, d := ReadOffer("o.json", []byte("{\"products\": {\"A\": {\"sku\": 7}}}")); len(d) != 1 || d[0].Range.String() != "o.json:1:28" {
		t.Errorf("a number where the SKU goes: %+v", d)
	}
}

// TestRefresh: the offers' figures replace the table's entries for the
// keys they price (new, changed or the same), a key two rows price
// differently is left alone, and the rest of the file is kept byte for
// byte.
func TestRefresh(t *testing.T) {
	src := []byte(`# A table for the test.
region: us-east-1
prices:
  # moat's prod default
  rds/postgres/db.t4g.medium:
    price: "0.065"
    unit: instance-hour
    source: https://example.com/old
    read: "2026-11-22"
  rds/mariadb/db.t4g.micro:
    unpriced: 'could not be confirmed on 2026-12-03: no source'
    note: 'searched everywhere'
  rds/mariadb/db.t4g.micro/multi-az:
    unpriced: 'could not be confirmed on 2026-12-03: no source'
  ec2/t4g.nano:
    price: "0.004"
    unit: hour
    source: https://example.com/old
    read: "2026-11-22"
  ec2/t4g.small:
    price: "0.0168"
    unit: hour
    source: https://example.com/old
    read: "2026-11-22"
  nat_gateway_hour:
    price: "0.045"
    unit: hour
    source: https://example.com/kept
    read: "2026-11-22"
    note: 'kept: the offers do not price it differently'
  efs_standard_gb_month:
    price: "0.30"
    unit: GB-month
    source: https://example.com/untouched
    read: "2026-11-22"
`)
	offers := []*Offer{readOfferFile(t, "testdata/offer-bulk-synthetic.json"), readOfferFile(t, "testdata/get-products-synthetic.json")}
	changes, out, ds := Refresh("t.yaml", src, offers, "2099-01-02")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.Key+" "+c.Status+" "+c.New)
	}
	want := []string{
		"ec2/t4g.nano changed 0.0042",
		"ec2/t4g.small conflict ",
		"nat_gateway_hour same 0.045",
		"rds/mariadb/db.t4g.micro new 0.0123",
		"rds/mariadb/db.t4g.micro/multi-az new 0.0246",
		"rds/postgres/db.t4g.medium same 0.065",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes\n got %q\nwant %q", got, want)
	}
	tb := mustTable(t, "t.yaml", out)
	m := tb.Lookup("rds/mariadb/db.t4g.micro")
	if m.Rate.String() != "$0.0123" || m.Unit != "instance-hour" || m.Read != "2099-01-02" ||
		m.Source != "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/20990101000000/us-east-1/index.json" ||
		!strings.Contains(m.Note, "SKU TESTSKU0000000001") || !strings.Contains(m.Note, "databaseEngine MariaDB") {
		t.Errorf("refreshed entry %+v", m)
	}
	if n := tb.Lookup("ec2/t4g.nano"); !strings.Contains(n.Source, "aws pricing get-products --service-code AmazonEC2") {
		t.Errorf("get-products source %q", n.Source)
	}
	if s := tb.Lookup("ec2/t4g.small"); s.Source != "https://example.com/old" || s.Rate.String() != "$0.0168" {
		t.Errorf("a conflict was written: %+v", s)
	}
	for _, kept := range []string{"# A table for the test.\n", "  # moat's prod default\n", "  efs_standard_gb_month:\n    price: \"0.30\"\n    unit: GB-month\n    source: https://example.com/untouched\n    read: \"2026-11-22\"\n"} {
		if !bytes.Contains(out, []byte(kept)) {
			t.Errorf("lost %q:\n%s", kept, out)
		}
	}
	// Nothing to change: the same bytes back.
	_, again, ds := Refresh("t.yaml", src, nil, "2099-01-02")
	if ds.HasErrors() || !bytes.Equal(again, src) {
		t.Errorf("a refresh with no offers rewrote the table (%v):\n%s", ds, again)
	}
}

// TestRefreshKeepsTheRealTables: every shipped table round-trips byte
// for byte when no offer changes it, so a refresh's diff shows only the
// keys it set.
func TestRefreshKeepsTheRealTables(t *testing.T) {
	for _, r := range Regions() {
		src, err := dataFS.ReadFile("data/" + r + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		_, out, ds := Refresh(r+".yaml", src, nil, "2099-01-02")
		if ds.HasErrors() || !bytes.Equal(out, src) {
			t.Errorf("%s does not round-trip (%v)", r, ds)
		}
	}
}

func TestTrimPrice(t *testing.T) {
	for in, want := range map[string]string{"0.0160000000": "0.016", "0.4000000000": "0.40", "1.0000000000": "1.00", "2": "2", "0.0000125000": "0.0000125"} {
		if got := trimPrice(in); got != want {
			t.Errorf("trimPrice(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadOffer: any input is read or refused with an error, never a
// panic, and every row it reads maps to a key or to none.
func FuzzReadOffer(f *testing.F) {
	for _, p := range []string{"testdata/offer-bulk-synthetic.json", "testdata/get-products-synthetic.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"PriceList": ["{\"product\": 1}"]}`))
	f.Add([]byte(`{"products": {"A": {"sku": "A"}}, "terms": {"OnDemand": {"A": {"A.B": {"priceDimensions": {"x": {"pricePerUnit": {"USD": "-1"}}}}}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, d := ReadOffer("f.json", b)
		if d != nil {
			return
		}
		for _, r := range o.Rows {
			_ = KeyOf(r, "us-east-1")
		}
	})
}

// A table that is not a price table is a diagnostic at its place in the
// file, so moat prices refresh shows it with a caret like every reader.
func TestRefreshPlacesTableProblems(t *testing.T) {
	src := []byte("region: us-east-1\nprices:\n  nat-gateway-hour: [\n")
	_, out, ds := Refresh("t.yaml", src, nil, "2099-01-02")
	if out != nil || !ds.HasErrors() {
		t.Fatalf("Refresh of a broken table = %q, %v; want no table and an error", out, ds)
	}
	if r := ds[0].Range; r.File != "t.yaml" || r.Start.Line == 0 {
		t.Errorf("problem at %s, want a line in t.yaml", r)
	}
}
