package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatnet/moat/diag"
)

// specOptions are the choices the validate ≡ plan test combines, one
// value per group; "" leaves a choice at its default. Groups after the
// topology draw from single[...] instead when the topology is single-VPC
// only (hub-and-spoke has no bastion, NLB, CDN or IPv6 yet).
var specOptions = []struct {
	name   string
	values []string
}{
	{"environment", []string{"", "environment: dev\n"}},
	{"region", []string{"region: us-east-1\n", "region: us-east-1\n", "region: eu-central-1\n", "region: ap-southeast-1\n"}},
	{"topology", []string{"", "",
		"topology: hub-and-spoke\n",
		"topology: hub-and-spoke\negress:\n  allow: [api.example.org:443, \"*.amazonaws.com:443\"]\n  allow_cidrs: [198.51.100.0/24:8443]\n",
		"topology: hub-and-spoke\naccounts: {network: \"111111111111\", workload: \"222222222222\"}\n",
	}},
	{"network", []string{
		"",
		"network:\n  zones: 2\n  nat: gateway\n",
		"network:\n  zones: 3\n  nat: {mode: instance, instance_type: t3.nano, per_zone: true}\n",
		"network:\n  cidr: 172.16.0.0/20\n  endpoints: {gateway: [s3, dynamodb], interface: [ecr.api, sts]}\n",
		"network:\n  zones: 2\n  flow_logs: {enabled: false}\n",
		"S|network:\n  nat: regional-gateway\n  ipv6: true\n",
		"S|network:\n  ipv6: true\n  nat: none\n  flow_logs: {retention_days: 7, traffic_type: REJECT}\n",
	}},
	{"frontend", []string{
		"",
		"frontend:\n  allow_from: [198.51.100.0/24, \"2600:1f18::/32\"]\n  domains: [{name: app.example.com}, {name: \"*.example.com\"}]\n  hosted_zone: Z0123456789ABCDEFGHIJ\n",
		"frontend:\n  kind: api-gateway\n  waf: true\n  api: {integration: alb, throttle_rate: 50, throttle_burst: 100}\n",
		"S|frontend:\n  kind: nlb\n",
		"S|frontend:\n  kind: nlb\n  internet_facing: false\n  allow_from: [10.0.0.0/8]\n",
		"S|frontend:\n  cdn: true\n  waf: true\n  domains: [{name: shop.example.com}]\n",
		"S|frontend:\n  kind: api-gateway\n  api: {integration: nlb}\n  domains: [{name: api.example.com}]\n",
	}},
	{"service", []string{
		"service:\n  port: 8080\n",
		"service:\n  name: api\n  port: 3000\n  kind: ecs-ec2\n  instance_type: m5.large\n  desired_count: 3\n",
		"service:\n  port: 8080\n  kind: eks\n  instance_type: c7g.xlarge\n",
		"service:\n  port: 9000\n  efs: true\n  cpu: 1024\n  memory: 4096\n  desired_count: 10\n",
	}},
	{"database", []string{"", "database: {engine: postgres}\n", "database: {engine: mysql, instance_class: db.m7g.large, storage: 100}\n"}},
	{"bastion", []string{"", "S|bastion: {mode: ssm}\n", "S|bastion: {mode: ssh, allow_from: [203.0.113.7/32, \"2600:1f18:abcd::/48\"]}\n"}},
	{"tags", []string{"", "tags: {team: payments, cost-center: 1234}\n", "tags: {\"team name\": \"a+b=c\", note: \"\"}\n"}},
}

// combinedSpec is the i-th spec of specOptions' choices drawn from r.
func combinedSpec(r *rand.Rand, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack: s%d\n", i)
	hub := false
	for _, o := range specOptions {
		v := o.values[r.IntN(len(o.values))]
		hub = hub || strings.HasPrefix(v, "topology: hub")
		if single, ok := strings.CutPrefix(v, "S|"); ok {
			v = single
			if hub {
				v = ""
			}
		}
		b.WriteString(v)
	}
	return b.String()
}

// TestValidateMeansPlan combines spec choices at random (a fixed seed, so
// the same specs every run) and checks that every spec validate accepts
// also plans: emitting, checking and encoding its templates must not fail,
// since plan's failures carry no position in the spec. A failure here is
// a check validate lacks. Every template's free text and tags must also
// obey AWS's patterns (TestFreeTextObeysAWS's rules) whatever the spec.
func TestValidateMeansPlan(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 5))
	dir := t.TempDir()
	valid := 0
	const runs = 150
	for i := range runs {
		src := combinedSpec(r, i)
		path := filepath.Join(dir, fmt.Sprintf("s%d.yaml", i))
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := loadSpec(&streams{}, path)
		if err != nil {
			t.Fatal(err)
		}
		if l.diags.HasErrors() || l.network == nil {
			if os.Getenv("MOAT_DEBUG_VP") != "" {
				for _, d := range l.diags {
					if d.Severity == diag.Error {
						t.Logf("ERR %s", d.Summary)
					}
				}
			}
			continue
		}
		valid++
		for _, format := range []string{"yaml", "json"} {
			set, _, err := renderTemplates(l.network, format)
			if err != nil {
				t.Errorf("validate accepts this spec, plan --format %s fails: %v\n%s", format, err, src)
				break
			}
			if format == "json" {
				for _, r := range set {
					checkFreeText(t, fmt.Sprintf("s%d/%s", i, r.name), r.body, map[string]bool{})
				}
			}
		}
	}
	// The combinations must mostly be valid, or the test proves little.
	if valid < runs/3 {
		t.Errorf("only %d of %d combined specs validate; fix the options", valid, runs)
	}
	t.Logf("%d of %d combined specs validate, and all of them plan", valid, runs)
}
