package cfn

import (
	"github.com/moatnet/moat/model"
)

// waivers writes each of the model's waivers into its resource's Metadata,
// in the form each scanner reads:
//
//	cfn-lint: {config: {ignore_checks: [W3011]}}
//	cfn_nag:  {rules_to_suppress: [{id: W2, reason: ...}]}
//	checkov:  {skip: [{id: CKV_AWS_260, comment: ...}]}
//	cdk_nag:  {rules_to_suppress: [{id: AwsSolutions-EC23, reason: ...}]}
//
// cfn-lint has no field for a reason, so a waiver with cfn-lint rules also
// keeps its reason under moat.waivers, next to the IDs it explains. A waiver whose
// resource the template lacks is an error: the explanation would be lost.
func (e *emitter) waivers() {
	type acc struct {
		lint              []Value
		nag, checkov, cdk List
		explained         List
	}
	byID := map[string]*acc{}
	var order []string
	for _, w := range e.n.Waivers {
		id := LogicalID(w.Resource)
		if _, ok := e.t.Resource(id); !ok {
			// A split design's account template holds only its part.
			if e.n != e.all {
				continue
			}
			e.errorf("waiver for %s: the template has no resource %s", w.Resource, id)
			continue
		}
		if w.Reason == "" || len(w.Rules) == 0 {
			e.errorf("waiver for %s: needs rules and a reason", w.Resource)
			continue
		}
		a := byID[id]
		if a == nil {
			a = &acc{}
			byID[id] = a
			order = append(order, id)
		}
		var lint List
		for _, r := range w.Rules {
			switch r.Scanner {
			case model.CfnLint:
				lint = append(lint, String(r.ID))
			case model.CfnNag:
				a.nag = append(a.nag, Map{{"id", String(r.ID)}, {"reason", String(w.Reason)}})
			case model.Checkov:
				a.checkov = append(a.checkov, Map{{"id", String(r.ID)}, {"comment", String(w.Reason)}})
			case model.CDKNag:
				a.cdk = append(a.cdk, Map{{"id", String(r.ID)}, {"reason", String(w.Reason)}})
			default:
				e.errorf("waiver for %s: unknown scanner %q", w.Resource, r.Scanner)
			}
		}
		if len(lint) > 0 {
			a.lint = append(a.lint, lint...)
			a.explained = append(a.explained, Map{{"cfn-lint", lint}, {"reason", String(w.Reason)}})
		}
	}
	for _, id := range order {
		a := byID[id]
		r, _ := e.t.Resource(id)
		var m Map
		if len(a.lint) > 0 {
			m = append(m, Field{"cfn-lint", Map{{"config", Map{{"ignore_checks", List(a.lint)}}}}})
		}
		if len(a.nag) > 0 {
			m = append(m, Field{"cfn_nag", Map{{"rules_to_suppress", a.nag}}})
		}
		if len(a.checkov) > 0 {
			m = append(m, Field{"checkov", Map{{"skip", a.checkov}}})
		}
		if len(a.cdk) > 0 {
			m = append(m, Field{"cdk_nag", Map{{"rules_to_suppress", a.cdk}}})
		}
		if len(a.explained) > 0 {
			m = append(m, Field{"moat", Map{{"waivers", a.explained}}})
		}
		r.Metadata = append(r.Metadata, m...)
	}
}
