package cfn

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/moatnet/moat/model"
)

// A stack built into an existing VPC (model.Existing) emits only what it
// creates. Every reference to what was there, the VPC, its subnets and
// route tables, is a template parameter whose default is the ID moat
// picked, so the template never names, and so never changes, a resource
// it did not create.

// createdPart returns the resources of n the stack creates: every list
// without the resources Existing.Found holds.
func createdPart(n *model.Network) *model.Network {
	p := &model.Network{}
	src, dst := reflect.ValueOf(n).Elem(), reflect.ValueOf(p).Elem()
	for i := range src.NumField() {
		if !src.Type().Field(i).IsExported() {
			continue
		}
		f := src.Field(i)
		if f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Struct {
			dst.Field(i).Set(f)
			continue
		}
		if _, ok := f.Type().Elem().FieldByName("Addr"); !ok {
			dst.Field(i).Set(f)
			continue
		}
		kept := reflect.MakeSlice(f.Type(), 0, f.Len())
		for j := range f.Len() {
			if a, _ := f.Index(j).FieldByName("Addr").Interface().(model.ResourceRef); !n.Existing.IsFound(a) {
				kept = reflect.Append(kept, f.Index(j))
			}
		}
		dst.Field(i).Set(kept)
	}
	return p
}

// existingRef is the parameter standing for an existing resource, added
// on first use: VpcId, <Tier>Subnet<N>Id, RouteTable<N>Id.
func (e *emitter) existingRef(a model.ResourceRef) Value {
	x := e.n.Existing
	if p, ok := e.existingParams[a]; ok {
		return Ref{p}
	}
	id := model.AWSID(a)
	p := Parameter{Default: String(id), Type: "String"}
	switch a.Kind() {
	case "vpc":
		p.Name, p.Type = "VpcId", "AWS::EC2::VPC::Id"
		p.Description = fmt.Sprintf("The existing VPC the stack goes into (moat picked %s; the stack does not change it)", id)
	case "subnet":
		p.Type = "AWS::EC2::Subnet::Id"
		p.Name = LogicalID(a) + "Id"
		for _, t := range []model.Tier{model.Public, model.Private, model.Isolated} {
			if i := slices.Index(x.Subnets[t], a); i >= 0 {
				p.Name = fmt.Sprintf("%sSubnet%dId", pascal(string(t)), i+1)
				p.Description = fmt.Sprintf("An existing %s subnet of the VPC (moat picked %s by its routes; the stack does not change it)", t, id)
			}
		}
	case "rtb":
		e.existingTables++
		p.Name, p.AllowedPattern = fmt.Sprintf("RouteTable%dId", e.existingTables), "^rtb-[0-9a-f]+$"
		p.Description = fmt.Sprintf("An existing route table where the stack's gateway endpoints add their routes (moat picked %s)", id)
	default:
		p.Name = LogicalID(a) + "Id"
		p.Description = fmt.Sprintf("ID of the existing %s", a)
	}
	if err := e.t.AddParameter(p); err != nil {
		e.errs = append(e.errs, err)
	}
	e.existingParams[a] = p.Name
	return Ref{p.Name}
}
