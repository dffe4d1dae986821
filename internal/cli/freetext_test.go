package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// textRule is what AWS accepts in one free-text property: a length range
// (in characters; bytes where doc says so) and a pattern, from the page doc.
type textRule struct {
	min, max int
	bytes    bool           // max counts UTF-8 bytes, not characters
	pattern  *regexp.Regexp // nil: any characters
	doc      string
}

var (
	// Security groups and their rules: "a-z, A-Z, 0-9, spaces, and
	// ._-:/()#,@[]+=&;{}!$*", up to 255 characters.
	sgText = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$`)
	// IAM names: [\w+=,.@-]+.
	iamName = regexp.MustCompile(`^[\w+=,.@-]+$`)
	// IAM role descriptions: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*.
	iamDescription = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`)
	logGroupName   = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	firewallName   = regexp.MustCompile(`^[a-zA-Z0-9-]+$`)
	wafName        = regexp.MustCompile(`^[\w\-]+$`)
	wafDescription = regexp.MustCompile(`^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$`)
	wafMetric      = regexp.MustCompile(`^[\w#:\.\-/]+$`)
	wafHeader      = regexp.MustCompile(`.*\S.*`)
	ecsName        = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	cloudFrontName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	// printable ASCII: moat's own, stricter rule for descriptions whose
	// page documents no pattern, so no apostrophe-like surprise reaches AWS.
	printable = regexp.MustCompile(`^[\x20-\x7E]*$`)
	// Tags: "letters, numbers, and spaces representable in UTF-8, and the
	// following characters: + - = . _ : / @".
	tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	// SNS display names: "up to 100 characters, including hyphens (-),
	// underscores (_), spaces, and tabs".
	snsDisplayName = regexp.MustCompile(`^[A-Za-z0-9 \t_-]*$`)
)

