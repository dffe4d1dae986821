package twin

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// Stand-in addresses. Every address a twin gives something outside the
// VPCs comes from an RFC 5737 documentation range, so nothing in a twin can
// ever be mistaken for, or routed to, a live host.
var (
	// InternetHost is the internet client and server every twin has; it
	// is also the analyzer's stand-in for "the internet".
	InternetHost = netip.MustParseAddr("203.0.113.10")
	// InternetHost6 is the same host over IPv6 (RFC 3849 documentation
	// range), the analyzer's IPv6 internet, for dual-stack twins.
	InternetHost6 = netip.MustParseAddr("2001:db8:ffff::10")
	// PublicRange holds the stand-in public addresses of interfaces that
	// have one (compiled designs have no concrete public IPs; imported
	// ones are replaced too, so a twin never uses a live address).
	PublicRange = netip.MustParsePrefix("198.51.100.0/24")
	// ServiceRange holds the stand-in AWS services (S3, DynamoDB) that
	// gateway endpoints lead to.
	ServiceRange = netip.MustParsePrefix("192.0.2.0/24")
)

// Roles of namespaces and hosts.
const (
	RoleRouter   = "router"
	RoleIGW      = "igw"
	RoleEIGW     = "eigw"
	RoleInternet = "internet"
	RoleAWS      = "aws"
	RoleENI      = "eni"
	RoleNAT      = "nat-gateway"
	// RoleSubnetHost is the twin's "any host in the subnet", the
	// analyzer's subnet endpoint.
	RoleSubnetHost = "subnet-host"
	// RoleFrontDoor is API Gateway's front door: outside every VPC, on
	// the internet's side, forwarding through the VPC Link's interfaces.
	RoleFrontDoor = "front-door"
)

// maxVPCs bounds the VPCs of one twin: each VPC takes a few /30s of
// 169.254.0.0/16 for its internal links.
const maxVPCs = 40

// NamespacePrefix is what every namespace of every twin starts with.
const NamespacePrefix = "moat-"

// Plan is everything a twin consists of, computed without side effects.
// It is serialised to JSON for the twin's daemon, so it holds plain data.
type Plan struct {
	Stack string
	// LinkPrefix starts the name of every link the twin creates ("mt"
	// plus a hash of the stack name): interface names are limited to 15
	// bytes, too short for the stack's name itself.
	LinkPrefix string
	Namespaces []Namespace
	// Veths are created before any namespace is configured.
	Veths     []Veth
	Hosts     []Host
	Listeners []Listener
	Balancers []Balancer
	// Inspectors are the Network Firewall endpoints that run domain rules.
	Inspectors []Inspector
	// Warnings are the parts of the network the twin cannot run.
	Warnings []string
}

// Namespace is one network namespace and how to configure it.
type Namespace struct {
	Name     string
	Role     string
	Resource model.ResourceRef
	Sysctls  []Sysctl
	// IP are `ip -batch` lines, run inside the namespace after every
	// veth exists.
	IP []string
	// IP6 are `ip -6 -batch` lines, run after IP: the IPv6 policy rules
	// and routes of a dual-stack twin (ip rule needs the family).
	IP6 []string
	// NFT is an nftables ruleset for `nft -f`, empty for none.
	NFT string
}

// Sysctl is one setting under /proc/sys inside a namespace. Optional
// settings are skipped when the kernel does not have them (the bridge
// netfilter switches exist only while br_netfilter is loaded).
type Sysctl struct {
	Key, Value string
	Optional   bool
}

// Veth is a veth pair created inside NS with its peer moved straight into
// PeerNS, so no link of a twin ever appears in the host's namespace.
type Veth struct {
	NS, Name, PeerNS, PeerName string
}

// Host is an address packets can start from or go to: an interface of the
// network, a NAT gateway, the internet host or an AWS service stand-in.
type Host struct {
	// Name is the model address of the interface (eni/...), the NAT
	// gateway's address, "internet", or "aws/<service>".
	Name string
	Role string
	NS   string
	IP   netip.Addr
	// IPv6 is the interface's IPv6 address in a dual-stack subnet, or
	// invalid for none.
	IPv6 netip.Addr
	// PublicIP is the stand-in public address, or invalid for none.
	PublicIP netip.Addr
	Subnet   model.ResourceRef
	VPC      model.ResourceRef
	Owner    model.ResourceRef
	Groups   []model.ResourceRef
	// Forwarder marks a NAT instance or gateway: it forwards and
	// translates traffic for others.
	Forwarder bool
	// Synthesized marks an interface the model did not list, which the
	// twin gave the workload itself.
	Synthesized bool
}

