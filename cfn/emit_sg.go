package cfn

import (
	"fmt"
	"strconv"

	"github.com/moatnet/moat/model"
)

// denyAllEgress matches no packet: ICMP type 252 code 86 to the limited
// broadcast address. CloudFormation replaces a group's default allow-all
// egress only when SecurityGroupEgress is given inline, so a group meant to
// send nothing (or only to other groups, which are separate resources)
// carries this rule.
var denyAllEgress = SGEgressRule{
	IpProtocol:  String("icmp"),
	FromPort:    Int(252),
	ToPort:      Int(86),
	CidrIp:      String("255.255.255.255/32"),
	Description: String("moat: matches nothing; replaces the default allow-all egress"),
}

func (e *emitter) securityGroups() {
	for _, g := range e.n.SecurityGroups {
		e.securityGroup(g)
	}
}

func (e *emitter) securityGroup(g model.SecurityGroup) {
	id := e.id(g.Addr)
	desc := g.Description
	if desc == "" {
		desc = "moat " + string(g.Addr)
	}
	p := SecurityGroup{
		GroupDescription: String(desc),
		VpcId:            e.ref(g.VPC),
		Tags:             e.tags(g.Addr, g.Tags),
	}
	var deps []string
	// SG-to-SG rules become separate resources that depend on both groups;
	// inline they would make two groups that admit each other a cycle.
	for i, r := range g.Ingress {
		where := fmt.Sprintf("security group %s ingress rule %d", g.Addr, i+1)
		proto, from, to := e.sgProtocol(r, where)
		switch r.Peer.Kind {
		case model.PeerGroup:
			e.add(id+"Ingress"+strconv.Itoa(i+1), SecurityGroupIngress{
				GroupId: GetAtt{id, "GroupId"}, IpProtocol: proto, FromPort: from, ToPort: to,
				SourceSecurityGroupId: GetAtt{e.id(r.Peer.Group), "GroupId"},
				Description:           Str(r.Description),
			})
		case model.PeerPrefixList:
			p.SecurityGroupIngress = append(p.SecurityGroupIngress, SGIngressRule{
				IpProtocol: proto, FromPort: from, ToPort: to,
				SourcePrefixListId: e.prefixList(r.Peer.PrefixList), Description: Str(r.Description),
			})
		case model.PeerCIDR:
			rule := SGIngressRule{IpProtocol: proto, FromPort: from, ToPort: to, Description: Str(r.Description)}
			if r.Peer.CIDR.Addr().Is4() {
				rule.CidrIp = String(r.Peer.CIDR.String())
			} else {
				v, dep := e.cidr(r.Peer.CIDR, where)
				rule.CidrIpv6, deps = v, append(deps, dep)
			}
			p.SecurityGroupIngress = append(p.SecurityGroupIngress, rule)
		default:
			e.errorf("%s: unknown peer kind %q", where, r.Peer.Kind)
		}
	}
	for i, r := range g.Egress {
		where := fmt.Sprintf("security group %s egress rule %d", g.Addr, i+1)
		proto, from, to := e.sgProtocol(r, where)
		switch r.Peer.Kind {
		case model.PeerGroup:
			e.add(id+"Egress"+strconv.Itoa(i+1), SecurityGroupEgress{
				GroupId: GetAtt{id, "GroupId"}, IpProtocol: proto, FromPort: from, ToPort: to,
				DestinationSecurityGroupId: GetAtt{e.id(r.Peer.Group), "GroupId"},
				Description:                Str(r.Description),
			})
		case model.PeerPrefixList:
			p.SecurityGroupEgress = append(p.SecurityGroupEgress, SGEgressRule{
				IpProtocol: proto, FromPort: from, ToPort: to,
				DestinationPrefixListId: e.prefixList(r.Peer.PrefixList), Description: Str(r.Description),
			})
		case model.PeerCIDR:
			rule := SGEgressRule{IpProtocol: proto, FromPort: from, ToPort: to, Description: Str(r.Description)}
			if r.Peer.CIDR.Addr().Is4() {
				rule.CidrIp = String(r.Peer.CIDR.String())
			} else {
				v, dep := e.cidr(r.Peer.CIDR, where)
				rule.CidrIpv6, deps = v, append(deps, dep)
			}
			p.SecurityGroupEgress = append(p.SecurityGroupEgress, rule)
		default:
			e.errorf("%s: unknown peer kind %q", where, r.Peer.Kind)
		}
	}
	if len(p.SecurityGroupEgress) == 0 {
		p.SecurityGroupEgress = []SGEgressRule{denyAllEgress}
	}
	e.add(id, p, deps...)
}

// sgProtocol maps a rule's protocol and ports to IpProtocol, FromPort and
// ToPort. For ICMP they are its type and code, -1 meaning any.
func (e *emitter) sgProtocol(r model.SGRule, where string) (proto, from, to Value) {
	switch r.Protocol {
	case model.AllProtocols:
		return String("-1"), nil, nil
	case model.TCP, model.UDP:
		return String(r.Protocol.String()), Int(r.Ports.From), Int(r.Ports.To)
	case model.ICMP, model.ICMPv6:
		return String(r.Protocol.String()), Int(r.ICMP.Type), Int(r.ICMP.Code)
	}
	// Any other IANA protocol (GRE 47, ESP 50, ...) by number, which
	// AWS::EC2::SecurityGroup's IpProtocol takes, without ports.
	if n, ok := r.Protocol.Number(); ok && n >= 0 {
		return String(strconv.Itoa(n)), nil, nil
	}
	e.errorf("%s: unknown protocol %q", where, r.Protocol)
	return String(r.Protocol.String()), nil, nil
}
