package cfnimport

import (
	"cmp"
	"slices"
	"strings"

	"github.com/moatnet/moat/model"
)

func (t *tmpl) endpoints() {
	t.each("AWS::EC2::VPCEndpoint", func(r *resource) {
		e := model.Endpoint{Addr: r.addr, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), Type: model.GatewayEndpoint,
			RouteTables:    t.refAddrs(r, "RouteTableIds", r.props.get("RouteTableIds"), "rtb"),
			Subnets:        t.refAddrs(r, "SubnetIds", r.props.get("SubnetIds"), "subnet"),
			SecurityGroups: t.refAddrs(r, "SecurityGroupIds", r.props.get("SecurityGroupIds"), "sg"),
			PrivateDNS:     t.boolean(r, "PrivateDnsEnabled", r.props.get("PrivateDnsEnabled")),
		}
		switch typ, _ := t.str(r, "VpcEndpointType"); strings.ToLower(typ) {
		case "interface":
			e.Type = model.InterfaceEndpoint
		case "gatewayloadbalancer":
			e.Type = model.GatewayLBEndpoint
		}
		// ServiceName is usually !Sub com.amazonaws.${AWS::Region}.s3: the
		// Region is unknown, the service is not.
		sn := r.props.get("ServiceName")
		if v, err := t.eval(sn, 0); err == nil {
			if s, ok := v.(string); ok {
				e.ServiceName = s
			}
		}
		raw := e.ServiceName
		if raw == "" && sn != nil && sn.kind == fnNode && sn.fn == "Fn::Sub" {
			raw, _ = scalar(sn.arg)
		}
		if i := strings.LastIndex(raw, "}."); i >= 0 {
			e.Service = raw[i+2:]
		} else if parts := strings.SplitN(raw, ".", 4); len(parts) == 4 && parts[0] == "com" {
			e.Service = parts[3]
		}
		t.n.Endpoints = append(t.n.Endpoints, e)
	})
}

func (t *tmpl) transit() {
	n := t.n
	t.each("AWS::EC2::TransitGateway", func(r *resource) {
		asn, _ := t.integer(r, "AmazonSideAsn", r.props.get("AmazonSideAsn"))
		n.TransitGateways = append(n.TransitGateways, model.TransitGateway{Addr: r.addr, ASN: asn})
	})
	attIdx := map[model.ResourceRef]int{}
	for _, typ := range []string{"AWS::EC2::TransitGatewayAttachment", "AWS::EC2::TransitGatewayVpcAttachment"} {
		t.each(typ, func(r *resource) {
			a := model.TGWAttachment{Addr: r.addr, Kind: model.TGWAttachVPC, TGW: t.refAddr(r, "TransitGatewayId", r.props.get("TransitGatewayId"), "tgw"),
				VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), Subnets: t.refAddrs(r, "SubnetIds", r.props.get("SubnetIds"), "subnet")}
			if o := r.props.get("Options"); o != nil {
				s, _ := t.strOf(r, "Options.ApplianceModeSupport", o.get("ApplianceModeSupport"))
				a.ApplianceMode = s == "enable"
			}
			attIdx[r.addr] = len(n.TGWAttachments)
			n.TGWAttachments = append(n.TGWAttachments, a)
		})
	}
	t.each("AWS::EC2::TransitGatewayPeeringAttachment", func(r *resource) {
		attIdx[r.addr] = len(n.TGWAttachments)
		n.TGWAttachments = append(n.TGWAttachments, model.TGWAttachment{Addr: r.addr, Kind: model.TGWAttachPeering,
			TGW:     t.refAddr(r, "TransitGatewayId", r.props.get("TransitGatewayId"), "tgw"),
			PeerTGW: t.refAddr(r, "PeerTransitGatewayId", r.props.get("PeerTransitGatewayId"), "tgw")})
	})
	rtIdx := map[model.ResourceRef]int{}
	t.each("AWS::EC2::TransitGatewayRouteTable", func(r *resource) {
		rtIdx[r.addr] = len(n.TGWRouteTables)
		n.TGWRouteTables = append(n.TGWRouteTables, model.TGWRouteTable{Addr: r.addr, TGW: t.refAddr(r, "TransitGatewayId", r.props.get("TransitGatewayId"), "tgw")})
	})
	t.each("AWS::EC2::TransitGatewayRoute", func(r *resource) {
		rt := t.refAddr(r, "TransitGatewayRouteTableId", r.props.get("TransitGatewayRouteTableId"), "tgw-rtb")
		i, ok := rtIdx[rt]
		if !ok {
			return
		}
		route := model.TGWRoute{Dest: t.prefix(r, "DestinationCidrBlock", r.props.get("DestinationCidrBlock")),
			Attachment: t.refAddr(r, "TransitGatewayAttachmentId", r.props.get("TransitGatewayAttachmentId"), "tgw-attach"),
			Blackhole:  t.boolean(r, "Blackhole", r.props.get("Blackhole"))}
		if route.Dest.IsValid() {
			n.TGWRouteTables[i].Routes = append(n.TGWRouteTables[i].Routes, route)
		}
	})
	for _, typ := range []string{"AWS::EC2::TransitGatewayRouteTableAssociation", "AWS::EC2::TransitGatewayRouteTablePropagation"} {
		assoc := typ == "AWS::EC2::TransitGatewayRouteTableAssociation"
		t.each(typ, func(r *resource) {
			rt := t.refAddr(r, "TransitGatewayRouteTableId", r.props.get("TransitGatewayRouteTableId"), "tgw-rtb")
			at := t.refAddr(r, "TransitGatewayAttachmentId", r.props.get("TransitGatewayAttachmentId"), "tgw-attach")
			i, ok := rtIdx[rt]
			if !ok || at == "" {
				return
			}
			if assoc {
				n.TGWRouteTables[i].Associations = append(n.TGWRouteTables[i].Associations, at)
				if j, ok := attIdx[at]; ok {
					n.TGWAttachments[j].RouteTable = rt
				}
			} else {
				n.TGWRouteTables[i].Propagations = append(n.TGWRouteTables[i].Propagations, at)
			}
		})
	}
	t.each("AWS::EC2::VPCPeeringConnection", func(r *resource) {
		n.PeeringConnections = append(n.PeeringConnections, model.PeeringConnection{Addr: r.addr,
			Requester: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), Accepter: t.refAddr(r, "PeerVpcId", r.props.get("PeerVpcId"), "vpc"),
			Active: true})
	})
	t.each("AWS::EC2::PrefixList", func(r *resource) {
		pl := model.PrefixList{Addr: r.addr}
		pl.Name, _ = t.str(r, "PrefixListName")
		if l := r.props.get("Entries"); l != nil && l.kind == listNode {
			for _, it := range l.items {
				if p := t.prefix(r, "Entries.Cidr", it.get("Cidr")); p.IsValid() {
					pl.Entries = append(pl.Entries, p)
				}
			}
		}
		n.PrefixLists = append(n.PrefixLists, pl)
	})
}

