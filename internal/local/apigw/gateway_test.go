package apigw_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// clock is a stack clock tests can move.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time        { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) shift(d time.Duration) { c.off.Add(int64(d)) }

// logSink records what the gateway writes to CloudWatch Logs.
type logSink struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct{ group, stream, message string }

func (l *logSink) put(group, stream string, _ time.Time, message string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{group, stream, message})
}

func (l *logSink) in(group string) []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logLine
	for _, x := range l.lines {
		if x.group == group {
			out = append(out, x)
		}
	}
	return out
}

// fixture is a stack with the demo APIs and a token of every kind.
type fixture struct {
	env    *localtest.Env
	clock  *clock
	logs   *logSink
	tokens map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{}, logs: &logSink{}, tokens: map[string]string{}}
	f.env = localtest.Start(t, localtest.WithNow(f.clock.now), localtest.WithAPILogSink(f.logs.put))
	svc := f.env.Cognito
	mint := func(client, user string, scopes ...string) cognito.Tokens {
		t.Helper()
		tk, err := svc.MintTokens(cognito.MintRequest{ClientID: client, Username: user, Scopes: scopes, IDToken: true})
		if err != nil {
			t.Fatalf("mint %s/%s: %v", client, user, err)
		}
		return tk
	}
	all := []string{"openid", "email", "aws.cognito.signin.user.admin", apigw.DemoScope}
	good := mint(cognito.DemoPublicClientID, cognito.DemoUsername, all...)
	f.tokens["access"], f.tokens["id"] = good.AccessToken, good.IDToken
	f.tokens["no-scope"] = mint(cognito.DemoPublicClientID, cognito.DemoUsername, "openid", "aws.cognito.signin.user.admin").AccessToken
	other := mint(cognito.DemoRotateClientID, cognito.DemoUsername, all...)
	f.tokens["other-client"], f.tokens["other-client-id"] = other.AccessToken, other.IDToken
	f.tokens["outside-group"] = mint(cognito.DemoPublicClientID, cognito.DemoMFAUsername, all...).AccessToken
	f.clock.shift(-2 * time.Hour)
	f.tokens["expired"] = mint(cognito.DemoPublicClientID, cognito.DemoUsername, all...).AccessToken
	f.clock.shift(2 * time.Hour)
	f.tokens["other-pool"] = otherPoolToken(t, f.env, all)
	f.tokens["none"] = ""
	f.tokens["garbage"] = "not-a-jwt"
	return f
}

// otherPoolToken creates a second pool with a user and mints its access
// token.
func otherPoolToken(t *testing.T, env *localtest.Env, scopes []string) string {
	t.Helper()
	ctx := context.Background()
	c := env.CognitoClient()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("other-pool")})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: aws.String("someone"),
		MessageAction: "SUPPRESS", TemporaryPassword: aws.String("Passw0rd!x")}); err != nil {
		t.Fatal(err)
	}
	tk, err := env.Cognito.MintTokens(cognito.MintRequest{ClientID: *cl.UserPoolClient.ClientId, Username: "someone", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return tk.AccessToken
}

type answer struct {
	status int
	body   string
	header http.Header
}

func (f *fixture) call(t *testing.T, method, url, authorization string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header}
}

const (
	unauthorized = `{"message":"Unauthorized"}`
	forbidden    = `{"message":"Forbidden"}`
	expiredREST  = `{"message":"The incoming token has expired"}`
	ok           = "" // the integration's echo
)

func invalid(desc string) string {
	return `Bearer scope="" error="invalid_token" error_description="` + desc + `"`
}

const insufficient = `Bearer scope="cogscope-api/read" error="insufficient_scope" error_description="the token does not have the required scope"`

type routeCase struct {
	kind    string
	status  int
	body    string // "" = an echo (status 200)
	www     string
	errType string // REST x-amzn-ErrorType
}

