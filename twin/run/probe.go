package run

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/moatnet/moat/model"
	"golang.org/x/sys/unix"
)

// Probe is one real packet exchange through a twin.
type Probe struct {
	SrcNS string
	SrcIP netip.Addr
	// DstNS and DstIP are where the destination listens; DialIP is the
	// address the source sends to (a public stand-in when the packet must
	// come in through the internet gateway).
	DstNS string
	DstIP netip.Addr
	// AltDstNS also holds DstIP: an AWS service answers both behind its
	// gateway endpoint and on the internet, whichever way a route leads.
	AltDstNS string
	DialIP   netip.Addr
	Proto    model.Protocol
	Port     int
	// Inspected marks a TCP flow whose way meets a firewall that decides
	// on the first data: the probe sends it (a TLS ClientHello naming
	// Host, an HTTP request for Host on port 80, or a line when Host is
	// empty) and succeeds only if a reply comes back.
	Inspected bool
	Host      string
}

// Outcome is what really happened to a probe.
type Outcome struct {
	OK bool
	// Detail says what happened: connected, refused, timed out, no route.
	Detail string
}

// Prober sends probes, holding the temporary listeners they need: a probe
// tests the network, not whether a workload happens to serve the port, so
// the prober listens on the destination itself when nothing else does.
type Prober struct {
	Timeout time.Duration
	mu      sync.Mutex
	open    map[string]bool
	closers []func()
}

// NewProber returns a prober whose probes give up after timeout.
func NewProber(timeout time.Duration) *Prober {
	return &Prober{Timeout: timeout, open: map[string]bool{}}
}

// Close stops the temporary listeners.
func (p *Prober) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.closers {
		c()
	}
	p.closers = nil
}

// prepare makes sure something answers on the probe's destination.
func (p *Prober) prepare(pr Probe) {
	if pr.Proto != model.TCP && pr.Proto != model.UDP {
		return // the kernel answers echo requests
	}
	if pr.AltDstNS != "" {
		alt := pr
		alt.DstNS, alt.AltDstNS = pr.AltDstNS, ""
		p.prepare(alt)
	}
	key := fmt.Sprintf("%s %s %s %d", pr.DstNS, pr.DstIP, pr.Proto, pr.Port)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open[key] {
		return
	}
	p.open[key] = true
	addr := netip.AddrPortFrom(pr.DstIP, uint16(pr.Port)).String()
	switch pr.Proto {
	case model.TCP:
		var ln net.Listener
		if InNS(pr.DstNS, func() (err error) { ln, err = net.Listen(tcpOf(pr.DstIP), addr); return err }) != nil {
			return // a workload already listens there
		}
		p.closers = append(p.closers, func() { ln.Close() })
		go serve(ln, func(c net.Conn) { Respond(c, "probe listener") })
	case model.UDP:
		var pc net.PacketConn
		if InNS(pr.DstNS, func() (err error) { pc, err = net.ListenPacket(udpOf(pr.DstIP), addr); return err }) != nil {
			return
		}
		p.closers = append(p.closers, func() { pc.Close() })
		go func() {
			buf := make([]byte, 1500)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				_, _ = pc.WriteTo(buf[:n], from)
			}
		}()
	}
}

// Run sends one probe and reports whether its reply came back.
func (p *Prober) Run(ctx context.Context, pr Probe) Outcome {
	p.prepare(pr)
	switch pr.Proto {
	case model.TCP:
		return p.tcp(ctx, pr)
	case model.UDP:
		return p.udp(pr)
	case model.ICMP:
		return p.icmp(pr)
	}
	return Outcome{Detail: fmt.Sprintf("protocol %s is not probed", pr.Proto)}
}

func (p *Prober) tcp(ctx context.Context, pr Probe) Outcome {
	dst := netip.AddrPortFrom(pr.DialIP, uint16(pr.Port))
	start := time.Now()
	var c net.Conn
	err := InNS(pr.SrcNS, func() error {
		d := net.Dialer{Timeout: p.Timeout, LocalAddr: &net.TCPAddr{IP: pr.SrcIP.AsSlice()}}
		var err error
		c, err = d.DialContext(ctx, tcpOf(dst.Addr()), dst.String())
		return err
	})
	switch {
	case err == nil && pr.Inspected:
		defer c.Close()
		return p.exchange(ctx, c, pr, dst)
	case err == nil:
		c.Close()
		return Outcome{OK: true, Detail: fmt.Sprintf("tcp connect to %s succeeded in %s", dst, time.Since(start).Round(time.Millisecond))}
	case errors.Is(err, syscall.ECONNREFUSED):
		// A reset came back: the packets made it there and back.
		return Outcome{OK: true, Detail: fmt.Sprintf("tcp connect to %s refused (the host answered)", dst)}
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Outcome{Detail: fmt.Sprintf("tcp connect to %s: no route from %s", dst, pr.SrcNS)}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Outcome{Detail: fmt.Sprintf("tcp connect to %s timed out after %s (dropped)", dst, p.Timeout)}
	}
	return Outcome{Detail: fmt.Sprintf("tcp connect to %s: %v", dst, err)}
}

