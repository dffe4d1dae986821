package model

import (
	"net/netip"
	"testing"
)

func TestUsableAddressesSubtractsAWSReserved(t *testing.T) {
	for cidr, want := range map[string]int{"10.0.0.0/16": 65531, "10.0.0.0/24": 251, "10.0.0.0/28": 11, "2001:db8::/64": 0} {
		if got := UsableAddresses(netip.MustParsePrefix(cidr)); got != want {
			t.Errorf("UsableAddresses(%s) = %d, want %d", cidr, got, want)
		}
	}
}

func TestAddressAndPorts(t *testing.T) {
	a := JoinRef("subnet", "private", "use1-az2")
	if a != "subnet/private/use1-az2" || a.Kind() != "subnet" || a.IsZero() {
		t.Errorf("Addr = %q kind %q", a, a.Kind())
	}
	if ResourceRef("db").Kind() != "db" {
		t.Error("single-segment kind")
	}
	if !AnyPort.Contains(0) || !AnyPort.Contains(65535) || Port(443).Contains(444) {
		t.Error("PortRange.Contains")
	}
	for r, want := range map[PortRange]string{Port(443): "443", {1024, 65535}: "1024-65535", AnyPort: "all ports"} {
		if r.String() != want {
			t.Errorf("%v.String() = %q, want %q", r, r.String(), want)
		}
	}
}

func TestLookups(t *testing.T) {
	n := &Network{
		Subnets:        []Subnet{{Addr: "subnet/public/a", Tier: Public}, {Addr: "subnet/private/a", Tier: Private}},
		SecurityGroups: []SecurityGroup{{Addr: "sg/db"}},
	}
	if s, ok := n.Subnet("subnet/private/a"); !ok || s.Tier != Private {
		t.Error("Subnet lookup")
	}
	if _, ok := n.SecurityGroup("sg/none"); ok {
		t.Error("found a missing group")
	}
	if got := n.SubnetsOf(Public); len(got) != 1 || got[0].Addr != "subnet/public/a" {
		t.Errorf("SubnetsOf = %v", got)
	}
}
