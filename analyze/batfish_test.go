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
var batfishDir = filepath.Join("..", "testdata", "batfish")

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
				// A reachability search (kind "reachability"): is any
				// flow from StartLocation accepted at FinalNode?
				Kind          string `yaml:"kind"`
				StartLocation string `yaml:"start_location"`
				FinalNode     string `yaml:"final_node"`
			} `yaml:"flow"`
			Expect struct {
				Disposition      string   `yaml:"disposition"`
				DispositionAnyOf []string `yaml:"disposition_any_of"`
				Why              string   `yaml:"why"`
				// Result of a reachability search.
				Result string `yaml:"result"`
			} `yaml:"expect"`
		} `yaml:"cases"`
	} `yaml:"snapshots"`
}

// batfishDiffers lists the cases where moat's verdict differs from
// Batfish's on purpose. None contradicts AWS's documented behaviour; each
// rests on data the snapshot does not hold, and each entry says which.
//
// Routes learned by BGP are the main one. In a real account they are in the
// describe output moat reads: describe-route-tables lists a route a
// virtual private gateway propagates with Origin "EnableVgwRoutePropagation"
// (EC2 API reference, Route data type:
// docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html), and
// search-transit-gateway-routes lists Direct Connect and VPN routes with
// Type "propagated" (API_TransitGatewayRoute.html). The Batfish snapshots
// leave them out because Batfish computes them from the on-premises
// routers' configurations, which moat does not read.
var batfishDiffers = map[string]string{
	// Batfish carries AWS's ip-ranges.json and drops unused Amazon
	// addresses at its backbone node; moat does not carry AWS's address
	// space, so any public address outside the model is "the internet".
	// AWS's own page says that file cannot settle it: "We don't publish
	// the IP address ranges for all services", and BYOIP ranges are left
	// out (docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html).
	// What an address the network does not own reaches is not the
	// network's to prove; the answer is about the network's own ends.
	"test-public-subnet/testFromInternetToInvalidPublicIp": "moat does not model AWS's own address space (ip-ranges.json)",
	// Beyond a virtual private gateway or a Transit Gateway lie routes
	// learned by BGP from on-premises routers (Batfish reads their
	// configurations). The describe output holds only static VPN routes;
	// moat assumes a BGP session's routes cover the destination and that
	// the packet then leaves the modeled network (on premises is an
	// endpoint, not a router).
	//
	// vpn-03701a53bba3c48b7 is a BGP connection: the VGW's default route
	// is the one on-prem originates (default-originate in
	// configs/vpn-03701a53bba3c48b7.txt), and on-prem itself has no route
	// for 8.8.8.8. Missing: BGP routes learned by the VGW, and the on-prem
	// router's routing table.
	"test-vpn-gateway/testToOnPrem": "BGP routes the VGW learns from on-prem and the on-prem router's own routing table are not modeled",
	// The same path to a tunnel outside address of the VGW: Batfish keeps
	// it in a separate underlay VRF, so the VPC side forwards it to
	// on-prem, which has no route. Missing: the same two, plus the VGW's
	// underlay VRF.
	"test-vpn-gateway/testInstanceToUnderlayInterfaceIp": "BGP routes the VGW learns from on-prem, the on-prem router's routing table and the VGW's underlay VRF are not modeled",
	// tgw-rtb-dx01 learns 10.10.0.0/16 by BGP from the Direct Connect
	// gateway and the VPN; neither is in TransitGatewayStaticRoutes.json.
	"test-direct-connect-gateway/testFromInstanceToOnPrem": "routes a Transit Gateway learns by BGP from Direct Connect or a VPN are not in the describe output",
}

