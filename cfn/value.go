package cfn

// Value is a CloudFormation value: a literal or an intrinsic function. A nil
// Value means "absent" and is omitted wherever it appears as a property.
type Value interface {
	isValue()
}

// String is a literal string.
type String string

// Int is a literal integer.
type Int int

// Bool is a literal boolean.
type Bool bool

// List is a literal list.
type List []Value

// Field is one key of a Map.
type Field struct {
	Key   string
	Value Value
}

// Map is an ordered mapping. Order is kept as built, because encoders must be
// deterministic and some documents (IAM policies) read best in a fixed order.
type Map []Field

// Ref is the Ref intrinsic: a parameter, resource or pseudo parameter.
type Ref struct{ Name string }

// GetAtt is Fn::GetAtt: an attribute of a resource.
type GetAtt struct{ Resource, Attribute string }

// Sub is Fn::Sub. Vars may be nil; names in Vars shadow parameters and
// resources inside Template.
type Sub struct {
	Template string
	Vars     Map
}

// Fn is any other intrinsic function ("Fn::Select", "Fn::Join", ...), with
// its argument exactly as CloudFormation takes it. Use the constructors
// below rather than building one by hand.
type Fn struct {
	Name string
	Arg  Value
}

func (String) isValue() {}
func (Int) isValue()    {}
func (Bool) isValue()   {}
func (List) isValue()   {}
func (Map) isValue()    {}
func (Ref) isValue()    {}
func (GetAtt) isValue() {}
func (Sub) isValue()    {}
func (Fn) isValue()     {}

// Str returns a String, or nil for "" so empty optional values disappear.
func Str(s string) Value {
	if s == "" {
		return nil
	}
	return String(s)
}

// Strs returns a List of Strings.
func Strs(ss ...string) List {
	out := make(List, len(ss))
	for i, s := range ss {
		out[i] = String(s)
	}
	return out
}

// Get returns the value of key k, or nil.
func (m Map) Get(k string) Value {
	for _, f := range m {
		if f.Key == k {
			return f.Value
		}
	}
	return nil
}

// With returns m with k set to v (appended when new), skipping nil values.
func (m Map) With(k string, v Value) Map {
	if v == nil {
		return m
	}
	for i, f := range m {
		if f.Key == k {
			out := append(Map(nil), m...)
			out[i].Value = v
			return out
		}
	}
	return append(m, Field{k, v})
}

// Select is Fn::Select.
func Select(index int, list Value) Fn {
	return Fn{"Fn::Select", List{Int(index), list}}
}

// GetAZs is Fn::GetAZs; region "" means the stack's Region.
func GetAZs(region string) Fn { return Fn{"Fn::GetAZs", String(region)} }

// Cidr is Fn::Cidr: count blocks of cidrBits host bits carved from block.
func Cidr(block Value, count, cidrBits int) Fn {
	return Fn{"Fn::Cidr", List{block, Int(count), Int(cidrBits)}}
}

// Join is Fn::Join.
func Join(sep string, items ...Value) Fn {
	return Fn{"Fn::Join", List{String(sep), List(items)}}
}

// Base64 is Fn::Base64.
func Base64(v Value) Fn { return Fn{"Fn::Base64", v} }

// If is Fn::If on a named condition.
func If(condition string, then, els Value) Fn {
	return Fn{"Fn::If", List{String(condition), then, els}}
}

// Equals is Fn::Equals (used in Conditions).
func Equals(a, b Value) Fn { return Fn{"Fn::Equals", List{a, b}} }

// Not is Fn::Not.
func Not(cond Value) Fn { return Fn{"Fn::Not", List{cond}} }

// ImportValue is Fn::ImportValue.
func ImportValue(v Value) Fn { return Fn{"Fn::ImportValue", v} }

// Split is Fn::Split.
func Split(sep string, v Value) Fn { return Fn{"Fn::Split", List{String(sep), v}} }

// ConditionRef is the {"Condition": name} form used inside condition
// functions to reuse another condition.
func ConditionRef(name string) Map { return Map{{"Condition", String(name)}} }

// Pseudo parameters CloudFormation defines for every stack.
const (
	AccountID        = "AWS::AccountId"
	NotificationARNs = "AWS::NotificationARNs"
	NoValue          = "AWS::NoValue"
	Partition        = "AWS::Partition"
	Region           = "AWS::Region"
	StackID          = "AWS::StackId"
	StackName        = "AWS::StackName"
	URLSuffix        = "AWS::URLSuffix"
)

// pseudoParams is the set Check accepts without a declaration.
var pseudoParams = map[string]bool{
	AccountID: true, NotificationARNs: true, NoValue: true, Partition: true,
	Region: true, StackID: true, StackName: true, URLSuffix: true,
}
