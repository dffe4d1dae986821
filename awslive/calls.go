package awslive

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Call is one entry of the table the reader runs and the IAM policy is
// made from: the file it writes and every API action it makes.
type Call struct {
	// File is the describe-* file (without .json) the call writes; per-
	// table follow-ups write File.<id>.json.
	File string
	// Actions are the IAM actions (service:Operation) the call makes,
	// the follow-ups included. Each is read-only.
	Actions []string
	run     func(ctx context.Context, c *clients, w *regionWriter) error
}

// clients are one account and Region's SDK clients.
type clients struct {
	ec2 *ec2.Client
	elb *elb.Client
}

// pager is what every SDK paginator offers.
type pager[O, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...Opt) (O, error)
}

// pages collects every page's items.
func pages[O, Opt, T any](ctx context.Context, p pager[O, Opt], items func(O) []T) ([]T, error) {
	all := []T{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, items(out)...)
	}
	return all, nil
}

// list is a call that pages through one EC2 Describe API and writes its
// items under key, the top-level key the CLI prints.
func list[O, T any](file, action, key string, newPager func(*ec2.Client) pager[O, func(*ec2.Options)], items func(O) []T) Call {
	return Call{File: file, Actions: []string{"ec2:" + action}, run: func(ctx context.Context, c *clients, w *regionWriter) error {
		all, err := pages(ctx, newPager(c.ec2), items)
		if err != nil {
			return err
		}
		return w.put(file, key, all)
	}}
}

