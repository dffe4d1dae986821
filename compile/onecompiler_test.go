package compile

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestHubOnlyDecidesTopology: hub-and-spoke is data fed to the build
// steps a single VPC uses, so hub.go builds none of the per-VPC
// resources itself. A literal of one of these kinds in hub.go is a second
// compiler growing back.
func TestHubOnlyDecidesTopology(t *testing.T) {
	shared := map[string]bool{
		"VPC": true, "Subnet": true, "SecurityGroup": true, "NetworkACL": true, "Endpoint": true,
		"Database": true, "FlowLog": true, "AliasRecord": true, "WebACL": true, "Service": true,
		"FileSystem": true, "LogGroup": true, "Key": true,
	}
	f, err := parser.ParseFile(token.NewFileSet(), "hub.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		typ := lit.Type
		if a, ok := typ.(*ast.ArrayType); ok {
			typ = a.Elt
		}
		if sel, ok := typ.(*ast.SelectorExpr); ok && shared[sel.Sel.Name] {
			t.Errorf("hub.go builds a model.%s itself; the shared build step should", sel.Sel.Name)
		}
		return true
	})
}
