package analyze

import (
	"net/netip"
	"slices"
	"strings"
	"sync"

	"go4.org/netipx"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
)

// Index is a network prepared for questions: every lookup a trace needs is
// a map or a short sorted slice. Build it once with NewIndex; it is
// read-only afterwards.
type Index struct {
	n *model.Network

	vpcs     map[model.ResourceRef]*vpcInfo
	subnets  map[model.ResourceRef]*subnetInfo
	subnetsL []*subnetInfo
	rts      map[model.ResourceRef]*rules.Table
	nacls    map[model.ResourceRef]*rules.ACL
	sgs      map[model.ResourceRef]*rules.Group

	devices  []*device
	byAddr   map[model.ResourceRef]*device
	byIP     map[netip.Addr]*device // the first device holding an address, in any VPC
	inVPC    map[vpcAddr]*device    // address spaces overlap across VPCs: see deviceAt
	byPublic map[netip.Addr]*device
	byID     map[string][]model.ResourceRef
	byOwner  map[model.ResourceRef][]*device
	members  map[model.ResourceRef][]*device

	natInst   map[model.ResourceRef]*model.NATInstance // by ENI address
	natgws    map[model.ResourceRef]*device            // by NAT gateway address
	peerings  map[model.ResourceRef]*model.PeeringConnection
	tgws      map[model.ResourceRef]*model.TransitGateway
	tgwAtt    map[model.ResourceRef]*model.TGWAttachment
	tgwRTs    map[model.ResourceRef]*rules.TGWTable
	prefixL   map[string]*model.PrefixList // by id, name and address
	endpoints map[model.ResourceRef]*model.Endpoint
	lbs       map[model.ResourceRef]*lbInfo
	lbByENI   map[model.ResourceRef]*lbInfo
	tgroups   map[model.ResourceRef]*model.TargetGroup
	firewalls map[model.ResourceRef]*model.Firewall
	// fwRules are the firewalls' rules compiled, by firewall address.
	fwRules   map[model.ResourceRef]*rules.Firewall
	instances map[model.ResourceRef]*model.Instance
	// services maps an AWS service short name to its stand-in address.
	services map[string]netip.Addr
	// rtIDs finds a route table by id or address, for route targets that
	// name things by AWS id.
	targets map[string]model.ResourceRef
	// hybrid holds the VPN and Direct Connect edge (hybrid.go).
	hybrid hybridIndex

	// The exact analysis's cut families and the internet as a set, built
	// on first use (family.go, exact.go).
	famOnce  sync.Once
	fam      *families
	inetOnce sync.Once
	inet     *internetSpace
	// wide remembers the internet hulls cut by the network-wide family.
	wideMu sync.Mutex
	wide   map[*netipx.IPSet][]addrClass
}

type vpcInfo struct {
	v       *model.VPC
	subnets []*subnetInfo
	igw     *model.InternetGateway
	eigw    *model.EgressOnlyInternetGateway
}

type vpcAddr struct {
	vpc *vpcInfo
	ip  netip.Addr
}

type subnetInfo struct {
	s    *model.Subnet
	vpc  *vpcInfo
	rt   *rules.Table
	nacl *rules.ACL
	// rep is the representative host a SubnetHost endpoint uses: the last
	// usable address, which stand-in interfaces never take.
	rep netip.Addr
	// rep6 is the IPv6 one, in a subnet with an IPv6 block
	// (model.SubnetHostIPv6).
	rep6 netip.Addr
	// implicit marks a route table or NACL taken from the VPC's main
	// table or default ACL, so explanations can say so.
	implicitRT, implicitACL bool
}

type lbInfo struct {
	lb   *model.LoadBalancer
	enis []*device
}

