package analyze

import (
	"fmt"
	"slices"
)

// standinNotes says, for each end of f that is an interface with a
// stand-in private address (one model.AddWorkloadENIs made for a compiled
// design or an imported template, or one the index gave an interface
// whose address the model lacks), that the address is not the one AWS
// will assign.
func (ix *Index) standinNotes(w *walker, f Flow) {
	for _, e := range []FlowEnd{f.Src, f.Dst} {
		if e.Kind != Interface {
			continue
		}
		d := ix.byAddr[e.Addr]
		if d == nil || !slices.Contains(d.ips, e.IP) {
			continue
		}
		if d.ipStandin || d.eni != nil && d.eni.Standin {
			w.note(fmt.Sprintf("%s of %s is a stand-in address: AWS assigns the real one at deploy", e.IP, e.Addr))
		}
	}
}
