package cfn

import (
	"fmt"
	"strconv"

	"github.com/moatnet/moat/model"
)

// tgwID is the value of the Transit Gateway's ID in this template: a Ref
// when the template holds it, else the parameter a workload account's
// template takes (the gateway is shared with it through RAM).
func (e *emitter) tgwID(a model.ResourceRef) Value {
	for _, t := range e.n.TransitGateways {
		if t.Addr == a {
			return e.ref(a)
		}
	}
	return Ref{e.strParam(TransitGatewayParam, "ID (tgw-...) of the Transit Gateway the network account shares with this account through AWS RAM; the network stack's output TransitGatewayId", "^tgw-[0-9a-f]+$")}
}

// TransitGatewayParam names the parameter of a workload template that
// takes the shared Transit Gateway's ID.
const TransitGatewayParam = "TransitGatewayId"

// strParam adds a string parameter once and returns its name.
func (e *emitter) strParam(name, desc, pattern string) string {
	for _, p := range e.t.Parameters {
		if p.Name == name {
			return name
		}
	}
	if err := e.t.AddParameter(Parameter{Name: name, Type: "String", Description: desc, AllowedPattern: pattern}); err != nil {
		e.errs = append(e.errs, err)
	}
	return name
}

// transitGateways emits the gateways, their attachments in this template's
// VPCs, route tables with explicit associations, propagations and static
// routes, and the RAM shares a split design needs.
func (e *emitter) transitGateways() {
	for _, t := range e.n.TransitGateways {
		id := e.id(t.Addr)
		p := TransitGateway{
			AmazonSideAsn: Int(t.ASN),
			// Every attachment gets an explicit table: nothing lands in a
			// default table that would route it everywhere.
			DefaultRouteTableAssociation: String("disable"),
			DefaultRouteTablePropagation: String("disable"),
			DnsSupport:                   String("enable"),
			Description:                  String("moat " + e.stack + ": joins the ingress, egress and workload VPCs"),
			Tags:                         e.tags(t.Addr, nil),
		}
		if len(e.shares) > 0 {
			// A shared gateway must accept the other account's
			// attachment; its route tables still decide what it reaches.
			p.AutoAcceptSharedAttachments = String("enable")
		}
		if t.ASN == 0 {
			p.AmazonSideAsn = nil
		}
		e.add(id, p)
		if len(e.shares) > 0 {
			var principals []Value
			for _, a := range e.shares {
				principals = append(principals, String(a))
			}
			e.add(id+"Share", ResourceShare{
				Name: String(e.stack + "-transit-gateway"), AllowExternalPrincipals: Bool(false), Principals: principals,
				ResourceArns: []Value{Sub{Template: "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:transit-gateway/${" + id + "}"}},
				Tags:         e.tags(model.ResourceRef(string(t.Addr)+"/share"), nil),
			})
			e.addOutput(Output{Name: "TransitGatewayId", Description: "The Transit Gateway shared with the workload account; its template's TransitGatewayId parameter", Value: Ref{id}})
		}
	}
	for _, a := range e.n.TGWAttachments {
		if a.Kind != model.TGWAttachVPC {
			e.errorf("tgw attachment %s: kind %s is not supported in CloudFormation output yet", a.Addr, a.Kind)
			continue
		}
		if _, ok := e.vpcOf(a.VPC); !ok {
			continue // in another account's template
		}
		opts := Map{{"DnsSupport", String("enable")}}
		if a.ApplianceMode {
			// Both directions of a flow through the firewall stay in one
			// zone, so the stateful firewall sees the whole flow.
			opts = Map{{"ApplianceModeSupport", String("enable")}, {"DnsSupport", String("enable")}}
		}
		var deps []string
		if share := e.shareOf(a.TGW); share != "" {
			deps = append(deps, share)
		}
		e.add(e.id(a.Addr), TransitGatewayAttachment{
			TransitGatewayId: e.tgwID(a.TGW), VpcId: e.ref(a.VPC), SubnetIds: e.refs(a.Subnets),
			Options: opts, Tags: e.tags(a.Addr, nil),
		}, deps...)
	}
	for _, rt := range e.n.TGWRouteTables {
		if !e.has(rt.TGW) {
			continue
		}
		id := e.id(rt.Addr)
		e.add(id, TransitGatewayRouteTable{TransitGatewayId: e.ref(rt.TGW), Tags: e.tags(rt.Addr, nil)})
		for _, a := range rt.Associations {
			att, cond := e.attachmentID(a)
			e.addIf(cond, id+"Association"+pascal(string(a)), TransitGatewayRouteTableAssociation{TransitGatewayAttachmentId: att, TransitGatewayRouteTableId: Ref{id}})
		}
		for _, a := range rt.Propagations {
			att, cond := e.attachmentID(a)
			e.addIf(cond, id+"Propagation"+pascal(string(a)), TransitGatewayRouteTablePropagation{TransitGatewayAttachmentId: att, TransitGatewayRouteTableId: Ref{id}})
		}
		for i, r := range rt.Routes {
			if r.Propagated {
				continue // the propagation above installs it
			}
			p := TransitGatewayRoute{DestinationCidrBlock: String(r.Dest.String()), TransitGatewayRouteTableId: Ref{id}}
			cond := ""
			if r.Blackhole {
				p.Blackhole = Bool(true)
			} else {
				p.TransitGatewayAttachmentId, cond = e.attachmentID(r.Attachment)
			}
			suffix := "Route" + strconv.Itoa(i+1)
			if r.Dest.Bits() == 0 {
				suffix = "RouteDefault"
			}
			e.addIf(cond, id+suffix, p)
		}
	}
}

