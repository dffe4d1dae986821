package analyze

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go4.org/netipx"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/cfnimport"
	"github.com/moatnet/moat/model"
)

// documentedCase is one entry of testdata/documented/cases.json: a small
// network, one question, and the answer the cited AWS page gives.
type documentedCase struct {
	Name, Network, Page, Says string
	Question                  struct {
		From, To, Proto string
		Port            int
	}
	Answer struct {
		Verdict string
		// ReachesFrom is exactly the part of FROM that reaches;
		// ReachesFromIncludes and ReachesFromExcludes are addresses
		// that must be inside or outside it.
		ReachesFrom         []netip.Prefix `json:"reaches_from"`
		ReachesFromIncludes []netip.Addr   `json:"reaches_from_includes"`
		ReachesFromExcludes []netip.Addr   `json:"reaches_from_excludes"`
		// ClientPorts is exactly the client ports that reach.
		ClientPorts string `json:"client_ports"`
		// Via is text every reaching path's hops hold; BlockedBy a
		// resource that blocks some path; Unknown text the unresolved
		// parts name.
		Via       string
		BlockedBy model.ResourceRef `json:"blocked_by"`
		Unknown   string
	}
}

// TestDocumentedAnswers runs the corpus of networks whose answers AWS's
// documentation settles (testdata/documented/cases.json; the networks are
// under testdata/documented and testdata/semantics) and fails on every
// wrong answer.
func TestDocumentedAnswers(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "documented", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct{ Cases []documentedCase }
	if err := json.Unmarshal(src, &corpus); err != nil {
		t.Fatal(err)
	}
	nets := map[string]*Index{}
	right := 0
	for _, c := range corpus.Cases {
		if c.Page == "" || c.Says == "" || c.Answer.Verdict == "" {
			t.Errorf("%s: a case needs its answer, the page that settles it and what the page says", c.Name)
			continue
		}
		ix := nets[c.Network]
		if ix == nil {
			ix = loadDocumented(t, c.Network)
			nets[c.Network] = ix
		}
		if wrong := judgeDocumented(ix, c); len(wrong) > 0 {
			t.Errorf("%s (%s): %s\n  AWS: %s (%s)", c.Name, c.Network, strings.Join(wrong, "; "), c.Says, c.Page)
			continue
		}
		right++
	}
	t.Logf("%d of %d right, on %d networks", right, len(corpus.Cases), len(nets))
	if len(corpus.Cases) < 18 || len(nets) < 18 {
		t.Errorf("the corpus has %d cases on %d networks; it needs at least 18 of each", len(corpus.Cases), len(nets))
	}
}

// loadDocumented reads a network of the corpus: a template (*.yaml) or a
// describe-* directory, relative to testdata/.
func loadDocumented(t *testing.T, rel string) *Index {
	t.Helper()
	path := filepath.Join("..", "testdata", rel)
	if strings.HasSuffix(rel, ".yaml") {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		n, ds := cfnimport.Parse(path, src, filepath.Base(rel))
		if ds.HasErrors() {
			t.Fatalf("import %s: %v", rel, ds)
		}
		return NewIndex(n)
	}
	r, ds := awsjson.Load(os.DirFS(path), "", filepath.Base(rel))
	if ds.HasErrors() {
		t.Fatalf("load %s: %v", rel, ds)
	}
	return NewIndex(r.Network)
}

// judgeDocumented asks the case's question and lists how the analyzer's
// answer differs from AWS's; none means right.
func judgeDocumented(ix *Index, c documentedCase) []string {
	q := Question{From: c.Question.From, To: c.Question.To, Port: c.Question.Port}
	switch c.Question.Proto {
	case "udp":
		q.Proto = model.UDP
	case "icmp":
		q.Proto = model.ICMP
	default:
		q.Proto = model.TCP
	}
	a, err := ix.Reach(q)
	if err != nil {
		return []string{err.Error()}
	}
	var wrong []string
	want := c.Answer
	if got := documentedVerdict(a); got != want.Verdict {
		wrong = append(wrong, fmt.Sprintf("answer %s, want %s", got, want.Verdict))
	}
	var from netipx.IPSetBuilder
	var clientPorts PortSet
	var blocks, unknown []string
	for _, p := range a.Paths {
		unknown = append(unknown, p.Unknown...)
		for _, b := range p.Blockers {
			blocks = append(blocks, string(b.Resource))
		}
		if !p.Reachable {
			continue
		}
		if want.Via != "" && !strings.Contains(hopsText(p), want.Via) {
			wrong = append(wrong, fmt.Sprintf("%s does not go %q:\n%s", ClassText(p), want.Via, hopsText(p)))
		}
		if p.Class != nil {
			for _, s := range p.Class.Src {
				from.AddPrefix(s)
			}
			clientPorts = clientPorts.Union(p.Class.SrcPorts)
		}
	}
	reached, _ := from.IPSet()
	if want.ReachesFrom != nil {
		var wb netipx.IPSetBuilder
		for _, s := range want.ReachesFrom {
			wb.AddPrefix(s)
		}
		if ws, _ := wb.IPSet(); !ws.Equal(reached) {
			wrong = append(wrong, fmt.Sprintf("reached from %v, want %v", reached.Prefixes(), want.ReachesFrom))
		}
	}
	for _, ip := range want.ReachesFromIncludes {
		if !reached.Contains(ip) {
			wrong = append(wrong, fmt.Sprintf("%s does not reach", ip))
		}
	}
	for _, ip := range want.ReachesFromExcludes {
		if reached.Contains(ip) {
			wrong = append(wrong, fmt.Sprintf("%s reaches", ip))
		}
	}
	if want.ClientPorts != "" && clientPorts.String() != want.ClientPorts {
		wrong = append(wrong, fmt.Sprintf("client ports %s reach, want %s", clientPorts, want.ClientPorts))
	}
	if want.BlockedBy != "" && !strings.Contains(strings.Join(blocks, " "), string(want.BlockedBy)) {
		wrong = append(wrong, fmt.Sprintf("blocked by %v, want %s", blocks, want.BlockedBy))
	}
	if want.Unknown != "" && !strings.Contains(strings.Join(unknown, "; "), want.Unknown) {
		wrong = append(wrong, fmt.Sprintf("not known: %v, want %q named", unknown, want.Unknown))
	}
	return wrong
}

// documentedVerdict is an answer as the corpus states it: "unknown" when
// any part rests on what the input does not define, else the verdict.
func documentedVerdict(a Answer) string {
	for _, p := range a.Paths {
		if len(p.Unknown) > 0 {
			return "unknown"
		}
	}
	return string(a.Verdict)
}