// Listener is a port a host serves in the twin.
type Listener struct {
	Host  string
	NS    string
	IP    netip.Addr
	Proto model.Protocol
	Port  int
	// Kind is "respond" (moat's responder), "tls" (the responder behind
	// TLS for a client that opens with a ClientHello, plain for others:
	// the internet's HTTPS, so a real TLS client can finish its
	// handshake), or "postgres" (a real PostgreSQL when Debian's is
	// installed, else a responder).
	Kind string
	// Database is the PostgreSQL the responder queries when asked for
	// DBPath over HTTP (a service's responder, so a request through the
	// load balancer goes on to the database); invalid for none.
	Database netip.AddrPort `json:",omitempty"`
}

// DBPath is the HTTP path on which a service's responder runs a query on
// its Database and answers with the result.
const DBPath = "/moat/db"

// Balancer is a load-balancer node: one per interface of the load
// balancer, terminating TLS and forwarding to healthy targets.
type Balancer struct {
	Host string
	NS   string
	IP   netip.Addr
	// IPv6 is set for a dual-stack load balancer's node: it listens there
	// too, and forwards to the targets over IPv4, as AWS does.
	IPv6      netip.Addr
	LB        model.ResourceRef
	Listeners []BalancerListener
	Targets   []netip.AddrPort
	// DialNS is where connections to targets start, when not NS: an API
	// Gateway front door reaches its targets from a VPC Link interface,
	// so that interface's security group applies.
	DialNS string
	// UpstreamTLS is the server name to open TLS to the targets with
	// (an API Gateway integration with a TLS listener); empty: plain TCP.
	UpstreamTLS string
}

// BalancerListener is one listener of a balancer node.
type BalancerListener struct {
	Port     int
	Protocol string // HTTP, HTTPS, TCP, TLS
	Redirect bool
	Domains  []string
	// Names are, per certificate (parallel to Domains), the host names it
	// holds when the model lists them; empty: its domain alone.
	Names [][]string `json:",omitempty"`
}

// Inspector is a Network Firewall endpoint's inspection of the TCP flows
// a domain rule may decide (firewallRuleset in hub.go diverts them to
// Port): it reads the TLS SNI or HTTP Host of a flow's first data and
// decides by Rules in strict order, as model.DomainMatch and the
// analyzer do, then forwards what passes from the client's address.
type Inspector struct {
	NS            string
	Firewall      model.ResourceRef
	IP            netip.Addr
	Port          int
	Rules         []model.FirewallRule
	DefaultAction model.FirewallAction
}

// SanitizeStack turns a stack name into the form namespace names use:
// lower-case letters, digits and '-', at most 32 bytes. Dots are never
// kept, because '.' separates the stack from the rest of a namespace name.
func SanitizeStack(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 32 {
		out = strings.TrimRight(out[:32], "-")
	}
	if out == "" {
		return "", fmt.Errorf("stack name %q has no letters or digits to name the twin by", s)
	}
	return out, nil
}

// StackPrefix is the prefix of every namespace of a stack's twin.
func StackPrefix(stack string) string { return NamespacePrefix + stack + "." }

// LinkPrefix is the prefix of every link of a stack's twin.
func LinkPrefix(stack string) string {
	h := fnv.New32a()
	h.Write([]byte(stack))
	return fmt.Sprintf("mt%04x", h.Sum32()&0xffff)
}

// builder holds the state of one Build call.
type builder struct {
	n          *model.Network
	frontDoors int // API Gateway front doors built so far
	p          *Plan
	lp         string
	nsName     map[string]bool
	warned     map[string]bool

	vpcs       []*vpcState
	routerName map[int]string
	vpcOf      map[model.ResourceRef]*vpcState
	subnets    map[model.ResourceRef]*subnetState
	hosts      []*Host
	hostOf     map[string]*Host
	// owned are the resources the model gives interfaces of their own
	owned map[model.ResourceRef]bool
	// services maps an AWS service's short name to its stand-in prefix.
	services     map[string]netip.Prefix
	serviceOrder []string
	publicNext   netip.Addr
	// hubs holds the Transit Gateways and firewall endpoints (hub.go).
	hubs *hubState
}

