package cfnimport

import (
	"slices"

	"github.com/moatnet/moat/model"
)

// bastions marks the EC2 instances that are jump hosts, as a compiled
// design has its bastion (model.Bastion, addressed by the instance:
// i/<LogicalId>). An instance is one when it forwards nothing (source/
// destination check on, no route points at it) and either
//
//   - a database's security group admits one of its groups, by group: it
//     is how people reach the database by hand; or
//   - moat emitted it as the stack's bastion: tags moat:stack=<stack> and
//     Name=<stack>-bastion (cfn tags every resource so). The template
//     states no other fact that a Session Manager bastion of a stack
//     without a database is a jump host, and nothing in the analysis
//     depends on it then; the tag only keeps the model the compiled one.
//
// Its mode is ssh when its groups admit tcp/22 from an address range, and
// AllowFrom lists those ranges; the whole internet (a /0) is never
// listed, as the compiler refuses it, so SSH open to anyone is still
// found as exposure. Else its mode is ssm.
//
// Runs after workloads, which reads the databases.
func (t *tmpl) bastions() {
	n := t.n
	routed := map[model.ResourceRef]bool{}
	for _, rt := range n.RouteTables {
		for _, r := range rt.Routes {
			if r.TargetKind == model.TargetENI {
				routed[r.Target] = true
			}
		}
	}
	dbPeers := map[model.ResourceRef]bool{} // groups a database's group admits
	for _, d := range n.Databases {
		if g, ok := n.SecurityGroup(d.SecurityGroup); ok {
			for _, r := range g.Ingress {
				if r.Peer.Kind == model.PeerGroup {
					dbPeers[r.Peer.Group] = true
				}
			}
		}
	}
	for i := range n.Instances {
		in := &n.Instances[i]
		if len(in.ENIs) == 0 {
			continue
		}
		eni, ok := n.ENI(in.ENIs[0])
		if !ok || !eni.SourceDestCheck || slices.ContainsFunc(in.ENIs, func(a model.ResourceRef) bool { return routed[a] }) {
			continue
		}
		if !slices.ContainsFunc(eni.SecurityGroups, func(g model.ResourceRef) bool { return dbPeers[g] }) && !t.moatBastion(in.Addr) {
			continue
		}
		sub, _ := n.Subnet(eni.Subnet)
		b := model.Bastion{Addr: in.Addr, VPC: sub.VPC, Mode: model.BastionSSM, Subnet: eni.Subnet}
		if len(eni.SecurityGroups) > 0 {
			b.SecurityGroup = eni.SecurityGroups[0]
		}
		for _, ga := range eni.SecurityGroups {
			g, _ := n.SecurityGroup(ga)
			for _, r := range g.Ingress {
				ssh := r.Protocol == model.AllProtocols || (r.Protocol == model.TCP && r.Ports.Contains(22))
				if r.Peer.Kind != model.PeerCIDR || !ssh {
					continue
				}
				b.Mode = model.BastionSSH
				if r.Peer.CIDR.Bits() > 0 && !slices.Contains(b.AllowFrom, r.Peer.CIDR) {
					b.AllowFrom = append(b.AllowFrom, r.Peer.CIDR)
				}
			}
		}
		in.Role = "bastion"
		n.Bastions = append(n.Bastions, b)
	}
}

// moatBastion reports whether the instance carries the tags moat gives
// the bastion it emits (moat:stack=<stack>, Name=<stack>-bastion).
func (t *tmpl) moatBastion(inst model.ResourceRef) bool {
	r := t.resOf(string(inst))
	if r == nil {
		return false
	}
	var stack, name string
	if tl := r.props.get("Tags"); tl != nil && tl.kind == listNode {
		for _, it := range tl.items {
			switch t.quiet(it.get("Key")) {
			case "moat:stack":
				stack = t.quiet(it.get("Value"))
			case "Name":
				name = t.quiet(it.get("Value"))
			}
		}
	}
	return stack != "" && name == stack+"-bastion"
}
