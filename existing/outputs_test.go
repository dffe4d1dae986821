package existing

import (
	"testing"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

// The combined network (the VPC as read plus the stack) is what every
// output reads; the twin must be able to build it, and the analyzer must
// prove the database reachable only from the service although the VPC
// holds another workload whose group admits the whole VPC.
func TestCombinedNetwork(t *testing.T) {
	r := load(t, "three-tier")
	st := parse(t, shop+"service: {port: 8080}\ndatabase: {engine: postgres}\n")
	n, ch, d := Build(st, r.Network, r.Offerings)
	if n == nil {
		t.Fatal(d)
	}
	if n.Existing == nil || n.Existing.VPC != ch.VPC.Addr || !n.Existing.IsFound(n.Subnets[0].Addr) {
		t.Fatalf("existing = %+v", n.Existing)
	}
	if n.Existing.IsFound("db") || n.Existing.IsFound("sg/service") {
		t.Error("the stack's own resources are marked as found")
	}
	if _, err := twin.Build(n, "shop"); err != nil {
		t.Errorf("twin.Build: %v", err)
	}
	ix := analyze.NewIndex(n)
	var other *model.ENI
	for i := range n.ENIs {
		if e := &n.ENIs[i]; len(e.ID) > 0 && e.Type == "interface" {
			other = e
		}
	}
	if other == nil {
		t.Fatal("the snapshot's other workload is missing")
	}
	db, ok := n.ENI("eni/db/use1-az1")
	if !ok {
		t.Fatal("no stand-in interface for the database")
	}
	a, err := ix.Reach(analyze.Question{From: string(other.Addr), To: string(db.Addr), Port: 5432})
	if err != nil || a.Verdict != analyze.Blocked {
		t.Errorf("the other workload (%s) -> the database: %v, %v; want blocked", other.Addr, a.Verdict, err)
	}
	// The service does reach it.
	if a, err := ix.Reach(analyze.Question{From: "service", To: "db"}); err != nil || a.Verdict != analyze.Reachable {
		t.Errorf("service -> db: %v, %v; want reachable", a.Verdict, err)
	}
}
