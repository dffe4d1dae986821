package cfnimport

import (
	"net/netip"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/moatnet/moat/model"
)

// A hand-written firewall, not moat's: one firewall over two subnets,
// 5-tuple rules with variables, port ranges and lists, a deny list, a
// managed rule group, and the default action order.
const foreignFirewall = `Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.9.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.9.0.0/28, AvailabilityZoneId: use1-az1}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.9.0.16/28, AvailabilityZoneId: use1-az2}}
  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  ToFw:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Rt
      DestinationCidrBlock: 0.0.0.0/0
      VpcEndpointId: !Select [1, !Split [":", !Select [0, !GetAtt Inspect.EndpointIds]]]
  Inspect:
    Type: AWS::NetworkFirewall::Firewall
    Properties:
      FirewallPolicyArn: !Ref Pol
      VpcId: !Ref Vpc
      SubnetMappings: [{SubnetId: !Ref A}, {SubnetId: !Ref B}]
  Logs:
    Type: AWS::NetworkFirewall::LoggingConfiguration
    Properties:
      FirewallArn: !Ref Inspect
      LoggingConfiguration:
        LogDestinationConfigs:
          - {LogType: ALERT, LogDestinationType: S3, LogDestination: {bucketName: audit, prefix: fw}}
  Pol:
    Type: AWS::NetworkFirewall::FirewallPolicy
    Properties:
      FirewallPolicy:
        StatelessDefaultActions: [aws:forward_to_sfe]
        StatefulRuleGroupReferences:
          - {ResourceArn: !Ref Deny}
          - {ResourceArn: !Ref Tuples}
          - {ResourceArn: arn:aws:network-firewall:us-east-1:aws-managed:stateful-rulegroup/MalwareDomains}
  Deny:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      Type: STATEFUL
      RuleGroup:
        RulesSource:
          RulesSourceList: {GeneratedRulesType: DENYLIST, TargetTypes: [TLS_SNI, HTTP_HOST], Targets: [.evil.example]}
  Tuples:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      Type: STATEFUL
      RuleGroup:
        RuleVariables:
          IPSets: {PARTNERS: {Definition: [192.0.2.0/24, 198.51.100.7]}}
        RulesSource:
          StatefulRules:
            - Action: PASS
              Header: {Protocol: TCP, Source: $HOME_NET, SourcePort: ANY, Direction: FORWARD, Destination: $PARTNERS, DestinationPort: "[443,8443:8444]"}
            - Action: PASS
              Header: {Protocol: UDP, Source: ANY, SourcePort: ANY, Direction: ANY, Destination: ANY, DestinationPort: "53"}
            - Action: REJECT
              Header: {Protocol: IP, Source: ANY, SourcePort: ANY, Direction: ANY, Destination: "!10.0.0.0/8", DestinationPort: ANY}
`

func TestForeignFirewall(t *testing.T) {
	n, d := Parse("fw.yaml", []byte(foreignFirewall), "fw")
	if d.HasErrors() {
		t.Fatal(d)
	}
	var warnings []string
	for _, w := range d {
		warnings = append(warnings, w.Summary)
	}
	for _, want := range []string{"MalwareDomains", `destination "!10.0.0.0/8"`} {
		if !strings.Contains(strings.Join(warnings, "\n"), want) {
			t.Errorf("no warning about %s in %q", want, warnings)
		}
	}
	if len(n.Firewalls) != 1 {
		t.Fatalf("firewalls = %+v", n.Firewalls)
	}
	tcp := func(dest string, p model.PortRange) model.FirewallRule {
		return model.FirewallRule{Action: model.FirewallPass, Protocol: model.TCP, Dest: mustPrefix(dest), Ports: p}
	}
	want := model.Firewall{
		Addr: "firewall/Inspect", VPC: "vpc/Vpc", Subnets: []model.ResourceRef{"subnet/A", "subnet/B"},
		// Default action order: pass rules run before drop rules.
		Rules: []model.FirewallRule{
			tcp("192.0.2.0/24", model.Port(443)), tcp("192.0.2.0/24", model.PortRange{From: 8443, To: 8444}),
			tcp("198.51.100.7/32", model.Port(443)), tcp("198.51.100.7/32", model.PortRange{From: 8443, To: 8444}),
			{Action: model.FirewallPass, Protocol: model.UDP, Ports: model.Port(53)},
			{Action: model.FirewallDrop, Protocol: model.TCP, Ports: model.Port(443), Domains: []string{".evil.example"}},
			{Action: model.FirewallDrop, Protocol: model.TCP, Ports: model.Port(80), Domains: []string{".evil.example"}},
		},
		DefaultAction: model.FirewallPass,
		Logs:          []model.FirewallLog{{Type: "ALERT", Destination: "s3", Target: "audit/fw"}},
	}
	if diff := gocmp.Diff(want, n.Firewalls[0], gocmp.Comparer(func(a, b model.FirewallRule) bool {
		return a.Action == b.Action && a.Protocol == b.Protocol && a.Dest == b.Dest && a.Ports == b.Ports && gocmp.Equal(a.Domains, b.Domains)
	})); diff != "" {
		t.Errorf("firewall (-want +got):\n%s", diff)
	}
	rt, _ := n.RouteTable("rtb/Rt")
	if r := rt.Routes[len(rt.Routes)-1]; r.TargetKind != model.TargetFirewall || r.Target != "firewall/Inspect" {
		t.Errorf("route to the firewall = %+v", r)
	}
}

func mustPrefix(s string) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	return netip.MustParsePrefix(s)
}