func (t *tmpl) loadBalancers() {
	n := t.n
	lbIdx := map[model.ResourceRef]int{}
	t.each("AWS::ElasticLoadBalancingV2::LoadBalancer", func(r *resource) {
		lb := model.LoadBalancer{Addr: r.addr, Kind: model.ALB, InternetFacing: true,
			Subnets:        t.refAddrs(r, "Subnets", r.props.get("Subnets"), "subnet"),
			SecurityGroups: t.refAddrs(r, "SecurityGroups", r.props.get("SecurityGroups"), "sg")}
		switch typ, _ := t.str(r, "Type"); typ {
		case "network":
			lb.Kind = model.NLB
		case "gateway":
			lb.Kind = model.GWLB
		}
		if s, ok := t.str(r, "Scheme"); ok && s == "internal" {
			lb.InternetFacing = false
		}
		if s, ok := t.str(r, "IpAddressType"); ok && strings.HasPrefix(s, "dualstack") {
			lb.DualStack = true
		}
		if l := r.props.get("SubnetMappings"); l != nil && l.kind == listNode {
			for _, it := range l.items {
				if s := t.refAddr(r, "SubnetMappings", it.get("SubnetId"), "subnet"); s != "" {
					lb.Subnets = append(lb.Subnets, s)
				}
			}
		}
		if len(lb.Subnets) > 0 {
			if s, ok := n.Subnet(lb.Subnets[0]); ok {
				lb.VPC = s.VPC
			}
		}
		lbIdx[r.addr] = len(n.LoadBalancers)
		n.LoadBalancers = append(n.LoadBalancers, lb)
	})
	t.each("AWS::ElasticLoadBalancingV2::Listener", func(r *resource) {
		lb := t.refAddr(r, "LoadBalancerArn", r.props.get("LoadBalancerArn"), "lb")
		i, ok := lbIdx[lb]
		if !ok {
			return
		}
		n.LoadBalancers[i].Listeners = append(n.LoadBalancers[i].Listeners, t.listener(r))
	})
	t.each("AWS::ElasticLoadBalancingV2::TargetGroup", func(r *resource) {
		n.TargetGroups = append(n.TargetGroups, t.targetGroup(r))
	})
	t.apiGateways() // apigw.go
	// API Gateway front doors sort before the load balancers behind
	// them, as a compiled design lists them.
	sortBy(n.LoadBalancers, func(x model.LoadBalancer) model.ResourceRef { return x.Addr })
	for i := range n.LoadBalancers {
		lb := &n.LoadBalancers[i]
		slices.SortStableFunc(lb.Listeners, func(a, b model.Listener) int { return cmp.Compare(a.Port, b.Port) })
	}
}

