package cfn

import "fmt"

// tree lays the template out as the document CloudFormation reads, in the
// conventional section order. Both encoders walk this one tree, which is why
// YAML and JSON cannot drift apart.
func (t *Template) tree() (Map, error) {
	var doc Map
	version := t.AWSTemplateFormatVersion
	if version == "" {
		version = FormatVersion
	}
	doc = doc.With("AWSTemplateFormatVersion", String(version))
	doc = doc.With("Description", Str(t.Description))
	if len(t.Metadata) > 0 {
		doc = doc.With("Metadata", t.Metadata)
	}
	if len(t.Parameters) > 0 {
		var ps Map
		for _, p := range t.Parameters {
			var m Map
			m = m.With("Type", String(p.Type))
			m = m.With("Description", Str(p.Description))
			m = m.With("Default", p.Default)
			m = m.With("AllowedPattern", Str(p.AllowedPattern))
			if len(p.AllowedValues) > 0 {
				m = m.With("AllowedValues", Strs(p.AllowedValues...))
			}
			ps = append(ps, Field{p.Name, m})
		}
		doc = doc.With("Parameters", ps)
	}
	if len(t.Conditions) > 0 {
		var cs Map
		for _, c := range t.Conditions {
			cs = append(cs, Field{c.Name, c.Value})
		}
		doc = doc.With("Conditions", cs)
	}
	if len(t.Resources) == 0 {
		// CloudFormation requires at least one resource; say so rather than
		// encode a template that fails at deploy time.
		return nil, fmt.Errorf("template has no resources")
	}
	var rs Map
	for _, r := range t.Resources {
		var m Map
		m = m.With("Type", String(r.Type))
		m = m.With("Condition", Str(r.Condition))
		m = m.With("DeletionPolicy", Str(string(r.DeletionPolicy)))
		m = m.With("UpdateReplacePolicy", Str(string(r.UpdateReplacePolicy)))
		if len(r.DependsOn) > 0 {
			m = m.With("DependsOn", Strs(r.DependsOn...))
		}
		if len(r.Metadata) > 0 {
			m = m.With("Metadata", r.Metadata)
		}
		if len(r.Properties) > 0 {
			m = m.With("Properties", r.Properties)
		}
		rs = append(rs, Field{r.LogicalID, m})
	}
	doc = doc.With("Resources", rs)
	if len(t.Outputs) > 0 {
		var os Map
		for _, o := range t.Outputs {
			var m Map
			m = m.With("Description", Str(o.Description))
			m = m.With("Condition", Str(o.Condition))
			m = m.With("Value", o.Value)
			if o.ExportName != nil {
				m = m.With("Export", Map{{"Name", o.ExportName}})
			}
			os = append(os, Field{o.Name, m})
		}
		doc = doc.With("Outputs", os)
	}
	return doc, nil
}

// longForm rewrites intrinsics as the single-key maps of JSON templates.
func longForm(v Value) Value {
	switch v := v.(type) {
	case Ref:
		return Map{{"Ref", String(v.Name)}}
	case GetAtt:
		return Map{{"Fn::GetAtt", List{String(v.Resource), String(v.Attribute)}}}
	case Sub:
		if len(v.Vars) == 0 {
			return Map{{"Fn::Sub", String(v.Template)}}
		}
		return Map{{"Fn::Sub", List{String(v.Template), longForm(v.Vars)}}}
	case Fn:
		return Map{{v.Name, longForm(v.Arg)}}
	case List:
		out := make(List, len(v))
		for i, e := range v {
			out[i] = longForm(e)
		}
		return out
	case Map:
		out := make(Map, len(v))
		for i, f := range v {
			out[i] = Field{f.Key, longForm(f.Value)}
		}
		return out
	}
	return v
}
