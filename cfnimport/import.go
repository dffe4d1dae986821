package cfnimport

import (
	"bytes"
	"cmp"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// kinds maps resource types to the address kind of the model resource they
// become. Types that only modify another resource (routes, rules,
// associations) have no kind of their own.
var kinds = map[string]string{
	"AWS::EC2::VPC": "vpc", "AWS::EC2::Subnet": "subnet", "AWS::EC2::RouteTable": "rtb",
	"AWS::EC2::InternetGateway": "igw", "AWS::EC2::EgressOnlyInternetGateway": "eigw",
	"AWS::EC2::NatGateway": "natgw", "AWS::EC2::NetworkInterface": "eni", "AWS::EC2::Instance": "i",
	"AWS::EC2::SecurityGroup": "sg", "AWS::EC2::NetworkAcl": "nacl", "AWS::EC2::VPCEndpoint": "vpce",
	"AWS::EC2::VPCPeeringConnection": "pcx", "AWS::EC2::TransitGateway": "tgw",
	"AWS::EC2::TransitGatewayAttachment": "tgw-attach", "AWS::EC2::TransitGatewayVpcAttachment": "tgw-attach",
	"AWS::EC2::TransitGatewayPeeringAttachment": "tgw-attach",
	"AWS::EC2::TransitGatewayRouteTable":        "tgw-rtb", "AWS::EC2::PrefixList": "pl",
	"AWS::ElasticLoadBalancingV2::LoadBalancer": "lb", "AWS::ElasticLoadBalancingV2::TargetGroup": "tg",
	"AWS::EC2::EIP": "eip", "AWS::EC2::VPNGateway": "vgw",
	"AWS::NetworkFirewall::Firewall": "firewall",
	"AWS::ECS::Service":              "ecs", "AWS::RDS::DBInstance": "rds",
	"AWS::ApiGatewayV2::Api": "apigw", "AWS::EKS::Nodegroup": "eks",
}

type resource struct {
	id    string
	typ   string
	addr  model.ResourceRef
	props *node
	pos   diag.Pos
	skip  bool // its Condition is false
}

type tmpl struct {
	r        *reader
	res      map[string]*resource
	order    []*resource // by logical ID
	params   *node
	conds    *node
	mappings *node
	v6       map[model.ResourceRef]netip.Prefix
	v4       map[model.ResourceRef][]netip.Prefix // secondary IPv4 blocks (AWS::EC2::VPCCidrBlock)
	sgRefs   []sgRef                              // security groups rules name, checked once all are read
	n        *model.Network
	symbolic []string
	steps    int
	fw       map[string]model.ResourceRef // hub.go: firewall logical ID -> its model firewall
	// rtClaims and aclClaims are the subnet associations read, for
	// model.Finish.
	rtClaims, aclClaims []model.Claim
	values              map[string]string // parameter values given; else defaults
	// read are the types some step read with each; a resource of any
	// other type is recorded on the network as unread.
	read map[string]bool
}

// IsTemplate reports whether src looks like a CloudFormation template
// rather than a stack spec: it has AWSTemplateFormatVersion, or a
// Resources mapping whose entries have a Type starting with AWS::.
func IsTemplate(src []byte) bool {
	if bytes.Contains(src, []byte("AWSTemplateFormatVersion")) {
		return true
	}
	if !bytes.Contains(src, []byte("Resources")) {
		return false // no Resources key: no need to parse it to know
	}
	r := &reader{file: "x"}
	root := r.parse(src)
	res := root.get("Resources")
	if res == nil || res.kind != mapNode {
		return false
	}
	for _, v := range res.vals {
		if t, ok := scalar(v.get("Type")); ok && strings.HasPrefix(t, "AWS::") {
			return true
		}
	}
	return false
}

// Parse reads the template in src (named file in diagnostics) into a
// Network called name. The network is nil when the template has errors;
// warnings list the values left symbolic.
func Parse(file string, src []byte, name string) (*model.Network, diag.List) {
	return parse(file, src, name, nil)
}

// parse is Parse with parameter values given, as a deploy would (the tests
// link the templates of a per-account set through them).
func parse(file string, src []byte, name string, values map[string]string) (*model.Network, diag.List) {
	r := &reader{file: file}
	root := r.parse(src)
	if root == nil || r.diags.HasErrors() {
		return nil, r.diags.Sorted()
	}
	if root.kind != mapNode {
		r.errorf(root.pos, "", "a template is a mapping with a Resources section")
		return nil, r.diags.Sorted()
	}
	t := &tmpl{r: r, res: map[string]*resource{}, params: root.get("Parameters"), conds: root.get("Conditions"),
		mappings: root.get("Mappings"), v6: map[model.ResourceRef]netip.Prefix{}, v4: map[model.ResourceRef][]netip.Prefix{}, n: &model.Network{Name: name}, values: values, read: map[string]bool{}}
	resources := root.get("Resources")
	if resources == nil || resources.kind != mapNode {
		at := root.pos
		if resources != nil {
			at = resources.pos
		}
		r.errorf(at, "list the resources under Resources:, each with a Type", "the template has no Resources mapping")
		return nil, r.diags.Sorted()
	}
	for i, id := range resources.keys {
		v := resources.vals[i]
		typ, ok := scalar(v.get("Type"))
		if v.kind != mapNode || !ok {
			r.errorf(v.pos, "give each resource a Type such as AWS::EC2::VPC", "resource %s has no Type", id)
			continue
		}
		if _, dup := t.res[id]; dup {
			r.errorf(v.pos, "", "resource %s is defined twice", id)
			continue
		}
		props := v.get("Properties")
		if props == nil {
			props = &node{kind: mapNode, pos: v.pos}
		}
		if props.kind != mapNode {
			r.errorf(props.pos, "", "resource %s: Properties must be a mapping", id)
			continue
		}
		kind := cmp.Or(kinds[typ], "cfn")
		res := &resource{id: id, typ: typ, addr: model.JoinRef(kind, id), props: props, pos: v.pos}
		if c, ok := scalar(v.get("Condition")); ok {
			on, err := t.condition(v, c, 0)
			if err == nil && !on {
				res.skip = true
			}
		}
		t.res[id] = res
		t.order = append(t.order, res)
	}
	if r.diags.HasErrors() {
		return nil, r.diags.Sorted()
	}
	slices.SortFunc(t.order, func(a, b *resource) int { return cmp.Compare(a.id, b.id) })
	t.build()
	if r.diags.HasErrors() {
		return nil, r.diags.Sorted()
	}
	t.nameAndRegion(root)
	t.danglingGroups()
	t.unread()
	n, d := model.Finish(model.Input{Network: t.n, RouteTableClaims: t.rtClaims, ACLClaims: t.aclClaims, Where: t.where, ByAddress: true})
	r.diags = append(r.diags, d...)
	if r.diags.HasErrors() {
		return nil, r.diags.Sorted()
	}
	return n, r.diags.Sorted()
}

// unread records each resource of a type no step reads, so that a cost
// report can list it rather than leave it out unsaid. Resources read as
// part of another (a task definition, a launch template) are listed too;
// pricing keeps only the types AWS bills for.
func (t *tmpl) unread() {
	for _, r := range t.order {
		if !r.skip && !t.read[r.typ] {
			t.n.Unread = append(t.n.Unread, model.UnreadResource{Addr: r.addr, Type: r.typ})
		}
	}
}

// str evaluates a property to a string. Absent is ("", false) silently;
// symbolic values are warned about once, at their position.
func (t *tmpl) str(res *resource, prop string) (string, bool) {
	return t.strOf(res, prop, res.props.get(prop))
}

func (t *tmpl) strOf(res *resource, what string, n *node) (string, bool) {
	if n == nil {
		return "", false
	}
	v, err := t.eval(n, 0)
	if t.failed(res, what, n, err) {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case noValueT:
		return "", false
	}
	t.r.errorf(n.pos, "", "%s %s: want a single value, got a list", res.id, what)
	return "", false
}

func (t *tmpl) list(res *resource, what string, n *node) []string {
	if n == nil {
		return nil
	}
	v, err := t.eval(n, 0)
	if t.failed(res, what, n, err) {
		return nil
	}
	switch v := v.(type) {
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{v}
	}
	return nil
}

// failed reports an evaluation error: a symbolic value is a warning, a
// wrong shape an error.
func (t *tmpl) failed(res *resource, what string, n *node, err error) bool {
	if err == nil {
		return false
	}
	var sym *symbolic
	var sh *shapeError
	switch {
	case errors.As(err, &sym):
		t.symbolic = append(t.symbolic, res.id+"."+what)
		t.r.diags.Warnf(diag.Range{File: t.r.file, Start: n.pos}, "the analysis treats the value as unknown",
			"%s %s is %s, not known until deploy; left empty", res.id, what, text(sym.where))
	case errors.As(err, &sh):
		t.r.errorf(sh.at.pos, "", "%s %s: %s", res.id, what, sh.msg)
	default:
		t.r.errorf(n.pos, "", "%s %s: %v", res.id, what, err)
	}
	return true
}

func (t *tmpl) prefix(res *resource, what string, n *node) netip.Prefix {
	s, ok := t.strOf(res, what, n)
	if !ok {
		return netip.Prefix{}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Masked() != p {
		t.r.errorf(n.pos, "write the network address, e.g. 10.0.0.0/16", "%s %s: %q is not a valid CIDR block", res.id, what, s)
		return netip.Prefix{}
	}
	return p
}

func (t *tmpl) integer(res *resource, what string, n *node) (int, bool) {
	s, ok := t.strOf(res, what, n)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		t.r.errorf(n.pos, "", "%s %s: %q is not a whole number", res.id, what, s)
		return 0, false
	}
	return i, true
}

func (t *tmpl) boolean(res *resource, what string, n *node) bool {
	s, ok := t.strOf(res, what, n)
	return ok && strings.EqualFold(s, "true")
}

// ref evaluates a property that names another resource and returns its
// address; a literal AWS id becomes "<kind>/<id>" with kind the expected
// one.
func (t *tmpl) refAddr(res *resource, what string, n *node, kind string) model.ResourceRef {
	s, ok := t.strOf(res, what, n)
	if !ok || s == "" {
		return ""
	}
	if strings.Contains(s, "/") {
		return model.ResourceRef(s)
	}
	return model.JoinRef(kind, s)
}

func (t *tmpl) refAddrs(res *resource, what string, n *node, kind string) []model.ResourceRef {
	var out []model.ResourceRef
	for _, s := range t.list(res, what, n) {
		if strings.Contains(s, "/") {
			out = append(out, model.ResourceRef(s))
		} else if s != "" {
			out = append(out, model.JoinRef(kind, s))
		}
	}
	return out
}

func (t *tmpl) tags(res *resource) []model.Tag {
	var out []model.Tag
	tl := res.props.get("Tags")
	if tl == nil || tl.kind != listNode {
		return nil
	}
	for _, it := range tl.items {
		k, ok1 := t.strOf(res, "Tags", it.get("Key"))
		v, _ := t.strOf(res, "Tags", it.get("Value"))
		if ok1 {
			out = append(out, model.Tag{Key: k, Value: v})
		}
	}
	return out
}

func nameOf(tags []model.Tag) string {
	for _, t := range tags {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

func (t *tmpl) each(typ string, f func(*resource)) {
	t.read[typ] = true
	for _, r := range t.order {
		if r.typ == typ && !r.skip {
			f(r)
		}
	}
}
