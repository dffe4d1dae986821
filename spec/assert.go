package spec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// Assertion is one line of the assert section: a flow that must never (or
// must always) be possible, checked by moat verify. The endpoints are not
// resolved here: what "db" or "sg/db" names depends on the compiled
// network, so verify reports unknown names at Range.
type Assertion struct {
	Never    bool
	From, To string
	// Proto is TCP, UDP or ICMP; Port 0 means "any port the destination
	// opens" for never, and "the destination's own port" for always.
	Proto model.Protocol
	Port  int
	Text  string // as written
	Range diag.Range
}

var assertKeys = []string{"never", "always"}

// asserts reads
//
//	assert:
//	  never: ["internet -> db", "internet -> service:8080"]
//	  always: ["service -> s3:443"]
//
// Each item is "FROM -> TO", TO optionally followed by :PORT and /PROTO
// (db:5432, dns:53/udp, bastion/icmp).
func (p *parser) asserts(sec field) {
	if !sec.present() {
		return
	}
	f, order := p.fields("assert", sec, assertKeys)
	for _, k := range order {
		path := "assert." + k
		items, ok := p.list(path, f[k].val, "flows such as \"internet -> db\"")
		if !ok {
			continue
		}
		for i, n := range items {
			if n == nil {
				continue
			}
			ip := index(path, i)
			s, ok := p.str(ip, n)
			if !ok {
				continue
			}
			a, ds := ParseAssertion(s, p.rng(n))
			if ds.HasErrors() {
				for _, d := range ds {
					// The summary leads with the spec path, as every
					// other problem in a stack file does.
					d.Summary = ip + ": " + d.Summary
					p.diags = append(p.diags, d)
				}
				continue
			}
			a.Never = k == "never"
			p.st.Assert = append(p.st.Assert, a)
		}
	}
}

// assertionHint is how to write an assertion.
const assertionHint = `write FROM -> TO[:PORT][/PROTO], e.g. "internet -> db" or "service -> s3:443"`

// ParseAssertion reads "FROM -> TO[:PORT][/PROTO]" written at at, the
// place of the text in its file (the zero Range when it has none). The
// assertion keeps at as its Range, so a failed one is shown there; a
// malformed one is an error at at with a hint.
func ParseAssertion(s string, at diag.Range) (Assertion, diag.List) {
	a, err := parseAssertion(s)
	a.Range = at
	if err != nil {
		var ds diag.List
		ds.Errorf(at, assertionHint, "%v", err)
		return a, ds
	}
	return a, nil
}

func parseAssertion(s string) (Assertion, error) {
	a := Assertion{Text: s, Proto: model.TCP}
	from, to, ok := strings.Cut(s, "->")
	if !ok {
		return a, fmt.Errorf("%q has no ->", s)
	}
	a.From, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if a.From == "" || to == "" {
		return a, fmt.Errorf("%q needs a source and a destination", s)
	}
	if strings.ContainsAny(a.From, " \t") {
		return a, fmt.Errorf("source %q has a space", a.From)
	}
	if i := strings.LastIndexByte(to, '/'); i >= 0 {
		taken := false
		switch p, _ := model.ParseProtocol(to[i+1:]); p {
		case model.TCP, model.UDP, model.ICMP:
			if to[i+1:] == p.String() {
				a.Proto, to, taken = p, to[:i], true
			}
		}
		// PORT/PROTO with a protocol moat does not take: say so, rather
		// than read the protocol as part of the port.
		if j := strings.LastIndexByte(to, ':'); !taken && j >= 0 && j < i && isDigits(to[j+1:i]) {
			return a, fmt.Errorf("protocol %q: use tcp, udp or icmp", to[i+1:])
		}
	}
	if i := strings.LastIndexByte(to, ':'); i >= 0 && !strings.Contains(to[:i], ":") {
		n, err := strconv.Atoi(to[i+1:])
		if err != nil || n < 1 || n > 65535 {
			return a, fmt.Errorf("port %q is not a number from 1 to 65535", to[i+1:])
		}
		a.Port, to = n, to[:i]
	}
	if to == "" || strings.ContainsAny(to, " \t") {
		return a, fmt.Errorf("destination %q is not one name", to)
	}
	a.To = to
	return a, nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
