package analyze

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/moatnet/moat/cfn"
	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/twin"
)

// A rule for an IANA protocol moat has no name for (GRE, 47, which VPN
// appliances use) is carried by the analyzer, the twin and the template
// alike. Security groups and network ACLs take any protocol number
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html);
// ports do not apply to it. The twin used to drop the rule and cfn to
// reject it.
func TestProtocol47EverywhereAlike(t *testing.T) {
	n := compiled(t, "examples/webapp.yaml")
	gre := model.ProtocolNumber(47)
	for _, a := range []model.ResourceRef{"nacl/private", "nacl/isolated"} {
		acl, _ := n.NetworkACL(a)
		for _, egress := range []bool{false, true} {
			acl.Entries = append(acl.Entries, model.NACLEntry{RuleNumber: 90, Egress: egress, Protocol: gre, CIDR: netip.MustParsePrefix("10.0.0.0/16"), Action: model.Allow})
		}
	}
	g, _ := n.SecurityGroup("sg/db")
	g.Ingress = append(g.Ingress, model.SGRule{Protocol: gre, Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/service"}})
	sg, _ := n.SecurityGroup("sg/service")
	sg.Egress = append(sg.Egress, model.SGRule{Protocol: gre, Peer: model.Peer{Kind: model.PeerGroup, Group: "sg/db"}})

	ix := NewIndex(n)
	for _, proto := range []model.Protocol{model.MustParseProtocol("47"), gre} {
		a, err := ix.Reach(Question{From: "eni/service/use1-az1", To: "eni/db/use1-az1", Proto: proto})
		if err != nil {
			t.Fatal(err)
		}
		if a.Verdict != Reachable {
			t.Fatalf("GRE service -> db: %s: %+v", a.Verdict, a.Paths[0].Blockers)
		}
	}
	if a, _ := ix.Reach(Question{From: "eni/alb/use1-az1", To: "eni/db/use1-az1", Proto: gre}); a.Verdict != Blocked {
		t.Errorf("GRE alb -> db: %s, want blocked (sg/db admits GRE from sg/service only)", a.Verdict)
	}

	tmpl, ds := cfn.FromNetwork(n)
	if ds.HasErrors() {
		t.Fatalf("the template rejects the GRE rules: %v", ds)
	}
	y, err := tmpl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), "Protocol: 47") || !strings.Contains(string(y), "IpProtocol: \"47\"") {
		t.Errorf("the template does not carry protocol 47 in the ACL entry and the group rule")
	}

	p, ds := twin.Build(n, "gre")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	found := false
	for _, ns := range p.Namespaces {
		if strings.Contains(ns.NFT, "meta l4proto 47") {
			found = true
		}
	}
	if !found {
		t.Errorf("the twin's rulesets do not carry protocol 47; warnings: %v", p.Warnings)
	}
}