// exchange sends an inspected flow's first data on a connected c and
// waits for the reply a firewall's pass lets through.
func (p *Prober) exchange(ctx context.Context, c net.Conn, pr Probe, dst netip.AddrPort) Outcome {
	_ = c.SetDeadline(time.Now().Add(p.Timeout))
	var sent string
	var err error
	switch {
	case pr.Host != "" && pr.Port != 80:
		sent = "a TLS ClientHello for " + pr.Host
		tc := tls.Client(c, &tls.Config{ServerName: pr.Host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
		err = tc.HandshakeContext(ctx)
		// The stand-in server answers in plain text: any record back
		// means the ClientHello got through.
		var rh tls.RecordHeaderError
		if err == nil || errors.As(err, &rh) {
			return Outcome{OK: true, Detail: fmt.Sprintf("tcp to %s: a reply came back to %s", dst, sent)}
		}
	default:
		msg := "moat twin probe\n"
		sent = "a line naming no host"
		if pr.Host != "" {
			msg = fmt.Sprintf("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", pr.Host)
			sent = "an HTTP request for " + pr.Host
		}
		if _, err = io.WriteString(c, msg); err == nil {
			var b [1]byte
			if _, err = io.ReadFull(c, b[:]); err == nil {
				return Outcome{OK: true, Detail: fmt.Sprintf("tcp to %s: a reply came back to %s", dst, sent)}
			}
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Outcome{Detail: fmt.Sprintf("tcp to %s connected, but %s got no reply within %s (dropped on its content)", dst, sent, p.Timeout)}
	}
	return Outcome{Detail: fmt.Sprintf("tcp to %s connected, but %s got no reply: %v", dst, sent, err)}
}

func (p *Prober) udp(pr Probe) Outcome {
	dst := netip.AddrPortFrom(pr.DialIP, uint16(pr.Port))
	var c *net.UDPConn
	err := InNS(pr.SrcNS, func() (err error) {
		c, err = net.DialUDP(udpOf(dst.Addr()), &net.UDPAddr{IP: pr.SrcIP.AsSlice()}, net.UDPAddrFromAddrPort(dst))
		return err
	})
	if err != nil {
		return Outcome{Detail: fmt.Sprintf("udp to %s: %v", dst, err)}
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(p.Timeout))
	msg := []byte("moat twin probe")
	if _, err := c.Write(msg); err != nil {
		return Outcome{Detail: fmt.Sprintf("udp to %s: %v", dst, err)}
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	switch {
	case err == nil && string(buf[:n]) == string(msg):
		return Outcome{OK: true, Detail: fmt.Sprintf("udp to %s echoed", dst)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Outcome{OK: true, Detail: fmt.Sprintf("udp to %s: port unreachable (the host answered)", dst)}
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Outcome{Detail: fmt.Sprintf("udp to %s: no route", dst)}
	case err != nil:
		return Outcome{Detail: fmt.Sprintf("udp to %s: no reply within %s (dropped)", dst, p.Timeout)}
	}
	return Outcome{Detail: fmt.Sprintf("udp to %s: unexpected reply", dst)}
}

var icmpSeq struct {
	sync.Mutex
	n uint16
}

// icmp sends one echo request from a raw socket in the source namespace
// and waits for the matching reply.
func (p *Prober) icmp(pr Probe) Outcome {
	var fd int
	err := InNS(pr.SrcNS, func() (err error) {
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
		return err
	})
	if err != nil {
		return Outcome{Detail: fmt.Sprintf("icmp socket: %v", err)}
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: pr.SrcIP.As4()}); err != nil {
		return Outcome{Detail: fmt.Sprintf("icmp bind: %v", err)}
	}
	icmpSeq.Lock()
	icmpSeq.n++
	seq := icmpSeq.n
	icmpSeq.Unlock()
	id := uint16(os.Getpid())
	msg := make([]byte, 16)
	msg[0] = 8 // echo request
	binary.BigEndian.PutUint16(msg[4:], id)
	binary.BigEndian.PutUint16(msg[6:], seq)
	copy(msg[8:], "moattwin")
	binary.BigEndian.PutUint16(msg[2:], checksum(msg))
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrInet4{Addr: pr.DialIP.As4()}); err != nil {
		if errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) {
			return Outcome{Detail: fmt.Sprintf("icmp echo to %s: no route", pr.DialIP)}
		}
		return Outcome{Detail: fmt.Sprintf("icmp echo to %s: %v", pr.DialIP, err)}
	}
	deadline := time.Now().Add(p.Timeout)
	buf := make([]byte, 1500)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return Outcome{Detail: fmt.Sprintf("icmp echo to %s: no reply within %s (dropped)", pr.DialIP, p.Timeout)}
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
		n, from, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				continue
			}
			return Outcome{Detail: fmt.Sprintf("icmp echo to %s: %v", pr.DialIP, err)}
		}
		if n < 20 {
			continue
		}
		ihl := int(buf[0]&0x0f) * 4
		if n < ihl+8 {
			continue
		}
		m := buf[ihl:n]
		src, _ := from.(*unix.SockaddrInet4)
		if m[0] == 0 && binary.BigEndian.Uint16(m[4:]) == id && binary.BigEndian.Uint16(m[6:]) == seq &&
			src != nil && netip.AddrFrom4(src.Addr) == pr.DialIP {
			return Outcome{OK: true, Detail: fmt.Sprintf("icmp echo reply from %s", pr.DialIP)}
		}
	}
}

func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// udpOf is tcpOf for UDP.
func udpOf(ip netip.Addr) string {
	if ip.Is6() && !ip.Is4In6() {
		return "udp6"
	}
	return "udp4"
}
