package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/moatnet/moat/diag"
)

// Claim is one explicit subnet association an input read: an
// AWS::EC2::SubnetRouteTableAssociation or SubnetNetworkAclAssociation, or
// an entry of a describe-route-tables / describe-network-acls Associations
// list.
type Claim struct {
	Subnet ResourceRef
	By     ResourceRef // the route table or network ACL
	At     diag.Range
}

// Input is what an input hands the finisher: the network it read, the
// associations it read (beyond the subnets' own RouteTable and NACL
// fields, which count as claims too), where each resource is in the
// user's files, and how to order the result.
type Input struct {
	Network *Network
	// RouteTableClaims and ACLClaims are explicit associations in the
	// order read.
	RouteTableClaims, ACLClaims []Claim
	// Where places a resource in the input for a diagnostic about it; nil
	// places nothing.
	Where func(ResourceRef) diag.Range
	// ByAddress orders the resource lists by address, as the importers
	// want; a compiled design keeps its own order (zones, then tiers).
	ByAddress bool
	// MissingHint is the hint for references to resources the input does
	// not describe ("add the describe-vpcs output ...").
	MissingHint string
}

// Finish builds the canonical form of in.Network, which it changes in
// place and returns: each subnet names exactly one route table and one
// network ACL (an unassociated subnet gets its VPC's main table and
// default ACL), every conflicting or dangling reference is a diagnostic,
// lists are in a deterministic order, and the lookups below are backed by
// maps. The network is nil when a diagnostic is an error. Treat a
// finished network as read-only: the lookups index it as it was, and fall
// back to scanning once its lists are replaced.
func Finish(in Input) (*Network, diag.List) {
	var d diag.List
	n := in.Network
	if n == nil {
		d.Errorf(diag.Range{}, "", "no network to finish")
		return nil, d
	}
	where := in.Where
	if where == nil {
		where = func(ResourceRef) diag.Range { return diag.Range{} }
	}
	if in.ByAddress {
		sortByAddress(n)
	}
	f := &finisher{n: n, where: where, d: &d, hint: in.MissingHint}
	f.duplicates()
	x := newIndex(n)
	f.x = x
	f.associate(in.RouteTableClaims, "route table", func(s *Subnet) *ResourceRef { return &s.RouteTable },
		func(a ResourceRef) bool { return x.rts[a] != nil }, x.mainRT)
	f.associate(in.ACLClaims, "network ACL", func(s *Subnet) *ResourceRef { return &s.NACL },
		func(a ResourceRef) bool { return x.acls[a] != nil }, x.defACL)
	f.dangling()
	f.addresses()
	x.derive(n)
	n.fin = x
	d = d.Sorted()
	if d.HasErrors() {
		return nil, d
	}
	return n, d
}

type finisher struct {
	n     *Network
	x     *index
	where func(ResourceRef) diag.Range
	d     *diag.List
	hint  string
}

// duplicates reports two resources of one list sharing an address: every
// reference to it would be ambiguous.
func (f *finisher) duplicates() {
	AddressedLists(f.n, func(kind string, list reflect.Value) {
		seen := map[ResourceRef]bool{}
		for j := range list.Len() {
			a := AddrAt(list, j)
			if a.IsZero() {
				continue
			}
			if seen[a] {
				f.d.Errorf(f.where(a), "give each resource its own name", "%s is defined twice (%s)", a, kind)
			}
			seen[a] = true
		}
	})
}

