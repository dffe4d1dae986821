package model

import (
	"strings"
)

// Address names a resource inside a Network, e.g. "subnet/private/use1-az2",
// "sg/db" or "rtb/public". The first segment is the resource kind. The zero
// Address means "none".
type Address string

// Addr joins parts with "/" into an Address: Addr("subnet", "private", "use1-az1").
func Addr(parts ...string) Address { return Address(strings.Join(parts, "/")) }

// Kind returns the first segment, e.g. "subnet".
func (a Address) Kind() string {
	k, _, _ := strings.Cut(string(a), "/")
	return k
}

// IsZero reports whether a is the empty address.
func (a Address) IsZero() bool { return a == "" }

func (a Address) String() string { return string(a) }
