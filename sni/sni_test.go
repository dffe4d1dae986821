package sni

import "testing"

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		name, host string
		want       Match
	}{
		{"app.example.com", "app.example.com", Exact},
		{"App.Example.COM", "app.example.com.", Exact},
		{"*.example.com", "a.example.com", Wildcard},
		{"*.example.com", "A.EXAMPLE.com", Wildcard},
		{"*.example.com", "a.b.example.com", None},
		{"*.example.com", "example.com", None},
		{"*.example.com", ".example.com", None},
		{"*.example.com", "*.example.com", Exact}, // a wildcard domain names its own certificate
		{"a*.example.com", "ab.example.com", None},
		{"*.*.example.com", "a.b.example.com", None},
		{"*.", "a.", None},
		{"example.com", "www.example.com", None},
		{"", "a.example.com", None},
		{"a.example.com", "", None},
	} {
		if got := Covers(tc.name, tc.host); got != tc.want {
			t.Errorf("Covers(%q, %q) = %d, want %d", tc.name, tc.host, got, tc.want)
		}
	}
}

func TestSelect(t *testing.T) {
	three := []Cert{
		{Names: []string{"app.example.com"}},
		{Names: []string{"*.example.com"}},
		{Names: []string{"api.example.com", "api.example.org"}},
	}
	for _, tc := range []struct {
		name    string
		host    string
		certs   []Cert
		want    int
		matched bool
	}{
		{"exact default", "app.example.com", three, 0, true},
		{"exact beats wildcard", "api.example.com", three, 2, true},
		{"second name of a cert", "api.example.org", three, 2, true},
		{"wildcard", "www.example.com", three, 1, true},
		{"case-insensitive", "WWW.Example.Com", three, 1, true},
		{"two labels deep: default", "a.b.example.com", three, 0, false},
		{"apex not covered by wildcard: default", "example.com", three, 0, false},
		{"no SNI: default", "", three, 0, false},
		{"other domain: default", "example.net", three, 0, false},
		{"first of equals wins", "x.example.com", []Cert{{Names: []string{"a.example.com"}}, {Names: []string{"*.example.com"}}, {Names: []string{"*.example.com"}}}, 1, true},
		{"no certificates", "a.example.com", nil, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, matched := Select(tc.host, tc.certs)
			if got != tc.want || matched != tc.matched {
				t.Errorf("Select(%q) = %d, %v; want %d, %v", tc.host, got, matched, tc.want, tc.matched)
			}
		})
	}
}

func FuzzSelect(f *testing.F) {
	f.Add("a.example.com", "*.example.com", "b.example.com")
	f.Fuzz(func(t *testing.T, host, n1, n2 string) {
		certs := []Cert{{Names: []string{n1}}, {Names: []string{n2}}}
		i, matched := Select(host, certs)
		if i < 0 || i > 1 {
			t.Fatalf("index %d out of range", i)
		}
		if matched && Covers(certs[i].Names[0], host) == None {
			t.Fatalf("matched, but %q does not cover %q", certs[i].Names[0], host)
		}
	})
}