// Calls is every call the reader makes, in the order the files are
// written. Policy is made from it, so the policy names exactly what the
// reader calls (a test against moto records the calls made).
var Calls = []Call{
	list("describe-vpcs", "DescribeVpcs", "Vpcs",
		func(c *ec2.Client) pager[*ec2.DescribeVpcsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{})
		}, func(o *ec2.DescribeVpcsOutput) []ec2types.Vpc { return o.Vpcs }),
	list("describe-subnets", "DescribeSubnets", "Subnets",
		func(c *ec2.Client) pager[*ec2.DescribeSubnetsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{})
		}, func(o *ec2.DescribeSubnetsOutput) []ec2types.Subnet { return o.Subnets }),
	list("describe-route-tables", "DescribeRouteTables", "RouteTables",
		func(c *ec2.Client) pager[*ec2.DescribeRouteTablesOutput, func(*ec2.Options)] {
			return ec2.NewDescribeRouteTablesPaginator(c, &ec2.DescribeRouteTablesInput{})
		}, func(o *ec2.DescribeRouteTablesOutput) []ec2types.RouteTable { return o.RouteTables }),
	list("describe-internet-gateways", "DescribeInternetGateways", "InternetGateways",
		func(c *ec2.Client) pager[*ec2.DescribeInternetGatewaysOutput, func(*ec2.Options)] {
			return ec2.NewDescribeInternetGatewaysPaginator(c, &ec2.DescribeInternetGatewaysInput{})
		}, func(o *ec2.DescribeInternetGatewaysOutput) []ec2types.InternetGateway { return o.InternetGateways }),
	list("describe-egress-only-internet-gateways", "DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways",
		func(c *ec2.Client) pager[*ec2.DescribeEgressOnlyInternetGatewaysOutput, func(*ec2.Options)] {
			return ec2.NewDescribeEgressOnlyInternetGatewaysPaginator(c, &ec2.DescribeEgressOnlyInternetGatewaysInput{})
		}, func(o *ec2.DescribeEgressOnlyInternetGatewaysOutput) []ec2types.EgressOnlyInternetGateway {
			return o.EgressOnlyInternetGateways
		}),
	list("describe-nat-gateways", "DescribeNatGateways", "NatGateways",
		func(c *ec2.Client) pager[*ec2.DescribeNatGatewaysOutput, func(*ec2.Options)] {
			return ec2.NewDescribeNatGatewaysPaginator(c, &ec2.DescribeNatGatewaysInput{})
		}, func(o *ec2.DescribeNatGatewaysOutput) []ec2types.NatGateway { return o.NatGateways }),
	list("describe-network-interfaces", "DescribeNetworkInterfaces", "NetworkInterfaces",
		func(c *ec2.Client) pager[*ec2.DescribeNetworkInterfacesOutput, func(*ec2.Options)] {
			return ec2.NewDescribeNetworkInterfacesPaginator(c, &ec2.DescribeNetworkInterfacesInput{})
		}, func(o *ec2.DescribeNetworkInterfacesOutput) []ec2types.NetworkInterface { return o.NetworkInterfaces }),
	list("describe-instances", "DescribeInstances", "Reservations",
		func(c *ec2.Client) pager[*ec2.DescribeInstancesOutput, func(*ec2.Options)] {
			return ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
		}, func(o *ec2.DescribeInstancesOutput) []ec2types.Reservation { return o.Reservations }),
	list("describe-security-groups", "DescribeSecurityGroups", "SecurityGroups",
		func(c *ec2.Client) pager[*ec2.DescribeSecurityGroupsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{})
		}, func(o *ec2.DescribeSecurityGroupsOutput) []ec2types.SecurityGroup { return o.SecurityGroups }),
	list("describe-network-acls", "DescribeNetworkAcls", "NetworkAcls",
		func(c *ec2.Client) pager[*ec2.DescribeNetworkAclsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeNetworkAclsPaginator(c, &ec2.DescribeNetworkAclsInput{})
		}, func(o *ec2.DescribeNetworkAclsOutput) []ec2types.NetworkAcl { return o.NetworkAcls }),
	list("describe-vpc-endpoints", "DescribeVpcEndpoints", "VpcEndpoints",
		func(c *ec2.Client) pager[*ec2.DescribeVpcEndpointsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{})
		}, func(o *ec2.DescribeVpcEndpointsOutput) []ec2types.VpcEndpoint { return o.VpcEndpoints }),
	list("describe-vpc-peering-connections", "DescribeVpcPeeringConnections", "VpcPeeringConnections",
		func(c *ec2.Client) pager[*ec2.DescribeVpcPeeringConnectionsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeVpcPeeringConnectionsPaginator(c, &ec2.DescribeVpcPeeringConnectionsInput{})
		}, func(o *ec2.DescribeVpcPeeringConnectionsOutput) []ec2types.VpcPeeringConnection {
			return o.VpcPeeringConnections
		}),
	list("describe-transit-gateways", "DescribeTransitGateways", "TransitGateways",
		func(c *ec2.Client) pager[*ec2.DescribeTransitGatewaysOutput, func(*ec2.Options)] {
			return ec2.NewDescribeTransitGatewaysPaginator(c, &ec2.DescribeTransitGatewaysInput{})
		}, func(o *ec2.DescribeTransitGatewaysOutput) []ec2types.TransitGateway { return o.TransitGateways }),
	list("describe-transit-gateway-attachments", "DescribeTransitGatewayAttachments", "TransitGatewayAttachments",
		func(c *ec2.Client) pager[*ec2.DescribeTransitGatewayAttachmentsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeTransitGatewayAttachmentsPaginator(c, &ec2.DescribeTransitGatewayAttachmentsInput{})
		}, func(o *ec2.DescribeTransitGatewayAttachmentsOutput) []ec2types.TransitGatewayAttachment {
			return o.TransitGatewayAttachments
		}),
	list("describe-transit-gateway-vpc-attachments", "DescribeTransitGatewayVpcAttachments", "TransitGatewayVpcAttachments",
		func(c *ec2.Client) pager[*ec2.DescribeTransitGatewayVpcAttachmentsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeTransitGatewayVpcAttachmentsPaginator(c, &ec2.DescribeTransitGatewayVpcAttachmentsInput{})
		}, func(o *ec2.DescribeTransitGatewayVpcAttachmentsOutput) []ec2types.TransitGatewayVpcAttachment {
			return o.TransitGatewayVpcAttachments
		}),
	{
		File: "describe-transit-gateway-route-tables",
		Actions: []string{"ec2:DescribeTransitGatewayRouteTables", "ec2:SearchTransitGatewayRoutes",
			"ec2:GetTransitGatewayRouteTableAssociations", "ec2:GetTransitGatewayRouteTablePropagations"},
		run: readTGWRouteTables,
	},
	{
		File:    "describe-managed-prefix-lists",
		Actions: []string{"ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"},
		run:     readManagedPrefixLists,
	},
	list("describe-prefix-lists", "DescribePrefixLists", "PrefixLists",
		func(c *ec2.Client) pager[*ec2.DescribePrefixListsOutput, func(*ec2.Options)] {
			return ec2.NewDescribePrefixListsPaginator(c, &ec2.DescribePrefixListsInput{})
		}, func(o *ec2.DescribePrefixListsOutput) []ec2types.PrefixList { return o.PrefixLists }),
	{
		// DescribeAddresses is not paginated: it returns every address.
		File: "describe-addresses", Actions: []string{"ec2:DescribeAddresses"},
		run: func(ctx context.Context, c *clients, w *regionWriter) error {
			out, err := c.ec2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
			if err != nil {
				return err
			}
			return w.put("describe-addresses", "Addresses", out.Addresses)
		},
	},
	// Which instance types each zone offers, by AZ ID, for placing a
	// stack into an existing VPC (package existing).
	list("describe-instance-type-offerings", "DescribeInstanceTypeOfferings", "InstanceTypeOfferings",
		func(c *ec2.Client) pager[*ec2.DescribeInstanceTypeOfferingsOutput, func(*ec2.Options)] {
			return ec2.NewDescribeInstanceTypeOfferingsPaginator(c, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: ec2types.LocationTypeAvailabilityZoneId})
		}, func(o *ec2.DescribeInstanceTypeOfferingsOutput) []ec2types.InstanceTypeOffering {
			return o.InstanceTypeOfferings
		}),
	{
		File: "describe-load-balancers",
		Actions: []string{"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
			"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"},
		run: readLoadBalancers,
	},
}

