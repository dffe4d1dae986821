package pricing

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
)

// offerHint is what a file that is no price list should have been.
const offerHint = "give a bulk offer file (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json) or aws pricing get-products output, saved unchanged"

// OfferRow is one on-demand price of an AWS Price List offer: a product
// (SKU, family, attributes) and its first price dimension.
type OfferRow struct {
	SKU        string
	Service    string // offer code: AmazonRDS, AmazonEC2, ...
	Family     string // productFamily
	Attributes map[string]string
	Unit       string // Hrs, GB-Mo, ...
	USD        string // as the offer writes it: "0.0160000000"
	// Tiered is set when the product has more than one price dimension
	// (volume tiers); USD is then the first tier's.
	Tiered      bool
	Description string
}

// Offer is what ReadOffer read: its rows and, for a bulk offer file, the
// offer code and version its URL is made of.
type Offer struct {
	Service, Version string
	Rows             []OfferRow
}

// offerProduct and offerTerm are the Price List's JSON shapes, shared by
// the bulk offer files (products and terms keyed by SKU) and by the
// records of `aws pricing get-products` (one product with its terms).
type offerProduct struct {
	SKU           string            `json:"sku"`
	ProductFamily string            `json:"productFamily"`
	Attributes    map[string]string `json:"attributes"`
}

type offerTerm struct {
	PriceDimensions map[string]struct {
		Unit         string            `json:"unit"`
		Description  string            `json:"description"`
		BeginRange   string            `json:"beginRange"`
		PricePerUnit map[string]string `json:"pricePerUnit"`
	} `json:"priceDimensions"`
}

// ReadOffer reads AWS Price List prices in either form AWS publishes
// them: a bulk offer file (https://pricing.us-east-1.amazonaws.com/offers/
// v1.0/aws/<service>/<version>/<region>/index.json) or the output of
// `aws pricing get-products` ({"PriceList": ["<record>", ...]}). Only
// on-demand terms are read. A file that is neither is an error at
// file:line:column with a hint.
func ReadOffer(file string, src []byte) (*Offer, diag.List) {
	var top struct {
		OfferCode string                                     `json:"offerCode"`
		Version   string                                     `json:"version"`
		Products  map[string]offerProduct                    `json:"products"`
		Terms     map[string]map[string]map[string]offerTerm `json:"terms"`
		PriceList []json.RawMessage                          `json:"PriceList"`
	}
	if err := json.Unmarshal(src, &top); err != nil {
		d := diag.JSONError(file, src, err, offerHint)
		d.Summary = "not AWS Price List JSON: " + strings.TrimPrefix(d.Summary, "invalid JSON: ")
		return nil, diag.List{d}
	}
	o := &Offer{Service: top.OfferCode, Version: top.Version}
	switch {
	case len(top.Products) > 0:
		for sku, p := range top.Products {
			if row, ok := rowOf(top.OfferCode, p, top.Terms["OnDemand"][sku]); ok {
				o.Rows = append(o.Rows, row)
			}
		}
	case len(top.PriceList) > 0:
		for i, raw := range top.PriceList {
			// The CLI gives each record as a JSON string; the API as an object.
			var text string
			if json.Unmarshal(raw, &text) == nil {
				raw = json.RawMessage(text)
			}
			var rec struct {
				ServiceCode string       `json:"serviceCode"`
				Product     offerProduct `json:"product"`
				Terms       struct {
					OnDemand map[string]offerTerm `json:"OnDemand"`
				} `json:"terms"`
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				return nil, diag.List{{Severity: diag.Error, Summary: fmt.Sprintf("PriceList record %d is not a price-list product: %v", i+1, err),
					Hint: offerHint, Range: diag.Range{File: file, Start: diag.PosAt(src, 0)}}}
			}
			if o.Service == "" {
				o.Service = rec.ServiceCode
			}
			if row, ok := rowOf(rec.ServiceCode, rec.Product, rec.Terms.OnDemand); ok {
				o.Rows = append(o.Rows, row)
			}
		}
	default:
		return nil, diag.List{{Severity: diag.Error, Summary: `no prices found: the file has neither "products" (a bulk offer file) nor "PriceList" (get-products output)`,
			Hint: offerHint, Range: diag.Range{File: file, Start: diag.PosAt(src, 0)}}}
	}
	slices.SortFunc(o.Rows, func(a, b OfferRow) int { return strings.Compare(a.SKU, b.SKU) })
	return o, nil
}