// associate settles each subnet's route table (or ACL): its own field and
// the claims must agree; a subnet claimed by none gets its VPC's implicit
// one.
func (f *finisher) associate(claims []Claim, what string, field func(*Subnet) *ResourceRef, known func(ResourceRef) bool, implicit map[ResourceRef]ResourceRef) {
	by := map[ResourceRef][]Claim{}
	for _, c := range claims {
		if c.Subnet.IsZero() || c.By.IsZero() {
			continue
		}
		if f.x.subnets[c.Subnet] == nil {
			f.d.Warnf(c.At, "the analysis does not know the subnet", "%s %s is associated with subnet %s, which the input does not describe", what, c.By, c.Subnet)
			continue
		}
		by[c.Subnet] = append(by[c.Subnet], c)
	}
	for i := range f.n.Subnets {
		s := &f.n.Subnets[i]
		a := field(s)
		cs := by[s.Addr]
		if !a.IsZero() {
			cs = append([]Claim{{Subnet: s.Addr, By: *a, At: f.where(s.Addr)}}, cs...)
		}
		var first *Claim
		for j := range cs {
			c := &cs[j]
			switch {
			case first == nil:
				first = c
			case c.By != first.By:
				f.d.Errorf(c.At, fmt.Sprintf("a subnet has exactly one %s: remove one of the associations", what),
					"subnet %s is associated with both %s %s and %s %s", s.Addr, what, first.By, what, c.By)
			}
		}
		switch {
		case first != nil:
			*a = first.By
			if !known(*a) {
				f.d.Warnf(first.At, fmt.Sprintf("the analysis treats the %s's rules as unknown", what), "subnet %s: %s %s is not in the input", s.Addr, what, *a)
			}
		case !implicit[s.VPC].IsZero():
			*a = implicit[s.VPC]
		}
	}
}

// dangling reports references to VPCs, subnets and security groups the
// input does not describe, one diagnostic per kind of reference: the
// analysis cannot place traffic there, nor know what a group allows.
func (f *finisher) dangling() {
	missing := map[string][]string{}
	vpc := func(a ResourceRef) {
		if !a.IsZero() && f.x.vpcs[a] == nil {
			missing["VPCs"] = append(missing["VPCs"], string(a))
		}
	}
	subnets := func(as ...ResourceRef) {
		for _, a := range as {
			if !a.IsZero() && f.x.subnets[a] == nil {
				missing["subnets"] = append(missing["subnets"], string(a))
			}
		}
	}
	groups := func(as []ResourceRef) {
		for _, a := range as {
			if !a.IsZero() && f.x.sgs[a] == nil {
				missing["security groups"] = append(missing["security groups"], string(a))
			}
		}
	}
	for _, s := range f.n.Subnets {
		vpc(s.VPC)
	}
	for _, e := range f.n.ENIs {
		subnets(e.Subnet)
		groups(e.SecurityGroups)
	}
	for _, e := range f.n.Endpoints {
		groups(e.SecurityGroups)
	}
	for _, lb := range f.n.LoadBalancers {
		groups(lb.SecurityGroups)
	}
	hint := cmp.Or(f.hint, "add the resources the network refers to")
	for _, r := range slices.Sorted(mapsKeys(missing)) {
		l := slices.Compact(slices.Sorted(slices.Values(missing[r])))
		f.d.Warnf(diag.Range{}, hint, "%d referenced %s are in no input: %s", len(l), r, strings.Join(l, ", "))
	}
}

func mapsKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// addresses reports subnets outside their VPC's blocks and two interfaces
// of one VPC holding the same private address.
func (f *finisher) addresses() {
	for _, s := range f.n.Subnets {
		v := f.x.vpcs[s.VPC]
		if v == nil || !v.CIDR.IsValid() || !s.CIDR.IsValid() || v.holds(s.CIDR) {
			continue
		}
		f.d.Errorf(f.where(s.Addr), "a subnet's block lies inside one of its VPC's blocks", "subnet %s %s is outside VPC %s %s", s.Addr, s.CIDR, v.Addr, v.blocks())
	}
	owner := map[vpcIP]ResourceRef{}
	for _, e := range f.n.ENIs {
		s := f.x.subnets[e.Subnet]
		if s == nil {
			continue
		}
		for _, ip := range e.privateIPs() {
			k := vpcIP{s.VPC, ip}
			if o, ok := owner[k]; ok && o != e.Addr {
				f.d.Warnf(f.where(e.Addr), "the analysis takes the first interface", "interfaces %s and %s both hold %s in %s", o, e.Addr, ip, s.VPC)
				continue
			}
			owner[k] = e.Addr
		}
	}
}

