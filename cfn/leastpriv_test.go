package cfn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// noResourceLevel lists the IAM actions moat grants on Resource "*", each
// because the Service Authorization Reference lists no resource type for
// it (so no ARN can narrow it), with how moat narrows it instead. Any
// other action on "*" fails TestNoWildcardResourceWhereAnARNWould.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
var noResourceLevel = map[string]string{
	"ec2:DescribeNetworkInterfaces": "EC2 Describe* actions support no resource-level permissions; the NAT role keeps it to its Region with aws:RequestedRegion",
	"ecr:GetAuthorizationToken":     "issues a registry login token for the account; ECR lists no resource type for it",
}

// goldenTemplates reads every JSON template the golden cases hold (YAML
// and JSON are one tree, so the JSON twin covers both), per-account
// templates included.
func goldenTemplates(t *testing.T) map[string]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, f := range files {
		if base := filepath.Base(f); base == "reach.json" || base == "verify.json" {
			continue // the analyzer's answers, not templates
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, ok := doc["AWSTemplateFormatVersion"]; !ok {
			continue // not a template
		}
		out[strings.TrimPrefix(f, filepath.Join("..", "testdata", "golden")+string(filepath.Separator))] = doc
	}
	if len(out) < 20 {
		t.Fatalf("found only %d golden templates", len(out))
	}
	return out
}

