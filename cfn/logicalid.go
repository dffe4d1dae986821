package cfn

import (
	"strings"
	"unicode"

	"github.com/moatnet/moat/model"
)

// LogicalID turns an address into a CloudFormation logical ID: each run of
// letters and digits becomes a capitalised word, everything else is
// dropped. "subnet/private/use1-az2" -> "SubnetPrivateUse1Az2",
// "vpce/ecr.api" -> "VpceEcrApi". Distinct addresses can collide
// ("sg/a-b" and "sg/ab"); the emitter checks and fails rather than merge.
func LogicalID(a model.ResourceRef) string {
	return pascal(string(a))
}

func pascal(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