// TestBatfishReplay replays every flow case of Batfish's AWS tests through
// awsjson and analyze and compares the verdicts (reachable: ACCEPTED or
// EXITS_NETWORK; anything else: blocked). A VGW start node is a host
// beyond the gateway, the VPC router a Router source, a non-AWS router
// an OnPremises end of the VPN connection or virtual interface whose
// far-end address its configuration holds (configs/*.txt: interface
// addresses only); a reachability search tries concrete flows from the
// start's primary address (batfishSearch). Cases moat still cannot start
// are counted as skipped. Last run: 64 agree, 4 differ on purpose,
// 0 skipped.
func TestBatfishReplay(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(batfishDir, "expected.yaml"))
	if err != nil {
		t.Fatalf("Batfish fixtures not found at %s (testdata/batfish ships with the module): %v", batfishDir, err)
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
		r, diags := awsjson.Load(fsys, "aws", snap.Snapshot)
		if r.Network == nil {
			t.Errorf("%s: awsjson could not load it: %v", snap.Snapshot, diags)
			continue
		}
		ix := NewIndex(r.Network)
		for _, c := range snap.Cases {
			wantOK := okDisposition(c.Expect.Disposition) || strings.HasPrefix(c.Expect.Result, "at least one flow found")
			for _, d := range c.Expect.DispositionAnyOf {
				wantOK = wantOK || okDisposition(d)
			}
			var p Path
			var gotOK bool
			if strings.HasPrefix(c.Flow.Kind, "reachability") {
				var why string
				p, gotOK, why = batfishSearch(ix, c.Flow.StartLocation, c.Flow.FinalNode)
				if why != "" {
					skipped++
					t.Logf("skip %s: %s", c.Case, why)
					continue
				}
			} else {
				f, why := batfishFlow(ix, filepath.Join(batfishDir, snap.Snapshot), c.Flow.StartNode, c.Flow.SrcIP, c.Flow.DstIP, c.Flow.IPProtocol, c.Flow.SrcPort, c.Flow.DstPort)
				if why != "" {
					skipped++
					t.Logf("skip %s: %s", c.Case, why)
					continue
				}
				p = ix.Trace(f)
				gotOK = forwardOK(p)
				if c.Flow.Bidirectional {
					gotOK = p.Reachable
				}
			}
			switch {
			case gotOK == wantOK:
				pass++
				if batfishDiffers[c.Case] != "" {
					t.Errorf("%s agrees with Batfish now: take it out of batfishDiffers", c.Case)
				}
			case batfishDiffers[c.Case] != "":
				known++
				t.Logf("differ (on purpose) %s: %s", c.Case, batfishDiffers[c.Case])
			default:
				differ++
				t.Errorf("%s: moat says reachable=%v, Batfish %s%v (%s)\n  path: %s\n  blocks: %v", c.Case, gotOK,
					c.Expect.Disposition, c.Expect.DispositionAnyOf, strings.TrimSpace(c.Expect.Why), p.Summary(), p.Blockers)
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
	for _, b := range p.Blockers {
		if b.Direction == Forward {
			return false
		}
	}
	return len(p.Forward) > 0
}

// batfishFlow builds moat's flow for a case, or says why it cannot.
func batfishFlow(ix *Index, snapDir, start, srcIP, dstIP string, proto int, sport, dport any) (Flow, string) {
	src, err := netip.ParseAddr(srcIP)
	if err != nil {
		return Flow{}, fmt.Sprintf("source IP %q", srcIP)
	}
	dst, err := netip.ParseAddr(dstIP)
	if err != nil {
		return Flow{}, fmt.Sprintf("destination IP %q", dstIP)
	}
	f := Flow{Dst: ix.ipFlowEnd(dst, nil), Port: portOf(dport), SrcPort: portOf(sport)}
	if ix.byPublic[dst] != nil {
		// The packet carries the public address given, not the private
		// one moat's endpoint for the interface names.
		f.Dst.IP = dst
	}
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
		// 253 (RFC 3692, for experiments) stands for it: no rule names it.
		f.Proto = model.ProtocolNumber(proto)
		if proto == 0 {
			f.Proto = model.ProtocolNumber(253)
		}
	}
	switch {
	case start == "internet":
		f.Src = FlowEnd{Kind: Internet, IP: src}
	case strings.HasPrefix(start, "i-"):
		eps, err := ix.Resolve(start, true)
		if err != nil {
			return Flow{}, err.Error()
		}
		f.Src = eps[0]
		if i := slices.IndexFunc(eps, func(e FlowEnd) bool { return e.IP == src }); i >= 0 {
			f.Src = eps[i]
		}
	case strings.HasPrefix(start, "subnet-"):
		eps, err := ix.Resolve(start, true)
		if err != nil {
			return Flow{}, err.Error()
		}
		f.Src = eps[0]
		f.Src.IP = src
	case strings.HasPrefix(start, "vpc-"):
		// The VPC router originates the packet (Batfish injects it there
		// with no ingress interface).
		if ix.vpcs[model.JoinRef("vpc", start)] == nil {
			return Flow{}, fmt.Sprintf("VPC %s is not in the model", start)
		}
		f.Src = FlowEnd{Kind: Router, Addr: model.JoinRef("vpc", start), IP: src}
	case strings.HasPrefix(start, "vgw-"):
		eps, err := ix.Resolve(start, true)
		if err != nil {
			return Flow{}, err.Error()
		}
		f.Src = eps[0]
		f.Src.IP = src
	default:
		// A non-AWS router: an on-premises end beyond the VPN connection
		// or virtual interface whose far-end address its configuration
		// holds.
		addrs := configAddrs(snapDir, start)
		if len(addrs) == 0 {
			return Flow{}, fmt.Sprintf("start node %s is not a source moat models", start)
		}
		eps := ix.OnPremises(addrs)
		if len(eps) == 0 {
			return Flow{}, fmt.Sprintf("no VPN connection or virtual interface in the model ends at %s (%v)", start, addrs)
		}
		f.Src = eps[0]
		if i := slices.IndexFunc(eps, func(e FlowEnd) bool { return e.IP == src }); i >= 0 {
			f.Src = eps[i]
		}
		f.Src.IP = src
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
