package cfn

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moatnet/moat/internal/testnet"
	"github.com/moatnet/moat/model"
)

func TestKindTablesNameEveryKind(t *testing.T) {
	for name, c := range map[string]model.Coverage{"emitKinds": emitKinds, "accountKinds": accountKinds} {
		for _, p := range c.Check() {
			t.Errorf("%s: %s", name, p)
		}
	}
}

func kindLen(n *model.Network, kind string) int {
	return reflect.ValueOf(n).Elem().FieldByName(kind).Len()
}

// The per-account splitter keeps every element of every kind it handles
// (in some account's part), refuses the kinds it cannot split, and drops
// only what the emitter renders nowhere.
func TestAccountSplitKeepsEveryKind(t *testing.T) {
	n := testnet.Compile(t, "../testdata/golden/hub-and-spoke-accounts.yaml")
	var accounts []string
	for _, v := range n.VPCs {
		if !strings.Contains(strings.Join(accounts, ","), v.Account) {
			accounts = append(accounts, v.Account)
		}
	}
	if len(accounts) < 2 {
		t.Fatalf("accounts %v: the example must span accounts", accounts)
	}
	var parts []*model.Network
	for _, a := range accounts {
		parts = append(parts, accountPart(n, a))
	}
	for _, k := range model.Kinds() {
		h := accountKinds[k]
		switch {
		case h.By != "":
			kept := 0
			for _, p := range parts {
				kept += kindLen(p, k)
			}
			if kept < kindLen(n, k) {
				t.Errorf("%s: the parts keep %d of %d", k, kept, kindLen(n, k))
			}
		case strings.HasPrefix(h.Skip, "refused"):
			m := *n
			v := reflect.ValueOf(&m).Elem().FieldByName(k)
			v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
			if !splitRefused(&m) {
				t.Errorf("%s: the table says refused, but FromNetworkSet splits a network holding one", k)
			}
		case strings.HasPrefix(h.Skip, "not emitted"):
			if emitKinds.Handled(k) {
				t.Errorf("%s: the splitter drops it, but FromNetwork emits it", k)
			}
		default:
			t.Errorf("%s: the reason %q is none of: a handler, refused, not emitted", k, h.Skip)
		}
	}
}
