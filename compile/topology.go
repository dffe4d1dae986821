package compile

import (
	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// topology is what differs between designs: how the VPCs reach each
// other and the internet, the front end in front of the service, and the
// rules that depend on a VPC's role. Everything else is built by the
// same steps over the design's VPCs (see build).
type topology interface {
	// connect adds the gateways, NAT, route tables and, for a hub, the
	// Transit Gateway and the firewall.
	connect()
	// frontEndGroups adds the front end's security groups and returns the
	// group that may reach the service and how descriptions name it.
	frontEndGroups() (model.ResourceRef, string)
	// serviceEgress is what the service may reach beyond its VPC.
	serviceEgress() []model.SGRule
	// roleACL are the entries of a tier's network ACL in a VPC.
	roleACL(v *vpcPlan, t model.Tier) *naclRules
	// buildFrontEnd adds the load balancers, CDN, web ACL and records.
	buildFrontEnd()
	// settle fixes what needs the whole design built.
	settle()
	// buildNotes explains the design's trade-offs.
	buildNotes()
}

// oneVPC is the single-VPC topology: front end, NAT and workloads in one
// VPC.
type oneVPC struct{ *compiler }

func (o oneVPC) connect() {
	o.buildGateways()
	o.buildRouteTables()
}

func (o oneVPC) frontEndGroups() (model.ResourceRef, string) {
	return o.compiler.frontEndGroups(), "the front end"
}

func (o oneVPC) roleACL(_ *vpcPlan, t model.Tier) *naclRules {
	switch t {
	case model.Public:
		return o.publicACL()
	case model.Private:
		return o.privateACL()
	}
	return o.isolatedACL()
}

// settle has nothing to fix for one VPC: the scaling topic, which every
// topology needs, is a build step.
func (o oneVPC) settle() {}

// build runs the steps every topology shares over the design's VPCs and
// their subnet plans.
func (c *compiler) build(plans map[*vpcPlan][]PlannedSubnet) (*model.Network, diag.List) {
	s := c.s
	c.n = &model.Network{Name: s.Name, Region: s.Region, Environment: s.Environment, Tags: c.tags()}
	for _, z := range c.zones {
		c.n.Zones = append(c.n.Zones, model.Zone{ID: z})
	}
	for _, v := range c.vpcs {
		c.buildVPC(v)
		c.buildSubnets(v, plans[v])
	}
	c.topo.connect()
	c.buildSecurityGroups()
	c.buildNACLs()
	c.buildEndpoints()
	c.buildFlowLogs()
	c.buildWorkloads()
	c.buildWorkloadENIs()
	c.topo.settle()
	// Every auto-scaling group (NAT instances, an ecs-ec2 service's hosts)
	// reports to the scaling topic, whatever the topology.
	scalingTopic(c.n, s.Network.NAT.Notify)
	c.topo.buildNotes()
	c.decide()
	// The NAT alternatives cost --compare prices: decided here, so the
	// commands and pricing read them off the design.
	c.n.NATOptions = NATOptions(s)
	recordWaivers(c.n)
	return c.finish()
}
