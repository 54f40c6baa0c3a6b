package apicall_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apicall/apicalltest"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type fixture struct {
	env    *localtest.Env
	clock  *apicalltest.Clock
	cfg    *apiconfig.Config
	keys   inspect.KeySource
	tokens map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := apicalltest.Start(t)
	return &fixture{env: s.Env, clock: s.Clock, cfg: s.Config, keys: s.Keys, tokens: s.Tokens}
}

func (f *fixture) explainer() *apicall.Explainer {
	return &apicall.Explainer{Config: f.cfg, Keys: f.keys, Now: f.clock.Now, PoolIssuer: apicall.LocalPoolIssuer(f.env.Endpoint)}
}

// TestInspectorAgreesWithTheGateway runs every JWT and Cognito route with
// every kind of token, then checks that the inspector's authorizer
// judgement predicts the gateway's real status, body and
// www-authenticate, and that the explanation names the failed check and
// the cause.
func TestInspectorAgreesWithTheGateway(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	type tc struct {
		path, kind, scheme string
		check, cause       string // "" when allowed
	}
	cases := []tc{
		{"/private", "access", "", "", ""},
		{"/private", "id", "", "", ""},
		{"/private", "none", "", "identity_source", apicall.CauseNoToken},
		{"/private", "expired", "", "exp", apicall.CauseExpired},
		{"/private", "other-pool", "", "kid", apicall.CauseUnknownKey},
		{"/private", "other-client", "", "aud", apicall.CauseWrongAudience},
		{"/private", "no-scope", "", "", ""},
		{"/private", "garbage", "", "parse", apicall.CauseMalformed},
		{"/scoped", "access", "", "", ""},
		{"/scoped", "id", "", "scope", apicall.CauseIDTokenNeedsScope},
		{"/scoped", "none", "", "identity_source", apicall.CauseNoToken},
		{"/scoped", "expired", "", "exp", apicall.CauseExpired},
		{"/scoped", "other-pool", "", "kid", apicall.CauseUnknownKey},
		{"/scoped", "other-client", "", "aud", apicall.CauseWrongAudience},
		{"/scoped", "no-scope", "", "scope", apicall.CauseMissingScope},
		{"/scoped", "outside-group", "", "", ""},
		{"rest:/profile", "id", "raw", "", ""},
		{"rest:/profile", "id", "bearer", "", ""},
		{"rest:/profile", "access", "raw", "token_use", apicall.CauseAccessTokenForID},
		{"rest:/profile", "none", "raw", "identity_source", apicall.CauseNoToken},
		{"rest:/profile", "expired-id", "raw", "exp", apicall.CauseExpired},
		{"rest:/profile", "other-pool", "raw", "kid", apicall.CauseUnknownKey},
		{"rest:/profile", "garbage", "raw", "parse", apicall.CauseMalformed},
		{"rest:/orders", "access", "raw", "", ""},
		{"rest:/orders", "other-client", "raw", "", ""},
		{"rest:/orders", "id", "raw", "token_use", apicall.CauseIDTokenNeedsScope},
		{"rest:/orders", "no-scope", "raw", "scope", apicall.CauseMissingScope},
		{"rest:/orders", "expired", "raw", "exp", apicall.CauseExpired},
		{"rest:/orders", "none", "bearer", "identity_source", apicall.CauseNoToken},
	}
	for _, c := range cases {
		name := c.path + "/" + c.kind + "/" + c.scheme
		t.Run(name, func(t *testing.T) {
			base := f.env.API.HTTPURL
			path := c.path
			if p, ok := strings.CutPrefix(c.path, "rest:"); ok {
				base, path = f.env.API.RestURL, p
			}
			kind := c.kind
			if kind != "none" {
				kind = apicall.TokenRaw
			}
			res, err := apicall.Do(context.Background(), apicall.Request{Target: path, BaseURL: base, Token: f.tokens[c.kind],
				TokenKind: kind, AuthScheme: c.scheme}, apicall.Options{Explain: f.explainer()})
			if err != nil {
				t.Fatal(err)
			}
			// The inspector's judgement of the same request, run directly.
			u := res.Request.URL
			api, route := f.cfg.RouteFor("GET", mustURL(t, u))
			if api == nil || route == nil {
				t.Fatalf("no route for %s", u)
			}
			a := inspect.Authorizer{Scopes: route.Scopes}
			if route.AuthorizationType == "JWT" {
				a.Type, a.Issuer, a.Audience = inspect.HTTPJWTAuthorizer, route.Authorizer.Issuer, route.Authorizer.Audience
			} else {
				a.Type, a.Issuers = inspect.RESTCognitoAuthorizer, []string{f.env.Demo.Issuer}
			}
			hdr := http.Header{}
			if c.kind != "none" {
				v := f.tokens[c.kind]
				if c.scheme != "raw" {
					v = "Bearer " + v
				}
				hdr.Set("Authorization", v)
			}
			jd, err := inspect.Judge(context.Background(), a, hdr, f.keys, f.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			got := res.Response
			if jd.Allowed != (got.Status == 200) {
				t.Fatalf("inspector allowed=%v (%s), gateway %d %s", jd.Allowed, jd.Reason, got.Status, got.Body)
			}
			if !jd.Allowed {
				if jd.Status != got.Status || jd.Body != got.Body || jd.WWWAuthenticate != http.Header(got.Headers).Get("www-authenticate") {
					t.Errorf("inspector %d %s %q; gateway %d %s %q", jd.Status, jd.Body, jd.WWWAuthenticate,
						got.Status, got.Body, http.Header(got.Headers).Get("www-authenticate"))
				}
				if jd.ErrorType != got.ErrorType {
					t.Errorf("x-amzn-ErrorType: inspector %q, gateway %q", jd.ErrorType, got.ErrorType)
				}
			}
			j := res.Judgement
			if c.cause == "" {
				if j != nil {
					t.Errorf("an allowed call has a judgement %+v", j)
				}
				return
			}
			if j == nil {
				t.Fatalf("no judgement for %d %s", got.Status, got.Body)
			}
			if j.Cause != c.cause || j.FailedCheck != c.check {
				t.Errorf("cause %q check %q, want %q %q (reason %q)", j.Cause, j.FailedCheck, c.cause, c.check, j.Reason)
			}
			if j.Predicted != nil && !j.Predicted.Agrees {
				t.Errorf("the explanation's prediction %+v disagrees with %d", j.Predicted, got.Status)
			}
			if c.kind != "none" && j.Predicted == nil {
				t.Errorf("no inspector prediction (caveats %v)", j.Caveats)
			}
			if apicall.Causes[j.Cause].Fix != j.Fix || j.Fix == "" {
				t.Errorf("fix %q", j.Fix)
			}
		})
	}
}

func mustURL(t *testing.T, s string) *urlT {
	t.Helper()
	u, err := parseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestExplainsLambdaAndRouteAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	x := f.explainer()
	do := func(base, path, kind string) *apicall.Result {
		t.Helper()
		tk := f.tokens[kind]
		tkKind := apicall.TokenRaw
		if kind == "none" {
			tkKind = apicall.TokenNone
		}
		res, err := apicall.Do(context.Background(), apicall.Request{Target: path, BaseURL: base, Token: tk, TokenKind: tkKind}, apicall.Options{Explain: x})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	tests := []struct {
		name         string
		res          func() *apicall.Result
		status       int
		cause, check string
		warn         string
	}{
		{"REST unknown path", func() *apicall.Result { return do(f.env.API.RestURL, "/nope", "access") }, 403, apicall.CauseUnknownRoute, "route", ""},
		{"HTTP unknown route", func() *apicall.Result { return do(f.env.API.HTTPURL, "/nope", "access") }, 404, apicall.CauseUnknownRoute, "route", ""},
		{"admin outside the group", func() *apicall.Result { return do(f.env.API.HTTPURL, "/admin", "outside-group") }, 403, apicall.CauseLambdaDenied, "lambda", apicall.WarnCachedPolicy},
		{"admin without a token", func() *apicall.Result { return do(f.env.API.HTTPURL, "/admin", "none") }, 401, apicall.CauseNoToken, "identity_source", ""},
		{"cached policy", func() *apicall.Result {
			do(f.env.API.RestURL, "/lambda/orders", "id")
			return do(f.env.API.RestURL, "/lambda/profile", "id")
		}, 403, apicall.CausePolicyDenied, "lambda", apicall.WarnCachedPolicy},
		{"bearer to REST Cognito with the wrong token", func() *apicall.Result { return do(f.env.API.RestURL, "/profile", "access") }, 401, apicall.CauseAccessTokenForID, "token_use", apicall.WarnBearerToRESTCognito},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res()
			j := res.Judgement
			if res.Response.Status != tt.status || j == nil || j.Cause != tt.cause || j.FailedCheck != tt.check {
				t.Fatalf("%d %s: judgement %+v", res.Response.Status, res.Response.Body, j)
			}
			if strings.HasPrefix(tt.name, "admin") && strings.Join(j.LogGroups, ",") != apigw.DemoHTTPLogGroup+",/aws/lambda/"+apigw.DemoAdminsFunction {
				t.Errorf("log groups %v", j.LogGroups)
			}
			if tt.name == "cached policy" && strings.Join(j.LogGroups, ",") != apigw.DemoRestLogGroup+",/aws/lambda/"+apigw.DemoPolicyFunction {
				t.Errorf("log groups %v", j.LogGroups)
			}
			if tt.warn != "" && !contains(j.Warnings, tt.warn) {
				t.Errorf("warnings %v, want %s", j.Warnings, tt.warn)
			}
			if j.Message == "" {
				t.Errorf("message not kept: %+v", j)
			}
		})
	}
	// Unknown routes say what is wrong with them.
	routeTests := []struct {
		method, url, problem string
	}{
		{"POST", f.env.API.RestURL + "/profile", "wrong-method"},
		{"GET", f.env.Endpoint + "/_api/" + f.env.API.RestAPIID + "/dev/profile", "wrong-stage"},
		{"GET", f.env.API.RestURL + "/profiles", "no-such-path"},
		{"DELETE", f.env.API.HTTPURL + "/hello", "wrong-method"},
	}
	for _, tt := range routeTests {
		res, err := apicall.Do(context.Background(), apicall.Request{Method: tt.method, Target: tt.url, TokenKind: apicall.TokenNone}, apicall.Options{Explain: x})
		if err != nil {
			t.Fatal(err)
		}
		if j := res.Judgement; j == nil || j.Cause != apicall.CauseUnknownRoute || j.RouteProblem != tt.problem || len(j.Known) == 0 {
			t.Errorf("%s %s: %+v", tt.method, tt.url, j)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestResultJSONShape checks the stable --json shape and that the token
// never appears in it.
func TestResultJSONShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.tokens["id"]
	// A token pasted with a line break in the middle and at the end.
	pasted := tok[:40] + "\n" + tok[40:] + "\r\n"
	res, err := apicall.Do(context.Background(), apicall.Request{Target: "/scoped", BaseURL: f.env.API.HTTPURL, Token: pasted, TokenKind: apicall.TokenID},
		apicall.Options{Explain: f.explainer()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(tok[:40])) || bytes.Contains(b, []byte(tok[len(tok)-30:])) {
		t.Fatalf("the token leaked into the JSON: %s", b)
	}
	var shape struct {
		Request struct {
			Method, URL, TokenKind string
			Headers                map[string][]string
			Notes                  []string
		} `json:"request"`
		Response struct {
			Status    int
			Headers   map[string][]string
			Body      string
			RequestID string `json:"requestId"`
		} `json:"response"`
		Timings   map[string]any `json:"timings"`
		Judgement struct {
			Cause, FailedCheck string
			WWWAuthenticate    struct{ Error, Scope string }
		} `json:"judgement"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	if shape.Request.Method != "GET" || shape.Request.TokenKind != "id" || shape.Request.Headers["Authorization"][0] != "Bearer <redacted>" || len(shape.Request.Notes) == 0 {
		t.Errorf("request = %+v", shape.Request)
	}
	if shape.Response.Status != 403 || shape.Response.Body != `{"message":"Forbidden"}` || shape.Response.RequestID == "" {
		t.Errorf("response = %+v", shape.Response)
	}
	for _, k := range []string{"dns", "connect", "tls", "firstByte", "total"} {
		if _, ok := shape.Timings[k].(float64); !ok {
			t.Errorf("timings.%s = %#v", k, shape.Timings[k])
		}
	}
	if shape.Judgement.Cause != apicall.CauseIDTokenNeedsScope || shape.Judgement.WWWAuthenticate.Error != "insufficient_scope" ||
		shape.Judgement.WWWAuthenticate.Scope != apigw.DemoScope {
		t.Errorf("judgement = %+v", shape.Judgement)
	}
	if res.ExitCode(0) != 1 || res.ExitCode(403) != 0 {
		t.Errorf("exit codes %d %d", res.ExitCode(0), res.ExitCode(403))
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String() + "/x"
	ln.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi")) }))
	defer tlsSrv.Close()
	const big = 10 << 20
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for n := 0; n < big; n += len(chunk) {
			w.Write(chunk)
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>not json</html>")) })
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"a":[1,2]}`)) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { time.Sleep(2 * time.Second) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	calls := []struct {
		name     string
		req      apicall.Request
		kind     string // CallError kind
		exit     int
		contains string
	}{
		{"unreachable", apicall.Request{Target: closedURL}, apicall.ErrKindConnect, 2, "connection refused"},
		{"self-signed TLS", apicall.Request{Target: tlsSrv.URL}, apicall.ErrKindTLS, 2, "unknown authority"},
		{"redirect loop", apicall.Request{Target: srv.URL + "/loop"}, apicall.ErrKindRedirect, 2, "/loop2 -> "},
		{"timeout", apicall.Request{Target: srv.URL + "/slow", Timeout: 200 * time.Millisecond}, apicall.ErrKindTimeout, 2, "within 200ms"},
		{"unresolvable", apicall.Request{Target: "http://no-such-host.invalid/"}, apicall.ErrKindDNS, 2, "no-such-host.invalid"},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			res, err := apicall.Do(ctx, tt.req, apicall.Options{})
			var ce *apicall.CallError
			if !errors.As(err, &ce) || ce.Kind != tt.kind || !strings.Contains(ce.Message, tt.contains) {
				t.Fatalf("err = %#v (%v), want kind %s containing %q", ce, err, tt.kind, tt.contains)
			}
			if res == nil || res.ExitCode(0) != tt.exit || res.Error != ce {
				t.Errorf("result %+v", res)
			}
		})
	}
	// A proxy that is not running (the closed listener) in front of a
	// host that is not loopback: the proxy is named, not the host, which
	// is never resolved. The client's transport takes the proxy from
	// http.ProxyURL: ProxyFromEnvironment gives it the same URL for such
	// a host, once per process (cmd/internal/cli's TestDeadProxy sets the
	// real variables).
	for _, target := range []string{"http://api.proxy-test.invalid/orders", "https://api.proxy-test.invalid/orders"} {
		t.Run("dead proxy "+target[:strings.Index(target, ":")], func(t *testing.T) {
			proxyURL, _ := url.Parse(strings.TrimSuffix(closedURL, "/x"))
			client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}, Timeout: 10 * time.Second}
			res, err := apicall.Do(ctx, apicall.Request{Target: target}, apicall.Options{Client: client})
			var ce *apicall.CallError
			if !errors.As(err, &ce) || ce.Kind != apicall.ErrKindProxy || ce.Proxy == nil || res == nil || res.ExitCode(0) != 2 {
				t.Fatalf("err = %#v (%v), want kind proxy", ce, err)
			}
			want := "HTTP_PROXY"
			if strings.HasPrefix(target, "https") {
				want = "HTTPS_PROXY"
			}
			for _, w := range []string{"cannot reach the HTTP proxy at " + proxyURL.Host + " that " + want + " names", "add api.proxy-test.invalid to NO_PROXY"} {
				if !strings.Contains(ce.Message, w) {
					t.Errorf("message %q lacks %q", ce.Message, w)
				}
			}
			if strings.Contains(ce.Message, "nothing listens there") {
				t.Errorf("the host is blamed: %q", ce.Message)
			}
		})
	}
	t.Run("10 MB body", func(t *testing.T) {
		res, err := apicall.Do(ctx, apicall.Request{Target: srv.URL + "/big"}, apicall.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Response
		if !r.Truncated || r.BodySize != big || len(r.Body) != apicall.DefaultMaxBody || r.JSON {
			t.Errorf("truncated=%v size=%d kept=%d json=%v", r.Truncated, r.BodySize, len(r.Body), r.JSON)
		}
		if res.ExitCode(0) != 0 {
			t.Errorf("exit %d", res.ExitCode(0))
		}
	})
	t.Run("non-JSON and JSON bodies", func(t *testing.T) {
		res, err := apicall.Do(ctx, apicall.Request{Target: "/text", BaseURL: srv.URL}, apicall.Options{})
		if err != nil || res.Response.JSON {
			t.Fatalf("%v %+v", err, res.Response)
		}
		if _, ok := apicall.PrettyJSON(res.Response.Body); ok {
			t.Error("PrettyJSON accepted HTML")
		}
		res, err = apicall.Do(ctx, apicall.Request{Target: "json", BaseURL: srv.URL + "/"}, apicall.Options{})
		if err != nil || !res.Response.JSON {
			t.Fatalf("%v %+v", err, res.Response)
		}
		if p, ok := apicall.PrettyJSON(res.Response.Body); !ok || p != "{\n  \"a\": [\n    1,\n    2\n  ]\n}" {
			t.Errorf("pretty %q", p)
		}
	})
	usage := []struct {
		name string
		req  apicall.Request
		want string
	}{
		{"path without a base", apicall.Request{Target: "/orders"}, "no API base URL"},
		{"ftp", apicall.Request{Target: "ftp://x/y"}, "only http and https"},
		{"bad header", apicall.Request{Target: srv.URL, Headers: []string{"NoColon"}}, `want "Name: value"`},
		{"bad scheme", apicall.Request{Target: srv.URL, Token: "a.b.c", AuthScheme: "digest"}, "want bearer or raw"},
		{"bad method", apicall.Request{Target: srv.URL, Method: "GE T"}, "method"},
		{"bad base", apicall.Request{Target: "/x", BaseURL: "not a url"}, "not an http(s) URL"},
		{"empty", apicall.Request{}, "no URL or path"},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			_, err := apicall.Do(ctx, tt.req, apicall.Options{})
			var ue *apicall.UsageError
			if !errors.As(err, &ue) || !strings.Contains(ue.Msg, tt.want) {
				t.Fatalf("err = %v, want a usage error with %q", err, tt.want)
			}
		})
	}
}

func TestBuildPlacesTheToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		req        apicall.Request
		header, v  string
		notes      int
		redactedAs string
	}{
		{apicall.Request{Target: "http://h/x", Token: "a.b.c\n"}, "Authorization", "Bearer a.b.c", 1, "Bearer <redacted>"},
		{apicall.Request{Target: "http://h/x", Token: "Bearer a.b.c", AuthScheme: "raw"}, "Authorization", "a.b.c", 1, "<redacted>"},
		{apicall.Request{Target: "http://h/x", Token: "a.b.c", AuthHeader: "X-Token", AuthScheme: "raw"}, "X-Token", "a.b.c", 0, "<redacted>"},
		{apicall.Request{Target: "http://h/x", Token: "a.b.c", TokenKind: apicall.TokenNone}, "Authorization", "", 0, ""},
	}
	for _, tt := range tests {
		b, err := apicall.Build(context.Background(), tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.HTTP.Header.Get(tt.header); got != tt.v {
			t.Errorf("%+v: %s = %q, want %q", tt.req, tt.header, got, tt.v)
		}
		if len(b.Info.Notes) != tt.notes {
			t.Errorf("%+v: notes %v", tt.req, b.Info.Notes)
		}
		if tt.redactedAs != "" && b.Info.Headers[tt.header][0] != tt.redactedAs {
			t.Errorf("%+v: redacted %v", tt.req, b.Info.Headers)
		}
	}
}

