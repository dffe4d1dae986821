// Package synth generates large synthetic AWS accounts as model.Networks,
// deterministically from a seed, for the analyzer's benchmarks: hundreds
// of VPCs joined by a Transit Gateway, thousands of subnets, tens of
// thousands of interfaces and security group rules.
package synth
