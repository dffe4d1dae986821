#!/usr/bin/env python3
"""Writes the describe-* snapshots of testdata/existing: VPCs of several
shapes that a stack is placed into (network.existing). Run it from this
directory; the JSON is in the AWS CLI's output shapes."""
import hashlib, json, os, shutil

def hx(*parts, n=17):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]

ACCOUNT = "111122223333"
ZONES = {"use1-az1": "us-east-1a", "use1-az2": "us-east-1b", "use1-az4": "us-east-1c", "use1-az6": "us-east-1d"}
TYPES = ["t3.micro", "t4g.medium", "t4g.micro", "t4g.nano", "t4g.small", "m7g.large"]

def shape(name, subnets, nat=True, s3_endpoint=False, other_workload=False, missing=None, cidr="10.0.0.0/16", secondary=None):
    """subnets: list of (tier, zone, cidr)."""
    vpc = "vpc-" + hx("shop", "vpc")  # one ID, so one spec fits every shape
    igw = "igw-" + hx(name, "igw")
    d = {}
    blocks = [{"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}]
    for c in secondary or []:
        blocks.append({"CidrBlock": c, "CidrBlockState": {"State": "associated"}})
    d["describe-vpcs"] = {"Vpcs": [{"VpcId": vpc, "CidrBlock": cidr, "OwnerId": ACCOUNT, "CidrBlockAssociationSet": blocks,
                                    "Tags": [{"Key": "Name", "Value": name}]}]}
    sn, rts, enis, nats = [], [], [], []
    tables = {}
    local = [{"DestinationCidrBlock": c, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"} for c in [cidr] + (secondary or [])]
    def table(key, extra):
        if key not in tables:
            rid = "rtb-" + hx(name, key)
            tables[key] = {"RouteTableId": rid, "VpcId": vpc, "OwnerId": ACCOUNT, "Routes": local + extra, "Associations": [], "Tags": [{"Key": "Name", "Value": key}]}
        return tables[key]
    main = table("main", [])
    main["Associations"].append({"Main": True, "RouteTableId": main["RouteTableId"]})
    public = [s for s in subnets if s[0] == "public"]
    natgw = None
    if nat and public:
        t, z, c = public[0]
        natgw = "nat-" + hx(name, "nat")
        pub_id = "subnet-" + hx("shop", t, z, c)
        eni = "eni-" + hx(name, "nat-eni")
        ip = c.split("/")[0].rsplit(".", 1)[0] + ".5"
        nats.append({"NatGatewayId": natgw, "VpcId": vpc, "SubnetId": pub_id, "State": "available", "ConnectivityType": "public",
                     "NatGatewayAddresses": [{"NetworkInterfaceId": eni, "PrivateIp": ip, "PublicIp": "198.51.100.7", "AllocationId": "eipalloc-" + hx(name, "eip")}]})
        enis.append({"NetworkInterfaceId": eni, "SubnetId": pub_id, "VpcId": vpc, "AvailabilityZone": ZONES[z], "PrivateIpAddress": ip,
                     "InterfaceType": "nat_gateway", "Groups": [], "SourceDestCheck": False, "Description": "Interface for NAT Gateway " + natgw,
                     "Association": {"PublicIp": "198.51.100.7"}, "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}]})
    for t, z, c in subnets:
        sid = "subnet-" + hx("shop", t, z, c)
        sn.append({"SubnetId": sid, "VpcId": vpc, "CidrBlock": c, "OwnerId": ACCOUNT, "AvailabilityZone": ZONES[z], "AvailabilityZoneId": z,
                   "MapPublicIpOnLaunch": t == "public", "Tags": [{"Key": "Name", "Value": f"{t}-{z}"}]})
        if t == "public":
            rt = table("public", [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute", "State": "active"}])
        elif t == "private":
            rt = table("private", [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": natgw, "Origin": "CreateRoute", "State": "active"}])
        else:
            rt = table("isolated", [])
        rt["Associations"].append({"Main": False, "RouteTableId": rt["RouteTableId"], "SubnetId": sid})
    d["describe-subnets"] = {"Subnets": sn}
    d["describe-route-tables"] = {"RouteTables": list(tables.values())}
    d["describe-internet-gateways"] = {"InternetGateways": [{"InternetGatewayId": igw, "OwnerId": ACCOUNT, "Attachments": [{"VpcId": vpc, "State": "available"}]}]}
    d["describe-nat-gateways"] = {"NatGateways": nats}
    acl = "acl-" + hx(name, "acl")
    d["describe-network-acls"] = {"NetworkAcls": [{"NetworkAclId": acl, "VpcId": vpc, "IsDefault": True, "OwnerId": ACCOUNT,
        "Associations": [{"NetworkAclId": acl, "SubnetId": s["SubnetId"]} for s in sn],
        "Entries": [{"CidrBlock": "0.0.0.0/0", "Egress": e, "Protocol": "-1", "RuleAction": a, "RuleNumber": r}
                    for e in (False, True) for r, a in ((100, "allow"), (32767, "deny"))]}]}
    default_sg = "sg-" + hx(name, "default-sg")
    sgs = [{"GroupId": default_sg, "GroupName": "default", "Description": "default VPC security group", "VpcId": vpc, "OwnerId": ACCOUNT,
            "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default_sg}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]
    if other_workload:
        # Another team's reporting server in the first private subnet: its
        # group lets the whole VPC in on every port and out anywhere.
        priv = [s for s in sn if s["Tags"][0]["Value"].startswith("private")][0]
        sg = "sg-" + hx(name, "reports-sg")
        sgs.append({"GroupId": sg, "GroupName": "reports", "Description": "reporting server", "VpcId": vpc, "OwnerId": ACCOUNT,
                    "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": cidr}]}],
                    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})
        eni = "eni-" + hx(name, "reports-eni")
        ip = priv["CidrBlock"].split("/")[0].rsplit(".", 1)[0] + ".200"
        inst = "i-" + hx(name, "reports")
        enis.append({"NetworkInterfaceId": eni, "SubnetId": priv["SubnetId"], "VpcId": vpc, "AvailabilityZone": priv["AvailabilityZone"],
                     "PrivateIpAddress": ip, "InterfaceType": "interface", "Groups": [{"GroupId": sg, "GroupName": "reports"}],
                     "SourceDestCheck": True, "Description": "", "Attachment": {"InstanceId": inst, "DeviceIndex": 0},
                     "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}]})
        d["describe-instances"] = {"Reservations": [{"Instances": [{"InstanceId": inst, "InstanceType": "t3.micro", "SubnetId": priv["SubnetId"], "VpcId": vpc,
            "PrivateIpAddress": ip, "Tags": [{"Key": "Name", "Value": "reports"}],
            "NetworkInterfaces": [{"NetworkInterfaceId": eni, "SubnetId": priv["SubnetId"], "VpcId": vpc, "PrivateIpAddress": ip,
                                   "Groups": [{"GroupId": sg, "GroupName": "reports"}], "SourceDestCheck": True, "Attachment": {"DeviceIndex": 0}}]}]}]}
        # And a Lambda function attached to a public subnet, against the
        # rule that Lambda needs private subnets.
        pub = [s for s in sn if s["Tags"][0]["Value"].startswith("public")][0]
        lip = pub["CidrBlock"].split("/")[0].rsplit(".", 1)[0] + ".77"
        enis.append({"NetworkInterfaceId": "eni-" + hx(name, "lambda-eni"), "SubnetId": pub["SubnetId"], "VpcId": vpc,
                     "AvailabilityZone": pub["AvailabilityZone"], "PrivateIpAddress": lip, "InterfaceType": "lambda",
                     "Groups": [{"GroupId": default_sg, "GroupName": "default"}], "SourceDestCheck": True,
                     "Description": "AWS Lambda VPC ENI-reports-export", "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": lip}]})
    d["describe-security-groups"] = {"SecurityGroups": sgs}
    d["describe-network-interfaces"] = {"NetworkInterfaces": enis}
    eps = []
    if s3_endpoint:
        eps.append({"VpcEndpointId": "vpce-" + hx(name, "s3"), "VpcEndpointType": "Gateway", "VpcId": vpc, "ServiceName": "com.amazonaws.us-east-1.s3",
                    "State": "available", "RouteTableIds": [t["RouteTableId"] for k, t in sorted(tables.items()) if k in ("private", "isolated")]})
    d["describe-vpc-endpoints"] = {"VpcEndpoints": eps}
    offers = []
    for z in sorted(ZONES):
        for t in TYPES:
            if missing and (z, t) in missing:
                continue
            offers.append({"InstanceType": t, "LocationType": "availability-zone-id", "Location": z})
    d["describe-instance-type-offerings"] = {"InstanceTypeOfferings": offers}
    if os.path.isdir(name):
        shutil.rmtree(name)
    os.makedirs(name)
    for k, v in d.items():
        with open(os.path.join(name, k + ".json"), "w") as f:
            json.dump(v, f, indent=1, sort_keys=True)
            f.write("\n")

Z3 = ["use1-az1", "use1-az2", "use1-az4"]
three = [("public", z, f"10.0.{i}.0/24") for i, z in enumerate(Z3)] + \
        [("private", z, f"10.0.{16 * (i + 1)}.0/20") for i, z in enumerate(Z3)] + \
        [("isolated", z, f"10.0.{128 + 4 * i}.0/22") for i, z in enumerate(Z3)]
shape("three-tier", three, other_workload=True)
shape("type-missing", three, missing={("use1-az2", "t4g.medium"), ("use1-az2", "m7g.large")})
shape("public-only", [("public", z, f"10.0.{i}.0/24") for i, z in enumerate(Z3[:2])], nat=False)
shape("no-isolated", [s for s in three if s[0] != "isolated"])
shape("isolated-only", [s for s in three if s[0] == "isolated"] + [("public", z, f"10.0.{i}.0/24") for i, z in enumerate(Z3)], nat=False, s3_endpoint=True)
shape("public-range", [("public", z, f"10.0.{i}.0/24") for i, z in enumerate(Z3[:2])] +
      [("private", z, f"11.0.{16 * i}.0/20") for i, z in enumerate(Z3[:2])] +
      [("isolated", z, f"10.0.{128 + 4 * i}.0/22") for i, z in enumerate(Z3[:2])], cidr="10.0.0.0/16", secondary=["11.0.0.0/16"])
