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

// buildWorkloads records the front end, service, database and bastion, so
// every output sees what the network serves.
func (c *compiler) buildWorkloads() {
	s := c.s
	c.buildFrontEnd()
	c.buildService()
	if db := s.Database; db != nil {
		// prod keeps a week of point-in-time recovery and cannot be
		// deleted by accident; dev keeps the minimum, noted as a trade-off.
		prod := s.Environment == model.Prod
		backupDays := 1
		if prod {
			backupDays = 7
		}
		c.n.Databases = []model.Database{{
			Addr: DatabaseAddr, VPC: VPCAddr, Engine: db.Engine, Port: db.Port, MultiAZ: prod,
			Subnets: slices.Clone(c.subnets[model.Isolated]), SecurityGroup: SGDB,
			InstanceClass: db.InstanceClass, StorageGiB: db.StorageGiB, BackupDays: backupDays,
			DeletionProtection: prod, StorageEncrypted: true,
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
			InstanceType: BastionInstanceType, Architecture: c.arch(BastionInstanceType, "bastion"),
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
