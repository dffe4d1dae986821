package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/moatnet/moat/compile"
	"github.com/moatnet/moat/model"
)

// writeEdge prints what the front end serves: the domain → certificate
// table of every TLS listener (decided as the load balancer decides, by
// SNI), CloudFront, the web ACL, alias records, the service's size with
// EKS pods per node, the database's settings and the file system.
func writeEdge(w io.Writer, n *model.Network) {
	var lines []string
	for _, lb := range n.LoadBalancers {
		for _, l := range lb.Listeners {
			if len(l.Hosts) == 0 || len(l.Certificates) == 0 {
				continue
			}
			lines = append(lines, fmt.Sprintf("  %s %s:%d serves by SNI (first certificate is the default):", lb.Addr, l.Protocol, l.Port))
			var b strings.Builder
			tw := table(&b)
			fmt.Fprintln(tw, "    domain\tcertificate\t")
			for _, row := range compile.Served(l.Hosts, l.Certificates) {
				c := l.Certificates[row.Cert]
				name := c.ARN
				if name == "" {
					name = "requested by moat for " + c.Domain + " (DNS validation)"
				}
				how := ""
				if !row.Matched {
					how = "WARNING: not covered; clients get the default and reject it"
				} else if row.Cert == 0 {
					how = "(default)"
				}
				fmt.Fprintf(tw, "    %s\t%s\t%s\n", row.Host, name, how)
			}
			tw.Flush()
			lines = append(lines, strings.TrimRight(b.String(), "\n"))
		}
		if lb.API != nil {
			lines = append(lines, fmt.Sprintf("  %s: HTTP API, stage $default throttled to %d requests/s (burst %d), VPC Link to the internal %s",
				lb.Addr, lb.API.ThrottleRate, lb.API.ThrottleBurst, lb.API.Integration))
		}
	}
	for _, c := range n.CDNs {
		waf := ""
		if !c.WebACL.IsZero() {
			waf = ", web ACL " + string(c.WebACL)
		}
		lines = append(lines, fmt.Sprintf("  %s: CloudFront for %s → %s over HTTPS; forwards headers %s; the load balancer admits only %s%s",
			c.Addr, strings.Join(c.Aliases, ", "), c.Origin, strings.Join(c.ForwardHeaders, ", "), model.CloudFrontPrefixList, waf))
	}
	for _, a := range n.WebACLs {
		lines = append(lines, fmt.Sprintf("  %s: WAF web ACL (%s) on %s: %s, and at most %d requests per IP per 5 minutes",
			a.Addr, a.Scope, a.Protects, strings.Join(a.ManagedRuleGroups, ", "), a.RateLimit))
	}
	for _, r := range n.AliasRecords {
		lines = append(lines, fmt.Sprintf("  %s: Route 53 alias %s → %s in zone %s", r.Addr, r.Name, r.Target, r.Zone))
	}
	for _, s := range n.Services {
		switch s.Kind {
		case model.EKS:
			pods := "unknown for this type"
			if s.MaxPodsPerNode > 0 {
				pods = fmt.Sprintf("%d pods per node (ENIs × (IPv4 per ENI − 1) + 2)", s.MaxPodsPerNode)
			}
			lines = append(lines, fmt.Sprintf("  %s: EKS managed node group of %d × %s, %s", s.Addr, s.DesiredCount, s.InstanceType, pods))
		case "ecs-ec2":
			lines = append(lines, fmt.Sprintf("  %s: tasks × %d (%d CPU units, %d MiB) on %s hosts spread over the zones", s.Addr, s.DesiredCount, s.CPU, s.Memory, s.InstanceType))
		default:
			lines = append(lines, fmt.Sprintf("  %s: Fargate tasks × %d (%d CPU units, %d MiB), logs to CloudWatch", s.Addr, s.DesiredCount, s.CPU, s.Memory))
		}
	}
	for _, d := range n.Databases {
		lines = append(lines, fmt.Sprintf("  %s: %s, %d GiB encrypted, %d-day backups, deletion protection %s, password in Secrets Manager",
			d.Addr, d.InstanceClass, d.StorageGiB, d.BackupDays, onOff(d.DeletionProtection)))
	}
	for _, f := range n.FileSystems {
		// Who may mount is what the mount targets' group admits.
		var from []string
		if g, ok := n.SecurityGroup(f.SecurityGroup); ok {
			for _, r := range g.Ingress {
				if p := r.Peer.String(); !slices.Contains(from, p) {
					from = append(from, p)
				}
			}
		}
		who := "nothing"
		if len(from) > 0 {
			who = strings.Join(from, ", ")
		}
		lines = append(lines, fmt.Sprintf("  %s: encrypted EFS, mount targets in %d zones in %s, NFS only from %s", f.Addr, len(f.Subnets), f.SecurityGroup, who))
	}
	if len(lines) == 0 {
		return
	}
	section(w, "Edge, certificates and sizing")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