// device is anything that owns an address: an ENI, or a NAT gateway whose
// interface the model does not list.
type device struct {
	addr      model.ResourceRef
	eni       *model.ENI // nil for a bare NAT gateway
	subnet    *subnetInfo
	vpc       *vpcInfo
	ips       []netip.Addr // private IPv4 first, then secondaries, then IPv6
	public    netip.Addr
	hasPublic bool
	// publicStandin marks a public address moat made up.
	publicStandin bool
	// ipStandin marks a private address moat made up.
	ipStandin bool
	sgs       []*rules.Group
	sdc       bool // source/destination check on
	natgw     *model.NATGateway
	natInst   *model.NATInstance
	lb        *lbInfo
	endpoint  *model.Endpoint
	instance  *model.Instance
}

func (d *device) ip() netip.Addr {
	if len(d.ips) == 0 {
		return netip.Addr{}
	}
	return d.ips[0]
}

func (d *device) owns(a netip.Addr) bool {
	return slices.Contains(d.ips, a) || (d.hasPublic && d.public == a)
}

func (d *device) inGroup(g model.ResourceRef) bool {
	for _, s := range d.sgs {
		if s.Group.Addr == g {
			return true
		}
	}
	return false
}

// NewIndex prepares n for questions. It never fails: dangling references
// (a route to a deleted NAT, a subnet without a table) are kept and show
// up in answers as the settings that block a packet.
func NewIndex(n *model.Network) *Index {
	if n == nil {
		n = &model.Network{}
	}
	ix := &Index{
		n:         n,
		vpcs:      make(map[model.ResourceRef]*vpcInfo, len(n.VPCs)),
		subnets:   make(map[model.ResourceRef]*subnetInfo, len(n.Subnets)),
		rts:       make(map[model.ResourceRef]*rules.Table, len(n.RouteTables)),
		nacls:     make(map[model.ResourceRef]*rules.ACL, len(n.NetworkACLs)),
		sgs:       make(map[model.ResourceRef]*rules.Group, len(n.SecurityGroups)),
		byAddr:    make(map[model.ResourceRef]*device, len(n.ENIs)),
		byIP:      make(map[netip.Addr]*device, len(n.ENIs)),
		inVPC:     make(map[vpcAddr]*device, len(n.ENIs)),
		byPublic:  map[netip.Addr]*device{},
		byID:      map[string][]model.ResourceRef{},
		byOwner:   map[model.ResourceRef][]*device{},
		members:   map[model.ResourceRef][]*device{},
		natInst:   map[model.ResourceRef]*model.NATInstance{},
		natgws:    map[model.ResourceRef]*device{},
		peerings:  map[model.ResourceRef]*model.PeeringConnection{},
		tgws:      map[model.ResourceRef]*model.TransitGateway{},
		tgwAtt:    map[model.ResourceRef]*model.TGWAttachment{},
		tgwRTs:    map[model.ResourceRef]*rules.TGWTable{},
		prefixL:   map[string]*model.PrefixList{},
		endpoints: map[model.ResourceRef]*model.Endpoint{},
		lbs:       map[model.ResourceRef]*lbInfo{},
		lbByENI:   map[model.ResourceRef]*lbInfo{},
		tgroups:   map[model.ResourceRef]*model.TargetGroup{},
		firewalls: map[model.ResourceRef]*model.Firewall{},
		fwRules:   map[model.ResourceRef]*rules.Firewall{},
		instances: map[model.ResourceRef]*model.Instance{},
		services:  map[string]netip.Addr{},
		targets:   map[string]model.ResourceRef{},
	}
	ix.indexVPCs()
	ix.indexPolicies()
	ix.indexRoutes()
	ix.indexSubnets()
	ix.indexDevices()
	ix.indexTransit()
	ix.indexWorkloads()
	ix.indexHybrid()
	return ix
}

// Network returns the network the index was built from.
func (ix *Index) Network() *model.Network { return ix.n }

func (ix *Index) id(id string, a model.ResourceRef) {
	if id == "" {
		return
	}
	if !slices.Contains(ix.byID[id], a) {
		ix.byID[id] = append(ix.byID[id], a)
	}
}

