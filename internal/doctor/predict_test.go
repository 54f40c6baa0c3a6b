package doctor_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apicall/apicalltest"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
)

// gatewayCases are every route of the demo APIs with every token of
// apicalltest's table (scheme: how the token is sent, "" Bearer), and the
// outcome predicted.
var gatewayCases = []struct {
	path, kind, scheme string
	outcome            string
}{
	{"/private", "access", "", doctor.OutcomePass},
	{"/private", "id", "", doctor.OutcomePass},
	{"/private", "none", "", doctor.OutcomeRefuse},
	{"/private", "expired", "", doctor.OutcomeRefuse},
	{"/private", "other-pool", "", doctor.OutcomeRefuse},
	{"/private", "other-client", "", doctor.OutcomeRefuse},
	{"/private", "no-scope", "", doctor.OutcomePass},
	{"/private", "garbage", "", doctor.OutcomeRefuse},
	{"/scoped", "access", "", doctor.OutcomePass},
	{"/scoped", "id", "", doctor.OutcomeRefuse},
	{"/scoped", "none", "", doctor.OutcomeRefuse},
	{"/scoped", "expired", "", doctor.OutcomeRefuse},
	{"/scoped", "other-pool", "", doctor.OutcomeRefuse},
	{"/scoped", "other-client", "", doctor.OutcomeRefuse},
	{"/scoped", "no-scope", "", doctor.OutcomeRefuse},
	{"/scoped", "outside-group", "", doctor.OutcomePass},
	{"/hello", "none", "", doctor.OutcomePass},
	{"/admin", "none", "", doctor.OutcomeRefuse},
	{"/admin", "access", "", doctor.OutcomeUnknown},
	{"rest:/profile", "id", "raw", doctor.OutcomePass},
	{"rest:/profile", "id", "bearer", doctor.OutcomePass},
	{"rest:/profile", "access", "raw", doctor.OutcomeRefuse},
	{"rest:/profile", "none", "raw", doctor.OutcomeRefuse},
	{"rest:/profile", "expired-id", "raw", doctor.OutcomeRefuse},
	{"rest:/profile", "other-pool", "raw", doctor.OutcomeRefuse},
	{"rest:/profile", "garbage", "raw", doctor.OutcomeRefuse},
	{"rest:/orders", "access", "raw", doctor.OutcomePass},
	{"rest:/orders", "other-client", "raw", doctor.OutcomePass},
	{"rest:/orders", "id", "raw", doctor.OutcomeRefuse},
	{"rest:/orders", "no-scope", "raw", doctor.OutcomeRefuse},
	{"rest:/orders", "expired", "raw", doctor.OutcomeRefuse},
	{"rest:/orders", "none", "bearer", doctor.OutcomeRefuse},
	{"rest:/hello", "none", "", doctor.OutcomePass},
	{"rest:/lambda/orders", "none", "raw", doctor.OutcomeRefuse},
	{"rest:/lambda/orders", "access", "raw", doctor.OutcomeUnknown},
}

// TestPredictionMatchesTheGateway predicts every route of the demo APIs
// with every token of the table, then sends the call and compares.
func TestPredictionMatchesTheGateway(t *testing.T) {
	t.Parallel()
	s := apicalltest.Start(t)
	env, clk, cfg, keys, tk := s.Env, s.Clock, s.Config, s.Keys, s.Tokens
	for _, c := range gatewayCases {
		t.Run(c.path+"/"+c.kind+"/"+c.scheme, func(t *testing.T) {
			base, path := env.API.HTTPURL, c.path
			if p, ok := strings.CutPrefix(c.path, "rest:"); ok {
				base, path = env.API.RestURL, p
			}
			u, err := url.Parse(base + path)
			if err != nil {
				t.Fatal(err)
			}
			_, route := cfg.RouteFor("GET", u)
			if route == nil {
				t.Fatalf("no route for %s", u)
			}
			hdr := http.Header{}
			if c.kind != "none" {
				v := tk[c.kind]
				if c.scheme != "raw" {
					v = "Bearer " + v
				}
				hdr.Set("Authorization", v)
			}
			p := doctor.Predict(context.Background(), doctor.PredictInput{Route: route, Headers: hdr, Keys: keys, Now: clk.Now,
				PoolIssuer: apicall.LocalPoolIssuer(env.Endpoint)})
			if p.Outcome != c.outcome {
				t.Fatalf("predicted %s (%s), want %s", p.Outcome, p.Reason, c.outcome)
			}
			req, _ := http.NewRequest("GET", u.String(), nil)
			req.Header = hdr
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			cmp := doctor.Compare(p, resp.StatusCode, resp.Header, string(body))
			if !cmp.Agrees {
				t.Errorf("prediction %+v disagrees with %d %s (www-authenticate %q): %v", p, resp.StatusCode, body, resp.Header.Get("www-authenticate"), cmp.Differences)
			}
			if p.Outcome == doctor.OutcomePass && resp.StatusCode != 200 {
				t.Errorf("predicted a pass, the gateway answered %d %s", resp.StatusCode, body)
			}
			if p.Outcome == doctor.OutcomeRefuse && (p.Check == "" || p.Reason == "") {
				t.Errorf("a refusal without its check: %+v", p)
			}
		})
	}
}

