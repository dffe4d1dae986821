package analyze

import (
	"runtime"
	"sync"
	"testing"

	"github.com/moatnet/moat/internal/synth"
	"github.com/moatnet/moat/model"
)

// The speed targets, on the project's 2-core machine, for an account of
// 200 VPCs, 2,000 subnets, 20,000 ENIs and 5,000 security groups holding
// 50,000 rules (synth.Large): load (NewIndex) under 2 s; one flow question
// under 1 ms; every ENI the internet can reach, on which ports, under 1 s;
// under 1 GiB of memory. Run:
//
//	go test ./analyze -run '^$' -bench . -benchtime 3x

var large = sync.OnceValue(func() *model.Network { return synth.Account(synth.Large, 1) })

// reportHeap records the live heap after the work, as a custom metric.
func reportHeap(b *testing.B) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MiB")
}

func BenchmarkBuildIndex(b *testing.B) {
	n := large()
	b.ReportAllocs()
	var ix *Index
	for b.Loop() {
		ix = NewIndex(n)
	}
	_ = ix
	reportHeap(b)
}

func BenchmarkReachOneFlow(b *testing.B) {
	ix := NewIndex(large())
	// Across the Transit Gateway, from a private subnet of VPC 3 to one of
	// VPC 150, then the reply.
	f := Flow{Src: ix.mustFlowEnd("eni/eni-0003-07-03"), Dst: ix.mustFlowEnd("eni/eni-0150-08-05"), Proto: model.TCP, Port: 443, SrcPort: DefaultSourcePort}
	b.ReportAllocs()
	for b.Loop() {
		ix.Trace(f)
	}
	reportHeap(b)
}

func BenchmarkInternetExposure(b *testing.B) { benchExposure(b, large()) }

// benchExposure times the exact exposure search of n.
func benchExposure(b *testing.B, n *model.Network) {
	ix := NewIndex(n)
	b.ReportAllocs()
	var count int
	for b.Loop() {
		count = len(ix.Exposure())
	}
	b.ReportMetric(float64(count), "exposed-ENIs")
	reportHeap(b)
}

// benchVerify times a full verify of n.
func benchVerify(b *testing.B, n *model.Network) {
	ix := NewIndex(n)
	b.ReportAllocs()
	var count int
	for b.Loop() {
		count = len(ix.Verify(nil))
	}
	b.ReportMetric(float64(count), "checks")
	reportHeap(b)
}

func (ix *Index) mustFlowEnd(a string) FlowEnd {
	eps, err := ix.Resolve(a, true)
	if err != nil {
		panic(err)
	}
	return eps[0]
}

// huge is the account at five times the ENIs (100,000), to show how the
// exact analysis's cost grows with the account.
var huge = sync.OnceValue(func() *model.Network {
	s := synth.Large
	s.ENIsPerSubnet *= 5
	return synth.Account(s, 1)
})

func BenchmarkReachExact(b *testing.B) {
	ix := NewIndex(large())
	// Every host of a private subnet of VPC 3 to an interface of VPC 150,
	// over every Linux client port: an exact answer, not one flow.
	q := Question{From: "subnet/subnet-0003-07", To: "eni/eni-0150-08-05", Port: 443}
	if _, err := ix.Reach(q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Reach(q); err != nil {
			b.Fatal(err)
		}
	}
	reportHeap(b)
}

func BenchmarkVerifyLarge(b *testing.B) { benchVerify(b, large()) }

func BenchmarkInternetExposureHuge(b *testing.B) { benchExposure(b, huge()) }

func BenchmarkVerifyHuge(b *testing.B) { benchVerify(b, huge()) }
