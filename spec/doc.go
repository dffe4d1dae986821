// Package spec reads a moat stack spec (YAML) into a Stack.
//
// The parser works on yaml.Node so that every value keeps its line and
// column: a problem anywhere in the file, found by the parser or later by
// the compiler, is reported at its exact position (see Stack.Where). Parse
// fills in every default, so the compiler never has to guess, and reports
// every problem it finds, not only the first.
package spec
