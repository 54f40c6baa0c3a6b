package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigatewayv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// TestConsoleAPI: view 3's service against the local stack — the demo
// APIs' routes with their authorizers, a warning before a call that will
// be refused, and calls answered and explained.
func TestConsoleAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := endpointConsole(ctx, t)
	opts := c.options()
	if opts.API == nil {
		t.Fatal("no API service")
	}
	routes, err := opts.API.Routes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]service.Route{}
	for _, r := range routes {
		byPath[r.Method+" "+r.Path+" "+strings.SplitN(r.API, " ", 2)[0]] = r
		if r.Source != "local stack" {
			t.Errorf("route %s %s: source %q", r.Method, r.Path, r.Source)
		}
	}
	private, ok := byPath["GET /private cogscope-demo-http"]
	if !ok {
		t.Fatalf("no GET /private among %+v", routes)
	}
	scoped := byPath["GET /scoped cogscope-demo-http"]
	admin := byPath["GET /admin cogscope-demo-http"]
	profile := byPath["GET /profile cogscope-demo-rest"]
	iam := byPath["GET /iam cogscope-demo-http"]
	if iam.Authorizer != service.AuthIAM {
		t.Errorf("GET /iam: authorizer %q, want %q", iam.Authorizer, service.AuthIAM)
	}
	if private.Authorizer != service.AuthJWT || scoped.Authorizer != service.AuthJWT || len(scoped.Scopes) != 1 ||
		admin.Authorizer != service.AuthLambda || profile.Authorizer != service.AuthCognito || len(admin.LogGroups) != 2 {
		t.Fatalf("authorizers: private %+v scoped %+v admin %+v profile %+v (all: %v)", private, scoped, admin, profile, keys(byPath))
	}

	// The demo's two /hello are told apart by their API's kind.
	if h, r := byPath["GET /hello cogscope-demo-http"], byPath["GET /hello cogscope-demo-rest"]; h.APIKind != "HTTP" || r.APIKind != "REST" {
		t.Errorf("API kinds of the two /hello: %q and %q, want HTTP and REST", h.APIKind, r.APIKind)
	}

	run, err := opts.SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	_, tk, err := drain(t, run)
	if err != nil || tk == nil {
		t.Fatalf("sign-in: %v", err)
	}

	cases := []struct {
		name        string
		route       service.Route
		choice      service.TokenChoice
		token       string
		warn        int // the status Check predicts, 0 for none
		status      int
		verdict     service.Verdict
		failedCheck string
		fix         string // the fix's words, in the console's terms
		predicted   string // the preflight's outcome, which the answer agrees with
	}{
		{"private with the access token", private, service.SendAccess, tk.AccessToken, 0, 200, "", "", "", service.PredictPass},
		{"private without a token", private, service.SendNone, "", 401, 401, service.VerdictUnauthorized, "identity_source",
			"send a token (a picks the token sent) in the header", service.PredictRefuse},
		{"scoped with the ID token", scoped, service.SendID, tk.IDToken, 403, 403, service.VerdictForbidden, "scope", "send the access token (a: access)", service.PredictRefuse},
		{"admin as an admin", admin, service.SendAccess, tk.AccessToken, 0, 200, "", "", "", service.PredictUnknown},
		{"REST profile with the ID token", profile, service.SendID, tk.IDToken, 0, 200, "", "", "", service.PredictPass},
		{"REST profile with the access token", profile, service.SendAccess, tk.AccessToken, 401, 401, service.VerdictUnauthorized, "token_use",
			"send the ID token (a: ID), or add", service.PredictRefuse},
		{"IAM route signed with the identity pool's credentials", iam, service.SendSigV4, tk.IDToken, 0, 200, "", "", "", service.PredictUnknown},
		{"IAM route with the access token", iam, service.SendAccess, tk.AccessToken, 403, 403, service.VerdictForbidden, "sigv4_signature",
			"sign the request with AWS credentials (a: SigV4", service.PredictUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.route
			req := service.CallRequest{Route: &r, Method: r.Method, Path: r.Path, TokenChoice: tc.choice, Token: tc.token}
			w, err := opts.API.Check(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if (w == nil) != (tc.warn == 0) || (w != nil && (w.Status != tc.warn || w.FailedCheck != tc.failedCheck || w.Fix == "" || strings.Contains(w.Fix, "--"))) {
				t.Errorf("check: %+v, want status %d failed check %s", w, tc.warn, tc.failedCheck)
			}
			if w != nil && (!strings.Contains(w.Fix, tc.fix) || strings.Contains(w.Fix, "--")) {
				t.Errorf("check's fix %q, want %q and no CLI flag", w.Fix, tc.fix)
			}
			res, err := opts.API.Call(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || res.RequestID == "" || res.Timings.Total <= 0 || len(res.Body) == 0 {
				t.Fatalf("result %+v", res)
			}
			// The demo integration echoes the request's headers: the
			// token sent is never shown.
			if tc.token != "" && strings.Contains(string(res.Body), tc.token) {
				t.Errorf("the body shows the token sent:\n%s", res.Body)
			}
			for _, h := range res.Headers {
				if tc.token != "" && strings.Contains(h.Value, tc.token) {
					t.Errorf("header %s shows the token sent", h.Name)
				}
			}
			if tc.choice == service.SendSigV4 {
				// The echo holds the signed request's headers: no session
				// token, no signature.
				for _, want := range []string{`"x-amz-security-token":"` + apicall.Redacted + `"`, "Signature=" + apicall.Redacted} {
					if !strings.Contains(string(res.Body), want) {
						t.Errorf("the signed call's echo lacks %s:\n%s", want, res.Body)
					}
				}
			} else if tc.status == 200 && tc.route.API == private.API && !strings.Contains(string(res.Body), `"Bearer `+apicall.Redacted+`"`) {
				t.Errorf("the echoed Authorization header is not redacted:\n%s", res.Body)
			}
			if p := res.Preflight; p == nil || p.Outcome != tc.predicted || !p.Agrees {
				t.Errorf("preflight %+v, want %s agreeing with %d", p, tc.predicted, res.Status)
			}
			if tc.verdict == "" {
				if res.Judgement != nil {
					t.Errorf("judgement on a success: %+v", res.Judgement)
				}
				return
			}
			j := res.Judgement
			if j == nil || j.Verdict != tc.verdict || j.FailedCheck != tc.failedCheck || j.Gateway == "" || j.Diagnosis == "" || j.Fix == "" ||
				strings.Contains(j.Fix, "--") {
				t.Errorf("judgement %+v", j)
			}
			if j != nil && (!strings.Contains(j.Fix, tc.fix) || strings.Contains(j.Fix, "--")) {
				t.Errorf("judgement's fix %q, want %q and no CLI flag", j.Fix, tc.fix)
			}
		})
	}

	// A free-form path resolves against the demo HTTP API; an unknown
	// one is explained as the route, not the token.
	res, err := opts.API.Call(ctx, service.CallRequest{Method: "GET", Path: "/nope", TokenChoice: service.SendNone})
	if err != nil || res.Status != 404 || res.Judgement == nil || res.Judgement.FailedCheck != "route" || !strings.Contains(res.Judgement.Diagnosis, "GET /private") {
		t.Fatalf("unknown path: %+v %v", res, err)
	}
	// No answer: a Failure with Transport set.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	_, err = opts.API.Call(ctx, service.CallRequest{Method: "GET", Path: gone.URL + "/x", TokenChoice: service.SendNone})
	if f := service.AsFailure(err); f == nil || !f.Transport || f.Fix == "" {
		t.Fatalf("no answer: %v", err)
	}
}

