package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/pricing"
	"github.com/moatnet/moat/spec"
)

// TestCostMatchesTemplate prices every golden case and reads the same
// quantities back from the template moat writes for it: what the cost
// report bills must be what the template builds. Each count is in hours
// a month (730 per resource) or in the resource's own unit, keyed by what
// AWS bills for: https://aws.amazon.com/fargate/pricing/,
// https://aws.amazon.com/ec2/pricing/on-demand/,
// https://aws.amazon.com/vpc/pricing/ (NAT gateways, public IPv4,
// endpoints), https://aws.amazon.com/elasticloadbalancing/pricing/,
// https://aws.amazon.com/rds/postgresql/pricing/ (Multi-AZ bills the
// standby), https://aws.amazon.com/network-firewall/pricing/,
// https://aws.amazon.com/transit-gateway/pricing/,
// https://aws.amazon.com/kms/pricing/ (a month per customer managed key),
// https://aws.amazon.com/secrets-manager/pricing/ (a month per secret; RDS
// keeps a managed master password in one).
func TestCostMatchesTemplate(t *testing.T) {
	for _, path := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			st, diags := spec.Parse(path, src)
			if diags.HasErrors() {
				t.Fatalf("parse: %v", diags)
			}
			n, diags := compile.Compile(st)
			if diags.HasErrors() {
				t.Fatalf("compile: %v", diags)
			}
			set, ds := cfn.FromNetworkSet(n)
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			fromTemplate := map[string]string{}
			for _, nt := range set {
				body, err := nt.Template.JSON()
				if err != nil {
					t.Fatal(err)
				}
				var doc struct {
					Resources map[string]struct {
						Type       string
						Properties map[string]any
					}
				}
				if err := json.Unmarshal(body, &doc); err != nil {
					t.Fatal(err)
				}
				tq := templateQuantities{res: map[string]map[string]any{}, typ: map[string]string{}}
				for id, r := range doc.Resources {
					tq.res[id], tq.typ[id] = r.Properties, r.Type
				}
				tq.count(t, fromTemplate)
			}
			table, _ := pricing.Load(n.Region) // unpriced lines keep their quantities
			r := pricing.Estimate(n, table, pricing.DefaultUsage())
			fromCost := costQuantities(r)
			if diff := cmp.Diff(fromTemplate, fromCost); diff != "" {
				t.Errorf("cost and template disagree (-template +cost):\n%s", diff)
			}
		})
	}
}

// templateQuantities reads one template's resources.
type templateQuantities struct {
	res map[string]map[string]any
	typ map[string]string
}

// add accumulates a decimal quantity under key.
func add(m map[string]string, key string, v float64) {
	old, _ := strconv.ParseFloat(m[key], 64)
	m[key] = strconv.FormatFloat(old+v, 'f', -1, 64)
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatalf("not a number: %q", x)
		}
		return f
	}
	t.Fatalf("not a number: %#v", v)
	return 0
}

func ref(v any) string {
	if m, ok := v.(map[string]any); ok {
		if s, ok := m["Ref"].(string); ok {
			return s
		}
	}
	return ""
}

func list(v any) []any { l, _ := v.([]any); return l }

func field(v any, k string) any {
	m, _ := v.(map[string]any)
	return m[k]
}

// launchData is the LaunchTemplateData a LaunchTemplate property names.
func (tq templateQuantities) launchData(spec any) any {
	return field(tq.res[ref(field(spec, "LaunchTemplateId"))], "LaunchTemplateData")
}

