package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
)

func TestExistingDiagnostics(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []want
	}{
		{"not a VPC ID", base + "network:\n  existing: vpc-xyz\n", []want{e(4, 13, `network.existing "vpc-xyz" is not a VPC ID`, "describe-vpcs")}},
		{"a subnet ID as the VPC", base + "network:\n  existing: subnet-0a1b2c3d\n", []want{e(4, 13, "is not a VPC ID")}},
		{"keys that do not apply", base + "network:\n  existing: vpc-0a1b2c3d\n  cidr: 10.0.0.0/16\n  zones: 2\n  nat: gateway\n  ipv6: true\n", []want{
			e(5, 3, "network.cidr does not apply with network.existing"),
			e(6, 3, "network.zones does not apply", "name subnets under network.subnets"),
			e(7, 3, "network.nat does not apply", "does not add NAT"),
			e(8, 3, "network.ipv6 does not apply"),
		}},
		{"subnets as sizes", base + "network:\n  existing: vpc-0a1b2c3d\n  subnets:\n    private: {size: 20}\n", []want{
			e(6, 5, "network.subnets.private must be a list of subnet IDs"),
		}},
		{"bad and repeated subnet IDs", base + "network:\n  existing: vpc-0a1b2c3d\n  subnets:\n    private: [subnet-0a1b2c3d, subnet-q]\n    isolated: [subnet-0a1b2c3d]\n", []want{
			e(6, 32, `network.subnets.private[1] "subnet-q" is not a subnet ID`),
			e(7, 16, "network.subnets.isolated[0] subnet-0a1b2c3d is already listed at network.subnets.private[0]"),
		}},
		{"empty tier", base + "network:\n  existing: vpc-0a1b2c3d\n  subnets:\n    public: []\n", []want{e(6, 13, "network.subnets.public is an empty list")}},
		{"hub-and-spoke", base + "network:\n  existing: vpc-0a1b2c3d\ntopology: hub-and-spoke\nservice:\n  port: 8080\n", []want{
			e(4, 13, "topology hub-and-spoke creates its own VPCs"),
		}},
		{"valid", base + "network:\n  existing: vpc-0a1b2c3d4e5f67890\n  subnets:\n    private: [subnet-0a1b2c3d]\n  flow_logs: {retention_days: 90}\nservice:\n  port: 8080\n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Parse("t.yaml", []byte(tc.src))
			if !matches(t, ds, tc.want) {
				t.Logf("source:\n%s\ngot:\n%s", tc.src, render(ds, tc.src))
			}
		})
	}
}

func TestExistingReadsIDs(t *testing.T) {
	src := base + "network:\n  existing: vpc-0a1b2c3d\n  subnets:\n    private: [subnet-0000000a, subnet-0000000b]\n    isolated: [subnet-0000000c]\n"
	st, ds := Parse("t.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	n := st.Network
	if !n.IsExisting() || n.Existing != "vpc-0a1b2c3d" || n.CIDR.IsValid() || n.NAT.Mode != NATNone {
		t.Errorf("network = %+v; want existing vpc-0a1b2c3d, no CIDR, no NAT", n)
	}
	want := map[model.Tier][]string{model.Private: {"subnet-0000000a", "subnet-0000000b"}, model.Isolated: {"subnet-0000000c"}}
	if d := cmp.Diff(want, n.ExistingSubnets); d != "" {
		t.Errorf("subnets (-want +got):\n%s", d)
	}
	if r := st.Where(ExistingPath(model.Private, 1)); r.Start.Line != 6 || r.Start.Column != 32 {
		t.Errorf("private[1] at %v, want 6:32", r.Start)
	}
}
