package spec

import (
	"fmt"
	"net/netip"

	"go.yaml.in/yaml/v4"
)

// privateRanges are where a VPC's IPv4 CIDR may come from: RFC 1918 and
// the shared address space of RFC 6598, as AWS recommends.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

// ipv6Documentation is RFC 3849's IPv6 documentation prefix. A dual-stack
// design stands in 2001:db8::/56 for the VPC's Amazon-provided block until
// AWS assigns it, so a user range inside it would be confused with the
// VPC's own and cannot be written into a template.
var ipv6Documentation = netip.MustParsePrefix("2001:db8::/32")

// AWS allows VPC and subnet IPv4 CIDRs from /16 to /28.
const minBits, maxBits = 16, 28

// prefix reads a CIDR. It reports syntax errors and host bits; on host
// bits it still returns the masked prefix so later checks can run.
func (p *parser) prefix(path string, n *yaml.Node) (netip.Prefix, bool) {
	s, ok := p.str(path, n)
	if !ok {
		return netip.Prefix{}, false
	}
	pf, err := netip.ParsePrefix(s)
	if err != nil {
		if a, aerr := netip.ParseAddr(s); aerr == nil && a.Zone() == "" {
			p.errorf(n, fmt.Sprintf("add a prefix length, e.g. %s/%d", a, a.BitLen()), "%s %q is an address, not a CIDR", path, s)
		} else {
			p.errorf(n, "write an address and a prefix length, e.g. 10.0.0.0/16", "%s %q is not a valid CIDR", path, s)
		}
		return netip.Prefix{}, false
	}
	if pf.Addr().Is4In6() {
		p.errorf(n, "write the IPv4 form, e.g. 10.0.0.0/16", "%s %q is an IPv4-mapped IPv6 CIDR", path, s)
		return netip.Prefix{}, false
	}
	if m := pf.Masked(); m != pf {
		p.errorf(n, fmt.Sprintf("did you mean %s? The address must be the first of its range", m), "%s %s has host bits set", path, s)
		return m, true
	}
	return pf, true
}

// subnetPrefix reads an IPv4 CIDR of a size AWS allows for a VPC or subnet.
func (p *parser) subnetPrefix(path string, n *yaml.Node) (netip.Prefix, bool) {
	pf, ok := p.prefix(path, n)
	if !ok {
		return pf, false
	}
	if !pf.Addr().Is4() {
		p.errorf(n, "write an IPv4 CIDR; AWS assigns IPv6 ranges itself when network.ipv6 is true", "%s %s is not IPv4", path, pf)
		return netip.Prefix{}, false
	}
	if pf.Bits() < minBits || pf.Bits() > maxBits {
		p.errorf(n, fmt.Sprintf("AWS allows prefix lengths /%d to /%d", minBits, maxBits), "%s %s has a prefix length outside /%d../%d", path, pf, minBits, maxBits)
		return pf, false
	}
	return pf, true
}

// isPrivate reports whether pf lies wholly inside one of privateRanges.
func isPrivate(pf netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Contains(pf.Addr()) && pf.Bits() >= r.Bits() {
			return true
		}
	}
	return false
}

// containsPrefix reports whether outer holds all of inner.
func containsPrefix(outer, inner netip.Prefix) bool {
	return outer.Contains(inner.Addr()) && inner.Bits() >= outer.Bits()
}

// prefixList reads a list of CIDRs of either family, returning each
// valid one with its path and node.
func (p *parser) prefixList(path string, n *yaml.Node) []placed {
	items, ok := p.list(path, n, "CIDRs")
	if !ok {
		return nil
	}
	var out []placed
	seen := map[netip.Prefix]bool{}
	for i, item := range items {
		if item == nil {
			continue
		}
		ip := index(path, i)
		pf, ok := p.prefix(ip, item)
		if !ok {
			continue
		}
		if seen[pf] {
			p.errorf(item, "remove the repeated entry", "%s repeats %s", ip, pf)
			continue
		}
		if containsPrefix(ipv6Documentation, pf) {
			p.errorf(item, "write the clients' real range: moat uses 2001:db8::/56 to stand in for the VPC's IPv6 block until AWS assigns it",
				"%s %s is in the IPv6 documentation range %s (RFC 3849)", ip, pf, ipv6Documentation)
			continue
		}
		seen[pf] = true
		out = append(out, placed{ip, pf, item})
	}
	return out
}

// prefixes returns the CIDRs of placed values.
func prefixes(ps []placed) []netip.Prefix {
	var out []netip.Prefix
	for _, x := range ps {
		out = append(out, x.pf)
	}
	return out
}