func TestSmokeAndJUnit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tokens := map[string]string{"access": f.tokens["access"], "id": f.tokens["id"]}
	var rows []apicall.SmokeRoute
	for _, api := range f.cfg.APIs {
		for _, r := range apicall.RoutesFromConfig(api, true) {
			r.Path = api.InvokeURL + r.Path
			rows = append(rows, r)
		}
	}
	if len(rows) < 14 {
		t.Fatalf("rows from config: %+v", rows)
	}
	// The AWS_IAM route is called signed (credentials from the demo
	// identity pool for the ID token) and, as the negative row, unsigned.
	var iamRows []string
	for _, r := range rows {
		if strings.HasSuffix(r.Path, "/iam") {
			iamRows = append(iamRows, fmt.Sprintf("%s:%d", r.Token, r.Expect))
		}
	}
	if strings.Join(iamRows, " ") != "sigv4:0 none:403" {
		t.Errorf("GET /iam rows = %v, want a signed one (2xx) and an unsigned one (403)", iamRows)
	}
	results := apicall.Smoke(context.Background(), rows, apicall.SmokeOptions{Tokens: tokens, AuthScheme: "raw",
		Sign: signerFor(t, f.env, f.tokens["id"], f.clock.Now), Call: apicall.Options{Explain: f.explainer()}})
	for _, r := range results {
		if r.Route.Token == apicall.TokenSigV4 && r.Status != 200 {
			t.Errorf("signed %s: status %d (%s)", r.Route.Path, r.Status, r.Error)
		}
		// The Lambda policy cached for GET /lambda/orders denies GET
		// /lambda/profile with the same token, as on AWS.
		if r.Route.Path == f.env.API.RestURL+"/lambda/profile" && r.Route.Token == "access" {
			if r.Pass || r.Status != 403 || r.Cause != apicall.CausePolicyDenied {
				t.Errorf("lambda/profile after lambda/orders: %+v", r)
			}
			continue
		}
		if !r.Pass {
			t.Errorf("%s: status %d, want %d (%s)", r.Route.Name(), r.Status, r.Route.Expect, r.Error)
		}
	}
	// A profile's rows, one with a wrong expectation.
	profile := []apicall.SmokeRoute{
		{Method: "GET", Path: "/hello", Token: "none", Expect: 200},
		{Method: "GET", Path: "/private", Token: "access"},
		{Method: "GET", Path: "/scoped", Token: "id", Expect: 200}, // wrong: an ID token gets 403
		{Method: "GET", Path: "/private", Token: "refresh"},        // no such token
		{Method: "GET", Path: "/iam", Token: "sigv4"},              // no credentials to sign with
	}
	results = apicall.Smoke(context.Background(), profile, apicall.SmokeOptions{BaseURL: f.env.API.HTTPURL, Tokens: tokens,
		NoSign: "no AWS credentials (test)"})
	if apicall.Failed(results) != 3 || !results[0].Pass || !results[1].Pass || results[2].Pass || results[2].Status != 403 ||
		results[3].Pass || !strings.Contains(results[3].Error, "no refresh token") ||
		results[4].Pass || results[4].Status != 0 || results[4].Error != "not sent: the route wants a SigV4 signature and cannot be signed: no AWS credentials (test)" {
		t.Fatalf("results %+v", results)
	}
	var buf bytes.Buffer
	if err := apicall.WriteJUnit(&buf, "cogscope call --routes", results, time.Now()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    struct {
			Tests, Failures, Errors int `xml:",attr"`
			Cases                   []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, buf.String())
	}
	if doc.Tests != 5 || doc.Failures != 3 || len(doc.Suite.Cases) != 5 || doc.Suite.Cases[2].Failure == nil ||
		doc.Suite.Cases[2].Failure.Message != "status 403, want 200" || doc.Suite.Cases[3].Error == nil || doc.Suite.Cases[0].Failure != nil ||
		doc.Suite.Cases[4].Name != "GET /iam (sigv4)" || doc.Suite.Cases[4].Error == nil {
		t.Errorf("JUnit = %+v\n%s", doc, buf.String())
	}
}

