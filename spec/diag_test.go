package spec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/moatnet/moat/diag"
)

// want is one expected diagnostic: severity, position and a substring of
// the summary (and optionally of the hint).
type want struct {
	sev       diag.Severity
	line, col int
	summary   string
	hint      string
}

func e(line, col int, summary string, hint ...string) want {
	return want{diag.Error, line, col, summary, strings.Join(hint, "")}
}

func w(line, col int, summary string, hint ...string) want {
	return want{diag.Warning, line, col, summary, strings.Join(hint, "")}
}

// base is a valid start; cases append to it, so their lines start at 3.
const base = "stack: web\nregion: us-east-1\n"

var diagCases = []struct {
	name string
	src  string
	want []want
}{
	// The file as a whole.
	{"empty file", "", []want{e(1, 1, "the spec is empty")}},
	{"only comments", "# nothing\n", []want{e(1, 1, "the spec is empty")}},
	{"only a document marker", "---\n", []want{e(1, 1, "the spec is empty")}},
	{"root is a list", "- stack: web\n", []want{e(1, 1, "the spec must be a mapping, not a list")}},
	{"root is a scalar", "hello\n", []want{e(1, 1, `the spec must be a mapping, not "hello"`)}},
	{"syntax error: unclosed bracket", base + "network: [a, b\n", []want{e(3, 15, "invalid YAML: did not find expected ',' or ']'", "flow sequence from line 3")}},
	{"syntax error: unclosed quote", "stack: \"web\n", []want{e(1, 12, "invalid YAML", "quoted scalar")}},
	{"syntax error: tab indent", base + "network:\n\tcidr: 10.0.0.0/16\n", []want{e(4, 1, "invalid YAML", "tabs")}},
	// Bytes the YAML reader refuses before any token are found and
	// pointed at, not reported at 1:1.
	{"not UTF-8", base + "tags:\n  k: ok\n  j: caf\xe9\n", []want{e(5, 9, "invalid YAML: byte 0xE9 is not UTF-8", "save the spec as UTF-8 text")}},
	{"control character", base + "tags:\n  j: a\x1bb\n", []want{e(4, 7, "invalid YAML: control character U+001B", "UTF-8")}},
	{"syntax error: bad nesting", base + "network: a\n  cidr: b\n", []want{e(4, 7, "invalid YAML: mapping values are not allowed")}},
	{"multiple documents", base + "---\nstack: other\n", []want{e(3, 1, "more than one YAML document")}},
	{"syntax error in second document", base + "---\nstack: [\n", []want{e(4, 9, "invalid YAML")}},
	{"unknown anchor", base + "service:\n  port: *nope\n", []want{e(4, 9, "unknown anchor 'nope'")}},
	{"alias", base + "service:\n  port: &p 8080\ndatabase:\n  engine: postgres\n  port: *p\n", []want{e(7, 9, "database.port is an alias (*p)")}},
	// An alias is the error; the key it stands in for is not also missing.
	{"alias for a required key", "region: &r us-east-1\nstack: *r\nservice:\n  port: &p 80\ndatabase:\n  engine: *p\n", []want{
		e(2, 8, "stack is an alias (*r)"),
		e(6, 11, "database.engine is an alias (*p)"),
	}},
	{"alias in a list", base + "network:\n  zones: &z use1-az1\nfrontend:\n  allow_from: [*z]\n", []want{
		e(4, 10, `network.zones must be a count or a list of AZ IDs, not "use1-az1"`, "[use1-az1]"),
		e(6, 16, "frontend.allow_from[0] is an alias"),
	}},
	{"merge key", base + "service: &s {port: 80}\ndatabase:\n  <<: *s\n", []want{
		e(4, 1, "database.engine is required"),
		e(5, 3, "merge key << in database is not supported"),
	}},
	{"alias bomb is not expanded", base + "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n", []want{
		e(3, 1, "unknown key a"), e(4, 1, "unknown key b"), e(5, 1, "unknown key c"), e(6, 1, "unknown key d"),
	}},

	// Keys.
	{"unknown key with suggestion", base + "netwrk: {}\n", []want{e(3, 1, "unknown key netwrk", "did you mean network?")}},
	{"unknown key by case", base + "Region: x\n", []want{e(3, 1, "unknown key Region", "did you mean region?")}},
	{"unknown key without suggestion", base + "colour: red\n", []want{e(3, 1, "unknown key colour", "valid keys here: stack, region")}},
	{"unknown nested key", base + "network:\n  flow-logs: true\n", []want{e(4, 3, "unknown key network.flow-logs", "did you mean flow_logs?")}},
	{"duplicate key", base + "region: us-east-2\n", []want{e(3, 1, "duplicate key region", "line 2")}},
	{"duplicate nested key", base + "network:\n  ipv6: true\n  ipv6: false\n", []want{e(5, 3, "duplicate key network.ipv6", "line 4")}},
	{"key that is not a name", base + "[a]: 1\n", []want{e(3, 1, "the spec has a key that is not a name")}},

	// Types.
	{"bool as yes", base + "network:\n  ipv6: yes\n", []want{e(4, 9, `network.ipv6 must be true or false, not "yes"`, "true or false")}},
	{"bool as number", base + "frontend:\n  internet_facing: 1\n", []want{e(4, 20, `frontend.internet_facing must be true or false, not "1"`)}},
	{"int as word", base + "service:\n  port: http\n", []want{e(4, 9, `service.port must be a whole number, not "http"`)}},
	{"int as float", base + "service:\n  port: 80.5\n", []want{e(4, 9, `service.port must be a whole number, not "80.5"`)}},
	{"string as number", "stack: 12\nregion: us-east-1\n", []want{e(1, 8, `stack must be a string, not "12"`)}},
	{"section as list", base + "network: [a]\n", []want{e(3, 10, "network must be a mapping, not a list")}},
	{"section as scalar", base + "service: 8080\n", []want{e(3, 10, `service must be a mapping, not "8080"`)}},
	{"list as scalar", base + "network:\n  endpoints:\n    interface: logs\n", []want{e(5, 16, `network.endpoints.interface must be a list of names, not "logs"`, "[logs]")}},
	{"null value", base + "network:\n  cidr:\n", []want{e(4, 8, "network.cidr has no value")}},
	{"custom tag", base + "network:\n  cidr: !Ref VpcCidr\n", []want{e(4, 9, "network.cidr has an unsupported tag !Ref")}},

	// stack, region, environment.
	{"stack missing", "region: us-east-1\n", []want{e(1, 1, "stack is required")}},
	{"stack invalid", "stack: Web_App\nregion: us-east-1\n", []want{e(1, 8, `stack "Web_App" is not a valid name`, "e.g. web-app")}},
	{"stack too long", "stack: a23456789012345678901234567890123\nregion: us-east-1\n", []want{e(1, 8, "is not a valid name", "1 to 32")}},
	{"stack starts with a digit", "stack: 1web\nregion: us-east-1\n", []want{e(1, 8, `stack "1web" is not a valid name`)}},
	{"region missing", "stack: web\n", []want{e(1, 1, "region is required", "us-east-1")}},
	{"region unknown", "stack: web\nregion: us-east1\n", []want{e(2, 9, `region "us-east1" is not a Region moat knows`, "did you mean us-east-1?")}},
	{"environment invalid", base + "environment: production\n", []want{e(3, 14, `environment "production" is not a valid value`, "did you mean prod? use one of: dev, prod")}},

	// network.cidr.
	{"cidr syntax", base + "network:\n  cidr: 10.0.0.0/33\n", []want{e(4, 9, `network.cidr "10.0.0.0/33" is not a valid CIDR`)}},
	{"cidr is an address", base + "network:\n  cidr: 10.0.0.0\n", []want{e(4, 9, `network.cidr "10.0.0.0" is an address, not a CIDR`, "10.0.0.0/32")}},
	{"cidr public", base + "network:\n  cidr: 8.8.0.0/16\n", []want{e(4, 9, "network.cidr 8.8.0.0/16 is not a private range", "RFC 1918")}},
	{"cidr straddles private range", base + "network:\n  cidr: 172.0.0.0/16\n", []want{e(4, 9, "not a private range")}},
	{"cidr host bits", base + "network:\n  cidr: 10.0.0.1/16\n", []want{e(4, 9, "network.cidr 10.0.0.1/16 has host bits set", "did you mean 10.0.0.0/16?")}},
	{"cidr too big", base + "network:\n  cidr: 10.0.0.0/8\n", []want{e(4, 9, "network.cidr 10.0.0.0/8 has a prefix length outside /16../28")}},
	{"cidr too small", base + "network:\n  cidr: 10.0.0.0/29\n", []want{e(4, 9, "outside /16../28")}},
	{"cidr ipv6", base + "network:\n  cidr: fd00::/56\n", []want{e(4, 9, "network.cidr fd00::/56 is not IPv4", "ipv6 is true")}},
	{"cidr shared address space is fine", base + "network:\n  cidr: 100.64.0.0/16\n", nil},

	// network.zones.
	{"zones too many", base + "network:\n  zones: 7\n", []want{e(4, 10, "network.zones 7 is out of range", "us-east-1 has 6 AZ IDs")}},
	{"zones zero", base + "network:\n  zones: 0\n", []want{e(4, 10, "network.zones 0 is out of range", "from 1 to 6")}},
	{"zones too many for a small region", "stack: web\nregion: us-west-1\nnetwork:\n  zones: 3\n", []want{e(4, 10, "network.zones 3 is out of range", "us-west-1 has 2 AZ IDs")}},
	{"zone id of another region", base + "network:\n  zones: [use1-az1, usw2-az1]\n", []want{e(4, 21, `network.zones[1] "usw2-az1" is not an AZ ID of us-east-1`, "use1-az1, use1-az2")}},
	{"zone names", base + "network:\n  zones: [us-east-1a, us-east-1b]\n", []want{
		e(4, 11, `network.zones[0] "us-east-1a" is an AZ name, not an AZ ID`, "aws ec2 describe-availability-zones --region us-east-1 --query 'AvailabilityZones[].[ZoneName,ZoneId]'"),
		e(4, 23, `network.zones[1] "us-east-1b" is an AZ name`),
	}},
	{"zone repeated", base + "network:\n  zones: [use1-az1, use1-az1]\n", []want{e(4, 21, "network.zones[1] repeats use1-az1")}},
	{"zones empty list", base + "network:\n  zones: []\n", []want{e(4, 10, "network.zones is an empty list")}},
	{"zones empty", base + "network:\n  zones:\n", []want{e(4, 9, "network.zones has no value")}},
	{"alb with an invalid single zone adds no noise", base + "network:\n  zones: [us-east-1a]\nservice:\n  port: 80\n", []want{e(4, 11, "is an AZ name")}},
	{"zones as a float", base + "network:\n  zones: 2.5\n", []want{e(4, 10, `network.zones must be a count or a list of AZ IDs, not "2.5"`)}},
	{"one zone in prod", base + "network:\n  zones: 1\n", []want{w(4, 10, "one zone has no redundancy", "environment: dev")}},
	{"one zone id in prod", base + "network:\n  zones: [use1-az2]\n", []want{w(4, 3, "one zone has no redundancy")}},
	{"one zone in dev is fine", base + "environment: dev\nnetwork:\n  zones: 1\n", nil},
	{"alb needs two zones", base + "environment: dev\nnetwork:\n  zones: 1\nservice:\n  port: 80\n", []want{e(5, 10, "an alb needs at least two zones")}},
	{"nlb in one zone is fine", base + "environment: dev\nnetwork:\n  zones: 1\nfrontend:\n  kind: nlb\nservice:\n  port: 80\n", nil},

	// network.nat.
	{"nat mode unknown", base + "network:\n  nat: gatway\n", []want{e(4, 8, `network.nat "gatway" is not a valid value`, "did you mean gateway?")}},
	{"nat mapping mode unknown", base + "network:\n  nat: {mode: nat-gateway}\n", []want{e(4, 15, `network.nat.mode "nat-gateway" is not a valid value`)}},
	{"allow_from ipv6 documentation range", base + "network:\n  ipv6: true\nfrontend:\n  allow_from: [2001:db8:1234::/48]\nservice:\n  port: 80\n", []want{e(6, 16, "frontend.allow_from[0] 2001:db8:1234::/48 is in the IPv6 documentation range 2001:db8::/32", "stand in")}},
	{"bastion allow_from ipv6 documentation address", base + "network:\n  ipv6: true\nbastion:\n  mode: ssh\n  allow_from: [\"2001:db8::7/128\"]\n", []want{e(7, 16, "bastion.allow_from[0] 2001:db8::7/128 is in the IPv6 documentation range")}},
	{"allow_from ipv6 range around the documentation range is fine", base + "network:\n  ipv6: true\nfrontend:\n  allow_from: [2001::/16]\nservice:\n  port: 80\n", nil},
	{"domains differ only in punctuation", base + "frontend:\n  domains: [{name: a-b.example.com}, {name: a.b.example.com}]\nservice:\n  port: 80\n", []want{e(4, 45, "frontend.domains[1].name a.b.example.com and a-b.example.com differ only in punctuation", "share one logical ID")}},
	{"wildcard domain and its apex are fine", base + "frontend:\n  domains: [{name: \"*.example.com\"}, {name: example.com}]\nservice:\n  port: 80\n", nil},
	{"endpoints differ only in punctuation", base + "network:\n  endpoints: {interface: [ecr.api, ecr-api]}\n", []want{e(4, 36, "network.endpoints.interface[1] ecr-api and ecr.api differ only in punctuation"), w(4, 36, "")}},
	{"nat instance type invalid", base + "network:\n  nat: {instance_type: nano}\n", []want{e(4, 24, `network.nat.instance_type "nano" is not an instance type`)}},
	{"nat instance type unknown", base + "network:\n  nat: {instance_type: t3.nanoo}\n", []want{e(4, 24, `network.nat.instance_type "t3.nanoo" is not an instance type moat knows`, "nearest known types: t3.nano, ")}},
	{"nat instance type x86 is fine", base + "network:\n  nat: {instance_type: t3.nano}\n", nil},
	{"service instance type unknown", base + "service:\n  port: 80\n  kind: ecs-ec2\n  instance_type: banana.huge\n", []want{e(6, 18, `service.instance_type "banana.huge" is not an instance type moat knows`, "nearest known types: ")}},
	{"service instance type metal size", base + "service:\n  port: 80\n  kind: eks\n  instance_type: m8g.metal-24xl\n", nil},
	// An ecs-ec2 task larger than its host is never placed
	// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html).
	{"ecs-ec2 task too big", base + "service:\n  port: 80\n  kind: ecs-ec2\n  cpu: 4096\n  memory: 8192\n", []want{
		e(6, 8, "service.cpu 4096 is more than a t4g.medium has (2 vCPUs, 2048 CPU units)", "at most 2048 CPU units"),
		e(7, 11, "service.memory 8192 MiB does not fit a t4g.medium (4096 MiB)", "less than 4096 MiB")}},
	{"ecs-ec2 task fits a larger host", base + "service:\n  port: 80\n  kind: ecs-ec2\n  cpu: 4096\n  memory: 8192\n  instance_type: m7g.2xlarge\n", nil},
	{"fargate task is not checked against instance_type", base + "service:\n  port: 80\n  cpu: 4096\n  memory: 8192\n", nil},
	{"nat options without instances", base + "network:\n  nat: {mode: gateway, per_zone: true}\n", []want{w(4, 24, "network.nat.per_zone has no effect with mode gateway")}},
	{"nat notify not an email", base + "network:\n  nat: {notify: ops at example.com}\n", []want{e(4, 17, `network.nat.notify "ops at example.com" is not an email address`, "ops@example.com")}},
	{"nat notify without a domain", base + "network:\n  nat: {notify: ops@localhost}\n", []want{e(4, 17, `network.nat.notify "ops@localhost" is not an email address`)}},
	{"nat notify is fine", base + "network:\n  nat: {notify: ops+nat@example.com}\n", nil},
	{"nat notify without instances", base + "network:\n  nat: {mode: gateway, notify: ops@example.com}\n", []want{w(4, 32, "network.nat.notify has no effect: with mode gateway and no ecs-ec2 service")}},
	{"nat notify for ecs-ec2 hosts", base + "network:\n  nat: {mode: gateway, notify: ops@example.com}\nservice:\n  kind: ecs-ec2\n  port: 80\n", nil},
	{"nat wrong type", base + "network:\n  nat: [instance]\n", []want{e(4, 8, "network.nat must be a mapping, not a list")}},

	// network.endpoints.
	{"gateway endpoint not offered", base + "network:\n  endpoints:\n    gateway: [s3, sqs]\n", []want{e(5, 19, `network.endpoints.gateway[1] "sqs" is not a gateway endpoint`, "interface")}},
	{"gateway endpoint repeated", base + "network:\n  endpoints:\n    gateway: [s3, s3]\n", []want{e(5, 19, "network.endpoints.gateway[1] repeats s3")}},
	{"interface endpoint unknown", base + "network:\n  endpoints:\n    interface: [logz]\n", []want{w(5, 17, `network.endpoints.interface[0] "logz" is not an interface endpoint moat knows`, "did you mean logs?")}},
	{"interface endpoint invalid", base + "network:\n  endpoints:\n    interface: [ECR API]\n", []want{e(5, 17, `network.endpoints.interface[0] "ECR API" is not a service name`)}},
	{"interface endpoint for s3", base + "network:\n  endpoints:\n    interface: [s3]\n", []want{w(5, 17, "also available as a free gateway endpoint")}},

	// network.flow_logs.
	{"flow logs as yes", base + "network:\n  flow_logs: yes\n", []want{e(4, 14, `network.flow_logs must be true, false or a mapping, not "yes"`)}},
	{"flow logs retention not allowed", base + "network:\n  flow_logs: {retention_days: 100}\n", []want{e(4, 31, "network.flow_logs.retention_days 100 is not a retention CloudWatch Logs allows", "use 120")}},
	{"flow logs retention out of range", base + "network:\n  flow_logs: {retention_days: 5000}\n", []want{e(4, 31, "network.flow_logs.retention_days 5000 is out of range", "3653")}},
	{"flow logs traffic type", base + "network:\n  flow_logs: {traffic_type: all}\n", []want{e(4, 29, `network.flow_logs.traffic_type "all" is not a valid value`, "did you mean ALL?")}},
	{"flow logs off in prod", base + "network:\n  flow_logs: false\n", []want{w(4, 14, "flow logs are off in a prod stack")}},
	{"flow logs disabled in prod", base + "network:\n  flow_logs:\n    enabled: false\n", []want{w(4, 3, "flow logs are off in a prod stack")}},

	// network.subnets.
	{"subnet tier unknown", base + "network:\n  subnets:\n    privat: {size: 20}\n", []want{e(5, 5, "unknown key network.subnets.privat", "did you mean private?")}},
	{"subnet size out of range", base + "network:\n  subnets:\n    private: {size: 30}\n", []want{e(5, 21, "network.subnets.private.size 30 is out of range", "16 to 28")}},
	{"subnet size and cidrs", base + "network:\n  subnets:\n    private: {size: 20, cidrs: [10.0.0.0/24]}\n", []want{e(5, 25, "network.subnets.private sets both size and cidrs")}},
	{"subnet neither", base + "network:\n  subnets:\n    private: {}\n", []want{e(5, 5, "network.subnets.private needs size or cidrs")}},
	{"subnet tier not a mapping", base + "network:\n  subnets:\n    private: 24\n", []want{e(5, 14, `network.subnets.private must be a mapping, not "24"`)}},
	{"subnet cidrs count", base + "network:\n  subnets:\n    public: {cidrs: [10.0.0.0/24, 10.0.1.0/24]}\n", []want{e(5, 14, "network.subnets.public.cidrs lists 2 CIDRs for 3 zones")}},
	{"subnet cidr invalid", base + "network:\n  zones: 1\n  subnets:\n    public: {cidrs: [10.0.0.0/33]}\n", []want{w(4, 10, "one zone"), e(6, 22, `network.subnets.public.cidrs[0] "10.0.0.0/33" is not a valid CIDR`)}},
	{"subnet cidr host bits", base + "environment: dev\nnetwork:\n  zones: 1\n  subnets:\n    public: {cidrs: [10.0.0.1/24]}\n", []want{e(7, 22, "network.subnets.public.cidrs[0] 10.0.0.1/24 has host bits set", "10.0.0.0/24")}},
	{"subnet cidr size", base + "environment: dev\nnetwork:\n  zones: 1\n  subnets:\n    public: {cidrs: [10.0.0.0/29]}\n", []want{e(7, 22, "outside /16../28")}},
	{"subnet cidr outside vpc", base + "environment: dev\nnetwork:\n  zones: 1\n  subnets:\n    public: {cidrs: [10.1.0.0/24]}\n", []want{e(7, 22, "network.subnets.public.cidrs[0] 10.1.0.0/24 is outside the VPC 10.0.0.0/16")}},
	{"subnet cidrs overlap", base + "environment: dev\nnetwork:\n  zones: 1\n  subnets:\n    public: {cidrs: [10.0.0.0/24]}\n    private: {cidrs: [10.0.0.0/23]}\n", []want{e(8, 23, "network.subnets.private.cidrs[0] 10.0.0.0/23 overlaps network.subnets.public.cidrs[0] 10.0.0.0/24")}},

	// frontend.
	{"frontend kind unknown", base + "frontend:\n  kind: elb\nservice:\n  port: 80\n", []want{e(4, 9, `frontend.kind "elb" is not a valid value`, "alb, nlb, api-gateway, none")}},
	{"frontend without service", base + "frontend:\n  kind: alb\n", []want{e(4, 9, "frontend.kind alb has no service to send traffic to", "service:")}},
	{"domains on kind none", base + "frontend:\n  domains:\n    - name: app.example.com\n", []want{e(4, 3, "frontend.domains needs a front end, but frontend.kind is none", "add a service: section")}},
	// kind: none said outright stays none whatever else is there: the
	// hint is to change it, not to add a service.
	{"domains on explicit none", base + "frontend:\n  kind: none\n  domains:\n    - name: app.example.com\n", []want{e(5, 3, "frontend.domains needs a front end, but frontend.kind is none", "set frontend.kind to alb, nlb or api-gateway")}},
	{"domain invalid", base + "frontend:\n  domains:\n    - name: app..example.com\nservice:\n  port: 80\n", []want{e(5, 13, `frontend.domains[0].name "app..example.com" has an empty label`)}},
	{"domain wildcard inside", base + "frontend:\n  domains:\n    - name: app.*.example.com\nservice:\n  port: 80\n", []want{e(5, 13, "may use * only as the whole first label")}},
	{"domain single label", base + "frontend:\n  domains:\n    - name: localhost\nservice:\n  port: 80\n", []want{e(5, 13, "needs at least two labels")}},
	{"domain repeated", base + "frontend:\n  domains:\n    - name: a.example.com\n    - name: A.example.com\nservice:\n  port: 80\n", []want{e(6, 13, "frontend.domains[1].name repeats A.example.com")}},
	{"domain as a string", base + "frontend:\n  domains: [a.example.com]\nservice:\n  port: 80\n", []want{e(4, 13, "frontend.domains[0] must be a mapping with name:", "- name: a.example.com")}},
	{"domain without name", base + "frontend:\n  domains:\n    - certificate: x\nservice:\n  port: 80\n", []want{
		e(5, 7, "frontend.domains[0].name is required"),
		e(5, 20, `frontend.domains[0].certificate "x" is not an ACM certificate ARN`),
	}},
	{"certificate not an arn", base + "frontend:\n  domains:\n    - name: a.example.com\n      certificate: arn:aws:iam::123456789012:server-certificate/x\nservice:\n  port: 80\n", []want{e(6, 20, "is not an ACM certificate ARN", "arn:aws:acm:us-east-1:")}},
	{"certificate in another region", base + "frontend:\n  domains:\n    - name: a.example.com\n      certificate: arn:aws:acm:eu-west-1:123456789012:certificate/abc-123\nservice:\n  port: 80\n", []want{e(6, 20, "frontend.domains[0].certificate is in eu-west-1, not the stack's Region us-east-1", "own Region")}},
	{"allow_from invalid", base + "frontend:\n  allow_from: [everyone]\nservice:\n  port: 80\n", []want{e(4, 16, `frontend.allow_from[0] "everyone" is not a valid CIDR`)}},
	{"allow_from empty", base + "frontend:\n  allow_from: []\nservice:\n  port: 80\n", []want{e(4, 15, "frontend.allow_from is empty")}},
	{"allow_from ipv6 without ipv6", base + "frontend:\n  allow_from: [\"::/0\"]\nservice:\n  port: 80\n", []want{w(4, 16, "frontend.allow_from[0] ::/0 is IPv6, but network.ipv6 is false")}},
	{"allow_from repeated", base + "frontend:\n  allow_from: [10.0.0.0/8, 10.0.0.0/8]\nservice:\n  port: 80\n", []want{e(4, 28, "frontend.allow_from[1] repeats 10.0.0.0/8")}},

	// service and database.
	{"service port missing", base + "service:\n  name: api\n", []want{e(3, 1, "service.port is required", "port: 8080")}},
	{"service port zero", base + "service:\n  port: 0\n", []want{e(4, 9, "service.port 0 is out of range", "1 to 65535")}},
	{"service port too big", base + "service:\n  port: 65536\n", []want{e(4, 9, "service.port 65536 is out of range")}},
	{"service port huge", base + "service:\n  port: 99999999999999999999999\n", []want{e(4, 9, "service.port 99999999999999999999999 is out of range")}},
	{"service name invalid", base + "service:\n  name: My App\n  port: 80\n", []want{e(4, 9, `service.name "My App" is not a valid name`, "my-app")}},
	{"service kind unknown", base + "service:\n  port: 80\n  kind: lambda\n", []want{e(5, 9, `service.kind "lambda" is not a valid value`, "ecs-fargate, ecs-ec2, eks")}},
	{"database engine missing", base + "database:\n  port: 5432\n", []want{e(3, 1, "database.engine is required", "postgres")}},
	{"database engine unknown", base + "database:\n  engine: oracle\n", []want{e(4, 11, `database.engine "oracle" is not a valid value`)}},
	{"database engine misspelled", base + "database:\n  engine: postgresql\n", []want{e(4, 11, `database.engine "postgresql" is not a valid value`, "did you mean postgres?")}},
	{"database port out of range", base + "database:\n  engine: mysql\n  port: 70000\n", []want{e(5, 9, "database.port 70000 is out of range")}},

	// bastion.
	{"bastion ssh from anywhere", base + "bastion:\n  mode: ssh\n  allow_from: [0.0.0.0/0]\n", []want{e(5, 16, "bastion.allow_from[0] 0.0.0.0/0 opens SSH to the whole internet", "mode: ssm")}},
	{"bastion ssh from anywhere v6", base + "network:\n  ipv6: true\nbastion:\n  allow_from: [\"::/0\"]\n", []want{e(6, 16, "bastion.allow_from[0] ::/0 opens SSH to the whole internet")}},
	{"bastion ssh wide range", base + "bastion:\n  allow_from: [10.0.0.0/8]\n", []want{w(4, 16, "bastion.allow_from[0] 10.0.0.0/8 opens SSH to a wide range")}},
	{"bastion ssh /16 is fine", base + "bastion:\n  allow_from: [198.51.0.0/16]\n", nil},
	{"bastion ssh without allow_from", base + "bastion:\n  mode: ssh\n", []want{e(4, 9, "bastion mode ssh needs allow_from", "mode: ssm")}},
	{"bastion ssh with empty allow_from", base + "bastion:\n  mode: ssh\n  allow_from: []\n", []want{e(5, 15, "bastion.allow_from is empty")}},
	{"bastion ssm with allow_from", base + "bastion:\n  mode: ssm\n  allow_from: [203.0.113.7/32]\n", []want{e(5, 3, "bastion.allow_from is not used with mode ssm", "no inbound port")}},
	{"bastion mode unknown", base + "bastion:\n  mode: rdp\n", []want{e(4, 9, `bastion.mode "rdp" is not a valid value`)}},
	{"bastion address without length", base + "bastion:\n  allow_from: [203.0.113.7]\n", []want{e(4, 16, `bastion.allow_from[0] "203.0.113.7" is an address, not a CIDR`, "203.0.113.7/32")}},

	// tags.
	{"tag reserved prefix", base + "tags:\n  aws:team: x\n", []want{e(4, 3, `tag key "aws:team" uses a reserved prefix`)}},
	{"tag value list", base + "tags:\n  team: [a]\n", []want{e(4, 9, "tags.team must be a string, not a list")}},
	{"tag value missing", base + "tags:\n  team:\n", []want{e(4, 8, "tags.team has no value")}},
	{"tag not a mapping", base + "tags: [a]\n", []want{e(3, 7, "tags must be a mapping, not a list")}},
	{"tag value too long", base + "tags:\n  team: " + strings.Repeat("x", 257) + "\n", []want{e(4, 9, "tags.team is too long")}},
	{"tag value of 256 is fine", base + "tags:\n  team: " + strings.Repeat("x", 256) + "\n", nil},
	{"tag value of 256 is too long for hub-and-spoke", base + "topology: hub-and-spoke\nservice:\n  port: 80\ntags:\n  team: " + strings.Repeat("x", 256) + "\n", []want{e(7, 9, "tags.team is too long", "255")}},
	{"empty tag value is fine", base + "tags:\n  team: \"\"\n", nil},
	{"empty tag value with ecs-ec2", base + "service:\n  port: 80\n  kind: ecs-ec2\ntags:\n  team: \"\"\n", []want{e(7, 9, "tags.team is empty", "capacity provider")}},
	{"tag Name is moat's", base + "tags:\n  Name: x\n", []want{e(4, 3, "tag key Name is moat's own")}},
	{"tag moat prefix", base + "tags:\n  moat:stack: x\n", []want{e(4, 3, `tag key "moat:stack" uses moat's prefix`)}},
	{"tag key character", base + "tags:\n  team#1: x\n", []want{e(4, 3, `tag key "team#1" has a character AWS does not allow`)}},
	{"tag value character", base + "tags:\n  team: \"o'brien\"\n", []want{e(4, 9, "tags.team has a character AWS does not allow")}},
	{"tag unicode and symbols are fine", base + "tags:\n  équipe: \"café + data=1 @x:/y_z.\"\n", nil},
	{"tags 48 fit", base + "tags:\n" + manyTags(48), nil},
	{"tags 49 are too many", base + "tags:\n" + manyTags(49), []want{e(52, 3, "tags has 49 entries; at most 48 fit", "AWS allows 50 tags per resource and moat sets 2")}},
	{"tags 48 are too many with eks", base + "service:\n  port: 80\n  kind: eks\ntags:\n" + manyTags(48), []want{e(54, 3, "tags has 48 entries; at most 47 fit", "moat sets 3")}},

	// Many problems at once: every one is reported.
	{"all problems reported", base + "environment: staging\nnetwork:\n  cidr: 8.8.8.8/16\n  ipv6: nope\nservice:\n  port: -1\n", []want{
		e(3, 14, "environment"), e(5, 9, "host bits"), e(5, 9, "not a private range"), e(6, 9, "network.ipv6"), e(8, 9, "service.port"),
	}},
}

