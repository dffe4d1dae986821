package run

import (
	"crypto/tls"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/moatnet/moat/model"
)

// clientHello is the first flight crypto/tls sends for serverName: a real
// ClientHello, with its extensions, as the twin's probes send it.
func clientHello(t testing.TB, serverName string) []byte {
	t.Helper()
	c, s := net.Pipe()
	defer s.Close()
	go func() {
		tc := tls.Client(c, &tls.Config{ServerName: serverName, InsecureSkipVerify: true})
		_ = tc.SetDeadline(time.Now().Add(2 * time.Second))
		_ = tc.Handshake() // fails when s closes; only its first record matters
		c.Close()
	}()
	_ = s.SetReadDeadline(time.Now().Add(2 * time.Second))
	return readFirst(s, 2*time.Second)
}

func TestFirstHost(t *testing.T) {
	hello := clientHello(t, "API.Binance.com")
	for _, c := range []struct {
		name       string
		in         []byte
		host, kind string
	}{
		{"TLS ClientHello: its server_name, lower-cased", hello, "api.binance.com", "tls"},
		{"TLS ClientHello naming no host (an IP address)", clientHello(t, "192.0.2.7"), "", "data"},
		{"HTTP request: the Host header without its port", []byte("GET / HTTP/1.1\r\nUser-Agent: x\r\nhost: Example.com:8080\r\n\r\n"), "example.com", "http"},
		{"HTTP request without a Host header", []byte("GET / HTTP/1.0\r\n\r\n"), "", "data"},
		{"a header that merely ends in host", []byte("GET / HTTP/1.1\r\nX-Forwarded-Host: evil.example\r\n\r\n"), "", "data"},
		{"a protocol that names no host", []byte("moat twin probe\n"), "", "data"},
		{"nothing at all", nil, "", "data"},
		{"a truncated ClientHello", hello[:len(hello)/2], "", "data"},
	} {
		t.Run(c.name, func(t *testing.T) {
			host, kind := FirstHost(c.in)
			if host != c.host || kind != c.kind {
				t.Errorf("FirstHost = %q, %q; want %q, %q", host, kind, c.host, c.kind)
			}
		})
	}
	// A prefix of a real ClientHello never reads past its end: it names
	// the host only once the server_name is whole, and then rightly.
	for i := range hello {
		if h, _ := FirstHost(hello[:i]); h != "" && h != "api.binance.com" {
			t.Fatalf("a %d-byte prefix names %q", i, h)
		}
	}
}

func FuzzFirstHost(f *testing.F) {
	f.Add(clientHello(f, "api.binance.com"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"))
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03})
	f.Fuzz(func(t *testing.T, b []byte) {
		host, kind := FirstHost(b) // must not panic
		if (host == "") != (kind == "data") {
			t.Fatalf("host %q with kind %q", host, kind)
		}
	})
}

func TestDecide(t *testing.T) {
	web := model.PortRange{From: 443, To: 443}
	rules := []model.FirewallRule{
		{Action: model.FirewallAlert, Protocol: model.TCP, Ports: web, Domains: []string{".example.com"}},
		{Action: model.FirewallPass, Protocol: model.TCP, Ports: web, Domains: []string{"api.binance.com", ".example.com"}},
		{Action: model.FirewallDrop, Protocol: model.TCP, Dest: netip.MustParsePrefix("198.51.100.0/24"), Ports: model.AnyPort},
		{Action: model.FirewallPass, Protocol: model.AllProtocols, Dest: netip.MustParsePrefix("203.0.113.0/24")},
	}
	at := func(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
	for _, c := range []struct {
		name string
		def  model.FirewallAction
		dst  netip.AddrPort
		host string
		want model.FirewallAction
		why  string
	}{
		{"a listed host passes (the alert before it only logs)", model.FirewallDrop, at("192.0.2.9:443"), "api.binance.com", model.FirewallPass, "rule 2: pass api.binance.com"},
		{"a wildcard covers a subdomain", model.FirewallDrop, at("192.0.2.9:443"), "www.example.com", model.FirewallPass, "rule 2: pass .example.com"},
		{"an unlisted host falls to the default", model.FirewallDrop, at("192.0.2.9:443"), "evil.example.net", model.FirewallDrop, "default action; evil.example.net is on no pass list"},
		{"no host: domain rules cannot match", model.FirewallDrop, at("192.0.2.9:443"), "", model.FirewallDrop, "default action"},
		{"a listed host on another port is not covered", model.FirewallDrop, at("192.0.2.9:8443"), "api.binance.com", model.FirewallDrop, "default action; api.binance.com is on no pass list"},
		{"strict order: an earlier pass wins over a later drop", model.FirewallDrop, at("198.51.100.5:443"), "api.binance.com", model.FirewallPass, "rule 2: pass api.binance.com"},
		{"an address rule decides without a host", model.FirewallPass, at("198.51.100.5:443"), "", model.FirewallDrop, "rule 3: drop by address"},
		{"a protocol-any address rule", model.FirewallDrop, at("203.0.113.10:22"), "", model.FirewallPass, "rule 4: pass by address"},
		{"an unknown default passes, as the analyzer takes it", "", at("192.0.2.9:22"), "", model.FirewallPass, "default action"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, why := Decide(rules, c.def, c.dst, c.host)
			if got != c.want || why != c.why {
				t.Errorf("Decide = %s, %q; want %s, %q", got, why, c.want, c.why)
			}
		})
	}
}
