package compile

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

func TestSecurityGroupChain(t *testing.T) {
	for name, s := range variants() {
		n := build(t, s)
		fe := map[spec.FrontEndKind]model.ResourceRef{spec.FrontEndALB: SGALB, spec.FrontEndNLB: SGNLB, spec.FrontEndAPIGateway: SGAPIGW}[s.FrontEnd.Kind]
		// The service admits only the front end's group, on its port.
		sv := group(t, n, SGService)
		var want []model.SGRule
		if fe != "" {
			// Behind API Gateway the internal NLB is the service's front.
			front := fe
			if fe == SGAPIGW {
				front = SGNLB
			}
			want = []model.SGRule{{Protocol: model.TCP, Ports: model.Port(8080), Peer: groupPeer(front), Description: "requests from the front end only"}}
		}
		if diff := cmp.Diff(want, sv.Ingress, netipOpts); diff != "" {
			t.Errorf("%s: service ingress (-want +got):\n%s", name, diff)
		}
		// The database admits only the service (and the bastion), on its
		// port, and sends nothing.
		if s.Database != nil {
			db := group(t, n, SGDB)
			peers := []model.ResourceRef{SGService}
			if s.Bastion != nil {
				peers = append(peers, SGBastion)
			}
			var got []model.ResourceRef
			for _, r := range db.Ingress {
				if r.Protocol != model.TCP || r.Ports != model.Port(5432) || r.Peer.Kind != model.PeerGroup {
					t.Errorf("%s: db rule %+v", name, r)
				}
				got = append(got, r.Peer.Group)
			}
			if !cmp.Equal(peers, got) || len(db.Egress) != 0 {
				t.Errorf("%s: db ingress from %v, egress %v", name, got, db.Egress)
			}
		}
		// Front-end groups forward only to the service port.
		if fe != "" {
			g := group(t, n, fe)
			wantPeer, wantPort := SGService, model.Port(8080)
			if fe == SGAPIGW {
				wantPeer, wantPort = SGNLB, model.Port(443)
				in := group(t, n, SGNLB)
				if len(in.Ingress) != 1 || in.Ingress[0].Peer.Group != SGAPIGW || in.Ingress[0].Ports != wantPort {
					t.Errorf("%s: internal nlb ingress %v", name, in.Ingress)
				}
			}
			if len(g.Egress) != 1 || g.Egress[0].Peer.Group != wantPeer || g.Egress[0].Ports != wantPort {
				t.Errorf("%s: front end egress %v", name, g.Egress)
			}
			if fe == SGAPIGW && len(g.Ingress) != 0 {
				t.Errorf("%s: VPC Link has ingress %v", name, g.Ingress)
			}
		}
	}
}

// TestNoOpenIngress is the invariant: nothing admits 0.0.0.0/0 or ::/0
// except an internet-facing ALB or NLB on its listener ports.
func TestNoOpenIngress(t *testing.T) {
	for name, s := range variants() {
		n := build(t, s)
		for _, g := range n.SecurityGroups {
			for _, r := range g.Ingress {
				if r.Peer.Kind != model.PeerCIDR || r.Peer.CIDR.Bits() != 0 {
					continue
				}
				listener := r.Protocol == model.TCP && (r.Ports == model.Port(443) || (g.Addr == SGALB && r.Ports == model.Port(80)))
				if !(s.FrontEnd.InternetFacing && (g.Addr == SGALB || g.Addr == SGNLB) && listener) {
					t.Errorf("%s: %s admits %s on %s/%s", name, g.Addr, r.Peer, r.Protocol, r.Ports)
				}
			}
		}
	}
}

func TestEveryRuleExplained(t *testing.T) {
	for name, s := range variants() {
		n := build(t, s)
		for _, g := range n.SecurityGroups {
			if g.Description == "" || g.Name == "" || g.VPC != VPCAddr {
				t.Errorf("%s: %s: %+v", name, g.Addr, g)
			}
			for _, r := range slices.Concat(g.Ingress, g.Egress) {
				if r.Description == "" {
					t.Errorf("%s: %s: rule without description %+v", name, g.Addr, r)
				}
				if r.Peer.Kind == model.PeerGroup {
					if _, ok := n.SecurityGroup(r.Peer.Group); !ok {
						t.Errorf("%s: %s names missing group %s", name, g.Addr, r.Peer.Group)
					}
				}
			}
		}
	}
}

