package analyze

import (
	"testing"

	"github.com/moatnet/moat/model"
)

func TestTierContradicts(t *testing.T) {
	for _, c := range []struct {
		declared, got model.Tier
		want          bool
	}{
		{model.Public, model.Public, false},
		{model.Private, model.Public, true},
		{model.Isolated, model.Private, true},
		{"", model.Public, false},
		// A hub's transit and firewall subnets: their routes lead to a
		// firewall, a NAT gateway or nowhere, by design.
		{model.Transit, model.Isolated, false},
		{model.Transit, model.Private, false},
		{model.Inspection, model.Private, false},
		{model.Inspection, model.Public, false},
		// An internal subnet may route to a Transit Gateway, never out.
		{model.Internal, model.Isolated, false},
		{model.Internal, model.Private, false},
		{model.Internal, model.Public, true},
	} {
		if got := tierContradicts(c.declared, c.got); got != c.want {
			t.Errorf("tierContradicts(%s, %s) = %v, want %v", c.declared, c.got, got, c.want)
		}
	}
}
