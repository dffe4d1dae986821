package awsjson

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// builder turns the decoded files into a model. Resources that appear in
// several files (a shared Transit Gateway seen from two accounts) are
// taken from the first file in lexical path order.
type builder struct {
	files []file
	r     *Result
	n     *model.Network
	seen  map[string]bool // "<kind>/<id>" already built

	primaryENI  map[string]string // instance id -> its device-0 ENI id
	eniOwner    map[string]model.ResourceRef
	peeringTGWA map[string]bool // TGW attachment ids of peering attachments
	lbByARN     map[string]string
	tgByARN     map[string]string
	vpcRegion   map[string]string
	enis        map[string]int // ENI id -> index in n.ENIs
	attachIdx   map[model.ResourceRef]int
	vpcBlocks   map[string][]netip.Prefix // VPC id -> every associated IPv4 and IPv6 block
	subnetFrom  map[string]rawSubnetAt    // subnet id -> where it was first read
	sgRefs      []sgRef                   // security groups referred to, in reading order
	// rtClaims and aclClaims are the subnet associations the route
	// tables and network ACLs list, for model.Finish.
	rtClaims, aclClaims []model.Claim
}

// rawSubnetAt is a subnet as first read, to tell a repeat from a conflict.
type rawSubnetAt struct {
	f file
	s rawSubnet
}

// sgRef is a reference to a security group by id, kept to report one that
// no file describes.
type sgRef struct {
	f  file
	id string
}

func newBuilder(files []file, r *Result) *builder {
	return &builder{
		files: files, r: r, n: &model.Network{}, seen: map[string]bool{},
		primaryENI: map[string]string{}, eniOwner: map[string]model.ResourceRef{},
		peeringTGWA: map[string]bool{}, lbByARN: map[string]string{}, tgByARN: map[string]string{},
		vpcRegion: map[string]string{}, enis: map[string]int{}, attachIdx: map[model.ResourceRef]int{},
		vpcBlocks: map[string][]netip.Prefix{}, subnetFrom: map[string]rawSubnetAt{},
	}
}

// first reports whether kind/id is new, and marks it seen. Empty ids are
// never new: an item without an id cannot be referred to.
func (b *builder) first(kind, id string) bool {
	if id == "" {
		return false
	}
	k := kind + "/" + id
	if b.seen[k] {
		return false
	}
	b.seen[k] = true
	return true
}

func (b *builder) warnf(f file, format string, args ...any) {
	b.r.diags.Warnf(diag.Range{File: f.name}, "", format, args...)
}

// prefix parses an AWS CIDR; "" is the zero prefix without a warning.
func (b *builder) prefix(f file, what, s string) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Masked() != p {
		b.warnf(f, "%s: %q is not a valid CIDR; ignored", what, s)
		return netip.Prefix{}
	}
	return p
}

func (b *builder) addr(f file, what, s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		b.warnf(f, "%s: %q is not a valid IP address; ignored", what, s)
		return netip.Addr{}
	}
	return a
}

