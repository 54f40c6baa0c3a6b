package cmdutil

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/internal/termtext"
)

// debugLog writes --debug's account of every HTTP exchange to w (stderr):
// the request line and headers when it goes out, the status, the time
// it took and the response headers when it comes back, as the AWS CLI's
// --debug and kubectl's -v=8 do. Secrets are masked: headers and query
// parameters the trace's secret table names (Authorization, cookies,
// session tokens, codes, tokens). Bodies are not shown: they hold passwords and
// tokens. Every value is made printable before it reaches the terminal.
// There is one secret table: flows/trace's.
type debugLog struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
	seq atomic.Int64
}

// isSecretHTTPName says whether a header or query parameter's value must
// be masked: the one secret table (flows/trace) calls it a secret, or a
// token it would shorten (an access token in a query, a Bearer header).
func isSecretHTTPName(name string) bool {
	return trace.IsSecret(name) || trace.Classify(name, "") == trace.Short
}

const masked = "<redacted>"

func (d *debugLog) request(r *http.Request) int64 {
	n := d.seq.Add(1)
	var b strings.Builder
	fmt.Fprintf(&b, "cogscope: debug: #%d %s %s", n, termtext.Line(r.Method), termtext.Line(maskURL(r.URL)))
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		fmt.Fprintf(&b, " (%s)", termtext.Line(t[strings.LastIndexByte(t, '.')+1:]))
	}
	b.WriteByte('\n')
	writeHeaders(&b, "> ", r.Header)
	d.write(b.String())
	return n
}

func (d *debugLog) response(n int64, start time.Time, resp *http.Response, err error) {
	var b strings.Builder
	took := d.now().Sub(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(&b, "cogscope: debug: #%d failed after %s: %s\n", n, took, termtext.Line(err.Error()))
	} else {
		fmt.Fprintf(&b, "cogscope: debug: #%d %s in %s\n", n, termtext.Line(resp.Status), took)
		writeHeaders(&b, "< ", resp.Header)
	}
	d.write(b.String())
}

func (d *debugLog) write(s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = io.WriteString(d.w, s)
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if isSecretHTTPName(k) {
				v = masked
			}
			fmt.Fprintf(b, "  %s%s: %s\n", prefix, termtext.Line(k), termtext.Line(v))
		}
	}
}

// maskURL is u with secret query parameters (code, token, …) masked.
func maskURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.RawQuery == "" {
		return u.String()
	}
	q := u.Query()
	for k := range q {
		if isSecretHTTPName(k) {
			q[k] = []string{masked}
		}
	}
	c := *u
	c.RawQuery = q.Encode()
	c.User = nil
	return c.String()
}

// debugTransport logs every exchange of next through log.
type debugTransport struct {
	next http.RoundTripper
	log  *debugLog
}

func (t debugTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := t.log.now()
	n := t.log.request(r)
	resp, err := t.next.RoundTrip(r)
	t.log.response(n, start, resp, err)
	return resp, err
}

// debugDoer is debugTransport for an SDK HTTP client.
type debugDoer struct {
	next aws.HTTPClient
	log  *debugLog
}

func (d debugDoer) Do(r *http.Request) (*http.Response, error) {
	start := d.log.now()
	n := d.log.request(r)
	resp, err := d.next.Do(r)
	d.log.response(n, start, resp, err)
	return resp, err
}
