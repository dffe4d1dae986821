package analyze

import (
	"fmt"

	"github.com/moatnet/moat/model"
)

func (w *walker) sgEgress(d *device) {
	if w.dir == Return || d == nil || d.natgw != nil && d.eni == nil {
		return
	}
	if len(d.sgs) == 0 && d.eni != nil && len(d.eni.SecurityGroups) == 0 && (d.lb != nil || d.natgw != nil || d.endpoint != nil) {
		return
	}
	w.rec.device(d)
	dst := w.view(w.pk.dst)
	dev := w.ix.deviceAt(dst, d.vpc)
	rule, ok, unknown := sgCheck(w.ix, d, true, w.pk.proto, w.pk.dport, dst, dev, w.pk.service)
	if ok {
		w.hop(d.addr, HopSGEgress, rule)
		return
	}
	w.unknown(unknown)
	to := w.pk.dst.String()
	if w.pk.service != "" {
		to = w.pk.service + " (" + to + ")"
	}
	w.blocked(firstGroup(d), HopSGEgress, fmt.Sprintf("no egress rule of %s allows %s to %s", d.groupNames(), pktTraffic(w.pk), to),
		fmt.Sprintf("add an egress rule to %s allowing %s to %s", firstGroup(d), pktTraffic(w.pk), to))
}

func (w *walker) sgIngress(d *device) {
	if w.dir == Return || d == nil || d.natgw != nil && d.eni == nil {
		return
	}
	if len(d.sgs) == 0 && d.eni != nil && len(d.eni.SecurityGroups) == 0 && (d.lb != nil || d.natgw != nil || d.endpoint != nil) {
		// Load balancers without groups (NLBs before 2023) and NAT
		// gateways filter nothing themselves.
		w.hop(d.addr, HopSGIngress, "no security group: the service does not filter")
		return
	}
	w.rec.device(d)
	src := w.view(w.pk.src)
	dev := w.ix.deviceAt(src, d.vpc)
	rule, ok, unknown := sgCheck(w.ix, d, false, w.pk.proto, w.pk.dport, src, dev, w.pk.srcService)
	if ok {
		w.hop(d.addr, HopSGIngress, rule)
		return
	}
	w.unknown(unknown)
	from := src.String()
	if dev != nil {
		from = fmt.Sprintf("%s (%s)", src, dev.addr)
	}
	w.blocked(firstGroup(d), HopSGIngress, fmt.Sprintf("no ingress rule of %s allows %s from %s", d.groupNames(), pktTraffic(w.pk), from),
		fmt.Sprintf("add an ingress rule to %s allowing %s from %s", firstGroup(d), pktTraffic(w.pk), from))
}

func firstGroup(d *device) model.ResourceRef {
	if len(d.sgs) == 0 {
		return d.addr
	}
	return d.sgs[0].Group.Addr
}
