// Package apicall is the caller behind `cogscope call`: it builds a
// request (method, URL or a PATH resolved against a base URL, the token in
// the header and form the authorizer wants, headers, body), sends it with
// timings split by net/http/httptrace, reads a bounded body, extracts API
// Gateway's request ids, and on 401/403 explains the answer: the
// www-authenticate parameters, the body's message, the inspector's
// authorizer judgement on the token that was sent, the failed check and
// the fix. Smoke runs call a list of routes and compare statuses, and
// write JUnit XML.
//
// Results are plain data with raw server text in fields (nothing is
// rendered or sanitised here: the CLI and the console phrase and clean
// it); the token never appears in a Result.
//
// It must not import charm.land/*, ui or cmd.
package apicall

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/internal/proxyerr"
)

// Token kinds as the CLI names them.
const (
	TokenAccess = "access"
	TokenID     = "id"
	TokenRaw    = "raw" // given as is (--bearer-stdin)
	TokenNone   = "none"
	TokenSigV4  = "sigv4" // no token: the request is SigV4-signed (Request.Sign)
)

// Auth schemes.
const (
	SchemeBearer = "bearer" // "Authorization: Bearer <token>"
	SchemeRaw    = "raw"    // "Authorization: <token>" (REST Cognito authorizers' documented form)
)

// DefaultMaxBody is how much of a response body a Result keeps.
const DefaultMaxBody = 1 << 20

// Request is what to call.
type Request struct {
	// Method defaults to GET.
	Method string
	// Target is a full URL (http/https) or a PATH ("/orders",
	// "orders?x=1") resolved against BaseURL.
	Target  string
	BaseURL string
	// Token is sent unless TokenKind is TokenNone or it is empty. A pasted
	// token's whitespace and line breaks, and a "Bearer " the user typed,
	// are removed (and said in Notes).
	Token     string
	TokenKind string
	// AuthScheme is SchemeBearer (default) or SchemeRaw; AuthHeader the
	// header name (default Authorization).
	AuthScheme string
	AuthHeader string
	// Headers are extra "Name: value" headers (-H).
	Headers []string
	Body    []byte
	// Timeout bounds the whole call; 0 means 30 s.
	Timeout time.Duration
	// Sign, when set, signs the built request just before it is sent
	// (SigV4 for AWS_IAM routes: body is Body); such a request carries no
	// token, and its TokenKind is TokenSigV4.
	Sign func(req *http.Request, body []byte) error
}

// UsageError is a request that cannot be built (bad URL, header, scheme).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usage(format string, a ...any) error { return &UsageError{fmt.Sprintf(format, a...)} }

// Built is a request ready to send and what it says about itself.
type Built struct {
	HTTP  *http.Request
	Info  RequestInfo
	token string
}

// RequestInfo describes the request in a Result, the token redacted.
type RequestInfo struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
	// TokenKind is what was sent (access, id, raw, none); TokenHeader the
	// header it went in; TokenScheme bearer or raw; TokenLength its size.
	TokenKind   string `json:"tokenKind"`
	TokenHeader string `json:"tokenHeader,omitempty"`
	TokenScheme string `json:"tokenScheme,omitempty"`
	TokenLength int    `json:"tokenLength,omitempty"`
	BodyBytes   int    `json:"bodyBytes"`
	// Notes say what was cleaned from the input (a line break in the
	// token, a typed "Bearer ").
	Notes []string `json:"notes,omitempty"`
}

// Redacted is what stands for the token in headers.
const Redacted = "<redacted>"

