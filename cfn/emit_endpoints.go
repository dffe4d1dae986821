package cfn

import (
	"strings"

	"github.com/moatnet/moat/model"
)

// vpcEndpoints emits gateway and interface endpoints. ServiceName is built
// with ${AWS::Region} so the template deploys unchanged in any Region.
func (e *emitter) vpcEndpoints() {
	for _, ep := range e.n.Endpoints {
		svc := ep.Service
		if svc == "" {
			// "com.amazonaws.us-east-1.ecr.api" -> "ecr.api"
			if parts := strings.SplitN(ep.ServiceName, ".", 4); len(parts) == 4 && parts[0] == "com" {
				svc = parts[3]
			}
		}
		if svc == "" {
			e.errorf("endpoint %s: no service", ep.Addr)
			continue
		}
		p := VPCEndpoint{
			VpcId:       e.ref(ep.VPC),
			ServiceName: Sub{Template: "com.amazonaws.${AWS::Region}." + svc},
			Tags:        e.tags(ep.Addr, nil),
		}
		switch ep.Type {
		case model.GatewayEndpoint:
			p.VpcEndpointType = String("Gateway")
			p.RouteTableIds = e.refs(ep.RouteTables)
		case model.InterfaceEndpoint:
			p.VpcEndpointType = String("Interface")
			p.SubnetIds = e.refs(ep.Subnets)
			p.SecurityGroupIds = e.refs(ep.SecurityGroups)
			p.PrivateDnsEnabled = Bool(ep.PrivateDNS)
		default:
			e.errorf("endpoint %s: unknown type %q", ep.Addr, ep.Type)
			continue
		}
		e.add(e.id(ep.Addr), p, e.fixedFirst(ep.Subnets)...)
	}
}
