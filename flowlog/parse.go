package flowlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/moatnet/moat/model"
)

// Record is one flow-log record of the default format.
type Record struct {
	// Line is where the record was read (1-based).
	Line      int            `json:"line"`
	Account   string         `json:"account"`
	Interface string         `json:"interface_id"` // the interface that logged it: eni-...
	Src       netip.Addr     `json:"srcaddr"`
	Dst       netip.Addr     `json:"dstaddr"`
	SrcPort   int            `json:"srcport"`
	DstPort   int            `json:"dstport"`
	Proto     model.Protocol `json:"protocol"`
	Packets   int64          `json:"packets"`
	Bytes     int64          `json:"bytes"`
	Start     time.Time      `json:"start"`
	End       time.Time      `json:"end"`
	// Action is ACCEPT or REJECT: what the interface's security groups
	// and its subnet's network ACL did.
	Action string `json:"action"`
}

// fields are the default format's, in order.
var fields = []string{"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"}

// Result is what Parse read.
type Result struct {
	Records []Record
	// Skipped counts records that carry no flow: log-status NODATA (no
	// traffic in the window) or SKIPDATA (records lost in the window).
	Skipped int
}

// Parse reads records, one a line; a header line (as Athena and the
// console show), blank lines and lines starting with # are skipped. A
// line that is not a version 2 record is an error naming file:line:column.
func Parse(name string, r io.Reader) (Result, error) {
	var res Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "version ") {
			continue
		}
		rec, skipped, err := ParseLine(text)
		var fe *fieldError
		if errors.As(err, &fe) {
			return res, fmt.Errorf("%s:%d:%d: %w", name, line, fe.col, err)
		}
		if skipped {
			res.Skipped++
			continue
		}
		rec.Line = line
		res.Records = append(res.Records, rec)
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}

// fieldError is a bad field and the column it starts at.
type fieldError struct {
	col int
	msg string
}

func (e *fieldError) Error() string { return e.msg }

// ParseLine reads one record. skipped is true for NODATA and SKIPDATA
// records, which carry no flow.
func ParseLine(text string) (rec Record, skipped bool, err error) {
	f := strings.Fields(text)
	cols := make([]int, len(f))
	at := 0
	for i, s := range f {
		at += strings.Index(text[at:], s)
		cols[i] = at + 1
		at += len(s)
	}
	bad := func(i int, format string, a ...any) error {
		col := 1
		if i < len(cols) {
			col = cols[i]
		}
		return &fieldError{col, fmt.Sprintf(format, a...)}
	}
	if len(f) != len(fields) {
		return rec, false, bad(0, "a flow-log record of the default format has %d fields (%s), this line has %d; moat reads the default format only", len(fields), strings.Join(fields, " "), len(f))
	}
	if f[0] != "2" {
		return rec, false, bad(0, "version %q: the default format is version 2", f[0])
	}
	if f[13] == "NODATA" || f[13] == "SKIPDATA" {
		return rec, true, nil
	}
	if f[13] != "OK" {
		return rec, false, bad(13, "log-status %q: want OK, NODATA or SKIPDATA", f[13])
	}
	rec = Record{Account: f[1], Interface: f[2], Action: f[12]}
	if rec.Action != "ACCEPT" && rec.Action != "REJECT" {
		return rec, false, bad(12, "action %q: want ACCEPT or REJECT", f[12])
	}
	if rec.Src, err = netip.ParseAddr(f[3]); err != nil {
		return rec, false, bad(3, "srcaddr %q is not an IP address", f[3])
	}
	if rec.Dst, err = netip.ParseAddr(f[4]); err != nil {
		return rec, false, bad(4, "dstaddr %q is not an IP address", f[4])
	}
	nums := []*int{&rec.SrcPort, &rec.DstPort}
	for i, p := range nums {
		if *p, err = strconv.Atoi(f[5+i]); err != nil || *p < 0 || *p > 65535 {
			return rec, false, bad(5+i, "%s %q is not a port", fields[5+i], f[5+i])
		}
	}
	proto, err := strconv.Atoi(f[7])
	if err != nil || proto < 0 || proto > 255 {
		return rec, false, bad(7, "protocol %q is not an IANA protocol number", f[7])
	}
	rec.Proto = model.ProtocolNumber(proto)
	if rec.Packets, err = strconv.ParseInt(f[8], 10, 64); err != nil {
		return rec, false, bad(8, "packets %q is not a count", f[8])
	}
	if rec.Bytes, err = strconv.ParseInt(f[9], 10, 64); err != nil {
		return rec, false, bad(9, "bytes %q is not a count", f[9])
	}
	for i, t := range []*time.Time{&rec.Start, &rec.End} {
		s, err := strconv.ParseInt(f[10+i], 10, 64)
		if err != nil {
			return rec, false, bad(10+i, "%s %q is not Unix seconds", fields[10+i], f[10+i])
		}
		*t = time.Unix(s, 0).UTC()
	}
	return rec, false, nil
}
