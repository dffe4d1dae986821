package cfn

import (
	"strings"

	"github.com/moatnet/moat/model"
)

// AMIParameter is the template's only parameter: the NAT instance image,
// resolved from SSM at deploy time so the template never pins a stale AMI.
const AMIParameter = "NatInstanceAmiId"

// AMIPath is the public SSM parameter holding the newest Amazon Linux 2023
// AMI for an architecture: arm64 for Graviton types (t4g, the cheapest NAT
// hosts), x86_64 for Intel and AMD ones (t3).
func AMIPath(a model.Architecture) string {
	return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + amiArch(a)
}

// amiArch is an architecture as AMI names and SSM paths spell it.
func amiArch(a model.Architecture) string {
	if a == model.ARM64 {
		return "arm64"
	}
	return "x86_64"
}

// archOf is the architecture the model gives an instance, checked: the
// image parameter follows it, and an image of the other architecture does
// not boot.
func (e *emitter) archOf(what model.ResourceRef, a model.Architecture) model.Architecture {
	switch a {
	case model.ARM64, model.X86:
		return a
	}
	e.errorf("%s: architecture %q is not ARM64 or X86_64", what, a)
	return model.ARM64
}

func (e *emitter) natGateways() {
	for _, g := range e.n.NATGateways {
		id := e.id(g.Addr)
		att := e.attachment[g.VPC]
		if att == "" {
			e.errorf("nat gateway %s: vpc %s has no internet gateway", g.Addr, g.VPC)
		}
		if !g.Regional {
			if g.Subnet.IsZero() {
				e.errorf("nat gateway %s: zonal gateway without a subnet", g.Addr)
				continue
			}
			eip := id + "Eip"
			e.add(eip, EIP{Domain: String("vpc"), Tags: e.tags(g.Addr, nil)}, att)
			e.add(id, NatGateway{
				AllocationId: GetAtt{eip, "AllocationId"},
				SubnetId:     e.ref(g.Subnet),
				Tags:         e.tags(g.Addr, nil),
			}, att)
			continue
		}
		zones := g.Zones
		if len(zones) == 0 {
			for _, z := range e.n.Zones {
				zones = append(zones, z.ID)
			}
		}
		if len(zones) == 0 {
			e.errorf("nat gateway %s: regional gateway serves no zones", g.Addr)
			continue
		}
		// One Elastic IP per zone, pinned per zone (manual mode), so the
		// public addresses are known and stable for allow-lists.
		var addrs []AvailabilityZoneAddress
		for _, z := range zones {
			eip := id + "Eip" + pascal(z)
			e.add(eip, EIP{Domain: String("vpc"), Tags: e.tags(model.ResourceRef(string(g.Addr)+"/"+z), nil)}, att)
			addrs = append(addrs, AvailabilityZoneAddress{AvailabilityZoneId: String(z), AllocationIds: []Value{GetAtt{eip, "AllocationId"}}})
		}
		e.add(id, NatGateway{
			AvailabilityMode:          String("regional"),
			VpcId:                     e.ref(g.VPC),
			AvailabilityZoneAddresses: addrs,
			Tags:                      e.tags(g.Addr, nil),
		}, att)
	}
}

// natInstances emits the self-healing NAT instance: a fixed ENI (the
// target of private routes) with its own Elastic IP, and an Auto Scaling
// group of exactly one instance that attaches the ENI at boot. A replaced
// instance re-attaches the same ENI, so routes never change.
func (e *emitter) natInstances() {
	if len(e.n.NATInstances) == 0 {
		return
	}
	arch := e.archOf(e.n.NATInstances[0].Addr, e.n.NATInstances[0].Architecture)
	for _, ni := range e.n.NATInstances[1:] {
		if e.archOf(ni.Addr, ni.Architecture) != arch {
			e.errorf("%s: architecture %s differs from %s's %s; the NAT instances share one image parameter", ni.Addr, ni.Architecture, e.n.NATInstances[0].Addr, arch)
		}
	}
	if err := e.t.AddParameter(Parameter{
		Name:        AMIParameter,
		Type:        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
		Description: "SSM parameter holding the " + amiArch(arch) + " Amazon Linux 2023 AMI for NAT instances",
		Default:     String(AMIPath(arch)),
	}); err != nil {
		e.errs = append(e.errs, err)
	}
	for _, ni := range e.n.NATInstances {
		e.natInstance(ni)
	}
}

