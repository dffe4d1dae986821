package model

import (
	"reflect"
	"strings"
)

// Existing marks a network as a stack built into a VPC it did not create
// (network.existing in the spec): the VPC and everything a snapshot or a
// live read found in it stay as they are, and the stack adds only its own
// resources. Outputs that create (cfn) skip what is here and refer to it
// by ID; outputs that read (analyze, pricing, diagram, twin) see the whole.
type Existing struct {
	// VPC is the VPC the stack goes into, e.g. "vpc/vpc-0a1b2c3d".
	VPC ResourceRef
	// Found holds every resource that was there before the stack: the
	// whole imported network, by address.
	Found map[ResourceRef]bool
	// Subnets are the existing subnets the stack uses, per tier, in zone
	// order.
	Subnets map[Tier][]ResourceRef
	// Changes are what the stack needs of resources it did not create: a
	// route or an ACL entry the user must add or allow. The template
	// makes none of them.
	Changes []Change
}

// Change is one change to a resource the stack did not create.
type Change struct {
	Resource ResourceRef
	Text     string
}

// IsFound reports whether a was in the VPC before the stack; false for a
// network that is no existing-VPC stack.
func (x *Existing) IsFound(a ResourceRef) bool { return x != nil && x.Found[a] }

// AWSID returns the AWS ID of an imported resource: importers address
// them "<kind>/<id>" (awsjson), so the ID is what follows the kind.
func AWSID(a ResourceRef) string {
	_, id, _ := strings.Cut(string(a), "/")
	return id
}

// ExistingFound returns the addresses of every resource in n, for
// Existing.Found.
func ExistingFound(n *Network) map[ResourceRef]bool {
	out := map[ResourceRef]bool{}
	AddressedLists(n, func(_ string, list reflect.Value) {
		for j := range list.Len() {
			if a := AddrAt(list, j); !a.IsZero() {
				out[a] = true
			}
		}
	})
	return out
}

// Offerings are the EC2 instance types offered in each Availability
// Zone, by AZ ID, as describe-instance-type-offerings --location-type
// availability-zone-id lists them. A nil Offerings is unknown: the input
// did not include them.
type Offerings map[string][]string

// Offers reports whether instance type t is offered in zone, and whether
// the zone's offerings are known at all.
func (o Offerings) Offers(zone, t string) (offered, known bool) {
	types, known := o[zone]
	if !known {
		return false, false
	}
	for _, x := range types {
		if x == t {
			return true, true
		}
	}
	return false, true
}
