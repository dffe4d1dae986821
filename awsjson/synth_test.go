package awsjson_test

import (
	"cmp"
	"os"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/moatnet/moat/analyze"
	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/internal/synth"
	"github.com/moatnet/moat/model"
)

// The speed target for loading, on the project's 2-core machine: the
// describe-* JSON of an account of 200 VPCs, 2,000 subnets, 20,000 ENIs
// and 5,000 security groups holding 50,000 rules (synth.Large) read from
// disk and indexed for questions (awsjson.Load, analyze.NewIndex) in under
// 2 s and 1 GiB. Run:
//
//	go test ./awsjson -run '^$' -bench LoadDescribeJSON -benchtime 3x

func BenchmarkLoadDescribeJSON(b *testing.B) {
	dir := b.TempDir()
	if err := synth.WriteDescribe(dir, synth.Account(synth.Large, 1)); err != nil {
		b.Fatal(err)
	}
	var size int64
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			size += fi.Size()
		}
	}
	// Measure from a clean heap: the generated model and JSON are garbage.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	var (
		res *awsjson.Result
		ix  *analyze.Index
	)
	var loading, indexing time.Duration
	for b.Loop() {
		t0 := time.Now()
		var diags diag.List
		res, diags = awsjson.Load(os.DirFS(dir), dir, "large")
		if res.Network == nil || diags.HasErrors() {
			b.Fatalf("load: %v", diags)
		}
		t1 := time.Now()
		ix = analyze.NewIndex(res.Network)
		loading, indexing = loading+t1.Sub(t0), indexing+time.Since(t1)
	}
	b.StopTimer()
	b.ReportMetric(float64(loading.Milliseconds())/float64(b.N), "awsjson-ms/op")
	b.ReportMetric(float64(indexing.Milliseconds())/float64(b.N), "index-ms/op")
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	runtime.GC()
	var live runtime.MemStats
	runtime.ReadMemStats(&live)
	b.ReportMetric(float64(size)/(1<<20), "json-MiB")
	// Sys is what the process took from the OS, the peak heap included;
	// live is what the loaded network and its index keep.
	b.ReportMetric(float64(after.Sys)/(1<<20), "sys-MiB")
	b.ReportMetric(float64(live.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(ix)
	runtime.KeepAlive(res)
}

// TestSynthRoundTrip prints the large synthetic account as describe-*
// JSON, loads it back and checks it is the same network: the same counts,
// no warnings, and the same answer to "which ENIs can the internet reach,
// on which ports".
func TestSynthRoundTrip(t *testing.T) {
	size := synth.Large
	if testing.Short() {
		size = synth.Size{VPCs: 12, SubnetsPerVPC: 4, ENIsPerSubnet: 5, GroupsPerVPC: 5, RulesPerGroup: 9, PublicFraction: 3}
	}
	want := synth.Account(size, 1)
	dir := t.TempDir()
	if err := synth.WriteDescribe(dir, want); err != nil {
		t.Fatal(err)
	}
	res, diags := awsjson.Load(os.DirFS(dir), "", "synthetic")
	if len(diags) > 0 || len(res.Ignored) > 0 {
		t.Fatalf("diagnostics %v, ignored %v", diags, res.Ignored)
	}
	got := res.Network
	if c, w := counts(got), counts(want); c != w {
		t.Errorf("counts:\n got %+v\nwant %+v", c, w)
	}
	if w := (netCounts{VPCs: 200, Subnets: 2000, ENIs: 20000, SGs: 5000, Rules: 50000}); size == synth.Large {
		c := counts(got)
		c.RouteTables, c.NACLs, c.IGWs, c.NATs, c.TGWAttachments, c.TGWRoutes = 0, 0, 0, 0, 0, 0
		if c != w {
			t.Errorf("large account: got %+v, want %+v", c, w)
		}
	}
	// Field by field, once the details only an import has are cleared.
	norm := normalize(got)
	for i := range want.Subnets {
		want.Subnets[i].Tier = "" // a design's notion; imports have none
	}
	// awsjson sorts by address.
	slices.SortFunc(want.RouteTables, func(x, y model.RouteTable) int { return cmp.Compare(x.Addr, y.Addr) })
	check := func(what string, g, w any) {
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s differ", what)
		}
	}
	check("VPCs", norm.VPCs, want.VPCs)
	check("subnets", norm.Subnets, want.Subnets)
	check("route tables", norm.RouteTables, want.RouteTables)
	check("internet gateways", norm.InternetGateways, want.InternetGateways)
	check("NAT gateways", norm.NATGateways, want.NATGateways)
	check("ENIs", norm.ENIs, want.ENIs)
	check("security groups", norm.SecurityGroups, want.SecurityGroups)
	check("network ACLs", norm.NetworkACLs, want.NetworkACLs)
	check("Transit Gateways", norm.TransitGateways, want.TransitGateways)
	check("TGW attachments", norm.TGWAttachments, want.TGWAttachments)
	check("TGW route tables", norm.TGWRouteTables, want.TGWRouteTables)

	ge, we := analyze.NewIndex(got).Exposure(), analyze.NewIndex(want).Exposure()
	if len(ge) == 0 || len(ge) != len(we) {
		t.Fatalf("%d ENIs exposed after the round trip, %d before", len(ge), len(we))
	}
	for i := range ge {
		if ge[i].ENI != we[i].ENI || len(ge[i].Ports) != len(we[i].Ports) {
			t.Errorf("exposure %d: %s with %d port ranges, want %s with %d", i, ge[i].ENI, len(ge[i].Ports), we[i].ENI, len(we[i].Ports))
		}
	}
}

