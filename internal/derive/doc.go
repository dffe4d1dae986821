// Package derive computes, without printing, what both the commands
// (internal/cli) and the UI server (ui) read from a spec or a network: the
// stack designed once per NAT option, the spec's assertions for the
// analyzer, the diagram options that draw a reach answer's path, and the
// checked CloudFormation template. Keeping them here keeps the commands
// and the page giving the same answers.
package derive
