package oauth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// browser plays the user's browser: it follows redirects one by one (so a
// test can tamper with the one to the loopback listener) and returns the
// last page.
type browser struct {
	hc *http.Client
	// tamper, when set, rewrites the URL of the redirect to the loopback
	// listener before it is followed.
	tamper func(u *url.URL)
	// visited are the URLs requested, in order.
	visited []string
}

type pageSeen struct {
	status int
	body   string
	url    string
}

func newBrowser() *browser {
	return &browser{hc: &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) open(ctx context.Context, raw string) (pageSeen, error) {
	for range 10 {
		u, err := url.Parse(raw)
		if err != nil {
			return pageSeen{}, err
		}
		if b.tamper != nil && isLoopbackHost(u.Hostname()) && len(b.visited) > 0 {
			b.tamper(u)
			raw = u.String()
		}
		b.visited = append(b.visited, raw)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		if err != nil {
			return pageSeen{}, err
		}
		res, err := b.hc.Do(req)
		if err != nil {
			return pageSeen{}, err
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode < 300 || res.StatusCode >= 400 || loc == "" {
			return pageSeen{status: res.StatusCode, body: string(body), url: raw}, nil
		}
		next, err := req.URL.Parse(loc)
		if err != nil {
			return pageSeen{}, err
		}
		raw = next.String()
	}
	return pageSeen{}, errors.New("too many redirects")
}

// loopbackListener opens 127.0.0.1:0 and returns it with its callback URL.
func loopbackListener(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln, "http://" + ln.Addr().String() + "/callback"
}

// codeRun is the outcome of one AuthorizationCode run driven by a browser.
type codeRun struct {
	res    *Result
	err    error
	page   pageSeen
	pgErr  error
	client *Client
	url    string // the authorize URL
}

// runCode runs the authorization code flow with opts, driving b through
// the authorize URL as soon as it is printed.
func runCode(t *testing.T, opts Options, b *browser) codeRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	urls := make(chan string, 1)
	opts.OnAuthorizeURL = func(u string) { urls <- u }
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	type out struct {
		res *Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := c.AuthorizationCode(ctx)
		done <- out{res, err}
	}()
	var run codeRun
	run.client = c
	select {
	case u := <-urls:
		run.url = u
		if b != nil {
			run.page, run.pgErr = b.open(ctx, u)
		}
	case o := <-done:
		run.res, run.err = o.res, o.err
		return run
	}
	o := <-done
	run.res, run.err = o.res, o.err
	return run
}

// ops lists the operations of a trace.
func ops(steps []flows.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Operation)
	}
	return out
}

// stepOf returns the last step with the operation.
func stepOf(t *testing.T, steps []flows.Step, op string) flows.Step {
	t.Helper()
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Operation == op {
			return steps[i]
		}
	}
	t.Fatalf("no %s step in %v", op, ops(steps))
	return flows.Step{}
}

// assertClosed fails if something still accepts connections at addr.
func assertClosed(t *testing.T, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections", addr)
	}
}
