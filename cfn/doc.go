// Package cfn is moat's own small, typed model of AWS CloudFormation: template
// values, encoders, a self-check, and the emitter that turns a model.Network
// into a template.
//
// A Template holds ordered Parameters, Conditions, Resources and Outputs.
// Every property value is a Value: a literal (String, Int, Bool, List, Map)
// or an intrinsic function (Ref, GetAtt, Sub, and the Fn::* family). Resource
// properties are written as Go structs whose field names are the
// CloudFormation property names, so a typo is a compile error rather than a
// failed deployment; Props turns such a struct into an ordered Map.
//
// Encoding is byte-for-byte deterministic: YAML uses the short-form tags
// (!Ref, !GetAtt, !Sub, ...), JSON the long form with two-space indentation.
//
// Check verifies that every reference in a template resolves and that the
// resource graph has no cycle. FromNetwork emits a template for a network
// and is expected to pass Check; the CLI treats a failure as a moat bug.
package cfn
