package awsjson

import (
	"encoding/json"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/moatnet/moat/model"
)

// fixtures is where the Batfish AWS snapshots live (testdata/batfish/NOTICE).
const fixtures = "../testdata/batfish"

func fixtureDirs(t *testing.T) []string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(fixtures, "test-*", "aws_configs"))
	if len(dirs) == 0 {
		t.Fatalf("no Batfish fixtures under %s (testdata/batfish ships with the module)", fixtures)
	}
	slices.Sort(dirs)
	return dirs
}

// counts are what the fixture JSON holds, counted independently of the
// importer: unique ids per kind, and routes summed over route tables.
type counts struct {
	VPCs, Subnets, ENIs, SGs, Routes, NACLEntries, Instances int
}

func countJSON(t *testing.T, dir string) counts {
	t.Helper()
	ids := map[string]map[string]bool{}
	add := func(kind, id string) {
		if ids[kind] == nil {
			ids[kind] = map[string]bool{}
		}
		ids[kind][id] = true
	}
	var c counts
	routesSeen := map[string]bool{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string][]map[string]any
		if json.Unmarshal(src, &doc) != nil {
			return nil
		}
		for _, x := range doc["Vpcs"] {
			add("vpc", x["VpcId"].(string))
		}
		for _, x := range doc["Subnets"] {
			add("subnet", x["SubnetId"].(string))
		}
		for _, x := range doc["NetworkInterfaces"] {
			add("eni", x["NetworkInterfaceId"].(string))
		}
		for _, r := range doc["Reservations"] {
			for _, in := range r["Instances"].([]any) {
				if in.(map[string]any)["State"].(map[string]any)["Name"] != "terminated" {
					add("i", in.(map[string]any)["InstanceId"].(string))
				}
				for _, e := range in.(map[string]any)["NetworkInterfaces"].([]any) {
					add("eni", e.(map[string]any)["NetworkInterfaceId"].(string))
				}
			}
		}
		for _, x := range doc["SecurityGroups"] {
			add("sg", x["GroupId"].(string))
		}
		for _, x := range doc["RouteTables"] {
			id := x["RouteTableId"].(string)
			if !routesSeen[id] {
				routesSeen[id] = true
				c.Routes += len(x["Routes"].([]any))
			}
		}
		for _, x := range doc["NetworkAcls"] {
			id := x["NetworkAclId"].(string)
			if !routesSeen[id] {
				routesSeen[id] = true
				c.NACLEntries += len(x["Entries"].([]any))
			}
		}
		return nil
	})
	c.VPCs, c.Subnets, c.ENIs, c.SGs, c.Instances = len(ids["vpc"]), len(ids["subnet"]), len(ids["eni"]), len(ids["sg"]), len(ids["i"])
	return c
}

func TestLoadEveryBatfishFixture(t *testing.T) {
	for _, dir := range fixtureDirs(t) {
		name := filepath.Base(filepath.Dir(dir))
		t.Run(name, func(t *testing.T) {
			r, diags := Load(os.DirFS(dir), dir, name)
			if diags.HasErrors() || r.Network == nil {
				t.Fatalf("errors: %v", diags)
			}
			n := r.Network
			routes, entries := 0, 0
			for _, rt := range n.RouteTables {
				for _, x := range rt.Routes {
					if !x.Propagated { // added for PropagatingVgws, not in the JSON
						routes++
					}
				}
			}
			for _, a := range n.NetworkACLs {
				entries += len(a.Entries)
			}
			got := counts{len(n.VPCs), len(n.Subnets), len(n.ENIs), len(n.SecurityGroups), routes, entries, len(n.Instances)}
			if diff := cmp.Diff(countJSON(t, dir), got); diff != "" {
				t.Errorf("counts (-json +imported):\n%s", diff)
			}
			t.Logf("%s: %+v, %d TGWs, %d TGW attachments, %d TGW route tables, %d LBs, %d TGs, %d endpoints, %d peerings; ignored %d files; %d warnings",
				name, got, len(n.TransitGateways), len(n.TGWAttachments), len(n.TGWRouteTables), len(n.LoadBalancers), len(n.TargetGroups), len(n.Endpoints), len(n.PeeringConnections), len(r.Ignored), len(diags))
			for _, d := range diags {
				t.Logf("  %s: %s", d.Range, d.Summary)
			}
			checkRefs(t, n)
		})
	}
}

// checkRefs checks the references the analyzer follows resolve.
func checkRefs(t *testing.T, n *model.Network) {
	t.Helper()
	for _, s := range n.Subnets {
		if _, ok := n.RouteTable(s.RouteTable); !ok {
			t.Errorf("subnet %s: route table %q not found", s.Addr, s.RouteTable)
		}
		if _, ok := n.NetworkACL(s.NACL); !ok && len(n.NetworkACLs) > 0 {
			t.Errorf("subnet %s: network ACL %q not found", s.Addr, s.NACL)
		}
	}
	for _, e := range n.ENIs {
		for _, g := range e.SecurityGroups {
			if _, ok := n.SecurityGroup(g); !ok && e.Type == "interface" {
				t.Errorf("eni %s: security group %s not found", e.Addr, g)
			}
		}
	}
	for _, in := range n.Instances {
		for _, e := range in.ENIs {
			if _, ok := n.ENI(e); !ok {
				t.Errorf("instance %s: eni %s not found", in.Addr, e)
			}
		}
	}
}