const (
	docSG       = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
	docSGRule   = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (also API_UserIdGroupPair.html, API_PrefixListId.html)"
	docENI      = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-networkinterface.html (no pattern: moat's printable ASCII, 255)"
	docTGW      = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-transitgateway.html (no pattern: moat's printable ASCII, 255)"
	docRole     = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"
	docPolicy   = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"
	docKMS      = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"
	docLogGroup = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
	docNFW      = "https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_CreateFirewall.html (API_CreateFirewallPolicy.html, API_CreateRuleGroup.html)"
	docWAF      = "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html (API_Rule.html, API_VisibilityConfig.html, API_ManagedRuleGroupStatement.html, API_SingleHeader.html)"
	docDBSubnet = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html (no pattern: moat's printable ASCII, 255)"
	docAPIGW    = "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html (StringWithLengthBetween1And128)"
	docCF       = "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html (Comment: 128 characters; API_OriginRequestPolicyConfig.html)"
	docRAM      = "https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html (no pattern: moat's printable ASCII, 255)"
	docECS      = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (API_Volume.html, API_LoadBalancer.html)"
	docCFN      = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html (template-description-structure.html, parameters-section-structure.html, outputs-section-structure.html)"
	docSNS      = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topic.html (DisplayName)"
	docTags     = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (and https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)"
)

// textRules maps "Type Path" (path in the resource's Properties, [] for a
// list element) to what AWS accepts there.
var textRules = map[string]textRule{
	"AWS::EC2::SecurityGroup GroupDescription":                   {0, 255, false, sgText, docSG},
	"AWS::EC2::SecurityGroup GroupName":                          {0, 255, false, sgText, docSG},
	"AWS::EC2::SecurityGroup SecurityGroupIngress[].Description": {0, 255, false, sgText, docSGRule},
	"AWS::EC2::SecurityGroup SecurityGroupEgress[].Description":  {0, 255, false, sgText, docSGRule},
	"AWS::EC2::SecurityGroupIngress Description":                 {0, 255, false, sgText, docSGRule},
	"AWS::EC2::SecurityGroupEgress Description":                  {0, 255, false, sgText, docSGRule},
	"AWS::EC2::NetworkInterface Description":                     {0, 255, false, printable, docENI},
	"AWS::EC2::TransitGateway Description":                       {0, 255, false, printable, docTGW},

	"AWS::IAM::Role Description":           {0, 1000, false, iamDescription, docRole},
	"AWS::IAM::Role RoleName":              {1, 64, false, iamName, docRole},
	"AWS::IAM::Role Policies[].PolicyName": {1, 128, false, iamName, docPolicy},
	"AWS::KMS::Key Description":            {0, 8192, false, nil, docKMS},
	"AWS::Logs::LogGroup LogGroupName":     {1, 512, false, logGroupName, docLogGroup},

	"AWS::NetworkFirewall::Firewall FirewallName":             {1, 128, false, firewallName, docNFW},
	"AWS::NetworkFirewall::Firewall Description":              {0, 512, false, printable, docNFW},
	"AWS::NetworkFirewall::FirewallPolicy FirewallPolicyName": {1, 128, false, firewallName, docNFW},
	"AWS::NetworkFirewall::FirewallPolicy Description":        {0, 512, false, printable, docNFW},
	"AWS::NetworkFirewall::RuleGroup RuleGroupName":           {1, 128, false, firewallName, docNFW},
	"AWS::NetworkFirewall::RuleGroup Description":             {0, 512, false, printable, docNFW},

	"AWS::WAFv2::WebACL Description":                                            {1, 256, false, wafDescription, docWAF},
	"AWS::WAFv2::WebACL Rules[].Name":                                           {1, 128, false, wafName, docWAF},
	"AWS::WAFv2::WebACL Rules[].Statement.ManagedRuleGroupStatement.Name":       {1, 128, false, wafName, docWAF},
	"AWS::WAFv2::WebACL Rules[].Statement.ManagedRuleGroupStatement.VendorName": {1, 128, false, printable, docWAF},
	"AWS::WAFv2::WebACL Rules[].VisibilityConfig.MetricName":                    {1, 255, false, wafMetric, docWAF},
	"AWS::WAFv2::WebACL VisibilityConfig.MetricName":                            {1, 255, false, wafMetric, docWAF},
	"AWS::WAFv2::LoggingConfiguration RedactedFields[].SingleHeader.Name":       {1, 64, false, wafHeader, docWAF},

	"AWS::RDS::DBSubnetGroup DBSubnetGroupDescription": {1, 255, false, printable, docDBSubnet},

	"AWS::ApiGatewayV2::Api Name":        {1, 128, false, printable, docAPIGW},
	"AWS::ApiGatewayV2::VpcLink Name":    {1, 128, false, printable, docAPIGW},
	"AWS::ApiGatewayV2::Stage StageName": {1, 128, false, printable, docAPIGW},

	"AWS::CloudFront::Distribution DistributionConfig.Comment":               {0, 128, false, printable, docCF},
	"AWS::CloudFront::OriginRequestPolicy OriginRequestPolicyConfig.Name":    {1, 128, false, cloudFrontName, docCF},
	"AWS::CloudFront::OriginRequestPolicy OriginRequestPolicyConfig.Comment": {0, 128, false, printable, docCF},

	"AWS::RAM::ResourceShare Name": {1, 255, false, printable, docRAM},

	"AWS::SNS::Topic DisplayName": {0, 100, false, snsDisplayName, docSNS},

	"AWS::ECS::TaskDefinition ContainerDefinitions[].Name": {1, 255, false, ecsName, docECS},
	"AWS::ECS::TaskDefinition Volumes[].Name":              {1, 255, false, ecsName, docECS},
	"AWS::ECS::Service LoadBalancers[].ContainerName":      {1, 255, false, ecsName, docECS},
}

// notFreeText are Name-like properties that are not free text: domain and
// service names, enumerations, references. Any other literal property
// named *Name, *Description or Comment needs a rule above.
var notFreeText = map[string]bool{
	"AWS::ApiGatewayV2::DomainName DomainName":                                     true,
	"AWS::CertificateManager::Certificate DomainName":                              true,
	"AWS::CertificateManager::Certificate DomainValidationOptions[].DomainName":    true,
	"AWS::Route53::RecordSet Name":                                                 true,
	"AWS::EC2::LaunchTemplate LaunchTemplateData.BlockDeviceMappings[].DeviceName": true,
	"AWS::ECS::Cluster ClusterSettings[].Name":                                     true,
}

// TestFreeTextObeysAWS checks every free-text property of every template
// moat writes for the golden cases (per-account templates included)
// against the pattern and length AWS documents for it, and every tag
// against AWS's tag restrictions.
func TestFreeTextObeysAWS(t *testing.T) {
	used := map[string]bool{}
	for _, p := range planAll(t, "json") {
		raw, err := os.ReadFile(p.Path)
		if err != nil {
			t.Fatal(err)
		}
		checkFreeText(t, p.Case+"/"+strings.TrimSuffix(filepath.Base(p.Path), ".json"), raw, used)
	}
	for _, key := range []string{
		"AWS::EC2::SecurityGroup GroupDescription",
		"AWS::EC2::SecurityGroup SecurityGroupIngress[].Description",
		"AWS::EC2::SecurityGroup SecurityGroupEgress[].Description",
		"AWS::EC2::SecurityGroupIngress Description",
		"AWS::EC2::SecurityGroupEgress Description",
	} {
		if !used[key] {
			t.Errorf("no golden template has %s: the test checks nothing there", key)
		}
	}
}

// checkFreeText checks one JSON template's free text and tags, recording
// in used which rules it exercised.
func checkFreeText(t *testing.T, where string, raw []byte, used map[string]bool) {
	t.Helper()
	var tmpl struct {
		Description string
		Parameters  map[string]struct{ Description string }
		Resources   map[string]struct {
			Type       string
			Properties map[string]any
		}
		Outputs map[string]struct{ Description string }
	}
	if err := json.Unmarshal(raw, &tmpl); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	cfnText := func(what, s string, max int) {
		if len(s) > max {
			t.Errorf("%s: %s is %d bytes; CloudFormation allows %d (%s)", where, what, len(s), max, docCFN)
		}
	}
	cfnText("the template Description", tmpl.Description, 1024)
	for name, prm := range tmpl.Parameters {
		cfnText("parameter "+name+" Description", prm.Description, 4000)
	}
	for name, o := range tmpl.Outputs {
		cfnText("output "+name+" Description", o.Description, 1024)
	}
	ids := make([]string, 0, len(tmpl.Resources))
	for id := range tmpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := tmpl.Resources[id]
		walkText(r.Properties, "", func(path string, v any) {
			if path == "Tags" || strings.HasSuffix(path, ".Tags") {
				checkTags(t, where+" "+id+" "+path, r.Type, v)
				return
			}
			s, ok := v.(string)
			if !ok {
				return
			}
			key := r.Type + " " + path
			rule, ok := textRules[key]
			if !ok {
				leaf := path[strings.LastIndex(path, ".")+1:]
				leaf = strings.TrimSuffix(leaf, "[]")
				if !notFreeText[key] && (strings.HasSuffix(leaf, "Name") || strings.HasSuffix(leaf, "Description") || leaf == "Comment") {
					t.Errorf("%s %s: %s = %q has no rule in textRules or notFreeText; add AWS's documented pattern", where, id, key, s)
				}
				return
			}
			used[key] = true
			if msg := rule.check(s); msg != "" {
				t.Errorf("%s %s: %s = %q %s (%s)", where, id, path, s, msg, rule.doc)
			}
		})
	}
}

func (r textRule) check(s string) string {
	n := utf8.RuneCountInString(s)
	if n < r.min || n > r.max {
		return fmt.Sprintf("has %d characters; AWS allows %d to %d", n, r.min, r.max)
	}
	if r.pattern != nil && !r.pattern.MatchString(s) {
		return fmt.Sprintf("does not match AWS's pattern %s", r.pattern)
	}
	return ""
}

// walkText calls f with the path and value of every property below v:
// "A.B" for nested maps, "A[]" for a list's elements. Intrinsic functions
// (Ref, Fn::*) are not literal text and are not descended into; Tags are
// given to f whole.
func walkText(v any, path string, f func(path string, v any)) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k := range v {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return
				}
			}
		}
		for k, x := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if k == "Tags" {
				f(p, x)
				continue
			}
			walkText(x, p, f)
		}
	case []any:
		for _, x := range v {
			walkText(x, path+"[]", f)
		}
	default:
		f(path, v)
	}
}