func readTGWRouteTables(ctx context.Context, c *clients, w *regionWriter) error {
	tables, err := pages(ctx, ec2.NewDescribeTransitGatewayRouteTablesPaginator(c.ec2, &ec2.DescribeTransitGatewayRouteTablesInput{}),
		func(o *ec2.DescribeTransitGatewayRouteTablesOutput) []ec2types.TransitGatewayRouteTable {
			return o.TransitGatewayRouteTables
		})
	if err != nil {
		return err
	}
	if err := w.put("describe-transit-gateway-route-tables", "TransitGatewayRouteTables", tables); err != nil {
		return err
	}
	for _, t := range tables {
		id := aws.ToString(t.TransitGatewayRouteTableId)
		// The filter the docs' CLI loop uses: every route that is not
		// being deleted, blackholes included.
		routes, err := pages(ctx, ec2.NewSearchTransitGatewayRoutesPaginator(c.ec2, &ec2.SearchTransitGatewayRoutesInput{
			TransitGatewayRouteTableId: t.TransitGatewayRouteTableId,
			Filters:                    []ec2types.Filter{{Name: aws.String("state"), Values: []string{"active", "blackhole"}}},
		}), func(o *ec2.SearchTransitGatewayRoutesOutput) []ec2types.TransitGatewayRoute { return o.Routes })
		if err != nil {
			return err
		}
		if err := w.put("search-transit-gateway-routes."+id, "Routes", routes); err != nil {
			return err
		}
		assoc, err := pages(ctx, ec2.NewGetTransitGatewayRouteTableAssociationsPaginator(c.ec2, &ec2.GetTransitGatewayRouteTableAssociationsInput{
			TransitGatewayRouteTableId: t.TransitGatewayRouteTableId,
		}), func(o *ec2.GetTransitGatewayRouteTableAssociationsOutput) []ec2types.TransitGatewayRouteTableAssociation {
			return o.Associations
		})
		if err != nil {
			return err
		}
		if err := w.put("get-transit-gateway-route-table-associations."+id, "Associations", assoc); err != nil {
			return err
		}
		props, err := pages(ctx, ec2.NewGetTransitGatewayRouteTablePropagationsPaginator(c.ec2, &ec2.GetTransitGatewayRouteTablePropagationsInput{
			TransitGatewayRouteTableId: t.TransitGatewayRouteTableId,
		}), func(o *ec2.GetTransitGatewayRouteTablePropagationsOutput) []ec2types.TransitGatewayRouteTablePropagation {
			return o.TransitGatewayRouteTablePropagations
		})
		if err != nil {
			return err
		}
		if err := w.put("get-transit-gateway-route-table-propagations."+id, "TransitGatewayRouteTablePropagations", props); err != nil {
			return err
		}
	}
	return nil
}