func TestFileNames(t *testing.T) {
	for _, tc := range []struct{ base, command, id string }{
		{"Vpcs.json", "describe-vpcs", ""},
		{"describe-vpcs.json", "describe-vpcs", ""},
		{"describe-vpc-endpoints.json", "describe-vpc-endpoints", ""},
		{"describe-transit-gateway-vpc-attachments.json", "describe-transit-gateway-vpc-attachments", ""},
		{"describe-transit-gateways.json", "describe-transit-gateways", ""},
		{"search-transit-gateway-routes.tgw-rtb-0abc.json", "search-transit-gateway-routes", "tgw-rtb-0abc"},
		{"get-managed-prefix-list-entries-pl-12ab.json", "get-managed-prefix-list-entries", "pl-12ab"},
		{"describe-target-health.web.json", "describe-target-health", "web"},
		{"describe-instances.2.json", "describe-instances", ""},
		{"TransitGatewayStaticRoutes.json", "search-transit-gateway-routes", ""},
	} {
		k, id, ok := kindOf(tc.base)
		if !ok || k.command != tc.command || id != tc.id {
			t.Errorf("kindOf(%q) = %q, %q, %v; want %q, %q", tc.base, k.command, id, ok, tc.command, tc.id)
		}
	}
	for _, base := range []string{"describe-vpcsx.json", "Vpcs.yaml", "notes.txt", "RdsInstances.json", "describe-vpc.json"} {
		if k, _, ok := kindOf(base); ok {
			t.Errorf("kindOf(%q) = %q, want not recognised", base, k.command)
		}
	}
}

func TestMalformedJSONHasLineAndColumn(t *testing.T) {
	fsys := fstest.MapFS{
		"describe-vpcs.json":    {Data: []byte("{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\",}\n  ]\n}\n")},
		"describe-subnets.json": {Data: []byte("{\"Subnets\": [{\"MapPublicIpOnLaunch\": \"yes\"}]}")},
		"notes.txt":             {Data: []byte("hi")},
	}
	r, diags := Load(fsys, "dump", "x")
	if r.Network != nil {
		t.Error("a network despite errors")
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.Range.String()+": "+d.Summary)
	}
	want := []string{
		`dump/describe-subnets.json:1:38: invalid JSON: Subnets.MapPublicIpOnLaunch is string, want bool`,
		`dump/describe-vpcs.json:3:23: invalid JSON: invalid character '}' looking for beginning of object key string`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if !slices.Equal(r.Ignored, []string{"dump/notes.txt"}) {
		t.Errorf("ignored %v", r.Ignored)
	}
	if _, ok := r.Sources["dump/describe-vpcs.json"]; !ok {
		t.Error("no source for the malformed file")
	}
}

func TestScopeFromPath(t *testing.T) {
	for p, want := range map[string]scope{
		"Vpcs.json":                             {},
		"us-east-1/Vpcs.json":                   {region: "us-east-1"},
		"accounts/111/us-west-1/Vpcs.json":      {account: "111", region: "us-west-1"},
		"123456789012/eu-central-1/x/Vpcs.json": {account: "123456789012", region: "eu-central-1"},
		"us-gov-west-1/Vpcs.json":               {region: "us-gov-west-1"},
	} {
		if got := scopeOf(p); got != want {
			t.Errorf("scopeOf(%q) = %+v, want %+v", p, got, want)
		}
	}
}

func TestTGWPeeringIsAddressedPerSideAndDeterministic(t *testing.T) {
	dir := filepath.Join(fixtures, "test-transit-gateway-peering", "aws_configs")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no fixture")
	}
	r, _ := Load(os.DirFS(dir), dir, "x")
	again, _ := Load(os.DirFS(dir), dir, "x")
	if diff := cmp.Diff(r.Network, again.Network, cmpopts.IgnoreUnexported(model.Network{}), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("two loads differ:\n%s", diff)
	}
	var sides []model.ResourceRef
	for _, at := range r.Network.TGWAttachments {
		if at.Kind == model.TGWAttachPeering {
			sides = append(sides, at.Addr)
			if at.PeerTGW == "" || at.PeerTGW == at.TGW || at.RouteTable == "" {
				t.Errorf("peering side %+v", at)
			}
		}
	}
	want := []model.ResourceRef{
		"tgw-attach/tgw-attach-012e5d602f859dd80/tgw-03201f1960ddb0c25",
		"tgw-attach/tgw-attach-012e5d602f859dd80/tgw-0e20010ebf43d07a2",
	}
	if diff := cmp.Diff(want, sides); diff != "" {
		t.Errorf("peering sides (-want +got):\n%s", diff)
	}
	for _, v := range r.Network.VPCs {
		if v.Account == "" || v.Region == "" {
			t.Errorf("vpc %s: account %q region %q", v.Addr, v.Account, v.Region)
		}
	}
}
