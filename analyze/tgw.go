package analyze

import (
	"net/netip"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/rules"
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
	if vi := ix.vpcs[v]; vi != nil {
		return rules.VPCBlocks(vi.v)
	}
	return nil
}
