package awsjson

import "testing"

func TestReadKindsNameEveryKind(t *testing.T) {
	for _, p := range readKinds.Check() {
		t.Errorf("readKinds: %s", p)
	}
}
