package analyze

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

// maxSteps bounds a trace, so a routing loop (two tables pointing at each
// other through appliances) ends as a finding, not a hang.
const maxSteps = 64

// walker follows one packet through the network.
type walker struct {
	ix       *Index
	dir      Direction
	pk       packet
	hops     []Hop
	blockers []Blocker
	notes    []string
	steps    int
	// target is where the packet must arrive: the destination's address
	// forward, the source's on the way back.
	target netip.Addr
	// targetService is set when the destination is an AWS service.
	targetService string
	reached       bool
	stopped       bool
	// at is the device the packet was delivered to (nil for a host, the
	// internet or a service).
	at *device
	// arrivedVia remembers how the packet reached its destination, so
	// the reply can start from the same place.
	arrivedVia string
	arrivedVPC *vpcInfo
	sessions   []session
	// assumed maps a stand-in public address to the subnet host that
	// is assumed to hold it.
	assumed map[netip.Addr]netip.Addr
	// srcHost marks the forward source as a subnet host, which has no
	// security group of its own in the model.
	srcHost, dstHost bool
	// dstAny marks a destination that stands for every host of its
	// subnet (FlowEnd.Whole): each address a host may take is one.
	dstAny bool
	// routing is the subnet whose route table last forwarded (or failed
	// to forward) the packet: where a hypothetical trace resumes.
	routing *subnetInfo
	// exitGW is the internet or egress-only gateway an IPv6 packet left
	// its VPC by; backVia, on the reply, is the forward packet's: the
	// reply comes back in the same way.
	exitGW, backVia model.ResourceRef
	// rec, when set, records every rule holder the packet is checked
	// against, so the exact analysis knows which prefixes and ports
	// decided its path (exact.go).
	rec *consulted
	// unknowns are what the input does not define that the path depends
	// on (a peer group of another account, a VPC not imported).
	unknowns []string
	// client and lbIP: on a Network Load Balancer's leg to a target that
	// preserves client IPs, the packet travels between the balancer's
	// interface (lbIP) and the target, but rules see the client's address
	// in its place (view).
	client, lbIP netip.Addr
}

// view is the address the rules of the target's side see for a: the
// client's, where a is the balancer's on a leg that preserves client IPs.
func (w *walker) view(a netip.Addr) netip.Addr {
	if w.client.IsValid() && a == w.lbIP {
		return w.client
	}
	return a
}

func (w *walker) hop(res model.ResourceRef, kind HopKind, rule string) {
	// Arriving where the last check already named adds nothing.
	if kind == "deliver" && rule == "" && len(w.hops) > 0 && w.hops[len(w.hops)-1].Resource == res {
		return
	}
	w.hops = append(w.hops, Hop{Resource: res, Kind: kind, Rule: rule})
}

func (w *walker) blocked(res model.ResourceRef, kind HopKind, reason, fix string) {
	w.blockers = append(w.blockers, Blocker{Resource: res, Kind: kind, Direction: w.dir, Reason: reason, Fix: fix})
}

// stop ends the trace: nothing further can be evaluated.
func (w *walker) stop(res model.ResourceRef, kind HopKind, reason, fix string) {
	w.blocked(res, kind, reason, fix)
	w.stopped = true
}

// unknown records something the input does not define that the answer
// depends on: the answer is then not a proof either way.
func (w *walker) unknown(s string) {
	if s != "" && !slices.Contains(w.unknowns, s) {
		w.unknowns = append(w.unknowns, s)
	}
}

func (w *walker) note(s string) {
	if !slices.Contains(w.notes, s) {
		w.notes = append(w.notes, s)
	}
}

func (w *walker) step() bool {
	w.steps++
	if w.steps > maxSteps {
		w.stop("", HopLoop, fmt.Sprintf("the packet to %s passed more than %d hops: a routing loop", w.pk.dst, maxSteps), "check the routes that send traffic between appliances")
		return false
	}
	return !w.stopped
}

// --- security groups and NACLs ---

// leave starts a packet at device d (or a host in subnet s).
func (w *walker) leave(d *device, s *subnetInfo) {
	if d != nil {
		w.sgEgress(d)
		s = d.subnet
		if s == nil && d.natgw != nil && d.natgw.Regional {
			w.viaIGW(nil, d.vpc, "")
			return
		}
	}
	w.route(s)
}

