package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// untaggable are the resource types moat emits whose CloudFormation
// resource has no tags property (AWS resource and property types
// reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html).
// Every other type must carry the spec's tags.
var untaggable = map[string]bool{
	// A topic's policy and subscriptions take no Tags in CloudFormation
	// (aws-resource-sns-topicpolicy.html, aws-resource-sns-subscription.html).
	"AWS::SNS::TopicPolicy":                            true,
	"AWS::SNS::Subscription":                           true,
	"AWS::ApiGatewayV2::ApiMapping":                    true,
	"AWS::ApiGatewayV2::Integration":                   true,
	"AWS::ApiGatewayV2::Route":                         true,
	"AWS::CloudFront::OriginRequestPolicy":             true,
	"AWS::EC2::EIPAssociation":                         true,
	"AWS::EC2::NetworkAclEntry":                        true,
	"AWS::EC2::Route":                                  true,
	"AWS::EC2::SecurityGroupEgress":                    true,
	"AWS::EC2::SecurityGroupIngress":                   true,
	"AWS::EC2::SubnetNetworkAclAssociation":            true,
	"AWS::EC2::SubnetRouteTableAssociation":            true,
	"AWS::EC2::TransitGatewayRoute":                    true,
	"AWS::EC2::TransitGatewayRouteTableAssociation":    true,
	"AWS::EC2::TransitGatewayRouteTablePropagation":    true,
	"AWS::EC2::VPCCidrBlock":                           true,
	"AWS::EC2::VPCGatewayAttachment":                   true,
	"AWS::ECS::ClusterCapacityProviderAssociations":    true,
	"AWS::EFS::MountTarget":                            true,
	"AWS::ElasticLoadBalancingV2::Listener":            true,
	"AWS::ElasticLoadBalancingV2::ListenerCertificate": true,
	"AWS::IAM::InstanceProfile":                        true,
	"AWS::NetworkFirewall::LoggingConfiguration":       true,
	"AWS::Route53::RecordSet":                          true,
	"AWS::S3::BucketPolicy":                            true,
	"AWS::WAFv2::LoggingConfiguration":                 true,
	"AWS::WAFv2::WebACLAssociation":                    true,
}

// TestSpecTagsReachEveryResource plans every golden spec with two extra
// tags (a spec that has tags keeps its own) and checks that every
// taggable resource in every template, per-account ones included, carries
// each of them: in Tags, FileSystemTags, or a launch template's tag
// specifications for itself, its instances and their volumes.
func TestSpecTagsReachEveryResource(t *testing.T) {
	extra := map[string]string{"team": "payments", "cost-center": "1234"}
	dir := t.TempDir()
	for _, spec := range goldenSpecs(t) {
		name := strings.TrimSuffix(filepath.Base(spec), ".yaml")
		src, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		want := extra
		if strings.HasPrefix(string(src), "tags:") || strings.Contains(string(src), "\ntags:") {
			want = nil // the spec's own, read from any VPC below
		} else {
			src = append(src, "\ntags:\n  team: payments\n  cost-center: \"1234\"\n"...)
		}
		path := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name)
		if code, _, stderr := runMoat(t, "plan", "--out", out, "--format", "json", path); code != 0 {
			t.Fatalf("plan %s with tags: exit %d\n%s", name, code, stderr)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*", "*.json"))
		if len(files) == 0 {
			t.Fatalf("%s: no template", name)
		}
		for _, f := range files {
			checkSpecTags(t, name+"/"+filepath.Base(f), f, want)
		}
	}
}

func checkSpecTags(t *testing.T, where, file string, want map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(raw, &tmpl); err != nil {
		t.Fatal(err)
	}
	if want == nil {
		// The spec's own tags: every VPC has them; read them from there.
		want = map[string]string{}
		for _, r := range tmpl.Resources {
			if r.Type == "AWS::EC2::VPC" {
				for k, v := range tagLists(r.Properties)[0] {
					if k != "Name" && k != "moat:stack" {
						want[k] = v
					}
				}
				break
			}
		}
		if len(want) == 0 {
			t.Fatalf("%s: the spec has tags but its VPC carries none", where)
		}
	}
	ids := make([]string, 0, len(tmpl.Resources))
	for id := range tmpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := tmpl.Resources[id]
		lists := tagLists(r.Properties)
		if untaggable[r.Type] {
			if len(lists) > 0 {
				t.Errorf("%s %s: %s is listed as untaggable but has tags", where, id, r.Type)
			}
			continue
		}
		if len(lists) == 0 {
			t.Errorf("%s %s (%s): no tags; a taggable resource carries the spec's tags (or list the type in untaggable, citing why)", where, id, r.Type)
			continue
		}
		for _, got := range lists {
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s %s (%s): tag %s = %q, want %q", where, id, r.Type, k, got[k], v)
				}
			}
		}
	}
}

// tagLists returns every tag set of a resource's properties: Tags (a list
// of Key/Value or a map), FileSystemTags, and tag specifications, the
// launch template's own and those in its LaunchTemplateData.
func tagLists(props map[string]any) []map[string]string {
	var out []map[string]string
	add := func(v any) {
		m := map[string]string{}
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				if kv, ok := x.(map[string]any); ok {
					k, _ := kv["Key"].(string)
					val, _ := kv["Value"].(string)
					m[k] = val
				}
			}
		case map[string]any:
			for k, x := range v {
				m[k], _ = x.(string)
			}
		default:
			return
		}
		out = append(out, m)
	}
	specs := func(v any) {
		l, _ := v.([]any)
		for _, x := range l {
			if s, ok := x.(map[string]any); ok {
				add(s["Tags"])
			}
		}
	}
	for _, k := range []string{"Tags", "FileSystemTags"} {
		if v, ok := props[k]; ok {
			add(v)
		}
	}
	specs(props["TagSpecifications"])
	if d, ok := props["LaunchTemplateData"].(map[string]any); ok {
		specs(d["TagSpecifications"])
	}
	return out
}
