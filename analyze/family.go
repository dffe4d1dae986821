package analyze

import (
	"cmp"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
)

// The exact analysis cuts the header space into equivalence classes: sets
// of packets that every decision of a trace treats alike. A decision tests
// an address against a prefix (a route, a rule, a subnet, an interface's
// address) or a port against a range, so packets whose addresses lie in
// the same prefixes of the network and whose ports lie in the same ranges
// take the same path and meet the same rules. Tracing one packet per
// class answers for every packet: that is what makes an answer a proof
// rather than a sample (docs/reach.md, "Exact answers").
//
// Prefixes form a laminar family (two are either nested or disjoint), so
// an address's class is fixed by the innermost prefix that holds it. Port
// ranges are arbitrary intervals; a port's class is the set of ranges
// that hold it.

// addrFamily is every prefix a trace may test an address against.
type addrFamily struct {
	has    map[netip.Prefix]bool
	sorted []netip.Prefix // by first address, then shortest first
}

func newAddrFamily(ps []netip.Prefix) *addrFamily {
	f := &addrFamily{has: map[netip.Prefix]bool{}}
	for _, p := range ps {
		if !p.IsValid() {
			continue
		}
		p = p.Masked()
		if !f.has[p] {
			f.has[p] = true
			f.sorted = append(f.sorted, p)
		}
	}
	slices.SortFunc(f.sorted, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.Bits(), b.Bits())
	})
	return f
}

// innermost is the longest prefix of the family holding a (invalid when
// none does).
func (f *addrFamily) innermost(a netip.Addr) netip.Prefix {
	for bits := a.BitLen(); bits >= 0; bits-- {
		p, _ := a.Prefix(bits)
		if f.has[p] {
			return p
		}
	}
	return netip.Prefix{}
}

// addrClass is one equivalence class of addresses and the address that
// stands for it in a trace.
type addrClass struct {
	set *netipx.IPSet
	rep netip.Addr
}

// classes cuts s into the classes of the family. rep prefers the given
// addresses (the familiar stand-ins), else takes the class's first.
func (f *addrFamily) classes(s *netipx.IPSet, prefer ...netip.Addr) []addrClass {
	if len(s.Ranges()) == 0 {
		// An end with no address of its own (API Gateway's front door):
		// one class, traced as the end itself.
		return []addrClass{{set: s}}
	}
	groups := map[netip.Prefix]*netipx.IPSetBuilder{}
	var order []netip.Prefix
	for _, r := range s.Ranges() {
		cuts := []netip.Addr{r.From()}
		add := func(a netip.Addr) {
			if a.IsValid() && r.From().Less(a) && !r.To().Less(a) {
				cuts = append(cuts, a)
			}
		}
		// Prefixes holding the range's first address end inside it or
		// after it.
		for bits := r.From().BitLen(); bits >= 0; bits-- {
			p, _ := r.From().Prefix(bits)
			if f.has[p] {
				add(netipx.PrefixLastIP(p).Next())
			}
		}
		// Prefixes that start inside the range.
		i, _ := slices.BinarySearchFunc(f.sorted, r.From(), func(p netip.Prefix, a netip.Addr) int { return p.Addr().Compare(a) })
		for ; i < len(f.sorted) && !r.To().Less(f.sorted[i].Addr()); i++ {
			p := f.sorted[i]
			add(p.Addr())
			add(netipx.PrefixLastIP(p).Next())
		}
		slices.SortFunc(cuts, netip.Addr.Compare)
		cuts = slices.Compact(cuts)
		for j, from := range cuts {
			to := r.To()
			if j+1 < len(cuts) {
				to = cuts[j+1].Prev()
			}
			key := f.innermost(from)
			b := groups[key]
			if b == nil {
				b = &netipx.IPSetBuilder{}
				groups[key] = b
				order = append(order, key)
			}
			b.AddRange(netipx.IPRangeFrom(from, to))
		}
	}
	out := make([]addrClass, 0, len(order))
	for _, k := range order {
		set, _ := groups[k].IPSet()
		c := addrClass{set: set}
		for _, a := range prefer {
			if a.IsValid() && set.Contains(a) {
				c.rep = a
				break
			}
		}
		if !c.rep.IsValid() {
			c.rep = set.Ranges()[0].From()
		}
		out = append(out, c)
	}
	return out
}

// portFamily is every port range a trace may test a port against.
type portFamily struct {
	ranges []model.PortRange
	cuts   []int // sorted first ports of the elementary intervals
}

