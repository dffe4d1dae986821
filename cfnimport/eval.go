package cfnimport

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// A value is a string (every scalar, numbers included, as written), a
// []any of values, or noValue (AWS::NoValue: the property is absent).
type noValueT struct{}

var noValue = noValueT{}

// symbolic is a value that cannot be known before deploy; where is the
// expression that made it so.
type symbolic struct{ where *node }

func (s *symbolic) Error() string { return text(s.where) + " is not known until deploy" }

// shapeError is an intrinsic with arguments of the wrong shape.
type shapeError struct {
	at  *node
	msg string
}

func (e *shapeError) Error() string { return e.msg }

// maxSteps bounds evaluation work over a whole template.
const maxSteps = 1 << 20

// ipv6Standin is the block an Amazon-provided IPv6 CIDR evaluates to: the
// documentation prefix the compiler uses too, so imported and compiled
// designs agree on subnet /64s.
var ipv6Standin = netip.MustParsePrefix("2001:db8::/56")

func (t *tmpl) eval(n *node, depth int) (any, error) {
	if n == nil {
		return noValue, nil
	}
	if depth > 64 {
		return nil, &shapeError{n, "intrinsic functions nest too deeply (a cycle through parameters or conditions?)"}
	}
	// A parameter whose default lists itself twice doubles the work at
	// every level; a budget keeps any template to linear-ish time.
	if t.steps++; t.steps > maxSteps {
		return nil, &shapeError{n, "the template's functions take too long to evaluate"}
	}
	switch n.kind {
	case scalarNode:
		if n.null {
			return noValue, nil
		}
		return n.str, nil
	case listNode:
		out := make([]any, 0, len(n.items))
		for _, it := range n.items {
			v, err := t.eval(it, depth+1)
			if err != nil {
				return nil, err
			}
			if v != noValue {
				out = append(out, v)
			}
		}
		return out, nil
	case mapNode:
		return nil, &shapeError{n, "a mapping where a value is expected"}
	}
	arg := n.arg
	switch n.fn {
	case "Ref":
		name, ok := scalar(arg)
		if !ok {
			return nil, &shapeError{n, "!Ref takes a name"}
		}
		return t.ref(n, name, depth)
	case "Fn::GetAtt":
		res, attr, ok := pair(arg)
		if !ok {
			return nil, &shapeError{n, "!GetAtt takes Resource.Attribute"}
		}
		return t.getAtt(n, res, attr, depth)
	case "Fn::Sub":
		return t.sub(n, depth)
	case "Fn::Select":
		return t.selectFn(n, depth)
	case "Fn::Cidr":
		return t.cidr(n, depth)
	case "Fn::Join":
		return t.join(n, depth)
	case "Fn::Split":
		return t.split(n, depth)
	case "Fn::If":
		return t.ifFn(n, depth)
	case "Fn::FindInMap":
		return t.findInMap(n, depth)
	case "Fn::Base64":
		return t.eval(arg, depth+1)
	}
	// GetAZs, ImportValue, Length, Transform, ...: known only at deploy.
	return nil, &symbolic{n}
}

// selectFn evaluates !Select: an element of a list.
func (t *tmpl) selectFn(n *node, depth int) (any, error) {
	arg := n.arg
	if arg == nil || arg.kind != listNode || len(arg.items) != 2 {
		return nil, &shapeError{n, "!Select takes [index, list]"}
	}
	iv, err := t.eval(arg.items[0], depth+1)
	if err != nil {
		return nil, err
	}
	lv, err := t.eval(arg.items[1], depth+1)
	if err != nil {
		return nil, err
	}
	i, err1 := strconv.Atoi(fmt.Sprint(iv))
	list, ok := lv.([]any)
	if err1 != nil || !ok {
		return nil, &shapeError{n, "!Select takes a number and a list"}
	}
	if i < 0 || i >= len(list) {
		return nil, &shapeError{n, fmt.Sprintf("!Select index %d is outside a list of %d", i, len(list))}
	}
	return list[i], nil
}

