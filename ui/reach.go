package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/internal/derive"
	"github.com/moatnet/moat/model"
)

// reachIn is the reach box: from, to, protocol and port (empty: the
// destination's own port, as moat reach picks it).
type reachIn struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Proto string `json:"proto"`
	Port  string `json:"port"`
}

// ReachResult is the answer with its paths and the diagram drawn with the
// path highlighted and the blocker marked.
type ReachResult struct {
	Verdict string              `json:"verdict"`
	Summary string              `json:"summary"`
	Paths   []ReachPath         `json:"paths"`
	Blocked model.ResourceRef   `json:"blocked,omitempty"`
	Path    []model.ResourceRef `json:"path"`
	Diagram *Drawing            `json:"diagram,omitempty"`
}

// ReachPath is one class of the answer.
type ReachPath struct {
	Mark   string   `json:"mark"`
	Class  string   `json:"class"`
	Hops   []string `json:"hops"`
	Return []string `json:"return,omitempty"`
	Blocks []string `json:"blocks,omitempty"`
}

// Reach answers q over the spec src as moat reach does.
func Reach(file string, src []byte, q reachIn) (*ReachResult, error) {
	_, n, ds := design(file, src)
	if n == nil {
		return nil, fmt.Errorf("the spec has errors (%d): fix them first", len(ds))
	}
	proto := model.TCP
	if p := strings.TrimSpace(q.Proto); p != "" {
		var err error
		if proto, err = model.ParseProtocol(p); err != nil {
			return nil, fmt.Errorf("protocol: %w", err)
		}
	}
	aq := analyze.Question{From: strings.TrimSpace(q.From), To: strings.TrimSpace(q.To), Proto: proto}
	if p := strings.TrimSpace(q.Port); p != "" {
		ps, err := analyze.ParsePorts(p)
		if err != nil {
			return nil, fmt.Errorf("port: %w", err)
		}
		aq.Ports = ps
	}
	a, err := analyze.NewIndex(n).Reach(aq)
	if err != nil {
		return nil, err
	}
	opts := derive.PathOptions(a)
	out := &ReachResult{Verdict: string(a.Verdict), Blocked: opts.Blocked, Path: opts.Highlight, Diagram: draw(n, opts)}
	out.Summary = fmt.Sprintf("%s: %s -> %s on %s/%s", strings.ToUpper(string(a.Verdict)), a.From, a.To, a.Proto, a.Ports)
	for _, p := range a.Paths {
		rp := ReachPath{Mark: "✓", Class: analyze.ClassText(p)}
		if !p.Reachable {
			rp.Mark = "✗"
		}
		for _, h := range p.Forward {
			rp.Hops = append(rp.Hops, h.String())
		}
		for _, h := range p.Return {
			rp.Return = append(rp.Return, h.String())
		}
		for _, b := range p.Blockers {
			rp.Blocks = append(rp.Blocks, b.Text()+" (fix: "+b.Fix+")")
		}
		out.Paths = append(out.Paths, rp)
	}
	return out, nil
}

func (s *Server) handleReach(w http.ResponseWriter, r *http.Request) {
	req, _, src, ok := s.edited(w, r)
	if !ok {
		return
	}
	if req.Reach == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no reach question"})
		return
	}
	res, err := Reach(s.name(), src, *req.Reach)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// Template is the CloudFormation template of the spec src, as moat plan
// writes it, and the stack's name.
func Template(file string, src []byte) ([]byte, string, error) {
	_, n, ds := design(file, src)
	if n == nil {
		return nil, "", fmt.Errorf("the spec has errors (%d): fix them first", len(ds))
	}
	body, _, err := derive.Template(n, "yaml")
	return body, n.Name, err
}
