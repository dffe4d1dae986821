package spec

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/ec2types"
	"go.yaml.in/yaml/v4"
)

// idKey is what of a name survives in a CloudFormation logical ID: moat
// names a domain's certificate, API domain and alias record, and an
// endpoint, after it, keeping runs of letters and digits ("*" becomes
// "wildcard"), so names with one key would share a logical ID.
func idKey(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "*", "wildcard"))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), "/")
}

// idHint explains an idKey clash.
const idHint = "moat names CloudFormation resources after it, keeping only letters and digits, so the two would share one logical ID; keep one of them"

// maxNameLen bounds stack and service names: they prefix AWS resource
// names, several of which (load balancers, target groups) allow only 32
// characters in total.
const maxNameLen = 32

// validName reports whether s is 1..32 lower-case letters, digits and
// hyphens, starting with a letter.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// nameHint explains the name rule and, when it can, offers a fixed name.
func nameHint(s string) string {
	hint := fmt.Sprintf("use 1 to %d lower-case letters, digits and hyphens, starting with a letter", maxNameLen)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	fixed := strings.TrimRight(b.String(), "-")
	if len(fixed) > maxNameLen {
		fixed = strings.TrimRight(fixed[:maxNameLen], "-")
	}
	if validName(fixed) && fixed != s {
		hint += fmt.Sprintf(", e.g. %s", fixed)
	}
	return hint
}

// checkDomain returns why name is not a valid host name for a certificate,
// or "" when it is. A wildcard is allowed only as the whole first label,
// as ACM requires.
func checkDomain(name string) string {
	if len(name) > 253 {
		return "is longer than 253 characters"
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return "needs at least two labels, e.g. app.example.com"
	}
	for i, l := range labels {
		switch {
		case l == "*" && i == 0:
		case strings.Contains(l, "*"):
			return "may use * only as the whole first label, e.g. *.example.com"
		case l == "":
			return "has an empty label (two dots in a row, or a leading or trailing dot)"
		case !isDNSLabel(l):
			return fmt.Sprintf("has an invalid label %q (use letters, digits and inner hyphens, at most 63 characters)", l)
		}
	}
	return ""
}

// knownInstanceType reports whether s at n is an instance type moat knows
// (its architecture picks the image and the task platform), reporting an
// error that names the nearest known types otherwise.
func (p *parser) knownInstanceType(path string, n *yaml.Node, s, example string) bool {
	if !isInstanceTypeShape(s) {
		p.errorf(n, "write an EC2 instance type such as "+example, "%s %q is not an instance type", path, s)
		return false
	}
	if _, ok := ec2types.ArchOf(s); !ok {
		p.errorf(n, "nearest known types: "+strings.Join(ec2types.Nearest(s, 3), ", "),
			"%s %q is not an instance type moat knows", path, s)
		return false
	}
	return true
}

// knownInterfaceEndpoints are short service names moat has seen used as
// interface endpoints; others are allowed with a warning, since AWS adds
// services often.
var knownInterfaceEndpoints = []string{
	"athena", "ec2", "ec2messages", "ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry",
	"eks", "eks-auth", "elasticfilesystem", "elasticloadbalancing", "events", "execute-api", "glue",
	"kinesis-streams", "kms", "lambda", "logs", "monitoring", "rds", "secretsmanager",
	"sns", "sqs", "ssm", "ssmmessages", "sts", "xray",
}

// gatewayEndpoints are the only services AWS offers as gateway endpoints.
var gatewayEndpoints = []string{"s3", "dynamodb"}

// retentionDays are the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy / AWS::Logs::LogGroup RetentionInDays).
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// retentionHint suggests the nearest allowed retention at or above d.
func retentionHint(d int) string {
	var all []string
	next := 0
	for _, r := range retentionDays {
		all = append(all, fmt.Sprint(r))
		if next == 0 && r >= d {
			next = r
		}
	}
	hint := "CloudWatch Logs keeps logs for one of: " + strings.Join(all, ", ") + " days"
	if d > 0 && next != 0 {
		hint = fmt.Sprintf("use %d or another allowed value; %s", next, hint)
	}
	return hint
}
