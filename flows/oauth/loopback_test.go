package oauth

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

func TestParseLoopbackRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw     string
		bind    string
		port    int
		path    string
		uri     string // with port 4242 bound
		refused string // part of the reason
	}{
		{raw: "http://localhost:8765/callback", bind: "127.0.0.1", port: 8765, path: "/callback", uri: "http://localhost:8765/callback"},
		{raw: "http://127.0.0.1:9000/cb?x=1", bind: "127.0.0.1", port: 9000, path: "/cb", uri: "http://127.0.0.1:9000/cb?x=1"},
		{raw: "http://[::1]:9000/", bind: "::1", port: 9000, path: "/", uri: "http://[::1]:9000/"},
		{raw: "http://localhost/callback", bind: "127.0.0.1", path: "/callback", uri: "http://localhost:4242/callback"},
		{raw: "http://127.0.0.1:0/cb", bind: "127.0.0.1", path: "/cb", uri: "http://127.0.0.1:4242/cb"},
		{raw: "http://LOCALHOST:1234", bind: "127.0.0.1", port: 1234, path: "/", uri: "http://LOCALHOST:1234"},
		{raw: "", bind: "127.0.0.1", path: "/callback", uri: "http://127.0.0.1:4242/callback"},
		{raw: "https://app.example.com/callback", refused: "not this machine's loopback"},
		{raw: "http://app.example.com:8765/callback", refused: "not this machine's loopback"},
		{raw: "http://10.0.0.5:8765/callback", refused: "not this machine's loopback"},
		{raw: "http://localhost.example.com:8765/callback", refused: "not this machine's loopback"},
		{raw: "https://localhost:8765/callback", refused: "plain http"},
		{raw: "myapp://callback", refused: "not to this terminal"},
		{raw: "http://localhost:8765/callback#x", refused: "fragment"},
		{raw: "http://user@localhost:8765/cb", refused: "user information"},
		{raw: "http://localhost:99999/cb", refused: "out of range"},
		{raw: "http//localhost", refused: "not an absolute URL"},
		{raw: "://", refused: "not a URL"},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			lr, err := parseLoopbackRedirect(tc.raw)
			if tc.refused != "" {
				var re *RedirectURIError
				if !errors.As(err, &re) || !strings.Contains(re.Reason, tc.refused) {
					t.Fatalf("err = %v, want a refusal about %q", err, tc.refused)
				}
				if d := Diagnose(err); !strings.Contains(d.Fix, "localhost") {
					t.Errorf("diagnosis = %+v", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if lr.bindHost() != tc.bind || lr.port != tc.port || lr.path != tc.path || lr.uri(4242) != tc.uri {
				t.Errorf("got bind %s port %d path %s uri %s", lr.bindHost(), lr.port, lr.path, lr.uri(4242))
			}
		})
	}
}

// A non-loopback redirect URI is refused before anything is sent.
func TestNonLoopbackRedirectSendsNothing(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	c, err := New(Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: "https://app.example.com/callback"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AuthorizationCode(context.Background())
	var re *RedirectURIError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v", err)
	}
	if n := op.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the provider", n)
	}
}

func TestPortAlreadyTaken(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	redirect := fmt.Sprintf("http://localhost:%d/callback", busy.Addr().(*net.TCPAddr).Port)
	op.redirects = []string{redirect}
	c, _ := New(Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Timeout: time.Second})
	start := time.Now()
	_, err = c.AuthorizationCode(context.Background())
	var le *ListenError
	if !errors.As(err, &le) || !le.InUse || le.Addr != busy.Addr().String() {
		t.Fatalf("err = %#v", err)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Errorf("took %s to fail", time.Since(start))
	}
	d := Diagnose(err)
	if !strings.Contains(d.Cause, busy.Addr().String()) || !strings.Contains(d.Fix, "--redirect-uri") {
		t.Errorf("diagnosis = %+v", d)
	}
}

// With no port in the redirect URI a free one is chosen and used in the
// redirect URI sent; the trace says it must be accepted.
func TestFreePortRedirect(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t, func(op *fakeOP) { op.anyLoopback = true })
	for _, raw := range []string{"", "http://127.0.0.1/done"} {
		run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: raw}, newBrowser())
		if run.err != nil {
			t.Fatalf("%q: %v", raw, run.err)
		}
		got := run.res.RedirectURI
		if !strings.HasPrefix(got, "http://127.0.0.1:") || strings.HasPrefix(got, "http://127.0.0.1:0/") {
			t.Errorf("%q: redirect URI %q", raw, got)
		}
		pk := stepOf(t, run.client.Trace(), OpPKCE)
		if len(pk.Notes) < 2 || !strings.Contains(pk.Notes[1], "registered exactly") {
			t.Errorf("%q: notes = %v", raw, pk.Notes)
		}
		addr := strings.TrimPrefix(got, "http://")
		assertClosed(t, addr[:strings.Index(addr, "/")])
	}
}