type vpcState struct {
	idx     int
	vpc     model.VPC
	subnets []*subnetState
	igw     *model.InternetGateway
	eigw    *model.EgressOnlyInternetGateway
	// v6 is the VPC's IPv6 block when any subnet the twin runs has a
	// /64 of it: the twin is then dual-stack.
	v6      netip.Prefix
	hasAWS  bool
	regNATs []*regionalNAT
}

type subnetState struct {
	idx    int
	s      model.Subnet
	vpc    *vpcState
	bridge string
	gw     netip.Addr
	gw6    netip.Addr // the router's IPv6 address on the subnet, if dual-stack
	used   map[netip.Addr]bool
	next   netip.Addr
}

type regionalNAT struct {
	idx      int
	addr     model.ResourceRef
	ns       string
	link     string
	routerIP netip.Addr
	natIP    netip.Addr
	public   netip.Addr
}

// Build computes the twin of n for the stack named stack. It never fails
// on what the twin cannot run (peering, VPN attachments, IPv6 outside a
// dual-stack VPC's /64 subnets): those parts are left out and listed in
// Plan.Warnings. It fails only when there is nothing to build or the
// addresses cannot be laid out; those problems are of the network and the
// stack name, not of a file, so they carry no position.
func Build(n *model.Network, stack string) (*Plan, diag.List) {
	p, err := build(n, stack)
	if err != nil {
		var ds diag.List
		ds.Errorf(diag.Range{}, "", "%v", err)
		return nil, ds
	}
	return p, nil
}

func build(n *model.Network, stack string) (*Plan, error) {
	if n == nil {
		return nil, errors.New("no network to build a twin of")
	}
	st, err := SanitizeStack(stack)
	if err != nil {
		return nil, err
	}
	b := &builder{
		n: n, p: &Plan{Stack: st, LinkPrefix: LinkPrefix(st)}, lp: LinkPrefix(st),
		nsName: map[string]bool{}, routerName: map[int]string{}, warned: map[string]bool{}, vpcOf: map[model.ResourceRef]*vpcState{},
		subnets: map[model.ResourceRef]*subnetState{}, hostOf: map[string]*Host{},
		services: map[string]netip.Prefix{}, publicNext: netip.AddrFrom4([4]byte{198, 51, 100, 10}),
	}
	if err := b.layoutVPCs(); err != nil {
		return nil, err
	}
	if err := b.collectHosts(); err != nil {
		return nil, err
	}
	b.buildRouters()
	b.buildGateways()
	b.buildHub()
	b.buildHosts()
	b.buildWorkloads()
	b.publicServices()
	for _, h := range b.hosts {
		b.p.Hosts = append(b.p.Hosts, *h)
	}
	return b.p, nil
}

func (b *builder) warn(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	if !b.warned[w] {
		b.warned[w] = true
		b.p.Warnings = append(b.p.Warnings, w)
	}
}

// nsFor names a namespace for a role or resource, unique inside the twin.
func (b *builder) nsFor(label string) string {
	base := StackPrefix(b.p.Stack) + clean(label)
	name := base
	for i := 2; b.nsName[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	b.nsName[name] = true
	return name
}

// clean turns an address into namespace-name characters.
func clean(s string) string {
	var out strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			out.WriteRune(r)
		default:
			out.WriteByte('-')
		}
	}
	return strings.Trim(out.String(), "-")
}

func (b *builder) addNS(name, role string, res model.ResourceRef) *Namespace {
	b.p.Namespaces = append(b.p.Namespaces, Namespace{Name: name, Role: role, Resource: res})
	return &b.p.Namespaces[len(b.p.Namespaces)-1]
}

// ns returns the namespace by name; pointers into Plan.Namespaces are not
// kept across appends.
func (b *builder) ns(name string) *Namespace {
	for i := range b.p.Namespaces {
		if b.p.Namespaces[i].Name == name {
			return &b.p.Namespaces[i]
		}
	}
	return nil
}

func linkIP(a, c, d byte) netip.Addr { return netip.AddrFrom4([4]byte{169, 254, a, c + d}) }

