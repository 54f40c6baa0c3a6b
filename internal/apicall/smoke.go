package apicall

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// SmokeRoute is one row of a smoke run: a profile's [[routes]] entry, or
// one derived from API Gateway's configuration.
type SmokeRoute struct {
	Method string `json:"method" toml:"method"`
	Path   string `json:"path" toml:"path"` // a path (resolved against the base URL) or a full URL
	// Token is the kind sent: access, id, raw, none, or sigv4 (no token:
	// signed by SmokeOptions.Sign).
	Token  string `json:"token" toml:"token"`
	Expect int    `json:"expect" toml:"expect"` // 0 = any 2xx
	// Config is the route's configuration when known (it feeds the
	// explanation of a refusal).
	Config *apiconfig.Route `json:"-" toml:"-"`
}

// Name is the row's label: "GET /private (access)".
func (r SmokeRoute) Name() string {
	return fmt.Sprintf("%s %s (%s)", strings.ToUpper(r.Method), r.Path, r.Token)
}

// SmokeResult is one row's outcome.
type SmokeResult struct {
	Route     SmokeRoute `json:"route"`
	Status    int        `json:"status"` // 0 when no response came
	Pass      bool       `json:"pass"`
	RequestID string     `json:"requestId,omitempty"`
	Duration  Duration   `json:"duration"`
	// Error is why no response came; Cause the explanation's cause code
	// of a refusal.
	Error string     `json:"error,omitempty"`
	Cause string     `json:"cause,omitempty"`
	Judge *Judgement `json:"judgement,omitempty"`
}

// SmokeOptions configure Smoke.
type SmokeOptions struct {
	BaseURL string
	// Tokens by kind (access, id, raw); "none" sends none. A row whose
	// kind has no token fails with a clear error.
	Tokens map[string]string
	// Sign signs the rows whose kind is TokenSigV4 (Request.Sign); when
	// it is nil such a row is not sent and fails with NoSign, the plain
	// reason no credentials could be had (default: "no AWS credentials").
	Sign       func(req *http.Request, body []byte) error
	NoSign     string
	AuthScheme string // default bearer
	AuthHeader string
	Timeout    time.Duration
	Call       Options
}