type netCounts struct {
	VPCs, Subnets, ENIs, SGs, Rules                           int
	RouteTables, NACLs, IGWs, NATs, TGWAttachments, TGWRoutes int
}

func counts(n *model.Network) netCounts {
	c := netCounts{VPCs: len(n.VPCs), Subnets: len(n.Subnets), ENIs: len(n.ENIs), SGs: len(n.SecurityGroups),
		RouteTables: len(n.RouteTables), NACLs: len(n.NetworkACLs), IGWs: len(n.InternetGateways),
		NATs: len(n.NATGateways), TGWAttachments: len(n.TGWAttachments)}
	for _, g := range n.SecurityGroups {
		c.Rules += len(g.Ingress) + len(g.Egress)
	}
	for _, t := range n.TGWRouteTables {
		c.TGWRoutes += len(t.Routes)
	}
	return c
}

// normalize clears what awsjson fills in from fields synth does not set
// (AWS ids, names, interface types, zones, Regions), on a copy of n's slices.
func normalize(n *model.Network) model.Network {
	m := *n
	m.Zones, m.Name = nil, "synthetic"
	m.ENIs = append([]model.ENI(nil), n.ENIs...)
	for i := range m.ENIs {
		m.ENIs[i].Type = ""
	}
	m.SecurityGroups = append([]model.SecurityGroup(nil), n.SecurityGroups...)
	for i := range m.SecurityGroups {
		m.SecurityGroups[i].Name, m.SecurityGroups[i].Description = "", ""
	}
	m.NATGateways = append([]model.NATGateway(nil), n.NATGateways...)
	for i := range m.NATGateways {
		m.NATGateways[i].ID = ""
	}
	m.TransitGateways = append([]model.TransitGateway(nil), n.TransitGateways...)
	for i := range m.TransitGateways {
		m.TransitGateways[i].Region = "" // from its ARN
	}
	m.RouteTables = append([]model.RouteTable(nil), n.RouteTables...)
	for i := range m.RouteTables {
		rs := append([]model.Route(nil), m.RouteTables[i].Routes...)
		for j := range rs {
			rs[j].Origin = "" // the dump's; a design has none
		}
		m.RouteTables[i].Routes = rs
	}
	m.TGWAttachments = append([]model.TGWAttachment(nil), n.TGWAttachments...)
	for i := range m.TGWAttachments {
		m.TGWAttachments[i].ID = ""
	}
	return m
}
