package model

import "net/netip"

// The types in this file describe the hybrid edge of a VPC: virtual
// private gateways, Site-to-Site VPN connections and Direct Connect
// virtual interfaces, as describe-vpn-gateways, describe-vpn-connections,
// describe-customer-gateways and describe-virtual-interfaces print them.
// What lies beyond them (the customer's routers) is not modeled: only the
// addresses AWS records for the far end.

// VPNGateway is a virtual private gateway (vgw-...) attached to a VPC.
type VPNGateway struct {
	Addr ResourceRef
	ID   string
	VPC  ResourceRef // zero when detached
	ASN  int
}

// VPNConnection is a Site-to-Site VPN connection on a virtual private
// gateway or a Transit Gateway.
type VPNConnection struct {
	Addr ResourceRef
	ID   string
	VGW  ResourceRef // zero for a Transit Gateway VPN
	TGW  ResourceRef
	// TGWAttachment is the Transit Gateway's attachment for the VPN.
	TGWAttachment ResourceRef
	// CustomerGateway is the customer gateway's id; CustomerIP its
	// outside (internet-routable) address.
	CustomerGateway string
	CustomerIP      netip.Addr
	// StaticRoutesOnly: the connection routes exactly Routes; otherwise
	// it learns routes over BGP, which the describe output does not show.
	StaticRoutesOnly bool
	Routes           []netip.Prefix
	// TunnelOutside are the AWS-side outside addresses of the tunnels.
	TunnelOutside []netip.Addr
}

// DXVirtualInterface is a Direct Connect virtual interface: a private one
// ends on a virtual private gateway (VGW) or a Direct Connect gateway
// (DXGateway), a transit one on a Direct Connect gateway.
type DXVirtualInterface struct {
	Addr            ResourceRef
	ID              string
	Type            string // private, transit, public
	VGW             ResourceRef
	DXGateway       string
	AmazonAddress   netip.Prefix
	CustomerAddress netip.Prefix
}
