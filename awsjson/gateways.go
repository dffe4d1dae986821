package awsjson

import (
	"github.com/moatnet/moat/model"
)

func (b *builder) gateways() {
	for _, f := range b.files {
		for _, g := range f.d.InternetGateways {
			if b.first("igw", g.InternetGatewayId) {
				b.n.InternetGateways = append(b.n.InternetGateways, model.InternetGateway{Addr: a("igw", g.InternetGatewayId), VPC: attachedVPC(g.Attachments)})
			}
		}
		for _, g := range f.d.EgressOnlyInternetGateways {
			if b.first("eigw", g.EgressOnlyInternetGatewayId) {
				b.n.EgressOnlyInternetGateways = append(b.n.EgressOnlyInternetGateways, model.EgressOnlyInternetGateway{Addr: a("eigw", g.EgressOnlyInternetGatewayId), VPC: attachedVPC(g.Attachments)})
			}
		}
	}
}

// attachedVPC is the VPC a gateway is attached to; zero when detached.
func attachedVPC(as []rawAttachment) model.ResourceRef {
	for _, at := range as {
		if at.State == "available" || at.State == "attached" || at.State == "" {
			return a("vpc", at.VpcId)
		}
	}
	return ""
}

func gone(state string) bool {
	return state == "deleted" || state == "deleting" || state == "failed" || state == "rejected"
}

func (b *builder) natGateways() {
	for _, f := range b.files {
		for _, g := range f.d.NatGateways {
			if gone(g.State) || !b.first("natgw", g.NatGatewayId) {
				continue
			}
			m := model.NATGateway{
				Addr: a("natgw", g.NatGatewayId), VPC: a("vpc", g.VpcId), Subnet: a("subnet", g.SubnetId),
				ID: g.NatGatewayId, Private: g.ConnectivityType == "private",
			}
			for _, ad := range g.NatGatewayAddresses {
				if ad.PublicIp != "" {
					m.PublicIPs++
				}
				if m.ENI == "" {
					m.ENI = a("eni", ad.NetworkInterfaceId)
				}
			}
			b.n.NATGateways = append(b.n.NATGateways, m)
		}
	}
}
