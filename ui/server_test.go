package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testToken = "t0k3n"

// newTestServer serves a copy of examples/webapp.yaml in a temp dir and
// returns the server, the copy's path and a test server whose Host the
// guard accepts.
func newTestServer(t *testing.T) (*Server, string, *httptest.Server) {
	t.Helper()
	src, err := os.ReadFile("../examples/webapp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "webapp.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	port := ts.Listener.Addr().(interface{ String() string }).String()
	_, p, _ := strings.Cut(port, ":")
	s, err := New(path, atoi(t, p), testToken)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = s.Handler()
	return s, path, ts
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("port %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// call makes a request to the test server with the token as the header.
func call(t *testing.T, ts *httptest.Server, method, path, token string, body any) *http.Response {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Moat-Token", token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestTokenRequired(t *testing.T) {
	_, _, ts := newTestServer(t)
	for _, c := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"page without token", "GET", "/", "", http.StatusForbidden},
		{"asset without token", "GET", "/app.js", "", http.StatusForbidden},
		{"api without token", "POST", "/api/plan", "", http.StatusForbidden},
		{"api with wrong token", "POST", "/api/plan", "nope", http.StatusForbidden},
		{"page with wrong query token", "GET", "/?token=nope", "", http.StatusForbidden},
		{"api with token", "POST", "/api/plan", testToken, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := call(t, ts, c.method, c.path, c.token, map[string]any{"edits": []Edit{}}).StatusCode; got != c.want {
				t.Errorf("status %d, want %d", got, c.want)
			}
		})
	}
}

// The first visit's ?token= becomes an HttpOnly, SameSite=Strict cookie,
// and the address loses the token.
func TestTokenCookie(t *testing.T) {
	_, _, ts := newTestServer(t)
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(ts.URL + "/?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("status %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Value != testToken || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookies %+v, want one HttpOnly SameSite=Strict token", cookies)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.AddCookie(cookies[0])
	page, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("page with cookie: %d, CSP %q", page.StatusCode, page.Header.Get("Content-Security-Policy"))
	}
}

// A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends
// its own Host: refused even with the token.
func TestHostChecked(t *testing.T) {
	_, _, ts := newTestServer(t)
	_, port, _ := strings.Cut(ts.Listener.Addr().String(), ":")
	status := func(host string) int {
		req, _ := http.NewRequest("POST", ts.URL+"/api/plan", strings.NewReader(`{"edits":[]}`))
		req.Host = host
		req.Header.Set("X-Moat-Token", testToken)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, host := range []string{"evil.example:" + port, "127.0.0.1:1", "localhost", "[::1]:" + port} {
		if got := status(host); got != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: status %d, want 421", host, got)
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port} {
		if got := status(host); got != http.StatusOK {
			t.Errorf("Host %s: status %d, want 200", host, got)
		}
	}
}

func TestCrossOriginRefused(t *testing.T) {
	_, _, ts := newTestServer(t)
	req, _ := http.NewRequest("POST", ts.URL+"/api/save", strings.NewReader(`{"edits":[]}`))
	req.Header.Set("X-Moat-Token", testToken)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
}

func natOff() []Edit { return []Edit{{Path: "ui.nat", Value: json.RawMessage(`"none"`)}} }

func planOf(t *testing.T, ts *httptest.Server, edits []Edit) planReply {
	t.Helper()
	resp := call(t, ts, "POST", "/api/plan", testToken, map[string]any{"edits": edits})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("plan: status %d", resp.StatusCode)
	}
	var r planReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// Unchecking NAT makes the stack cheaper by exactly what cost --compare
// counts as its NAT, and its service subnets isolated.
func TestEditNATOffLowersCost(t *testing.T) {
	_, _, ts := newTestServer(t)
	before, after := planOf(t, ts, nil), planOf(t, ts, natOff())
	if before.Cost.NATCents <= 0 {
		t.Fatalf("webapp's NAT costs %d cents, want more than 0", before.Cost.NATCents)
	}
	if got := before.Cost.Cents - after.Cost.Cents; got != before.Cost.NATCents {
		t.Errorf("cost fell by %d cents, want the NAT's %d", got, before.Cost.NATCents)
	}
	if after.Cost.Current != "none" || after.Settings["ui.nat"] != "none" {
		t.Errorf("NAT after: %q / %v, want none", after.Cost.Current, after.Settings["ui.nat"])
	}
	if strings.Contains(after.Diagram.SVG, "subnet/private/") || !strings.Contains(before.Diagram.SVG, "subnet/private/") {
		t.Errorf("private subnets drawn: before %v, after %v; want before only",
			strings.Contains(before.Diagram.SVG, "subnet/private/"), strings.Contains(after.Diagram.SVG, "subnet/private/"))
	}
	if !after.Changed || before.Changed {
		t.Errorf("changed: before %v after %v", before.Changed, after.Changed)
	}
}

func TestInvalidInputAtItsField(t *testing.T) {
	_, _, ts := newTestServer(t)
	r := planOf(t, ts, []Edit{{Path: "network.cidr", Value: json.RawMessage(`"8.8.0.0/16"`)}})
	if len(r.Diagnostics) != 1 || r.Diagnostics[0].Path != "network.cidr" || r.Diagnostics[0].Hint == "" {
		t.Fatalf("diagnostics %+v, want one at network.cidr with a hint", r.Diagnostics)
	}
}

func TestSaveKeepsComments(t *testing.T) {
	_, path, ts := newTestServer(t)
	orig, _ := os.ReadFile(path)
	hash := planOf(t, ts, nil).Hash
	resp := call(t, ts, "POST", "/api/save", testToken, map[string]any{"edits": natOff(), "hash": hash})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("save: status %d", resp.StatusCode)
	}
	got, _ := os.ReadFile(path)
	want := strings.Replace(string(orig), "  nat: instance\n", "  nat: none\n", 1)
	if string(got) != want {
		t.Fatalf("saved:\n%s\nwant only the nat line changed:\n%s", got, want)
	}
	if r := planOf(t, ts, nil); r.Changed || r.Settings["ui.nat"] != "none" {
		t.Errorf("after save the loaded spec is the saved one: changed %v, nat %v", r.Changed, r.Settings["ui.nat"])
	}
}

