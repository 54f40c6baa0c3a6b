package cmdutil

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestDebugLog: --debug shows every exchange (method, URL, status,
// timing, headers) with the secrets masked and terminal controls escaped,
// on the factory's client and on an SDK configuration's.
func TestDebugLog(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=cookie-secret")
		w.Header().Set("X-Evil", "a\u009b31mb")
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	var errOut bytes.Buffer
	f := &Factory{IO: IOStreams{ErrOut: &errOut}, Env: func(string) string { return "" }, Now: time.Now,
		HTTP: &http.Client{Timeout: 5 * time.Second}, Global: GlobalOptions{Debug: true}}
	f.InstallHTTPHooks(false)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/oauth2/token?code=the-code&state=visible", strings.NewReader("password=body-secret"))
	req.Header.Set("Authorization", "Basic Y2xpZW50OnNlY3JldA==")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	req.Header.Set("X-Amz-Security-Token", "session-token")
	resp, err := f.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := errOut.String()
	for _, want := range []string{"cogscope: debug: #1 POST " + srv.URL + "/oauth2/token?code=%3Credacted%3E&state=visible (InitiateAuth)",
		"> Authorization: <redacted>", "> X-Amz-Security-Token: <redacted>", "> X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth",
		"cogscope: debug: #1 418 I'm a teapot in ", "< Set-Cookie: <redacted>", `< X-Evil: a\x9b31mb`} {
		if !strings.Contains(got, want) {
			t.Errorf("debug log lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"the-code", "Y2xpZW50", "session-token", "cookie-secret", "body-secret", "\u009b"} {
		if strings.Contains(got, secret) {
			t.Errorf("debug log shows %q:\n%s", secret, got)
		}
	}

	// The SDK's client (a non-loopback target's) gets the log too; the
	// factory's own client is not logged twice.
	errOut.Reset()
	f.AWSConfigFunc = func(context.Context, *Factory, Target) (aws.Config, error) {
		return aws.Config{HTTPClient: &http.Client{}}, nil
	}
	cfg, err := f.AWSConfig(context.Background(), Target{})
	if err != nil {
		t.Fatal(err)
	}
	req2, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
	if resp, err := cfg.HTTPClient.Do(req2); err == nil {
		resp.Body.Close()
	}
	if !strings.Contains(errOut.String(), "#2 GET "+srv.URL+"/x") {
		t.Errorf("the SDK client is not logged:\n%s", errOut.String())
	}
	f.AWSConfigFunc = func(_ context.Context, ff *Factory, _ Target) (aws.Config, error) {
		return aws.Config{HTTPClient: ff.HTTP}, nil
	}
	cfg, _ = f.AWSConfig(context.Background(), Target{})
	errOut.Reset()
	req3, _ := http.NewRequest(http.MethodGet, srv.URL+"/y", nil)
	if resp, err := cfg.HTTPClient.Do(req3); err == nil {
		resp.Body.Close()
	}
	if n := strings.Count(errOut.String(), " GET "); n != 1 {
		t.Errorf("the factory's client through the SDK is logged %d times:\n%s", n, errOut.String())
	}
}

// TestDebugOff: without --debug and off a terminal nothing is added.
func TestDebugOff(t *testing.T) {
	t.Parallel()
	c := &http.Client{}
	f := &Factory{IO: IOStreams{ErrOut: io.Discard}, HTTP: c}
	f.InstallHTTPHooks(false)
	if f.HTTP.Transport != http.DefaultTransport {
		t.Errorf("transport %T", f.HTTP.Transport)
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgress: a slow answer shows which host is awaited, and the line
// is erased when it comes; a fast one shows nothing.
func TestProgress(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
	}))
	defer srv.Close()
	var w syncBuffer
	p := &progress{w: &w, after: 300 * time.Millisecond, tick: 50 * time.Millisecond}
	c := &http.Client{Transport: progressTransport{next: http.DefaultTransport, p: p}}
	if resp, err := c.Get(srv.URL + "/fast"); err == nil {
		resp.Body.Close()
	}
	if w.String() != "" {
		t.Errorf("a fast answer shows %q", w.String())
	}
	go func() { time.Sleep(700 * time.Millisecond); close(release) }()
	if resp, err := c.Get(srv.URL + "/slow"); err == nil {
		resp.Body.Close()
	}
	got := w.String()
	host := strings.TrimPrefix(srv.URL, "http://")
	if !strings.Contains(got, "cogscope: waiting for "+host+"… 0s") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress %q", got)
	}
}