func (ix *Index) indexVPCs() {
	n := ix.n
	for i := range n.VPCs {
		v := &n.VPCs[i]
		ix.vpcs[v.Addr] = &vpcInfo{v: v}
	}
	for i := range n.InternetGateways {
		g := &n.InternetGateways[i]
		if vi := ix.vpcs[g.VPC]; vi != nil && vi.igw == nil {
			vi.igw = g
		}
	}
	for i := range n.EgressOnlyInternetGateways {
		g := &n.EgressOnlyInternetGateways[i]
		if vi := ix.vpcs[g.VPC]; vi != nil && vi.eigw == nil {
			vi.eigw = g
		}
	}
}

func (ix *Index) indexPolicies() {
	n := ix.n
	for i := range n.PrefixLists {
		p := &n.PrefixLists[i]
		for _, k := range []string{p.ID, p.Name, string(p.Addr)} {
			if k != "" {
				ix.prefixL[k] = p
			}
		}
	}
	// AWS services: those with endpoints, and s3 and dynamodb, which every
	// Region has; each gets a stand-in address in a fixed order.
	names := []string{"s3", "dynamodb"}
	for i := range n.SecurityGroups {
		for _, r := range n.SecurityGroups[i].Ingress {
			if svc := rules.ServiceOfPL(r.Peer.PrefixList); r.Peer.Kind == model.PeerPrefixList && svc != "" && !slices.Contains(names, svc) {
				names = append(names, svc)
			}
		}
	}
	for i := range n.Endpoints {
		e := &n.Endpoints[i]
		ix.endpoints[e.Addr] = e
		ix.id(e.ID, e.Addr)
		if e.Service != "" && !slices.Contains(names, e.Service) {
			names = append(names, e.Service)
		}
	}
	slices.Sort(names)
	for i, s := range names {
		ix.services[s] = ix.serviceAddr(s, i)
	}
	for i := range n.NetworkACLs {
		a := &n.NetworkACLs[i]
		ix.nacls[a.Addr] = rules.CompileACL(a)
	}
	for i := range n.SecurityGroups {
		g := &n.SecurityGroups[i]
		ix.sgs[g.Addr] = rules.CompileGroup(g, ix.prefixList)
	}
}

// prefixList is the prefix list with that id or name, nil when the
// input does not hold it.
func (ix *Index) prefixList(name string) *model.PrefixList { return ix.prefixL[name] }

// serviceAddr is the address a service name stands for: the first entry
// of its AWS-managed prefix list when the network has one, else a stand-in.
func (ix *Index) serviceAddr(name string, i int) netip.Addr {
	for i := range ix.n.PrefixLists {
		p := &ix.n.PrefixLists[i]
		if strings.HasSuffix(p.Name, "."+name) && len(p.Entries) > 0 {
			return p.Entries[0].Addr()
		}
	}
	b := serviceStandin.Addr().As4()
	b[3] = byte(10 + i%240)
	return netip.AddrFrom4(b)
}

func (ix *Index) indexRoutes() {
	n := ix.n
	for i := range n.RouteTables {
		rt := &n.RouteTables[i]
		in := rules.TableInput{PrefixList: ix.prefixList, Endpoints: n.Endpoints}
		if vi := ix.vpcs[rt.VPC]; vi != nil {
			in.Secondary = vi.v.SecondaryCIDRs
		}
		ix.rts[rt.Addr] = rules.CompileTable(rt, in)
	}
}

func (ix *Index) indexSubnets() {
	n := ix.n
	ix.subnetsL = make([]*subnetInfo, 0, len(n.Subnets))
	for i := range n.Subnets {
		s := &n.Subnets[i]
		si := &subnetInfo{s: s, vpc: ix.vpcs[s.VPC]}
		// model.Network resolves each subnet's table and ACL, once for
		// every output.
		if rt, implicit := n.RouteTableOf(s); rt != nil {
			si.rt, si.implicitRT = ix.rts[rt.Addr], implicit
		}
		if acl, implicit := n.ACLOf(s); acl != nil {
			si.nacl, si.implicitACL = ix.nacls[acl.Addr], implicit
		}
		si.rep = lastUsable(s.CIDR)
		si.rep6 = model.SubnetHostIPv6(s.IPv6CIDR)
		ix.subnets[s.Addr] = si
		ix.subnetsL = append(ix.subnetsL, si)
		if si.vpc != nil {
			si.vpc.subnets = append(si.vpc.subnets, si)
		}
	}
}

