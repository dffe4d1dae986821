package cfn

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// FormatVersion is the only template format version CloudFormation has.
const FormatVersion = "2010-09-09"

// Template is a CloudFormation template. Parameters, Conditions and Outputs
// keep the order they were added in; Resources are kept sorted by logical ID
// (AddResource inserts in order) so output never depends on emit order.
type Template struct {
	AWSTemplateFormatVersion string
	Description              string
	Metadata                 Map
	Parameters               []Parameter
	Conditions               []Condition
	Resources                []Resource
	Outputs                  []Output
}

// Parameter is a template parameter.
type Parameter struct {
	Name           string
	Type           string
	Description    string
	Default        Value
	AllowedPattern string
	AllowedValues  []string
}

// Condition is a named condition, e.g. Equals(Ref{"Env"}, String("prod")).
type Condition struct {
	Name  string
	Value Value
}

// Resource is one resource: a logical ID, a type, ordered properties and
// explicit dependencies. DeletionPolicy and UpdateReplacePolicy say what
// CloudFormation does with the physical resource when the stack deletes or
// replaces it; empty means CloudFormation's default (Delete, except
// Snapshot for RDS) and is left out of the template.
type Resource struct {
	LogicalID           string
	Type                string
	Properties          Map
	DependsOn           []string
	Condition           string
	DeletionPolicy      RemovalPolicy
	UpdateReplacePolicy RemovalPolicy
	// Metadata is the resource's Metadata attribute, e.g. the scanner
	// suppressions of a Waiver (see waivers.go).
	Metadata Map
}

// RemovalPolicy is a DeletionPolicy or UpdateReplacePolicy value.
type RemovalPolicy string

// The policies CloudFormation accepts. Snapshot is valid only on types in
// snapshotTypes; RetainExceptOnCreate only as a DeletionPolicy.
const (
	Delete               RemovalPolicy = "Delete"
	Retain               RemovalPolicy = "Retain"
	Snapshot             RemovalPolicy = "Snapshot"
	RetainExceptOnCreate RemovalPolicy = "RetainExceptOnCreate"
)

// Output is a stack output, optionally exported under ExportName.
type Output struct {
	Name        string
	Description string
	Value       Value
	ExportName  Value
	Condition   string
}

// Properties is a resource's typed property struct. Type returns the
// CloudFormation resource type, e.g. "AWS::EC2::VPC".
type Properties interface {
	Type() string
}

// New returns an empty template with the format version set.
func New(description string) *Template {
	return &Template{AWSTemplateFormatVersion: FormatVersion, Description: description}
}

// Resource returns the resource with logical ID id.
func (t *Template) Resource(id string) (*Resource, bool) {
	i, ok := slices.BinarySearchFunc(t.Resources, id, func(r Resource, id string) int { return strings.Compare(r.LogicalID, id) })
	if !ok {
		return nil, false
	}
	return &t.Resources[i], true
}

// AddResource adds a resource built from typed properties. It fails on a
// duplicate logical ID, since two model elements mapping to one ID would
// silently overwrite each other.
func (t *Template) AddResource(id string, p Properties, dependsOn ...string) error {
	props, err := Props(p)
	if err != nil {
		return fmt.Errorf("resource %s: %w", id, err)
	}
	return t.Add(Resource{LogicalID: id, Type: p.Type(), Properties: props, DependsOn: dependsOn})
}

// Add inserts r in logical ID order.
func (t *Template) Add(r Resource) error {
	if !validLogicalID(r.LogicalID) {
		return fmt.Errorf("logical ID %q must be 1-255 ASCII letters and digits", r.LogicalID)
	}
	i, found := slices.BinarySearchFunc(t.Resources, r.LogicalID, func(x Resource, id string) int { return strings.Compare(x.LogicalID, id) })
	if found {
		return fmt.Errorf("duplicate logical ID %s (%s and %s)", r.LogicalID, t.Resources[i].Type, r.Type)
	}
	t.Resources = slices.Insert(t.Resources, i, r)
	return nil
}

// AddParameter appends a parameter, failing on a duplicate name.
func (t *Template) AddParameter(p Parameter) error {
	for _, q := range t.Parameters {
		if q.Name == p.Name {
			return fmt.Errorf("duplicate parameter %s", p.Name)
		}
	}
	t.Parameters = append(t.Parameters, p)
	return nil
}

// AddOutput appends an output, failing on a duplicate name.
func (t *Template) AddOutput(o Output) error {
	for _, q := range t.Outputs {
		if q.Name == o.Name {
			return fmt.Errorf("duplicate output %s", o.Name)
		}
	}
	if !validLogicalID(o.Name) {
		return fmt.Errorf("output name %q must be ASCII letters and digits", o.Name)
	}
	t.Outputs = append(t.Outputs, o)
	return nil
}

func validLogicalID(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

var valueType = reflect.TypeFor[Value]()

// Props turns a property struct into a Map by reflection. Field names are
// the CloudFormation names and keys come out sorted, as the CloudFormation
// reference lists them. Allowed field types: Value (nil omitted), a pointer
// to a property struct (nil omitted), a slice of Values or property structs
// (empty omitted). Plain Go scalars are refused on purpose: a bool or int
// zero value cannot be told apart from "unset" (SourceDestCheck false!).
func Props(p any) (Map, error) {
	v := reflect.ValueOf(p)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("properties must be a struct, not %s", v.Type())
	}
	var m Map
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		val, err := propValue(v.Field(i))
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", v.Type().Name(), f.Name, err)
		}
		if val != nil {
			m = append(m, Field{f.Name, val})
		}
	}
	slices.SortFunc(m, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
	return m, nil
}

func propValue(v reflect.Value) (Value, error) {
	switch {
	case v.Type() == valueType:
		if v.IsNil() {
			return nil, nil
		}
		return v.Interface().(Value), nil
	case v.Type().Implements(valueType):
		// A concrete Value type (Map, List, Ref, ...) stored directly.
		if v.Kind() == reflect.Slice && v.Len() == 0 {
			return nil, nil
		}
		return v.Interface().(Value), nil
	case v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct:
		if v.IsNil() {
			return nil, nil
		}
		m, err := Props(v.Interface())
		if err != nil || len(m) == 0 {
			return nil, err
		}
		return m, nil
	case v.Kind() == reflect.Struct:
		m, err := Props(v.Interface())
		if err != nil || len(m) == 0 {
			return nil, err
		}
		return m, nil
	case v.Kind() == reflect.Slice:
		if v.Len() == 0 {
			return nil, nil
		}
		out := make(List, 0, v.Len())
		for i := range v.Len() {
			e, err := propValue(v.Index(i))
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if e == nil {
				return nil, fmt.Errorf("[%d]: empty list element", i)
			}
			out = append(out, e)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported field type %s (use a cfn.Value)", v.Type())
}
