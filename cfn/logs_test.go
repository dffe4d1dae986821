package cfn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// goldenStacks compiles and emits every golden stack spec, so the log and
// data-safety properties below hold for each design moat ships, not only
// for the hand-built test network. The tests share one emission.
func goldenStacks(t *testing.T) map[string]*Template {
	t.Helper()
	tpls, err := emitGoldenStacks()
	if err != nil {
		t.Fatal(err)
	}
	return tpls
}

var emitGoldenStacks = sync.OnceValues(func() (map[string]*Template, error) {
	paths, err := filepath.Glob("../testdata/golden/*.yaml")
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no golden stacks: %v", err)
	}
	out := map[string]*Template{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s, diags := spec.Parse(p, src)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %v", p, diags)
		}
		n, diags := compile.Compile(s)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %v", p, diags)
		}
		tpl, ds := FromNetwork(n)
		if ds.HasErrors() {
			return nil, fmt.Errorf("%s: %w", p, ds)
		}
		if errs := Check(tpl); len(errs) > 0 {
			return nil, fmt.Errorf("%s: %w", p, errors.Join(errs...))
		}
		out[filepath.Base(p)] = tpl
	}
	return out, nil
})

// attr is the value of a load balancer attribute, or nil.
func attr(r *Resource, key string) Value {
	attrs, _ := r.Properties.Get("LoadBalancerAttributes").(List)
	for _, a := range attrs {
		if m, ok := a.(Map); ok && m.Get("Key") == String(key) {
			return m.Get("Value")
		}
	}
	return nil
}

func ofType(tpl *Template, typ string) []*Resource {
	var out []*Resource
	for i := range tpl.Resources {
		if tpl.Resources[i].Type == typ {
			out = append(out, &tpl.Resources[i])
		}
	}
	return out
}

// hasTLSListener reports whether a load balancer has a TLS listener, the
// only kind an NLB writes access logs for.
func hasTLSListener(tpl *Template, lb string) bool {
	for _, l := range ofType(tpl, "AWS::ElasticLoadBalancingV2::Listener") {
		if l.Properties.Get("LoadBalancerArn") == (Ref{lb}) && l.Properties.Get("Protocol") == String("TLS") {
			return true
		}
	}
	return false
}

