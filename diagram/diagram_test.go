package diagram

import (
	"bytes"
	"flag"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// specNetworks compiles the examples and golden specs, the same list the
// CLI's golden test draws.
func specNetworks(t testing.TB) map[string]*model.Network {
	t.Helper()
	out := map[string]*model.Network{}
	for _, pattern := range []string{"../examples/*.yaml", "../testdata/golden/*.yaml"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			out[strings.TrimSuffix(filepath.Base(p), ".yaml")] = testnet.Compile(t, p)
		}
	}
	return out
}

// checkGeometry is the test the issue asks for: on the layout, not on
// pixels. Boxes nest or are apart; text fits its box; a container's
// heading is not covered by what it holds; arrow labels cover no box and
// no other label; everything is on the canvas.
func checkGeometry(t *testing.T, p *Picture) {
	t.Helper()
	canvas := Rect{0, 0, p.Width, p.Height}
	ancestor := func(a, b int) bool { // a encloses b
		for b >= 0 {
			b = p.Boxes[b].Parent
			if b == a {
				return true
			}
		}
		return false
	}
	for i, b := range p.Boxes {
		if !canvas.Contains(b.Rect) {
			t.Errorf("%s %v is off the canvas %v", b.ID, b.Rect, canvas)
		}
		if b.Parent >= 0 && !p.Boxes[b.Parent].Rect.Contains(b.Rect) {
			t.Errorf("%s %v sticks out of %s %v", b.ID, b.Rect, p.Boxes[b.Parent].ID, p.Boxes[b.Parent].Rect)
		}
		need := linesW(b.Lines) + 2*padX
		if b.Kind == KindLegend {
			need += legendSwatch
		}
		if len(b.Lines) > 0 && b.Rect.W < need {
			t.Errorf("%s: text %q needs %dpx, box is %dpx wide", b.ID, b.Lines, need, b.Rect.W)
		}
		if b.Rect.H < len(b.Lines)*lineH+2*padY && b.Kind != KindRegion && b.Kind != KindVPC && b.Kind != KindBand {
			t.Errorf("%s: %d lines do not fit height %d", b.ID, len(b.Lines), b.Rect.H)
		}
		head := Rect{b.Rect.X + padX, b.Rect.Y + padY, linesW(b.Lines), len(b.Lines) * lineH}
		for j := i + 1; j < len(p.Boxes); j++ {
			o := p.Boxes[j]
			if ancestor(i, j) {
				if len(b.Lines) > 0 && b.Kind != KindBand && head.Overlaps(o.Rect) {
					t.Errorf("%s %v covers the heading of %s %v", o.ID, o.Rect, b.ID, head)
				}
				continue
			}
			if ancestor(j, i) {
				continue
			}
			if b.Rect.Overlaps(o.Rect) {
				t.Errorf("%s %v overlaps %s %v", b.ID, b.Rect, o.ID, o.Rect)
			}
		}
	}
	for i, a := range p.Arrows {
		if len(a.Points) < 2 {
			t.Errorf("arrow %s -> %s has %d points", a.From, a.To, len(a.Points))
		}
		if a.Label == "" {
			continue
		}
		if !canvas.Contains(a.LabelRect) {
			t.Errorf("label %q off the canvas", a.Label)
		}
		if a.LabelRect.W < textW(a.Label) {
			t.Errorf("label %q overflows its %dpx", a.Label, a.LabelRect.W)
		}
		for _, b := range p.Boxes {
			if (b.Kind == KindNode || b.Kind == KindLabel || b.Kind == KindInternet || b.Kind == KindLegend) && b.Rect.Overlaps(a.LabelRect) {
				t.Errorf("label %q %v covers %s %v", a.Label, a.LabelRect, b.ID, b.Rect)
			}
		}
		for _, b := range p.Boxes {
			if (b.Kind == KindSubnet || b.Kind == KindVPC || b.Kind == KindRegion) && headRect(b).Overlaps(a.LabelRect) {
				t.Errorf("label %q %v hides the heading of %s", a.Label, a.LabelRect, b.ID)
			}
		}
		for _, o := range p.Arrows[i+1:] {
			if o.Label != "" && o.LabelRect.Overlaps(a.LabelRect) {
				t.Errorf("labels %q and %q overlap", a.Label, o.Label)
			}
		}
	}
}

