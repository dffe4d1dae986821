package ui

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var update = flag.Bool("update", false, "rewrite docs/ui-*.png from the browser test")

const chromiumPath = "/usr/bin/chromium"

// browser starts Debian's chromium, headless, with a fresh profile and
// nothing that talks to the network on its own. It skips when chromium is
// missing, unless CI is set: there the test must run.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is missing at %s (apt-get install chromium); CI must run the browser test", chromiumPath)
		}
		t.Skipf("chromium is missing at %s (apt-get install chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	return ctx
}

// serve runs the real server on a free loopback port over a copy of
// examples/webapp.yaml and returns the address to open and the copy.
func serve(t *testing.T) (string, string) {
	t.Helper()
	src, err := os.ReadFile("../examples/webapp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "webapp.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	token, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(path, port, token)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return URL(port, token), path
}

// settled waits until the page has re-planned and proved the current
// edits.
func settled() chromedp.Action[chromedp.Void] {
	return poll(`document.body.dataset.ready !== undefined && document.querySelector('#proofs').dataset.state === 'done'`)
}

func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second))
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// js evaluates expr in the page.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	return png
}

// TestBrowserNATOff drives the page as a person would: open Network
// Settings, uncheck Enable NAT instance, close the dialog with Escape, and
// see the cost fall by exactly the NAT, the private tier become isolated
// and verify stay ✓; then ask whether the internet reaches the database.
func TestBrowserNATOff(t *testing.T) {
	ctx := browser(t, 1280, 800)
	url, _ := serve(t)
	do(t, ctx, chromedp.Navigate(url), settled())
	before := mustInt(t, js[string](t, ctx, `document.querySelector('#cost-total').dataset.cents`))
	nat := mustInt(t, js[string](t, ctx, `document.querySelector('#cost-nat').dataset.cents`))
	if nat <= 0 {
		t.Fatalf("NAT costs %d cents before; want more", nat)
	}
	do(t, ctx, chromedp.Click(`button[data-dialog="dlg-network"]`), chromedp.WaitVisible("#nat-enabled"))
	if !js[bool](t, ctx, `document.querySelector('#nat-enabled').checked`) {
		t.Fatal("Enable NAT instance is unchecked for webapp, which has NAT instances")
	}
	shotBefore := screenshot(t, ctx)

	do(t, ctx, chromedp.Click("#nat-enabled"), chromedp.KeyEvent(kb.Escape),
		poll(fmt.Sprintf(`document.querySelector('#cost-total').dataset.cents !== '%d' && document.querySelector('#proofs').dataset.state === 'done'`, before)))
	after := mustInt(t, js[string](t, ctx, `document.querySelector('#cost-total').dataset.cents`))
	if before-after != nat {
		t.Errorf("cost fell from %d to %d cents (%d); want exactly the NAT's %d", before, after, before-after, nat)
	}
	if js[bool](t, ctx, `document.querySelector('#dlg-network').open`) {
		t.Error("Escape did not close Network Settings")
	}
	if js[bool](t, ctx, `document.querySelector('tr[data-tier="private"]') !== null || document.querySelector('#diagram svg').innerHTML.includes('subnet/private/')`) {
		t.Error("a private tier is still drawn with NAT off")
	}
	if got := js[string](t, ctx, `document.querySelector('tr[data-tier="isolated"] td:last-child').textContent`); got != "service, db" {
		t.Errorf("isolated tier runs %q, want the service and the database", got)
	}
	ok := js[int](t, ctx, `document.querySelectorAll('#checks li.ok').length`)
	if bad := js[bool](t, ctx, `document.querySelector('#checks li.bad') !== null`); bad || ok == 0 {
		t.Errorf("verify: %d ✓, any ✗ or ?: %v; want all ✓", ok, bad)
	}
	shotAfter := screenshot(t, ctx)

	do(t, ctx, chromedp.SetValue("#reach-from", "internet"), chromedp.SetValue("#reach-to", "db"),
		chromedp.Click(`#reach-form button[type="submit"]`),
		poll(`document.querySelector('#reach-answer').dataset.verdict !== ''`))
	verdict := js[string](t, ctx, `document.querySelector('#reach-answer').dataset.verdict`)
	blocker := js[string](t, ctx, `document.querySelector('#reach-answer').dataset.blocked`)
	marked := js[bool](t, ctx, `document.querySelector('#diagram svg rect.blocked') !== null`)
	if verdict != "blocked" || blocker == "" || !marked {
		t.Errorf("internet -> db: verdict %q, blocker %q, marked on the diagram %v; want blocked and marked", verdict, blocker, marked)
	}
	if *update {
		writeShot(t, "ui-before.png", shotBefore)
		writeShot(t, "ui-after.png", shotAfter)
	}
}

