package cfn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// attributes lists the Fn::GetAtt attributes of the resource types moat
// emits, as the CloudFormation reference's "Return values" sections give
// them. A GetAtt on one of these types naming anything else is an error;
// GetAtt on other types is checked only for the resource's existence.
var attributes = map[string][]string{
	"AWS::EC2::VPC":                       {"CidrBlock", "CidrBlockAssociations", "DefaultNetworkAcl", "DefaultSecurityGroup", "Ipv6CidrBlocks", "VpcId"},
	"AWS::EC2::Subnet":                    {"AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "Ipv6CidrBlocks", "NetworkAclAssociationId", "OutpostArn", "SubnetId", "VpcId"},
	"AWS::EC2::SecurityGroup":             {"GroupId", "VpcId"},
	"AWS::EC2::EIP":                       {"AllocationId", "PublicIp"},
	"AWS::EC2::NetworkInterface":          {"Id", "Ipv6Addresses", "PrimaryIpv6Address", "PrimaryPrivateIpAddress", "SecondaryPrivateIpAddresses"},
	"AWS::EC2::LaunchTemplate":            {"DefaultVersionNumber", "LatestVersionNumber", "LaunchTemplateId"},
	"AWS::EC2::NatGateway":                {"NatGatewayId"},
	"AWS::EC2::InternetGateway":           {"InternetGatewayId"},
	"AWS::EC2::EgressOnlyInternetGateway": {"Id"},
	"AWS::EC2::RouteTable":                {"RouteTableId"},
	"AWS::EC2::NetworkAcl":                {"Id"},
	"AWS::EC2::VPCEndpoint":               {"CreationTimestamp", "DnsEntries", "Id", "NetworkInterfaceIds"},
	"AWS::EC2::FlowLog":                   {"Id"},
	"AWS::IAM::Role":                      {"Arn", "RoleId"},
	"AWS::IAM::InstanceProfile":           {"Arn"},
	"AWS::KMS::Key":                       {"Arn", "KeyId"},
	"AWS::Logs::LogGroup":                 {"Arn"},
}

// snapshotTypes are the resource types CloudFormation can snapshot before
// deleting or replacing them (DeletionPolicy attribute reference; Neptune's
// resource reference says the same of its clusters). Snapshot on any other
// type fails the stack operation.
var snapshotTypes = map[string]bool{
	"AWS::EC2::Volume":                   true,
	"AWS::ElastiCache::CacheCluster":     true,
	"AWS::ElastiCache::ReplicationGroup": true,
	"AWS::Neptune::DBCluster":            true,
	"AWS::RDS::DBCluster":                true,
	"AWS::RDS::DBInstance":               true,
	"AWS::Redshift::Cluster":             true,
}

// Check reports every reference in t that does not resolve and every cycle
// among its resources. A nil result means CloudFormation will find the
// template's references consistent; it says nothing about property values.
func Check(t *Template) []error {
	c := checker{t: t, params: map[string]bool{}, conds: map[string]bool{}, types: map[string]string{}, edges: map[string][]string{}}
	for _, p := range t.Parameters {
		if c.params[p.Name] {
			c.errorf("parameter %s is declared twice", p.Name)
		}
		c.params[p.Name] = true
	}
	for _, k := range t.Conditions {
		c.conds[k.Name] = true
	}
	for _, r := range t.Resources {
		if _, dup := c.types[r.LogicalID]; dup {
			c.errorf("resource %s is declared twice", r.LogicalID)
		}
		if c.params[r.LogicalID] {
			c.errorf("resource %s has the name of a parameter", r.LogicalID)
		}
		c.types[r.LogicalID] = r.Type
	}
	for _, k := range t.Conditions {
		c.walk(k.Value, loc{text: "condition ", name: k.Name}, "", true)
	}
	for _, r := range t.Resources {
		where := "resource " + r.LogicalID
		if r.Condition != "" && !c.conds[r.Condition] {
			c.errorf("%s: condition %s is not declared", where, r.Condition)
		}
		c.policy(where, "DeletionPolicy", r.DeletionPolicy, r.Type, true)
		c.policy(where, "UpdateReplacePolicy", r.UpdateReplacePolicy, r.Type, false)
		for _, d := range r.DependsOn {
			switch {
			case d == r.LogicalID:
				c.errorf("%s: DependsOn names itself", where)
			case c.types[d] == "":
				c.errorf("%s: DependsOn %s, which is not a resource", where, d)
			default:
				c.edge(r.LogicalID, d)
			}
		}
		res := loc{text: "resource ", name: r.LogicalID}
		for _, f := range r.Properties {
			c.walk(f.Value, loc{up: &res, text: " property ", name: f.Key}, r.LogicalID, false)
		}
	}
	for _, o := range t.Outputs {
		where := "output " + o.Name
		if o.Condition != "" && !c.conds[o.Condition] {
			c.errorf("%s: condition %s is not declared", where, o.Condition)
		}
		if o.Value == nil {
			c.errorf("%s: has no value", where)
		}
		c.walk(o.Value, loc{text: "output ", name: o.Name}, "", false)
		c.walk(o.ExportName, loc{text: "output ", name: o.Name, tail: " export"}, "", false)
	}
	c.cycles()
	c.checkCounts()
	return c.errs
}

// policy checks a DeletionPolicy or UpdateReplacePolicy value. Empty means
// CloudFormation's default. RetainExceptOnCreate exists only for deletion.
func (c *checker) policy(where, attr string, p RemovalPolicy, typ string, deletion bool) {
	switch p {
	case "", Delete, Retain:
	case RetainExceptOnCreate:
		if !deletion {
			c.errorf("%s: %s %s is allowed only as a DeletionPolicy", where, attr, p)
		}
	case Snapshot:
		if !snapshotTypes[typ] {
			c.errorf("%s: %s Snapshot: %s cannot be snapshotted", where, attr, typ)
		}
	default:
		c.errorf("%s: %s %q is not Delete, Retain, Snapshot or RetainExceptOnCreate", where, attr, p)
	}
}

type checker struct {
	t      *Template
	params map[string]bool
	conds  map[string]bool
	types  map[string]string // logical ID -> type
	edges  map[string][]string
	errs   []error
}

func (c *checker) errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

func (c *checker) edge(from, to string) {
	if from == "" || from == to || slices.Contains(c.edges[from], to) {
		return
	}
	c.edges[from] = append(c.edges[from], to)
}

// ref checks a Ref (or a ${Name} in Sub). from is the resource holding it;
// inCondition limits names to parameters, as CloudFormation does.
func (c *checker) ref(name string, where loc, from string, inCondition bool) {
	switch {
	case pseudoParams[name] || c.params[name]:
	case c.types[name] != "":
		if inCondition {
			c.errorf("%s: conditions may refer only to parameters, not resource %s", where.String(), name)
		}
		if name == from {
			c.errorf("%s: refers to its own resource %s", where.String(), name)
		}
		c.edge(from, name)
	default:
		c.errorf("%s: Ref %s names no parameter, resource or pseudo parameter", where.String(), name)
	}
}

func (c *checker) getAtt(res, attr string, where loc, from string, inCondition bool) {
	typ := c.types[res]
	if typ == "" {
		c.errorf("%s: GetAtt %s.%s names no resource", where.String(), res, attr)
		return
	}
	if inCondition {
		c.errorf("%s: conditions may not use GetAtt", where.String())
	}
	if attrs, ok := attributes[typ]; ok && !slices.Contains(attrs, attr) {
		c.errorf("%s: GetAtt %s.%s: %s has no attribute %s", where.String(), res, attr, typ, attr)
	}
	if res == from {
		c.errorf("%s: GetAtt on its own resource %s", where.String(), res)
	}
	c.edge(from, res)
}

func (c *checker) walk(v Value, where loc, from string, inCondition bool) {
	switch v := v.(type) {
	case Ref:
		c.ref(v.Name, where, from, inCondition)
	case GetAtt:
		c.getAtt(v.Resource, v.Attribute, where, from, inCondition)
	case Sub:
		vars := map[string]bool{}
		for _, f := range v.Vars {
			vars[f.Key] = true
			c.walk(f.Value, loc{up: &where, text: " (Sub variable ", name: f.Key, tail: ")"}, from, inCondition)
		}
		names, err := subNames(v.Template)
		if err != nil {
			c.errorf("%s: %v", where.String(), err)
		}
		for _, n := range names {
			switch res, attr, dotted := strings.Cut(n, "."); {
			case vars[n]:
			case dotted:
				c.getAtt(res, attr, loc{up: &where, text: " (in Sub)"}, from, inCondition)
			default:
				c.ref(n, loc{up: &where, text: " (in Sub)"}, from, inCondition)
			}
		}
	case Fn:
		if v.Name == "Fn::If" {
			if l, ok := v.Arg.(List); ok && len(l) == 3 {
				if name, ok := l[0].(String); !ok || !c.conds[string(name)] {
					c.errorf("%s: Fn::If names undeclared condition %v", where.String(), l[0])
				}
			} else {
				c.errorf("%s: Fn::If takes [condition, then, else]", where.String())
			}
		}
		c.walk(v.Arg, where, from, inCondition)
	case List:
		for i, e := range v {
			c.walk(e, loc{up: &where, index: i + 1}, from, inCondition)
		}
	case Map:
		for _, f := range v {
			if f.Key == "Condition" && inCondition {
				if name, ok := f.Value.(String); ok && !c.conds[string(name)] {
					c.errorf("%s: condition %s is not declared", where.String(), name)
				}
				continue
			}
			c.walk(f.Value, loc{up: &where, text: ".", name: f.Key}, from, inCondition)
		}
	}
}

// subNames returns the variable names in a Fn::Sub template. "${!x}" is the
// literal text "${x}" and names nothing.
func subNames(s string) ([]string, error) {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out, nil
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return out, fmt.Errorf("Fn::Sub template has an unclosed ${")
		}
		name := s[:j]
		s = s[j+1:]
		if strings.HasPrefix(name, "!") {
			continue
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return out, fmt.Errorf("Fn::Sub template has an empty ${}")
		}
		out = append(out, name)
	}
}

