package analyze

import (
	"testing"

	"github.com/moatnet/moat/model"
)

// FuzzReach: no question, however malformed, panics.
func FuzzReach(f *testing.F) {
	ix := NewIndex(compiled(f, "examples/webapp.yaml"))
	for _, s := range [][2]string{{"internet", "alb"}, {"sg/db", "10.0.0.5"}, {"subnet/public/use1-az1", "s3"}, {"eni-1", "::1"}} {
		f.Add(s[0], s[1], "tcp", 443)
	}
	f.Fuzz(func(t *testing.T, from, to, proto string, port int) {
		p, err := model.ParseProtocol(proto)
		if err != nil {
			return
		}
		_, _ = ix.Reach(Question{From: from, To: to, Proto: p, Port: port})
	})
}

func TestEmptyNetwork(t *testing.T) {
	ix := NewIndex(nil)
	if _, err := ix.Reach(Question{From: "internet", To: "db"}); err == nil {
		t.Error("an empty network resolved db")
	}
	if len(ix.Verify(nil)) != 1 || len(ix.Audit().Subnets) != 0 {
		t.Error("an empty network has checks or subnets")
	}
}
