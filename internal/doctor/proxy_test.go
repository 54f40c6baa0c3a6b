package doctor_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/doctor"
)

// TestReadThroughADeadProxy: a pool read that never left because the
// HTTP proxy is not running says so, not that the endpoint failed. The
// SDK's transport takes the proxy from http.ProxyURL, the URL
// http.ProxyFromEnvironment gives for a host that is not loopback; the
// endpoint's host (.invalid) is never resolved, the proxy being dialled
// instead.
func TestReadThroughADeadProxy(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := ln.Addr().String()
	ln.Close()
	pu, _ := url.Parse("http://" + proxy)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient: &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 10 * time.Second}}
	endpoint := "http://cognito.proxy-test.invalid:9229"
	c := doctor.Clients{Cognito: awsclient.Cognito(cfg, endpoint)}
	read, err := doctor.Read(context.Background(), c, doctor.Target{Region: "us-east-1", PoolID: "us-east-1_AbCdEfGhI", ClientID: "c", Endpoint: endpoint}, doctor.ReadOptions{UserSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Unread) == 0 {
		t.Fatal("nothing unread through a dead proxy")
	}
	for _, u := range read.Unread {
		if u.Reason == "the pool could not be read" { // DescribeUserPoolDomain, which needs the pool's domain
			continue
		}
		if !strings.Contains(u.Reason, "cannot reach the HTTP proxy at "+proxy+" that HTTP_PROXY names") || !strings.Contains(u.Reason, "add cognito.proxy-test.invalid to NO_PROXY") {
			t.Errorf("%s: reason %q", u.Op, u.Reason)
		}
	}
}