func TestNACLs(t *testing.T) {
	for name, s := range variants() {
		n := build(t, s)
		for _, acl := range n.NetworkACLs {
			last := map[bool]int{}
			for _, e := range acl.Entries {
				if e.RuleNumber <= last[e.Egress] || e.RuleNumber%10 != 0 {
					t.Errorf("%s: %s: rule %d after %d", name, acl.Addr, e.RuleNumber, last[e.Egress])
				}
				last[e.Egress] = e.RuleNumber
				portDeny := e.Action == model.Deny && e.Protocol == model.TCP && e.Ports.From == e.Ports.To && e.CIDR.Bits() == 0 && !e.Egress
				if e.Description == "" || (e.Action != model.Allow && !portDeny) || !e.CIDR.IsValid() {
					t.Errorf("%s: %s: entry %+v", name, acl.Addr, e)
				}
				if e.CIDR.Addr().Is6() && !s.Network.IPv6 && e.CIDR.Bits() == 0 && !slices.Contains(s.FrontEnd.AllowFrom, e.CIDR) {
					t.Errorf("%s: %s: IPv6 entry without IPv6", name, acl.Addr)
				}
			}
			if len(n.ACLSubnets(acl.Addr)) == 0 {
				t.Errorf("%s: %s has no subnets", name, acl.Addr)
			}
		}
	}
}

func TestPublicNACL(t *testing.T) {
	s := webapp()
	s.Bastion = &spec.Bastion{Mode: model.BastionSSH, AllowFrom: pfxs("203.0.113.0/24")}
	n := build(t, s)
	acl, _ := n.NetworkACL("nacl/public")
	type row struct {
		N      int
		Egress bool
		Proto  model.Protocol
		Ports  string
		CIDR   string
	}
	var got []row
	for _, e := range acl.Entries {
		got = append(got, row{e.RuleNumber, e.Egress, e.Protocol, e.Ports.String(), e.CIDR.String()})
	}
	want := []row{
		{100, false, model.TCP, "443", "0.0.0.0/0"},
		{110, false, model.TCP, "80", "0.0.0.0/0"},
		{120, false, model.TCP, "22", "203.0.113.0/24"},
		{130, false, model.AllProtocols, "all ports", "10.0.0.0/16"},
		{140, false, model.TCP, "1024-65535", "0.0.0.0/0"},
		{150, false, model.UDP, "1024-65535", "0.0.0.0/0"},
		{100, true, model.AllProtocols, "all ports", "0.0.0.0/0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nacl/public (-want +got):\n%s", diff)
	}
	iso, _ := n.NetworkACL("nacl/isolated")
	if len(iso.Entries) != 5 || iso.Entries[1].Action != model.Deny || iso.Entries[1].Ports != model.Port(5432) {
		t.Errorf("nacl/isolated with gateway endpoints: want the database port denied from outside before the return-traffic allow, got %v", iso.Entries)
	}
	s.Network.Endpoints.Gateway = nil
	iso, _ = build(t, s).NetworkACL("nacl/isolated")
	for _, e := range iso.Entries {
		if e.CIDR != s.Network.CIDR {
			t.Errorf("isolated entry beyond the VPC without gateway endpoints: %+v", e)
		}
	}
}

func TestInternalFrontEndFromPeeredNetwork(t *testing.T) {
	s := webapp()
	s.Network.NAT.Mode = spec.NATNone
	s.FrontEnd = spec.FrontEnd{Kind: spec.FrontEndNLB, AllowFrom: pfxs("10.0.0.0/16", "192.168.0.0/24")}
	n := build(t, s)
	iso, _ := n.NetworkACL("nacl/isolated")
	var peered []model.NACLEntry
	for _, e := range iso.Entries {
		if e.CIDR == pfx("192.168.0.0/24") {
			peered = append(peered, e)
		}
	}
	if len(peered) != 2 || peered[0].Egress || peered[0].Ports != model.Port(443) || !peered[1].Egress {
		t.Errorf("peered clients: %v", peered)
	}
}