func TestParseWWWAuthenticate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                       string
		scheme, err, desc, scope string
	}{
		{`Bearer scope="" error="invalid_token" error_description="the token has expired"`, "Bearer", "invalid_token", "the token has expired", ""},
		{`Bearer scope="a b", error="insufficient_scope", error_description="x \"y\""`, "Bearer", "insufficient_scope", `x "y"`, "a b"},
		{`Bearer error=invalid_token`, "Bearer", "invalid_token", "", ""},
	}
	for _, tt := range tests {
		w := apicall.ParseWWWAuthenticate(tt.in)
		if w == nil || w.Scheme != tt.scheme || w.Error != tt.err || w.ErrorDescription != tt.desc || w.Scope != tt.scope {
			t.Errorf("%q → %+v", tt.in, w)
		}
	}
	if apicall.ParseWWWAuthenticate("  ") != nil {
		t.Error("empty header parsed")
	}
}

type urlT = url.URL

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

// Sign runs on the built request with its body; the signed request's
// secrets are redacted from Info, and a token beside Sign is refused.
func TestBuildSigns(t *testing.T) {
	var gotBody string
	sign := func(r *http.Request, body []byte) error {
		gotBody = string(body)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=abc")
		r.Header.Set("X-Amz-Security-Token", "session-secret")
		return nil
	}
	b, err := apicall.Build(context.Background(), apicall.Request{Method: "POST", Target: "http://127.0.0.1:1/iam", Body: []byte(`{"a":1}`), Sign: sign})
	if err != nil {
		t.Fatal(err)
	}
	if gotBody != `{"a":1}` || !strings.HasPrefix(b.HTTP.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		t.Errorf("sign saw body %q; Authorization %q", gotBody, b.HTTP.Header.Get("Authorization"))
	}
	if b.Info.TokenKind != apicall.TokenSigV4 {
		t.Errorf("TokenKind %q, want %q", b.Info.TokenKind, apicall.TokenSigV4)
	}
	for _, h := range []string{"Authorization", "X-Amz-Security-Token"} {
		if v := b.Info.Headers[h]; len(v) != 1 || v[0] != apicall.Redacted {
			t.Errorf("Info.Headers[%s] = %v, want redacted", h, v)
		}
	}
	var ue *apicall.UsageError
	if _, err := apicall.Build(context.Background(), apicall.Request{Target: "http://127.0.0.1:1/iam", Token: "tok", Sign: sign}); !errors.As(err, &ue) {
		t.Errorf("token and Sign: %v, want a UsageError", err)
	}
	failing := func(*http.Request, []byte) error { return errors.New("no credentials") }
	if _, err := apicall.Build(context.Background(), apicall.Request{Target: "http://127.0.0.1:1/iam", Sign: failing}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("failing Sign: %v", err)
	}
}