// TestDemoRoutesAnswerAsAPIGateway calls every demo route with every kind
// of token and checks status, body, www-authenticate and the error type
// against cognito-protocol.md §6.
func TestDemoRoutesAnswerAsAPIGateway(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	httpURL, restURL := f.env.API.HTTPURL, f.env.API.RestURL
	routes := []struct {
		url   string
		cases []routeCase
	}{
		{httpURL + "/hello", []routeCase{{kind: "access", status: 200}, {kind: "none", status: 200}, {kind: "expired", status: 200}}},
		{httpURL + "/private", []routeCase{
			{kind: "access", status: 200},
			{kind: "id", status: 200}, // aud is the public client, no scopes: AWS lets an ID token through
			{kind: "none", status: 401, body: unauthorized},
			{kind: "expired", status: 401, body: unauthorized, www: invalid("the token has expired")},
			{kind: "other-pool", status: 401, body: unauthorized, www: invalid("the token signing key was not found")},
			{kind: "other-client", status: 401, body: unauthorized, www: invalid("the token does not have a valid audience")},
			{kind: "no-scope", status: 200},
			{kind: "outside-group", status: 200},
			{kind: "garbage", status: 401, body: unauthorized, www: invalid("the token is malformed")},
		}},
		{httpURL + "/scoped", []routeCase{
			{kind: "access", status: 200},
			{kind: "id", status: 403, body: forbidden, www: insufficient},
			{kind: "none", status: 401, body: unauthorized},
			{kind: "expired", status: 401, body: unauthorized, www: invalid("the token has expired")},
			{kind: "other-pool", status: 401, body: unauthorized, www: invalid("the token signing key was not found")},
			{kind: "other-client", status: 401, body: unauthorized, www: invalid("the token does not have a valid audience")},
			{kind: "no-scope", status: 403, body: forbidden, www: insufficient},
			{kind: "outside-group", status: 200},
		}},
		{httpURL + "/admin", []routeCase{
			{kind: "access", status: 200},
			{kind: "id", status: 200},
			{kind: "none", status: 401, body: unauthorized},
			{kind: "expired", status: 401, body: unauthorized},
			{kind: "other-pool", status: 401, body: unauthorized},
			{kind: "other-client", status: 200}, // the function checks the group, not the client
			{kind: "outside-group", status: 403, body: forbidden},
		}},
		{restURL + "/profile", []routeCase{
			{kind: "id", status: 200},
			{kind: "other-client-id", status: 200}, // a Cognito authorizer does not check the client
			{kind: "access", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "none", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "expired", status: 401, body: expiredREST, errType: "UnauthorizedException"},
			{kind: "other-pool", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "garbage", status: 401, body: unauthorized, errType: "UnauthorizedException"},
		}},
		{restURL + "/orders", []routeCase{
			{kind: "access", status: 200},
			{kind: "other-client", status: 200},
			{kind: "outside-group", status: 200},
			{kind: "id", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "none", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "expired", status: 401, body: expiredREST, errType: "UnauthorizedException"},
			{kind: "other-pool", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "no-scope", status: 401, body: unauthorized, errType: "UnauthorizedException"},
		}},
		{restURL + "/lambda/orders", []routeCase{
			{kind: "access", status: 200},
			{kind: "none", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "expired", status: 401, body: unauthorized, errType: "UnauthorizedException"},
			{kind: "other-pool", status: 401, body: unauthorized, errType: "UnauthorizedException"},
		}},
	}
	for _, rt := range routes {
		for _, tc := range rt.cases {
			t.Run(strings.TrimPrefix(rt.url, f.env.Endpoint)+"/"+tc.kind, func(t *testing.T) {
				a := f.call(t, "GET", rt.url, f.tokens[tc.kind])
				if a.status != tc.status {
					t.Fatalf("status %d, want %d; body %s; www-authenticate %q", a.status, tc.status, a.body, a.header.Get("www-authenticate"))
				}
				if tc.body != ok && a.body != tc.body {
					t.Errorf("body %s, want %s", a.body, tc.body)
				}
				if tc.body == ok && !strings.Contains(a.body, `"requestContext"`) {
					t.Errorf("body %s is not the integration's echo", a.body)
				}
				if got := a.header.Get("www-authenticate"); got != tc.www {
					t.Errorf("www-authenticate %q, want %q", got, tc.www)
				}
				if got := a.header.Get("x-amzn-ErrorType"); got != tc.errType {
					t.Errorf("x-amzn-ErrorType %q, want %q", got, tc.errType)
				}
				if ct := a.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
			})
		}
	}
}

