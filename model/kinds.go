package model

import (
	"reflect"
	"slices"
	"strings"
)

// Kinds returns the names of Network's resource lists (its slice fields,
// "VPCs", "Subnets", ...) in declaration order. A new kind of resource is
// a new list here, and every package with a Coverage table must say what
// it does with it (docs/architecture.md has the checklist).
func Kinds() []string {
	var out []string
	t := reflect.TypeFor[Network]()
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && f.Type.Kind() == reflect.Slice {
			out = append(out, f.Name)
		}
	}
	return out
}

// Coverage is one package's answer, for every kind, to "what do you do
// with it?": the function or resource that handles it, or why the package
// leaves it alone. Each package that must handle every kind keeps one,
// and its test calls Check, so a kind added to Network without a decision
// fails the build's tests instead of being dropped silently.
type Coverage map[string]Handling

// Handling is what a package does with one kind: By names the code that
// handles it; Skip, when By is empty, says why the package does not.
type Handling struct {
	By   string
	Skip string
}

// By says code handles the kind.
func By(code string) Handling { return Handling{By: code} }

// Skip says why the kind is not handled.
func Skip(reason string) Handling { return Handling{Skip: reason} }

// Check returns the problems with c: kinds it does not name, names that
// are no kind, and entries with neither a handler nor a reason.
func (c Coverage) Check() []string {
	var out []string
	kinds := Kinds()
	for _, k := range kinds {
		h, ok := c[k]
		switch {
		case !ok:
			out = append(out, "kind "+k+" is not in the table: say which code handles it, or why none does")
		case strings.TrimSpace(h.By) == "" && strings.TrimSpace(h.Skip) == "":
			out = append(out, "kind "+k+" has neither a handler nor a reason")
		}
	}
	for k := range c {
		if !slices.Contains(kinds, k) {
			out = append(out, k+" is no list of model.Network")
		}
	}
	slices.Sort(out)
	return out
}

// Handled reports whether the package handles kind k.
func (c Coverage) Handled(k string) bool { return c[k].By != "" }

// AddressedLists calls fn with every list of n whose elements carry an
// Addr, with its kind (the field name) and the slice as a settable
// reflect.Value: the code that treats
// every kind alike (duplicate addresses, what an existing VPC holds, the
// part of it a stack creates) walks them in one way.
func AddressedLists(n *Network, fn func(kind string, list reflect.Value)) {
	v := reflect.ValueOf(n).Elem()
	for i := range v.NumField() {
		fv := v.Field(i)
		if !v.Type().Field(i).IsExported() || fv.Kind() != reflect.Slice || fv.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		if _, ok := fv.Type().Elem().FieldByName("Addr"); ok {
			fn(v.Type().Field(i).Name, fv)
		}
	}
}

// AddrAt is the Addr of element j of a list AddressedLists gave.
func AddrAt(list reflect.Value, j int) ResourceRef {
	a, _ := list.Index(j).FieldByName("Addr").Interface().(ResourceRef)
	return a
}
