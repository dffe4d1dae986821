package model

// Scanner names a template security scanner whose findings a Waiver
// answers. The values are the Metadata keys each scanner reads.
type Scanner string

const (
	CfnLint Scanner = "cfn-lint" // Metadata.cfn-lint.config.ignore_checks
	CfnNag  Scanner = "cfn_nag"  // Metadata.cfn_nag.rules_to_suppress[{id, reason}]
	Checkov Scanner = "checkov"  // Metadata.checkov.skip[{id, comment}]
	CDKNag  Scanner = "cdk_nag"  // Metadata.cdk_nag.rules_to_suppress[{id, reason}]
)

// ScanRule is one scanner's rule, e.g. {CfnNag, "W2"}.
type ScanRule struct {
	Scanner Scanner
	ID      string
}

// Waiver records a deliberate deviation from common AWS security practice:
// the resource it lives on, the scanner rules that flag it, and why the
// design chooses it. The compiler decides waivers; cfn writes them into the
// resource's Metadata and the plan lists them with the trade-offs.
// Resource is the address whose logical ID carries the Metadata.
type Waiver struct {
	Resource ResourceRef
	Rules    []ScanRule
	Reason   string
}

// Topic is an SNS topic the design sends operational notifications to,
// e.g. the NAT auto-scaling groups' launch and terminate events.
// KMSKey is the key that encrypts it at rest: a key ID, ARN or alias.
// Email, when set, is subscribed (AWS asks the address to confirm).
type Topic struct {
	Addr   ResourceRef
	KMSKey string
	Email  string
	// Events are the notification types sent to it, e.g.
	// "autoscaling:EC2_INSTANCE_LAUNCH".
	Events []string
}
