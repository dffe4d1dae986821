package awslive_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go/middleware"
)

// TestRereadOnReset checks the tests' one exception to one attempt per
// call: a read whose connection is reset is sent again; a change, and
// any HTTP answer (500 included), are not.
func TestRereadOnReset(t *testing.T) {
	var calls atomic.Int32
	resetFirst, status := true, http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 && resetFirst {
			// An RST instead of an answer, as moto's server sometimes sends.
			c, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		w.Write([]byte(`<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet/></DescribeVpcsResponse>`))
	}))
	defer srv.Close()
	c := ec2.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		APIOptions:  []func(*middleware.Stack) error{rereadOnReset},
	})
	if _, err := c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{}); err != nil || calls.Load() != 2 {
		t.Errorf("a read reset once: %d calls, %v", calls.Load(), err)
	}
	calls.Store(0)
	if _, err := c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}); err == nil || calls.Load() != 1 {
		t.Errorf("a change reset once: %d calls, %v; want the error after one", calls.Load(), err)
	}
	calls.Store(0)
	resetFirst, status = false, http.StatusInternalServerError
	if _, err := c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{}); err == nil || calls.Load() != 1 {
		t.Errorf("a read answered 500: %d calls, %v; want the error after one", calls.Load(), err)
	}
}