func TestCompareFlagsAMismatch(t *testing.T) {
	t.Parallel()
	refuse := doctor.Prediction{Outcome: doctor.OutcomeRefuse, Status: 401, Body: `{"message":"Unauthorized"}`,
		WWWAuthenticate: `Bearer scope="" error="invalid_token" error_description="the token has expired"`}
	cases := []struct {
		name   string
		p      doctor.Prediction
		status int
		www    string
		body   string
		diffs  []string
	}{
		{"refusal as predicted", refuse, 401, refuse.WWWAuthenticate, refuse.Body, nil},
		{"refused, but passed", refuse, 200, "", `{"ok":true}`, []string{"status", "body", "www-authenticate"}},
		{"other description", refuse, 401, `Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`, refuse.Body, []string{"www-authenticate"}},
		{"pass, but the gateway refused", doctor.Prediction{Outcome: doctor.OutcomePass}, 403, "", `{"message":"Forbidden"}`, []string{"status"}},
		{"pass, and the integration said 403", doctor.Prediction{Outcome: doctor.OutcomePass}, 403, "", `{"error":"not yours"}`, nil},
		{"unknown agrees with anything", doctor.Prediction{Outcome: doctor.OutcomeUnknown}, 500, "", `{"message":null}`, nil},
	}
	for _, c := range cases {
		h := http.Header{}
		if c.www != "" {
			h.Set("www-authenticate", c.www)
		}
		got := doctor.Compare(c.p, c.status, h, c.body)
		if got.Agrees != (len(c.diffs) == 0) || strings.Join(got.Differences, ",") != strings.Join(c.diffs, ",") {
			t.Errorf("%s: %+v, want differences %v", c.name, got, c.diffs)
		}
	}
}

func TestPredictWithoutConfiguration(t *testing.T) {
	t.Parallel()
	if p := doctor.Predict(context.Background(), doctor.PredictInput{}); p.Outcome != doctor.OutcomeUnknown || p.Reason == "" {
		t.Errorf("no route: %+v", p)
	}
	iam := &apiconfig.Route{AuthorizationType: "AWS_IAM"}
	if p := doctor.Predict(context.Background(), doctor.PredictInput{Route: iam}); p.Outcome != doctor.OutcomeUnknown {
		t.Errorf("IAM: %+v", p)
	}
}

