package cfn

import (
	"github.com/moatnet/moat/model"
)

// outputs exports what application stacks need to build on this network:
// the VPC, each tier's subnets, and every security group.
func (e *emitter) outputs() {
	export := func(name string) Value { return Sub{Template: "${AWS::StackName}-" + name} }
	add := func(o Output) {
		if err := e.t.AddOutput(o); err != nil {
			e.errs = append(e.errs, err)
		}
	}
	for i, v := range e.n.VPCs {
		name := "VpcId"
		if i > 0 {
			name = e.id(v.Addr) + "Id"
		}
		add(Output{Name: name, Description: "ID of " + string(v.Addr), Value: e.ref(v.Addr), ExportName: export(name)})
	}
	for _, tier := range []model.Tier{model.Public, model.Private, model.Isolated} {
		subnets := e.n.SubnetsOf(tier)
		if len(subnets) == 0 {
			continue
		}
		var ids []Value
		for _, s := range subnets {
			ids = append(ids, e.ref(s.Addr))
		}
		name := pascal(string(tier)) + "SubnetIds"
		add(Output{Name: name, Description: "Comma-separated IDs of the " + string(tier) + " subnets", Value: Join(",", ids...), ExportName: export(name)})
	}
	for _, g := range e.n.SecurityGroups {
		id := e.id(g.Addr)
		add(Output{Name: id + "Id", Description: "ID of security group " + string(g.Addr), Value: GetAtt{id, "GroupId"}, ExportName: export(id + "Id")})
	}
}