// Build validates r and makes the HTTP request.
func Build(ctx context.Context, r Request) (*Built, error) {
	method := strings.ToUpper(strings.TrimSpace(r.Method))
	if method == "" {
		method = http.MethodGet
	}
	for _, c := range method {
		if c < 'A' || c > 'Z' {
			return nil, usage("method %q: want a word such as GET or POST", r.Method)
		}
	}
	u, err := resolve(r.Target, r.BaseURL)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if len(r.Body) > 0 {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, usage("request: %v", err)
	}
	b := &Built{HTTP: req, Info: RequestInfo{Method: method, URL: u.String(), BodyBytes: len(r.Body), TokenKind: r.TokenKind}}
	for _, h := range r.Headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") {
			return nil, usage("header %q: want \"Name: value\"", h)
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, usage("header %s: the value holds a line break", name)
		}
		req.Header.Add(name, strings.TrimSpace(value))
	}
	if len(r.Body) > 0 && req.Header.Get("Content-Type") == "" {
		ct := "application/octet-stream"
		if json.Valid(r.Body) {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "cogscope")
	}
	token, notes := cleanToken(r.Token)
	b.Info.Notes = notes
	if r.TokenKind == TokenNone {
		token = ""
	}
	if b.Info.TokenKind == "" {
		b.Info.TokenKind = TokenRaw
		if token == "" {
			b.Info.TokenKind = TokenNone
		}
	}
	if token != "" {
		header := r.AuthHeader
		if header == "" {
			header = "Authorization"
		}
		if strings.ContainsAny(header, " \t\r\n:") {
			return nil, usage("--auth-header %q: not a header name", header)
		}
		scheme := strings.ToLower(r.AuthScheme)
		switch scheme {
		case "", SchemeBearer:
			scheme = SchemeBearer
			req.Header.Set(header, "Bearer "+token)
		case SchemeRaw:
			req.Header.Set(header, token)
		default:
			return nil, usage("--auth-scheme %q: want bearer or raw", r.AuthScheme)
		}
		b.token = token
		b.Info.TokenHeader, b.Info.TokenScheme, b.Info.TokenLength = http.CanonicalHeaderKey(header), scheme, len(token)
	} else {
		b.Info.TokenKind = TokenNone
	}
	if r.Sign != nil {
		if token != "" {
			return nil, usage("a signed request carries no token: give one or the other")
		}
		if err := r.Sign(req, r.Body); err != nil {
			return nil, usage("sign the request: %v", err)
		}
		b.Info.TokenKind = TokenSigV4
	}
	b.Info.Headers = redactHeaders(req.Header, b.Info.TokenHeader)
	return b, nil
}

func resolve(target, base string) (*url.URL, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return nil, usage("no URL or path to call")
	}
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return nil, usage("URL %q: %v", target, errOr(err, "no host"))
		}
		return u, nil
	}
	if strings.Contains(target, "://") {
		return nil, usage("URL %q: only http and https can be called", target)
	}
	if base == "" {
		return nil, usage("%q is a path, and there is no API base URL to resolve it against (set api.base_url in the profile, or give a full URL)", target)
	}
	bu, err := url.Parse(strings.TrimSpace(base))
	if err != nil || bu.Host == "" || (bu.Scheme != "http" && bu.Scheme != "https") {
		return nil, usage("API base URL %q is not an http(s) URL", base)
	}
	p, q, _ := strings.Cut(target, "?")
	u := *bu
	u.Path = strings.TrimRight(bu.Path, "/") + "/" + strings.TrimLeft(p, "/")
	u.RawPath = ""
	u.RawQuery = q
	return &u, nil
}

func errOr(err error, s string) any {
	if err != nil {
		return err
	}
	return s
}

// cleanToken removes whitespace (a pasted token often ends with a newline
// or was wrapped) and a typed "Bearer ".
func cleanToken(t string) (string, []string) {
	var notes []string
	trimmed := strings.TrimSpace(t)
	if len(trimmed) > 7 && strings.EqualFold(trimmed[:7], "bearer ") {
		trimmed = strings.TrimSpace(trimmed[7:])
		notes = append(notes, `the token began with "Bearer ", which was removed (the scheme is set by --auth-scheme)`)
	}
	if strings.ContainsAny(trimmed, " \t\r\n") {
		trimmed = strings.Join(strings.Fields(trimmed), "")
		notes = append(notes, "the token held whitespace or line breaks (a wrapped paste?); they were removed")
	} else if trimmed != t && len(notes) == 0 && t != "" {
		notes = append(notes, "a trailing newline or spaces around the token were removed")
	}
	return trimmed, notes
}

// redactHeaders copies h with the token's header and the headers a trace
// holds secret (flows/trace's table: Authorization, Cookie, X-Api-Key,
// X-Amz-Security-Token, …) replaced by Redacted.
func redactHeaders(h http.Header, tokenHeader string) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, v := range h {
		vals := append([]string(nil), v...)
		if strings.EqualFold(k, tokenHeader) || trace.IsSecret(http.CanonicalHeaderKey(k)) {
			for i, x := range vals {
				if strings.HasPrefix(strings.ToLower(x), "bearer ") {
					vals[i] = "Bearer " + Redacted
				} else {
					vals[i] = Redacted
				}
			}
		}
		out[k] = vals
	}
	return out
}