func TestDiagnostics(t *testing.T) {
	for _, tc := range diagCases {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Parse("t.yaml", []byte(tc.src))
			if !matches(t, ds, tc.want) {
				t.Logf("source:\n%s\ngot:\n%s", tc.src, render(ds, tc.src))
			}
		})
	}
}

// matches checks that ds and wants pair up one to one.
func matches(t *testing.T, ds diag.List, wants []want) bool {
	t.Helper()
	ok := true
	used := make([]bool, len(ds))
	for _, wt := range wants {
		found := false
		for i, d := range ds {
			if !used[i] && d.Severity == wt.sev && d.Range.Start == (diag.Pos{Line: wt.line, Column: wt.col}) &&
				strings.Contains(d.Summary, wt.summary) && strings.Contains(d.Hint, wt.hint) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s at %d:%d: %q (hint %q)", wt.sev, wt.line, wt.col, wt.summary, wt.hint)
			ok = false
		}
	}
	for i, d := range ds {
		if d.Range.File != "t.yaml" {
			t.Errorf("diagnostic without file: %+v", d)
			ok = false
		}
		if !used[i] {
			t.Errorf("unexpected %s", fmt.Sprintf("%s: %s: %s (hint %q)", d.Range, d.Severity, d.Summary, d.Hint))
			ok = false
		}
	}
	return ok
}

// manyTags is n tag lines, t1: v to tn: v.
func manyTags(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  t%d: v\n", i)
	}
	return b.String()
}
