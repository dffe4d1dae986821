package awsjson

import (
	"strings"

	"github.com/moatnet/moat/model"
)

func (b *builder) endpoints() {
	for _, f := range b.files {
		for _, ep := range f.d.VpcEndpoints {
			if gone(ep.State) || !b.first("vpce", ep.VpcEndpointId) {
				continue
			}
			m := model.Endpoint{
				Addr: a("vpce", ep.VpcEndpointId), VPC: a("vpc", ep.VpcId), ID: ep.VpcEndpointId,
				ServiceName: ep.ServiceName, Service: serviceShort(ep.ServiceName), PrivateDNS: ep.PrivateDnsEnabled,
			}
			switch strings.ToLower(ep.VpcEndpointType) {
			case "gateway":
				m.Type = model.GatewayEndpoint
			case "gatewayloadbalancer":
				m.Type = model.GatewayLBEndpoint
			default:
				m.Type = model.InterfaceEndpoint
			}
			for _, id := range ep.RouteTableIds {
				m.RouteTables = append(m.RouteTables, a("rtb", id))
			}
			for _, id := range ep.SubnetIds {
				m.Subnets = append(m.Subnets, a("subnet", id))
			}
			for _, id := range ep.NetworkInterfaceIds {
				m.ENIs = append(m.ENIs, a("eni", id))
			}
			for _, g := range ep.Groups {
				m.SecurityGroups = append(m.SecurityGroups, a("sg", g.GroupId))
			}
			b.n.Endpoints = append(b.n.Endpoints, m)
		}
	}
}

// serviceShort turns "com.amazonaws.us-east-1.s3" into "s3".
func serviceShort(name string) string {
	if parts := strings.SplitN(name, ".", 4); len(parts) == 4 && parts[0] == "com" {
		return parts[3]
	}
	return name
}
