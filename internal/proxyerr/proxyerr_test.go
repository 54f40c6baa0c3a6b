package proxyerr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// deadProxy is the address of a listener that was closed: nothing
// accepts there, as with a proxy that is not running.
func deadProxy(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestOfRealTransport sends requests through Go's own transport to a
// dead proxy and reads the errors it really returns. The transport gets
// the proxy from http.ProxyURL rather than from the environment:
// http.ProxyFromEnvironment reads the environment once per process and
// returns that same URL for any host but localhost and loopback
// addresses, so the transport's path is the one HTTP_PROXY and
// HTTPS_PROXY take. The target hosts (.invalid) are never resolved: the
// transport dials the proxy, not them. (cmd/internal/cli's
// TestDeadProxy runs the real binary's path with the variables set.)
func TestOfRealTransport(t *testing.T) {
	t.Parallel()
	proxy := deadProxy(t)
	pu, _ := url.Parse("http://" + proxy)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 10 * time.Second}
	for _, c := range []struct {
		target, wantVar, wantHost string
	}{
		{"http://cognito.proxy-test.invalid:9229/", HTTP, "cognito.proxy-test.invalid"},
		{"https://cognito-idp.proxy-test.invalid/", HTTPS, "cognito-idp.proxy-test.invalid"},
	} {
		t.Run(c.wantVar, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, c.target, strings.NewReader("{}"))
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("a request through a dead proxy succeeded")
			}
			// As the SDK wraps it: the error is deep in a chain.
			wrapped := fmt.Errorf("operation error Cognito Identity Provider: InitiateAuth, request send failed: %w", err)
			f, ok := Of(wrapped)
			if !ok {
				t.Fatalf("not recognised as a dead proxy: %v", err)
			}
			if f.Var != c.wantVar || f.Addr != proxy || f.Host != c.wantHost || !strings.Contains(f.Reason, "refused") {
				t.Errorf("failure = %+v, want var %s, addr %s, host %s", f, c.wantVar, proxy, c.wantHost)
			}
			msg := f.Describe(nil)
			for _, want := range []string{"cannot reach the HTTP proxy at " + proxy + " that " + c.wantVar + " names", "never got to " + c.wantHost, "add " + c.wantHost + " to NO_PROXY"} {
				if !strings.Contains(msg, want) {
					t.Errorf("Describe = %q, lacks %q", msg, want)
				}
			}
		})
	}

	// The endpoint itself refusing (no proxy) is not a proxy's failure.
	direct := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	resp, err := direct.Get("http://" + proxy + "/")
	if err == nil {
		resp.Body.Close()
		t.Fatal("a dead listener answered")
	}
	if f, ok := Of(err); ok {
		t.Errorf("a refused direct connection was taken for a proxy: %+v", f)
	}
}

func TestOfShapes(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 3128}, Err: errors.New("connect: connection refused")}
	for _, c := range []struct {
		name string
		err  error
		ok   bool
		want Failure
	}{
		{"no url", &net.OpError{Op: "proxyconnect", Net: "tcp", Err: dial}, true, Failure{Addr: "10.0.0.1:3128", Reason: "connect: connection refused"}},
		{"proxy host unresolved", &url.Error{Op: "Get", URL: "https://x.example/", Err: &net.OpError{Op: "proxyconnect", Net: "tcp",
			Err: &net.DNSError{Name: "proxy.corp", Err: "no such host"}}}, true, Failure{Var: HTTPS, Host: "x.example", Reason: "lookup proxy.corp: no such host"}},
		{"dial", &url.Error{Op: "Get", URL: "http://x.example/", Err: dial}, false, Failure{}},
		{"nil", nil, false, Failure{}},
		{"other", errors.New("proxyconnect"), false, Failure{}},
	} {
		got, ok := Of(c.err)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: Of = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	if got := (Failure{}).Describe(nil); !strings.Contains(got, "HTTPS_PROXY or HTTP_PROXY") || !strings.Contains(got, "the host to NO_PROXY") {
		t.Errorf("Describe of an unknown failure = %q", got)
	}
}

func TestSetting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{HTTP, map[string]string{"HTTP_PROXY": "http://127.0.0.1:3128"}, "HTTP_PROXY=http://127.0.0.1:3128"},
		{HTTP, map[string]string{"http_proxy": "http://127.0.0.1:3128"}, "http_proxy=http://127.0.0.1:3128"},
		{HTTP, map[string]string{"HTTP_PROXY": "http://a:1", "http_proxy": "http://b:2"}, "HTTP_PROXY=http://a:1"}, // Go reads the upper case first
		{HTTPS, map[string]string{"HTTPS_PROXY": "http://user:s3cret@proxy.corp:8080"}, "HTTPS_PROXY=http://user:xxxxx@proxy.corp:8080"},
		{HTTPS, map[string]string{"HTTPS_PROXY": "user:s3cret@proxy.corp:8080"}, "HTTPS_PROXY=user:xxxxx@proxy.corp:8080"},
		{HTTPS, map[string]string{"HTTPS_PROXY": "proxy.corp:8080"}, "HTTPS_PROXY=proxy.corp:8080"},
		{HTTPS, map[string]string{"HTTP_PROXY": "http://a:1"}, "HTTPS_PROXY"}, // unset: bare
		{NoProxy, map[string]string{"no_proxy": "localhost,.corp"}, "no_proxy=localhost,.corp"},
		{"AWS_SECRET_ACCESS_KEY", map[string]string{"AWS_SECRET_ACCESS_KEY": "secret"}, "AWS_SECRET_ACCESS_KEY"}, // never shown
		{"https_proxy", map[string]string{"HTTPS_PROXY": "http://a:1"}, "HTTPS_PROXY=http://a:1"},
	} {
		got := Setting(func(k string) string { return c.env[k] }, c.name)
		if got != c.want {
			t.Errorf("Setting(%s) with %v = %q, want %q", c.name, c.env, got, c.want)
		}
		if strings.Contains(got, "s3cret") {
			t.Errorf("Setting shows a password: %q", got)
		}
	}
	if got := Setting(nil, HTTP); got != HTTP {
		t.Errorf("Setting without an environment = %q", got)
	}
}
