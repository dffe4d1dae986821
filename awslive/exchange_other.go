//go:build !linux

package awslive

// exchange swaps the directories a and b; without renameat2, b is missing
// for the moment between two renames.
func exchange(a, b string) error { return swap(a, b) }
