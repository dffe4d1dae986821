// Package atomicfile replaces a file so that readers see either the old
// file or the whole new one, never half of one. It is shared by the
// commands (internal/cli) and the UI server, which both write the user's
// files.
package atomicfile
