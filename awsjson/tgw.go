package awsjson

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

// attachAddr addresses a TGW attachment. A peering attachment has one id
// but a side in each Transit Gateway, each with its own route table
// association, so its address names the side: tgw-attach/<id>/<tgw-id>.
func (b *builder) attachAddr(id, tgw string) model.ResourceRef {
	if b.peeringTGWA[id] && tgw != "" {
		return model.JoinRef("tgw-attach", id, tgw)
	}
	return a("tgw-attach", id)
}

func (b *builder) transitGateways() {
	for _, f := range b.files {
		for _, t := range f.d.TransitGateways {
			if gone(t.State) || !b.first("tgw", t.TransitGatewayId) {
				continue
			}
			region := f.scope.region
			if parts := strings.Split(t.TransitGatewayArn, ":"); region == "" && len(parts) > 3 {
				region = parts[3]
			}
			b.n.TransitGateways = append(b.n.TransitGateways, model.TransitGateway{
				Addr: a("tgw", t.TransitGatewayId), ID: t.TransitGatewayId, Account: t.OwnerId,
				Region: region, ASN: int(min(max(t.Options.AmazonSideAsn, 0), 1<<32-1)),
			})
		}
	}
	vpcAtt := map[string]rawTGWVPCAttachment{}
	for _, f := range b.files {
		for _, v := range f.d.TransitGatewayVpcAttachments {
			if _, ok := vpcAtt[v.TransitGatewayAttachmentId]; !ok {
				vpcAtt[v.TransitGatewayAttachmentId] = v
			}
		}
	}
	add := func(m model.TGWAttachment) {
		if _, ok := b.attachIdx[m.Addr]; ok {
			return
		}
		b.attachIdx[m.Addr] = len(b.n.TGWAttachments)
		b.n.TGWAttachments = append(b.n.TGWAttachments, m)
	}
	for _, f := range b.files {
		for _, t := range f.d.TransitGatewayAttachments {
			if gone(t.State) || t.TransitGatewayAttachmentId == "" {
				continue
			}
			m := model.TGWAttachment{
				Addr: b.attachAddr(t.TransitGatewayAttachmentId, t.TransitGatewayId), ID: t.TransitGatewayAttachmentId,
				TGW: a("tgw", t.TransitGatewayId), Kind: model.TGWAttachmentKind(t.ResourceType), Account: t.ResourceOwnerId,
			}
			switch t.ResourceType {
			case "vpc":
				m.VPC = a("vpc", t.ResourceId)
			case "peering", "tgw-peering":
				m.Kind, m.PeerTGW = model.TGWAttachPeering, a("tgw", t.ResourceId)
			}
			if as := t.Association; as != nil && (as.State == "associated" || as.State == "") {
				m.RouteTable = a("tgw-rtb", as.TransitGatewayRouteTableId)
			}
			if v, ok := vpcAtt[t.TransitGatewayAttachmentId]; ok {
				b.vpcAttachment(&m, v)
			}
			add(m)
		}
	}
	// VPC attachments no generic attachment file mentions.
	for _, f := range b.files {
		for _, v := range f.d.TransitGatewayVpcAttachments {
			if gone(v.State) {
				continue
			}
			m := model.TGWAttachment{Addr: a("tgw-attach", v.TransitGatewayAttachmentId), ID: v.TransitGatewayAttachmentId,
				TGW: a("tgw", v.TransitGatewayId), Kind: model.TGWAttachVPC, Account: v.VpcOwnerId}
			b.vpcAttachment(&m, v)
			if m.ID != "" {
				add(m)
			}
		}
	}
	b.tgwRouteTables()
}

func (b *builder) vpcAttachment(m *model.TGWAttachment, v rawTGWVPCAttachment) {
	m.Kind, m.VPC = model.TGWAttachVPC, a("vpc", v.VpcId)
	m.ApplianceMode = v.Options.ApplianceModeSupport == "enable"
	m.Subnets = nil
	for _, s := range v.SubnetIds {
		m.Subnets = append(m.Subnets, a("subnet", s))
	}
	slices.Sort(m.Subnets)
}