func tags(ts []tag) []model.Tag {
	var out []model.Tag
	for _, t := range ts {
		out = append(out, model.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func nameTag(ts []tag) string {
	for _, t := range ts {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

func a(kind, id string) model.ResourceRef {
	if id == "" {
		return ""
	}
	return model.JoinRef(kind, id)
}

func (b *builder) build(name string) *model.Network {
	b.n.Name = name
	b.index()
	b.vpcs()
	b.subnets()
	b.routeTables()
	b.gateways()
	b.natGateways()
	b.enisAndInstances()
	b.addresses()
	b.securityGroups()
	b.nacls()
	b.endpoints()
	b.peerings()
	b.transitGateways()
	b.prefixLists()
	b.loadBalancers()
	b.hybrid()
	return b.finish()
}

// index collects the cross references later steps need: which ENI is an
// instance's primary one, and who owns each requester-managed interface.
func (b *builder) index() {
	for _, f := range b.files {
		for _, res := range f.d.Reservations {
			for _, in := range res.Instances {
				for _, e := range in.NetworkInterfaces {
					if e.Attachment != nil && e.Attachment.DeviceIndex == 0 && in.InstanceId != "" {
						b.primaryENI[in.InstanceId] = e.NetworkInterfaceId
					}
					b.setOwner(e.NetworkInterfaceId, a("i", in.InstanceId))
				}
			}
		}
		for _, e := range f.d.NetworkInterfaces {
			if at := e.Attachment; at != nil && at.InstanceId != "" {
				if at.DeviceIndex == 0 {
					if _, ok := b.primaryENI[at.InstanceId]; !ok {
						b.primaryENI[at.InstanceId] = e.NetworkInterfaceId
					}
				}
				b.setOwner(e.NetworkInterfaceId, a("i", at.InstanceId))
			}
			if id, ok := strings.CutPrefix(e.Description, "Network Interface for Transit Gateway Attachment "); ok {
				b.setOwner(e.NetworkInterfaceId, a("tgw-attach", strings.TrimSpace(id)))
			}
		}
		for _, g := range f.d.NatGateways {
			for _, ad := range g.NatGatewayAddresses {
				b.setOwner(ad.NetworkInterfaceId, a("natgw", g.NatGatewayId))
			}
		}
		for _, ep := range f.d.VpcEndpoints {
			for _, e := range ep.NetworkInterfaceIds {
				b.setOwner(e, a("vpce", ep.VpcEndpointId))
			}
		}
		for _, t := range f.d.TransitGatewayAttachments {
			if t.ResourceType == "peering" || t.ResourceType == "tgw-peering" {
				b.peeringTGWA[t.TransitGatewayAttachmentId] = true
			}
		}
		for _, lb := range f.d.LoadBalancers {
			b.lbByARN[lb.LoadBalancerArn] = lb.LoadBalancerName
		}
		for _, tg := range f.d.TargetGroups {
			b.tgByARN[tg.TargetGroupArn] = tg.TargetGroupName
		}
	}
}

func (b *builder) setOwner(eni string, owner model.ResourceRef) {
	if eni == "" || owner == "" {
		return
	}
	if _, ok := b.eniOwner[eni]; !ok {
		b.eniOwner[eni] = owner
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// finish derives what no single file says: each VPC's Region and the
// zones, then ends in model.Finish, which settles each subnet's route
// table (its explicit association, else its VPC's main table) and network
// ACL and sorts everything by address.
func (b *builder) finish() *model.Network {
	n := b.n
	zones := map[string]bool{}
	for i := range n.Subnets {
		s := &n.Subnets[i]
		if s.ZoneID != "" {
			zones[s.ZoneID] = true
		}
		if v, ok := n.VPC(s.VPC); ok && v.IPv6CIDR.IsValid() && s.IPv6CIDR.IsValid() &&
			v.IPv6CIDR.Bits() == 56 && s.IPv6CIDR.Bits() == 64 && v.IPv6CIDR.Contains(s.IPv6CIDR.Addr()) {
			s.IPv6Index = int(s.IPv6CIDR.Addr().As16()[7])
		}
	}
	for _, z := range sortedKeys(zones) {
		n.Zones = append(n.Zones, model.Zone{ID: z})
	}
	regions := map[string]bool{}
	for i := range n.VPCs {
		v := &n.VPCs[i]
		if v.Region == "" {
			v.Region = b.vpcRegion[strings.TrimPrefix(string(v.Addr), "vpc/")]
		}
		regions[v.Region] = true
	}
	if len(regions) == 1 {
		for r := range regions {
			n.Region = r
		}
	}
	b.danglingGroups()
	done, d := model.Finish(model.Input{Network: n, RouteTableClaims: b.rtClaims, ACLClaims: b.aclClaims, ByAddress: true,
		MissingHint: "add the describe-vpcs, describe-subnets and describe-security-groups output for every account and Region"})
	b.r.diags = append(b.r.diags, d...)
	return done
}

// danglingGroups warns, at the first reference, about each security group
// no file describes: the analyzer cannot tell what its members are, so no
// claim through it is proved. Without any describe-security-groups file,
// one warning says so instead of one per group.
func (b *builder) danglingGroups() {
	groups := make(map[string]bool, len(b.n.SecurityGroups))
	for _, g := range b.n.SecurityGroups {
		groups[strings.TrimPrefix(string(g.Addr), "sg/")] = true
	}
	const hint = "add the describe-security-groups output of the account and Region that own it"
	if len(groups) == 0 {
		if len(b.sgRefs) > 0 {
			b.r.diags.Warnf(diag.Range{}, hint, "no file describes security groups, and %s refers to %s: what they allow is unknown", b.sgRefs[0].f.name, b.sgRefs[0].id)
		}
		return
	}
	reported := map[string]bool{}
	for _, r := range b.sgRefs {
		if r.id == "" || groups[r.id] || reported[r.id] {
			continue
		}
		reported[r.id] = true
		b.r.diags.Warnf(r.f.at("GroupId", r.id, 1), hint, "security group %s is referred to but no file describes it: what it allows is unknown", r.id)
	}
}