// Cancelling while waiting for the browser returns at once and leaves
// nothing listening; so does the timeout.
func TestWaitEndsCleanly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		cancel  time.Duration
		check   func(error) bool
	}{
		{name: "cancel", timeout: time.Minute, cancel: 100 * time.Millisecond, check: func(err error) bool { return errors.Is(err, context.Canceled) }},
		{name: "timeout", timeout: 150 * time.Millisecond, check: func(err error) bool { var te *TimeoutError; return errors.As(err, &te) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := newFakeOP(t)
			ln, redirect := loopbackListener(t)
			op.redirects = []string{redirect}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c, _ := New(Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, Timeout: tc.timeout,
				OnAuthorizeURL: func(string) {
					if tc.cancel > 0 {
						time.AfterFunc(tc.cancel, cancel)
					}
				}})
			start := time.Now()
			_, err := c.AuthorizationCode(ctx)
			if !tc.check(err) {
				t.Fatalf("err = %v", err)
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %s", took)
			}
			assertClosed(t, ln.Addr().String())
			red := stepOf(t, c.Trace(), OpRedirect)
			if red.Error == nil {
				t.Errorf("redirect step has no error: %+v", red)
			}
			if d := Diagnose(err); d.Cause == "" {
				t.Errorf("no diagnosis for %v", err)
			}
		})
	}
}

