package compile

import (
	"slices"

	"github.com/moatnet/moat/model"
)

// Workload addresses.
const (
	ServiceAddr  model.ResourceRef = "service"
	DatabaseAddr model.ResourceRef = "db"
	BastionAddr  model.ResourceRef = "bastion"
	FlowLogAddr  model.ResourceRef = "flowlog/vpc"
)

// BastionInstanceType is the bastion's: the smallest Graviton type, since
// a jump host forwards a person's keystrokes and queries.
const BastionInstanceType = "t4g.nano"

// RootVolumeGiB is the gp3 root volume of the hosts, nodes and bastion
// moat launches: room for the OS, the container images and their logs.
const RootVolumeGiB = 30

// buildFlowLogs records a flow log per VPC of the design, when the spec
// turns flow logs on, each to its own log group.
func (c *compiler) buildFlowLogs() {
	f := c.s.Network.FlowLogs
	if !f.Enabled {
		return
	}
	for _, v := range c.vpcs {
		a, group := FlowLogAddr, "/moat/"+c.s.Name+"/vpc-flow-logs"
		if v.name != "" {
			a, group = model.JoinRef("flowlog", v.name), group+"/"+v.name
		}
		c.n.FlowLogs = append(c.n.FlowLogs, model.FlowLog{
			Addr: a, VPC: v.addr, TrafficType: f.TrafficType, Destination: "cloud-watch-logs",
			LogGroup: group, RetentionDays: f.RetentionDays,
		})
	}
}

// buildWorkloads records the front end, service, database and bastion, so
// every output sees what the network serves.
func (c *compiler) buildWorkloads() {
	s := c.s
	c.topo.buildFrontEnd()
	c.buildService()
	c.buildDatabase()
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
			InstanceType: BastionInstanceType, Architecture: c.arch(BastionInstanceType, "bastion"), RootVolumeGiB: RootVolumeGiB,
		}}
		// A bastion in a public subnet reaches the internet (and SSH
		// clients reach it) only with a public address: an Elastic IP on a
		// fixed interface, since public subnets do not map one.
		pub := subnet == c.subnets[model.Public][0]
		c.n.ENIs = append(c.n.ENIs, model.ENI{
			Addr: "eni/bastion", Subnet: subnet, HasPublicIP: pub, SecurityGroups: []model.ResourceRef{SGBastion},
			SourceDestCheck: true, Owner: BastionAddr, Description: "bastion interface",
		})
	}
}

// buildDatabase records the database in the isolated subnets of the
// workloads' VPC. prod keeps a week of point-in-time recovery, a standby
// in another zone, and cannot be deleted by accident; dev keeps the
// minimum, noted as a trade-off.
func (c *compiler) buildDatabase() {
	db := c.s.Database
	if db == nil {
		return
	}
	prod := c.s.Environment == model.Prod
	backupDays := 1
	if prod {
		backupDays = 7
	}
	c.n.Databases = []model.Database{{
		Addr: DatabaseAddr, VPC: c.home.addr, Engine: db.Engine, Port: db.Port, MultiAZ: prod,
		Subnets: slices.Clone(c.subnets[model.Isolated]), SecurityGroup: SGDB,
		InstanceClass: db.InstanceClass, StorageGiB: db.StorageGiB, BackupDays: backupDays,
		DeletionProtection: prod, StorageEncrypted: true,
	}}
}
