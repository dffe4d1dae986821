// Package run is the privileged half of the twin: it executes a
// twin.Plan on this machine (Up), serves its workloads (Daemon: the
// responders, the load balancers, PostgreSQL and the Network Firewall
// endpoints' inspectors, which judge TLS SNI and HTTP Host), sends real packets
// through it (Probe), and removes every trace of it (Down), also after a
// crash, by the names every namespace and link carries.
//
// It drives the kernel through the ip and nft programs (iproute2 and
// nftables) rather than netlink: a whole namespace's links, addresses,
// rules and routes go in one `ip -batch` and its ruleset in one `nft -f`,
// which is as fast as netlink for a twin's size, needs no new dependency,
// and keeps the plan readable as the very commands that run. Sockets and
// child processes are put into a namespace by a goroutine locked to an
// OS thread that has joined it (setns), so no `ip netns exec` is needed.
//
// Everything here needs root, iproute2 and nftables; Check says what is
// missing.
package run
