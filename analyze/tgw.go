package analyze

import (
	"net/netip"

	"github.com/moatnet/moat/model"
)

// tgwAttachment is the attachment with that address or AWS id.
func (ix *Index) tgwAttachment(a model.ResourceRef) *model.TGWAttachment {
	if att := ix.tgwAtt[a]; att != nil {
		return att
	}
	return ix.tgwAtt[ix.idOf(a)]
}

// vpcBlocks is a VPC's CIDR blocks: primary, IPv6 and secondary.
func (ix *Index) vpcBlocks(v model.ResourceRef) []netip.Prefix {
	vi := ix.vpcs[v]
	if vi == nil {
		return nil
	}
	return append([]netip.Prefix{vi.v.CIDR, vi.v.IPv6CIDR}, vi.v.SecondaryCIDRs...)
}
