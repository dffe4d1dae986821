package pricing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/moatnet/moat/diag"
)

// Usage is what a price list cannot know: how much traffic and compute a
// stack uses in a month. Defaults describe a small stack; every value is
// printed with the report and can be set with a usage file.
type Usage struct {
	NATGB               Qty    // GB a month through NAT, whole stack, both directions
	InternetOutGB       Qty    // GB a month out to the internet, whole stack
	CrossZoneGB         Qty    // GB a month the application sends between zones (NAT traffic not included)
	LBCapacityUnits     Qty    // average LCUs (ALB) or NLCUs (NLB) per load balancer
	APIRequestsMillion  Qty    // API Gateway requests a month, in millions
	APIType             string // http or rest
	InterfaceEndpointGB Qty    // GB a month through all interface endpoints
	TGWGB               Qty    // GB a month sent to Transit Gateways
	FirewallGB          Qty    // GB a month through Network Firewall endpoints
	FlowLogGB           Qty    // GB of flow-log records a month, all flow logs
	FargateTasks        Qty    // tasks always running for a Fargate service
	FargateVCPU         Qty    // vCPU per task
	FargateMemoryGB     Qty    // GB of memory per task
	EC2Instances        Qty    // instances for an ecs-ec2 or eks service
	EC2InstanceType     string // their type
	DBInstanceClass     string // RDS instance class
	DBStorageGB         Qty    // RDS gp3 storage
	EFSGB               Qty    // EFS Standard storage, if the stack uses EFS
	BastionInstanceType string // the bastion host's type
}

// DefaultUsage is a small stack: a few tasks, light traffic, a micro
// database. Every figure is printed with each report.
func DefaultUsage() Usage {
	return Usage{
		NATGB:               Units(100),
		InternetOutGB:       Units(50),
		CrossZoneGB:         Units(20),
		LBCapacityUnits:     Units(1),
		APIRequestsMillion:  Units(1),
		APIType:             "http",
		InterfaceEndpointGB: Units(10),
		TGWGB:               Units(10),
		FirewallGB:          Units(10),
		FlowLogGB:           Units(5),
		FargateTasks:        Units(2),
		FargateVCPU:         250_000,
		FargateMemoryGB:     500_000,
		EC2Instances:        Units(2),
		EC2InstanceType:     "t4g.small",
		DBInstanceClass:     "db.t4g.micro",
		DBStorageGB:         Units(20),
		EFSGB:               0,
		BastionInstanceType: "t4g.nano",
	}
}

// usageField describes one settable assumption.
type usageField struct {
	key, meaning string
	qty          func(*Usage) *Qty
	str          func(*Usage) *string
	valid        func(string) bool // for strings
	want         string            // what a string must look like
}

var instanceTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)

func validInstance(s string) bool { return instanceTypeRE.MatchString(s) }

var usageFields = []usageField{
	{key: "nat_gb", meaning: "GB a month through NAT, whole stack, both directions", qty: func(u *Usage) *Qty { return &u.NATGB }},
	{key: "internet_out_gb", meaning: "GB a month out to the internet, whole stack", qty: func(u *Usage) *Qty { return &u.InternetOutGB }},
	{key: "cross_zone_gb", meaning: "GB a month the application sends between zones (NAT traffic is counted separately)", qty: func(u *Usage) *Qty { return &u.CrossZoneGB }},
	{key: "lb_capacity_units", meaning: "average LCUs (ALB) or NLCUs (NLB) per load balancer", qty: func(u *Usage) *Qty { return &u.LBCapacityUnits }},
	{key: "api_requests_million", meaning: "API Gateway requests a month, in millions", qty: func(u *Usage) *Qty { return &u.APIRequestsMillion }},
	{key: "api_type", meaning: "API Gateway flavour: http or rest", str: func(u *Usage) *string { return &u.APIType }, valid: func(s string) bool { return s == "http" || s == "rest" }, want: "http or rest"},
	{key: "interface_endpoint_gb", meaning: "GB a month through all interface endpoints", qty: func(u *Usage) *Qty { return &u.InterfaceEndpointGB }},
	{key: "tgw_gb", meaning: "GB a month sent to Transit Gateways", qty: func(u *Usage) *Qty { return &u.TGWGB }},
	{key: "firewall_gb", meaning: "GB a month through Network Firewall endpoints", qty: func(u *Usage) *Qty { return &u.FirewallGB }},
	{key: "flow_log_gb", meaning: "GB of flow-log records a month, all flow logs", qty: func(u *Usage) *Qty { return &u.FlowLogGB }},
	{key: "fargate_tasks", meaning: "Fargate tasks always running per service", qty: func(u *Usage) *Qty { return &u.FargateTasks }},
	{key: "fargate_vcpu", meaning: "vCPU per Fargate task", qty: func(u *Usage) *Qty { return &u.FargateVCPU }},
	{key: "fargate_memory_gb", meaning: "GB of memory per Fargate task", qty: func(u *Usage) *Qty { return &u.FargateMemoryGB }},
	{key: "ec2_instances", meaning: "instances for an ecs-ec2 or eks service", qty: func(u *Usage) *Qty { return &u.EC2Instances }},
	{key: "ec2_instance_type", meaning: "their instance type", str: func(u *Usage) *string { return &u.EC2InstanceType }, valid: validInstance, want: "an instance type such as t4g.small"},
	{key: "db_instance_class", meaning: "RDS instance class", str: func(u *Usage) *string { return &u.DBInstanceClass }, valid: func(s string) bool { return strings.HasPrefix(s, "db.") && validInstance(s[3:]) }, want: "an RDS class such as db.t4g.micro"},
	{key: "db_storage_gb", meaning: "RDS gp3 storage in GB", qty: func(u *Usage) *Qty { return &u.DBStorageGB }},
	{key: "efs_gb", meaning: "EFS Standard storage in GB (0: the stack uses no EFS)", qty: func(u *Usage) *Qty { return &u.EFSGB }},
	{key: "bastion_instance_type", meaning: "the bastion host's instance type", str: func(u *Usage) *string { return &u.BastionInstanceType }, valid: validInstance, want: "an instance type such as t4g.nano"},
}