// Options configure Do.
type Options struct {
	// Client sends the request; default a client with the Request's
	// timeout that follows at most 5 redirects and refuses loops.
	Client *http.Client
	// MaxBody is how much of the body to keep; default DefaultMaxBody.
	MaxBody int64
	// Explain, when set, is run on 401/403 answers (see Explainer).
	Explain *Explainer
}

// Result is one call: {"request","response","timings","judgement"}.
type Result struct {
	Request   RequestInfo   `json:"request"`
	Response  *ResponseInfo `json:"response,omitempty"`
	Timings   Timings       `json:"timings"`
	Judgement *Judgement    `json:"judgement,omitempty"`
	// Error is set when no response came (network, TLS, redirect loop,
	// timeout).
	Error *CallError `json:"error,omitempty"`
}

// ResponseInfo is the answer, raw.
type ResponseInfo struct {
	Status     int                 `json:"status"`
	StatusText string              `json:"statusText"`
	Proto      string              `json:"proto"`
	Headers    map[string][]string `json:"headers"`
	// Body is the (possibly cut) body as text; BodySize its full size in
	// bytes, -1 when unknown; Truncated says it was cut at MaxBody.
	Body      string `json:"body"`
	BodySize  int64  `json:"bodySize"`
	Truncated bool   `json:"truncated"`
	// JSON says the body parses as JSON (a cut body never does).
	JSON bool `json:"json"`
	// RequestID is API Gateway's request id and RequestIDHeader the
	// header it came from (apigw-requestid, x-amzn-RequestId);
	// ExtendedRequestID is REST's x-amz-apigw-id.
	RequestID         string `json:"requestId"`
	RequestIDHeader   string `json:"requestIdHeader,omitempty"`
	ExtendedRequestID string `json:"extendedRequestId,omitempty"`
	// ErrorType is x-amzn-ErrorType (REST gateway errors).
	ErrorType string `json:"errorType,omitempty"`
}

// RedactEcho replaces secret (a token, with or without its "Bearer "
// scheme; a session token; a signature) by Redacted where the server
// echoed it in r's body or headers (an integration that returns the
// request's headers), so that what the CLI prints and the console shows
// never holds it. A secret shorter than 16 characters is left alone: it
// would match too much to mean anything.
func RedactEcho(r *ResponseInfo, secret string) {
	if r == nil {
		return
	}
	fields := strings.Fields(secret)
	if len(fields) > 1 && strings.EqualFold(fields[0], "bearer") {
		fields = fields[1:]
	}
	tok := strings.Join(fields, "")
	if len(tok) < 16 {
		return
	}
	if strings.Contains(r.Body, tok) {
		r.Body = strings.ReplaceAll(r.Body, tok, Redacted)
	}
	for k, vs := range r.Headers {
		for i, v := range vs {
			if strings.Contains(v, tok) {
				r.Headers[k][i] = strings.ReplaceAll(v, tok, Redacted)
			}
		}
	}
}

// Timings split the call (httptrace). Phases that did not happen (a
// reused connection, plain HTTP) are zero.
type Timings struct {
	DNS       Duration `json:"dns"`
	Connect   Duration `json:"connect"`
	TLS       Duration `json:"tls"`
	FirstByte Duration `json:"firstByte"` // from sending to the first response byte
	Total     Duration `json:"total"`
	Reused    bool     `json:"reusedConnection"`
}

// Duration marshals as milliseconds (a JSON number).
type Duration time.Duration

// MarshalJSON writes milliseconds with microsecond precision.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.3f", float64(time.Duration(d).Microseconds())/1000)), nil
}

// CallError kinds.
const (
	ErrKindDNS      = "dns"
	ErrKindConnect  = "connect"
	ErrKindTLS      = "tls"
	ErrKindTimeout  = "timeout"
	ErrKindRedirect = "redirect"
	ErrKindProxy    = "proxy" // the HTTP proxy the request went through could not be reached
	ErrKindOther    = "network"
)

// CallError is a call that got no response.
type CallError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Err     error  `json:"-"`
	// Proxy is the dead proxy of ErrKindProxy, for an edge to name with
	// its setting (proxyerr.Failure.Describe).
	Proxy *proxyerr.Failure `json:"-"`
}

func (e *CallError) Error() string { return e.Message }
func (e *CallError) Unwrap() error { return e.Err }

