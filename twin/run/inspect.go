package run

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
	"github.com/moatnet/moat/twin"
	"golang.org/x/sys/unix"
)

// How long the inspector waits for a flow's first data before it decides
// with no host name (a protocol whose server speaks first), and how long
// it keeps a dropped flow open, silent, as a firewall's drop is.
const (
	firstDataWait = 500 * time.Millisecond
	dropHold      = 5 * time.Second
)

// inspect runs one firewall endpoint's inspector: the divert chain
// (twin/hub.go) hands it every TCP flow whose first matching rule is a
// domain rule, with the flow's own addresses (tproxy keeps the
// destination as the socket's local address).
func (d *daemon) inspect(ctx context.Context, in twin.Inspector) error {
	var ln net.Listener
	err := InNS(in.NS, func() error {
		lc := net.ListenConfig{Control: transparent}
		var err error
		ln, err = lc.Listen(ctx, "tcp4", netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(in.Port)).String())
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: inspector on port %d in %s: %w", in.Firewall, in.Port, in.NS, err)
	}
	d.mu.Lock()
	d.closers = append(d.closers, ln)
	d.mu.Unlock()
	go serve(ln, func(c net.Conn) { d.inspectConn(in, c) })
	return nil
}

// transparent lets a socket accept diverted flows and send from an
// address that is not the namespace's own (IP_TRANSPARENT).
func transparent(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_TRANSPARENT, 1)
	})
	return errors.Join(err, serr)
}

func (d *daemon) inspectConn(in twin.Inspector, c net.Conn) {
	defer c.Close()
	client, ok1 := addrPort(c.RemoteAddr())
	dst, ok2 := addrPort(c.LocalAddr())
	if !ok1 || !ok2 {
		return
	}
	first := readFirst(c, firstDataWait)
	host, kind := FirstHost(first)
	action, why := Decide(in.Rules, in.DefaultAction, dst, host)
	d.log.Printf("%s: %s -> %s %s %q: %s (%s)", in.Firewall, client, dst, kind, host, action, why)
	if action != model.FirewallPass {
		// A drop is silent: the client hears nothing until it gives up.
		_ = c.SetReadDeadline(time.Now().Add(dropHold))
		_, _ = io.Copy(io.Discard, c)
		return
	}
	// The firewall does not translate: the flow goes on from the client's
	// address (port 0: the client's own port is the diverted flow's).
	var up net.Conn
	err := InNS(in.NS, func() (err error) {
		dl := net.Dialer{Timeout: 2 * time.Second, LocalAddr: &net.TCPAddr{IP: client.Addr().AsSlice()}, Control: transparent}
		up, err = dl.Dial("tcp4", dst.String())
		return err
	})
	if err != nil {
		d.log.Printf("%s: %s -> %s: passed, but the destination did not answer: %v", in.Firewall, client, dst, err)
		return
	}
	defer up.Close()
	_ = c.SetReadDeadline(time.Time{})
	if _, err := up.Write(first); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); closeWrite(up); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); closeWrite(c); done <- struct{}{} }()
	<-done
	<-done
}

func addrPort(a net.Addr) (netip.AddrPort, bool) {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.AddrPort{}, false
	}
	ap := t.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
}

// readFirst reads a flow's first data: until it holds a whole TLS record
// or HTTP request head, 16 KiB, or wait has passed.
func readFirst(c net.Conn, wait time.Duration) []byte {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 0, 16<<10)
	for len(buf) < cap(buf) {
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil || complete(buf) {
			break
		}
	}
	return buf
}

// complete reports whether b holds a whole TLS record or HTTP head.
func complete(b []byte) bool {
	if len(b) >= 5 && b[0] == 0x16 {
		return len(b) >= 5+int(binary.BigEndian.Uint16(b[3:5]))
	}
	return strings.Contains(string(b), "\r\n\r\n")
}

// FirstHost reads the host name a flow's first data names, as Network
// Firewall's domain rules do: the server_name of a TLS ClientHello, or
// the Host header of an HTTP request (without its port). kind says which
// ("tls", "http"), or "data" when b names no host.
func FirstHost(b []byte) (host, kind string) {
	if h, ok := clientHelloSNI(b); ok {
		return h, "tls"
	}
	if h, ok := httpHost(b); ok {
		return h, "http"
	}
	return "", "data"
}

