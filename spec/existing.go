package spec

import (
	"github.com/moatnet/moat/model"
	"go.yaml.in/yaml/v4"
)

// notWithExisting are the network keys that describe a VPC moat creates,
// so they have no meaning for a VPC the stack only uses, with why.
var notWithExisting = map[string]string{
	"cidr":  "the VPC's CIDR is what it already has",
	"zones": "the zones are those of the subnets moat picks; name subnets under network.subnets to choose them",
	"nat":   "moat does not add NAT to a VPC it did not create; a private subnet already has its way out",
	"ipv6":  "moat does not change an existing VPC's addressing",
	"cidrs": "network.cidrs are the VPCs of hub-and-spoke",
}

// IsExisting reports whether the stack goes into an existing VPC.
func (n Network) IsExisting() bool { return n.Existing != "" }

// existing reads network.existing and, with it, network.subnets as lists
// of subnet IDs per tier. It reports the keys that do not apply to a VPC
// moat did not create, and returns false when there is no existing key.
func (p *parser) existing(f map[string]field) bool {
	v := f["existing"]
	if !v.present() {
		return false
	}
	n := &p.st.Network
	if id, ok := p.str("network.existing", v.val); ok {
		if isEC2ID(id, "vpc") {
			n.Existing = id
		} else {
			p.errorf(v.val, "write the VPC's ID, vpc- and 8 or 17 hexadecimal digits, e.g. vpc-0a1b2c3d4e5f67890; list them with: aws ec2 describe-vpcs --query 'Vpcs[].VpcId'",
				"network.existing %q is not a VPC ID", id)
		}
	}
	if n.Existing == "" {
		n.Existing = "vpc-invalid" // reported; keep the other checks in existing mode
	}
	for _, k := range networkKeys {
		if why, bad := notWithExisting[k]; bad && f[k].present() {
			p.errorf(f[k].key, "remove network."+k+" ("+why+")", "network.%s does not apply with network.existing", k)
		}
	}
	n.ExistingSubnets = p.existingSubnets(f["subnets"])
	return true
}

// existingSubnets reads network.subnets in existing mode: per tier, the
// IDs of the VPC's subnets to use, each once.
func (p *parser) existingSubnets(sec field) map[model.Tier][]string {
	f, order := p.fields("network.subnets", sec, tiers)
	if len(order) == 0 {
		return nil
	}
	out := map[model.Tier][]string{}
	where := map[string]string{}
	for _, tier := range order {
		path := "network.subnets." + tier
		if f[tier].val.Kind == yaml.MappingNode {
			p.errorf(f[tier].key, "with network.existing, list the subnets to use by ID, e.g. "+tier+": [subnet-0a1b2c3d4e5f67890, subnet-...]",
				"%s must be a list of subnet IDs in an existing VPC, not a size or CIDRs", path)
			continue
		}
		items, ok := p.list(path, f[tier].val, "subnet IDs")
		if !ok {
			continue
		}
		if len(items) == 0 {
			p.errorf(f[tier].val, "list at least one subnet ID, or remove the tier to let moat pick", "%s is an empty list", path)
		}
		for i, item := range items {
			if item == nil {
				continue
			}
			ip := index(path, i)
			id, ok := p.str(ip, item)
			switch {
			case !ok:
			case !isEC2ID(id, "subnet"):
				p.errorf(item, "write the subnet's ID, subnet- and 8 or 17 hexadecimal digits; list them with: aws ec2 describe-subnets --filters Name=vpc-id,Values=VPC --query 'Subnets[].SubnetId'",
					"%s %q is not a subnet ID", ip, id)
			case where[id] != "":
				p.errorf(item, "use each subnet in one tier, once", "%s %s is already listed at %s", ip, id, where[id])
			default:
				where[id] = ip
				out[model.Tier(tier)] = append(out[model.Tier(tier)], id)
			}
		}
	}
	return out
}

// checkExisting reports sections that cannot go into an existing VPC.
func (p *parser) checkExisting() {
	if p.st.Network.IsExisting() && p.st.Hub != nil {
		p.errorAt("network.existing", "remove network.existing, or topology: hub-and-spoke", "topology hub-and-spoke creates its own VPCs; it cannot go into an existing VPC")
	}
}

// ExistingPath is the spec path of the subnet ID at index i of a tier in
// existing mode, for diagnostics about it.
func ExistingPath(t model.Tier, i int) string { return index("network.subnets."+string(t), i) }
