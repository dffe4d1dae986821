package spec

import (
	"fmt"
	"strings"
)

// closest returns the candidate nearest to s by edit distance, if it is
// close enough to be a likely typo ("netwrk", "flow-logs", "CIDR"), or
// when one is an abbreviation of the other ("production" for "prod").
func closest(s string, candidates []string) (string, bool) {
	ls := strings.ToLower(s)
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
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

// editDistance is the Levenshtein distance between a and b, in bytes
// (spec keys and values are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