func newPortFamily(rs []model.PortRange) *portFamily {
	f := &portFamily{}
	seen := map[model.PortRange]bool{}
	for _, r := range rs {
		if r.From < 0 || r.To > 65535 || r.From > r.To || seen[r] {
			continue
		}
		seen[r] = true
		f.ranges = append(f.ranges, r)
		f.cuts = append(f.cuts, r.From, r.To+1)
	}
	slices.SortFunc(f.ranges, func(a, b model.PortRange) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	slices.Sort(f.cuts)
	f.cuts = slices.Compact(f.cuts)
	return f
}

// portClass is one equivalence class of ports and the port standing for it.
type portClass struct {
	set PortSet
	rep int
}

// classes cuts s into the family's classes; rep prefers the given port.
func (f *portFamily) classes(s PortSet, prefer int) []portClass {
	groups := map[string][]model.PortRange{}
	var order []string
	var sig strings.Builder
	for _, r := range s.r {
		cuts := []int{r.From}
		i, _ := slices.BinarySearch(f.cuts, r.From+1)
		for ; i < len(f.cuts) && f.cuts[i] <= r.To; i++ {
			cuts = append(cuts, f.cuts[i])
		}
		for j, from := range cuts {
			to := r.To
			if j+1 < len(cuts) {
				to = cuts[j+1] - 1
			}
			sig.Reset()
			for k, x := range f.ranges {
				if x.From > from {
					break
				}
				if x.To >= from {
					sig.WriteString(string(rune(k + 1)))
				}
			}
			key := sig.String()
			if _, ok := groups[key]; !ok {
				order = append(order, key)
			}
			groups[key] = append(groups[key], model.PortRange{From: from, To: to})
		}
	}
	out := make([]portClass, 0, len(order))
	for _, k := range order {
		set := Ports(groups[k]...)
		c := portClass{set: set, rep: set.Min()}
		if set.Contains(prefer) {
			c.rep = prefer
		}
		out = append(out, c)
	}
	return out
}

// collect gathers every prefix, address and port range the network holds,
// by walking the model's values: whatever a new resource kind adds is
// found without a list to keep up to date.
func collect(v reflect.Value, prefixes *[]netip.Prefix, ports *[]model.PortRange) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collect(v.Elem(), prefixes, ports)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			collect(v.Index(i), prefixes, ports)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			collect(it.Value(), prefixes, ports)
		}
	case reflect.Struct:
		switch x := v.Interface().(type) {
		case netip.Prefix:
			*prefixes = append(*prefixes, x)
			return
		case netip.Addr:
			if x.IsValid() {
				*prefixes = append(*prefixes, netip.PrefixFrom(x, x.BitLen()))
			}
			return
		case model.PortRange:
			*ports = append(*ports, x)
			return
		}
		t := v.Type()
		for i := range v.NumField() {
			fv := v.Field(i)
			if !t.Field(i).IsExported() {
				continue
			}
			if fv.Kind() == reflect.Int && strings.HasSuffix(t.Field(i).Name, "Port") {
				if p := int(fv.Int()); p > 0 {
					*ports = append(*ports, model.Port(p))
				}
				continue
			}
			collect(fv, prefixes, ports)
		}
	}
}

// fixedPrefixes are the ranges the trace's own code tests addresses
// against (isPrivate, the stand-ins, what the internet leaves out).
func fixedPrefixes() []netip.Prefix {
	out := []netip.Prefix{publicStandin, serviceStandin,
		netip.PrefixFrom(InternetIPv4, 32), netip.PrefixFrom(InternetIPv6, 128),
		netip.MustParsePrefix("0.0.0.0/32"), netip.MustParsePrefix("::/128"), netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fe80::/10"), netip.MustParsePrefix("2000::/3"),
		cgnat,
	}
	for _, s := range notInternet4 {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

// fixedPorts are the ports the trace's own code compares against.
var fixedPorts = []model.PortRange{{From: 0, To: 0}, {From: 8, To: 8}, ClientPorts, EphemeralPorts, model.AnyPort}

// families builds the index's cut families once.
func (ix *Index) families() (*addrFamily, *portFamily) {
	ix.famOnce.Do(func() {
		var ps []netip.Prefix
		var rs []model.PortRange
		collect(reflect.ValueOf(ix.n), &ps, &rs)
		ps = append(ps, fixedPrefixes()...)
		for _, d := range ix.devices {
			for _, a := range d.ips {
				ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
			}
			if d.public.IsValid() {
				ps = append(ps, netip.PrefixFrom(d.public, d.public.BitLen()))
			}
		}
		for _, s := range ix.subnetsL {
			for _, a := range []netip.Addr{s.rep, s.rep6} {
				if a.IsValid() {
					ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
				}
			}
		}
		for _, a := range ix.services {
			ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
		}
		for _, g := range ix.sgs {
			for _, rules := range [][]sgRule{g.in, g.out} {
				for _, r := range rules {
					ps = append(ps, r.prefixes...)
				}
			}
		}
		rs = append(rs, fixedPorts...)
		ix.addrFam, ix.portFam = newAddrFamily(ps), newPortFamily(rs)
	})
	return ix.addrFam, ix.portFam
}
