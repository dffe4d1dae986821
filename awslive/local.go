package awslive

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// localEndpointClient is a config option for an endpoint on this machine
// (AWS_ENDPOINT_URL or a service's own AWS_ENDPOINT_URL_*, pointing at
// loopback): a local emulator such as moto, whose server can leave a
// kept-alive connection unusable after a response (measured with moto
// 5.2.1: after an S3 upload, the next DescribeStacks body failed with "use
// of closed network connection"). There a fresh connection per request
// costs nothing. Against AWS itself the SDK's pooled client is kept.
func localEndpointClient(environ []string) (func(*config.LoadOptions) error, bool) {
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "AWS_ENDPOINT_URL") || !isLoopbackURL(v) {
			continue
		}
		c := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.DisableKeepAlives = true })
		return config.WithHTTPClient(c), true
	}
	return nil, false
}

func isLoopbackURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
