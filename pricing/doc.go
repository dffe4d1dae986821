// Package pricing prices a model.Network: the monthly cost of every
// resource line (hourly parts over a 730-hour month, usage parts from a
// written-down Usage), and the NAT options side by side.
//
// Prices are data, not code: one YAML file per Region under data/,
// embedded at build time, each figure with its unit, the page it was read
// from and the date it was read. A figure moat could not confirm is marked
// unpriced with the reason, and a line that needs it is reported as
// unpriced, never as zero.
//
// Money is fixed point (micro-dollars) so totals never drift the way
// float sums do; lines are rounded to cents and the total is the sum of
// the rounded lines, so a printed report always adds up.
//
// ReadOffer and Refresh (offer.go, refresh.go) bring a table up to date
// from AWS's own Price List: they read bulk offer files or get-products
// output, map rows to moat's keys (KeyOf) and rewrite the table's YAML
// with each figure's SKU, keeping the rest of the file byte for byte.
//
// The package is pure: its inputs besides its arguments are the embedded
// data and, for LoadFile, the table file it is given.
package pricing
