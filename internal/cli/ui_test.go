package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUIUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"ui", filepath.Join(t.TempDir(), "missing.yaml")},
		{"ui", "--port", "70000", "../../examples/webapp.yaml"},
		{"ui", "a.yaml", "b.yaml"},
	} {
		if code, _, stderr := runMoat(t, args...); code != exitInput {
			t.Errorf("moat %s: exit %d, want 2\n%s", strings.Join(args, " "), code, stderr)
		}
	}
}

// moat ui prints an address with a token that opens the page, and Ctrl-C
// (the context ending) stops it with exit 0.
func TestUIServesUntilStopped(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"ui", "../../examples/webapp.yaml"}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v (%s)", err, stderr.String())
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "moat ui: "))
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(url, "/?token=") {
		t.Fatalf("printed %q, want a loopback address with a token", line)
	}
	go io.Copy(io.Discard, out)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("page: status %d", resp.StatusCode)
	}
	stop()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after Ctrl-C, want 0 (%s)", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("moat ui did not stop")
	}
}