// TestBrowserFieldsAndSave types a public CIDR and sees the error at the
// field with validate's hint, types it back, then saves over a file that
// changed on disk and sees the conflict reported, the file untouched; and
// opens a subnet's rules with the keyboard.
func TestBrowserFieldsAndSave(t *testing.T) {
	ctx := browser(t, 1280, 800)
	url, path := serve(t)
	cidr := `#dlg-network input[data-path="network.cidr"]`
	slot := `document.querySelector('.err[data-for="network.cidr"]').textContent`
	do(t, ctx, chromedp.Navigate(url), settled(),
		chromedp.Click(`button[data-dialog="dlg-network"]`), chromedp.WaitVisible(cidr),
		selectAll(cidr), chromedp.SendKeys(cidr, "8.8.0.0/16"),
		poll(slot+`.includes('not a private range')`))
	if got := js[string](t, ctx, slot); !strings.Contains(got, "hint: use a range inside 10.0.0.0/8") {
		t.Errorf("field error %q lacks validate's hint", got)
	}
	if !js[bool](t, ctx, `document.querySelector('`+strings.ReplaceAll(cidr, `"`, `\"`)+`').getAttribute('aria-invalid') === 'true' && document.querySelector('#save').disabled`) {
		t.Error("the field is not marked invalid, or Save is on with an error")
	}
	do(t, ctx, selectAll(cidr), chromedp.SendKeys(cidr, "10.0.0.0/16"),
		poll(slot+` === '' && document.querySelector('#status').textContent === 'no unsaved changes'`),
		chromedp.Click("#nat-enabled"), chromedp.KeyEvent(kb.Escape),
		poll(`!document.querySelector('#save').disabled`))
	theirs := []byte("# changed by someone else\n")
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Click("#save"), poll(`!document.querySelector('#alert').hidden`))
	if got := js[string](t, ctx, `document.querySelector('#alert').textContent`); !strings.Contains(got, "changed on disk") {
		t.Errorf("alert %q, want the conflict", got)
	}
	if got, _ := os.ReadFile(path); string(got) != string(theirs) {
		t.Errorf("the changed file was overwritten:\n%s", got)
	}
	do(t, ctx, chromedp.Focus(`#diagram g.pick[aria-label^="subnet/public/"]`), chromedp.KeyEvent(kb.Enter),
		poll(`document.querySelector('#details h3') !== null`))
	if got := js[string](t, ctx, `document.querySelector('#details').textContent`); !strings.Contains(got, "route: 0.0.0.0/0 -> igw/main") {
		t.Errorf("public subnet details %q lack its default route", got)
	}
}

// selectAll selects the text of the field, so typing replaces it, as a
// person's Ctrl+A would.
func selectAll(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).select()`, sel))
}

// TestBrowserPhoneWidth checks the page fits a phone: nothing wider than
// the screen but the diagram, which scrolls in its own box.
func TestBrowserPhoneWidth(t *testing.T) {
	ctx := browser(t, 390, 844)
	url, _ := serve(t)
	do(t, ctx, chromedp.Navigate(url), settled())
	if js[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		wide := js[[]string](t, ctx, `Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('#diagram') && e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`)
		t.Errorf("the page is wider than a 390px screen: %v", wide)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not a number of cents: %q", s)
	}
	return n
}

func writeShot(t *testing.T, name string, png []byte) {
	t.Helper()
	if len(png) > 200<<10 {
		t.Errorf("%s is %d KB; keep screenshots under 200 KB", name, len(png)>>10)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
