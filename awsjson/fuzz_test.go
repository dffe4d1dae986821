package awsjson

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary contents to every kind of file: Load must never
// panic, and must return either a network or an error diagnostic.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"test-load-balancer", "test-transit-gateway-peering", "test-nat-gateway", "test-vpc-endpoint-interface"} {
		paths, _ := filepath.Glob(filepath.Join(fixtures, dir, "aws_configs", "**", "*.json"))
		more, _ := filepath.Glob(filepath.Join(fixtures, dir, "aws_configs", "*.json"))
		for _, p := range append(paths, more...) {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(uint8(0), src)
			}
		}
	}
	f.Add(uint8(3), []byte(`{"RouteTables":[{"RouteTableId":"rtb-1","Routes":[{"InstanceId":"i-1","DestinationCidrBlock":"0.0.0.0/0"}]}]}`))
	f.Add(uint8(0), []byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"Protocol":"47","RuleNumber":1,"IcmpTypeCode":{"Type":-1}}]}]}`))
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		// The same contents under every name: a kind reads only the keys
		// it knows, and per-table kinds also read the id in the name.
		k := kinds[int(which)%len(kinds)]
		name := k.command + ".tgw-rtb-1.pl-1.json"
		fsys := fstest.MapFS{
			name: {Data: src},
			"accounts/1/us-east-1/" + k.batfish + ".json": {Data: src},
			"describe-target-groups.json":                 {Data: []byte(`{"TargetGroups":[{"TargetGroupName":"tgw-rtb-1.pl-1","TargetGroupArn":"a"}]}`)},
		}
		r, diags := Load(fsys, "", "fuzz")
		if r.Network == nil && !diags.HasErrors() {
			t.Fatal("no network and no error")
		}
	})
}
