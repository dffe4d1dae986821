package compile

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

func (c *compiler) note(kind model.NoteKind, a model.ResourceRef, format string, args ...any) {
	c.n.Notes = append(c.n.Notes, model.Note{Kind: kind, Resource: a, Text: fmt.Sprintf(format, args...)})
}

// buildNotes tells the reader of a plan where the design trades
// availability or security for cost, and what to prefer. The order is
// fixed: NAT, zones, database, flow logs, bastion.
func (c *compiler) buildNotes() {
	s := c.s
	nat := s.Network.NAT
	first := c.zones[0]
	switch nat.Mode {
	case spec.NATInstance:
		c.note(model.TradeOff, model.JoinRef("nat", first),
			"NAT instances cost less than NAT gateways, but you patch them. A failed instance is replaced by its auto-scaling group in minutes, not seconds. Throughput is bounded by the instance type (%s).",
			nat.InstanceType)
		if !nat.PerZone && len(c.zones) > 1 {
			c.sharedNAT(model.JoinRef("nat", first), "NAT instance")
		}
	case spec.NATGateway:
		if len(c.zones) > 1 {
			c.sharedNAT(model.JoinRef("natgw", first), "NAT gateway")
		}
	case spec.NATNone:
		var via string
		if eps := append(append([]string(nil), s.Network.Endpoints.Gateway...), s.Network.Endpoints.Interface...); len(eps) > 0 {
			via = " (this stack has: " + strings.Join(eps, ", ") + ")"
		}
		c.note(model.Advice, VPCAddr,
			"There is no NAT: the app subnets have no route to the internet. Reach AWS services through VPC endpoints%s.", via)
	}
	c.zoneNote()
	c.databaseNote()
	c.flowLogsNote()
	if b := s.Bastion; b != nil && b.Mode == model.BastionSSH {
		c.note(model.Advice, BastionAddr,
			"The bastion accepts SSH on tcp/22. Prefer mode: ssm: Session Manager needs no open port and logs every session.")
	}
	if c.ipv6 && s.Service != nil {
		c.ipv6Note()
	}
	c.workloadNotes()
}

// zoneNote and flowLogsNote name, on the VPC the workloads live in, the
// trade-offs of one zone and of no flow logs.
func (c *compiler) zoneNote() {
	if len(c.zones) == 1 {
		c.note(model.TradeOff, c.home.addr, "Everything runs in one zone (%s): if it fails, the whole stack is down.", c.zones[0])
	}
}

func (c *compiler) flowLogsNote() {
	if !c.s.Network.FlowLogs.Enabled {
		c.note(model.TradeOff, c.home.addr, "Flow logs are off: there is no record of traffic to investigate an incident with.")
	}
}

// databaseNote says what a database outside prod trades for cost, in any
// topology.
func (c *compiler) databaseNote() {
	if s := c.s; s.Database != nil && s.Environment != model.Prod {
		c.note(model.TradeOff, DatabaseAddr,
			"The %s database is single-AZ: a zone failure or maintenance stops it until it recovers. prod runs it Multi-AZ. It also keeps 1 day of backups (prod: 7), has no deletion protection and runs %s.", s.Environment, s.Database.InstanceClass)
	}
}

// ipv6Note says what a dual-stack design exposes over IPv6, whose
// addresses are global: no NAT stands in front of them.
func (c *compiler) ipv6Note() {
	text := "IPv6 is on. Service tasks get global IPv6 addresses and reach the internet over IPv6 through the egress-only gateway, not NAT; sg/service still admits only its front end."
	if c.s.Service.Kind == model.ECSFargate || c.s.Service.Kind == model.ECSEC2 {
		text += " ECS gives tasks an IPv6 address only when the account setting dualStackIPv6 is enabled (aws ecs put-account-setting-default --name dualStackIPv6 --value enabled)."
	}
	if c.s.Database != nil {
		text += " The database stays IPv4-only."
	}
	c.note(model.Advice, VPCAddr, "%s", text)
}

// sharedNAT records that one zone's NAT serves every zone.
func (c *compiler) sharedNAT(a model.ResourceRef, what string) {
	c.note(model.TradeOff, a,
		"One %s in %s serves every zone: if that zone fails, every zone loses internet access, and the other zones' traffic crosses zones, charged per GB.",
		what, c.zones[0])
}
