// Package cli implements moat's subcommands. It is the only package that
// prints or touches the file system: it reads specs, calls the pure
// packages (spec, compile, cfn), renders their results and writes outputs
// atomically.
package cli
