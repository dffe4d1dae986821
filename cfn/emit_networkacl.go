package cfn

import (
	"fmt"
	"strconv"

	"github.com/moatnet/moat/model"
)

// protocolNumbers are the IANA numbers NetworkAclEntry wants.
var protocolNumbers = map[model.Protocol]int{
	model.TCP: 6, model.UDP: 17, model.ICMP: 1, model.ICMPv6: 58, model.AllProtocols: -1,
}

// nacls emits each network ACL, one entry resource per rule and one
// association per subnet. A model ACL marked Default is emitted as an
// ordinary ACL: CloudFormation cannot adopt a VPC's default ACL, and
// associating every subnet explicitly has the same effect.
func (e *emitter) nacls() {
	for _, a := range e.n.NetworkACLs {
		id := e.id(a.Addr)
		e.add(id, NetworkAcl{VpcId: e.ref(a.VPC), Tags: e.tags(a.Addr, a.Tags)})
		for _, en := range a.Entries {
			e.naclEntry(id, a.Addr, en)
		}
	}
	for _, s := range e.n.Subnets {
		a := s.NACL
		if a.IsZero() {
			continue
		}
		if _, ok := e.n.NetworkACL(a); !ok {
			e.errorf("subnet %s: unknown network ACL %s", s.Addr, a)
			continue
		}
		e.add(e.id(s.Addr)+"NetworkAclAssociation", SubnetNetworkAclAssociation{SubnetId: e.ref(s.Addr), NetworkAclId: e.ref(a)})
	}
}

func (e *emitter) naclEntry(id string, addr model.ResourceRef, en model.NACLEntry) {
	dir := "Ingress"
	if en.Egress {
		dir = "Egress"
	}
	where := fmt.Sprintf("network ACL %s %s rule %d", addr, dir, en.RuleNumber)
	num, ok := protocolNumbers[en.Protocol]
	if !ok {
		// Any other IANA protocol by number (GRE 47, ESP 50, ...).
		num, ok = en.Protocol.Number()
	}
	if !ok {
		e.errorf("%s: unknown protocol %q", where, en.Protocol)
		return
	}
	if en.RuleNumber < 1 || en.RuleNumber > 32766 {
		e.errorf("%s: rule number must be 1-32766", where)
	}
	if en.Action != model.Allow && en.Action != model.Deny {
		e.errorf("%s: action %q is neither allow nor deny", where, en.Action)
	}
	p := NetworkAclEntry{
		NetworkAclId: Ref{id},
		RuleNumber:   Int(en.RuleNumber),
		Protocol:     Int(num),
		RuleAction:   String(string(en.Action)),
		Egress:       Bool(en.Egress),
	}
	var dep string
	if en.CIDR.Addr().Is4() {
		p.CidrBlock = String(en.CIDR.String())
	} else {
		p.Ipv6CidrBlock, dep = e.cidr(en.CIDR, where)
	}
	switch en.Protocol {
	case model.TCP, model.UDP:
		p.PortRange = &PortRange{From: Int(en.Ports.From), To: Int(en.Ports.To)}
	case model.ICMP, model.ICMPv6:
		p.Icmp = &Icmp{Type: Int(en.ICMP.Type), Code: Int(en.ICMP.Code)}
	}
	e.add(id+dir+strconv.Itoa(en.RuleNumber), p, dep)
}
