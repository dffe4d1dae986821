package model

import "strings"

// DomainMatch returns the entry of domains that covers host, as Network
// Firewall's domain lists do: ".example.com" covers example.com and every
// name under it; any other entry covers only itself. Names compare
// without regard to case or a trailing dot. An empty host matches
// nothing: a flow that names no host passes only by address rules. The
// analyzer and the twin's inspecting firewall both decide with it.
func DomainMatch(domains []string, host string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return "", false
	}
	for _, d := range domains {
		d = strings.ToLower(d)
		if strings.HasPrefix(d, ".") {
			if host == d[1:] || strings.HasSuffix(host, d) {
				return d, true
			}
			continue
		}
		if host == d {
			return d, true
		}
	}
	return "", false
}
