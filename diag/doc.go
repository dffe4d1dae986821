// Package diag holds the problems moat reports about a user's files.
//
// A Diagnostic has a severity, a one-line summary, an optional hint and the
// range of the file it is about. Render prints diagnostics the way editors
// jump to them (file:line:column), followed by the source line, a caret and
// the hint; RenderJSON prints the same data for machines.
package diag
