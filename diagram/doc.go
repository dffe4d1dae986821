// Package diagram draws a model.Network: a pure function from the model to
// a laid-out picture (boxes, labels and arrows with computed coordinates),
// and writers for SVG, Graphviz DOT and Mermaid.
//
// The picture follows the way AWS networks are usually explained: the
// region; each VPC with its CIDR; one column per zone headed with its AZ
// ID; a row per tier (public, private, isolated). Things that live in one
// subnet (NAT instances and gateways, imported instances) sit in their
// subnet's cell. Things that span zones (load balancers, services,
// databases, bastions, interface endpoints) sit in a column on the right,
// in their tier's row, so the main flow (internet -> load balancer ->
// service -> database) runs straight down without crossing the zones.
//
// Arrows are derived from the model, never from names: security group
// ingress rules that reference another group give the allowed flows
// (labelled protocol/port), internet-facing load balancers and ingress from
// addresses outside every VPC give the flows from the internet, and
// default routes give private subnet -> NAT -> internet gateway.
//
// Layout is our own and deterministic: text widths are estimated with a
// fixed per-character width for the monospace font the SVG embeds in its
// style, and every box grows to fit its text, so the same network always
// gives byte-identical output and no text overflows its box.
package diagram
