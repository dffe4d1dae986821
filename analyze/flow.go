package analyze

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/moatnet/moat/model"
)

// Stand-in addresses. A question about "the internet" or "S3" needs a
// concrete address to match against rules; these come from ranges that
// can never be live (RFC 5737 documentation, RFC 2544 benchmarking), so
// they cannot collide with a real host.
var (
	// InternetIPv4 and InternetIPv6 stand for an arbitrary internet host.
	InternetIPv4 = netip.MustParseAddr("203.0.113.10")
	InternetIPv6 = netip.MustParseAddr("2001:db8:ffff::10")
	// publicStandin is where interfaces that hold a public IPv4 address
	// of unknown value (a compiled design, an EIP not yet allocated) get
	// one for the analysis.
	publicStandin = netip.MustParsePrefix("198.18.0.0/15")
	// serviceStandin is where AWS services reached by name (s3, dynamodb)
	// get an address when no prefix list gives a real one.
	serviceStandin = netip.MustParsePrefix("192.0.2.0/24")
)

// DefaultSourcePort is the client port of a flow when none is given: the
// first port of the IANA ephemeral range, which every OS's range and
// AWS's recommended NACL range (1024-65535) contain.
const DefaultSourcePort = 49152

// FlowEndKind says what a flow's end is.
type FlowEndKind string

const (
	// Internet is a host on the internet (InternetIPv4 unless an IP is
	// given).
	Internet FlowEndKind = "internet"
	// Interface is an ENI (or a NAT gateway, which has one) in the network.
	Interface FlowEndKind = "interface"
	// SubnetHost is a host in a subnet whose own security group allows
	// the flow: questions about routes and NACLs, not one instance.
	SubnetHost FlowEndKind = "subnet"
	// External is an address outside every modeled network.
	External FlowEndKind = "external"
	// AWSService is an AWS service reached by name (s3, dynamodb).
	AWSService FlowEndKind = "aws-service"
	// Balancer is a load balancer: a destination only; the flow continues
	// from its interfaces to its targets.
	Balancer FlowEndKind = "load-balancer"
)

// FlowEnd is one end of a flow, resolved against a network.
type FlowEnd struct {
	Kind FlowEndKind
	// Addr is the model address (an ENI, subnet or load balancer); zero
	// for the internet, external IPs and services.
	Addr model.ResourceRef
	// IP is the address packets carry: the ENI's private IP, a subnet's
	// representative host, a stand-in for the internet or a service.
	IP netip.Addr
	// Service names an AWS service ("s3").
	Service string
	// Subnet is where the endpoint lives, when inside a VPC.
	Subnet model.ResourceRef
	// Whole marks an end that stands for every address of its kind: the
	// whole internet, every host of a subnet. IP is then the address that
	// represents it in explanations.
	Whole bool
	// PublicIP marks a SubnetHost assumed to hold a public address (the
	// isolation intent asks what a host given an Elastic IP could reach).
	PublicIP bool
}

func (e FlowEnd) String() string {
	switch e.Kind {
	case Internet:
		if e.Service != "" {
			return e.Service
		}
		if e.IP.Is6() {
			return "internet (IPv6)"
		}
		return "internet"
	case AWSService:
		return e.Service
	case External:
		return e.IP.String()
	case SubnetHost:
		return fmt.Sprintf("%s (host %s)", e.Addr, e.IP)
	}
	if e.IP.IsValid() {
		return fmt.Sprintf("%s (%s)", e.Addr, e.IP)
	}
	return string(e.Addr)
}

// Flow is one concrete question: a packet from Src to Dst.
type Flow struct {
	Src, Dst FlowEnd
	Proto    model.Protocol // tcp, udp or icmp
	Port     int            // destination port; ICMP type for icmp
	SrcPort  int            // the client's port; replies go to it
	// Host is the name the client asks for (TLS SNI or HTTP Host), which
	// Network Firewall domain rules match; empty when the question names
	// none, and then only address rules can pass the flow (firewall.go).
	Host string
}

func (f Flow) traffic() string {
	if f.Proto == model.ICMP || f.Proto == model.ICMPv6 {
		return f.Proto.String()
	}
	return fmt.Sprintf("%s/%d", f.Proto, f.Port)
}

// Verdict is the answer to a question.
type Verdict string

const (
	Reachable Verdict = "reachable"
	Blocked   Verdict = "blocked"
	// Partial: some pairs of the endpoints' interfaces reach, others do
	// not (e.g. one zone's NAT is gone).
	Partial Verdict = "partial"
)

// Direction tells forward hops from the reply's.
type Direction string

const (
	Forward Direction = "forward"
	Return  Direction = "return"
)

// HopKind says what a hop or a block is: the kind of resource or check
// that passed or stopped the packet. JSON and text carry its string.
type HopKind string

