package flowlog

import (
	"strings"
	"testing"

	"github.com/moatnet/moat/model"
)

// Records in the default format
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html#flow-logs-default).
func TestParse(t *testing.T) {
	in := `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 123456789012 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
2 123456789012 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA
2 123456789012 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA
2 123456789012 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 REJECT OK
`
	res, err := Parse("flow.log", strings.NewReader(in))
	if err != nil || len(res.Records) != 2 || res.Skipped != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	r := res.Records[0]
	if r.Line != 2 || r.Interface != "eni-1235b8ca123456789" || r.DstPort != 22 || r.Proto != model.TCP || r.Action != "ACCEPT" || r.Packets != 20 || r.Start.Unix() != 1418530010 {
		t.Errorf("record %+v", r)
	}
	if !res.Records[1].Src.Is6() || res.Records[1].Action != "REJECT" {
		t.Errorf("IPv6 record %+v", res.Records[1])
	}
	for line, want := range map[string]string{
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT":        "flow.log:1:1: a flow-log record of the default format has 14 fields",
		"3 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK":     "flow.log:1:1: version \"3\"",
		"2 1 eni-1 10.0.0.x 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK":     "flow.log:1:11: srcaddr",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 99999 6 1 1 1 1 ACCEPT OK": "flow.log:1:31: dstport",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ALLOW OK":      "flow.log:1:43: action",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 tcp 1 1 1 1 ACCEPT OK":   "protocol \"tcp\"",
	} {
		if _, err := Parse("flow.log", strings.NewReader(line)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", line, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n")
	f.Add("2 1 eni-1 - - - - - - - 1 1 - NODATA")
	f.Fuzz(func(t *testing.T, s string) {
		Parse("fuzz", strings.NewReader(s)) // must not panic
	})
}