func TestEveryLoadBalancerWritesAccessLogs(t *testing.T) {
	seen := 0
	for name, tpl := range goldenStacks(t) {
		for _, lb := range ofType(tpl, "AWS::ElasticLoadBalancingV2::LoadBalancer") {
			if lb.Properties.Get("Type") == String("network") && !hasTLSListener(tpl, lb.LogicalID) {
				if attr(lb, "access_logs.s3.enabled") != nil {
					t.Errorf("%s: %s has no TLS listener, so access logs would stay empty", name, lb.LogicalID)
				}
				continue
			}
			seen++
			if attr(lb, "access_logs.s3.enabled") != String("true") {
				t.Errorf("%s: %s does not write access logs", name, lb.LogicalID)
				continue
			}
			bucket, ok := attr(lb, "access_logs.s3.bucket").(Ref)
			if !ok {
				t.Errorf("%s: %s logs to %v, not a bucket of the stack", name, lb.LogicalID, attr(lb, "access_logs.s3.bucket"))
				continue
			}
			if b := resource(t, tpl, bucket.Name); b.Type != "AWS::S3::Bucket" {
				t.Errorf("%s: %s logs to a %s", name, lb.LogicalID, b.Type)
			}
			if p, _ := attr(lb, "access_logs.s3.prefix").(String); p == "" || strings.Contains(string(p), "AWSLogs") {
				t.Errorf("%s: %s prefix %q: must be set and must not contain AWSLogs", name, lb.LogicalID, p)
			}
			// ELB tests its write access when logging is turned on.
			if !slices.Contains(lb.DependsOn, bucket.Name+"Policy") {
				t.Errorf("%s: %s does not wait for the bucket policy: DependsOn %v", name, lb.LogicalID, lb.DependsOn)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no golden stack has a load balancer")
	}
}

func TestAccessLogBucketIsPrivateAndTLSOnly(t *testing.T) {
	for name, tpl := range goldenStacks(t) {
		for _, b := range ofType(tpl, "AWS::S3::Bucket") {
			block, _ := b.Properties.Get("PublicAccessBlockConfiguration").(Map)
			for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
				if block.Get(k) != Bool(true) {
					t.Errorf("%s: %s: %s is not true", name, b.LogicalID, k)
				}
			}
			var sse Value
			walkMaps(b.Properties.Get("BucketEncryption"), func(m Map) {
				if v := m.Get("SSEAlgorithm"); v != nil {
					sse = v
				}
			})
			if sse != String("AES256") {
				t.Errorf("%s: %s: encryption %v, want SSE-S3 (AES256), the only kind ALB logs support", name, b.LogicalID, sse)
			}
			var expires Value
			walkMaps(b.Properties.Get("LifecycleConfiguration"), func(m Map) {
				if v := m.Get("ExpirationInDays"); v != nil {
					expires = v
				}
			})
			if _, ok := expires.(Int); !ok {
				t.Errorf("%s: %s: logs never expire", name, b.LogicalID)
			}
			pol := resource(t, tpl, b.LogicalID+"Policy")
			if pol.Properties.Get("Bucket") != (Ref{b.LogicalID}) {
				t.Fatalf("%s: %sPolicy is not the policy of %s", name, b.LogicalID, b.LogicalID)
			}
			denies := false
			doc, _ := pol.Properties.Get("PolicyDocument").(Map)
			stmts, _ := doc.Get("Statement").(List)
			for _, s := range stmts {
				s := s.(Map)
				var insecure bool
				walkMaps(s.Get("Condition"), func(m Map) { insecure = insecure || m.Get("aws:SecureTransport") == String("false") })
				if s.Get("Effect") == String("Deny") && s.Get("Principal") == String("*") && s.Get("Action") == String("s3:*") && insecure {
					res, _ := s.Get("Resource").(List)
					denies = len(res) == 2 // the bucket and its objects
				}
			}
			if !denies {
				t.Errorf("%s: %s does not deny requests without TLS on the bucket and its objects", name, b.LogicalID)
			}
		}
	}
}

func TestEveryWebACLLogsWithRedaction(t *testing.T) {
	seen := 0
	for name, tpl := range goldenStacks(t) {
		logging := map[string]*Resource{}
		for _, l := range ofType(tpl, "AWS::WAFv2::LoggingConfiguration") {
			if g, ok := l.Properties.Get("ResourceArn").(GetAtt); ok {
				logging[g.Resource] = l
			}
		}
		for _, acl := range ofType(tpl, "AWS::WAFv2::WebACL") {
			seen++
			l := logging[acl.LogicalID]
			if l == nil {
				t.Errorf("%s: web ACL %s has no logging configuration", name, acl.LogicalID)
				continue
			}
			dests, _ := l.Properties.Get("LogDestinationConfigs").(List)
			if len(dests) != 1 {
				t.Fatalf("%s: %s: destinations %v", name, l.LogicalID, dests)
			}
			sub, ok := dests[0].(Sub)
			if !ok || !strings.HasPrefix(sub.Template, "arn:${AWS::Partition}:logs:") || strings.HasSuffix(sub.Template, ":*") {
				t.Errorf("%s: %s: destination %v is not a log group ARN without :*", name, l.LogicalID, dests[0])
				continue
			}
			names, _ := subNames(sub.Template)
			group := resource(t, tpl, names[len(names)-1])
			if n, _ := group.Properties.Get("LogGroupName").(String); !strings.HasPrefix(string(n), "aws-waf-logs-") {
				t.Errorf("%s: WAF log group name %q must start with aws-waf-logs-", name, n)
			}
			if group.Properties.Get("KmsKeyId") == nil || group.Properties.Get("RetentionInDays") == nil {
				t.Errorf("%s: WAF log group %s is not encrypted or keeps logs forever", name, group.LogicalID)
			}
			var redacted []string
			walkMaps(l.Properties.Get("RedactedFields"), func(m Map) {
				if h, ok := m.Get("Name").(String); ok {
					redacted = append(redacted, strings.ToLower(string(h)))
				}
			})
			for _, h := range []string{"authorization", "cookie"} {
				if !slices.Contains(redacted, h) {
					t.Errorf("%s: %s does not redact the %s header", name, l.LogicalID, h)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no golden stack has a web ACL")
	}
}

func TestDataSafetyPolicies(t *testing.T) {
	seen := 0
	for name, tpl := range goldenStacks(t) {
		prod := strings.Contains(tpl.Description, "(prod")
		for _, r := range tpl.Resources {
			switch r.Type {
			case "AWS::RDS::DBInstance":
				seen++
				if r.DeletionPolicy != Snapshot || r.UpdateReplacePolicy != Snapshot {
					t.Errorf("%s: %s: policies %q/%q, want Snapshot/Snapshot", name, r.LogicalID, r.DeletionPolicy, r.UpdateReplacePolicy)
				}
			case "AWS::Logs::LogGroup", "AWS::EFS::FileSystem":
				if prod && (r.DeletionPolicy != Retain || r.UpdateReplacePolicy != Retain) {
					t.Errorf("%s: prod %s %s: policies %q/%q, want Retain/Retain", name, r.Type, r.LogicalID, r.DeletionPolicy, r.UpdateReplacePolicy)
				}
				if !prod && r.DeletionPolicy != "" {
					t.Errorf("%s: dev %s %s is kept (%s): a rebuild would collide with it", name, r.Type, r.LogicalID, r.DeletionPolicy)
				}
			case "AWS::S3::Bucket":
				if want := map[bool]RemovalPolicy{true: Retain, false: RetainExceptOnCreate}[prod]; r.DeletionPolicy != want {
					t.Errorf("%s: log bucket %s: DeletionPolicy %q, want %q", name, r.LogicalID, r.DeletionPolicy, want)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no golden stack has a database")
	}
}

func TestCheckPolicies(t *testing.T) {
	tpl := New("policies")
	for _, r := range []Resource{
		{LogicalID: "Db", Type: "AWS::RDS::DBInstance", DeletionPolicy: Snapshot, UpdateReplacePolicy: Snapshot},
		{LogicalID: "Logs", Type: "AWS::Logs::LogGroup", DeletionPolicy: RetainExceptOnCreate, UpdateReplacePolicy: Retain},
		{LogicalID: "Fs", Type: "AWS::EFS::FileSystem", DeletionPolicy: Snapshot},
		{LogicalID: "Bucket", Type: "AWS::S3::Bucket", UpdateReplacePolicy: RetainExceptOnCreate},
		{LogicalID: "Key", Type: "AWS::KMS::Key", DeletionPolicy: "retain"},
	} {
		if err := tpl.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, err := range Check(tpl) {
		got = append(got, err.Error())
	}
	want := []string{
		"resource Bucket: UpdateReplacePolicy RetainExceptOnCreate is allowed only as a DeletionPolicy",
		"resource Fs: DeletionPolicy Snapshot: AWS::EFS::FileSystem cannot be snapshotted",
		`resource Key: DeletionPolicy "retain" is not Delete, Retain, Snapshot or RetainExceptOnCreate`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check:\n got %q\nwant %q", got, want)
	}
}

func TestPoliciesEncodeInBothFormats(t *testing.T) {
	tpl := New("policies")
	if err := tpl.Add(Resource{LogicalID: "Db", Type: "AWS::RDS::DBInstance", DeletionPolicy: Snapshot, UpdateReplacePolicy: Snapshot, DependsOn: []string{"X"}}); err != nil {
		t.Fatal(err)
	}
	y, err := tpl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if want := "  Db:\n    Type: AWS::RDS::DBInstance\n    DeletionPolicy: Snapshot\n    UpdateReplacePolicy: Snapshot\n    DependsOn:\n"; !strings.Contains(string(y), want) {
		t.Errorf("YAML lacks %q:\n%s", want, y)
	}
	j, err := tpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"DeletionPolicy": "Snapshot",` + "\n" + `      "UpdateReplacePolicy": "Snapshot",`; !strings.Contains(string(j), want) {
		t.Errorf("JSON lacks %q:\n%s", want, j)
	}
}

// TestALBLogDeliveryFollowsRegion pins the two documented ways to let ELB
// write ALB access logs: the Region's ELB account in Regions opened before
// August 2022, the service principal elsewhere.
func TestALBLogDeliveryFollowsRegion(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":    "arn:${AWS::Partition}:iam::127311923021:root",
		"eu-west-1":    "arn:${AWS::Partition}:iam::156460612806:root",
		"eu-central-2": "logdelivery.elasticloadbalancing.amazonaws.com",
		"":             "logdelivery.elasticloadbalancing.amazonaws.com",
	} {
		n := testNetwork(natGateway, false)
		n.Region = region
		tpl := emit(t, n)
		var principals []string
		walkMaps(resource(t, tpl, "LogsLoadBalancersPolicy").Properties, func(m Map) {
			switch p := m.Get("Principal").(type) {
			case Map:
				switch v := p[0].Value.(type) {
				case String:
					principals = append(principals, string(v))
				case Sub:
					principals = append(principals, v.Template)
				}
			}
		})
		if !slices.Equal(principals, []string{want}) {
			t.Errorf("region %q: principals %q, want %q", region, principals, want)
		}
	}
}

func TestNLBWithoutTLSWritesNoAccessLogs(t *testing.T) {
	lb := model.LoadBalancer{Kind: model.NLB, Listeners: []model.Listener{{Port: 443, Protocol: "TCP"}}}
	if lb.WritesAccessLogs() {
		t.Error("a TCP-only NLB counts as access-logged")
	}
	lb.Listeners = append(lb.Listeners, model.Listener{Port: 8443, Protocol: "TLS"})
	if !lb.WritesAccessLogs() {
		t.Error("an NLB with a TLS listener does not log")
	}
}
