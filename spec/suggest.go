package spec

import (
	"fmt"
	"strings"

	"github.com/moatnet/moat/internal/editdist"
)

// closest returns the candidate nearest to s by edit distance, if it is
// close enough to be a likely typo ("netwrk", "flow-logs", "CIDR"), or
// when one is an abbreviation of the other ("production" for "prod").
func closest(s string, candidates []string) (string, bool) {
	ls := strings.ToLower(s)
	best, bestD := "", -1
	for _, c := range candidates {
		d := editdist.Distance(ls, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD >= 0 && bestD <= 2 && bestD < len(best) {
		return best, true
	}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if len(ls) >= 3 && len(lc) >= 3 && (strings.HasPrefix(ls, lc) || strings.HasPrefix(lc, ls)) {
			return c, true
		}
	}
	return "", false
}

// keyHint suggests a key for an unknown one, or lists the valid keys.
func keyHint(key string, known []string) string {
	if c, ok := closest(key, known); ok {
		return fmt.Sprintf("did you mean %s?", c)
	}
	return "valid keys here: " + strings.Join(known, ", ")
}

// valueHint suggests a value for a bad enum value and lists the allowed
// ones.
func valueHint(v string, allowed []string) string {
	list := "use one of: " + strings.Join(allowed, ", ")
	if c, ok := closest(v, allowed); ok {
		return fmt.Sprintf("did you mean %s? %s", c, list)
	}
	return list
}