func (b *builder) tgwRouteTables() {
	idx := map[string]int{}
	for _, f := range b.files {
		for _, t := range f.d.TransitGatewayRouteTables {
			if gone(t.State) || !b.first("tgw-rtb", t.TransitGatewayRouteTableId) {
				continue
			}
			idx[t.TransitGatewayRouteTableId] = len(b.n.TGWRouteTables)
			b.n.TGWRouteTables = append(b.n.TGWRouteTables, model.TGWRouteTable{
				Addr: a("tgw-rtb", t.TransitGatewayRouteTableId), ID: t.TransitGatewayRouteTableId,
				TGW: a("tgw", t.TransitGatewayId),
			})
		}
	}
	table := func(f file, id string) *model.TGWRouteTable {
		i, ok := idx[id]
		if !ok {
			if id == "" {
				b.warnf(f, "the file name names no Transit Gateway route table (tgw-rtb-...); its contents are ignored")
			} else {
				b.warnf(f, "Transit Gateway route table %s is in no describe-transit-gateway-route-tables file; its routes are ignored", id)
			}
			return nil
		}
		return &b.n.TGWRouteTables[i]
	}
	routeSeen := map[string]bool{}
	for _, f := range b.files {
		for _, tr := range f.d.TransitGatewayStaticRoutes {
			if t := table(f, tr.TransitGatewayRouteTableId); t != nil {
				b.tgwRoutes(f, t, tr.Routes, routeSeen)
			}
		}
		if len(f.d.Routes) > 0 && f.k.command == "search-transit-gateway-routes" {
			if t := table(f, f.tableID); t != nil {
				b.tgwRoutes(f, t, f.d.Routes, routeSeen)
			}
		}
		for _, tp := range f.d.TransitGatewayPropagations {
			if t := table(f, tp.TransitGatewayRouteTableId); t != nil {
				b.propagations(t, tp.TransitGatewayRouteTablePropagations)
			}
		}
		if len(f.d.TransitGatewayRouteTablePropagations) > 0 {
			if t := table(f, f.tableID); t != nil {
				b.propagations(t, f.d.TransitGatewayRouteTablePropagations)
			}
		}
		if len(f.d.Associations) > 0 {
			if t := table(f, f.tableID); t != nil {
				tgw := strings.TrimPrefix(string(t.TGW), "tgw/")
				for _, as := range f.d.Associations {
					if as.State == "associated" || as.State == "" {
						t.Associations = append(t.Associations, b.attachAddr(as.TransitGatewayAttachmentId, tgw))
					}
				}
			}
		}
	}
	for _, at := range b.n.TGWAttachments {
		if i, ok := idx[strings.TrimPrefix(string(at.RouteTable), "tgw-rtb/")]; ok && at.RouteTable != "" {
			b.n.TGWRouteTables[i].Associations = append(b.n.TGWRouteTables[i].Associations, at.Addr)
		}
	}
	for i := range b.n.TGWRouteTables {
		t := &b.n.TGWRouteTables[i]
		slices.Sort(t.Associations)
		t.Associations = slices.Compact(t.Associations)
		slices.Sort(t.Propagations)
		t.Propagations = slices.Compact(t.Propagations)
		b.propagatedRoutes(t)
		slices.SortStableFunc(t.Routes, func(x, y model.TGWRoute) int {
			return cmp.Or(x.Dest.Addr().Compare(y.Dest.Addr()), cmp.Compare(x.Dest.Bits(), y.Dest.Bits()), cmp.Compare(x.Attachment, y.Attachment))
		})
	}
}

// tgwRoutes adds the routes rs of one file to t: a route per attachment
// (several mean equal-cost paths), once each across files (seen).
func (b *builder) tgwRoutes(f file, t *model.TGWRouteTable, rs []rawTGWRoute, seen map[string]bool) {
	tgw := strings.TrimPrefix(string(t.TGW), "tgw/")
	for _, r := range rs {
		if r.DestinationCidrBlock == "" && r.PrefixListId == "" || gone(r.State) {
			continue
		}
		var dest netip.Prefix
		if r.DestinationCidrBlock != "" {
			if dest = b.prefix(f, "Transit Gateway route table "+t.ID, r.DestinationCidrBlock); !dest.IsValid() {
				continue
			}
		}
		// A prefix-list reference route stands for the list's entries
		// (the analyzer expands them, or says they are not known).
		base := model.TGWRoute{Dest: dest, Blackhole: r.State == "blackhole", Propagated: r.Type == "propagated"}
		if !dest.IsValid() {
			base.PrefixList = r.PrefixListId
		}
		if base.Blackhole || len(r.TransitGatewayAttachments) == 0 {
			base.Blackhole = true
			t.Routes = append(t.Routes, base)
			continue
		}
		// One route per attachment: several mean equal-cost paths.
		for _, at := range r.TransitGatewayAttachments {
			m := base
			m.Attachment = b.attachAddr(at.TransitGatewayAttachmentId, tgw)
			key := t.ID + "|" + dest.String() + base.PrefixList + "|" + string(m.Attachment)
			if seen[key] {
				continue
			}
			seen[key] = true
			t.Routes = append(t.Routes, m)
		}
	}
}

func (b *builder) propagations(t *model.TGWRouteTable, ps []rawTGWPropagation) {
	tgw := strings.TrimPrefix(string(t.TGW), "tgw/")
	for _, p := range ps {
		if p.State == "enabled" || p.State == "" {
			t.Propagations = append(t.Propagations, b.attachAddr(p.TransitGatewayAttachmentId, tgw))
		}
	}
}

// propagatedRoutes adds, for each VPC attachment propagating into t, a
// route to the VPC's CIDR, as AWS does, unless t already has a route for
// that prefix: a static route wins over a propagated one, and a dump made
// with search-transit-gateway-routes already lists the propagated routes.
// Batfish snapshots list static routes only.
func (b *builder) propagatedRoutes(t *model.TGWRouteTable) {
	have := map[netip.Prefix]bool{}
	for _, r := range t.Routes {
		have[r.Dest] = true
	}
	for _, p := range t.Propagations {
		i, ok := b.attachIdx[p]
		if !ok {
			continue
		}
		at := b.n.TGWAttachments[i]
		if at.Kind != model.TGWAttachVPC {
			continue
		}
		v, ok := b.n.VPC(at.VPC)
		if !ok || !v.CIDR.IsValid() || have[v.CIDR] {
			continue
		}
		have[v.CIDR] = true
		t.Routes = append(t.Routes, model.TGWRoute{Dest: v.CIDR, Attachment: p, Propagated: true})
	}
}