func TestSaveConflict(t *testing.T) {
	_, path, ts := newTestServer(t)
	hash := planOf(t, ts, nil).Hash
	theirs := []byte("# edited elsewhere\n")
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	resp := call(t, ts, "POST", "/api/save", testToken, map[string]any{"edits": natOff(), "hash": hash})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("save over a changed file: status %d, want 409", resp.StatusCode)
	}
	var body map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	if !strings.Contains(body["error"], "changed on disk") {
		t.Errorf("message %q", body["error"])
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, theirs) {
		t.Errorf("the file was overwritten:\n%s", got)
	}
}

func TestSaveRefusesErrors(t *testing.T) {
	_, path, ts := newTestServer(t)
	orig, _ := os.ReadFile(path)
	resp := call(t, ts, "POST", "/api/save", testToken, map[string]any{"edits": []Edit{{Path: "service.port", Value: json.RawMessage(`0`)}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Error("a spec with errors was written")
	}
}

func TestVerifyReachTemplate(t *testing.T) {
	_, _, ts := newTestServer(t)
	resp := call(t, ts, "POST", "/api/verify", testToken, map[string]any{"edits": natOff()})
	var v struct{ Checks []Check }
	json.NewDecoder(resp.Body).Decode(&v)
	if len(v.Checks) == 0 {
		t.Fatal("no checks")
	}
	for _, c := range v.Checks {
		if c.Mark != "✓" {
			t.Errorf("%s %s: %s", c.Mark, c.Intent, c.Detail)
		}
	}
	resp = call(t, ts, "POST", "/api/reach", testToken, map[string]any{"reach": reachIn{From: "internet", To: "db"}})
	var r ReachResult
	json.NewDecoder(resp.Body).Decode(&r)
	if r.Verdict != "blocked" || r.Blocked == "" || !strings.Contains(r.Diagram.SVG, " blocked\"") {
		t.Errorf("internet -> db: %s, blocker %q, marked %v", r.Verdict, r.Blocked, strings.Contains(r.Diagram.SVG, " blocked\""))
	}
	resp = call(t, ts, "POST", "/api/template", testToken, map[string]any{"edits": []Edit{}})
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body.String(), "AWSTemplateFormatVersion") || !strings.Contains(resp.Header.Get("Content-Disposition"), "webapp-template.yaml") {
		t.Errorf("template: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}

// A failed assertion comes back ✗ with its counterexample's hops to
// highlight; a clicked subnet lists its routes and ACL rules.
func TestCounterexampleAndDetails(t *testing.T) {
	src, err := os.ReadFile("../examples/webapp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, []byte("\nassert:\n  never: [\"internet -> alb:443\"]\n")...)
	checks, err := Verify("webapp.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	var failed *Check
	for i := range checks {
		if checks[i].Mark == "✗" {
			failed = &checks[i]
		}
	}
	if failed == nil || !strings.HasPrefix(failed.Evidence, "counterexample: internet -> ") || len(failed.Highlight) < 2 || failed.Highlight[0] != "internet" {
		t.Fatalf("failed check %+v, want a counterexample from the internet with hops to highlight", failed)
	}
	r := Plan("webapp.yaml", src)
	found := false
	for _, b := range r.Diagram.Boxes {
		if len(b.Addrs) == 1 && b.Addrs[0] == "subnet/private/use1-az1" {
			found = true
			joined := strings.Join(b.Details, "\n")
			for _, want := range []string{"route: 0.0.0.0/0 -> ", "nacl/private in ", "10.0.0.0/20 in use1-az1"} {
				if !strings.Contains(joined, want) {
					t.Errorf("subnet details lack %q:\n%s", want, joined)
				}
			}
		}
	}
	if !found {
		t.Error("no drawn box for subnet/private/use1-az1")
	}
}