func (tq templateQuantities) count(t *testing.T, q map[string]string) {
	const h = 730
	for id, p := range tq.res {
		switch tq.typ[id] {
		case "AWS::ECS::Service":
			if p["LaunchType"] != "FARGATE" {
				continue
			}
			td := tq.res[ref(p["TaskDefinition"])]
			tasks := num(t, p["DesiredCount"])
			key := "fargate_vcpu_hour"
			if field(td["RuntimePlatform"], "CpuArchitecture") == "ARM64" {
				key = "fargate_arm_vcpu_hour"
			}
			add(q, key, tasks*num(t, td["Cpu"])/1024*h)
			add(q, strings.Replace(key, "vcpu", "gb", 1), tasks*num(t, td["Memory"])/1024*h)
		case "AWS::AutoScaling::AutoScalingGroup":
			data := tq.launchData(p["LaunchTemplate"])
			n := num(t, p["DesiredCapacity"])
			add(q, "ec2/"+field(data, "InstanceType").(string), n*h)
			for _, ni := range list(field(data, "NetworkInterfaces")) {
				if field(ni, "AssociatePublicIpAddress") == true {
					add(q, "public_ipv4_hour", n*h)
				}
			}
		case "AWS::EKS::Nodegroup":
			add(q, "ec2/"+list(p["InstanceTypes"])[0].(string), num(t, field(p["ScalingConfig"], "DesiredSize"))*h)
			add(q, "eks_cluster_hour", h)
		case "AWS::EC2::Instance":
			add(q, "ec2/"+field(tq.launchData(p["LaunchTemplate"]), "InstanceType").(string), h)
		case "AWS::EC2::EIP":
			add(q, "public_ipv4_hour", h)
		case "AWS::EC2::NatGateway":
			switch {
			case p["AvailabilityMode"] == "regional":
				add(q, "regional_nat_gateway_hour", float64(len(list(p["AvailabilityZoneAddresses"])))*h)
			default:
				add(q, "nat_gateway_hour", h)
			}
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			kind := map[any]string{"application": "alb", "network": "nlb"}[p["Type"]]
			add(q, kind+"_hour", h)
			if p["Scheme"] == "internet-facing" {
				add(q, "public_ipv4_hour", float64(len(list(p["Subnets"])))*h)
			}
		case "AWS::EC2::VPCEndpoint":
			if p["VpcEndpointType"] == "Interface" {
				add(q, "interface_endpoint_az_hour", float64(len(list(p["SubnetIds"])))*h)
			} else {
				add(q, "gateway_endpoint", 1)
			}
		case "AWS::RDS::DBInstance":
			copies, key := 1.0, fmt.Sprintf("rds/%s/%s", p["Engine"], p["DBInstanceClass"])
			if p["MultiAZ"] == true {
				copies, key = 2, key+"/multi-az"
			}
			add(q, key, h)
			add(q, "rds_gp3_gb_month", copies*num(t, p["AllocatedStorage"]))
			if p["ManageMasterUserPassword"] == true {
				add(q, "secrets_manager_secret_month", 1)
			}
		case "AWS::KMS::Key":
			add(q, "kms_key_month", 1)
		case "AWS::NetworkFirewall::Firewall":
			add(q, "network_firewall_endpoint_hour", float64(len(list(p["SubnetMappings"])))*h)
		case "AWS::EC2::TransitGatewayAttachment":
			add(q, "tgw_attachment_hour", h)
		}
	}
}

// costQuantities sums the report's quantities under the same keys. A
// Multi-AZ database priced from two Single-AZ instances (a table without
// the Multi-AZ rate) counts as the Multi-AZ key.
func costQuantities(r *pricing.Report) map[string]string {
	keys := map[string]bool{"fargate_vcpu_hour": true, "fargate_gb_hour": true, "fargate_arm_vcpu_hour": true, "fargate_arm_gb_hour": true,
		"public_ipv4_hour": true, "nat_gateway_hour": true, "regional_nat_gateway_hour": true, "alb_hour": true, "nlb_hour": true,
		"interface_endpoint_az_hour": true, "gateway_endpoint": true, "rds_gp3_gb_month": true, "eks_cluster_hour": true,
		"network_firewall_endpoint_hour": true, "tgw_attachment_hour": true, "kms_key_month": true, "secrets_manager_secret_month": true}
	q := map[string]string{}
	for _, l := range r.Lines {
		key := l.PriceKey
		if !keys[key] && !strings.HasPrefix(key, "ec2/") && !strings.HasPrefix(key, "rds/") {
			continue
		}
		v, _ := strconv.ParseFloat(l.Quantity.String(), 64)
		if strings.HasPrefix(key, "rds/") && strings.Contains(l.Assumption, "each at the Single-AZ rate") {
			key, v = key+"/multi-az", v/2
		}
		add(q, key, v)
	}
	return q
}
