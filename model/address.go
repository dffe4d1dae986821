package model

import (
	"strings"
)

// ResourceRef names a resource inside a Network, e.g. "subnet/private/use1-az2",
// "sg/db" or "rtb/public". The first segment is the resource kind. The zero
// ResourceRef means "none".
type ResourceRef string

// JoinRef joins parts with "/" into a ResourceRef: JoinRef("subnet", "private", "use1-az1").
func JoinRef(parts ...string) ResourceRef { return ResourceRef(strings.Join(parts, "/")) }

// Kind returns the first segment, e.g. "subnet".
func (a ResourceRef) Kind() string {
	k, _, _ := strings.Cut(string(a), "/")
	return k
}

// IsZero reports whether a is the empty reference.
func (a ResourceRef) IsZero() bool { return a == "" }

func (a ResourceRef) String() string { return string(a) }