// join evaluates !Join: a list of strings joined by a separator.
func (t *tmpl) join(n *node, depth int) (any, error) {
	arg := n.arg
	if arg == nil || arg.kind != listNode || len(arg.items) != 2 {
		return nil, &shapeError{n, "!Join takes [separator, list]"}
	}
	sep, ok := scalar(arg.items[0])
	if !ok {
		return nil, &shapeError{n, "!Join takes a separator string"}
	}
	lv, err := t.eval(arg.items[1], depth+1)
	if err != nil {
		return nil, err
	}
	list, ok := lv.([]any)
	if !ok {
		return nil, &shapeError{n, "!Join takes a list"}
	}
	parts := make([]string, len(list))
	for i, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, &shapeError{n, "!Join joins strings"}
		}
		parts[i] = s
	}
	return strings.Join(parts, sep), nil
}

// split evaluates !Split: a string cut at a separator.
func (t *tmpl) split(n *node, depth int) (any, error) {
	arg := n.arg
	if arg == nil || arg.kind != listNode || len(arg.items) != 2 {
		return nil, &shapeError{n, "!Split takes [separator, string]"}
	}
	sep, ok := scalar(arg.items[0])
	if !ok || sep == "" {
		return nil, &shapeError{n, "!Split takes a separator string"}
	}
	sv, err := t.eval(arg.items[1], depth+1)
	if err != nil {
		return nil, err
	}
	s, ok := sv.(string)
	if !ok {
		return nil, &shapeError{n, "!Split splits a string"}
	}
	var out []any
	for _, p := range strings.Split(s, sep) {
		out = append(out, p)
	}
	return out, nil
}

// ifFn evaluates !If: one of two values by a condition.
func (t *tmpl) ifFn(n *node, depth int) (any, error) {
	arg := n.arg
	if arg == nil || arg.kind != listNode || len(arg.items) != 3 {
		return nil, &shapeError{n, "!If takes [condition, then, else]"}
	}
	name, ok := scalar(arg.items[0])
	if !ok {
		return nil, &shapeError{n, "!If takes a condition name"}
	}
	c, err := t.condition(arg.items[0], name, depth+1)
	if err != nil {
		return nil, err
	}
	if c {
		return t.eval(arg.items[1], depth+1)
	}
	return t.eval(arg.items[2], depth+1)
}

// findInMap evaluates !FindInMap: a value of Mappings, or its DefaultValue.
func (t *tmpl) findInMap(n *node, depth int) (any, error) {
	arg := n.arg
	if arg == nil || arg.kind != listNode || len(arg.items) < 3 {
		return nil, &shapeError{n, "!FindInMap takes [map, key, key]"}
	}
	keys, err := t.strings3(n, arg, depth, "!FindInMap takes string keys")
	if err != nil {
		return nil, err
	}
	v := t.mappings.get(keys[0]).get(keys[1]).get(keys[2])
	if v == nil {
		if len(arg.items) > 3 {
			if d := arg.items[3].get("DefaultValue"); d != nil {
				return t.eval(d, depth+1)
			}
		}
		return nil, &shapeError{n, fmt.Sprintf("no mapping %s.%s.%s", keys[0], keys[1], keys[2])}
	}
	return t.eval(v, depth+1)
}

func scalar(n *node) (string, bool) {
	if n == nil || n.kind != scalarNode || n.null {
		return "", false
	}
	return n.str, true
}

func pair(n *node) (string, string, bool) {
	if n == nil || n.kind != listNode || len(n.items) != 2 {
		return "", "", false
	}
	a, ok1 := scalar(n.items[0])
	b, ok2 := scalar(n.items[1])
	return a, b, ok1 && ok2 && a != ""
}