// ErrRedirectLoop is a redirect back to a URL already visited.
var ErrRedirectLoop = errors.New("redirect loop")

// NewClient is the default client: the timeout, at most 5 redirects,
// and a loop (a URL seen before) refused at once.
func NewClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			for _, v := range via {
				if v.URL.String() == req.URL.String() {
					chain := make([]string, 0, len(via)+1)
					for _, x := range via {
						chain = append(chain, x.URL.String())
					}
					chain = append(chain, req.URL.String())
					return fmt.Errorf("%w: %s", ErrRedirectLoop, strings.Join(chain, " -> "))
				}
			}
			if len(via) >= 5 {
				return fmt.Errorf("stopped after %d redirects (last to %s)", len(via), req.URL)
			}
			return nil
		},
	}
}

// Do builds and sends r. The error is a *UsageError for a request that
// cannot be built; a call that got no response returns a Result whose
// Error is set (and that error).
func Do(ctx context.Context, r Request, opts Options) (*Result, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	b, err := Build(ctx, r)
	if err != nil {
		return nil, err
	}
	client := opts.Client
	if client == nil {
		client = NewClient(timeout)
	}
	maxBody := opts.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	res := &Result{Request: b.Info}
	var t0, dnsStart, connStart, tlsStart, wrote time.Time
	var tm Timings
	trace := &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { dnsStart = time.Now() },
		DNSDone:           func(httptrace.DNSDoneInfo) { tm.DNS += Duration(time.Since(dnsStart)) },
		ConnectStart:      func(string, string) { connStart = time.Now() },
		ConnectDone:       func(string, string, error) { tm.Connect += Duration(time.Since(connStart)) },
		TLSHandshakeStart: func() { tlsStart = time.Now() },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { tm.TLS += Duration(time.Since(tlsStart)) },
		GotConn:           func(i httptrace.GotConnInfo) { tm.Reused = i.Reused },
		WroteRequest:      func(httptrace.WroteRequestInfo) { wrote = time.Now() },
		GotFirstResponseByte: func() {
			if !wrote.IsZero() {
				tm.FirstByte = Duration(time.Since(wrote))
			}
		},
	}
	req := b.HTTP.WithContext(httptrace.WithClientTrace(ctx, trace))
	t0 = time.Now()
	resp, err := client.Do(req)
	if err != nil {
		tm.Total = Duration(time.Since(t0))
		res.Timings = tm
		res.Error = classify(err, b.Info.URL, timeout)
		return res, res.Error
	}
	defer resp.Body.Close()
	info := &ResponseInfo{Status: resp.StatusCode, StatusText: http.StatusText(resp.StatusCode), Proto: resp.Proto,
		Headers: map[string][]string(resp.Header.Clone())}
	body, size, cut, rerr := readBounded(resp.Body, maxBody, resp.ContentLength)
	tm.Total = Duration(time.Since(t0))
	res.Timings = tm
	info.Body, info.BodySize, info.Truncated = string(body), size, cut
	info.JSON = !cut && len(bytes.TrimSpace(body)) > 0 && json.Valid(body)
	info.RequestID, info.RequestIDHeader, info.ExtendedRequestID = RequestIDs(resp.Header)
	info.ErrorType = strings.TrimSuffix(resp.Header.Get("x-amzn-ErrorType"), ":")
	res.Response = info
	if rerr != nil {
		res.Error = &CallError{Kind: ErrKindOther, Message: fmt.Sprintf("reading the response body from %s failed after %d bytes: %v", b.Info.URL, size, rerr), Err: rerr}
	}
	if (info.Status == 401 || info.Status == 403 || (info.Status == 404 && info.RequestIDHeader == "apigw-requestid") || info.Status == 500) && opts.Explain != nil {
		res.Judgement = opts.Explain.Explain(ctx, b, info)
	}
	if res.Error != nil {
		return res, res.Error
	}
	return res, nil
}

// drainCap bounds how much of an oversized body is read only to count it.
const drainCap = 256 << 20

// readBounded keeps max bytes and counts the rest.
func readBounded(r io.Reader, max, contentLength int64) ([]byte, int64, bool, error) {
	buf, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return buf, int64(len(buf)), false, err
	}
	if int64(len(buf)) <= max {
		return buf, int64(len(buf)), false, nil
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r, drainCap))
	size := int64(len(buf)) + n
	if n == drainCap {
		size = -1
		if contentLength > 0 {
			size = contentLength
		}
	}
	return buf[:max], size, true, err
}