func (b *builder) layoutVPCs() error {
	for _, v := range b.n.VPCs {
		if !v.CIDR.IsValid() || !v.CIDR.Addr().Is4() {
			b.warn("%s has no IPv4 CIDR; the twin runs IPv4 only and leaves it out", v.Addr)
			continue
		}
		if len(b.vpcs) == maxVPCs {
			return fmt.Errorf("the twin runs at most %d VPCs; this network has %d", maxVPCs, len(b.n.VPCs))
		}
		vs := &vpcState{idx: len(b.vpcs), vpc: v}
		b.vpcs = append(b.vpcs, vs)
		b.vpcOf[v.Addr] = vs
	}
	if len(b.vpcs) == 0 {
		return errors.New("the network has no VPC with an IPv4 CIDR to build a twin of")
	}
	for _, s := range b.n.Subnets {
		vs := b.vpcOf[s.VPC]
		if vs == nil {
			continue
		}
		if !s.CIDR.IsValid() || !s.CIDR.Addr().Is4() || s.CIDR.Bits() > 28 {
			b.warn("%s has no IPv4 CIDR of /28 or larger; the twin leaves it out", s.Addr)
			continue
		}
		if len(b.subnets) >= 999 {
			return errors.New("the twin runs at most 999 subnets")
		}
		ss := &subnetState{
			idx: len(b.subnets), s: s, vpc: vs, bridge: fmt.Sprintf("%sb%d", b.lp, len(b.subnets)),
			gw: s.CIDR.Masked().Addr().Next(), used: map[netip.Addr]bool{},
		}
		// AWS reserves the first four addresses. Stand-ins take the
		// lowest free address from .4 on, as the analyzer gives them, so
		// both name the same interface by the same address.
		a := s.CIDR.Masked().Addr()
		for range 4 {
			a = a.Next()
		}
		ss.next = a
		if v6 := vs.vpc.IPv6CIDR; v6.IsValid() && s.IPv6CIDR.IsValid() && s.IPv6CIDR.Bits() == 64 && v6.Contains(s.IPv6CIDR.Addr()) {
			ss.gw6 = model.IPv6Host(s.IPv6CIDR, 1)
			vs.v6 = v6.Masked()
		}
		vs.subnets = append(vs.subnets, ss)
		b.subnets[s.Addr] = ss
	}
	for i := range b.n.InternetGateways {
		g := &b.n.InternetGateways[i]
		if vs := b.vpcOf[g.VPC]; vs != nil && vs.igw == nil {
			vs.igw = g
		}
	}
	for i := range b.n.EgressOnlyInternetGateways {
		g := &b.n.EgressOnlyInternetGateways[i]
		if vs := b.vpcOf[g.VPC]; vs != nil && vs.eigw == nil {
			vs.eigw = g
		}
	}
	return nil
}

// collectHosts gathers every interface: the model's ENIs first, then one
// per subnet for each workload the model gives none (designs compiled
// before interfaces were modelled), then NAT gateways; then it gives each
// its addresses and adds a host per subnet.
func (b *builder) collectHosts() error {
	b.modelENIs()
	b.synthesizedENIs()
	b.natHosts()
	if err := b.assignAddresses(); err != nil {
		return err
	}
	b.subnetHosts()
	return nil
}

// modelENIs adds a host for each of the model's ENIs in a subnet the twin
// runs.
func (b *builder) modelENIs() {
	natENI := map[model.ResourceRef]bool{}
	for _, ni := range b.n.NATInstances {
		natENI[ni.ENI] = true
	}
	b.owned = map[model.ResourceRef]bool{}
	for _, e := range b.n.ENIs {
		if !e.Owner.IsZero() {
			b.owned[e.Owner] = true
		}
		ss := b.subnets[e.Subnet]
		if ss == nil {
			b.warn("%s is in no subnet the twin runs; left out", e.Addr)
			continue
		}
		if e.PrivateIP.IsValid() {
			if !e.PrivateIP.Is4() || !ss.s.CIDR.Contains(e.PrivateIP) {
				b.warn("%s has private IP %s outside %s; left out", e.Addr, e.PrivateIP, ss.s.CIDR)
				continue
			}
			ss.used[e.PrivateIP] = true
		}
		h := &Host{
			Name: string(e.Addr), Role: RoleENI, IP: e.PrivateIP, Subnet: e.Subnet, VPC: ss.s.VPC,
			Owner: e.Owner, Groups: slices.Clone(e.SecurityGroups), Forwarder: natENI[e.Addr],
		}
		if ss.gw6.IsValid() && len(e.IPv6) > 0 && ss.s.IPv6CIDR.Contains(e.IPv6[0]) {
			h.IPv6 = e.IPv6[0]
		}
		if e.HasPublicIP || e.PublicIP.IsValid() {
			h.PublicIP = netip.IPv4Unspecified() // assigned below
		}
		b.addHost(h)
	}
}

