package cfn

import (
	"fmt"
)

// CloudFormation's quotas on one template
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
const (
	MaxResources  = 500
	MaxParameters = 200
	MaxOutputs    = 200
	// MaxInlineBody is the largest TemplateBody CreateStack,
	// UpdateStack and CreateChangeSet accept; a larger template must be
	// given as a TemplateURL in S3.
	MaxInlineBody = 51200
	// MaxS3Body is the largest template CloudFormation reads from S3:
	// 1 MB, taken as 10^6 bytes to be safe.
	MaxS3Body = 1000000
)

// checkCounts reports a template with more resources, parameters or
// outputs than CloudFormation allows.
func (c *checker) checkCounts() {
	for _, q := range []struct {
		what     string
		n, limit int
	}{
		{"resources", len(c.t.Resources), MaxResources},
		{"parameters", len(c.t.Parameters), MaxParameters},
		{"outputs", len(c.t.Outputs), MaxOutputs},
	} {
		if q.n > q.limit {
			c.errorf("the template has %d %s; CloudFormation allows %d per template", q.n, q.what, q.limit)
		}
	}
}

// BodySize says how an encoded template can reach CloudFormation: inline
// when it fits MaxInlineBody, else from S3 when it fits MaxS3Body.
type BodySize struct {
	Bytes   int // the encoded template as written
	Compact int // the same template as compact JSON; 0 when not measured
}

// MeasureBody measures an encoded template (YAML or JSON). The compact
// JSON size is measured only when the body is too large to send inline,
// since that is when it matters.
func MeasureBody(t *Template, body []byte) (BodySize, error) {
	s := BodySize{Bytes: len(body)}
	if s.Bytes <= MaxInlineBody {
		return s, nil
	}
	n, err := t.compactJSONSize()
	if err != nil {
		return s, err
	}
	s.Compact = n
	return s, nil
}

// Err reports a template CloudFormation cannot take at all.
func (s BodySize) Err() error {
	if s.Bytes > MaxS3Body && (s.Compact == 0 || s.Compact > MaxS3Body) {
		return fmt.Errorf("the template is %d bytes; CloudFormation reads at most %d from S3", s.Bytes, MaxS3Body)
	}
	return nil
}

// Note says how to send a template too large for a TemplateBody, or ""
// when it fits inline.
func (s BodySize) Note() string {
	switch {
	case s.Bytes <= MaxInlineBody:
		return ""
	case s.Bytes > MaxS3Body:
		return fmt.Sprintf("%d bytes: more than the %d bytes CloudFormation reads from S3; send it as compact JSON (%d bytes) from S3",
			s.Bytes, MaxS3Body, s.Compact)
	case s.Compact > 0 && s.Compact <= MaxInlineBody:
		return fmt.Sprintf("%d bytes: more than the %d bytes CloudFormation takes inline; as compact JSON (%d bytes) it fits, or deploy it from S3 (aws cloudformation deploy --s3-bucket BUCKET)",
			s.Bytes, MaxInlineBody, s.Compact)
	default:
		return fmt.Sprintf("%d bytes (%d as compact JSON): more than the %d bytes CloudFormation takes inline; deploy it from S3 (aws cloudformation deploy --s3-bucket BUCKET), which takes up to 1 MB",
			s.Bytes, s.Compact, MaxInlineBody)
	}
}