// RequestIDs finds API Gateway's request id: HTTP APIs send
// apigw-requestid; REST APIs x-amzn-RequestId and, extended,
// x-amz-apigw-id.
func RequestIDs(h http.Header) (id, header, extended string) {
	if v := h.Get("apigw-requestid"); v != "" {
		return v, "apigw-requestid", ""
	}
	if v := h.Get("x-amzn-RequestId"); v != "" {
		return v, "x-amzn-RequestId", h.Get("x-amz-apigw-id")
	}
	if v := h.Get("x-amz-apigw-id"); v != "" {
		return v, "x-amz-apigw-id", v
	}
	return "", "", ""
}

func classify(err error, target string, timeout time.Duration) *CallError {
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	var tlsVerify *tls.CertificateVerificationError
	if pf, ok := proxyerr.Of(err); ok {
		// Before the refused connection: it is the proxy's, not the
		// target's (Go sends a request through HTTP_PROXY or HTTPS_PROXY
		// for every host but localhost and loopback addresses).
		return &CallError{Kind: ErrKindProxy, Message: pf.Describe(nil), Err: err, Proxy: &pf}
	}
	switch {
	case errors.Is(err, ErrRedirectLoop):
		return &CallError{ErrKindRedirect, fmt.Sprintf("redirect loop calling %s: %s", target, strings.TrimPrefix(unwrapURL(err).Error(), ErrRedirectLoop.Error()+": ")), err, nil}
	case strings.Contains(err.Error(), "stopped after") && strings.Contains(err.Error(), "redirects"):
		return &CallError{ErrKindRedirect, fmt.Sprintf("too many redirects calling %s: %v", target, unwrapURL(err)), err, nil}
	case errors.As(err, &unknownCA):
		return &CallError{ErrKindTLS, fmt.Sprintf("TLS: %s presents a certificate signed by an unknown authority (self-signed, or a private CA this machine does not trust)", target), err, nil}
	case errors.As(err, &hostErr):
		return &CallError{ErrKindTLS, fmt.Sprintf("TLS: the certificate of %s is for another host name: %v", target, hostErr), err, nil}
	case errors.As(err, &certErr):
		return &CallError{ErrKindTLS, fmt.Sprintf("TLS: the certificate of %s is not valid: %v", target, certErr), err, nil}
	case errors.As(err, &tlsVerify):
		return &CallError{ErrKindTLS, fmt.Sprintf("TLS: the certificate of %s could not be verified: %v", target, tlsVerify.Err), err, nil}
	case errors.As(err, &recErr):
		return &CallError{ErrKindTLS, fmt.Sprintf("TLS: %s did not answer TLS (is it plain http://?)", target), err, nil}
	case errors.As(err, &dnsErr):
		return &CallError{ErrKindDNS, fmt.Sprintf("cannot resolve %s: %v", dnsErr.Name, dnsErr.Err), err, nil}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &CallError{ErrKindConnect, fmt.Sprintf("connection refused by %s: nothing listens there (is the server, or `cogscope local`, running?)", hostOf(target)), err, nil}
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &CallError{ErrKindTimeout, fmt.Sprintf("no answer from %s within %s", target, timeout), err, nil}
	}
	if strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:") {
		return &CallError{ErrKindTLS, fmt.Sprintf("TLS with %s failed: %v", target, unwrapURL(err)), err, nil}
	}
	return &CallError{ErrKindOther, fmt.Sprintf("calling %s failed: %v", target, unwrapURL(err)), err, nil}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func hostOf(target string) string {
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		return u.Host
	}
	return target
}

// PrettyJSON indents a JSON body; ok is false when it is not JSON.
func PrettyJSON(body string) (string, bool) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(body), "", "  "); err != nil {
		return body, false
	}
	return buf.String(), true
}

// ExitCode is `cogscope call`'s exit status for a result: 0 when the
// status is expect (any 2xx when expect is 0), 1 for another status, 2
// when no response came.
func (r *Result) ExitCode(expect int) int {
	if r == nil || r.Response == nil {
		return 2
	}
	s := r.Response.Status
	if (expect == 0 && s >= 200 && s < 300) || (expect != 0 && s == expect) {
		return 0
	}
	return 1
}
