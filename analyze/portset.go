package analyze

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/model"
)

// PortSet is a set of ports (or ICMP types) as sorted, disjoint,
// non-adjacent inclusive ranges. The zero value is the empty set.
type PortSet struct {
	r []model.PortRange
}

// Ports is the set holding the given inclusive ranges.
func Ports(rs ...model.PortRange) PortSet {
	var s PortSet
	for _, r := range rs {
		s = s.Union(PortSet{r: []model.PortRange{r}})
	}
	return s
}

// Client port ranges, from AWS's page on ephemeral ports
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
var (
	// ClientPorts is the range a question assumes a client's port is in
	// when it names none: the Linux kernel's ephemeral range (Amazon
	// Linux, Bottlerocket and Fargate tasks are Linux; AWS's page gives
	// 32768-61000, the kernel's default ip_local_port_range is
	// 32768-60999). An answer holds for every port in it.
	ClientPorts = model.LinuxClientPorts
	// EphemeralPorts is the widest range AWS names: NAT gateways, load
	// balancers and Lambda use 1024-65535.
	EphemeralPorts = model.PortRange{From: 1024, To: 65535}
	// AnySourcePort is what a "never" claim assumes: an attacker picks
	// any port.
	AnySourcePort = model.AnyPort
)

// Ranges returns the set's ranges in order.
func (s PortSet) Ranges() []model.PortRange { return slices.Clone(s.r) }

// IsEmpty reports whether the set holds no port.
func (s PortSet) IsEmpty() bool { return len(s.r) == 0 }

// Contains reports whether p is in the set.
func (s PortSet) Contains(p int) bool {
	for _, r := range s.r {
		if r.Contains(p) {
			return true
		}
	}
	return false
}

// Min is the smallest port in the set (-1 when empty).
func (s PortSet) Min() int {
	if len(s.r) == 0 {
		return -1
	}
	return s.r[0].From
}

// Size is the number of ports in the set.
func (s PortSet) Size() int {
	n := 0
	for _, r := range s.r {
		n += r.To - r.From + 1
	}
	return n
}

// Union returns s ∪ t.
func (s PortSet) Union(t PortSet) PortSet {
	all := append(slices.Clone(s.r), t.r...)
	slices.SortFunc(all, func(a, b model.PortRange) int { return a.From - b.From })
	var out []model.PortRange
	for _, r := range all {
		if n := len(out); n > 0 && r.From <= out[n-1].To+1 {
			out[n-1].To = max(out[n-1].To, r.To)
			continue
		}
		out = append(out, r)
	}
	return PortSet{r: out}
}

// Intersect returns s ∩ t.
func (s PortSet) Intersect(t PortSet) PortSet {
	var out []model.PortRange
	for _, a := range s.r {
		for _, b := range t.r {
			lo, hi := max(a.From, b.From), min(a.To, b.To)
			if lo <= hi {
				out = append(out, model.PortRange{From: lo, To: hi})
			}
		}
	}
	return Ports(out...)
}

// Minus returns s \ t.
func (s PortSet) Minus(t PortSet) PortSet {
	out := slices.Clone(s.r)
	for _, b := range t.r {
		var next []model.PortRange
		for _, a := range out {
			if b.To < a.From || b.From > a.To {
				next = append(next, a)
				continue
			}
			if a.From < b.From {
				next = append(next, model.PortRange{From: a.From, To: b.From - 1})
			}
			if a.To > b.To {
				next = append(next, model.PortRange{From: b.To + 1, To: a.To})
			}
		}
		out = next
	}
	return PortSet{r: out}
}

// Equal reports whether s and t hold the same ports.
func (s PortSet) Equal(t PortSet) bool { return slices.Equal(s.r, t.r) }

// String writes the set as "443", "1024-65535" or "22,80,443".
func (s PortSet) String() string {
	if len(s.r) == 0 {
		return "none"
	}
	parts := make([]string, len(s.r))
	for i, r := range s.r {
		if r.From == r.To {
			parts[i] = strconv.Itoa(r.From)
		} else {
			parts[i] = strconv.Itoa(r.From) + "-" + strconv.Itoa(r.To)
		}
	}
	return strings.Join(parts, ",")
}

// MarshalText writes String's form, so JSON carries the set.
func (s PortSet) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParsePorts reads "443", "8000-8999", "22,80,443" or "all".
func ParsePorts(text string) (PortSet, error) {
	text = strings.TrimSpace(text)
	if text == "all" || text == "any" {
		return Ports(model.AnyPort), nil
	}
	var rs []model.PortRange
	for _, part := range strings.Split(text, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		from, err := strconv.Atoi(lo)
		to := from
		if err == nil && isRange {
			to, err = strconv.Atoi(hi)
		}
		switch {
		case err != nil:
			return PortSet{}, fmt.Errorf("%q is not a port: use 443, 8000-8999, 22,80,443 or all", part)
		case from < 0 || to > 65535 || from > to:
			return PortSet{}, fmt.Errorf("%q is out of range: ports are 0-65535, low to high", part)
		}
		rs = append(rs, model.PortRange{From: from, To: to})
	}
	if len(rs) == 0 {
		return PortSet{}, errors.New("no port given")
	}
	return Ports(rs...), nil
}