// The listener answers only its path, only for loopback host names, and
// only once; strays do not end the wait.
func TestListenerServesOnlyTheRedirect(t *testing.T) {
	t.Parallel()
	lr, _ := parseLoopbackRedirect("http://127.0.0.1/callback")
	recv, err := listen(lr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer recv.close()
	recv.expect("s")
	base := "http://" + recv.addr()
	get := func(path, host string) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if host != "" {
			req.Host = host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct {
		path, host string
		want       int
	}{
		{"/favicon.ico", "", http.StatusNotFound},
		{"/callback", "", http.StatusBadRequest}, // neither code nor error
		{"/callback?code=x&state=y", "evil.example:80", http.StatusMisdirectedRequest},
		{"/callback?code=x&state=y", "localhost.evil.example", http.StatusMisdirectedRequest},
	} {
		if got := get(tc.path, tc.host); got != tc.want {
			t.Errorf("GET %s (Host %q) = %d, want %d", tc.path, tc.host, got, tc.want)
		}
	}
	// The real redirect is still awaited.
	statuses := make(chan int, 1)
	go func() { statuses <- get("/callback?code=c&state=s", "") }()
	cb, err := recv.wait(context.Background(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := get("/callback?code=again&state=s", ""); got != http.StatusConflict {
		t.Errorf("second redirect = %d, want 409", got)
	}
	cb.reply <- successPage()
	if got := <-statuses; got != http.StatusOK {
		t.Errorf("redirect answered %d", got)
	}
	recv.close()
	assertClosed(t, recv.addr())
}

// A listener handed over in Options is closed even when the flow fails
// before using it.
func TestGivenListenerClosedOnEarlyFailure(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	for _, o := range []Options{
		{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: "https://app.example.com/cb"},
		{Issuer: op.srv.URL + "/nothing", ClientID: op.clientID},
	} {
		ln, _ := loopbackListener(t)
		o.Listener = ln
		c, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AuthorizationCode(context.Background()); err == nil {
			t.Fatal("no error")
		}
		assertClosed(t, ln.Addr().String())
	}
}

// ipv6Loopback says whether this machine can listen on ::1.
func ipv6Loopback(t *testing.T) bool {
	t.Helper()
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// A localhost redirect is received on both loopback addresses, since a
// browser may resolve localhost to either; a program holding the port on
// ::1 alone (a Node development server) would otherwise get the code
// while cogscope waits on 127.0.0.1, so it counts as the port being taken.
func TestLocalhostListensOnBothLoopbacks(t *testing.T) {
	t.Parallel()
	if !ipv6Loopback(t) {
		t.Skip("no IPv6 loopback on this machine")
	}
	lr, err := parseLoopbackRedirect("http://localhost/callback")
	if err != nil {
		t.Fatal(err)
	}
	recv, err := listen(lr, nil)
	if err != nil {
		t.Fatal(err)
	}
	recv.expect("s")
	port := strings.TrimSuffix(strings.TrimPrefix(recv.redirectURI, "http://localhost:"), "/callback")
	if len(recv.lns) != 2 || !strings.Contains(recv.addr(), "127.0.0.1:"+port) || !strings.Contains(recv.addr(), "[::1]:"+port) {
		t.Fatalf("listening on %s for %s", recv.addr(), recv.redirectURI)
	}
	statuses := make(chan int, 1)
	go func() {
		res, err := http.Get("http://[::1]:" + port + "/callback?code=c&state=s")
		if err != nil {
			statuses <- 0
			return
		}
		res.Body.Close()
		statuses <- res.StatusCode
	}()
	cb, err := recv.wait(context.Background(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cb.reply <- successPage()
	if got := <-statuses; got != http.StatusOK {
		t.Errorf("redirect over ::1 answered %d", got)
	}
	recv.close()
	assertClosed(t, "127.0.0.1:"+port)
	assertClosed(t, "[::1]:"+port)

	// The port taken on ::1 only.
	busy, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	lr, _ = parseLoopbackRedirect("http://localhost:" + busyPort + "/callback")
	_, err = listen(lr, nil)
	var le *ListenError
	if !errors.As(err, &le) || !le.InUse || le.Addr != "[::1]:"+busyPort {
		t.Fatalf("err = %v", err)
	}
	assertClosed(t, "127.0.0.1:"+busyPort)
	// An explicit IP literal binds that address alone.
	lr, _ = parseLoopbackRedirect("http://127.0.0.1:" + busyPort + "/callback")
	recv, err = listen(lr, nil)
	if err != nil {
		t.Fatalf("127.0.0.1 redirect with ::1 taken: %v", err)
	}
	recv.close()
}

// TestForgedCallbacksAreIgnored: redirects with another state, or none (a
// forged ?error=access_denied from any local process or web page), are
// answered, counted and ignored; the real redirect still ends the wait.
func TestForgedCallbacksAreIgnored(t *testing.T) {
	t.Parallel()
	lr, _ := parseLoopbackRedirect("http://127.0.0.1/callback")
	recv, err := listen(lr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer recv.close()
	get := func(query string) int {
		res, err := http.Get("http://" + recv.addr() + "/callback?" + query)
		if err != nil {
			t.Fatalf("GET %s: %v", query, err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Before the state is known nothing is accepted.
	if got := get("code=early&state=real-state"); got != http.StatusBadRequest {
		t.Fatalf("a redirect before the sign-in began = %d, want 400", got)
	}
	recv.expect("real-state")
	forged := []string{
		"error=access_denied",
		"error=access_denied&error_description=User+refused&state=",
		"code=stolen&state=other",
		"code=stolen&state=real-stat",
		"code=stolen&state=real-statee",
	}
	for _, q := range forged {
		if got := get(q); got != http.StatusBadRequest {
			t.Errorf("forged %q answered %d, want 400", q, got)
		}
	}
	if n := recv.ignoredCount(); n != len(forged)+1 {
		t.Fatalf("ignored %d redirects, want %d", n, len(forged)+1)
	}
	statuses := make(chan int, 1)
	go func() { statuses <- get("code=good&state=real-state") }()
	cb, err := recv.wait(context.Background(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if cb.query.Get("code") != "good" {
		t.Fatalf("the wait ended with %v", cb.query)
	}
	cb.reply <- successPage()
	if got := <-statuses; got != http.StatusOK {
		t.Fatalf("the real redirect answered %d", got)
	}
}

// TestForgedRefusalDoesNotEndSignIn runs the whole authorization code flow
// while another process fires forged refusals at the callback: the
// sign-in still completes with the real redirect.
func TestForgedRefusalDoesNotEndSignIn(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if res, err := http.Get(redirect + "?error=access_denied&error_description=forged"); err == nil {
				res.Body.Close()
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	time.Sleep(20 * time.Millisecond)
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, SkipPreflight: true}, newBrowser())
	if run.err != nil || run.res == nil || run.res.Tokens == nil {
		t.Fatalf("sign-in under forged refusals: %v", run.err)
	}
	if run.page.status != http.StatusOK {
		t.Errorf("browser told %d", run.page.status)
	}
}

// TestRedirectErrorIsNeutralised: escape sequences in the redirect's
// error and error_description reach neither the error nor the trace raw.
func TestRedirectErrorIsNeutralised(t *testing.T) {
	t.Parallel()
	op := newFakeOP(t)
	ln, redirect := loopbackListener(t)
	op.redirects = []string{redirect}
	b := newBrowser()
	b.tamper = func(u *url.URL) {
		q := u.Query()
		q.Del("code")
		q.Set("error", "access_denied\x1b]0;owned\x07")
		q.Set("error_description", "denied\x1b[2J\r\nSigned in as admin\u202e")
		u.RawQuery = q.Encode()
	}
	run := runCode(t, Options{Issuer: op.issuer, ClientID: op.clientID, RedirectURI: redirect, Listener: ln, SkipPreflight: true, Timeout: 5 * time.Second}, b)
	var oe *Error
	if !errors.As(run.err, &oe) {
		t.Fatalf("err = %v", run.err)
	}
	for _, s := range []string{oe.Code, oe.Description, run.err.Error()} {
		if strings.ContainsAny(s, "\x1b\x07\r\n\u202e") {
			t.Fatalf("raw control characters in %q", s)
		}
	}
	if !strings.Contains(oe.Description, `\x1b[2J`) {
		t.Fatalf("description %q does not show the escape visibly", oe.Description)
	}
	for _, st := range run.client.Trace() {
		for _, f := range fmt.Sprint(st) {
			if f == 0x1b {
				t.Fatalf("raw ESC in the trace step %q", st.Title)
			}
		}
	}
}