// topics emits the topics the auto-scaling groups notify (the NAT
// instances' and ecs-ec2 hosts'), each encrypted with the model's key,
// allowing only TLS publishers, with the email subscription when the spec
// names an address (AWS mails it a link to confirm; until then nothing is
// delivered). A topic no group of this template uses is left out.
func (e *emitter) topics() {
	for _, tp := range e.n.Topics {
		used := false
		for _, ni := range e.n.NATInstances {
			used = used || ni.Notify == tp.Addr
		}
		for _, s := range e.n.Services {
			used = used || s.Notify == tp.Addr
		}
		if !used {
			continue
		}
		id := e.id(tp.Addr)
		t := Topic{DisplayName: String("moat " + e.stack + " scaling events"), Tags: e.tags(tp.Addr, nil)}
		if tp.KMSKey != "" {
			t.KmsMasterKeyId = String(tp.KMSKey)
		}
		e.add(id, t)
		e.add(id+"Policy", TopicPolicy{
			Topics: []Value{Ref{id}},
			PolicyDocument: policy(Map{
				{"Sid", String("TLSOnly")},
				{"Effect", String("Deny")},
				{"Principal", String("*")},
				{"Action", String("sns:Publish")},
				{"Resource", Ref{id}},
				{"Condition", Map{{"Bool", Map{{"aws:SecureTransport", String("false")}}}}},
			}),
		})
		if tp.Email != "" {
			e.add(id+"Email", Subscription{TopicArn: Ref{id}, Protocol: String("email"), Endpoint: String(tp.Email)})
		}
	}
}

// notifications is the group's notification configuration for the topic
// it reports to; nil when it reports to none.
func (e *emitter) notifications(topic model.ResourceRef) []NotificationConfiguration {
	for _, tp := range e.n.Topics {
		if tp.Addr == topic && len(tp.Events) > 0 {
			return []NotificationConfiguration{{NotificationTypes: Strs(tp.Events...), TopicARN: e.ref(tp.Addr)}}
		}
	}
	if topic != "" {
		e.errorf("topic %s: not in the model, or it names no events", topic)
	}
	return nil
}

func (e *emitter) natInstance(ni model.NATInstance) {
	id := e.id(ni.Addr)
	eniID := e.id(ni.ENI)
	att := e.attachment[ni.VPC]
	if att == "" {
		e.errorf("nat instance %s: vpc %s has no internet gateway", ni.Addr, ni.VPC)
	}
	if ni.SecurityGroup.IsZero() {
		e.errorf("nat instance %s: no security group", ni.Addr)
		return
	}
	groups := e.natInterface(ni, eniID, att)
	role := e.natRole(ni, id, eniID)
	profile := id + "InstanceProfile"
	e.add(profile, InstanceProfile{Roles: []Value{Ref{role}}})

	instanceTags := append(e.tags(ni.Addr, nil), Tag{String("moat:nat"), String(string(ni.Addr))})
	vpcID := e.id(ni.VPC)
	lt := id + "LaunchTemplate"
	itype := ni.InstanceType
	if itype == "" {
		itype = "t4g.nano"
	}
	e.add(lt, LaunchTemplate{
		LaunchTemplateData: &LaunchTemplateData{
			ImageId:            Ref{AMIParameter},
			InstanceType:       String(itype),
			IamInstanceProfile: &IamInstanceProfile{Arn: GetAtt{profile, "Arn"}},
			// The primary interface needs a public address to reach the
			// EC2 API before the fixed ENI (and its EIP) is attached.
			NetworkInterfaces: []LaunchTemplateNetworkInterface{{
				DeviceIndex:              Int(0),
				AssociatePublicIpAddress: Bool(true),
				DeleteOnTermination:      Bool(true),
				Groups:                   e.refs(groups),
			}},
			MetadataOptions: &MetadataOptions{
				HttpEndpoint:            String("enabled"),
				HttpTokens:              String("required"),
				HttpPutResponseHopLimit: Int(1),
			},
			BlockDeviceMappings: []BlockDeviceMapping{{
				DeviceName: String("/dev/xvda"),
				Ebs: &Ebs{
					Encrypted:           Bool(true),
					VolumeType:          String("gp3"),
					VolumeSize:          Int(8),
					DeleteOnTermination: Bool(true),
				},
			}},
			TagSpecifications: []TagSpecification{
				{ResourceType: String("instance"), Tags: instanceTags},
				{ResourceType: String("volume"), Tags: e.tags(ni.Addr, nil)},
			},
			UserData: Base64(Sub{Template: natUserData, Vars: Map{
				{"EniId", Ref{eniID}},
				{"VpcCidr", GetAtt{vpcID, "CidrBlock"}},
			}}),
		},
		TagSpecifications: []TagSpecification{{ResourceType: String("launch-template"), Tags: e.tags(ni.Addr, nil)}},
	})
	e.add(id+"Asg", AutoScalingGroup{
		MinSize:           String("1"),
		MaxSize:           String("1"),
		DesiredCapacity:   String("1"),
		VPCZoneIdentifier: []Value{e.ref(ni.Subnet)},
		LaunchTemplate:    &LaunchTemplateSpecification{LaunchTemplateId: Ref{lt}, Version: GetAtt{lt, "LatestVersionNumber"}},
		// A self-heal (terminate, launch) and a failed one are reported.
		NotificationConfigurations: e.notifications(ni.Notify),
		Tags:                       asgTags(e.tags(ni.Addr, nil)),
	}, att, eniID+"EipAssociation")
}