func (t *tmpl) ref(at *node, name string, depth int) (any, error) {
	if r, ok := t.res[name]; ok {
		return string(r.addr), nil
	}
	if p := t.params.get(name); p != nil {
		if v, ok := t.values[name]; ok {
			return v, nil
		}
		if d := p.get("Default"); d != nil {
			v, err := t.eval(d, depth+1)
			if err != nil {
				return nil, err
			}
			if typ, _ := scalar(p.get("Type")); strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList" {
				if s, ok := v.(string); ok {
					var out []any
					for _, x := range strings.Split(s, ",") {
						out = append(out, strings.TrimSpace(x))
					}
					return out, nil
				}
			}
			return v, nil
		}
		return nil, &symbolic{at}
	}
	if name == "AWS::NoValue" {
		return noValue, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, &symbolic{at}
	}
	return nil, &shapeError{at, fmt.Sprintf("!Ref %s: no such parameter or resource", name)}
}

func (t *tmpl) getAtt(at *node, name, attr string, depth int) (any, error) {
	r, ok := t.res[name]
	if !ok {
		return nil, &shapeError{at, fmt.Sprintf("!GetAtt %s.%s: no such resource", name, attr)}
	}
	switch {
	case r.typ == "AWS::EC2::VPC" && attr == "CidrBlock":
		return t.eval(r.props.get("CidrBlock"), depth+1)
	case r.typ == "AWS::EC2::VPC" && attr == "Ipv6CidrBlocks":
		if t.v6[r.addr].IsValid() {
			return []any{t.v6[r.addr].String()}, nil
		}
		return nil, &symbolic{at}
	case r.typ == "AWS::EC2::Subnet" && attr == "VpcId":
		return t.eval(r.props.get("VpcId"), depth+1)
	case r.typ == "AWS::NetworkFirewall::Firewall" && attr == "EndpointIds":
		return t.firewallEndpointIDs(r), nil // hub.go
	case strings.HasSuffix(attr, "Id") || attr == "Arn" || strings.HasSuffix(attr, "Arn"):
		return string(r.addr), nil
	}
	return nil, &symbolic{at}
}

// sub evaluates Fn::Sub: ${Name} and ${Resource.Attribute} are replaced,
// ${!Literal} is kept as ${Literal}.
func (t *tmpl) sub(n *node, depth int) (any, error) {
	arg := n.arg
	var vars *node
	if arg != nil && arg.kind == listNode {
		if len(arg.items) != 2 {
			return nil, &shapeError{n, "!Sub takes a string or [string, variables]"}
		}
		arg, vars = arg.items[0], arg.items[1]
	}
	s, ok := scalar(arg)
	if !ok {
		return nil, &shapeError{n, "!Sub takes a string"}
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		var v any
		var err error
		if vn := vars.get(name); vn != nil {
			v, err = t.eval(vn, depth+1)
		} else if res, attr, ok := strings.Cut(name, "."); ok {
			v, err = t.getAtt(n, res, attr, depth+1)
		} else {
			v, err = t.ref(n, name, depth+1)
		}
		if err != nil {
			return nil, err
		}
		str, ok := v.(string)
		if !ok {
			return nil, &shapeError{n, "!Sub variable ${" + name + "} is not a string"}
		}
		b.WriteString(str)
	}
}