// TestReferences checks that every address the model uses names a
// resource the model holds.
func TestReferences(t *testing.T) {
	for name, s := range variants() {
		n := build(t, s)
		known := map[model.ResourceRef]bool{}
		add := func(a model.ResourceRef) { known[a] = true }
		for _, x := range n.VPCs {
			add(x.Addr)
		}
		for _, x := range n.Subnets {
			add(x.Addr)
		}
		for _, x := range n.RouteTables {
			add(x.Addr)
		}
		for _, x := range n.InternetGateways {
			add(x.Addr)
		}
		for _, x := range n.EgressOnlyInternetGateways {
			add(x.Addr)
		}
		for _, x := range n.NATGateways {
			add(x.Addr)
		}
		for _, x := range n.NATInstances {
			add(x.Addr)
		}
		for _, x := range n.ENIs {
			add(x.Addr)
		}
		for _, x := range n.SecurityGroups {
			add(x.Addr)
		}
		for _, x := range n.NetworkACLs {
			add(x.Addr)
		}
		for _, x := range n.Services {
			add(x.Addr)
		}
		for _, x := range n.Bastions {
			add(x.Addr)
		}
		for _, x := range n.LoadBalancers {
			add(x.Addr)
		}
		for _, x := range n.CDNs {
			add(x.Addr)
		}
		for _, x := range n.WebACLs {
			add(x.Addr)
		}
		for _, x := range n.FileSystems {
			add(x.Addr)
		}
		for _, x := range n.Databases {
			add(x.Addr)
		}
		for _, x := range n.Endpoints {
			add(x.Addr)
		}
		check := func(what string, as ...model.ResourceRef) {
			for _, a := range as {
				if !known[a] {
					t.Errorf("%s: %s names unknown %q", name, what, a)
				}
			}
		}
		for _, x := range n.Subnets {
			check(string(x.Addr), x.RouteTable, x.NACL, x.VPC)
		}
		for _, x := range n.RouteTables {
			check(string(x.Addr), n.RouteTableSubnets(x.Addr)...)
			for _, r := range x.Routes {
				if r.TargetKind != model.TargetLocal {
					check(string(x.Addr), r.Target)
				}
			}
		}
		for _, x := range n.NetworkACLs {
			check(string(x.Addr), n.ACLSubnets(x.Addr)...)
		}
		for _, x := range n.NATInstances {
			check(string(x.Addr), x.Subnet, x.ENI, x.SecurityGroup)
		}
		for _, x := range n.NATGateways {
			if !x.Regional {
				check(string(x.Addr), x.Subnet)
			}
		}
		for _, x := range n.ENIs {
			check(string(x.Addr), append([]model.ResourceRef{x.Subnet, x.Owner}, x.SecurityGroups...)...)
		}
		for _, x := range n.Endpoints {
			check(string(x.Addr), slices.Concat(x.RouteTables, x.Subnets, x.SecurityGroups)...)
		}
		for _, x := range n.LoadBalancers {
			check(string(x.Addr), slices.Concat(x.Subnets, x.SecurityGroups, []model.ResourceRef{x.Targets})...)
		}
		for _, x := range n.Services {
			check(string(x.Addr), append(x.Subnets, x.SecurityGroup)...)
		}
		for _, x := range n.Databases {
			check(string(x.Addr), append(x.Subnets, x.SecurityGroup)...)
		}
		for _, x := range n.Bastions {
			check(string(x.Addr), x.Subnet, x.SecurityGroup)
		}
		// Every subnet names its own route table and ACL (the model
		// stores the relation once), and both exist.
		if !n.Finished() {
			t.Errorf("%s: the compiled network did not go through model.Finish", name)
		}
		for _, sn := range n.Subnets {
			rt, implicitRT := n.RouteTableOf(&sn)
			acl, implicitACL := n.ACLOf(&sn)
			if rt == nil || acl == nil || implicitRT || implicitACL {
				t.Errorf("%s: %s: route table %v (implicit %v), ACL %v (implicit %v)", name, sn.Addr, rt, implicitRT, acl, implicitACL)
			}
		}
	}
}

// TestWorkloadPortsClosedFromOutside evaluates each app and database ACL the
// way AWS does (lowest rule number first, first match wins) for a packet
// from an internet address to the service and database ports: the
// return-traffic rules must not let it in.
func TestWorkloadPortsClosedFromOutside(t *testing.T) {
	outside := netip.MustParseAddr("203.0.113.10")
	for name, s := range variants() {
		n := build(t, s)
		for _, acl := range n.NetworkACLs {
			if acl.Addr == "nacl/public" {
				continue
			}
			_, hasPrivate := n.NetworkACL("nacl/private")
			appACL := acl.Addr == "nacl/private" || (!hasPrivate && acl.Addr == "nacl/isolated")
			var ports []int
			if s.Service != nil && appACL {
				ports = append(ports, s.Service.Port)
			}
			if s.Database != nil && acl.Addr == "nacl/isolated" {
				ports = append(ports, s.Database.Port)
			}
			for _, port := range ports {
				if firstMatch(acl.Entries, outside, port) == model.Allow {
					t.Errorf("%s: %s admits tcp/%d from %s", name, acl.Addr, port, outside)
				}
			}
		}
	}
}

func firstMatch(entries []model.NACLEntry, src netip.Addr, port int) model.Action {
	for _, e := range entries {
		if e.Egress || !e.CIDR.Contains(src) {
			continue
		}
		if e.Protocol == model.AllProtocols || (e.Protocol == model.TCP && e.Ports.Contains(port)) {
			return e.Action
		}
	}
	return model.Deny
}