// local delivers the packet inside vpc, from subnet from (nil when it
// arrives from outside: an internet gateway, a peering, a Transit Gateway).
func (w *walker) local(from *subnetInfo, vpc *vpcInfo) {
	if vpc == nil {
		w.stop("", HopRoute, "the packet is in no VPC of the model", "")
		return
	}
	a := w.pk.dst
	d := w.ix.deviceAt(a, vpc)
	if d != nil && d.vpc != vpc {
		d = nil
	}
	var to *subnetInfo
	if d != nil {
		to = d.subnet
	} else {
		to = vpc.subnetOf(a)
	}
	if to == nil {
		w.stop(vpc.v.Addr, HopRoute, fmt.Sprintf("%s is inside %s but in none of its subnets", a, vpc.v.Addr), "check the destination address")
		return
	}
	w.cross(from, to)
	if d != nil {
		w.atDevice(d)
		return
	}
	w.atHost(to, a)
}

// atHost is the packet arriving at an address no interface in the model
// owns: a subnet's representative host or a given IP.
func (w *walker) atHost(s *subnetInfo, a netip.Addr) {
	// A given IP that no interface holds is nobody (the subnet's router
	// cannot deliver it); the subnet's representative host, any host of
	// a destination that stands for them all, or the reply to a source
	// that was given by IP, stands for a host that exists.
	if a == w.target && (a == s.rep || w.dstAny && w.dir == Forward || w.dir == Return) {
		w.hop(s.s.Addr, HopDeliver, "host "+a.String())
		w.reached, w.arrivedVia, w.arrivedVPC = true, "local", s.vpc
		return
	}
	w.stop(s.s.Addr, HopDeliver, fmt.Sprintf("no interface in the model holds %s", a), "")
}

// atDevice is the packet arriving at device d: for it, or to be forwarded.
func (w *walker) atDevice(d *device) {
	if !w.step() {
		return
	}
	if d.ownsPrivate(w.pk.dst) || (d.natgw != nil && d.owns(w.pk.dst)) {
		if w.dir == Return {
			if s := w.session(d); s != nil {
				w.hop(d.addr, HopNAT, fmt.Sprintf("reply translated back: %s -> %s", s.outside, s.inside))
				w.pk.dst = s.inside
				if w.pk.proto == model.ICMP || w.pk.proto == model.ICMPv6 {
					w.pk.sport = s.insidePort
				} else {
					w.pk.dport = s.insidePort
				}
				if d.subnet == nil {
					w.local(nil, d.vpc)
					return
				}
				w.route(d.subnet)
				return
			}
		}
		if w.pk.dst == w.target {
			if d.natgw != nil && w.dir == Forward {
				// A NAT gateway answers no connection of its own: a packet
				// to it without a session is dropped.
				w.stop(d.addr, HopNAT, fmt.Sprintf("%s accepts no connections: packets to it that match no NAT session are dropped", d.addr), "")
				return
			}
			w.sgIngress(d)
			w.hop(d.addr, HopDeliver, "")
			w.reached, w.at, w.arrivedVia, w.arrivedVPC = true, d, "local", d.vpc
			return
		}
		w.stop(d.addr, HopDeliver, fmt.Sprintf("%s is not the destination", d.addr), "")
		return
	}
	// Forwarded through d: a NAT gateway, a NAT instance, an appliance.
	if d.natgw != nil {
		w.natGateway(d)
		return
	}
	if d.sdc {
		w.blocked(d.addr, HopSourceDestCheck, fmt.Sprintf("%s has source/destination check on: it drops packets not addressed to it", d.addr),
			fmt.Sprintf("turn off source/destination check on %s", d.addr))
	}
	w.sgIngress(d)
	if w.dir == Forward && (d.natInst != nil || (d.instance != nil && d.instance.Role == model.RoleNAT) || w.nextIsIGW(d)) {
		w.masquerade(d)
	} else {
		w.hop(d.addr, "forward", "source/destination check off: forwards the packet")
	}
	w.leave(d, nil)
}