// cycles reports each dependency cycle once, as the path around it.
func (c *checker) cycles() {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(n string)
	visit = func(n string) {
		state[n] = onPath
		path = append(path, n)
		for _, m := range c.edges[n] {
			switch state[m] {
			case unseen:
				visit(m)
			case onPath:
				i := slices.Index(path, m)
				cyc := append(slices.Clone(path[i:]), m)
				c.errorf("dependency cycle: %s", strings.Join(cyc, " -> "))
			}
		}
		path = path[:len(path)-1]
		state[n] = done
	}
	for _, r := range c.t.Resources {
		if state[r.LogicalID] == unseen {
			visit(r.LogicalID)
		}
	}
}

// loc is where a value sits in the template ("resource X property Y.Z[0]"),
// kept as parts and joined only for an error message: a template without
// errors, the usual case, never builds the text.
type loc struct {
	up               *loc
	text, name, tail string
	index            int // a list index + 1; 0 for none
}

func (l loc) String() string {
	var b strings.Builder
	l.write(&b)
	return b.String()
}

func (l loc) write(b *strings.Builder) {
	if l.up != nil {
		l.up.write(b)
	}
	b.WriteString(l.text)
	b.WriteString(l.name)
	b.WriteString(l.tail)
	if l.index > 0 {
		b.WriteString("[" + strconv.Itoa(l.index-1) + "]")
	}
}
