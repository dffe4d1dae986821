package pricing

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Money is an amount in US micro-dollars (1e-6 USD). Fixed point keeps
// sums exact; a float would drift.
type Money int64

// Dollars returns m as a decimal string rounded to cents, e.g. "12.34".
func (m Money) Dollars() string { return formatFixed(int64(m.roundCents()), 6, 2) }

// String formats m as "$12.34".
func (m Money) String() string {
	if m < 0 {
		return "-$" + (-m).Dollars()
	}
	return "$" + m.Dollars()
}

// MarshalText writes the amount in dollars, rounded to cents.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.Dollars()), nil }

// roundCents rounds half away from zero to a whole cent (10,000 micros).
func (m Money) roundCents() Money {
	const cent = 10_000
	if m < 0 {
		return -(-m).roundCents()
	}
	return (m + cent/2) / cent * cent
}

// Rate is a unit price in micro-dollars, shown with as many decimals as
// it needs ("$0.0042/h").
type Rate int64

func (r Rate) String() string { return "$" + trimZeros(formatFixed(int64(r), 6, 6), 2) }

// MarshalText writes the rate in dollars with all its decimals.
func (r Rate) MarshalText() ([]byte, error) {
	return []byte(trimZeros(formatFixed(int64(r), 6, 6), 2)), nil
}

// Qty is a quantity in micro-units (1e-6): hours, GB, requests in
// millions. Usage such as "0.25 vCPU" needs fractions.
type Qty int64

// Units converts a whole count to a Qty.
func Units(n int64) Qty { return Qty(n * 1_000_000) }

func (q Qty) String() string { return trimZeros(formatFixed(int64(q), 6, 3), 0) }

// MarshalText writes the quantity as a decimal.
func (q Qty) MarshalText() ([]byte, error) {
	return []byte(trimZeros(formatFixed(int64(q), 6, 6), 0)), nil
}

// mul returns a*b/1e6 for two fixed-point numbers with six decimals,
// rounded half up, computed in big integers so no input can overflow.
// ok is false when the result does not fit an int64.
func mul(a, b int64) (int64, bool) {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	half := big.NewInt(500_000)
	if p.Sign() < 0 {
		half.Neg(half)
	}
	p.Add(p, half)
	p.Quo(p, big.NewInt(1_000_000))
	if !p.IsInt64() {
		return 0, false
	}
	return p.Int64(), true
}

// cost returns q × r rounded to a cent.
func cost(q Qty, r Rate) (Money, bool) {
	v, ok := mul(int64(q), int64(r))
	return Money(v).roundCents(), ok
}

// scale multiplies two quantities (e.g. tasks × vCPU × hours).
func (q Qty) times(o Qty) Qty {
	v, ok := mul(int64(q), int64(o))
	if !ok {
		return Qty(maxQty)
	}
	return Qty(v)
}

// div splits q into n equal parts (n > 0).
func (q Qty) div(n int) Qty {
	if n <= 0 {
		return 0
	}
	return q / Qty(n)
}

// maxQty bounds usage values so every product stays inside int64 through
// big-integer checks: a trillion units.
const maxQty = 1_000_000_000_000 * 1_000_000

// parseFixed reads a non-negative decimal such as "0.0042" or "100" into
// a six-decimal fixed-point integer, exactly (no float parsing).
func parseFixed(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%q is not a non-negative decimal number", s)
			}
		}
	}
	if len(frac) > 6 {
		return 0, fmt.Errorf("%q has more than 6 decimals", s)
	}
	if len(whole) > 12 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", s, err)
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	return w*1_000_000 + f, nil
}

// formatFixed formats v (with scale decimals) rounded to keep decimals.
func formatFixed(v int64, scale, keep int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	div := int64(1)
	for range scale - keep {
		div *= 10
	}
	v = (v + div/2) / div
	unit := int64(1)
	for range keep {
		unit *= 10
	}
	s := strconv.FormatInt(v/unit, 10)
	if keep > 0 {
		s += "." + fmt.Sprintf("%0*d", keep, v%unit)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// trimZeros drops trailing fractional zeros but keeps at least min
// decimals.
func trimZeros(s string, min int) string {
	whole, frac, ok := strings.Cut(s, ".")
	if !ok {
		return s
	}
	for len(frac) > min && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