// natInterface adds the NAT's fixed interface with its Elastic IP, the
// address that survives a replaced instance, and returns its groups.
func (e *emitter) natInterface(ni model.NATInstance, eniID, att string) []model.ResourceRef {
	groups := []model.ResourceRef{ni.SecurityGroup}
	desc := "moat NAT instance fixed interface for " + string(ni.Addr)
	subnet := ni.Subnet
	if eni, ok := e.n.ENI(ni.ENI); ok {
		if len(eni.SecurityGroups) > 0 {
			groups = eni.SecurityGroups
		}
		if eni.Description != "" {
			desc = eni.Description
		}
		if !eni.Subnet.IsZero() {
			subnet = eni.Subnet
		}
	}
	e.add(eniID, NetworkInterface{
		SubnetId:        e.ref(subnet),
		GroupSet:        e.refs(groups),
		SourceDestCheck: Bool(false), // it forwards other hosts' packets
		Description:     String(desc),
		Tags:            e.tags(ni.ENI, nil),
	})
	eip := eniID + "Eip"
	e.add(eip, EIP{Domain: String("vpc"), Tags: e.tags(ni.ENI, nil)}, att)
	e.add(eniID+"EipAssociation", EIPAssociation{AllocationId: GetAtt{eip, "AllocationId"}, NetworkInterfaceId: Ref{eniID}})
	return groups
}

