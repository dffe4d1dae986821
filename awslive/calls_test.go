package awslive_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/awslive"
)

// iamPrefix is the IAM service prefix of each SDK service id
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
var iamPrefix = map[string]string{
	"EC2":                       "ec2",
	"Elastic Load Balancing v2": "elasticloadbalancing",
	"STS":                       "sts",
	"CloudFormation":            "cloudformation",
	"S3":                        "s3",
	"CloudWatch Logs":           "logs",
}

// recorder is middleware that notes every operation a client sends.
type recorder struct {
	mu                  sync.Mutex
	ops                 []string
	inFlight, maxFlight int
}

func (r *recorder) option(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("moat-record", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		r.mu.Lock()
		svc := awsmiddleware.GetServiceID(ctx)
		p, ok := iamPrefix[svc]
		if !ok {
			p = "unknown(" + svc + ")"
		}
		r.ops = append(r.ops, p+":"+awsmiddleware.GetOperationName(ctx))
		r.inFlight++
		r.maxFlight = max(r.maxFlight, r.inFlight)
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			r.inFlight--
			r.mu.Unlock()
		}()
		return next.HandleInitialize(ctx, in)
	}), middleware.After)
}

func (r *recorder) actions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := slices.Clone(r.ops)
	slices.Sort(a)
	return slices.Compact(a)
}

// buildExtras adds what makes every follow-up call run: a Transit Gateway
// route table, a managed prefix list, a load balancer with a listener and
// a target group.
func buildExtras(t *testing.T, b built) {
	t.Helper()
	defer catch(t)
	cfg := must(config.LoadDefaultConfig(bg, rereading))
	c := ec2.NewFromConfig(cfg)
	tgw := must(c.CreateTransitGateway(bg, &ec2.CreateTransitGatewayInput{}))
	must(c.CreateTransitGatewayRouteTable(bg, &ec2.CreateTransitGatewayRouteTableInput{TransitGatewayId: tgw.TransitGateway.TransitGatewayId}))
	must(c.CreateManagedPrefixList(bg, &ec2.CreateManagedPrefixListInput{
		PrefixListName: aws.String("office"), AddressFamily: aws.String("IPv4"), MaxEntries: aws.Int32(5),
		Entries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("198.51.100.0/24")}},
	}))
	second := must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: &b.vpc, CidrBlock: aws.String("10.0.3.0/24"), AvailabilityZone: aws.String("us-east-1b")}))
	e := elb.NewFromConfig(cfg)
	lb := must(e.CreateLoadBalancer(bg, &elb.CreateLoadBalancerInput{
		Name: aws.String("web"), Subnets: []string{b.public, *second.Subnet.SubnetId}, SecurityGroups: []string{b.webSG},
	}))
	tg := must(e.CreateTargetGroup(bg, &elb.CreateTargetGroupInput{
		Name: aws.String("app"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080), VpcId: &b.vpc, TargetType: elbtypes.TargetTypeEnumIp,
	}))
	must(e.CreateListener(bg, &elb.CreateListenerInput{
		LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroups[0].TargetGroupArn}},
	}))
}

// TestPolicyIsWhatReadCalls records the operations a read of an account
// holding one of everything makes, and checks they are exactly the
// policy's actions, with sts:GetCallerIdentity, which needs no
// permission (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
func TestPolicyIsWhatReadCalls(t *testing.T) {
	needMoto(t)
	b := buildNetwork(t)
	buildExtras(t, b)
	var rec recorder
	// --region all lists the Regions first.
	all, err := awslive.Accounts(bg, awslive.Options{Regions: []string{awslive.AllRegions}, APIOptions: []func(*middleware.Stack) error{rec.option}})
	if err != nil {
		t.Fatal(err)
	}
	if r := all[0].Regions; len(r) < 10 || !slices.Contains(r, "us-east-1") || !slices.IsSorted(r) {
		t.Errorf("--region all read Regions %v, want moto's, sorted", r)
	}
	if _, err := awslive.Accounts(bg, awslive.Options{Regions: []string{awslive.AllRegions, "us-east-1"}}); err == nil || !strings.Contains(err.Error(), "give it alone") {
		t.Errorf("--region all with another Region: %v", err)
	}
	snap, _ := readLive(t, awslive.Options{Concurrency: 2, APIOptions: []func(*middleware.Stack) error{rec.option}})
	if rec.maxFlight > 2 || rec.maxFlight < 1 {
		t.Errorf("%d calls were in flight at once, want at most Concurrency, 2", rec.maxFlight)
	}
	want := append(awslive.Actions(), "sts:GetCallerIdentity")
	slices.Sort(want)
	got := rec.actions()
	if !slices.Equal(got, want) {
		t.Errorf("calls made:\n  %s\nwant the policy's:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	nr, nd := awsjson.Load(snap.FS(), "aws", "aws")
	n := load(t, nr, nd)
	if len(n.LoadBalancers) != 1 || len(n.TransitGateways) != 1 {
		t.Errorf("read %d load balancers and %d Transit Gateways, want 1 and 1", len(n.LoadBalancers), len(n.TransitGateways))
	}
	// Each per-table follow-up wrote its file.
	var perTable []string
	for _, p := range snap.Paths() {
		base := p[strings.LastIndex(p, "/")+1:]
		for _, prefix := range []string{"search-transit-gateway-routes.tgw-rtb-", "get-transit-gateway-route-table-associations.tgw-rtb-",
			"get-transit-gateway-route-table-propagations.tgw-rtb-", "get-managed-prefix-list-entries.pl-", "describe-listeners.web.json", "describe-target-health.app.json"} {
			if strings.HasPrefix(base, prefix) {
				perTable = append(perTable, prefix)
			}
		}
	}
	slices.Sort(perTable)
	if len(slices.Compact(perTable)) != 6 {
		t.Errorf("per-table files = %v, want one of each kind; paths: %v", perTable, snap.Paths())
	}
}
