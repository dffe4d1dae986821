package run

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// PGQuery runs one simple query on a PostgreSQL connection (protocol 3.0,
// trust authentication, as the twin's cluster has it) and returns the
// first column of the first row. It is the smallest client that proves a
// real PostgreSQL answered: a responder speaks no wire protocol.
// https://www.postgresql.org/docs/current/protocol-flow.html
func PGQuery(c net.Conn, user, sql string, timeout time.Duration) (string, error) {
	_ = c.SetDeadline(time.Now().Add(timeout))
	defer c.SetDeadline(time.Time{})
	var start []byte
	start = binary.BigEndian.AppendUint32(start, 0) // length, below
	start = binary.BigEndian.AppendUint32(start, 3<<16)
	for _, kv := range []string{"user", user, "database", "postgres", "application_name", "moat-twin"} {
		start = append(append(start, kv...), 0)
	}
	start = append(start, 0)
	binary.BigEndian.PutUint32(start, uint32(len(start)))
	if _, err := c.Write(start); err != nil {
		return "", fmt.Errorf("postgres startup: %w", err)
	}
	r := bufio.NewReader(c)
	queried := false
	var result string
	got := false
	for {
		typ, body, err := pgMessage(r)
		if err != nil {
			return "", fmt.Errorf("postgres: %w", err)
		}
		switch typ {
		case 'R':
			if len(body) < 4 || binary.BigEndian.Uint32(body) != 0 {
				return "", errors.New("postgres asks for a password; the twin's cluster trusts")
			}
		case 'E':
			return "", fmt.Errorf("postgres error: %s", pgError(body))
		case 'D':
			if !got && len(body) >= 6 && binary.BigEndian.Uint16(body) > 0 {
				n := int32(binary.BigEndian.Uint32(body[2:]))
				if n >= 0 && int(n) <= len(body)-6 {
					result, got = string(body[6:6+n]), true
				}
			}
		case 'Z':
			if queried {
				_, _ = c.Write([]byte{'X', 0, 0, 0, 4})
				if !got {
					return "", errors.New("postgres returned no row")
				}
				return result, nil
			}
			q := append([]byte{'Q', 0, 0, 0, 0}, sql...)
			q = append(q, 0)
			binary.BigEndian.PutUint32(q[1:], uint32(len(q)-1))
			if _, err := c.Write(q); err != nil {
				return "", fmt.Errorf("postgres query: %w", err)
			}
			queried = true
		}
	}
}

// pgMessage reads one backend message: a type byte, a length that counts
// itself, and the body.
func pgMessage(r *bufio.Reader) (byte, []byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	if n < 4 || n > 1<<20 {
		return 0, nil, fmt.Errorf("not the PostgreSQL protocol (message %q of %d bytes)", h[0], n)
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, err
	}
	return h[0], body, nil
}

// pgError is the message field of an ErrorResponse.
func pgError(body []byte) string {
	for _, f := range strings.Split(string(body), "\x00") {
		if strings.HasPrefix(f, "M") {
			return f[1:]
		}
	}
	return "unknown"
}
