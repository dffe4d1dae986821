package cfnimport

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/model"
)

// templatesOf lists a golden case's templates: template.yaml and .json,
// or one file per account of a split design (network.yaml,
// workload.yaml, ...).
func templatesOf(name string) []string {
	var out []string
	for _, ext := range []string{"yaml", "json"} {
		dir := filepath.Join("../testdata/golden", name)
		if p := filepath.Join(dir, "template."+ext); exists(p) {
			out = append(out, p)
			continue
		}
		for _, pat := range []string{"network.", "workload*."} {
			m, _ := filepath.Glob(filepath.Join(dir, pat+ext))
			out = append(out, m...)
		}
	}
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// linkValues are the parameter values that join the templates of a
// per-account set, as its deploy steps give them: the shared Transit
// Gateway's ID in a workload template, the workload attachment's in the
// network template. Each is the address the resource has in the template
// that holds it, so routes and associations import as if in one template.
func linkValues(n *model.Network) map[string]string {
	out := map[string]string{}
	for _, g := range n.TransitGateways {
		out[cfn.TransitGatewayParam] = string(mapAddr(g.Addr))
	}
	for _, a := range n.TGWAttachments {
		out[cfn.AttachmentParam(a.Addr)] = string(mapAddr(a.Addr))
	}
	return out
}

// partOf is the part of the compiled network one template of a
// per-account set holds: what lives in the VPCs it imported, with the
// Transit Gateways of their accounts. A propagated route through an
// attachment in another template is AWS's doing at deploy, from a VPC
// range this template does not hold, so it is left out too.
func partOf(n *model.Network, got *model.Network) *model.Network {
	accounts := map[string]bool{}
	for _, v := range n.VPCs {
		if _, ok := got.VPC(mapAddr(v.Addr)); ok {
			accounts[v.Account] = true
		}
	}
	in := func(vpc model.ResourceRef) bool {
		v, ok := n.VPC(vpc)
		return ok && accounts[v.Account]
	}
	p := *n
	p.Subnets = keep(n.Subnets, func(s model.Subnet) bool { return in(s.VPC) })
	p.RouteTables = keep(n.RouteTables, func(r model.RouteTable) bool { return in(r.VPC) })
	p.SecurityGroups = keep(n.SecurityGroups, func(g model.SecurityGroup) bool { return in(g.VPC) })
	p.NetworkACLs = keep(n.NetworkACLs, func(a model.NetworkACL) bool { return in(a.VPC) })
	p.Firewalls = keep(n.Firewalls, func(f model.Firewall) bool { return in(f.VPC) })
	p.TransitGateways = keep(n.TransitGateways, func(g model.TransitGateway) bool { return accounts[g.Account] })
	owns := func(tgw model.ResourceRef) bool {
		return slices.ContainsFunc(p.TransitGateways, func(g model.TransitGateway) bool { return g.Addr == tgw })
	}
	p.TGWAttachments = keep(n.TGWAttachments, func(a model.TGWAttachment) bool { return in(a.VPC) })
	p.TGWRouteTables = nil
	for _, rt := range n.TGWRouteTables {
		if !owns(rt.TGW) {
			continue
		}
		rt.Routes = keep(rt.Routes, func(r model.TGWRoute) bool {
			i := slices.IndexFunc(n.TGWAttachments, func(a model.TGWAttachment) bool { return a.Addr == r.Attachment })
			return !r.Propagated || i >= 0 && in(n.TGWAttachments[i].VPC)
		})
		p.TGWRouteTables = append(p.TGWRouteTables, rt)
	}
	// The association that routes a workload attachment is in the
	// network template.
	p.TGWAttachments = slices.Clone(p.TGWAttachments)
	for i, a := range p.TGWAttachments {
		if !slices.ContainsFunc(p.TGWRouteTables, func(rt model.TGWRouteTable) bool { return rt.Addr == a.RouteTable }) {
			p.TGWAttachments[i].RouteTable = ""
		}
	}
	return &p
}

func keep[T any](s []T, ok func(T) bool) []T {
	var out []T
	for _, x := range s {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// hubView is what a template says about the Transit Gateways and Network
// Firewalls of a network, with compiled addresses mapped to the
// importer's.
type hubView struct {
	TGWs        []string
	Attachments []string
	RouteTables map[model.ResourceRef][]string
	Firewalls   map[model.ResourceRef][]string
}

func addrs(as []model.ResourceRef, mapped bool) []string {
	var out []string
	for _, a := range as {
		if mapped {
			a = mapAddr(a)
		}
		out = append(out, string(a))
	}
	slices.Sort(out)
	return out
}

func viewHub(n *model.Network, mapped bool) hubView {
	m := func(a model.ResourceRef) model.ResourceRef {
		if mapped {
			return mapAddr(a)
		}
		return a
	}
	v := hubView{RouteTables: map[model.ResourceRef][]string{}, Firewalls: map[model.ResourceRef][]string{}}
	for _, g := range n.TransitGateways {
		v.TGWs = append(v.TGWs, fmt.Sprintf("%s asn %d", m(g.Addr), g.ASN))
	}
	for _, a := range n.TGWAttachments {
		v.Attachments = append(v.Attachments, fmt.Sprintf("%s %s on %s: vpc %s subnets %v appliance %v table %s",
			m(a.Addr), a.Kind, m(a.TGW), m(a.VPC), addrs(a.Subnets, mapped), a.ApplianceMode, m(a.RouteTable)))
	}
	for _, rt := range n.TGWRouteTables {
		lines := []string{
			fmt.Sprintf("tgw %s", m(rt.TGW)),
			fmt.Sprintf("associations %v", addrs(rt.Associations, mapped)),
			fmt.Sprintf("propagations %v", addrs(rt.Propagations, mapped)),
		}
		var routes []string
		for _, r := range rt.Routes {
			routes = append(routes, fmt.Sprintf("route %s -> %s blackhole %v propagated %v", r.Dest, m(r.Attachment), r.Blackhole, r.Propagated))
		}
		slices.Sort(routes)
		v.RouteTables[m(rt.Addr)] = append(lines, routes...)
	}
	for _, f := range n.Firewalls {
		lines := []string{fmt.Sprintf("vpc %s subnets %v default %s", m(f.VPC), addrs(f.Subnets, mapped), f.DefaultAction)}
		// Rules keep their order: the firewall runs them in strict order.
		for _, r := range f.Rules {
			lines = append(lines, fmt.Sprintf("%s %s %v to %s domains %v", r.Action, r.Protocol, r.Ports, r.Dest, r.Domains))
		}
		for _, l := range f.Logs {
			lines = append(lines, fmt.Sprintf("log %s to %s %s", l.Type, l.Destination, l.Target))
		}
		v.Firewalls[m(f.Addr)] = lines
	}
	slices.Sort(v.TGWs)
	slices.Sort(v.Attachments)
	return v
}

// compareHub compares the Transit Gateways (attachments, route tables
// with their associations, propagations and routes, blackholes included)
// and the firewalls (subnets, rules in order, default action).
func compareHub(t *testing.T, want, got *model.Network) {
	t.Helper()
	if diff := gocmp.Diff(viewHub(want, true), viewHub(got, false)); diff != "" {
		t.Errorf("transit gateways and firewalls (-compiled +imported):\n%s", diff)
	}
}
