package awsjson

import (
	"github.com/moatnet/moat/model"
)

func (b *builder) peerings() {
	for _, f := range b.files {
		for _, p := range f.d.VpcPeeringConnections {
			if !b.first("pcx", p.VpcPeeringConnectionId) {
				continue
			}
			b.n.PeeringConnections = append(b.n.PeeringConnections, model.PeeringConnection{
				Addr: a("pcx", p.VpcPeeringConnectionId), ID: p.VpcPeeringConnectionId,
				Requester: a("vpc", p.RequesterVpcInfo.VpcId), Accepter: a("vpc", p.AccepterVpcInfo.VpcId),
				Active: p.Status.Code == "active",
			})
		}
	}
}