// cidr evaluates Fn::Cidr [block, count, bits]: count blocks with bits
// host bits, carved in order from block.
func (t *tmpl) cidr(n *node, depth int) (any, error) {
	arg := n.arg
	if arg == nil || arg.kind != listNode || len(arg.items) != 3 {
		return nil, &shapeError{n, "!Cidr takes [block, count, bits]"}
	}
	vs, err := t.strings3(n, arg, depth, "!Cidr takes a block and two numbers")
	if err != nil {
		return nil, err
	}
	block, err := netip.ParsePrefix(vs[0])
	count, err1 := strconv.Atoi(vs[1])
	bits, err2 := strconv.Atoi(vs[2])
	if err != nil || err1 != nil || err2 != nil {
		return nil, &shapeError{n, "!Cidr takes a CIDR block and two numbers"}
	}
	total := block.Addr().BitLen()
	size := total - bits
	if bits < 0 || size < block.Bits() || count < 1 || count > 256 || size-block.Bits() < 30 && count > 1<<(size-block.Bits()) {
		return nil, &shapeError{n, fmt.Sprintf("!Cidr cannot carve %d blocks of %d host bits from %s", count, bits, block)}
	}
	out := make([]any, 0, count)
	a := block.Masked().Addr()
	for i := 0; i < count; i++ {
		p := netip.PrefixFrom(a, size)
		out = append(out, p.String())
		a = addBlock(a, bits)
	}
	return out, nil
}

// addBlock returns a + 2^bits.
func addBlock(a netip.Addr, bits int) netip.Addr {
	b := a.As16()
	if a.Is4() {
		bits += 96
	}
	byteIdx := 15 - bits/8
	carry := uint16(1) << (bits % 8)
	for i := byteIdx; i >= 0 && carry > 0; i-- {
		s := uint16(b[i]) + carry
		b[i] = byte(s)
		carry = s >> 8
	}
	out := netip.AddrFrom16(b)
	if a.Is4() {
		return out.Unmap()
	}
	return out
}

// condition evaluates a named condition.
func (t *tmpl) condition(at *node, name string, depth int) (bool, error) {
	c := t.conds.get(name)
	if c == nil {
		return false, &shapeError{at, "no condition " + name}
	}
	return t.condValue(c, depth+1)
}

func (t *tmpl) condValue(n *node, depth int) (bool, error) {
	if t.steps++; depth > 64 || t.steps > maxSteps {
		return false, &shapeError{n, "conditions nest too deeply"}
	}
	if n != nil && n.kind == fnNode && n.fn == "Condition" {
		if name, ok := scalar(n.arg); ok {
			return t.condition(n, name, depth+1)
		}
	}
	if name, ok := scalar(n.get("Condition")); ok {
		return t.condition(n, name, depth+1)
	}
	if n == nil || n.kind != fnNode || n.arg == nil || n.arg.kind != listNode {
		return false, &shapeError{n, "a condition is !Equals, !Not, !And, !Or or {Condition: name}"}
	}
	items := n.arg.items
	switch n.fn {
	case "Fn::Equals":
		if len(items) != 2 {
			return false, &shapeError{n, "!Equals takes two values"}
		}
		a, err := t.eval(items[0], depth+1)
		if err != nil {
			return false, err
		}
		b, err := t.eval(items[1], depth+1)
		if err != nil {
			return false, err
		}
		return fmt.Sprint(a) == fmt.Sprint(b), nil
	case "Fn::Not":
		if len(items) != 1 {
			return false, &shapeError{n, "!Not takes one condition"}
		}
		v, err := t.condValue(items[0], depth+1)
		return !v, err
	case "Fn::And", "Fn::Or":
		and := n.fn == "Fn::And"
		for _, it := range items {
			v, err := t.condValue(it, depth+1)
			if err != nil {
				return false, err
			}
			if v != and {
				return v, nil
			}
		}
		return and, nil
	}
	return false, &shapeError{n, "a condition is !Equals, !Not, !And, !Or or {Condition: name}"}
}

// strings3 evaluates the first three items of a function's argument list,
// each of which must come out as a string; msg explains the shape when one
// does not.
func (t *tmpl) strings3(n, arg *node, depth int, msg string) ([3]string, error) {
	var out [3]string
	for i := range 3 {
		v, err := t.eval(arg.items[i], depth+1)
		if err != nil {
			return out, err
		}
		s, ok := v.(string)
		if !ok {
			return out, &shapeError{n, msg}
		}
		out[i] = s
	}
	return out, nil
}