// With a profile's [[api.routes]], those are the routes, resolved
// against its base URL.
func TestConsoleAPIProfileRoutes(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	e := newConsoleEnv(t, `default_profile = "p"
[profiles.p]
endpoint = "`+env.Endpoint+`"
user_pool_id = "`+env.Demo.PoolID+`"
client_id = "`+env.Demo.ClientID+`"
[profiles.p.api]
base_url = "`+env.API.HTTPURL+`"
[[profiles.p.api.routes]]
name = "hello"
path = "/hello"
[[profiles.p.api.routes]]
name = "private"
path = "/private"
[[profiles.p.api.routes]]
name = "iam"
path = "/iam"
token = "sigv4"
[[profiles.p.api.routes]]
name = "reports"
path = "/reports"
token = "sigv4"
`)
	ctx := context.Background()
	c, err := newConsole(ctx, e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	api := c.options().API
	routes, err := api.Routes(ctx)
	if err != nil || len(routes) != 4 || routes[0].Path != "/hello" || routes[1].Authorizer != service.AuthJWT || routes[1].Source != "profile" {
		t.Fatalf("routes %+v %v", routes, err)
	}
	// token = "sigv4": AWS_IAM, from API Gateway's configuration (/iam)
	// or, where it names no such route, from the profile (/reports) —
	// so the view offers SigV4 for both.
	if routes[2].Authorizer != service.AuthIAM || routes[3].Authorizer != service.AuthIAM {
		t.Errorf("sigv4 routes: %+v, %+v; want both AWS_IAM", routes[2], routes[3])
	}
	res, err := api.Call(ctx, service.CallRequest{Route: &routes[1], Method: "GET", Path: "/private", TokenChoice: service.SendNone})
	if err != nil || res.Status != 401 || res.Judgement == nil || res.Judgement.FailedCheck != "identity_source" {
		t.Fatalf("%+v %v", res, err)
	}
}

func keys(m map[string]service.Route) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The prediction is made from the configuration the view read; when the
// authorizer changes afterwards, the answer disagrees and the result says
// so beside it.
func TestConsoleAPIFlagsAMismatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := endpointConsole(ctx, t)
	api := c.options().API
	routes, err := api.Routes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var private *service.Route
	for i, r := range routes {
		if r.Method == "GET" && r.Path == "/private" && strings.HasPrefix(r.API, "cogscope-demo-http") {
			private = &routes[i]
		}
	}
	if private == nil {
		t.Fatalf("no GET /private in %+v", routes)
	}
	run, err := c.options().SignIn.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	_, tk, err := drain(t, run)
	if err != nil || tk == nil {
		t.Fatalf("sign-in: %v", err)
	}
	// The JWT authorizer stops trusting the demo client.
	v2 := env.APIGatewayV2Client()
	auths, err := v2.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: aws.String(env.API.HTTPAPIID)})
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, a := range auths.Items {
		if a.AuthorizerType == apigatewayv2types.AuthorizerTypeJwt && a.JwtConfiguration != nil {
			if _, err := v2.UpdateAuthorizer(ctx, &apigatewayv2.UpdateAuthorizerInput{ApiId: aws.String(env.API.HTTPAPIID), AuthorizerId: a.AuthorizerId,
				JwtConfiguration: &apigatewayv2types.JWTConfiguration{Issuer: a.JwtConfiguration.Issuer, Audience: []string{"another-client"}}}); err != nil {
				t.Fatal(err)
			}
			changed = true
		}
	}
	if !changed {
		t.Fatal("no JWT authorizer to change")
	}
	res, err := api.Call(ctx, service.CallRequest{Route: private, Method: "GET", Path: "/private", TokenChoice: service.SendAccess, Token: tk.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Preflight
	if res.Status != 401 || p == nil || p.Outcome != service.PredictPass || p.Agrees || !slices.Contains(p.Differences, "status") {
		t.Fatalf("status %d, preflight %+v", res.Status, p)
	}
}
