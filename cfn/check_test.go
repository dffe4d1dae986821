package cfn

import (
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

func TestCheckBrokenTemplates(t *testing.T) {
	base := func() *Template {
		tpl := New("d")
		tpl.Parameters = []Parameter{{Name: "Env", Type: "String"}}
		tpl.Conditions = []Condition{{Name: "IsProd", Value: Equals(Ref{"Env"}, String("prod"))}}
		_ = tpl.AddResource("Vpc", VPC{CidrBlock: String("10.0.0.0/16")})
		_ = tpl.AddResource("Sg", SecurityGroup{GroupDescription: String("x"), VpcId: Ref{"Vpc"}})
		return tpl
	}
	set := func(id string, f func(*Resource)) func(*Template) {
		return func(tpl *Template) {
			r, _ := tpl.Resource(id)
			f(r)
		}
	}
	prop := func(id, key string, v Value) func(*Template) {
		return set(id, func(r *Resource) { r.Properties = r.Properties.With(key, v) })
	}
	for _, tc := range []struct {
		name   string
		break_ func(*Template)
		want   []string
	}{
		{"ref to nothing", prop("Sg", "VpcId", Ref{"Nope"}), []string{"Ref Nope names no parameter"}},
		{"pseudo parameter is fine", prop("Sg", "GroupName", Sub{Template: "${AWS::StackName}-${AWS::Region}-${AWS::AccountId}-${AWS::Partition}-${AWS::URLSuffix}"}), nil},
		{"NoValue is fine", prop("Sg", "GroupName", Ref{NoValue}), nil},
		{"parameter ref is fine", prop("Sg", "GroupName", Ref{"Env"}), nil},
		{"getatt missing resource", prop("Sg", "VpcId", GetAtt{"Gone", "VpcId"}), []string{"GetAtt Gone.VpcId names no resource"}},
		{"getatt unknown attribute", prop("Sg", "VpcId", GetAtt{"Vpc", "Arn"}), []string{"AWS::EC2::VPC has no attribute Arn"}},
		{"getatt on unlisted type is not judged", func(tpl *Template) {
			_ = tpl.Add(Resource{LogicalID: "Bucket", Type: "AWS::S3::Bucket"})
			prop("Sg", "GroupName", GetAtt{"Bucket", "Anything"})(tpl)
		}, nil},
		{"sub var unresolved", prop("Sg", "GroupName", Sub{Template: "x-${Missing}"}), []string{"Ref Missing names no parameter"}},
		{"sub getatt form", prop("Sg", "GroupName", Sub{Template: "${Vpc.Nope}"}), []string{"has no attribute Nope"}},
		{"sub escape and vars", prop("Sg", "GroupName", Sub{Template: "${!Literal}-${Local}-${Vpc.CidrBlock}", Vars: Map{{"Local", Ref{"Env"}}}}), nil},
		{"sub var value checked", prop("Sg", "GroupName", Sub{Template: "${Local}", Vars: Map{{"Local", Ref{"Ghost"}}}}), []string{"Ref Ghost"}},
		{"sub unclosed", prop("Sg", "GroupName", Sub{Template: "${AWS::Region"}), []string{"unclosed"}},
		{"nested intrinsic", prop("Sg", "GroupName", Join("-", Select(0, GetAZs("")), Ref{"Nobody"})), []string{"Ref Nobody"}},
		{"dependsOn missing", set("Sg", func(r *Resource) { r.DependsOn = []string{"Ghost"} }), []string{"DependsOn Ghost, which is not a resource"}},
		{"dependsOn self", set("Sg", func(r *Resource) { r.DependsOn = []string{"Sg"} }), []string{"DependsOn names itself"}},
		{"self reference", prop("Sg", "VpcId", Ref{"Sg"}), []string{"refers to its own resource Sg"}},
		{"two-node cycle", func(tpl *Template) {
			prop("Sg", "VpcId", Ref{"Vpc"})(tpl)
			set("Vpc", func(r *Resource) { r.DependsOn = []string{"Sg"} })(tpl)
		}, []string{"dependency cycle: Sg -> Vpc -> Sg"}},
		{"three-node cycle through Sub and GetAtt", func(tpl *Template) {
			_ = tpl.AddResource("Role", Role{Description: Sub{Template: "${Sg.GroupId}"}})
			prop("Vpc", "CidrBlock", GetAtt{"Role", "Arn"})(tpl)
		}, []string{"dependency cycle: Role -> Sg -> Vpc -> Role"}},
		{"if with unknown condition", prop("Sg", "GroupName", If("Nope", String("a"), Ref{NoValue})), []string{"undeclared condition"}},
		{"if with known condition", prop("Sg", "GroupName", If("IsProd", String("a"), Ref{NoValue})), nil},
		{"condition refers to resource", func(tpl *Template) {
			tpl.Conditions = append(tpl.Conditions, Condition{"Bad", Equals(Ref{"Vpc"}, String("x"))})
		}, []string{"conditions may refer only to parameters"}},
		{"resource condition missing", set("Sg", func(r *Resource) { r.Condition = "Ghost" }), []string{"condition Ghost is not declared"}},
		{"output ref missing", func(tpl *Template) {
			tpl.Outputs = append(tpl.Outputs, Output{Name: "X", Value: Ref{"Ghost"}, ExportName: Sub{Template: "${AWS::StackName}-X"}})
		}, []string{"output X: Ref Ghost"}},
		{"resource shadows parameter", func(tpl *Template) { _ = tpl.Add(Resource{LogicalID: "Env", Type: "X"}) }, []string{"has the name of a parameter"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := base()
			tc.break_(tpl)
			errs := Check(tpl)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %d %v", len(errs), errs, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %q lacks %q", errs[i], w)
				}
			}
		})
	}
}

func TestSubNames(t *testing.T) {
	got, err := subNames("a ${X} ${!Y} ${ Z.W } $notvar ${AWS::Region}")
	if err != nil || strings.Join(got, ",") != "X,Z.W,AWS::Region" {
		t.Errorf("subNames = %v, %v", got, err)
	}
}

func TestLogicalID(t *testing.T) {
	for in, want := range map[model.ResourceRef]string{
		"subnet/private/use1-az2": "SubnetPrivateUse1Az2",
		"vpce/ecr.api":            "VpceEcrApi",
		"eni/nat/use1-az1":        "EniNatUse1Az1",
		"sg/db":                   "SgDb",
		"rtb/public":              "RtbPublic",
		"x/ünï_code--9":           "XNCode9",
		"":                        "",
	} {
		if got := LogicalID(in); got != want {
			t.Errorf("LogicalID(%q) = %q, want %q", in, got, want)
		}
	}
}
