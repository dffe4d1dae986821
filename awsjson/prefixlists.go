package awsjson

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/moatnet/moat/model"
)

func (b *builder) prefixLists() {
	entries := map[string][]netip.Prefix{}
	for _, f := range b.files {
		if f.k.command != "get-managed-prefix-list-entries" {
			continue
		}
		if f.tableID == "" {
			b.warnf(f, "the file name names no prefix list (pl-...); its entries are ignored")
			continue
		}
		for _, e := range f.d.Entries {
			if p := b.prefix(f, "prefix list "+f.tableID, e.Cidr); p.IsValid() {
				entries[f.tableID] = append(entries[f.tableID], p)
			}
		}
	}
	for _, f := range b.files {
		for _, p := range f.d.PrefixLists {
			if !b.first("pl", p.PrefixListId) {
				continue
			}
			m := model.PrefixList{Addr: a("pl", p.PrefixListId), ID: p.PrefixListId, Name: p.PrefixListName}
			for _, c := range p.Cidrs {
				if pf := b.prefix(f, "prefix list "+p.PrefixListId, c); pf.IsValid() {
					m.Entries = append(m.Entries, pf)
				}
			}
			m.Entries = append(m.Entries, entries[p.PrefixListId]...)
			delete(entries, p.PrefixListId)
			b.n.PrefixLists = append(b.n.PrefixLists, sortedPL(m))
		}
	}
	for _, id := range sortedKeys(entries) {
		b.n.PrefixLists = append(b.n.PrefixLists, sortedPL(model.PrefixList{Addr: a("pl", id), ID: id, Entries: entries[id]}))
	}
}

func sortedPL(m model.PrefixList) model.PrefixList {
	slices.SortFunc(m.Entries, comparePrefix)
	m.Entries = slices.Compact(m.Entries)
	return m
}

func comparePrefix(x, y netip.Prefix) int {
	return cmp.Or(x.Addr().Compare(y.Addr()), cmp.Compare(x.Bits(), y.Bits()))
}