func readManagedPrefixLists(ctx context.Context, c *clients, w *regionWriter) error {
	lists, err := pages(ctx, ec2.NewDescribeManagedPrefixListsPaginator(c.ec2, &ec2.DescribeManagedPrefixListsInput{}),
		func(o *ec2.DescribeManagedPrefixListsOutput) []ec2types.ManagedPrefixList { return o.PrefixLists })
	if err != nil {
		return err
	}
	if err := w.put("describe-managed-prefix-lists", "PrefixLists", lists); err != nil {
		return err
	}
	for _, l := range lists {
		entries, err := pages(ctx, ec2.NewGetManagedPrefixListEntriesPaginator(c.ec2, &ec2.GetManagedPrefixListEntriesInput{
			PrefixListId: l.PrefixListId,
		}), func(o *ec2.GetManagedPrefixListEntriesOutput) []ec2types.PrefixListEntry { return o.Entries })
		if err != nil {
			return err
		}
		if err := w.put("get-managed-prefix-list-entries."+aws.ToString(l.PrefixListId), "Entries", entries); err != nil {
			return err
		}
	}
	return nil
}

func readLoadBalancers(ctx context.Context, c *clients, w *regionWriter) error {
	lbs, err := pages(ctx, elb.NewDescribeLoadBalancersPaginator(c.elb, &elb.DescribeLoadBalancersInput{}),
		func(o *elb.DescribeLoadBalancersOutput) []elbtypes.LoadBalancer { return o.LoadBalancers })
	if err != nil {
		return err
	}
	if err := w.put("describe-load-balancers", "LoadBalancers", lbs); err != nil {
		return err
	}
	for _, lb := range lbs {
		ls, err := pages(ctx, elb.NewDescribeListenersPaginator(c.elb, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn}),
			func(o *elb.DescribeListenersOutput) []elbtypes.Listener { return o.Listeners })
		if err != nil {
			return err
		}
		if err := w.put("describe-listeners."+aws.ToString(lb.LoadBalancerName), "Listeners", ls); err != nil {
			return err
		}
	}
	tgs, err := pages(ctx, elb.NewDescribeTargetGroupsPaginator(c.elb, &elb.DescribeTargetGroupsInput{}),
		func(o *elb.DescribeTargetGroupsOutput) []elbtypes.TargetGroup { return o.TargetGroups })
	if err != nil {
		return err
	}
	if err := w.put("describe-target-groups", "TargetGroups", tgs); err != nil {
		return err
	}
	for _, tg := range tgs {
		// DescribeTargetHealth is not paginated.
		out, err := c.elb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
		if err != nil {
			return err
		}
		// The group's name goes in the file name: the output does not
		// say which group it describes.
		if err := w.put("describe-target-health."+aws.ToString(tg.TargetGroupName), "TargetHealthDescriptions", out.TargetHealthDescriptions); err != nil {
			return err
		}
	}
	return nil
}

// Actions lists every IAM action the reader makes, sorted, once each:
// Calls' and AccountActions.
func Actions() []string {
	a := slices.Clone(AccountActions)
	for _, c := range Calls {
		a = append(a, c.Actions...)
	}
	slices.Sort(a)
	return slices.Compact(a)
}

// readOnly reports whether an action only reads: every action the reader
// makes must (a test checks).
func readOnly(action string) bool {
	_, op, _ := strings.Cut(action, ":")
	return strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "Search") || strings.HasPrefix(op, "List")
}
