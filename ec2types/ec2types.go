package ec2types

import "sort"

// Limits are an instance type's interface limits, as the EC2 User Guide
// ("Maximum IP addresses per network interface") and
// DescribeInstanceTypes (NetworkInfo.MaximumNetworkInterfaces,
// Ipv4AddressesPerInterface) give them.
type Limits struct {
	ENIs       int // network interfaces per instance
	IPv4PerENI int // private IPv4 addresses per interface
}

// MaxPods is the number of pods an EKS node runs with the Amazon VPC CNI
// in its default (secondary IP) mode: each interface's first address is
// the interface's own, and two pods (aws-node and kube-proxy) use the
// host network: ENIs × (IPv4 per ENI − 1) + 2.
func (l Limits) MaxPods() int {
	if l.ENIs <= 0 || l.IPv4PerENI <= 0 {
		return 0
	}
	return l.ENIs*(l.IPv4PerENI-1) + 2
}

// sizes gives the limits of one size across families that share them.
var (
	burstable = map[string]Limits{ // t3 and t4g
		"nano": {2, 2}, "micro": {2, 2}, "small": {3, 4}, "medium": {3, 6},
		"large": {3, 12}, "xlarge": {4, 15}, "2xlarge": {4, 15},
	}
	general = map[string]Limits{ // m5, m6g, m7g, c6g
		"medium": {2, 4}, "large": {3, 10}, "xlarge": {4, 15}, "2xlarge": {4, 15},
		"4xlarge": {8, 30}, "8xlarge": {8, 30}, "12xlarge": {8, 30},
		"16xlarge": {15, 50}, "metal": {15, 50},
	}
)

// table lists every type moat knows. m5 has no medium size but adds 24xlarge.
var table = func() map[string]Limits {
	t := map[string]Limits{}
	for _, fam := range []string{"t3", "t4g"} {
		for size, l := range burstable {
			t[fam+"."+size] = l
		}
	}
	for _, fam := range []string{"m5", "m6g", "m7g", "c6g"} {
		for size, l := range general {
			if fam == "m5" && size == "medium" {
				continue
			}
			t[fam+"."+size] = l
		}
	}
	t["m5.24xlarge"] = Limits{15, 50}
	return t
}()

// Lookup returns the limits of an instance type such as "t4g.medium".
func Lookup(instanceType string) (Limits, bool) {
	l, ok := table[instanceType]
	return l, ok
}

// Known lists the instance types Lookup knows, sorted.
func Known() []string {
	out := make([]string, 0, len(table))
	for k := range table {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