// lastUsable is the address before the subnet's broadcast address, which
// AWS reserves.
func lastUsable(p netip.Prefix) netip.Addr {
	if !p.IsValid() || !p.Addr().Is4() || p.Bits() > 28 {
		return p.Addr()
	}
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += 1<<(32-p.Bits()) - 2
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// indexDevices indexes every interface and NAT gateway as a device, then
// gives stand-in addresses to those the input leaves without one.
func (ix *Index) indexDevices() {
	n := ix.n
	for i := range n.NATInstances {
		ni := &n.NATInstances[i]
		ix.natInst[ni.ENI] = ni
	}
	for i := range n.Instances {
		in := &n.Instances[i]
		ix.instances[in.Addr] = in
		ix.id(in.ID, in.Addr)
	}
	ix.devices = make([]*device, 0, len(n.ENIs)+len(n.NATGateways))
	pending := ix.indexENIs() // interfaces without a private address yet
	pending = ix.indexNATGateways(pending)
	ix.standinPrivateIPs(pending)
	ix.standinPublicIPs()
}

// publicOwners are the workloads whose interfaces AWS gives a public IP:
// an ECS service with AssignPublicIp ENABLED, a publicly accessible RDS
// instance.
func publicOwners(n *model.Network) map[model.ResourceRef]bool {
	publicOwner := map[model.ResourceRef]bool{}
	for _, s := range n.Services {
		if s.AssignPublicIP {
			publicOwner[s.Addr] = true
		}
	}
	for _, d := range n.Databases {
		if d.PubliclyAccessible {
			publicOwner[d.Addr] = true
		}
	}
	return publicOwner
}

// indexENIs adds a device per interface and returns those without a
// private address.
func (ix *Index) indexENIs() []*device {
	n := ix.n
	var pending []*device
	publicOwner := publicOwners(n)
	for i := range n.ENIs {
		e := &n.ENIs[i]
		d := &device{addr: e.Addr, eni: e, subnet: ix.subnets[e.Subnet], sdc: e.SourceDestCheck, natInst: ix.natInst[e.Addr]}
		if d.subnet != nil {
			d.vpc = d.subnet.vpc
		}
		if e.PrivateIP.IsValid() {
			d.ips = append(d.ips, e.PrivateIP)
		} else {
			pending = append(pending, d)
		}
		d.ips = append(d.ips, e.SecondaryIPs...)
		d.ips = append(d.ips, e.IPv6...)
		d.public, d.hasPublic = e.PublicIP, e.HasPublicIP || e.PublicIP.IsValid() || publicOwner[e.Owner] && !e.Owner.IsZero()
		for _, g := range e.SecurityGroups {
			if si := ix.sgs[g]; si != nil {
				d.sgs = append(d.sgs, si)
				ix.members[g] = append(ix.members[g], d)
			}
		}
		ix.add(d)
		ix.id(e.ID, e.Addr)
		if !e.Owner.IsZero() {
			ix.byOwner[e.Owner] = append(ix.byOwner[e.Owner], d)
		}
	}
	return pending
}

// indexNATGateways attaches each NAT gateway to its interface, or makes
// it a device of its own (pending a private address) when the input has
// none.
func (ix *Index) indexNATGateways(pending []*device) []*device {
	n := ix.n
	for i := range n.NATGateways {
		g := &n.NATGateways[i]
		ix.id(g.ID, g.Addr)
		if d := ix.byAddr[g.ENI]; d != nil && !g.ENI.IsZero() {
			d.natgw = g
			ix.natgws[g.Addr] = d
			continue
		}
		d := &device{addr: g.Addr, subnet: ix.subnets[g.Subnet], natgw: g, hasPublic: !g.Private && g.PublicIPs > 0}
		if d.subnet != nil {
			d.vpc = d.subnet.vpc
		} else {
			d.vpc = ix.vpcs[g.VPC]
		}
		pending = append(pending, d)
		ix.add(d)
		ix.natgws[g.Addr] = d
	}
	return pending
}

// standinPrivateIPs gives each pending device the lowest free usable
// address of its subnet, so stand-ins never collide with a real or
// compiled one.
func (ix *Index) standinPrivateIPs(pending []*device) {
	next := map[*subnetInfo]netip.Addr{}
	for _, d := range pending {
		if d.subnet == nil || !d.subnet.s.CIDR.Addr().Is4() {
			continue
		}
		a, ok := next[d.subnet]
		if !ok {
			a = d.subnet.s.CIDR.Masked().Addr().Next().Next().Next().Next()
		}
		for ix.byIP[a] != nil && d.subnet.s.CIDR.Contains(a) {
			a = a.Next()
		}
		if !d.subnet.s.CIDR.Contains(a) || a == d.subnet.rep {
			continue
		}
		d.ips = append([]netip.Addr{a}, d.ips...)
		d.ipStandin = true
		ix.byIP[a] = d
		ix.inVPC[vpcAddr{d.vpc, a}] = d
		next[d.subnet] = a.Next()
	}
}

// standinPublicIPs gives a stand-in public address to every device that
// has one without the input saying which, and indexes public addresses.
func (ix *Index) standinPublicIPs() {
	pub := publicStandin.Addr()
	for _, d := range ix.devices {
		if d.hasPublic && !d.public.IsValid() {
			for ix.byPublic[pub] != nil {
				pub = pub.Next()
			}
			d.public, d.publicStandin = pub, true
			pub = pub.Next()
		}
		if d.public.IsValid() {
			ix.byPublic[d.public] = d
		}
	}
}

func (ix *Index) add(d *device) {
	ix.devices = append(ix.devices, d)
	ix.byAddr[d.addr] = d
	for _, a := range d.ips {
		if ix.byIP[a] == nil {
			ix.byIP[a] = d
		}
		if k := (vpcAddr{d.vpc, a}); ix.inVPC[k] == nil {
			ix.inVPC[k] = d
		}
	}
}

// vpcOfFlowEnd is the VPC an endpoint is in, or nil.
func (ix *Index) vpcOfFlowEnd(e FlowEnd) *vpcInfo {
	if s := ix.subnets[e.Subnet]; s != nil {
		return s.vpc
	}
	return nil
}

// deviceAt returns the device holding private address a as seen from VPC
// in. Address spaces overlap across VPCs and accounts (every default VPC
// is 172.31.0.0/16), so inside in's blocks only in's own devices count;
// an address outside them (a peered VPC, which AWS requires not to
// overlap) is looked up across the network. A nil in looks everywhere.
func (ix *Index) deviceAt(a netip.Addr, in *vpcInfo) *device {
	d := ix.byIP[a]
	if in == nil || d == nil || d.vpc == in {
		// Nobody holds a, or its first holder is in in: one lookup, as
		// in a network whose VPCs do not overlap.
		return d
	}
	if d := ix.inVPC[vpcAddr{in, a}]; d != nil {
		return d
	}
	if in.contains(a) {
		return nil
	}
	return d
}

func (ix *Index) indexTransit() {
	n := ix.n
	for i := range n.PeeringConnections {
		p := &n.PeeringConnections[i]
		ix.peerings[p.Addr] = p
		ix.id(p.ID, p.Addr)
	}
	for i := range n.TransitGateways {
		t := &n.TransitGateways[i]
		ix.tgws[t.Addr] = t
		ix.id(t.ID, t.Addr)
	}
	for i := range n.TGWAttachments {
		a := &n.TGWAttachments[i]
		ix.tgwAtt[a.Addr] = a
		ix.id(a.ID, a.Addr)
	}
	tgwIn := rules.TGWInput{PrefixList: ix.prefixList, Attachment: ix.tgwAttachment, VPCBlocks: ix.vpcBlocks}
	for i := range n.TGWRouteTables {
		t := &n.TGWRouteTables[i]
		ix.tgwRTs[t.Addr] = rules.CompileTGWTable(t, tgwIn)
		ix.id(t.ID, t.Addr)
		// An association recorded only on the table still counts.
		for _, a := range t.Associations {
			if att := ix.tgwAtt[a]; att != nil && att.RouteTable.IsZero() {
				att.RouteTable = t.Addr
			}
		}
	}
	for i := range n.Firewalls {
		f := &n.Firewalls[i]
		ix.firewalls[f.Addr] = f
		ix.fwRules[f.Addr] = rules.CompileFirewall(f.Rules, f.DefaultAction)
	}
	for i := range n.Subnets {
		ix.id(lastSegment(n.Subnets[i].Addr), n.Subnets[i].Addr)
	}
	for i := range n.VPCs {
		ix.id(lastSegment(n.VPCs[i].Addr), n.VPCs[i].Addr)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func lastSegment(a model.ResourceRef) string {
	s := string(a)
	return s[strings.LastIndexByte(s, '/')+1:]
}

func (ix *Index) indexWorkloads() {
	n := ix.n
	for i := range n.TargetGroups {
		t := &n.TargetGroups[i]
		ix.tgroups[t.Addr] = t
	}
	for i := range n.LoadBalancers {
		lb := &n.LoadBalancers[i]
		li := &lbInfo{lb: lb}
		for _, a := range lb.ENIs {
			if d := ix.byAddr[a]; d != nil {
				li.enis = append(li.enis, d)
			}
		}
		for _, d := range ix.byOwner[lb.Addr] {
			if !slices.Contains(li.enis, d) {
				li.enis = append(li.enis, d)
			}
		}
		for _, d := range li.enis {
			d.lb = li
			ix.lbByENI[d.addr] = li
		}
		ix.lbs[lb.Addr] = li
		ix.id(lb.ID, lb.Addr)
	}
	for _, e := range ix.endpoints {
		for _, a := range e.ENIs {
			if d := ix.byAddr[a]; d != nil {
				d.endpoint = e
			}
		}
		for _, d := range ix.byOwner[e.Addr] {
			d.endpoint = e
		}
	}
	for _, in := range ix.instances {
		for _, a := range in.ENIs {
			if d := ix.byAddr[a]; d != nil {
				d.instance = in
			}
		}
	}
}

// subnetOf returns the subnet of vpc holding a, or nil.
func (vi *vpcInfo) subnetOf(a netip.Addr) *subnetInfo {
	for _, s := range vi.subnets {
		if s.s.CIDR.Contains(a) || (s.s.IPv6CIDR.IsValid() && s.s.IPv6CIDR.Contains(a)) {
			return s
		}
	}
	return nil
}

// contains reports whether a is inside the VPC's IPv4 or IPv6 CIDR.
func (vi *vpcInfo) contains(a netip.Addr) bool {
	for _, c := range vi.v.SecondaryCIDRs {
		if c.Contains(a) {
			return true
		}
	}
	return vi.v.CIDR.Contains(a) || (vi.v.IPv6CIDR.IsValid() && vi.v.IPv6CIDR.Contains(a))
}

// vpcOf returns the VPC whose CIDR holds a, preferring hint.
func (ix *Index) vpcOf(a netip.Addr, hint *vpcInfo) *vpcInfo {
	if hint != nil && hint.contains(a) {
		return hint
	}
	for i := range ix.n.VPCs {
		if vi := ix.vpcs[ix.n.VPCs[i].Addr]; vi != nil && vi.contains(a) {
			return vi
		}
	}
	return nil
}
