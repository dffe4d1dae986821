package spec

import (
	"strings"
	"unicode"
)

// The shapes of the names and IDs a spec holds, written out by hand rather
// than as regular expressions: those were compiled at package init, on
// every start of moat, and cost more than reading a spec (see
// BenchmarkProcessPlan in internal/cli). shapes_test.go checks each one
// against the regular expression it replaces.

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isLower(c) || isUpper(c) || isDigit(c) }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' }

// every reports whether every byte of s is ok (true for "").
func every(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// isDNSLabel: one label of a host name, 1 to 63 letters, digits and inner
// hyphens.
func isDNSLabel(s string) bool {
	return len(s) >= 1 && len(s) <= 63 && isAlnum(s[0]) && isAlnum(s[len(s)-1]) &&
		every(s, func(c byte) bool { return isAlnum(c) || c == '-' })
}

// isEmailAddress: a plain mailbox (local@domain.tld) as SNS's email
// protocol takes it: no display name, no spaces, a dotted domain of at
// least two labels.
func isEmailAddress(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !every(local, func(c byte) bool {
		return isAlnum(c) || strings.IndexByte(".!#$%&'*+/=?^_{|}~-", c) >= 0
	}) {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !isDNSLabel(l) {
			return false
		}
	}
	return true
}

// isInstanceTypeShape: an EC2 instance type such as t4g.nano or
// u-6tb1.metal: family.size, lower case.
func isInstanceTypeShape(s string) bool {
	family, size, ok := strings.Cut(s, ".")
	name := func(c byte) bool { return isLower(c) || isDigit(c) || c == '-' }
	return ok && family != "" && isLower(family[0]) && every(family, name) && size != "" && every(size, name)
}

// isEndpointName: a short AWS service name for an interface endpoint
// (ecr.api, logs).
func isEndpointName(s string) bool {
	return s != "" && (isLower(s[0]) || isDigit(s[0])) &&
		every(s, func(c byte) bool { return isLower(c) || isDigit(c) || c == '.' || c == '-' })
}

// isTagText: what AWS allows in tag keys and values across services:
// letters, numbers and spaces representable in UTF-8, and + - = . _ : / @
// (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions).
// EC2 alone allows more, but the spec's tags reach every resource: roles,
// keys, log groups and buckets too. Bytes that are not UTF-8 are not
// letters.
func isTagText(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsNumber(r), unicode.Is(unicode.Z, r):
		case strings.ContainsRune("_.:/=+-@", r):
		default:
			return false
		}
	}
	return true
}

// isHostedZoneID: a Route 53 hosted zone ID, Z and 1 to 31 upper-case
// letters and digits.
func isHostedZoneID(s string) bool {
	return len(s) >= 2 && len(s) <= 32 && s[0] == 'Z' &&
		every(s, func(c byte) bool { return isUpper(c) || isDigit(c) })
}

// isHeaderName: an HTTP header name CloudFront forwards, 1 to 128 letters,
// digits and hyphens, not starting with a hyphen.
func isHeaderName(s string) bool {
	return len(s) >= 1 && len(s) <= 128 && isAlnum(s[0]) &&
		every(s, func(c byte) bool { return isAlnum(c) || c == '-' })
}

// isDBInstanceClass: db.family.size, lower case (db.t4g.medium).
func isDBInstanceClass(s string) bool {
	rest, ok := strings.CutPrefix(s, "db.")
	family, size, ok2 := strings.Cut(rest, ".")
	word := func(c byte) bool { return isLower(c) || isDigit(c) }
	return ok && ok2 && family != "" && size != "" && every(family, word) && every(size, word)
}

// isEC2ID: prefix- and 8 (older) or 17 lower-case hexadecimal digits, the
// shape of the IDs EC2 gives VPCs (vpc-) and subnets (subnet-).
func isEC2ID(s, prefix string) bool {
	hex, ok := strings.CutPrefix(s, prefix+"-")
	return ok && (len(hex) == 8 || len(hex) == 17) && every(hex, isHex)
}

// isAccountNumber: an AWS account ID, 12 digits.
func isAccountNumber(s string) bool { return len(s) == 12 && every(s, isDigit) }

// acmRegion returns the Region of an ACM certificate ARN
// (arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID, in the aws, aws-cn or
// aws-us-gov partition), and false when s is not one.
func acmRegion(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "arn:aws")
	if !ok {
		return "", false
	}
	if r, ok := strings.CutPrefix(rest, "-cn"); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(rest, "-us-gov"); ok {
		rest = r
	}
	rest, ok = strings.CutPrefix(rest, ":acm:")
	region, rest, ok2 := strings.Cut(rest, ":")
	account, rest, ok3 := strings.Cut(rest, ":")
	id, ok4 := strings.CutPrefix(rest, "certificate/")
	if !ok || !ok2 || !ok3 || !ok4 || region == "" || id == "" || len(account) != 12 || !every(account, isDigit) {
		return "", false
	}
	regionOK := func(c byte) bool { return isLower(c) || isDigit(c) || c == '-' }
	idOK := func(c byte) bool { return isAlnum(c) || c == '-' }
	if !every(region, regionOK) || !every(id, idOK) {
		return "", false
	}
	return region, true
}