// checkTags checks a Tags property: a list of {Key, Value} (most types) or
// a map of key to value (API Gateway V2, EKS). AWS: keys 1 to 128
// characters, values 0 to 256, the aws: prefix reserved, at most 50 tags
// per resource, each key once. Two resource schemas are stricter:
// AWS::NetworkFirewall::* values are at most 255 characters
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-networkfirewall-firewall-tag.html)
// and AWS::ECS::CapacityProvider values at least 1
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-capacityprovider-tag.html).
func checkTags(t *testing.T, where, typ string, v any) {
	t.Helper()
	minValue, maxValue := 0, 256
	if strings.HasPrefix(typ, "AWS::NetworkFirewall::") {
		maxValue = 255
	}
	if typ == "AWS::ECS::CapacityProvider" {
		minValue = 1
	}
	type kv struct{ k, v any }
	var tags []kv
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			m, ok := x.(map[string]any)
			if !ok {
				t.Errorf("%s: a tag is %T, not a {Key, Value} map", where, x)
				continue
			}
			tags = append(tags, kv{m["Key"], m["Value"]})
		}
	case map[string]any:
		for k, x := range v {
			tags = append(tags, kv{k, x})
		}
	default:
		t.Errorf("%s: Tags is %T", where, v)
		return
	}
	if len(tags) > 50 {
		t.Errorf("%s: %d tags; AWS allows 50 per resource (%s)", where, len(tags), docTags)
	}
	seen := map[string]bool{}
	for _, tag := range tags {
		key, ok := tag.k.(string)
		if !ok {
			continue // an intrinsic: not literal text
		}
		if seen[key] {
			t.Errorf("%s: tag key %q appears twice", where, key)
		}
		seen[key] = true
		if n := utf8.RuneCountInString(key); n < 1 || n > 128 || !tagText.MatchString(key) || strings.HasPrefix(strings.ToLower(key), "aws:") {
			t.Errorf("%s: tag key %q must be 1 to 128 letters, digits, spaces and _.:/=+-@, not starting with aws: (%s)", where, key, docTags)
		}
		if val, ok := tag.v.(string); ok {
			if n := utf8.RuneCountInString(val); n < minValue || n > maxValue || !tagText.MatchString(val) {
				t.Errorf("%s: tag %s value %q must be %d to %d letters, digits, spaces and _.:/=+-@ (%s)", where, key, val, minValue, maxValue, docTags)
			}
		}
	}
}