func resources(doc map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	rs, _ := doc["Resources"].(map[string]any)
	for id, r := range rs {
		if m, ok := r.(map[string]any); ok {
			out[id] = m
		}
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

func strList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// policyDocuments returns the IAM policy documents of a resource: a
// role's inline policies, a managed or inline policy, and the resource
// policies of buckets, topics and queues. KMS key policies are left out:
// there Resource "*" means the key itself, the only form AWS accepts.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
func policyDocuments(r map[string]any) []map[string]any {
	p := props(r)
	var docs []map[string]any
	add := func(v any) {
		if d, ok := v.(map[string]any); ok {
			docs = append(docs, d)
		}
	}
	switch r["Type"] {
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		ps, _ := p["Policies"].([]any)
		for _, x := range ps {
			if m, ok := x.(map[string]any); ok {
				add(m["PolicyDocument"])
			}
		}
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy":
		add(p["PolicyDocument"])
	}
	return docs
}

func statements(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch s := doc["Statement"].(type) {
	case map[string]any:
		out = append(out, s)
	case []any:
		for _, x := range s {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// wildcardGrants returns "id: action" for every action a template allows
// on Resource "*" that is not in noResourceLevel, and how many statements
// it looked at.
func wildcardGrants(doc map[string]any) (bad []string, checked int) {
	for id, r := range resources(doc) {
		for _, pd := range policyDocuments(r) {
			for _, st := range statements(pd) {
				checked++
				if st["Effect"] != "Allow" || !slices.Contains(strList(st["Resource"]), "*") {
					continue
				}
				for _, a := range strList(st["Action"]) {
					if _, ok := noResourceLevel[a]; !ok {
						bad = append(bad, id+": "+a)
					}
				}
			}
		}
	}
	slices.Sort(bad)
	return bad, checked
}

func TestNoWildcardResourceWhereAnARNWould(t *testing.T) {
	checked := 0
	for name, doc := range goldenTemplates(t) {
		bad, n := wildcardGrants(doc)
		checked += n
		for _, b := range bad {
			t.Errorf("%s: %s is allowed on Resource \"*\" though an ARN or condition key can narrow it", name, b)
		}
	}
	if checked == 0 {
		t.Fatal("no policy statements found")
	}
	t.Logf("%d policy statements checked", checked)
	for a, why := range noResourceLevel {
		if strings.TrimSpace(why) == "" {
			t.Errorf("noResourceLevel[%s] has no reason", a)
		}
	}
}

// The check itself catches a wide grant, and leaves alone Deny, a
// listed action and a KMS key policy.
func TestWildcardGrantsFindsAWideGrant(t *testing.T) {
	stmt := func(effect string, actions ...string) map[string]any {
		as := make([]any, len(actions))
		for i, a := range actions {
			as[i] = a
		}
		return map[string]any{"Effect": effect, "Action": as, "Resource": "*"}
	}
	doc := map[string]any{"Resources": map[string]any{
		"Role": map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"Policies": []any{
			map[string]any{"PolicyDocument": map[string]any{"Statement": []any{
				stmt("Allow", "s3:GetObject", "ec2:DescribeNetworkInterfaces"),
				stmt("Deny", "s3:DeleteObject"),
			}}},
		}}},
		"Key":   map[string]any{"Type": "AWS::KMS::Key", "Properties": map[string]any{"KeyPolicy": map[string]any{"Statement": stmt("Allow", "kms:*")}}},
		"Topic": map[string]any{"Type": "AWS::SNS::TopicPolicy", "Properties": map[string]any{"PolicyDocument": map[string]any{"Statement": stmt("Allow", "sns:Publish")}}},
	}}
	bad, checked := wildcardGrants(doc)
	if want := []string{"Role: s3:GetObject", "Topic: sns:Publish"}; !slices.Equal(bad, want) || checked != 3 {
		t.Errorf("got %v over %d statements, want %v over 3", bad, checked, want)
	}
}

func TestEveryAutoScalingGroupNotifiesLaunchTerminateAndFailure(t *testing.T) {
	want := []string{"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"}
	groups := 0
	for name, doc := range goldenTemplates(t) {
		rs := resources(doc)
		for id, r := range rs {
			if r["Type"] != "AWS::AutoScaling::AutoScalingGroup" {
				continue
			}
			groups++
			ncs, _ := props(r)["NotificationConfigurations"].([]any)
			if len(ncs) == 0 {
				t.Errorf("%s: %s sends no notifications", name, id)
				continue
			}
			var got []string
			for _, x := range ncs {
				nc, _ := x.(map[string]any)
				got = append(got, strList(nc["NotificationTypes"])...)
				ref, _ := nc["TopicARN"].(map[string]any)
				topic, _ := ref["Ref"].(string)
				if tr, ok := rs[topic]; !ok || tr["Type"] != "AWS::SNS::Topic" {
					t.Errorf("%s: %s notifies %v, not a topic of this template", name, id, nc["TopicARN"])
				} else if k, _ := props(tr)["KmsMasterKeyId"].(string); k == "" {
					t.Errorf("%s: topic %s is not encrypted", name, topic)
				}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s: %s does not send %s", name, id, w)
				}
			}
		}
	}
	if groups == 0 {
		t.Fatal("no auto-scaling groups in the golden templates")
	}
	t.Logf("%d auto-scaling groups checked", groups)
}

func TestEverySuppressionHasAReason(t *testing.T) {
	suppressions := 0
	for name, doc := range goldenTemplates(t) {
		for id, r := range resources(doc) {
			md, _ := r["Metadata"].(map[string]any)
			if md == nil {
				continue
			}
			check := func(scanner, list, reasonKey string) {
				outer, _ := md[scanner].(map[string]any)
				items, _ := outer[list].([]any)
				for _, x := range items {
					suppressions++
					m, _ := x.(map[string]any)
					if idv, _ := m["id"].(string); idv == "" {
						t.Errorf("%s: %s: %s suppression without an id: %v", name, id, scanner, x)
					}
					if reason, _ := m[reasonKey].(string); strings.TrimSpace(reason) == "" {
						t.Errorf("%s: %s: %s suppression %v has no %s", name, id, scanner, m["id"], reasonKey)
					}
				}
			}
			check("cfn_nag", "rules_to_suppress", "reason")
			check("cdk_nag", "rules_to_suppress", "reason")
			check("checkov", "skip", "comment")
			// cfn-lint's ignore_checks has no reason field: each ID must be
			// explained under moat.waivers.
			if cl, ok := md["cfn-lint"].(map[string]any); ok {
				cfg, _ := cl["config"].(map[string]any)
				explained := map[string]bool{}
				moat, _ := md["moat"].(map[string]any)
				ws, _ := moat["waivers"].([]any)
				for _, x := range ws {
					m, _ := x.(map[string]any)
					if reason, _ := m["reason"].(string); strings.TrimSpace(reason) != "" {
						for _, c := range strList(m["cfn-lint"]) {
							explained[c] = true
						}
					}
				}
				for _, c := range strList(cfg["ignore_checks"]) {
					suppressions++
					if !explained[c] {
						t.Errorf("%s: %s: cfn-lint ignores %s without a reason under moat.waivers", name, id, c)
					}
				}
			}
		}
	}
	if suppressions == 0 {
		t.Fatal("no suppressions in the golden templates")
	}
	t.Logf("%d suppressions checked", suppressions)
}
