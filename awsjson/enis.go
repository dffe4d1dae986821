package awsjson

import (
	"cmp"
	"slices"

	"github.com/moatnet/moat/model"
)

// enisAndInstances reads describe-network-interfaces first, then fills in
// interfaces only an instance or NAT gateway mentions, so a dump without
// describe-network-interfaces still has every interface it can.
func (b *builder) enisAndInstances() {
	for _, f := range b.files {
		for _, e := range f.d.NetworkInterfaces {
			b.eni(f, e, "")
		}
	}
	for _, f := range b.files {
		for _, res := range f.d.Reservations {
			for _, in := range res.Instances {
				if gone(in.State.Name) || in.State.Name == "terminated" || !b.first("i", in.InstanceId) {
					continue
				}
				m := model.Instance{Addr: a("i", in.InstanceId), ID: in.InstanceId, Name: nameTag(in.Tags)}
				nics := slices.Clone(in.NetworkInterfaces)
				slices.SortStableFunc(nics, func(x, y rawENI) int { return cmp.Compare(devIndex(x), devIndex(y)) })
				for _, e := range nics {
					if e.SubnetId == "" {
						e.SubnetId = in.SubnetId
					}
					b.eni(f, e, in.InstanceId)
					m.ENIs = append(m.ENIs, a("eni", e.NetworkInterfaceId))
				}
				b.n.Instances = append(b.n.Instances, m)
			}
		}
	}
	for _, f := range b.files {
		for _, g := range f.d.NatGateways {
			if gone(g.State) {
				continue
			}
			for _, ad := range g.NatGatewayAddresses {
				b.eni(f, rawENI{
					NetworkInterfaceId: ad.NetworkInterfaceId, SubnetId: g.SubnetId, PrivateIpAddress: ad.PrivateIp,
					Association: &struct{ PublicIp string }{ad.PublicIp}, InterfaceType: "nat_gateway",
					Description: "Interface for NAT Gateway " + g.NatGatewayId, SourceDestCheck: new(false),
				}, "")
			}
		}
	}
}

func devIndex(e rawENI) int {
	if e.Attachment == nil {
		return 1 << 30
	}
	return e.Attachment.DeviceIndex
}

// eni adds an interface unless one with its id is already there.
func (b *builder) eni(f file, e rawENI, instance string) {
	if !b.first("eni", e.NetworkInterfaceId) {
		return
	}
	what := "network interface " + e.NetworkInterfaceId
	m := model.ENI{
		Addr: a("eni", e.NetworkInterfaceId), ID: e.NetworkInterfaceId, Subnet: a("subnet", e.SubnetId),
		Description: e.Description, Type: e.InterfaceType, SourceDestCheck: true,
		PrivateIP: b.addr(f, what, e.PrivateIpAddress), Owner: b.eniOwner[e.NetworkInterfaceId],
	}
	if m.Owner == "" && instance != "" {
		m.Owner = a("i", instance)
	}
	if e.SourceDestCheck != nil {
		m.SourceDestCheck = *e.SourceDestCheck
	}
	if e.Association != nil && e.Association.PublicIp != "" {
		m.PublicIP, m.HasPublicIP = b.addr(f, what, e.Association.PublicIp), true
	}
	for _, p := range e.PrivateIpAddresses {
		ip := b.addr(f, what, p.PrivateIpAddress)
		switch {
		case !ip.IsValid():
		case p.Primary && !m.PrivateIP.IsValid():
			m.PrivateIP = ip
		case !p.Primary && ip != m.PrivateIP:
			m.SecondaryIPs = append(m.SecondaryIPs, ip)
		}
		if p.Association != nil && p.Association.PublicIp != "" && !m.HasPublicIP {
			m.PublicIP, m.HasPublicIP = b.addr(f, what, p.Association.PublicIp), true
		}
	}
	for _, v6 := range e.Ipv6Addresses {
		if ip := b.addr(f, what, v6.Ipv6Address); ip.IsValid() {
			m.IPv6 = append(m.IPv6, ip)
		}
	}
	for _, g := range e.Groups {
		m.SecurityGroups = append(m.SecurityGroups, a("sg", g.GroupId))
		b.sgRefs = append(b.sgRefs, sgRef{f, g.GroupId})
	}
	b.enis[e.NetworkInterfaceId] = len(b.n.ENIs)
	b.n.ENIs = append(b.n.ENIs, m)
}

// addresses gives interfaces the Elastic IPs describe-addresses lists, for
// dumps whose interfaces lack their Association.
func (b *builder) addresses() {
	for _, f := range b.files {
		for _, ad := range f.d.Addresses {
			i, ok := b.enis[ad.NetworkInterfaceId]
			if !ok || b.n.ENIs[i].HasPublicIP {
				continue
			}
			if ip := b.addr(f, "address "+ad.PublicIp, ad.PublicIp); ip.IsValid() {
				b.n.ENIs[i].PublicIP, b.n.ENIs[i].HasPublicIP = ip, true
			}
		}
	}
}
