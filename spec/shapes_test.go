package spec

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// shapeCases pairs each hand-written shape with the regular expression it
// replaced; the two must agree on every string.
var shapeCases = []struct {
	name  string
	re    string
	match func(string) bool
	seeds []string
}{
	{"dns label", `^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`, isDNSLabel,
		[]string{"a", "app", "a-b", "-a", "a-", strings.Repeat("a", 63), strings.Repeat("a", 64), "a_b", ""}},
	{"email", `^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`, isEmailAddress,
		[]string{"ops@example.com", "a.b+c@x-y.example.org", "ops@example", "@example.com", "ops@@example.com", "ops@example..com", "ops@-x.com", "o p@example.com", "ops@example.com."}},
	{"instance type", `^[a-z][a-z0-9-]*\.[a-z0-9-]+$`, isInstanceTypeShape,
		[]string{"t4g.nano", "u-6tb1.metal", "m5.large", "5m.large", "m5.", ".large", "m5.large.x", "M5.large", "m5.LARGE"}},
	{"endpoint name", `^[a-z0-9][a-z0-9.-]*$`, isEndpointName,
		[]string{"logs", "ecr.api", "1x", "-x", ".x", "", "Logs", "ecr_api"}},
	{"tag text", `^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, isTagText,
		[]string{"", "cost-center", "Équipe 42", "a b", "a\tb", "a'b", "a\u2028b", "二三", "x\xffy", "Ⅻ", "a#b", "a\u00a0b"}},
	{"hosted zone", `^Z[A-Z0-9]{1,31}$`, isHostedZoneID,
		[]string{"Z1", "Z123ABC", "Z", "z123", "Z" + strings.Repeat("A", 31), "Z" + strings.Repeat("A", 32), "Zab"}},
	{"header name", `^[A-Za-z0-9][A-Za-z0-9-]{0,127}$`, isHeaderName,
		[]string{"Host", "X-Forwarded-For", "-X", "X_Y", strings.Repeat("a", 128), strings.Repeat("a", 129), ""}},
	{"db class", `^db\.[a-z0-9]+\.[a-z0-9]+$`, isDBInstanceClass,
		[]string{"db.t4g.medium", "db.r6g.xlarge", "db.t4g", "db..medium", "db.t4g.", "db.t4g.medium.x", "rds.t4g.medium", "db.T4g.medium"}},
	{"vpc id", `^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`, func(s string) bool { return isEC2ID(s, "vpc") },
		[]string{"vpc-0123abcd", "vpc-0123456789abcdef0", "vpc-0123abc", "vpc-0123ABCD", "subnet-0123abcd", "vpc-0123456789abcdef"}},
	{"subnet id", `^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`, func(s string) bool { return isEC2ID(s, "subnet") },
		[]string{"subnet-0123abcd", "subnet-0123456789abcdef0", "subnet-", "vpc-0123abcd"}},
	{"account", `^[0-9]{12}$`, isAccountNumber,
		[]string{"123456789012", "12345678901", "1234567890123", "12345678901a"}},
	{"acm arn", `^arn:aws(-cn|-us-gov)?:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-zA-Z-]+$`, func(s string) bool { _, ok := acmRegion(s); return ok },
		[]string{"arn:aws:acm:us-east-1:123456789012:certificate/abc-123", "arn:aws-cn:acm:cn-north-1:123456789012:certificate/x",
			"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/x", "arn:aws-cn-us-gov:acm:x:123456789012:certificate/x",
			"arn:aws:acm::123456789012:certificate/x", "arn:aws:acm:us-east-1:12345678901:certificate/x", "arn:aws:acm:us-east-1:123456789012:certificate/",
			"arn:aws:acm:us-east-1:123456789012:certificate/a:b", "arn:aws:acm:us-east-1:123456789012:cert/x", "arn:aws:iam:us-east-1:123456789012:certificate/x"}},
}

// mutate makes a string near s: a byte changed, inserted, removed or
// doubled, so the random cases sit on the edges of each shape.
func mutate(r *rand.Rand, s string) string {
	const alphabet = "aAzZ09-._@:/+=!~ 'f\t\xff\u00e9\u2028\u00a0二"
	pick := func() string {
		rs := []rune(alphabet)
		if r.IntN(12) == 0 {
			return "\xff"
		}
		return string(rs[r.IntN(len(rs))])
	}
	i := 0
	if len(s) > 0 {
		i = r.IntN(len(s) + 1)
	}
	switch r.IntN(4) {
	case 0:
		return s[:i] + pick() + s[i:]
	case 1:
		if i < len(s) {
			return s[:i] + s[i+1:]
		}
	case 2:
		if i < len(s) {
			return s[:i] + pick() + s[i+1:]
		}
	}
	return s + s[i:]
}

func TestShapesMatchTheirRegexps(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range shapeCases {
		re := regexp.MustCompile(c.re)
		check := func(s string) {
			if got, want := c.match(s), re.MatchString(s); got != want {
				t.Errorf("%s %q: got %v, the regexp says %v", c.name, s, got, want)
			}
		}
		matched := 0
		for _, seed := range c.seeds {
			check(seed)
			s := seed
			for range 3000 {
				s = mutate(r, s)
				if len(s) > 300 {
					s = seed
				}
				check(s)
				if re.MatchString(s) {
					matched++
				}
			}
		}
		if matched == 0 {
			t.Errorf("%s: no random case matched; the test checks only rejections", c.name)
		}
	}
}

func FuzzShapes(f *testing.F) {
	for _, c := range shapeCases {
		for _, s := range c.seeds {
			f.Add(s)
		}
	}
	res := make([]*regexp.Regexp, len(shapeCases))
	for i, c := range shapeCases {
		res[i] = regexp.MustCompile(c.re)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, c := range shapeCases {
			if got, want := c.match(s), res[i].MatchString(s); got != want {
				t.Errorf("%s %q: got %v, the regexp says %v", c.name, s, got, want)
			}
		}
	})
}

func TestACMRegion(t *testing.T) {
	for s, want := range map[string]string{
		"arn:aws:acm:eu-west-1:123456789012:certificate/abc":           "eu-west-1",
		"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/id": "us-gov-west-1",
	} {
		if got, ok := acmRegion(s); !ok || got != want {
			t.Errorf("acmRegion(%q) = %q, %v; want %q", s, got, ok, want)
		}
	}
}