// clientHelloSNI parses a TLS record holding a ClientHello (RFC 8446
// 4.1.2, RFC 6066 3) and returns its host_name, if it has one.
func clientHelloSNI(b []byte) (string, bool) {
	r := reader(b)
	if typ, ok := r.u8(); !ok || typ != 0x16 { // handshake record
		return "", false
	}
	if _, ok := r.bytes(2); !ok { // legacy record version
		return "", false
	}
	rec, ok := r.vec(2)
	if !ok {
		return "", false
	}
	r = reader(rec)
	if typ, ok := r.u8(); !ok || typ != 1 { // client_hello
		return "", false
	}
	body, ok := r.vec(3)
	if !ok {
		return "", false
	}
	r = reader(body)
	if _, ok := r.bytes(2 + 32); !ok { // legacy version, random
		return "", false
	}
	for _, width := range []int{1, 2, 1} { // session id, cipher suites, compression
		if _, ok := r.vec(width); !ok {
			return "", false
		}
	}
	exts, ok := r.vec(2)
	if !ok {
		return "", false
	}
	r = reader(exts)
	for len(r) > 0 {
		typ, ok1 := r.u16()
		data, ok2 := r.vec(2)
		if !ok1 || !ok2 {
			return "", false
		}
		if typ != 0 { // server_name
			continue
		}
		list := reader(data)
		names, ok := list.vec(2)
		if !ok {
			return "", false
		}
		list = reader(names)
		for len(list) > 0 {
			nameType, ok1 := list.u8()
			name, ok2 := list.vec(2)
			if !ok1 || !ok2 {
				return "", false
			}
			if nameType == 0 && len(name) > 0 { // host_name
				return strings.ToLower(string(name)), true
			}
		}
	}
	return "", false
}

// httpHost returns the Host header of an HTTP/1.x request head.
func httpHost(b []byte) (string, bool) {
	head, _, _ := strings.Cut(string(b), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	if len(lines) < 2 || !strings.Contains(lines[0], " HTTP/1.") {
		return "", false
	}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "host") {
			continue
		}
		v = strings.TrimSpace(v)
		if h, _, err := net.SplitHostPort(v); err == nil {
			v = h
		}
		if v == "" {
			return "", false
		}
		return strings.ToLower(v), true
	}
	return "", false
}

// reader reads big-endian fields and length-prefixed vectors, reporting
// false instead of reading past the end.
type reader []byte

func (r *reader) bytes(n int) ([]byte, bool) {
	if n < 0 || len(*r) < n {
		return nil, false
	}
	b := (*r)[:n]
	*r = (*r)[n:]
	return b, true
}

func (r *reader) u8() (byte, bool) {
	b, ok := r.bytes(1)
	if !ok {
		return 0, false
	}
	return b[0], true
}

func (r *reader) u16() (uint16, bool) {
	b, ok := r.bytes(2)
	if !ok {
		return 0, false
	}
	return binary.BigEndian.Uint16(b), true
}

// vec reads a vector whose length takes width bytes.
func (r *reader) vec(width int) ([]byte, bool) {
	lb, ok := r.bytes(width)
	if !ok {
		return nil, false
	}
	n := 0
	for _, x := range lb {
		n = n<<8 | int(x)
	}
	return r.bytes(n)
}

// Decide is what a Network Firewall's stateful rules, in strict order, do
// with a TCP flow to dst that names host ("" for none): the rule that
// package rules picks (as the analyzer does) decides, else the default
// action does; an unknown default passes, as the analyzer takes it. why
// names the deciding rule by its number.
func Decide(rs []model.FirewallRule, def model.FirewallAction, dst netip.AddrPort, host string) (model.FirewallAction, string) {
	c := rules.CompileFirewall(rs, def)
	i, d := c.Decide(model.TCP, dst.Addr(), int(dst.Port()), host)
	if i >= 0 {
		r := c.Rules[i].Rule
		if len(r.Domains) > 0 {
			return r.Action, fmt.Sprintf("rule %d: %s %s", i+1, r.Action, d)
		}
		return r.Action, fmt.Sprintf("rule %d: %s by address", i+1, r.Action)
	}
	if host != "" {
		return c.Default, fmt.Sprintf("default action; %s is on no pass list", host)
	}
	return c.Default, "default action"
}