var (
	apigwIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`)
	uuidRe    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func TestRequestIDsAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name, url            string
		status               int
		body, errType        string
		wantHTTPID, wantREST bool
	}{
		{"http unknown route", f.env.API.HTTPURL + "/nope", 404, `{"message":"Not Found"}`, "", true, false},
		{"http wrong method", "POST " + f.env.API.HTTPURL + "/hello", 404, `{"message":"Not Found"}`, "", true, false},
		{"rest unknown path", f.env.API.RestURL + "/nope", 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException", false, true},
		{"rest wrong method", "POST " + f.env.API.RestURL + "/profile", 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException", false, true},
		{"rest wrong stage", f.env.Endpoint + "/_api/" + f.env.API.RestAPIID + "/dev/profile", 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException", false, true},
		{"http ok", f.env.API.HTTPURL + "/hello", 200, "", "", true, false},
		{"rest ok", f.env.API.RestURL + "/hello", 200, "", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, url := "GET", tt.url
			if m, u, found := strings.Cut(tt.url, " "); found {
				method, url = m, u
			}
			a := f.call(t, method, url, "")
			if a.status != tt.status || (tt.body != "" && a.body != tt.body) {
				t.Fatalf("%d %s, want %d %s", a.status, a.body, tt.status, tt.body)
			}
			if got := a.header.Get("x-amzn-ErrorType"); got != tt.errType {
				t.Errorf("x-amzn-ErrorType %q, want %q", got, tt.errType)
			}
			if id := a.header.Get("apigw-requestid"); tt.wantHTTPID != apigwIDRe.MatchString(id) {
				t.Errorf("apigw-requestid %q", id)
			}
			if tt.wantREST {
				if id := a.header.Get("x-amzn-RequestId"); !uuidRe.MatchString(id) {
					t.Errorf("x-amzn-RequestId %q", id)
				}
				if id := a.header.Get("x-amz-apigw-id"); !apigwIDRe.MatchString(id) {
					t.Errorf("x-amz-apigw-id %q", id)
				}
			}
		})
	}
}

// TestEchoCarriesTheContextAsAPIGatewayPassesIt checks the claims'
// string forms, the scopes, the Lambda context and the request id.
func TestEchoCarriesTheContextAsAPIGatewayPassesIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var ev struct {
		RequestContext struct {
			RequestID  string `json:"requestId"`
			Authorizer struct {
				JWT *struct {
					Claims map[string]any `json:"claims"`
					Scopes any            `json:"scopes"`
				} `json:"jwt"`
				Lambda map[string]any `json:"lambda"`
				Claims map[string]any `json:"claims"`
				// REST Lambda context values sit beside principalId.
				PrincipalID string `json:"principalId"`
				Username    any    `json:"username"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	decode := func(a answer) {
		t.Helper()
		ev.RequestContext.Authorizer.JWT = nil
		if err := json.Unmarshal([]byte(a.body), &ev); err != nil {
			t.Fatalf("echo %s: %v", a.body, err)
		}
	}
	a := f.call(t, "GET", f.env.API.HTTPURL+"/private", "Bearer "+f.tokens["access"])
	decode(a)
	jwt := ev.RequestContext.Authorizer.JWT
	if jwt == nil || jwt.Scopes != nil {
		t.Fatalf("authorizer.jwt = %+v, want claims and scopes null", jwt)
	}
	if _, isStr := jwt.Claims["exp"].(string); !isStr {
		t.Errorf("claims.exp = %#v, want a string", jwt.Claims["exp"])
	}
	if g := jwt.Claims["cognito:groups"]; g != "[admins users]" {
		t.Errorf("cognito:groups = %#v, want \"[admins users]\"", g)
	}
	if ev.RequestContext.RequestID != a.header.Get("apigw-requestid") {
		t.Errorf("requestContext.requestId %q != apigw-requestid %q", ev.RequestContext.RequestID, a.header.Get("apigw-requestid"))
	}
	decode(f.call(t, "GET", f.env.API.HTTPURL+"/scoped", f.tokens["access"]))
	if sc, _ := json.Marshal(ev.RequestContext.Authorizer.JWT.Scopes); string(sc) != `["cogscope-api/read"]` {
		t.Errorf("scopes = %s", sc)
	}
	decode(f.call(t, "GET", f.env.API.HTTPURL+"/admin", f.tokens["access"]))
	if l := ev.RequestContext.Authorizer.Lambda; l["username"] != "demo" {
		t.Errorf("authorizer.lambda = %v", l)
	}
	decode(f.call(t, "GET", f.env.API.RestURL+"/profile", f.tokens["id"]))
	claims := ev.RequestContext.Authorizer.Claims
	if exp, _ := claims["exp"].(string); !regexp.MustCompile(`^[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}$`).MatchString(exp) {
		t.Errorf("REST claims.exp = %q, want the Java date form", exp)
	}
	if claims["cognito:username"] != "demo" {
		t.Errorf("REST claims = %v", claims)
	}
	decode(f.call(t, "GET", f.env.API.RestURL+"/lambda/orders", f.tokens["access"]))
	if ev.RequestContext.Authorizer.Username != "demo" || ev.RequestContext.Authorizer.PrincipalID == "" {
		t.Errorf("REST lambda authorizer context = %+v", ev.RequestContext.Authorizer)
	}
}

