package analyze

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v4"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/model"
)

// batfishDir holds Batfish's AWS test snapshots and their expected
// verdicts, transcribed as data (see the header of expected.yaml).
var batfishDir = filepath.Join("..", "..", "shared", "fixtures", "batfish-aws")

type bfExpected struct {
	Snapshots []struct {
		Snapshot    string   `yaml:"snapshot"`
		FilesLoaded []string `yaml:"files_loaded"`
		Cases       []struct {
			Case string `yaml:"case"`
			Flow struct {
				StartNode     string `yaml:"start_node"`
				SrcIP         string `yaml:"src_ip"`
				DstIP         string `yaml:"dst_ip"`
				IPProtocol    int    `yaml:"ip_protocol"`
				SrcPort       any    `yaml:"src_port"`
				DstPort       any    `yaml:"dst_port"`
				Bidirectional bool   `yaml:"bidirectional"`
			} `yaml:"flow"`
			Expect struct {
				Disposition      string   `yaml:"disposition"`
				DispositionAnyOf []string `yaml:"disposition_any_of"`
				Why              string   `yaml:"why"`
			} `yaml:"expect"`
		} `yaml:"cases"`
	} `yaml:"snapshots"`
}

// batfishDiffers lists the cases where moat's verdict differs from
// Batfish's on purpose, because AWS documents the behaviour differently
// from Batfish's model. Each entry says why, with the AWS documentation.
var batfishDiffers = map[string]string{
	// Batfish carries AWS's ip-ranges.json and drops unused Amazon
	// addresses at its backbone node; moat does not carry AWS's address
	// space, so any public address outside the model is "the internet".
	"test-public-subnet/testFromInternetToInvalidPublicIp": "moat does not model AWS's own address space (ip-ranges.json)",
	// Beyond a virtual private gateway or a Direct Connect gateway lie
	// routes learned by BGP from on-premises routers (Batfish reads their
	// configurations). moat stops at the edge: a flow that leaves through
	// the gateway counts as leaving the modeled network.
	"test-public-private-subnet/testToInternet#2":          "moat stops at the VPN edge; the on-premises routes are outside the model",
	"test-vpn-gateway/testToOnPrem":                        "moat stops at the VPN edge; the on-premises routes are outside the model",
	"test-vpn-gateway/testInstanceToUnderlayInterfaceIp":   "moat stops at the VPN edge; the VGW's underlay addresses are outside the model",
	"test-vpn-gateway/testInternetToUnderlayInterfaceIp":   "moat does not model the VGW's underlay (tunnel) addresses",
	"test-direct-connect-gateway/testFromInstanceToOnPrem": "moat does not model routes a Transit Gateway learns by BGP from Direct Connect or VPN",
}