// Assumption is one usage figure as a report prints it.
type Assumption struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Meaning string `json:"meaning"`
	Default bool   `json:"default"`
}

// Assumptions lists every usage figure, in a fixed order, marking those
// that differ from the defaults.
func (u Usage) Assumptions() []Assumption {
	def := DefaultUsage()
	out := make([]Assumption, 0, len(usageFields))
	for _, f := range usageFields {
		a := Assumption{Key: f.key, Meaning: f.meaning}
		if f.qty != nil {
			a.Value, a.Default = f.qty(&u).String(), *f.qty(&u) == *f.qty(&def)
		} else {
			a.Value, a.Default = *f.str(&u), *f.str(&u) == *f.str(&def)
		}
		out = append(out, a)
	}
	return out
}

// UsageKeys lists the keys a usage file may set.
func UsageKeys() []string {
	out := make([]string, len(usageFields))
	for i, f := range usageFields {
		out[i] = f.key
	}
	return out
}

// ParseUsage reads a usage file (a YAML mapping of the keys above) over
// base. Every problem is a diagnostic with its position; on errors the
// returned Usage must not be used.
func ParseUsage(file string, src []byte, base Usage) (u Usage, diags diag.List) {
	u = base
	at := func(n *yaml.Node) diag.Range {
		r := diag.Range{File: file, Start: diag.Pos{Line: max(n.Line, 1), Column: max(n.Column, 1)}}
		if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") {
			r.End = diag.Pos{Line: r.Start.Line, Column: r.Start.Column + len([]rune(n.Value))}
		}
		return r
	}
	start := diag.Range{File: file, Start: diag.Pos{Line: 1, Column: 1}}
	// yaml/v4 is not ours: a panic inside it must end as a diagnostic.
	defer func() {
		if r := recover(); r != nil {
			diags = diag.List{{Severity: diag.Error, Summary: fmt.Sprintf("the YAML parser failed: %v", r), Range: start}}
		}
	}()
	l, err := yaml.NewLoader(bytes.NewReader(src), yaml.WithUniqueKeys(false))
	if err != nil {
		diags.Errorf(start, "check the indentation and quotes", "invalid YAML: %v", err)
		return u, diags
	}
	var doc yaml.Node
	switch err := l.Load(&doc); {
	case errors.Is(err, io.EOF):
		return u, nil // an empty file keeps every default
	case err != nil:
		r := start
		var le *yaml.LoadError
		if errors.As(err, &le) {
			r.Start = diag.Pos{Line: max(le.Mark.Line, 1), Column: max(le.Mark.Column, 1)}
		}
		diags.Errorf(r, "check the indentation and quotes", "invalid YAML: %v", err)
		return u, diags
	}
	if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].ShortTag() == "!!null") {
		return u, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		diags.Errorf(at(root), "write one key per line, e.g. nat_gb: 500", "a usage file must be a mapping of keys to values")
		return u, diags
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var f *usageField
		for j := range usageFields {
			if usageFields[j].key == k.Value {
				f = &usageFields[j]
			}
		}
		switch {
		case f == nil:
			diags.Errorf(at(k), "known keys: "+strings.Join(UsageKeys(), ", "), "unknown usage key %q", k.Value)
			continue
		case seen[k.Value]:
			diags.Errorf(at(k), "keep one of them", "usage key %s is set twice", k.Value)
			continue
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Value == "" {
			diags.Errorf(at(v), "give a value, e.g. "+k.Value+": "+exampleValue(f), "%s needs a single value", k.Value)
			continue
		}
		if f.str != nil {
			if !f.valid(v.Value) {
				diags.Errorf(at(v), "write "+f.want, "%s %q is not %s", k.Value, v.Value, f.want)
				continue
			}
			*f.str(&u) = v.Value
			continue
		}
		q, err := parseFixed(v.Value)
		switch {
		case err != nil:
			diags.Errorf(at(v), "write a non-negative number with at most 6 decimals, e.g. "+k.Value+": "+exampleValue(f), "%s: %v", k.Value, err)
			continue
		case q > maxQty:
			diags.Errorf(at(v), "moat accepts up to 1000000000000", "%s %s is too large", k.Value, v.Value)
			continue
		}
		*f.qty(&u) = Qty(q)
	}
	return u, diags
}

func exampleValue(f *usageField) string {
	def := DefaultUsage()
	if f.str != nil {
		return *f.str(&def)
	}
	return f.qty(&def).String()
}