// Smoke calls every route in order and compares statuses.
func Smoke(ctx context.Context, routes []SmokeRoute, opts SmokeOptions) []SmokeResult {
	out := make([]SmokeResult, 0, len(routes))
	for _, r := range routes {
		res := SmokeResult{Route: r}
		kind := r.Token
		if kind == "" {
			kind = TokenAccess
		}
		tok := ""
		var sign func(*http.Request, []byte) error
		switch kind {
		case TokenNone:
		case TokenSigV4:
			if opts.Sign == nil {
				why := opts.NoSign
				if why == "" {
					why = "no AWS credentials"
				}
				res.Error = "not sent: the route wants a SigV4 signature and cannot be signed: " + why
				out = append(out, res)
				continue
			}
			sign = opts.Sign
		default:
			tok = opts.Tokens[kind]
			if tok == "" {
				res.Error = fmt.Sprintf("no %s token to send (sign in first, or give --token none)", kind)
				out = append(out, res)
				continue
			}
		}
		callOpts := opts.Call
		if callOpts.Explain != nil && r.Config != nil {
			x := *callOpts.Explain
			x.Route = r.Config
			callOpts.Explain = &x
		}
		sendKind := kind
		if sign != nil {
			sendKind = TokenNone // Build marks the signed request TokenSigV4
		}
		call, err := Do(ctx, Request{Method: r.Method, Target: r.Path, BaseURL: opts.BaseURL, Token: tok, TokenKind: sendKind,
			AuthScheme: opts.AuthScheme, AuthHeader: opts.AuthHeader, Timeout: opts.Timeout, Sign: sign}, callOpts)
		if call != nil {
			res.Duration = call.Timings.Total
			if call.Response != nil {
				res.Status, res.RequestID = call.Response.Status, call.Response.RequestID
			}
			if call.Judgement != nil {
				res.Cause, res.Judge = call.Judgement.Cause, call.Judgement
			}
		}
		if err != nil && res.Status == 0 {
			res.Error = err.Error()
		}
		res.Pass = call.ExitCode(r.Expect) == 0
		out = append(out, res)
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

// Failed counts the rows that did not pass.
func Failed(results []SmokeResult) int {
	n := 0
	for _, r := range results {
		if !r.Pass {
			n++
		}
	}
	return n
}

// ExpectedStatus is the status a route should answer for a token kind,
// from its authorizer: NONE lets everything through; JWT wants a token
// (an ID token fails a route with scopes: 403); a Cognito authorizer
// wants the ID token without scopes and an access token with them (else
// 401); a Lambda authorizer is assumed to accept the right token; AWS_IAM
// takes a SigV4-signed call (kind TokenSigV4) and refuses any other
// (403). 0 means "any 2xx".
func ExpectedStatus(r apiconfig.Route, kind string) int {
	none := kind == TokenNone
	switch r.AuthorizationType {
	case "", "NONE":
		return 0
	case "AWS_IAM":
		if kind == TokenSigV4 {
			return 0
		}
		return 403
	case "JWT":
		switch {
		case none:
			return 401
		case kind == TokenID && len(r.Scopes) > 0:
			return 403
		}
		return 0
	case "COGNITO_USER_POOLS":
		switch {
		case none:
			return 401
		case len(r.Scopes) == 0 && kind == TokenAccess, len(r.Scopes) > 0 && kind == TokenID:
			return 401
		}
		return 0
	default: // CUSTOM
		if none {
			return 401
		}
		return 0
	}
}

// RightToken is the token kind a route should accept: none without an
// authorizer, a SigV4 signature (TokenSigV4) for AWS_IAM, the ID token
// for a Cognito authorizer without scopes, the access token otherwise.
func RightToken(r apiconfig.Route) string {
	switch {
	case r.AuthorizationType == "" || r.AuthorizationType == "NONE":
		return TokenNone
	case r.AuthorizationType == "AWS_IAM":
		return TokenSigV4
	case r.AuthorizationType == "COGNITO_USER_POOLS" && len(r.Scopes) == 0:
		return TokenID
	}
	return TokenAccess
}

var paramRe = lazyregexp.New(`\{[^{}/]+\}`)

// RoutesFromConfig turns API Gateway's routes into smoke rows: each route
// with its right token (expect 2xx; an AWS_IAM route signed, TokenSigV4)
// and, when negative is set, once more without a token (expect 401, or
// 403 for AWS_IAM). Path parameters become "1"; $default routes are
// skipped.
func RoutesFromConfig(api apiconfig.API, negative bool) []SmokeRoute {
	var out []SmokeRoute
	for i := range api.Routes {
		r := &api.Routes[i]
		if r.Path == "$default" || r.Method == "" {
			continue
		}
		method := r.Method
		if method == "ANY" {
			method = "GET"
		}
		path := paramRe.ReplaceAllString(r.Path, "1")
		kind := RightToken(*r)
		out = append(out, SmokeRoute{Method: method, Path: path, Token: kind, Expect: ExpectedStatus(*r, kind), Config: r})
		if negative && kind != TokenNone {
			out = append(out, SmokeRoute{Method: method, Path: path, Token: TokenNone, Expect: ExpectedStatus(*r, TokenNone), Config: r})
		}
	}
	return out
}

// JUnit XML (the schema CI systems read: testsuites/testsuite/testcase).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as one JUnit test suite.
func WriteJUnit(w io.Writer, suite string, results []SmokeResult, at time.Time) error {
	s := junitSuite{Name: suite, Tests: len(results)}
	var total time.Duration
	for _, r := range results {
		d := time.Duration(r.Duration)
		total += d
		c := junitCase{Name: r.Route.Name(), Classname: suite, Time: fmt.Sprintf("%.3f", d.Seconds())}
		if r.RequestID != "" {
			c.SystemOut = "request id " + r.RequestID
		}
		want := "2xx"
		if r.Route.Expect != 0 {
			want = fmt.Sprint(r.Route.Expect)
		}
		switch {
		case r.Error != "" && r.Status == 0:
			s.Errors++
			c.Error = &junitFailure{Message: r.Error, Type: "call", Text: r.Error}
		case !r.Pass:
			s.Failures++
			msg := fmt.Sprintf("status %d, want %s", r.Status, want)
			text := msg
			if r.Cause != "" {
				text += "\ncause: " + r.Cause
			}
			c.Failure = &junitFailure{Message: msg, Type: "status", Text: text}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = fmt.Sprintf("%.3f", total.Seconds())
	if !at.IsZero() {
		s.Timestamp = at.UTC().Format("2006-01-02T15:04:05")
	}
	doc := junitSuites{Tests: s.Tests, Failures: s.Failures + s.Errors, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JUnit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