// rowOf is a product's on-demand row, when it has one in USD.
func rowOf(service string, p offerProduct, terms map[string]offerTerm) (OfferRow, bool) {
	row := OfferRow{SKU: p.SKU, Service: service, Family: p.ProductFamily, Attributes: p.Attributes}
	if row.Service == "" {
		row.Service = p.Attributes["servicecode"]
	}
	// One on-demand term per product; its dimensions are volume tiers.
	termKeys := make([]string, 0, len(terms))
	for k := range terms {
		termKeys = append(termKeys, k)
	}
	slices.Sort(termKeys)
	for _, tk := range termKeys {
		dims := terms[tk].PriceDimensions
		dimKeys := make([]string, 0, len(dims))
		for k := range dims {
			dimKeys = append(dimKeys, k)
		}
		slices.Sort(dimKeys)
		for _, dk := range dimKeys {
			d := dims[dk]
			usd, ok := d.PricePerUnit["USD"]
			if !ok || (d.BeginRange != "" && d.BeginRange != "0") {
				continue
			}
			row.Unit, row.USD, row.Description, row.Tiered = d.Unit, usd, d.Description, len(dims) > 1
			return row, true
		}
	}
	return row, false
}

// rdsEngines maps the Price List's databaseEngine to moat's engine names.
var rdsEngines = map[string]string{"PostgreSQL": "postgres", "MySQL": "mysql", "MariaDB": "mariadb"}

// KeyOf is the moat price key a row prices in region, or "" when the row
// is none of the figures moat reads from offer files: RDS instance hours
// (Single-AZ and Multi-AZ), Linux EC2 instance hours on shared tenancy,
// zonal and regional NAT gateway hours and GB, and Linux Fargate vCPU and
// GB hours by architecture.
func KeyOf(row OfferRow, region string) string {
	a := row.Attributes
	if a["regionCode"] != region {
		return ""
	}
	switch {
	case row.Service == "AmazonRDS" && row.Family == "Database Instance" && row.Unit == "Hrs":
		engine, ok := rdsEngines[a["databaseEngine"]]
		if !ok || a["instanceType"] == "" {
			return ""
		}
		switch a["deploymentOption"] {
		case "Single-AZ":
			return "rds/" + engine + "/" + a["instanceType"]
		case "Multi-AZ":
			return "rds/" + engine + "/" + a["instanceType"] + "/multi-az"
		}
	case row.Service == "AmazonEC2" && row.Family == "Compute Instance" && row.Unit == "Hrs":
		if a["operatingSystem"] == "Linux" && a["tenancy"] == "Shared" && a["preInstalledSw"] == "NA" &&
			a["capacitystatus"] == "Used" && a["instanceType"] != "" && !strings.Contains(a["licenseModel"], "Bring") {
			return "ec2/" + a["instanceType"]
		}
	case row.Service == "AmazonECS" && row.Family == "Compute":
		// Linux Fargate by architecture; Windows and ephemeral storage
		// are other usage types. The Region prefix (USE1-, EU-) goes.
		u := a["usagetype"]
		if i := strings.Index(u, "Fargate-"); i > 0 && u[i-1] == '-' {
			u = u[i:]
		}
		switch u {
		case "Fargate-vCPU-Hours:perCPU":
			return "fargate_vcpu_hour"
		case "Fargate-GB-Hours":
			return "fargate_gb_hour"
		case "Fargate-ARM-vCPU-Hours:perCPU":
			return "fargate_arm_vcpu_hour"
		case "Fargate-ARM-GB-Hours":
			return "fargate_arm_gb_hour"
		}
	case row.Service == "AmazonEC2" && row.Family == "NAT Gateway":
		u := a["usagetype"]
		regional := strings.Contains(u, "RegionalNatGateway")
		switch {
		case strings.HasSuffix(u, "NatGateway-Hours") && regional:
			return "regional_nat_gateway_hour"
		case strings.HasSuffix(u, "NatGateway-Bytes") && regional:
			return "regional_nat_gateway_gb"
		case strings.HasSuffix(u, "NatGateway-Hours"):
			return "nat_gateway_hour"
		case strings.HasSuffix(u, "NatGateway-Bytes"):
			return "nat_gateway_gb"
		}
	}
	return ""
}
