package compile

import (
	"testing"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// TestArchitectureFollowsType: NAT instances, ecs-ec2 hosts and EKS nodes
// take their instance type's architecture; Fargate tasks run on Graviton.
func TestArchitectureFollowsType(t *testing.T) {
	for _, tc := range []struct {
		nat, kind, host string
		natArch, svc    model.Architecture
	}{
		{"t4g.nano", "ecs-fargate", "", model.ARM64, model.ARM64},
		{"t3.nano", "ecs-ec2", "m5.large", model.X86, model.X86},
		{"t3a.micro", "eks", "c6gn.large", model.X86, model.ARM64},
		{"c7gn.medium", "ecs-ec2", "c7i.xlarge", model.ARM64, model.X86},
	} {
		s := webapp()
		s.Network.NAT.InstanceType = tc.nat
		s.Service.Kind, s.Service.InstanceType = model.ServiceKind(tc.kind), tc.host
		s.Bastion = &spec.Bastion{Mode: model.BastionSSM}
		n := build(t, s)
		for _, ni := range n.NATInstances {
			if ni.Architecture != tc.natArch {
				t.Errorf("nat %s: %s is %q, want %q", tc.nat, ni.Addr, ni.Architecture, tc.natArch)
			}
		}
		if got := n.Services[0].Architecture; got != tc.svc {
			t.Errorf("%s on %s: architecture %q, want %q", tc.kind, tc.host, got, tc.svc)
		}
		if b := n.Bastions[0]; b.InstanceType != BastionInstanceType || b.Architecture != model.ARM64 {
			t.Errorf("bastion: %s %q", b.InstanceType, b.Architecture)
		}
	}
	// A type the spec did not vet is an error at its place, naming the
	// nearest known types.
	s := webapp()
	s.Network.NAT.InstanceType = "t3.nanoo"
	if _, d := Compile(s); !d.HasErrors() || len(d) == 0 || d[0].Summary != "moat does not know the instance type t3.nanoo" {
		t.Errorf("unknown NAT type: %v", d)
	}
}