// TestPredictionExplainsTheAnswer: the prediction's judgement, handed to
// the answer's explanation (apicall.Explainer.Judged), explains it exactly
// as the explanation judging the token itself does, and verifies nothing
// again — over every case of the gateway table. Each judgement starts
// from an empty key cache: a second judgement is not the same as the
// first when the first refetched the JWKS for an unknown kid (its reason
// then says the JWKS was "not refetched").
func TestPredictionExplainsTheAnswer(t *testing.T) {
	t.Parallel()
	s := apicalltest.Start(t)
	env, clk, cfg, tk := s.Env, s.Clock, s.Config, s.Tokens
	ctx := context.Background()
	fresh := func() inspect.KeySource { return inspect.NewCache(inspect.CacheOptions{Now: clk.Now}) }
	for _, c := range gatewayCases {
		t.Run(c.path+"/"+c.kind+"/"+c.scheme, func(t *testing.T) {
			base, path := env.API.HTTPURL, c.path
			if p, ok := strings.CutPrefix(c.path, "rest:"); ok {
				base, path = env.API.RestURL, p
			}
			req := apicall.Request{Target: path, BaseURL: base, TokenKind: apicall.TokenNone, AuthScheme: c.scheme}
			if c.kind != "none" {
				req.Token, req.TokenKind = tk[c.kind], apicall.TokenRaw
			}
			b, err := apicall.Build(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			_, route := cfg.RouteFor(b.Info.Method, b.HTTP.URL)
			in := doctor.PredictInput{Route: route, Headers: b.HTTP.Header, Query: b.HTTP.URL.Query(), Keys: fresh(), Now: clk.Now,
				PoolIssuer: apicall.LocalPoolIssuer(env.Endpoint)}
			p := doctor.Predict(ctx, in)
			modelled := route != nil && (route.AuthorizationType == "JWT" || route.AuthorizationType == "COGNITO_USER_POOLS")
			if (p.Judgement != nil) != modelled {
				t.Fatalf("prediction %+v of a %s route: judgement %v", p, route.AuthorizationType, p.Judgement != nil)
			}
			counted := &apicalltest.CountingKeys{Inner: fresh()}
			x := func(judged *inspect.Judgement) *apicall.Explainer {
				return &apicall.Explainer{Config: cfg, Keys: counted, Now: clk.Now, PoolIssuer: apicall.LocalPoolIssuer(env.Endpoint), Judged: judged}
			}
			reused, err := apicall.Do(ctx, req, apicall.Options{Explain: x(p.Judgement)})
			if err != nil {
				t.Fatal(err)
			}
			if n := counted.N.Load(); n != 0 && p.Judgement != nil {
				t.Errorf("the explanation looked the keys up %d times though the prediction had judged the token", n)
			}
			own, err := apicall.Do(ctx, req, apicall.Options{Explain: x(nil)})
			if err != nil {
				t.Fatal(err)
			}
			if reused.Response.Status != own.Response.Status {
				t.Fatalf("the gateway answered %d, then %d", reused.Response.Status, own.Response.Status)
			}
			if !reflect.DeepEqual(reused.Judgement, own.Judgement) {
				t.Errorf("explained on the prediction's judgement:\n%+v\non its own:\n%+v", reused.Judgement, own.Judgement)
			}
			if j := reused.Judgement; j != nil && p.Outcome == doctor.OutcomeRefuse && p.Judgement != nil &&
				(j.Predicted == nil || !j.Predicted.Agrees || j.Predicted.Status != p.Status || j.FailedCheck == "") {
				t.Errorf("the explanation %+v (predicted %+v) of a refusal predicted %+v", j, j.Predicted, p)
			}
		})
	}
}

// A JWT route whose authorizer is not a JWT one (API Gateway refuses to
// configure it): neither the prediction nor the explanation judges it as
// a JWT authorizer.
func TestJWTRouteWithoutAJWTAuthorizer(t *testing.T) {
	t.Parallel()
	r := &apiconfig.Route{AuthorizationType: "JWT", Authorizer: &apiconfig.Authorizer{Type: "REQUEST", Name: "fn",
		IdentitySources: []string{"$request.header.Authorization"}}}
	h := http.Header{"Authorization": {"Bearer x.y.z"}}
	keys := &apicalltest.CountingKeys{Inner: inspect.NewCache(inspect.CacheOptions{})}
	if _, ok, err := apicall.JudgeRoute(context.Background(), r, h, keys, time.Now(), nil); ok || err != nil {
		t.Errorf("JudgeRoute: ok %v, err %v", ok, err)
	}
	p := doctor.Predict(context.Background(), doctor.PredictInput{Route: r, Headers: h, Keys: keys})
	if p.Outcome != doctor.OutcomeUnknown || p.Judgement != nil || p.Reason == "" {
		t.Errorf("prediction %+v", p)
	}
	if n := keys.N.Load(); n != 0 {
		t.Errorf("%d key lookups", n)
	}
}