func TestGeometry(t *testing.T) {
	zones := map[int]bool{}
	for name, n := range specNetworks(t) {
		t.Run(name, func(t *testing.T) {
			checkGeometry(t, Layout(n, Options{}))
		})
		zones[len(n.Zones)] = true
	}
	for _, z := range []int{1, 3, 6} {
		if !zones[z] {
			t.Errorf("no golden spec has %d zones; the layout must be checked at 1, 3 and 6", z)
		}
	}
	for name, n := range handMade() {
		t.Run(name, func(t *testing.T) { checkGeometry(t, Layout(n, Options{})) })
	}
}

func TestDeterministic(t *testing.T) {
	for name, n := range specNetworks(t) {
		for _, f := range Formats {
			a, err := Render(n, f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Render(n, f, Options{})
			if !bytes.Equal(a, b) {
				t.Errorf("%s: two %s renderings differ", name, f)
			}
		}
	}
}

// webappPath is a path as the analyzer hands it over: internet to the
// database, through the gateway, a public subnet, the ALB's group, the
// service.
var webappPath = []model.ResourceRef{Internet, "igw/main", "subnet/public/use1-az1", "nacl/public", "alb", "sg/service", "service", "subnet/private/use1-az1", "db"}

func TestHighlight(t *testing.T) {
	n := specNetworks(t)["webapp"]
	p := Layout(n, Options{Highlight: webappPath})
	byAddr := func(a model.ResourceRef) *Box {
		for i := range p.Boxes {
			for _, x := range p.Boxes[i].Addrs {
				if x == a {
					return &p.Boxes[i]
				}
			}
		}
		t.Fatalf("no box for %s", a)
		return nil
	}
	for _, a := range []model.ResourceRef{Internet, "igw/main", "subnet/public/use1-az1", "alb", "service", "db", "subnet/public/use1-az2"} {
		if !byAddr(a).Highlight {
			t.Errorf("%s not highlighted", a)
		}
	}
	if byAddr("nat/use1-az1").Highlight {
		t.Error("a NAT instance off the path is highlighted")
	}
	// internet->igw, igw->alb, alb->service, service->db: four arrows.
	hl := 0
	for _, a := range p.Arrows {
		if a.Highlight {
			hl++
			if a.Kind == ArrowPath {
				t.Errorf("hop %s -> %s drew a new arrow; an existing one joins them", a.From, a.To)
			}
		}
	}
	if hl != 4 {
		t.Errorf("%d highlighted arrows, want 4", hl)
	}
	checkGeometry(t, p)

	// Blocked: bastion-less webapp asked about service -> db on tcp/22.
	p = Layout(n, Options{Highlight: []model.ResourceRef{"service", "db"}, Blocked: "sg/db", BlockedNote: "sg/db admits only tcp/5432 from sg/service; nothing admits tcp/22"})
	if !byAddr("db").Blocked {
		t.Error("db not marked blocked by sg/db")
	}
	var legend Box
	for _, b := range p.Boxes {
		if b.Kind == KindLegend {
			legend = b
		}
	}
	if !strings.Contains(strings.Join(legend.Lines, " "), "nothing admits tcp/22") {
		t.Errorf("legend does not carry the note: %q", legend.Lines)
	}
	checkGeometry(t, p)

	// A hop pair no arrow joins gets its own arrow; unknown hops are
	// ignored.
	p = Layout(n, Options{Highlight: []model.ResourceRef{"nat/use1-az1", "vpce/s3", "no/such/thing"}})
	found := false
	for _, a := range p.Arrows {
		if a.Kind == ArrowPath && a.Highlight {
			found = true
		}
	}
	if !found {
		t.Error("no path arrow between a NAT and an endpoint")
	}
}

// handMade are networks no spec can produce: two VPCs joined by a
// Transit Gateway, two peered VPCs in two regions, and an import with no
// zones list, untiered subnets and instances.
func handMade() map[string]*model.Network {
	vpc := func(name, cidr, region string) (model.VPC, []model.Subnet, []model.RouteTable) {
		v := model.VPC{Addr: model.JoinRef("vpc", name), Name: name, CIDR: netip.MustParsePrefix(cidr), Region: region}
		p := netip.MustParsePrefix(cidr).Addr().As4()
		var subs []model.Subnet
		rt := model.RouteTable{Addr: model.JoinRef("rtb", name), VPC: v.Addr, Main: true,
			Routes: []model.Route{{Dest: v.CIDR, TargetKind: model.TargetLocal}, {Dest: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: model.TargetTGW, Target: "tgw/hub"}}}
		for i, z := range []string{"use1-az1", "use1-az2"} {
			c := netip.PrefixFrom(netip.AddrFrom4([4]byte{p[0], p[1], byte(i), 0}), 24)
			a := model.JoinRef("subnet", name, z)
			subs = append(subs, model.Subnet{Addr: a, VPC: v.Addr, ZoneID: z, CIDR: c, IPv6Index: -1})
		}
		return v, subs, []model.RouteTable{rt}
	}
	tgw := &model.Network{Name: "hub-and-spoke", Region: "us-east-1"}
	for _, name := range []string{"shared", "app"} {
		cidr := map[string]string{"shared": "10.1.0.0/16", "app": "10.2.0.0/16"}[name]
		v, subs, rts := vpc(name, cidr, "us-east-1")
		tgw.VPCs = append(tgw.VPCs, v)
		tgw.Subnets = append(tgw.Subnets, subs...)
		tgw.RouteTables = append(tgw.RouteTables, rts...)
		tgw.TGWAttachments = append(tgw.TGWAttachments, model.TGWAttachment{Addr: model.JoinRef("tgw-attach", name), TGW: "tgw/hub", Kind: model.TGWAttachVPC, VPC: v.Addr, Subnets: []model.ResourceRef{subs[0].Addr, subs[1].Addr}})
	}
	tgw.TransitGateways = []model.TransitGateway{{Addr: "tgw/hub", ID: "tgw-0abc1234", Region: "us-east-1"}}
	tgw.TGWAttachments = append(tgw.TGWAttachments, model.TGWAttachment{Addr: "tgw-attach/vpn", TGW: "tgw/hub", Kind: model.TGWAttachVPN})
	// The shared VPC has the internet gateway and an instance; the app VPC
	// an internal service reachable from the shared instance.
	tgw.InternetGateways = []model.InternetGateway{{Addr: "igw/shared", VPC: "vpc/shared"}}
	tgw.RouteTables[0].Routes[1] = model.Route{Dest: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: model.TargetIGW, Target: "igw/shared"}
	tgw.SecurityGroups = []model.SecurityGroup{
		{Addr: "sg/proxy", VPC: "vpc/shared", Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(443), Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}},
		{Addr: "sg/api", VPC: "vpc/app", Ingress: []model.SGRule{{Protocol: model.TCP, Ports: model.Port(8443), Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/proxy"}}}},
	}
	tgw.ENIs = []model.ENI{
		{Addr: "eni/proxy", Subnet: "subnet/shared/use1-az1", SecurityGroups: []model.ResourceRef{"sg/proxy"}, Owner: "instance/proxy"},
		{Addr: "eni/api", Subnet: "subnet/app/use1-az2", SecurityGroups: []model.ResourceRef{"sg/api"}, Owner: "instance/api"},
	}
	tgw.Instances = []model.Instance{
		{Addr: "instance/proxy", ID: "i-0aaa1111", Name: "proxy", ENIs: []model.ResourceRef{"eni/proxy"}},
		{Addr: "instance/api", ID: "i-0bbb2222", Name: "api", ENIs: []model.ResourceRef{"eni/api"}},
	}

	peer := &model.Network{Name: "peered"}
	for _, x := range []struct{ name, cidr, region string }{{"east", "10.10.0.0/16", "us-east-1"}, {"west", "10.20.0.0/16", "us-west-2"}} {
		v, subs, rts := vpc(x.name, x.cidr, x.region)
		rts[0].Routes[1] = model.Route{Dest: netip.MustParsePrefix("10.0.0.0/8"), TargetKind: model.TargetPeering, Target: "pcx/east-west"}
		peer.VPCs = append(peer.VPCs, v)
		peer.Subnets = append(peer.Subnets, subs...)
		peer.RouteTables = append(peer.RouteTables, rts...)
	}
	peer.PeeringConnections = []model.PeeringConnection{{Addr: "pcx/east-west", ID: "pcx-0123", Requester: "vpc/east", Accepter: "vpc/west", Active: true}}
	return map[string]*model.Network{"tgw": tgw, "peering": peer}
}

func TestHandMadeGolden(t *testing.T) {
	cases := handMade()
	for _, name := range []string{"tgw", "peering"} {
		n := cases[name]
		svg, err := Render(n, SVG, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkFile(t, filepath.Join("testdata", name+".svg"), svg)
		dot, _ := Render(n, DOT, Options{})
		checkFile(t, filepath.Join("testdata", name+".dot"), dot)
	}
	// The reach picture: a path across the Transit Gateway, and a block.
	hl, _ := Render(cases["tgw"], SVG, Options{
		Highlight:   []model.ResourceRef{Internet, "igw/shared", "instance/proxy", "tgw/hub", "sg/api", "eni/api"},
		Blocked:     "sg/api",
		BlockedNote: "sg/api admits tcp/8443 from sg/proxy only; the question asked about tcp/22",
	})
	checkFile(t, filepath.Join("testdata", "tgw-reach.svg"), hl)
	wp, _ := Render(specNetworks(t)["webapp"], SVG, Options{Highlight: webappPath})
	checkFile(t, filepath.Join("testdata", "webapp-reach.svg"), wp)
}

func checkFile(t *testing.T, path string, got []byte) {
	t.Helper()
	testnet.Golden(t, path, got, *update, "go test ./diagram -update, and look at the picture,")
}

// TestOddNetworks: no panic and a sane picture for inputs no compiler
// makes: nothing at all, subnets with no zone or tier, resources naming
// VPCs and subnets that do not exist, groups that reference themselves.
func TestOddNetworks(t *testing.T) {
	odd := []*model.Network{
		nil,
		{},
		{Subnets: []model.Subnet{{Addr: "subnet/a"}, {Addr: "subnet/b", ZoneID: "use1-az1", Tier: "dmz"}}},
		{
			VPCs:               []model.VPC{{Addr: "vpc/x"}},
			LoadBalancers:      []model.LoadBalancer{{Addr: "lb", VPC: "vpc/ghost", InternetFacing: true, Subnets: []model.ResourceRef{"subnet/ghost"}, SecurityGroups: []model.ResourceRef{"sg/self"}}},
			SecurityGroups:     []model.SecurityGroup{{Addr: "sg/self", Ingress: []model.SGRule{{Protocol: model.AllProtocols, Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/self"}}}}},
			NATGateways:        []model.NATGateway{{Addr: "natgw/x", Subnet: "subnet/ghost"}},
			NATInstances:       []model.NATInstance{{Addr: "nat/x"}},
			Endpoints:          []model.Endpoint{{Addr: "vpce/x", Type: model.InterfaceEndpoint}, {Addr: "vpce/y", Type: model.GatewayEndpoint}},
			Instances:          []model.Instance{{Addr: "i"}},
			TGWAttachments:     []model.TGWAttachment{{Addr: "att", TGW: "tgw/none"}},
			PeeringConnections: []model.PeeringConnection{{Addr: "pcx/half", Requester: "vpc/x"}},
			Firewalls:          []model.Firewall{{Addr: "fw"}},
		},
	}
	for i, n := range odd {
		p := Layout(n, Options{Highlight: []model.ResourceRef{Internet, "lb", "", "sg/self"}, Blocked: "nacl/none", BlockedNote: strings.Repeat("long note ", 40)})
		checkGeometry(t, p)
		for _, f := range Formats {
			if _, err := Render(n, f, Options{}); err != nil && n != nil {
				t.Errorf("case %d %s: %v", i, f, err)
			}
		}
	}
	if _, err := Render(&model.Network{}, "png", Options{}); err == nil {
		t.Error("an unknown format is accepted")
	}
}

// TestDOTAndMermaidStructure checks the text formats without their tools:
// braces and subgraphs balance, and every edge names a declared node.
func TestDOTAndMermaidStructure(t *testing.T) {
	nets := specNetworks(t)
	for k, v := range handMade() {
		nets[k] = v
	}
	nodeDecl := regexp.MustCompile(`(?m)^\s*([A-Za-z0-9_]+) \[`)
	edgeRe := regexp.MustCompile(`(?m)^\s*([A-Za-z0-9_]+) -> ([A-Za-z0-9_]+)`)
	mmDecl := regexp.MustCompile(`(?m)^\s*([A-Za-z0-9_]+)(\[|\(\()`)
	mmEdge := regexp.MustCompile(`(?m)^\s*([A-Za-z0-9_]+) (?:-->|-\.->|---)(?:\|"[^"]*"\|)? ([A-Za-z0-9_]+)$`)
	for name, n := range nets {
		dot, _ := Render(n, DOT, Options{Highlight: webappPath})
		s := string(dot)
		if strings.Count(s, "{") != strings.Count(s, "}") || !strings.HasPrefix(s, "digraph moat {") {
			t.Errorf("%s: DOT braces do not balance", name)
		}
		decl := map[string]bool{}
		for _, m := range nodeDecl.FindAllStringSubmatch(s, -1) {
			decl[m[1]] = true
		}
		edges := edgeRe.FindAllStringSubmatch(s, -1)
		for _, m := range edges {
			if !decl[m[1]] || !decl[m[2]] {
				t.Errorf("%s: DOT edge %s -> %s names an undeclared node", name, m[1], m[2])
			}
		}
		mm, _ := Render(n, Mermaid, Options{})
		ms := string(mm)
		if !strings.HasPrefix(ms, "flowchart TB\n") {
			t.Errorf("%s: mermaid does not start with flowchart", name)
		}
		if strings.Count(ms, "subgraph ") != len(regexp.MustCompile(`(?m)^\s*end$`).FindAllString(ms, -1)) {
			t.Errorf("%s: mermaid subgraphs do not balance", name)
		}
		mdecl := map[string]bool{}
		for _, m := range mmDecl.FindAllStringSubmatch(ms, -1) {
			mdecl[m[1]] = true
		}
		for _, line := range strings.Split(ms, "\n") {
			if strings.Contains(line, "--") {
				m := mmEdge.FindStringSubmatch(line)
				if m == nil {
					t.Errorf("%s: mermaid link %q is malformed", name, line)
					continue
				}
				if !mdecl[m[1]] && !strings.HasPrefix(m[1], "vpc") && !strings.HasPrefix(m[1], "subnet") {
					t.Errorf("%s: mermaid link from undeclared %s", name, m[1])
				}
			}
		}
	}
}
