package doctor_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apicall/apicalltest"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
)

// TestPredictionMatchesTheGateway predicts every route of the demo APIs
// with every token of the table, then sends the call and compares.
func TestPredictionMatchesTheGateway(t *testing.T) {
	t.Parallel()
	s := apicalltest.Start(t)
	env, clk, cfg, keys, tk := s.Env, s.Clock, s.Config, s.Keys, s.Tokens
	cases := []struct {
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
	for _, c := range cases {
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
