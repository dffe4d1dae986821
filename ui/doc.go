// Package ui serves moat's local web page: the stack's network settings,
// the live diagram, the monthly cost with the NAT comparison, the proofs,
// the trade-offs and a reach box, over one spec file. It is an edge
// package (net/http); everything it shows is computed by the packages
// the commands use (spec, compile, analyze, pricing, diagram, cfn, and
// internal/derive), and edits are written back into the user's YAML with
// its comments and key order kept.
//
// The server binds loopback only, accepts a request only when its Host
// header names that loopback address and port (so a DNS-rebinding page
// cannot talk to it), and only with the one-time token printed on the
// command line: the first visit carries it as ?token= and gets it back as
// an HttpOnly, SameSite=Strict cookie; API calls need the cookie or the
// X-Moat-Token header.
package ui