// synthesizedENIs adds an interface per subnet for each workload the
// model gives none.
func (b *builder) synthesizedENIs() {
	for _, lb := range b.n.LoadBalancers {
		if len(lb.ENIs) > 0 {
			continue
		}
		b.synthesize(lb.Addr, lb.Subnets, lb.SecurityGroups, lb.InternetFacing && lb.Kind != model.APIGateway)
	}
	for _, s := range b.n.Services {
		b.synthesize(s.Addr, s.Subnets, []model.ResourceRef{s.SecurityGroup}, false)
	}
	for _, d := range b.n.Databases {
		b.synthesize(d.Addr, d.Subnets, []model.ResourceRef{d.SecurityGroup}, false)
	}
	for _, e := range b.n.Endpoints {
		if e.Type == model.InterfaceEndpoint && len(e.ENIs) == 0 {
			b.synthesize(e.Addr, e.Subnets, e.SecurityGroups, false)
		}
	}
	for _, bs := range b.n.Bastions {
		b.synthesize(bs.Addr, []model.ResourceRef{bs.Subnet}, []model.ResourceRef{bs.SecurityGroup}, false)
	}
}

// synthesize adds an interface of owner in each of its subnets, unless
// the model gives it interfaces of its own.
func (b *builder) synthesize(owner model.ResourceRef, subnets []model.ResourceRef, groups []model.ResourceRef, public bool) {
	if b.owned[owner] {
		return
	}
	for _, sa := range subnets {
		ss := b.subnets[sa]
		if ss == nil {
			continue
		}
		zone := ss.s.ZoneID
		if zone == "" {
			zone = fmt.Sprint(ss.idx)
		}
		h := &Host{
			Name: "eni/" + string(owner) + "/" + zone, Role: RoleENI, Subnet: sa, VPC: ss.s.VPC,
			Owner: owner, Groups: slices.Clone(groups), Synthesized: true,
		}
		if public {
			h.PublicIP = netip.IPv4Unspecified()
		}
		b.addHost(h)
	}
}

// natHosts adds the NAT gateways: a regional one gets a namespace of its
// own, a zonal one is its ENI's host (or a host in its subnet).
func (b *builder) natHosts() {
	for _, g := range b.n.NATGateways {
		vs := b.vpcOf[g.VPC]
		if vs == nil {
			continue
		}
		if g.Regional {
			k := len(vs.regNATs)
			if k >= 60 {
				b.warn("%s: too many regional NAT gateways; left out", g.Addr)
				continue
			}
			r := &regionalNAT{
				idx: k, addr: g.Addr, ns: b.nsFor(string(g.Addr)), link: fmt.Sprintf("%sn%d", b.lp, k),
				routerIP: linkIP(byte(200+vs.idx), byte(4*k), 1), natIP: linkIP(byte(200+vs.idx), byte(4*k), 2),
			}
			vs.regNATs = append(vs.regNATs, r)
			h := &Host{Name: string(g.Addr), Role: RoleNAT, NS: r.ns, IP: r.natIP, VPC: g.VPC, Owner: g.Addr, Forwarder: true}
			if !g.Private {
				h.PublicIP = netip.IPv4Unspecified()
			}
			b.hosts = append(b.hosts, h)
			b.hostOf[h.Name] = h
			continue
		}
		if !g.ENI.IsZero() {
			if h := b.hostOf[string(g.ENI)]; h != nil {
				h.Forwarder, h.Role = true, RoleNAT
				continue
			}
		}
		if b.subnets[g.Subnet] == nil {
			b.warn("%s has no subnet the twin runs; left out", g.Addr)
			continue
		}
		h := &Host{Name: string(g.Addr), Role: RoleNAT, Subnet: g.Subnet, VPC: g.VPC, Owner: g.Addr, Forwarder: true}
		if !g.Private {
			h.PublicIP = netip.IPv4Unspecified()
		}
		b.addHost(h)
	}
}

