package analyze

import (
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

// overlapping is two accounts whose VPCs both use 10.0.0.0/16, as every
// account's default VPC uses 172.31.0.0/16: subnet/a and subnet/b are both
// 10.0.1.0/24, and eni/a and eni/b both hold 10.0.1.10. Account A's comes
// first in every list, has no public address and admits nothing; account
// B's has a public IPv4 address, and eni/b2 (10.0.1.20) sits next to it.
func overlapping(t *testing.T) *Index {
	t.Helper()
	var b netb
	b.vpc("a", "10.0.0.0/16")
	b.vpc("b", "10.0.0.0/16")
	b.n.VPCs[0].Account, b.n.VPCs[1].Account = "111111111111", "222222222222"
	b.n.InternetGateways = []model.InternetGateway{{Addr: "igw/a", VPC: "vpc/a"}, {Addr: "igw/b", VPC: "vpc/b"}}
	b.subnet("a", "a", "10.0.1.0/24", "use1-az1", route("0.0.0.0/0", model.TargetIGW, "igw/a"))
	b.subnet("b", "b", "10.0.1.0/24", "use1-az1", route("0.0.0.0/0", model.TargetIGW, "igw/b"))
	b.n.SecurityGroups[0].Ingress = nil
	b.n.ENIs[1].HasPublicIP, b.n.ENIs[1].PublicIP = true, ip("198.51.100.7")
	b.n.ENIs = append(b.n.ENIs, model.ENI{Addr: "eni/b2", Subnet: "subnet/b", PrivateIP: ip("10.0.1.20"), SecurityGroups: []model.ResourceRef{"sg/b"}, SourceDestCheck: true})
	n, d := model.Finish(model.Input{Network: &b.n})
	if n == nil || len(d) != 0 {
		t.Fatalf("Finish: %v", d)
	}
	return NewIndex(n)
}

// A private address names an interface only inside its VPC: two VPCs may
// hold the same private range, they just cannot be peered
// (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html:
// "If they overlap, the status of the VPC peering connection immediately
// goes to failed"). The analyzer used to index
// addresses across the whole network, so account B's packet to 10.0.1.10
// found account A's interface, decided no interface of vpc/b held the
// address, and was dropped.
func TestOverlappingAccountsReachTheirOwnInterface(t *testing.T) {
	ix := overlapping(t)
	p := onlyPath(t, reach(t, ix, "eni/b2", "10.0.1.10", model.TCP, 443))
	if !p.Reachable {
		t.Fatalf("eni/b2 -> 10.0.1.10 blocked: %v\n%s", p.Blockers, hopText(p.Forward))
	}
	if p.Flow.Dst.Addr != "eni/b" {
		t.Errorf("10.0.1.10 from eni/b2 names %s, want eni/b", p.Flow.Dst.Addr)
	}
	if last := p.Forward[len(p.Forward)-1]; last.Resource != "eni/b" || last.Kind != "sg-ingress" {
		t.Errorf("not admitted by vpc/b's own eni/b:\n%s", hopText(p.Forward))
	}
	if strings.Contains(hopText(p.Forward), "eni/a") || strings.Contains(hopText(p.Forward), "sg/a") {
		t.Errorf("the path consults account A:\n%s", hopText(p.Forward))
	}
}

// An interface with a public IPv4 address leaves through the internet
// gateway with that address (1:1 NAT,
// https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html).
// The analyzer used to judge eni/b by account A's eni/a, which holds the
// same private address and no public one, and blocked it.
func TestOverlappingAccountsJudgePublicAddressByOwnInterface(t *testing.T) {
	ix := overlapping(t)
	p := onlyPath(t, reach(t, ix, "eni/b", "203.0.113.9", model.TCP, 443))
	if !p.Reachable {
		t.Fatalf("eni/b -> the internet blocked: %v\n%s", p.Blockers, hopText(p.Forward))
	}
	h, ok := findHop(p.Forward, "igw/b", "igw")
	if !ok || !strings.Contains(h.Rule, "198.51.100.7") || !strings.Contains(h.Rule, "eni/b") {
		t.Errorf("igw/b hop %q, want 1:1 NAT to eni/b's 198.51.100.7:\n%s", h.Rule, hopText(p.Forward))
	}
}
