package compile

import (
	"slices"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// Workload addresses.
const (
	ServiceAddr  model.Address = "service"
	DatabaseAddr model.Address = "db"
	BastionAddr  model.Address = "bastion"
	FlowLogAddr  model.Address = "flowlog/vpc"
)

func (c *compiler) buildFlowLog() {
	f := c.s.Network.FlowLogs
	if !f.Enabled {
		return
	}
	c.n.FlowLogs = []model.FlowLog{{
		Addr: FlowLogAddr, VPC: VPCAddr, TrafficType: f.TrafficType, Destination: "cloud-watch-logs",
		LogGroup: "/moat/" + c.s.Name + "/vpc-flow-logs", RetentionDays: f.RetentionDays,
	}}
}

func (c *compiler) certificates() []model.Certificate {
	var out []model.Certificate
	for _, d := range c.s.FrontEnd.Domains {
		out = append(out, model.Certificate{Domain: d.Name, ARN: d.Certificate})
	}
	return out
}

// buildWorkloads records the front end, service, database and bastion, so
// every output sees what the network serves.
func (c *compiler) buildWorkloads() {
	s := c.s
	fe := s.FrontEnd
	if s.Service != nil && fe.Kind != spec.FrontEndNone {
		lb := model.LoadBalancer{
			VPC: VPCAddr, InternetFacing: fe.InternetFacing, SecurityGroups: []model.Address{c.frontEndGroup()},
			Allowed: slices.Clone(fe.AllowFrom), Targets: ServiceAddr, TargetPort: s.Service.Port,
			Subnets: c.appSubnets(),
		}
		switch fe.Kind {
		case spec.FrontEndALB:
			lb.Addr, lb.Kind = "alb", model.ALB
			lb.Listeners = []model.Listener{
				{Port: 80, Protocol: "HTTP", RedirectToHTTPS: true},
				{Port: 443, Protocol: "HTTPS", Certificates: c.certificates(), SSLPolicy: SSLPolicy},
			}
		case spec.FrontEndNLB:
			lb.Addr, lb.Kind = "nlb", model.NLB
			lb.Listeners = []model.Listener{{Port: 443, Protocol: "TLS", Certificates: c.certificates(), SSLPolicy: SSLPolicy}}
		case spec.FrontEndAPIGateway:
			// API Gateway itself lives outside the VPC; its VPC Link puts
			// interfaces in the app subnets.
			lb.Addr, lb.Kind = "apigw", model.APIGateway
			lb.Listeners = []model.Listener{{Port: 443, Protocol: "HTTPS", Certificates: c.certificates(), SSLPolicy: APIGatewaySecurityPolicy}}
		}
		if fe.InternetFacing && fe.Kind != spec.FrontEndAPIGateway {
			lb.Subnets = slices.Clone(c.subnets[model.Public])
		}
		c.n.LoadBalancers = []model.LoadBalancer{lb}
	}
	if sv := s.Service; sv != nil {
		c.n.Services = []model.Service{{
			Addr: ServiceAddr, VPC: VPCAddr, Name: sv.Name, Kind: sv.Kind, Port: sv.Port,
			Subnets: c.appSubnets(), SecurityGroup: SGService,
		}}
	}
	if db := s.Database; db != nil {
		c.n.Databases = []model.Database{{
			Addr: DatabaseAddr, VPC: VPCAddr, Engine: db.Engine, Port: db.Port, MultiAZ: s.Environment == model.Prod,
			Subnets: slices.Clone(c.subnets[model.Isolated]), SecurityGroup: SGDB,
		}}
	}
	if b := s.Bastion; b != nil {
		// SSH needs a public address; Session Manager only needs a way out,
		// which a private subnet has through NAT.
		subnet := c.subnets[model.Public][0]
		if b.Mode == model.BastionSSM && c.hasNAT() {
			subnet = c.subnets[model.Private][0]
		}
		c.n.Bastions = []model.Bastion{{
			Addr: BastionAddr, VPC: VPCAddr, Mode: b.Mode, Subnet: subnet,
			AllowFrom: slices.Clone(b.AllowFrom), SecurityGroup: SGBastion,
		}}
		// A bastion in a public subnet reaches the internet (and SSH
		// clients reach it) only with a public address: an Elastic IP on a
		// fixed interface, since public subnets do not map one.
		pub := subnet == c.subnets[model.Public][0]
		c.n.ENIs = append(c.n.ENIs, model.ENI{
			Addr: "eni/bastion", Subnet: subnet, HasPublicIP: pub, SecurityGroups: []model.Address{SGBastion},
			SourceDestCheck: true, Owner: BastionAddr, Description: "bastion interface",
		})
	}
}