// TestBatfishReplay replays every flow case of Batfish's AWS tests through
// awsjson and analyze and compares the verdicts (reachable: ACCEPTED or
// EXITS_NETWORK; anything else: blocked). Cases whose start is a node
// moat does not model as a source (a VPN gateway, the VPC router itself,
// an on-premises router) are counted as skipped.
func TestBatfishReplay(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(batfishDir, "expected.yaml"))
	if err != nil {
		t.Skipf("Batfish fixtures not found at %s (they live in the shared workspace, outside the module): %v", batfishDir, err)
	}
	var exp bfExpected
	if err := yaml.Unmarshal(raw, &exp); err != nil {
		t.Fatalf("read expected.yaml: %v", err)
	}
	var pass, differ, known, skipped int
	for _, snap := range exp.Snapshots {
		fsys := fstest.MapFS{}
		for _, f := range snap.FilesLoaded {
			b, err := os.ReadFile(filepath.Join(batfishDir, snap.Snapshot, "aws_configs", f))
			if err != nil {
				// Some snapshots keep files one directory further down
				// (one per account or region).
				continue
			}
			fsys["aws/"+f] = &fstest.MapFile{Data: b}
		}
		addNested(t, fsys, filepath.Join(batfishDir, snap.Snapshot, "aws_configs"), snap.FilesLoaded)
		r := awsjson.Load(fsys, "aws", snap.Snapshot)
		if r.Network == nil {
			t.Errorf("%s: awsjson could not load it: %v", snap.Snapshot, r.Diags)
			continue
		}
		ix := NewIndex(r.Network)
		for _, c := range snap.Cases {
			wantOK := okDisposition(c.Expect.Disposition)
			for _, d := range c.Expect.DispositionAnyOf {
				wantOK = wantOK || okDisposition(d)
			}
			f, why := batfishFlow(ix, c.Flow.StartNode, c.Flow.SrcIP, c.Flow.DstIP, c.Flow.IPProtocol, c.Flow.SrcPort, c.Flow.DstPort)
			if why != "" {
				skipped++
				t.Logf("skip %s: %s", c.Case, why)
				continue
			}
			p := ix.Trace(f)
			gotOK := forwardOK(p)
			if c.Flow.Bidirectional {
				gotOK = p.Reachable
			}
			switch {
			case gotOK == wantOK:
				pass++
			case batfishDiffers[c.Case] != "":
				known++
				t.Logf("differ (on purpose) %s: %s", c.Case, batfishDiffers[c.Case])
			default:
				differ++
				t.Errorf("%s: moat says reachable=%v, Batfish %s%v (%s)\n  path: %s\n  blocks: %v", c.Case, gotOK,
					c.Expect.Disposition, c.Expect.DispositionAnyOf, strings.TrimSpace(c.Expect.Why), p.Summary(), p.Blocks)
			}
		}
	}
	t.Logf("Batfish replay: %d agree, %d differ on purpose, %d differ, %d skipped", pass, known, differ, skipped)
}

// addNested adds files_loaded entries that name a subdirectory
// (account/region layouts).
func addNested(t *testing.T, fsys fstest.MapFS, dir string, files []string) {
	for _, f := range files {
		if !strings.Contains(f, "/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err == nil {
			fsys["aws/"+f] = &fstest.MapFile{Data: b}
		}
	}
}

func okDisposition(d string) bool { return d == "ACCEPTED" || d == "EXITS_NETWORK" }

func forwardOK(p Path) bool {
	for _, b := range p.Blocks {
		if b.Direction == Forward {
			return false
		}
	}
	return len(p.Forward) > 0
}

// batfishFlow builds moat's flow for a case, or says why it cannot.
func batfishFlow(ix *Index, start, srcIP, dstIP string, proto int, sport, dport any) (Flow, string) {
	src, err := netip.ParseAddr(srcIP)
	if err != nil {
		return Flow{}, fmt.Sprintf("source IP %q", srcIP)
	}
	dst, err := netip.ParseAddr(dstIP)
	if err != nil {
		return Flow{}, fmt.Sprintf("destination IP %q", dstIP)
	}
	f := Flow{Dst: ix.ipEndpoint(dst), Port: portOf(dport), SrcPort: portOf(sport)}
	if f.SrcPort == 0 {
		f.SrcPort = DefaultSourcePort
	}
	switch proto {
	case 6:
		f.Proto = model.TCP
	case 17:
		f.Proto = model.UDP
	case 1:
		f.Proto = model.ICMP
	default:
		// Protocol 0 (Batfish's default) and others match only rules
		// for all protocols, which a named protocol does the same way.
		f.Proto = model.Protocol(fmt.Sprint(proto))
	}
	switch {
	case start == "internet":
		f.Src = Endpoint{Kind: Internet, IP: src}
	case strings.HasPrefix(start, "i-"):
		eps, err := ix.Resolve(start, true)
		if err != nil {
			return Flow{}, err.Error()
		}
		f.Src = eps[0]
		if i := slices.IndexFunc(eps, func(e Endpoint) bool { return e.IP == src }); i >= 0 {
			f.Src = eps[i]
		}
	case strings.HasPrefix(start, "subnet-"):
		eps, err := ix.Resolve(start, true)
		if err != nil {
			return Flow{}, err.Error()
		}
		f.Src = eps[0]
		f.Src.IP = src
	default:
		return Flow{}, fmt.Sprintf("start node %s is not a source moat models", start)
	}
	return f, ""
}

func portOf(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case uint64:
		return int(x)
	case int64:
		return int(x)
	}
	return 0
}