func TestLambdaAuthorizerCaches(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	gw := f.env.Gateway
	// HTTP API: the second call with the same identity source is served
	// from the cache.
	for i := range 3 {
		if a := f.call(t, "GET", f.env.API.HTTPURL+"/admin", f.tokens["access"]); a.status != 200 {
			t.Fatalf("call %d: %d %s", i, a.status, a.body)
		}
	}
	if n := gw.Invocations(apigw.DemoAdminsFunction); n != 1 {
		t.Errorf("admins function ran %d times for 3 calls within the TTL, want 1", n)
	}
	f.call(t, "GET", f.env.API.HTTPURL+"/admin", f.tokens["outside-group"])
	if n := gw.Invocations(apigw.DemoAdminsFunction); n != 2 {
		t.Errorf("another identity source: %d invocations, want 2", n)
	}

	// REST: the policy cached for GET /lambda/orders denies GET /lambda/profile.
	tok := f.tokens["id"]
	if a := f.call(t, "GET", f.env.API.RestURL+"/lambda/orders", tok); a.status != 200 {
		t.Fatalf("orders: %d %s", a.status, a.body)
	}
	a := f.call(t, "GET", f.env.API.RestURL+"/lambda/profile", tok)
	if a.status != 403 || a.body != `{"Message":"User is not authorized to access this resource"}` || a.header.Get("x-amzn-ErrorType") != "AccessDeniedException" {
		t.Fatalf("profile with the cached orders policy: %d %s %q", a.status, a.body, a.header.Get("x-amzn-ErrorType"))
	}
	if n := gw.Invocations(apigw.DemoPolicyFunction); n != 1 {
		t.Errorf("policy function ran %d times, want 1 (the second answer came from the cache)", n)
	}
	// After the TTL the function runs again and allows the new method.
	f.clock.shift(apigw.DemoAuthorizerTTL*time.Second + time.Second)
	if a := f.call(t, "GET", f.env.API.RestURL+"/lambda/profile", tok); a.status != 200 {
		t.Fatalf("profile after the TTL: %d %s", a.status, a.body)
	}
	if n := gw.Invocations(apigw.DemoPolicyFunction); n != 2 {
		t.Errorf("policy function ran %d times, want 2", n)
	}
}

var streamRe = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)

func TestLogsReachTheSink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.call(t, "GET", f.env.API.HTTPURL+"/admin", f.tokens["outside-group"])
	if a.status != 403 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	reqID := a.header.Get("apigw-requestid")
	access := f.logs.in(apigw.DemoHTTPLogGroup)
	if len(access) != 1 {
		t.Fatalf("access log lines: %+v", access)
	}
	var fields map[string]string
	if err := json.Unmarshal([]byte(access[0].message), &fields); err != nil {
		t.Fatal(err)
	}
	if fields["requestId"] != reqID || fields["status"] != "403" || fields["routeKey"] != "GET /admin" || fields["authorizer.error"] == "-" {
		t.Errorf("access log %v", fields)
	}
	lam := f.logs.in(apigw.FunctionLogGroup(apigw.DemoAdminsFunction))
	var kinds []string
	for _, l := range lam {
		if !streamRe.MatchString(l.stream) {
			t.Errorf("stream %q", l.stream)
		}
		if !strings.HasSuffix(l.message, "\n") {
			t.Errorf("line %q does not end with a newline", l.message)
		}
		word, _, _ := strings.Cut(l.message, " ")
		if strings.Contains(l.message, "\tINFO\t") {
			word = "INFO"
			if !strings.Contains(l.message, `"requestId":"`+reqID+`"`) {
				t.Errorf("decision line %q lacks the request id %s", l.message, reqID)
			}
		}
		kinds = append(kinds, word)
	}
	if got := strings.Join(kinds, ","); got != "INIT_START,START,INFO,END,REPORT" {
		t.Errorf("lambda lines %s", got)
	}
	if r := lam[len(lam)-1].message; !regexp.MustCompile(`^REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t`).MatchString(r) {
		t.Errorf("REPORT line %q", r)
	}
	// A JWT refusal logs its reason in authorizer.error.
	f.call(t, "GET", f.env.API.HTTPURL+"/private", f.tokens["expired"])
	access = f.logs.in(apigw.DemoHTTPLogGroup)
	if last := access[len(access)-1].message; !strings.Contains(last, `"authorizer.error":"the token has expired"`) || !strings.Contains(last, `"status":"401"`) {
		t.Errorf("JWT refusal access log %s", last)
	}
	// REST access logs carry the authorizer's invocation id.
	f.call(t, "GET", f.env.API.RestURL+"/lambda/orders", f.tokens["access"])
	rest := f.logs.in(apigw.DemoRestLogGroup)
	if len(rest) != 1 || !strings.Contains(rest[0].message, `"authorizer.requestId":"`) || strings.Contains(rest[0].message, `"authorizer.requestId":"-"`) {
		t.Errorf("REST access log %+v", rest)
	}
	groups := f.env.Stack.Info().APILogGroups
	if strings.Join(groups, ",") != "/aws/apigateway/cogscope-demo-http,/aws/apigateway/cogscope-demo-rest,/aws/lambda/cogscope-demo-admins,/aws/lambda/cogscope-demo-policy" {
		t.Errorf("Info.APILogGroups = %v", groups)
	}
}
