package model

import "testing"

func TestDomainMatch(t *testing.T) {
	domains := []string{".example.com", "api.binance.com"}
	cases := []struct {
		host, want string
		ok         bool
	}{
		{"example.com", ".example.com", true},     // the wildcard covers its apex
		{"www.example.com", ".example.com", true}, // and every name under it
		{"a.b.example.com", ".example.com", true},
		{"WWW.Example.COM.", ".example.com", true}, // case and trailing dot
		{"badexample.com", "", false},              // a suffix that is not a label
		{"api.binance.com", "api.binance.com", true},
		{"www.api.binance.com", "", false}, // an explicit name covers only itself
		{"binance.com", "", false},
		{"", "", false}, // no host: address rules only
	}
	for _, c := range cases {
		got, ok := DomainMatch(domains, c.host)
		if got != c.want || ok != c.ok {
			t.Errorf("DomainMatch(%q) = %q, %v; want %q, %v", c.host, got, ok, c.want, c.ok)
		}
	}
}