// The kinds a trace names.
const (
	HopAddress         HopKind = "address"
	HopDeliver         HopKind = "deliver"
	HopDXVIF           HopKind = "dxvif"
	HopEIGW            HopKind = "eigw"
	HopEndpoint        HopKind = "endpoint"
	HopFamily          HopKind = "family"
	HopFirewall        HopKind = "firewall"
	HopGWLB            HopKind = "gwlb"
	HopIGW             HopKind = "igw"
	HopListener        HopKind = "listener"
	HopLoadBalancer    HopKind = "load-balancer"
	HopLoop            HopKind = "loop"
	HopNACLIn          HopKind = "nacl-in"
	HopNACLOut         HopKind = "nacl-out"
	HopNAT             HopKind = "nat"
	HopPeering         HopKind = "peering"
	HopRoute           HopKind = "route"
	HopSGEgress        HopKind = "sg-egress"
	HopSGIngress       HopKind = "sg-ingress"
	HopSource          HopKind = "source"
	HopSourceDestCheck HopKind = "source-dest-check"
	HopTarget          HopKind = "target"
	HopTGW             HopKind = "tgw"
	HopTGWAttachment   HopKind = "tgw-attachment"
	HopTGWRoute        HopKind = "tgw-route"
	HopVGW             HopKind = "vgw"
	HopVPN             HopKind = "vpn"
	HopReturn          HopKind = "return"
)

// Hop is one step of a packet: the resource it passed and the route or
// rule that let it pass.
type Hop struct {
	Resource model.ResourceRef `json:"resource"`
	Kind     HopKind           `json:"kind"`
	Rule     string            `json:"rule"`
}

func (h Hop) String() string {
	if h.Rule == "" {
		return string(h.Resource)
	}
	return fmt.Sprintf("%s (%s)", h.Resource, h.Rule)
}

// Blocker is one setting that stops a packet and what would have to change.
type Blocker struct {
	Resource  model.ResourceRef `json:"resource"`
	Kind      HopKind           `json:"kind"`
	Direction Direction         `json:"direction"`
	Reason    string            `json:"reason"`
	Fix       string            `json:"fix"`
	// Assuming is empty for a setting the packet actually met. Otherwise
	// the trace found it by going on past an earlier failure, as if that
	// failure were fixed: "eni/db/use1-az1 had a public IP" (hypo.go).
	Assuming string `json:"assuming,omitempty"`
}

// Text is the reason, prefixed with the assumption it was found under:
// "if eni/db/use1-az1 had a public IP: no ingress rule of sg/db ...".
func (b Blocker) Text() string {
	if b.Assuming == "" {
		return b.Reason
	}
	return "if " + b.Assuming + ": " + b.Reason
}

// Path is the answer for one concrete flow.
type Path struct {
	Flow      Flow
	Reachable bool
	Forward   []Hop
	Return    []Hop
	// Blockers lists every setting that stops the flow, forward or return.
	Blockers []Blocker
	// Notes are assumptions the answer rests on (stand-in addresses,
	// parts AWS does not show in the model).
	Notes []string
	// Unknown lists what the input does not define that this path
	// depends on: a claim the path bears on is then not proved, whichever
	// way the path went.
	Unknown []string
	// Class is the part of the question this path answers for, when the
	// question was asked over sets (Reach): every packet in it takes this
	// path. Whole is the question's whole space.
	Class, Whole *Class
}

// Summary is the forward path on one line, e.g.
// "internet -> igw/main -> subnet/public/use1-az1 -> alb".
func (p Path) Summary() string {
	parts := []string{p.Flow.Src.String()}
	for _, h := range p.Forward {
		parts = append(parts, h.String())
	}
	return strings.Join(parts, " -> ")
}

// Answer is the answer to a question whose ends may stand for several
// interfaces (a security group, a service in three zones): one Path per
// pair, in a fixed order.
type Answer struct {
	From, To string
	Proto    model.Protocol
	Port     int
	// Ports and SrcPorts are the destination and client ports the answer
	// covers.
	Ports, SrcPorts PortSet
	Verdict         Verdict
	// Paths holds one path per part of the question that behaves alike:
	// for each pair of interfaces the ends stand for, the classes of
	// addresses and ports that reach, and each that is blocked, with
	// what blocks it.
	Paths []Path
}

// Blockers returns every distinct blocking setting across the paths, in
// order of first appearance.
func (a Answer) Blockers() []Blocker {
	seen := map[Blocker]bool{}
	var out []Blocker
	for _, p := range a.Paths {
		for _, b := range p.Blockers {
			if !seen[b] {
				seen[b] = true
				out = append(out, b)
			}
		}
	}
	return out
}

func verdictOf(paths []Path) Verdict {
	ok := 0
	for _, p := range paths {
		if p.Reachable {
			ok++
		}
	}
	switch {
	case ok == 0:
		return Blocked
	case ok == len(paths):
		return Reachable
	}
	return Partial
}