// assignAddresses gives the hosts their addresses: the model's first,
// then stand-ins in a fixed order.
func (b *builder) assignAddresses() error {
	for _, h := range b.hosts {
		if ss := b.subnets[h.Subnet]; ss != nil && !h.IP.IsValid() {
			ip, err := ss.alloc()
			if err != nil {
				return fmt.Errorf("%s: %w", h.Name, err)
			}
			h.IP = ip
		}
		if h.PublicIP.IsValid() {
			if !PublicRange.Contains(b.publicNext) || b.publicNext == netip.MustParseAddr("198.51.100.255") {
				return fmt.Errorf("the twin has stand-in public addresses for at most 245 interfaces")
			}
			h.PublicIP = b.publicNext
			b.publicNext = b.publicNext.Next()
		}
	}
	return nil
}

// subnetHosts adds a host in every subnet at the address the analyzer
// gives "any host in the subnet", with no security group of its own (the
// analyzer assumes its group allows the flow), so the flows `moat verify`
// asks of a subnet run for real.
func (b *builder) subnetHosts() {
	for _, vs := range b.vpcs {
		for _, ss := range vs.subnets {
			if !ss.s.CIDR.Addr().Is4() || ss.s.CIDR.Bits() > 28 {
				continue
			}
			h := &Host{Name: string(ss.s.Addr), Role: RoleSubnetHost, IP: netipxLast(ss.s.CIDR).Prev(), Subnet: ss.s.Addr, VPC: ss.s.VPC, Owner: ss.s.Addr}
			if ss.gw6.IsValid() {
				h.IPv6 = model.SubnetHostIPv6(ss.s.IPv6CIDR)
			}
			b.addHost(h)
		}
	}
}

func (b *builder) addHost(h *Host) {
	if b.hostOf[h.Name] != nil {
		h.Name += "-twin"
	}
	if h.NS == "" {
		h.NS = b.nsFor(h.Name)
	}
	b.hosts = append(b.hosts, h)
	b.hostOf[h.Name] = h
}

func (ss *subnetState) alloc() (netip.Addr, error) {
	// The last usable address stays free: the analyzer uses it for a
	// hypothetical host in the subnet.
	rep := netipxLast(ss.s.CIDR).Prev()
	for a := ss.next; ss.s.CIDR.Contains(a) && a != rep && a != rep.Next(); a = a.Next() {
		if !ss.used[a] {
			ss.used[a] = true
			ss.next = a.Next()
			return a, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("subnet %s has no free address left for the twin", ss.s.CIDR)
}

// netipxLast is the last address of an IPv4 prefix (its broadcast).
func netipxLast(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// servicePrefix is the stand-in prefix of an AWS service, by short name.
// S3 and DynamoDB have fixed ones so plans stay readable.
func (b *builder) servicePrefix(name string) netip.Prefix {
	if p, ok := b.services[name]; ok {
		return p
	}
	fixed := map[string]netip.Prefix{
		"s3":       netip.MustParsePrefix("192.0.2.16/28"),
		"dynamodb": netip.MustParsePrefix("192.0.2.32/28"),
	}
	p, ok := fixed[name]
	if !ok {
		n := 3 + len(b.serviceOrder)
		if n > 15 {
			n = 15
		}
		p = netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(16 * n)}), 28)
	}
	b.services[name] = p
	b.serviceOrder = append(b.serviceOrder, name)
	return p
}

// serviceHost is the stand-in service's own address inside its prefix.
func serviceHost(p netip.Prefix) netip.Addr {
	a := p.Addr()
	for range 4 {
		a = a.Next()
	}
	return a
}

// prefixList resolves a prefix-list reference (id or name) to IPv4
// prefixes: a managed list's entries, or a service's stand-in.
func (b *builder) prefixList(ref string) []netip.Prefix {
	for _, pl := range b.n.PrefixLists {
		if pl.ID == ref || pl.Name == ref || string(pl.Addr) == ref {
			if svc := rules.ServiceOfPL(pl.Name); svc != "" {
				return []netip.Prefix{b.servicePrefix(svc)}
			}
			var out []netip.Prefix
			for _, e := range pl.Entries {
				if e.Addr().Is4() {
					out = append(out, e)
				}
			}
			return out
		}
	}
	if svc := rules.ServiceOfPL(ref); svc != "" {
		return []netip.Prefix{b.servicePrefix(svc)}
	}
	return nil
}