// listener reads an AWS::ElasticLoadBalancingV2::Listener: port,
// protocol, certificates, and its forward or redirect default action.
func (t *tmpl) listener(r *resource) model.Listener {
	port, _ := t.integer(r, "Port", r.props.get("Port"))
	l := model.Listener{Port: port}
	l.Protocol, _ = t.str(r, "Protocol")
	l.SSLPolicy, _ = t.str(r, "SslPolicy")
	if cs := r.props.get("Certificates"); cs != nil && cs.kind == listNode {
		for _, c := range cs.items {
			arn, _ := t.strOf(r, "Certificates", c.get("CertificateArn"))
			l.Certificates = append(l.Certificates, model.Certificate{ARN: arn})
		}
	}
	if as := r.props.get("DefaultActions"); as != nil && as.kind == listNode {
		for _, ac := range as.items {
			typ, _ := t.strOf(r, "DefaultActions.Type", ac.get("Type"))
			switch typ {
			case "forward":
				tg := ac.get("TargetGroupArn")
				if tg == nil {
					if fc := ac.get("ForwardConfig").get("TargetGroups"); fc != nil && fc.kind == listNode && len(fc.items) > 0 {
						tg = fc.items[0].get("TargetGroupArn")
					}
				}
				if l.TargetGroup == "" {
					l.TargetGroup = t.refAddr(r, "DefaultActions.TargetGroupArn", tg, "tg")
				}
			case "redirect":
				p, _ := t.strOf(r, "DefaultActions.RedirectConfig", ac.get("RedirectConfig").get("Protocol"))
				l.RedirectToHTTPS = p == "HTTPS"
			}
		}
	}
	return l
}

// targetGroup reads an AWS::ElasticLoadBalancingV2::TargetGroup with its
// registered targets and client IP preservation.
func (t *tmpl) targetGroup(r *resource) model.TargetGroup {
	port, _ := t.integer(r, "Port", r.props.get("Port"))
	tg := model.TargetGroup{Addr: r.addr, VPC: t.refAddr(r, "VpcId", r.props.get("VpcId"), "vpc"), Port: port, TargetType: model.InstanceTargets}
	tg.Protocol, _ = t.str(r, "Protocol")
	if s, ok := t.str(r, "TargetType"); ok {
		tg.TargetType = model.TargetType(strings.ToLower(s))
	}
	if l := r.props.get("TargetGroupAttributes"); l != nil && l.kind == listNode {
		for _, it := range l.items {
			if k, _ := t.strOf(r, "TargetGroupAttributes.Key", it.get("Key")); k == "preserve_client_ip.enabled" {
				if v, ok := t.strOf(r, "TargetGroupAttributes.Value", it.get("Value")); ok {
					b := strings.EqualFold(v, "true")
					tg.PreserveClientIP = &b
				}
			}
		}
	}
	if l := r.props.get("Targets"); l != nil && l.kind == listNode {
		for _, it := range l.items {
			id, _ := t.strOf(r, "Targets.Id", it.get("Id"))
			target := model.Target{Port: port}
			if p, ok := t.integer(r, "Targets.Port", it.get("Port")); ok {
				target.Port = p
			}
			if strings.HasPrefix(id, "i/") {
				target.ENI = t.primaryENI(model.ResourceRef(id))
			} else if ip, ok := ipTarget(id); ok {
				target.IP = ip
			}
			tg.Targets = append(tg.Targets, target)
		}
	}
	return tg
}

// finish fills the zones; model.Finish (in parse) settles the subnets'
// associations and orders every list by address (and the zones by ID).
func (t *tmpl) finish() {
	n := t.n
	zones := map[string]bool{}
	for _, s := range n.Subnets {
		if s.ZoneID != "" && !zones[s.ZoneID] {
			zones[s.ZoneID] = true
			n.Zones = append(n.Zones, model.Zone{ID: s.ZoneID})
		}
	}
	for i := range n.TGWRouteTables {
		slices.Sort(n.TGWRouteTables[i].Associations)
		slices.Sort(n.TGWRouteTables[i].Propagations)
	}
}

func sortBy[T any](s []T, key func(T) model.ResourceRef) {
	slices.SortStableFunc(s, func(x, y T) int { return cmp.Compare(key(x), key(y)) })
}
