package synth

import (
	"reflect"
	"testing"
)

func TestLargeCounts(t *testing.T) {
	n := Account(Large, 1)
	rules := 0
	for _, g := range n.SecurityGroups {
		rules += len(g.Ingress) + len(g.Egress)
	}
	if len(n.VPCs) != 200 || len(n.Subnets) != 2000 || len(n.ENIs) != 20000 || len(n.SecurityGroups) != 5000 || rules != 50000 {
		t.Errorf("got %d VPCs, %d subnets, %d ENIs, %d groups, %d rules", len(n.VPCs), len(n.Subnets), len(n.ENIs), len(n.SecurityGroups), rules)
	}
}

func TestDeterministic(t *testing.T) {
	small := Size{VPCs: 3, SubnetsPerVPC: 4, ENIsPerSubnet: 3, GroupsPerVPC: 2, RulesPerGroup: 3, PublicFraction: 2}
	if !reflect.DeepEqual(Account(small, 7), Account(small, 7)) {
		t.Error("two runs with one seed differ")
	}
}
