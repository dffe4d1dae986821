// Package analyze answers questions about a model.Network: can a packet go
// from here to there, and why (Reach); which interfaces can the internet
// reach, on which ports (Exposure); does a design keep its promises
// (Verify); and how does an imported VPC measure against moat's placement
// rules (Audit).
//
// Explanations are data. Every answer is a verdict plus hops, each naming
// the resource and the route or rule that let the packet pass; a blocked
// answer lists every setting that blocks it, not only the first, each with
// what would have to change.
//
// Build an Index once per network (NewIndex), then ask it any number of
// questions; an Index is read-only after construction and safe for
// concurrent use. The package is pure: no I/O, and every answer is
// deterministic for a given network.
//
// See docs/reach.md for the semantics and the AWS documentation each rule
// follows.
package analyze