// signerFor signs with the credentials the demo identity pool gives for
// idToken (the authenticated role, allowed on GET /iam).
func signerFor(t *testing.T, env *localtest.Env, idToken string, now func() time.Time) func(*http.Request, []byte) error {
	t.Helper()
	clients := idpool.Clients{Identity: env.IdentityClient(), STS: func(creds aws.CredentialsProvider) idpool.STSAPI {
		cfg := env.AWSConfig()
		cfg.Credentials = creds
		if creds == nil {
			cfg.Credentials = aws.AnonymousCredentials{}
		}
		return env.STSClient(cfg)
	}}
	res, err := idpool.Exchange(context.Background(), clients, idpool.Request{IdentityPoolID: env.Demo.IdentityPoolID, IDToken: idToken, NoExplain: true})
	if err != nil {
		t.Fatalf("identity pool exchange: %v", err)
	}
	return func(r *http.Request, body []byte) error {
		return idpool.SignRequest(r.Context(), r, body, res.Credentials, env.Region, now())
	}
}

// TestRightTokenAndExpectedStatus: the token each authorizer kind wants
// and the status each kind of request should get.
func TestRightTokenAndExpectedStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		route                 apiconfig.Route
		right                 string
		signed, none, wrongID int
	}{
		{apiconfig.Route{AuthorizationType: "NONE"}, "none", 0, 0, 0},
		{apiconfig.Route{AuthorizationType: "AWS_IAM"}, "sigv4", 0, 403, 403},
		{apiconfig.Route{AuthorizationType: "JWT", Scopes: []string{"s"}}, "access", 0, 401, 403},
		{apiconfig.Route{AuthorizationType: "COGNITO_USER_POOLS"}, "id", 0, 401, 0},
		{apiconfig.Route{AuthorizationType: "CUSTOM"}, "access", 0, 401, 0},
	}
	for _, tt := range tests {
		if got := apicall.RightToken(tt.route); got != tt.right {
			t.Errorf("%s: RightToken %q, want %q", tt.route.AuthorizationType, got, tt.right)
		}
		if got := apicall.ExpectedStatus(tt.route, tt.right); got != tt.signed {
			t.Errorf("%s with %s: expect %d, want %d", tt.route.AuthorizationType, tt.right, got, tt.signed)
		}
		if got := apicall.ExpectedStatus(tt.route, apicall.TokenNone); got != tt.none {
			t.Errorf("%s without a token: expect %d, want %d", tt.route.AuthorizationType, got, tt.none)
		}
		if got := apicall.ExpectedStatus(tt.route, apicall.TokenID); got != tt.wrongID {
			t.Errorf("%s with the ID token: expect %d, want %d", tt.route.AuthorizationType, got, tt.wrongID)
		}
	}
}