// has reports whether this template holds the resource at a.
func (e *emitter) has(a model.ResourceRef) bool {
	for _, t := range e.n.TransitGateways {
		if t.Addr == a {
			return true
		}
	}
	return false
}

// shareOf is the RAM share of a gateway in this template, if any.
func (e *emitter) shareOf(tgw model.ResourceRef) string {
	if e.has(tgw) && len(e.shares) > 0 {
		return e.id(tgw) + "Share"
	}
	return ""
}

// attachmentID is an attachment's ID: a Ref in this template, else the
// parameter through which the network template learns the workload
// account's attachment, with the condition that the parameter is set.
// What uses that parameter carries the condition, so the network stack
// deploys before the attachment exists and wires it on its next update.
func (e *emitter) attachmentID(a model.ResourceRef) (Value, string) {
	for _, x := range e.n.TGWAttachments {
		if x.Addr == a {
			if _, ok := e.vpcOf(x.VPC); ok {
				return e.ref(a), ""
			}
		}
	}
	name := AttachmentParam(a)
	if e.strParam(name, fmt.Sprintf("ID (tgw-attach-...) of %s, created by the workload account's stack (its output %s); leave empty on the first deploy", a, name), "^(tgw-attach-[0-9a-f]+)?$") != "" {
		e.paramDefault(name, String(""))
	}
	return Ref{name}, e.setCondition("Has"+name, Not(Equals(Ref{name}, String(""))))
}

// tgwRoute fills a VPC route to a Transit Gateway: it fails until the
// VPC's attachment exists, so it waits for it.
func (e *emitter) tgwRoute(p *Route, vpc, tgw model.ResourceRef) []string {
	p.TransitGatewayId = e.tgwID(tgw)
	for _, a := range e.n.TGWAttachments {
		if a.TGW == tgw && a.VPC == vpc {
			return []string{e.id(a.Addr)}
		}
	}
	e.errorf("route to %s: vpc %s has no attachment", tgw, vpc)
	return nil
}

// addOutput adds an output, collecting the error.
func (e *emitter) addOutput(o Output) {
	if err := e.t.AddOutput(o); err != nil {
		e.errs = append(e.errs, err)
	}
}
