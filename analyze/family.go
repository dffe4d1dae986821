package analyze

import (
	"cmp"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
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
	// bits4 and bits6 are the prefix lengths the family holds, longest
	// first: the only lengths a lookup need try.
	bits4, bits6 []int
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
	for p := range f.has {
		if p.Addr().Is4() {
			f.bits4 = append(f.bits4, p.Bits())
		} else {
			f.bits6 = append(f.bits6, p.Bits())
		}
	}
	for _, b := range []*[]int{&f.bits4, &f.bits6} {
		slices.Sort(*b)
		*b = slices.Compact(*b)
		slices.Reverse(*b)
	}
	return f
}

// lengths is the prefix lengths to try for a, longest first.
func (f *addrFamily) lengths(a netip.Addr) []int {
	if a.Is4() {
		return f.bits4
	}
	return f.bits6
}

// innermost is the longest prefix of the family holding a (invalid when
// none does).
func (f *addrFamily) innermost(a netip.Addr) netip.Prefix {
	for _, bits := range f.lengths(a) {
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

// classesOf cuts s into the classes of the union of the families (still
// a laminar family: every member is a CIDR prefix). rep prefers the given
// addresses, else takes the class's first.
func classesOf(s *netipx.IPSet, prefer []netip.Addr, fams ...*addrFamily) []addrClass {
	if len(s.Ranges()) == 0 {
		// An end with no address of its own (API Gateway's front door):
		// one class, traced as the end itself.
		return []addrClass{{set: s}}
	}
	innermost := func(a netip.Addr) netip.Prefix {
		var best netip.Prefix
		for _, f := range fams {
			if p := f.innermost(a); p.IsValid() && (!best.IsValid() || p.Bits() > best.Bits()) {
				best = p
			}
		}
		return best
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
		for _, f := range fams {
			// Prefixes holding the range's first address end inside it
			// or after it.
			for _, bits := range f.lengths(r.From()) {
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
		}
		slices.SortFunc(cuts, netip.Addr.Compare)
		cuts = slices.Compact(cuts)
		for j, from := range cuts {
			to := r.To()
			if j+1 < len(cuts) {
				to = cuts[j+1].Prev()
			}
			key := innermost(from)
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

// ruleTypes are the model's rule values. Their prefixes and ports are
// not in the index-wide family: a trace records the rule holders it is
// checked against (consulted), and only those cut its class.
var ruleTypes = map[reflect.Type]bool{
	reflect.TypeFor[model.SGRule]():       true,
	reflect.TypeFor[model.NACLEntry]():    true,
	reflect.TypeFor[model.Route]():        true,
	reflect.TypeFor[model.TGWRoute]():     true,
	reflect.TypeFor[model.FirewallRule](): true,
}

// collect gathers every prefix, address and port range the network holds
// outside its rules, by walking the model's values: whatever a new
// resource kind adds is found without a list to keep up to date.
func collect(v reflect.Value, prefixes *[]netip.Prefix, ports *[]model.PortRange) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collect(v.Elem(), prefixes, ports)
		}
	case reflect.Slice, reflect.Array:
		if ruleTypes[v.Type().Elem()] {
			return
		}
		for i := range v.Len() {
			collect(v.Index(i), prefixes, ports)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			collect(it.Value(), prefixes, ports)
		}
	case reflect.Struct:
		if ruleTypes[v.Type()] {
			return
		}
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
		netip.PrefixFrom(InternetIPv4, 32), netip.PrefixFrom(InternetIPv6, 128), netip.PrefixFrom(assumedPublicIP, 32),
		netip.MustParsePrefix("198.19.255.254/32"), // the public IP a subnet host is assumed to hold (newWalker)
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

// families holds the index-wide cut families: every address and prefix
// outside the rules (all, and without the addresses the internet leaves
// out, for classes of the internet), the ports outside the rules, and
// each rule holder's own prefixes and ports.
type families struct {
	all, inet *addrFamily
	ports     []model.PortRange
	holders   map[any]holderFamily
}

type holderFamily struct {
	prefixes []netip.Prefix
	ports    []model.PortRange
}

// families builds the index's cut families once.
func (ix *Index) families() *families {
	ix.famOnce.Do(func() {
		var ps []netip.Prefix
		var rs []model.PortRange
		collect(reflect.ValueOf(ix.n), &ps, &rs)
		ps = append(ps, fixedPrefixes()...)
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
		// The internet's classes need no cut at an address the internet
		// leaves out (a public IP, an interface's IPv6 address): cutting
		// there only sets the address itself apart.
		inet := slices.Clone(ps)
		for _, d := range ix.devices {
			for _, a := range d.ips {
				ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
				if a.Is4() {
					inet = append(inet, netip.PrefixFrom(a, a.BitLen()))
				}
			}
			if d.public.IsValid() {
				ps = append(ps, netip.PrefixFrom(d.public, d.public.BitLen()))
			}
		}
		f := &families{all: newAddrFamily(ps), inet: newAddrFamily(inet), ports: append(rs, fixedPorts...), holders: map[any]holderFamily{}}
		for _, g := range ix.sgs {
			var h holderFamily
			for _, rs := range [][]rules.Rule{g.In, g.Out} {
				for _, r := range rs {
					if r.Rule.Peer.Kind == model.PeerCIDR {
						h.prefixes = append(h.prefixes, r.Rule.Peer.CIDR)
					}
					h.prefixes = append(h.prefixes, r.Prefixes...)
					h.ports = append(h.ports, r.Cuts()...)
				}
			}
			f.holders[g] = h
		}
		for _, a := range ix.nacls {
			var h holderFamily
			for _, es := range [][]rules.Entry{a.In, a.Out} {
				for _, e := range es {
					h.prefixes = append(h.prefixes, e.Rule.CIDR)
					h.ports = append(h.ports, e.Cuts()...)
				}
			}
			f.holders[a] = h
		}
		for _, rt := range ix.rts {
			var h holderFamily
			for _, e := range rt.Routes {
				h.prefixes = append(h.prefixes, e.Dest)
			}
			f.holders[rt] = h
		}
		for _, rt := range ix.tgwRTs {
			var h holderFamily
			for _, r := range rt.Routes {
				h.prefixes = append(h.prefixes, r.Dest)
			}
			f.holders[rt] = h
		}
		for _, fw := range ix.firewalls {
			var h holderFamily
			for _, r := range ix.fwRules[fw.Addr].Rules {
				h.prefixes = append(h.prefixes, r.Rule.Dest)
				h.ports = append(h.ports, r.Cuts()...)
			}
			f.holders[fw] = h
		}
		for _, lb := range ix.lbs {
			var h holderFamily
			for _, l := range lb.lb.Listeners {
				h.ports = append(h.ports, model.Port(l.Port))
			}
			f.holders[lb] = h
		}
		ix.fam = f
	})
	return ix.fam
}

// consulted is what one trace was checked against: the rule holders whose
// prefixes and ports may have decided its path. A nil *consulted records
// nothing (a plain Trace).
type consulted struct {
	holders []any
}

func (c *consulted) add(h any) {
	if c != nil && !slices.Contains(c.holders, h) {
		c.holders = append(c.holders, h)
	}
}

// device records the security groups of d.
func (c *consulted) device(d *device) {
	if c == nil || d == nil {
		return
	}
	for _, g := range d.sgs {
		c.add(g)
	}
}

func (c *consulted) nacl(a *rules.ACL) {
	if a != nil {
		c.add(a)
	}
}

func (c *consulted) routes(rt *rules.Table) {
	if rt != nil {
		c.add(rt)
	}
}

func (c *consulted) tgw(rt *rules.TGWTable) {
	if rt != nil {
		c.add(rt)
	}
}

func (c *consulted) firewall(fw *model.Firewall) {
	if fw != nil {
		c.add(fw)
	}
}

func (c *consulted) listeners(lb *lbInfo) {
	if lb != nil {
		c.add(lb)
	}
}

// key names the set of holders consulted, for comparing two traces'.
func (c *consulted) key() string { return fmt.Sprint(c.holders) }

// localFamily is the cut family of what one trace consulted.
type localFamily struct {
	addr *addrFamily
	port *portFamily
}

// local is the cut family of what c consulted; cache keeps the families
// of holder sets already seen in one question.
func (c *consulted) local(f *families, cache map[string]localFamily) (*addrFamily, *portFamily) {
	key := c.key()
	if l, ok := cache[key]; ok {
		return l.addr, l.port
	}
	var ps []netip.Prefix
	rs := slices.Clone(f.ports)
	for _, h := range c.holders {
		hf := f.holders[h]
		ps = append(ps, hf.prefixes...)
		rs = append(rs, hf.ports...)
	}
	l := localFamily{newAddrFamily(ps), newPortFamily(rs)}
	cache[key] = l
	return l.addr, l.port
}
