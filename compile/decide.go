package compile

import (
	"strings"

	"github.com/moatnet/moat/model"
)

// Addresses of what decide adds.
const (
	LogsKeyAddr       model.ResourceRef = "logs/key"
	wafLogGroupPrefix                   = "aws-waf-logs-"
)

// decide records the design's lifecycle decisions on the network built so
// far, for a single VPC and hub-and-spoke alike: what outlives the stack,
// what is protected from deletion, how long logs are kept, and the keys,
// log groups and bucket that hold them. cfn renders these and pricing
// prices them; neither decides them again.
func (c *compiler) decide() {
	n := c.n
	prod := n.Environment == model.Prod
	// Logs are evidence after an incident, and a deleted key makes its
	// logs unreadable, so prod keeps both past its stack and any
	// replacement. Dev stacks are meant to be torn down and rebuilt, and a
	// retained log group with a fixed name would make the rebuild fail.
	var logs model.Lifecycle
	if prod {
		logs = model.Kept
	}
	for i := range n.LoadBalancers {
		n.LoadBalancers[i].DeletionProtection = prod
	}
	for i := range n.Firewalls {
		// prod: a stray delete or subnet change cannot open egress.
		n.Firewalls[i].ChangeProtection = prod
	}
	for i := range n.Databases {
		// A final snapshot whenever CloudFormation would otherwise drop
		// the data, in every environment: dev data is someone's work too.
		n.Databases[i].Lifecycle = model.Lifecycle{OnDelete: model.Snapshot, OnReplace: model.Snapshot}
		// Secrets Manager creates and rotates the password; it never
		// appears in the template or the spec.
		n.Databases[i].ManagedPassword = true
	}
	for i := range n.FileSystems {
		// EFS has no snapshot policy; keeping the file system (and its
		// AWS Backup recovery points) is the only way to save its data.
		if prod {
			n.FileSystems[i].Lifecycle = model.Kept
		}
	}
	for i := range n.FlowLogs {
		f := &n.FlowLogs[i]
		f.Key, f.Lifecycle = f.Addr+"/key", logs
		n.Keys = append(n.Keys, model.Key{Addr: f.Key, Use: model.KeyForLogs, Purpose: "encrypts flow logs in " + f.LogGroup,
			LogGroups: []string{f.LogGroup}, Lifecycle: logs})
	}
	c.logGroups(logs)
	for i := range n.Services {
		if s := &n.Services[i]; s.Kind == model.EKS {
			s.SecretsKey = s.Addr + "/secrets-key"
			n.Keys = append(n.Keys, model.Key{Addr: s.SecretsKey, Use: model.KeyForSecrets, Purpose: "envelope-encrypts Kubernetes secrets"})
		}
	}
	if accessLogged(n) {
		bucket := model.LogBucket{Addr: AccessLogsAddr, ExpirationDays: c.logRetention(), Lifecycle: model.Kept}
		if !prod {
			// CloudFormation cannot delete a bucket that still holds
			// logs, so a dev stack's deletion would fail; the bucket
			// stays behind and its lifecycle rule empties it. A failed
			// first create still cleans the (then empty) bucket up.
			bucket.Lifecycle = model.Lifecycle{OnDelete: model.RetainExceptOnCreate, OnReplace: model.Retain}
		}
		n.LogBuckets = []model.LogBucket{bucket}
	}
}

// workloadRetention is how long application and access logs are kept: a
// year in prod, a month otherwise, like the flow logs.
func (c *compiler) workloadRetention() int {
	if c.n.Environment == model.Prod {
		return 365
	}
	return 30
}

// logRetention is how long the logs of an incident are kept: the flow
// logs' retention, so that every record of one incident ages out
// together, or the workload default when the stack has no flow log.
func (c *compiler) logRetention() int {
	for _, f := range c.n.FlowLogs {
		if f.RetentionDays > 0 {
			return f.RetentionDays
		}
	}
	return c.workloadRetention()
}

// logGroups adds the log groups of the services, API Gateway access logs,
// web ACLs and firewalls, all under one key that CloudWatch Logs may use
// only for groups under /moat/<stack>/ and, with a web ACL, the stack's
// WAF groups, whose names WAF fixes to start with aws-waf-logs-.
func (c *compiler) logGroups(life model.Lifecycle) {
	n := c.n
	stack := n.Name
	var groups []model.LogGroup
	add := func(a, vpc model.ResourceRef, name string, days int) {
		groups = append(groups, model.LogGroup{Addr: a, VPC: vpc, Name: name, RetentionDays: days, Key: LogsKeyAddr, Lifecycle: life})
	}
	for _, s := range n.Services {
		if s.Kind != model.EKS {
			add(s.Addr+"/logs", s.VPC, "/moat/"+stack+"/"+s.Name, c.workloadRetention())
		}
	}
	for _, lb := range n.LoadBalancers {
		if lb.Kind == model.APIGateway {
			add(lb.Addr+"/access-logs", lb.VPC, "/moat/"+stack+"/api-access", c.workloadRetention())
		}
	}
	for _, w := range n.WebACLs {
		add(w.Addr+"/logs", c.vpcBehind(w.Protects), wafLogGroupPrefix+stack+"-"+strings.ReplaceAll(string(w.Addr), "/", "-"), c.logRetention())
	}
	for _, fw := range n.Firewalls {
		add(fw.Addr+"/alert-logs", fw.VPC, "/moat/"+stack+"/firewall/alert", c.logRetention())
		add(fw.Addr+"/flow-logs", fw.VPC, "/moat/"+stack+"/firewall/flow", c.logRetention())
	}
	if len(groups) == 0 {
		return
	}
	names := []string{"/moat/" + stack + "/*"}
	if len(n.WebACLs) > 0 {
		names = append(names, wafLogGroupPrefix+stack+"-*")
	}
	n.LogGroups = append(n.LogGroups, groups...)
	n.Keys = append(n.Keys, model.Key{Addr: LogsKeyAddr, Use: model.KeyForLogs, Purpose: "encrypts the application and access logs", LogGroups: names, Lifecycle: life})
}

// vpcBehind is the VPC of the load balancer at a, or of the origin of the
// CDN at a.
func (c *compiler) vpcBehind(a model.ResourceRef) model.ResourceRef {
	for _, cd := range c.n.CDNs {
		if cd.Addr == a {
			a = cd.Origin
		}
	}
	for _, lb := range c.n.LoadBalancers {
		if lb.Addr == a {
			return lb.VPC
		}
	}
	return ""
}
