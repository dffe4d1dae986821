package ui

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/moatnet/moat/internal/atomicfile"
)

//go:embed assets
var assets embed.FS

// cookieName holds the token after the first visit.
const cookieName = "moat_ui_token"

// maxBody bounds a request body: a spec's edits are small.
const maxBody = 1 << 20

// Server serves one spec file on one loopback port.
type Server struct {
	file  string
	token string
	hosts map[string]bool // the Host headers accepted

	mu   sync.Mutex
	orig []byte // the spec as loaded (or last saved)
}

// New loads the spec at file for a server that will listen on 127.0.0.1
// at port and accept token.
func New(file string, port int, token string) (*Server, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	if token == "" {
		return nil, errors.New("the UI needs a token")
	}
	p := strconv.Itoa(port)
	return &Server{file: file, token: token, orig: src,
		hosts: map[string]bool{"127.0.0.1:" + p: true, "localhost:" + p: true}}, nil
}

// NewToken is a one-time secret for the page's URL: 32 random bytes, hex.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// URL is the address to open: the page with the token.
func URL(port int, token string) string {
	return fmt.Sprintf("http://127.0.0.1:%d/?token=%s", port, token)
}

// Serve answers on l until ctx ends, then shuts down, letting requests
// under way finish for up to two seconds.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// Handler is the page and its API, behind the Host and token checks.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(static)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s.reload()
		http.ServeFileFS(w, r, static, "index.html")
	})
	mux.Handle("GET /app.js", files)
	mux.Handle("GET /app.css", files)
	mux.HandleFunc("POST /api/plan", s.handlePlan)
	mux.HandleFunc("POST /api/verify", s.handleVerify)
	mux.HandleFunc("POST /api/reach", s.handleReach)
	mux.HandleFunc("POST /api/template", s.handleTemplate)
	mux.HandleFunc("POST /api/save", s.handleSave)
	return s.guard(mux)
}

// guard refuses a request whose Host is not this server's loopback
// address (DNS rebinding: 421) or that lacks the token (403). A first
// visit with ?token= gets the cookie and is sent on to the page without
// the token in its address.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if !s.hosts[r.Host] {
			http.Error(w, "moat ui answers only at the address it printed (127.0.0.1 or localhost, its port)", http.StatusMisdirectedRequest)
			return
		}
		if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && r.URL.Path == "/" {
			if !s.tokenOK(q) {
				http.Error(w, "wrong token: open the address moat ui printed", http.StatusForbidden)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		tok := r.Header.Get("X-Moat-Token")
		if c, err := r.Cookie(cookieName); err == nil && tok == "" {
			tok = c.Value
		}
		if !s.tokenOK(tok) {
			http.Error(w, "no token: open the address moat ui printed, with its ?token=", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !s.hosts[trimScheme(o)] {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// reload reads the spec from disk again: a page opened (or reloaded)
// starts from the file as it is now.
func (s *Server) reload() {
	src, err := os.ReadFile(s.file)
	if err != nil {
		return // keep what was loaded; save reports the problem
	}
	s.mu.Lock()
	s.orig = src
	s.mu.Unlock()
}

func (s *Server) tokenOK(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

func trimScheme(origin string) string {
	for _, p := range []string{"http://", "https://"} {
		if len(origin) > len(p) && origin[:len(p)] == p {
			return origin[len(p):]
		}
	}
	return origin
}

// request is what the page posts: its edits relative to the spec as
// loaded, and for save the hash of that spec, for reach the question.
type request struct {
	Edits []Edit   `json:"edits"`
	Hash  string   `json:"hash,omitempty"`
	Reach *reachIn `json:"reach,omitempty"`
}

// edited reads the request and applies its edits to the loaded spec.
func (s *Server) edited(w http.ResponseWriter, r *http.Request) (request, []byte, []byte, bool) {
	var req request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request: " + err.Error()})
		return req, nil, nil, false
	}
	s.mu.Lock()
	orig := s.orig
	s.mu.Unlock()
	src, err := ApplyEdits(orig, expandEdits(orig, req.Edits))
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return req, nil, nil, false
	}
	return req, orig, src, true
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (s *Server) name() string { return filepath.Base(s.file) }

// planReply is the plan with the hash of the spec the edits apply to.
type planReply struct {
	*Result
	Hash string `json:"hash"`
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) {
	_, orig, src, ok := s.edited(w, r)
	if !ok {
		return
	}
	res := Plan(s.name(), src)
	res.Changed = string(src) != string(orig)
	writeJSON(w, http.StatusOK, planReply{res, hashOf(orig)})
}

func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	_, _, src, ok := s.edited(w, r)
	if !ok {
		return
	}
	checks, err := Verify(s.name(), src)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"checks": checks})
}

func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) {
	_, _, src, ok := s.edited(w, r)
	if !ok {
		return
	}
	body, stack, err := Template(s.name(), src)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", stack+"-template.yaml"))
	w.Write(body)
}

// handleSave writes the edited spec over the file, atomically, unless the
// file changed on disk since it was loaded (409: nothing is written) or
// the edited spec has errors (422).
func (s *Server) handleSave(w http.ResponseWriter, r *http.Request) {
	req, orig, src, ok := s.edited(w, r)
	if !ok {
		return
	}
	if _, n, ds := design(s.name(), src); n == nil || ds.HasErrors() {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "the edited spec has errors; fix them before saving"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	disk, err := os.ReadFile(s.file)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "read " + s.file + ": " + err.Error()})
		return
	}
	if hashOf(disk) != hashOf(s.orig) || (req.Hash != "" && req.Hash != hashOf(orig)) || string(orig) != string(s.orig) {
		writeJSON(w, http.StatusConflict, map[string]string{"error": s.file + " changed on disk since it was loaded; it was not overwritten. Reload the page to start from the file as it is now."})
		return
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(s.file); err == nil {
		perm = fi.Mode().Perm()
	}
	if err := atomicfile.Write(s.file, src, perm); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	s.orig = src
	writeJSON(w, http.StatusOK, map[string]string{"hash": hashOf(src), "saved": s.file})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
