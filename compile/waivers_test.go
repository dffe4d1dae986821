package compile

import (
	"slices"
	"testing"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

func waivedRules(n *model.Network, a model.ResourceRef) []string {
	var out []string
	for _, w := range n.Waivers {
		if w.Resource != a {
			continue
		}
		for _, r := range w.Rules {
			out = append(out, string(r.Scanner)+":"+r.ID)
		}
	}
	return out
}

// A deviation is waived only where the design chooses it: dev's database,
// not prod's; the public ALB's group, not an internal one.
func TestWaiversFollowTheDesign(t *testing.T) {
	prod := build(t, webapp())
	if got := waivedRules(prod, DatabaseAddr); len(got) != 0 {
		t.Errorf("prod database waives %v; it is Multi-AZ with deletion protection", got)
	}
	if got := waivedRules(prod, "sg/alb"); !slices.Contains(got, "cfn_nag:W2") || !slices.Contains(got, "checkov:CKV_AWS_260") {
		t.Errorf("public ALB group waives %v, want cfn_nag:W2 and checkov:CKV_AWS_260", got)
	}
	for _, ni := range prod.NATInstances {
		if got := waivedRules(prod, ni.Addr+"/role"); !slices.Contains(got, "cdk_nag:AwsSolutions-IAM4") {
			t.Errorf("%s/role waives %v, want the managed SSM policy explained", ni.Addr, got)
		}
	}
	for _, w := range prod.Waivers {
		if w.Reason == "" || len(w.Rules) == 0 {
			t.Errorf("waiver %+v needs rules and a reason", w)
		}
	}

	s := webapp()
	dev(s)
	d := build(t, s)
	if got := waivedRules(d, DatabaseAddr); !slices.Equal(got, []string{"checkov:CKV_AWS_157", "cdk_nag:AwsSolutions-RDS3", "checkov:CKV_AWS_293", "cdk_nag:AwsSolutions-RDS10"}) {
		t.Errorf("dev database waives %v", got)
	}

	s = webapp()
	s.FrontEnd.InternetFacing = false
	s.FrontEnd.AllowFrom = pfxs("10.0.0.0/16")
	if got := waivedRules(build(t, s), "sg/alb"); len(got) != 0 {
		t.Errorf("internal ALB waives %v", got)
	}
}

// Every auto-scaling group's owner reports to the one topic, with the
// four event types and the spec's address.
func TestScalingTopic(t *testing.T) {
	s := webapp()
	s.Network.NAT.Notify = "ops@example.com"
	n := build(t, s)
	if len(n.Topics) != 1 || n.Topics[0].Email != "ops@example.com" || n.Topics[0].KMSKey != "alias/aws/sns" || len(n.Topics[0].Events) != 4 {
		t.Fatalf("topics %+v", n.Topics)
	}
	for _, ni := range n.NATInstances {
		if ni.Notify != ScalingEventsAddr {
			t.Errorf("%s notifies %q", ni.Addr, ni.Notify)
		}
	}
	s = webapp()
	s.Network.NAT = spec.NAT{Mode: spec.NATGateway}
	if n := build(t, s); len(n.Topics) != 0 {
		t.Errorf("no auto-scaling group, yet topics %+v", n.Topics)
	}
}

// TestHubScalingTopic: an ecs-ec2 service's hosts are an auto-scaling
// group in hub-and-spoke too, and report launches, terminations and
// failed ones to the topic as in a single VPC
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-sns-notifications.html).
// The hub left its hosts unsubscribed and network.nat.notify without
// effect, with no warning: spec accepts notify for an ecs-ec2 service.
func TestHubScalingTopic(t *testing.T) {
	src := []byte(`stack: hub
region: us-east-1
topology: hub-and-spoke
network:
  zones: 2
  nat:
    notify: ops@example.com
egress:
  allow:
    - api.example.com:443
service:
  port: 8080
  kind: ecs-ec2
`)
	st, d := spec.Parse("hub-ec2.yaml", src)
	if d.HasErrors() {
		t.Fatal(d)
	}
	n := build(t, st)
	if len(n.Services) != 1 || n.Services[0].Kind != model.ECSEC2 || n.Services[0].Notify != ScalingEventsAddr {
		t.Fatalf("hub services %+v: want one ecs-ec2 service notifying %s", n.Services, ScalingEventsAddr)
	}
	if len(n.Topics) != 1 || n.Topics[0].Email != "ops@example.com" || len(n.Topics[0].Events) != 4 {
		t.Errorf("hub topics %+v", n.Topics)
	}
}
