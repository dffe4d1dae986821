package analyze

import (
	"fmt"

	"github.com/moatnet/moat/model"
)

// viaTGW hands the packet to a Transit Gateway through its VPC attachment.
func (w *walker) viaTGW(s *subnetInfo, target model.ResourceRef) {
	t := w.ix.tgws[w.ix.idOf(target)]
	if t == nil {
		t = w.ix.tgws[target]
	}
	if t == nil {
		w.stop(target, HopTGW, fmt.Sprintf("the route points at %s, which is not in the model", target), "")
		return
	}
	var att *model.TGWAttachment
	for i := range w.ix.n.TGWAttachments {
		a := &w.ix.n.TGWAttachments[i]
		if a.TGW == t.Addr && a.Kind == model.TGWAttachVPC && a.VPC == s.vpc.v.Addr {
			att = a
			break
		}
	}
	if att == nil {
		w.stop(t.Addr, HopTGW, fmt.Sprintf("%s is not attached to %s", s.vpc.v.Addr, t.Addr), "attach the VPC to the Transit Gateway")
		return
	}
	as := w.attSubnetIn(att, s.s.ZoneID)
	if len(att.Subnets) > 0 && as == nil {
		w.stop(att.Addr, HopTGW, fmt.Sprintf("%s has no subnet in zone %s: resources in that zone cannot reach the Transit Gateway", att.Addr, s.s.ZoneID),
			fmt.Sprintf("add a subnet in %s to the attachment", s.s.ZoneID))
		return
	}
	// The attachment's interface in the zone lives in its subnet: a packet
	// from another subnet enters it, through that subnet's network ACL
	// inbound (the way into the VPC, its outbound, is route's cross). From
	// the attachment subnet itself only the outbound rules apply
	// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html).
	if as != nil && as != s {
		w.naclIn(as)
	}
	w.hop(att.Addr, HopTGWAttachment, "into "+string(t.Addr))
	w.tgwRoute(t, att, s.s.ZoneID)
}

func (w *walker) attSubnetIn(a *model.TGWAttachment, zone string) *subnetInfo {
	for _, x := range a.Subnets {
		if s := w.ix.subnets[x]; s != nil && s.s.ZoneID == zone {
			return s
		}
	}
	return nil
}

func (w *walker) tgwRoute(t *model.TransitGateway, in *model.TGWAttachment, zone string) {
	if !w.step() {
		return
	}
	rt := w.ix.tgwRTs[in.RouteTable]
	if rt == nil {
		w.stop(in.Addr, HopTGWRoute, fmt.Sprintf("%s is associated with no route table", in.Addr), "associate the attachment with a Transit Gateway route table")
		return
	}
	w.rec.tgw(rt)
	for _, pl := range rt.Unresolved {
		w.unknown(fmt.Sprintf("%s routes prefix list %s, whose entries the input does not hold", rt.Table.Addr, pl))
	}
	r := rt.Lookup(w.pk.dst)
	if r == nil {
		w.stop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("%s has no route to %s", rt.Table.Addr, w.pk.dst), fmt.Sprintf("add a static route or a propagation for %s", w.pk.dst))
		return
	}
	how := "static"
	if r.Propagated {
		how = "propagated"
	}
	if r.Blackhole {
		w.stop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("%s: route %s is a blackhole", rt.Table.Addr, r.Dest), "remove the blackhole route or point it at an attachment")
		return
	}
	w.hop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("route %s -> %s (%s)", r.Dest, r.Attachment, how))
	out := w.ix.tgwAtt[r.Attachment]
	if out == nil {
		w.stop(rt.Table.Addr, HopTGWRoute, fmt.Sprintf("route %s points at %s, which is not in the model", r.Dest, r.Attachment), "")
		return
	}
	switch out.Kind {
	case model.TGWAttachVPC:
		vpc := w.ix.vpcs[out.VPC]
		if vpc == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("the VPC %s of %s is not in the model", out.VPC, out.Addr), "")
			return
		}
		// The Transit Gateway keeps traffic in the sender's zone when the
		// attachment has a subnet there.
		sa := w.attSubnetIn(out, zone)
		if sa == nil {
			for _, x := range out.Subnets {
				if sa = w.ix.subnets[x]; sa != nil {
					break
				}
			}
		}
		if sa == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("%s has no subnet in the model", out.Addr), "")
			return
		}
		w.hop(out.Addr, HopTGWAttachment, "into "+string(vpc.v.Addr)+" through "+string(sa.s.Addr))
		w.route(sa)
	case model.TGWAttachPeering:
		peer := w.ix.tgws[out.PeerTGW]
		if peer == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("the peer Transit Gateway %s is not in the model", out.PeerTGW), "")
			return
		}
		var back *model.TGWAttachment
		for i := range w.ix.n.TGWAttachments {
			a := &w.ix.n.TGWAttachments[i]
			if a.TGW == peer.Addr && a.Kind == model.TGWAttachPeering && a.PeerTGW == t.Addr {
				back = a
				break
			}
		}
		if back == nil {
			w.stop(out.Addr, HopTGWAttachment, fmt.Sprintf("%s has no peering attachment back to %s", peer.Addr, t.Addr), "")
			return
		}
		w.hop(back.Addr, HopTGWAttachment, "into "+string(peer.Addr))
		w.tgwRoute(peer, back, zone)
	default:
		// A VPN or Direct Connect attachment leaves the modeled network.
		w.hop(out.Addr, HopTGWAttachment, fmt.Sprintf("leaves the model through a %s attachment", out.Kind))
		if w.pk.dst == w.target {
			w.reached, w.arrivedVia = true, "outside"
			return
		}
		w.stop(out.Addr, HopDeliver, fmt.Sprintf("%s is outside the model", w.pk.dst), "")
	}
}
