package awslive

import "testing"

func TestLocalEndpointClient(t *testing.T) {
	for _, c := range []struct {
		env  []string
		want bool
	}{
		{[]string{"AWS_ENDPOINT_URL=http://127.0.0.1:5000"}, true},
		{[]string{"HOME=/root", "AWS_ENDPOINT_URL_STS=http://localhost:4566"}, true},
		{[]string{"AWS_ENDPOINT_URL=http://[::1]:5000"}, true},
		{[]string{"AWS_ENDPOINT_URL=https://vpce-1.sts.us-east-1.vpce.amazonaws.com"}, false},
		{[]string{"AWS_ENDPOINT_URL=http://10.0.0.5:5000"}, false},
		{[]string{"MY_URL=http://127.0.0.1:1"}, false},
		{nil, false},
	} {
		if _, got := localEndpointClient(c.env); got != c.want {
			t.Errorf("%v: local = %v, want %v", c.env, got, c.want)
		}
	}
}
