package sni

import "strings"

// Cert is one certificate of a listener: the names it holds (subject and
// subject alternative names). A name is an exact host name
// ("app.example.com") or a wildcard whose whole first label is "*"
// ("*.example.com").
type Cert struct {
	Names []string
}

// Match says how a certificate name covers a host.
type Match int

const (
	// None: the name does not cover the host.
	None Match = iota
	// Wildcard: "*.example.com" covers "a.example.com".
	Wildcard
	// Exact: the name equals the host.
	Exact
)

// normalize lowercases a name and drops one trailing dot: DNS names are
// case-insensitive, and "example.com." is the same name as "example.com".
func normalize(s string) string {
	return strings.TrimSuffix(strings.ToLower(s), ".")
}

// Covers reports how the certificate name covers host. A wildcard covers
// exactly one label in its place, as the TLS name rules (RFC 6125) and ACM
// define it: "*.example.com" covers "a.example.com", but neither
// "a.b.example.com" nor "example.com" itself. A "*" anywhere but as the
// whole first label never matches a different host.
func Covers(name, host string) Match {
	name, host = normalize(name), normalize(host)
	if name == "" || host == "" {
		return None
	}
	if name == host {
		// Also a wildcard listed as a domain: the certificate holds that
		// very name.
		return Exact
	}
	rest, ok := strings.CutPrefix(name, "*.")
	if !ok || strings.Contains(rest, "*") || rest == "" {
		return None
	}
	label, parent, ok := strings.Cut(host, ".")
	if !ok || label == "" || label == "*" || parent != rest {
		return None
	}
	return Wildcard
}

// Select returns the index of the certificate a listener serves for host
// and whether one of them covers it. certs[0] is the listener's default
// certificate: it is served when no certificate covers host (matched is
// then false), and for an empty host (a client that sends no SNI).
//
// Among covering certificates an exact name beats a wildcard. AWS then
// prefers by key type, hash, key length and validity ("smart selection",
// which moat cannot see for certificates it has not issued), so among
// equally good names the earlier certificate in the list wins: the result
// is deterministic and the spec's order decides.
//
// With no certificates Select returns -1, false.
func Select(host string, certs []Cert) (index int, matched bool) {
	if len(certs) == 0 {
		return -1, false
	}
	best, bestMatch := 0, None
	for i, c := range certs {
		for _, n := range c.Names {
			if m := Covers(n, host); m > bestMatch {
				best, bestMatch = i, m
			}
		}
	}
	return best, bestMatch != None
}