// holds reports whether p lies inside one of the VPC's IPv4 blocks.
func (v *VPC) holds(p netip.Prefix) bool {
	for _, b := range append([]netip.Prefix{v.CIDR}, v.SecondaryCIDRs...) {
		if b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func (v *VPC) blocks() string {
	s := v.CIDR.String()
	for _, b := range v.SecondaryCIDRs {
		s += ", " + b.String()
	}
	return s
}

// privateIPs are the interface's addresses inside its VPC.
func (e *ENI) privateIPs() []netip.Addr {
	var out []netip.Addr
	if e.PrivateIP.IsValid() {
		out = append(out, e.PrivateIP)
	}
	out = append(out, e.SecondaryIPs...)
	return append(out, e.IPv6...)
}

type vpcIP struct {
	vpc ResourceRef
	ip  netip.Addr
}

// index is a finished network's lookups. It remembers the lists it
// indexed, so a network whose lists were replaced since is scanned.
type index struct {
	// lists are the lists indexed, as they were (same backing arrays).
	lists indexed

	vpcs    map[ResourceRef]*VPC
	subnets map[ResourceRef]*Subnet
	rts     map[ResourceRef]*RouteTable
	acls    map[ResourceRef]*NetworkACL
	sgs     map[ResourceRef]*SecurityGroup
	enis    map[ResourceRef]*ENI
	lbs     map[ResourceRef]*LoadBalancer
	mainRT  map[ResourceRef]ResourceRef // VPC -> its main route table
	defACL  map[ResourceRef]ResourceRef // VPC -> its default ACL

	// derived after association
	rtSubnets  map[ResourceRef][]ResourceRef
	aclSubnets map[ResourceRef][]ResourceRef
	ips        map[vpcIP]*ENI
}

func byAddr[T any](s []T, addr func(*T) ResourceRef) map[ResourceRef]*T {
	m := make(map[ResourceRef]*T, len(s))
	for i := range s {
		if a := addr(&s[i]); !a.IsZero() {
			if _, dup := m[a]; !dup {
				m[a] = &s[i]
			}
		}
	}
	return m
}

func newIndex(n *Network) *index {
	x := &index{
		vpcs:    byAddr(n.VPCs, func(v *VPC) ResourceRef { return v.Addr }),
		subnets: byAddr(n.Subnets, func(v *Subnet) ResourceRef { return v.Addr }),
		rts:     byAddr(n.RouteTables, func(v *RouteTable) ResourceRef { return v.Addr }),
		acls:    byAddr(n.NetworkACLs, func(v *NetworkACL) ResourceRef { return v.Addr }),
		sgs:     byAddr(n.SecurityGroups, func(v *SecurityGroup) ResourceRef { return v.Addr }),
		enis:    byAddr(n.ENIs, func(v *ENI) ResourceRef { return v.Addr }),
		lbs:     byAddr(n.LoadBalancers, func(v *LoadBalancer) ResourceRef { return v.Addr }),
		mainRT:  map[ResourceRef]ResourceRef{},
		defACL:  map[ResourceRef]ResourceRef{},
	}
	for _, rt := range n.RouteTables {
		if _, ok := x.mainRT[rt.VPC]; rt.Main && !ok {
			x.mainRT[rt.VPC] = rt.Addr
		}
	}
	for _, a := range n.NetworkACLs {
		if _, ok := x.defACL[a.VPC]; a.Default && !ok {
			x.defACL[a.VPC] = a.Addr
		}
	}
	x.lists = listsOf(n)
	return x
}

func (x *index) derive(n *Network) {
	x.rtSubnets, x.aclSubnets, x.ips = map[ResourceRef][]ResourceRef{}, map[ResourceRef][]ResourceRef{}, map[vpcIP]*ENI{}
	for _, s := range n.Subnets {
		if !s.RouteTable.IsZero() {
			x.rtSubnets[s.RouteTable] = append(x.rtSubnets[s.RouteTable], s.Addr)
		}
		if !s.NACL.IsZero() {
			x.aclSubnets[s.NACL] = append(x.aclSubnets[s.NACL], s.Addr)
		}
	}
	for i := range n.ENIs {
		e := &n.ENIs[i]
		s := x.subnets[e.Subnet]
		if s == nil {
			continue
		}
		for _, ip := range e.privateIPs() {
			if _, ok := x.ips[vpcIP{s.VPC, ip}]; !ok {
				x.ips[vpcIP{s.VPC, ip}] = e
			}
		}
	}
}

// indexed are the lists an index holds pointers into.
type indexed struct {
	vpcs    []VPC
	subnets []Subnet
	rts     []RouteTable
	acls    []NetworkACL
	sgs     []SecurityGroup
	enis    []ENI
	lbs     []LoadBalancer
}

func listsOf(n *Network) indexed {
	return indexed{n.VPCs, n.Subnets, n.RouteTables, n.NetworkACLs, n.SecurityGroups, n.ENIs, n.LoadBalancers}
}

// same reports whether a and b are one list: same length, same array.
func same[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// idx is the network's index when it still describes the network.
func (n *Network) idx() *index {
	if n == nil || n.fin == nil {
		return nil
	}
	a, b := n.fin.lists, listsOf(n)
	if !same(a.vpcs, b.vpcs) || !same(a.subnets, b.subnets) || !same(a.rts, b.rts) || !same(a.acls, b.acls) ||
		!same(a.sgs, b.sgs) || !same(a.enis, b.enis) || !same(a.lbs, b.lbs) {
		return nil
	}
	return n.fin
}

// Finished reports whether n came from Finish and its lookups are indexed.
func (n *Network) Finished() bool { return n.idx() != nil }

// RouteTableOf returns the route table of subnet s: the one it is
// associated with, or, for a subnet of a network that was not finished
// and names none, its VPC's main table (implicit then true). It returns
// nil when the table is not in the network.
func (n *Network) RouteTableOf(s *Subnet) (rt *RouteTable, implicit bool) {
	return resolve(s.RouteTable, func() ResourceRef { return n.mainRouteTable(s.VPC) }, n.RouteTable)
}

// resolve looks up the table a subnet names, or when it names none the
// one implicit gives.
func resolve[T any](named ResourceRef, implicit func() ResourceRef, get func(ResourceRef) (*T, bool)) (*T, bool) {
	a, imp := named, false
	if a.IsZero() {
		a, imp = implicit(), true
	}
	if a.IsZero() {
		return nil, false
	}
	t, ok := get(a)
	if !ok {
		return nil, false
	}
	return t, imp
}

// ACLOf returns the network ACL of subnet s, as RouteTableOf does its
// route table: an unfinished network's subnet that names none has its
// VPC's default ACL (implicit true).
func (n *Network) ACLOf(s *Subnet) (acl *NetworkACL, implicit bool) {
	return resolve(s.NACL, func() ResourceRef { return n.defaultACL(s.VPC) }, n.NetworkACL)
}

func (n *Network) mainRouteTable(vpc ResourceRef) ResourceRef {
	return implicitIn(n, func(x *index) map[ResourceRef]ResourceRef { return x.mainRT }, vpc, n.RouteTables,
		func(r *RouteTable) (ResourceRef, bool) { return r.Addr, r.VPC == vpc && r.Main })
}

func (n *Network) defaultACL(vpc ResourceRef) ResourceRef {
	return implicitIn(n, func(x *index) map[ResourceRef]ResourceRef { return x.defACL }, vpc, n.NetworkACLs,
		func(a *NetworkACL) (ResourceRef, bool) { return a.Addr, a.VPC == vpc && a.Default })
}

// implicitIn is the VPC's main table or default ACL: from the index, else
// the first element of s that is.
func implicitIn[T any](n *Network, m func(*index) map[ResourceRef]ResourceRef, vpc ResourceRef, s []T, is func(*T) (ResourceRef, bool)) ResourceRef {
	if x := n.idx(); x != nil {
		return m(x)[vpc]
	}
	for i := range s {
		if a, ok := is(&s[i]); ok {
			return a
		}
	}
	return ""
}

// TierOf returns subnet s's tier: the one a design declares, else the one
// its route table's IPv4 default route gives an imported subnet (an
// internet gateway: public; any other hop out: private; none: isolated).
func (n *Network) TierOf(s *Subnet) Tier {
	if s.Tier != "" {
		return s.Tier
	}
	rt, _ := n.RouteTableOf(s)
	if rt == nil {
		return Isolated
	}
	t := Isolated
	for _, r := range rt.Routes {
		if !r.Dest.IsValid() || r.Dest.Bits() != 0 || !r.Dest.Addr().Is4() {
			continue
		}
		switch r.TargetKind {
		case TargetIGW:
			return Public
		case TargetLocal, TargetBlackhole:
		default:
			t = Private
		}
	}
	return t
}

// RouteTableSubnets returns the subnets route table rt serves, in the
// network's subnet order: the reverse of RouteTableOf.
func (n *Network) RouteTableSubnets(rt ResourceRef) []ResourceRef {
	return n.reverse(rt, func(x *index) map[ResourceRef][]ResourceRef { return x.rtSubnets }, func(s *Subnet) ResourceRef {
		if t, _ := n.RouteTableOf(s); t != nil {
			return t.Addr
		}
		return ""
	})
}

// ACLSubnets returns the subnets network ACL acl guards, in the
// network's subnet order: the reverse of ACLOf.
func (n *Network) ACLSubnets(acl ResourceRef) []ResourceRef {
	return n.reverse(acl, func(x *index) map[ResourceRef][]ResourceRef { return x.aclSubnets }, func(s *Subnet) ResourceRef {
		if a, _ := n.ACLOf(s); a != nil {
			return a.Addr
		}
		return ""
	})
}

// reverse lists the subnets whose resolved table (of) is a: from the
// index's derived map, else by scanning.
func (n *Network) reverse(a ResourceRef, derived func(*index) map[ResourceRef][]ResourceRef, of func(*Subnet) ResourceRef) []ResourceRef {
	if x := n.idx(); x != nil {
		return slices.Clone(derived(x)[a])
	}
	var out []ResourceRef
	for i := range n.Subnets {
		if of(&n.Subnets[i]) == a {
			out = append(out, n.Subnets[i].Addr)
		}
	}
	return out
}

// InterfaceAt returns the interface holding private address ip in VPC
// vpc. Address spaces overlap across VPCs and accounts (every default VPC
// is 172.31.0.0/16), so an address names an interface only inside one VPC.
func (n *Network) InterfaceAt(vpc ResourceRef, ip netip.Addr) (*ENI, bool) {
	if x := n.idx(); x != nil {
		e, ok := x.ips[vpcIP{vpc, ip}]
		if !ok {
			return nil, false
		}
		if s, ok := n.Subnet(e.Subnet); ok && s.VPC == vpc && slices.Contains(e.privateIPs(), ip) {
			return e, true
		}
	}
	for i := range n.ENIs {
		e := &n.ENIs[i]
		if !slices.Contains(e.privateIPs(), ip) {
			continue
		}
		if s, ok := n.Subnet(e.Subnet); ok && s.VPC == vpc {
			return e, true
		}
	}
	return nil, false
}

// sortByAddress orders every list of resources that has addresses, and
// the zones by ID.
func sortByAddress(n *Network) {
	v := reflect.ValueOf(n).Elem()
	for i := range v.NumField() {
		fv := v.Field(i)
		if fv.Kind() != reflect.Slice || fv.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		if sf, ok := fv.Type().Elem().FieldByName("Addr"); !ok || sf.Type != reflect.TypeFor[ResourceRef]() {
			continue
		}
		key := func(j int) string { return fv.Index(j).FieldByName("Addr").String() }
		sort.SliceStable(fv.Interface(), func(a, b int) bool { return key(a) < key(b) })
	}
	slices.SortFunc(n.Zones, func(a, b Zone) int { return cmp.Compare(a.ID, b.ID) })
}