// natRole adds the NAT instance's role: attach its own fixed interface,
// onto itself only, and Session Manager for patching.
func (e *emitter) natRole(ni model.NATInstance, id, eniID string) string {
	role := id + "Role"
	arn := func(resource string) Value {
		return Sub{Template: "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:" + resource}
	}
	e.add(role, Role{
		Description: String("moat NAT instance " + string(ni.Addr) + ": attach its fixed ENI; SSM for patching"),
		AssumeRolePolicyDocument: policy(Map{
			{"Effect", String("Allow")},
			{"Principal", Map{{"Service", String("ec2.amazonaws.com")}}},
			{"Action", String("sts:AssumeRole")},
		}),
		ManagedPolicyArns: []Value{Sub{Template: "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}},
		Policies: []Policy{{
			PolicyName: String("attach-fixed-eni"),
			// What the boot script calls, and no more. In the Service
			// Authorization Reference, ec2:AttachNetworkInterface is
			// authorized against both the interface and the instance
			// (resource types network-interface* and instance*): allow
			// only this ENI, and only onto instances tagged as this NAT
			// (the launch template tags them at launch, before the script
			// runs; the instance's ARN is unknown until then).
			// ec2:DescribeNetworkInterfaces lists no resource types (EC2's
			// Describe* actions support no resource-level permissions), so
			// it must name "*"; the global key aws:RequestedRegion keeps it
			// to this Region (aws:SourceVpc is set only on calls through a
			// VPC endpoint, which the NAT does not use, so it cannot). The ENI keeps SourceDestCheck off itself, so
			// no ec2:ModifyNetworkInterfaceAttribute is needed.
			PolicyDocument: policy(
				Map{
					{"Sid", String("AttachThisEni")},
					{"Effect", String("Allow")},
					{"Action", String("ec2:AttachNetworkInterface")},
					{"Resource", arn("network-interface/${" + eniID + "}")},
				},
				Map{
					{"Sid", String("OntoThisNatOnly")},
					{"Effect", String("Allow")},
					{"Action", String("ec2:AttachNetworkInterface")},
					{"Resource", arn("instance/*")},
					{"Condition", Map{{"StringEquals", Map{{"aws:ResourceTag/moat:nat", String(string(ni.Addr))}}}}},
				},
				Map{
					{"Sid", String("WaitForAttachment")},
					{"Effect", String("Allow")},
					{"Action", String("ec2:DescribeNetworkInterfaces")},
					{"Resource", String("*")},
					{"Condition", Map{{"StringEquals", Map{{"aws:RequestedRegion", Ref{"AWS::Region"}}}}}},
				},
			),
		}},
		Tags: e.tags(ni.Addr, nil),
	})
	return role
}

func asgTags(ts []Tag) []ASGTag {
	out := make([]ASGTag, len(ts))
	for i, t := range ts {
		// The launch template tags the instance; the group's own tags
		// stay on the group.
		out[i] = ASGTag{Key: t.Key, Value: t.Value, PropagateAtLaunch: Bool(false)}
	}
	return out
}

// natUserData runs at first boot. It is a Fn::Sub template: ${EniId},
// ${VpcCidr} and ${AWS::Region} are filled by CloudFormation, so shell
// variables are written $NAME, never with braces.
var natUserData = strings.TrimLeft(`
#!/bin/bash
# moat NAT instance: attach the fixed ENI, then forward and masquerade
# traffic from the VPC out of it. Private route tables point at the ENI, so
# a replacement instance takes over by attaching the same interface.
set -euo pipefail
ENI_ID="${EniId}"
REGION="${AWS::Region}"
VPC_CIDR="${VpcCidr}"
IMDS=http://169.254.169.254/latest
TOKEN=$(curl -sSf -X PUT "$IMDS/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
imds() { curl -sSf -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/meta-data/$1"; }
INSTANCE_ID=$(imds instance-id)

# The previous instance may still hold the ENI while it terminates: retry.
for i in $(seq 1 60); do
  if aws ec2 attach-network-interface --region "$REGION" --network-interface-id "$ENI_ID" --instance-id "$INSTANCE_ID" --device-index 1; then
    break
  fi
  sleep 5
done
MAC=""
for i in $(seq 1 60); do
  STATUS=$(aws ec2 describe-network-interfaces --region "$REGION" --network-interface-ids "$ENI_ID" --query 'NetworkInterfaces[0].Attachment.Status' --output text || true)
  if [ "$STATUS" = attached ]; then
    MAC=$(aws ec2 describe-network-interfaces --region "$REGION" --network-interface-ids "$ENI_ID" --query 'NetworkInterfaces[0].MacAddress' --output text)
    break
  fi
  sleep 2
done
[ -n "$MAC" ] || { echo "moat: fixed ENI $ENI_ID never attached" >&2; exit 1; }
IFACE=""
for i in $(seq 1 60); do
  IFACE=$(ip -o link show | grep -i "$MAC" | awk -F': ' '{print $2}' | head -n1 || true)
  [ -n "$IFACE" ] && break
  sleep 2
done
[ -n "$IFACE" ] || { echo "moat: no interface with MAC $MAC" >&2; exit 1; }

# Forward, and turn off reverse-path filtering: with two interfaces in one
# subnet, replies can arrive on the interface the kernel would not choose.
cat > /etc/sysctl.d/90-moat-nat.conf <<EOF
net.ipv4.ip_forward = 1
net.ipv4.conf.all.rp_filter = 0
net.ipv4.conf.default.rp_filter = 0
net.ipv4.conf.$IFACE.rp_filter = 0
EOF
sysctl -p /etc/sysctl.d/90-moat-nat.conf

# Leave by the fixed ENI, whose Elastic IP is the stack's public address.
SUBNET_CIDR=$(imds "network/interfaces/macs/$MAC/subnet-ipv4-cidr-block")
GATEWAY=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_network(sys.argv[1])[1])' "$SUBNET_CIDR")
ip route replace default via "$GATEWAY" dev "$IFACE" metric 10

command -v nft >/dev/null || dnf install -y nftables
nft -f - <<EOF
table ip moat_nat {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "$IFACE" oifname "$IFACE" ip saddr $VPC_CIDR accept
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "$IFACE" ip saddr $VPC_CIDR masquerade
  }
}
EOF
`, "\n")