// TestExplainsIAMRefusals signs calls to the demo AWS_IAM route with
// identity-pool credentials (the SDK's cognitoidentity client against
// the stack) and checks each refusal's cause.
func TestExplainsIAMRefusals(t *testing.T) {
	env := localtest.Start(t)
	ctx := context.Background()
	c := env.IdentityClient()
	id, err := c.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(env.Demo.IdentityPoolID)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatal(err)
	}
	guest := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretKey, SessionToken: *out.Credentials.SessionToken}
	wrong := guest
	wrong.SecretAccessKey += "x"
	noToken := guest
	noToken.SessionToken = ""
	signer := func(cr aws.Credentials) func(*http.Request, []byte) error {
		return func(r *http.Request, body []byte) error {
			return idpool.SignRequest(r.Context(), r, body, cr, env.Region, time.Now())
		}
	}
	cases := []struct {
		name  string
		creds aws.Credentials
		cause string
	}{
		{"guest role", guest, apicall.CauseIAMDenied},
		{"wrong secret", wrong, apicall.CauseIAMSignature},
		{"no session token", noToken, apicall.CauseIAMCredentials},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := apicall.Do(ctx, apicall.Request{Target: env.API.HTTPURL + "/iam", Sign: signer(tc.creds)},
				apicall.Options{Explain: &apicall.Explainer{Now: time.Now}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Response == nil || res.Response.Status != 403 || res.Judgement == nil {
				t.Fatalf("result %+v", res)
			}
			if res.Judgement.Cause != tc.cause {
				t.Errorf("cause %q, want %q (%s)", res.Judgement.Cause, tc.cause, res.Response.Body)
			}
		})
	}
}
