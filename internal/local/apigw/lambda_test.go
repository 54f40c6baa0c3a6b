package apigw_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cogscope/cogscope/internal/local/apigw"
)

// TestLambdaAuthorizerOutcomes walks the rows of cognito-protocol.md §6.3's
// outcome table with functions that answer each way.
func TestLambdaAuthorizerOutcomes(t *testing.T) {
	t.Parallel()
	policy := func(effect, resource string) apigw.Function {
		return func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return json.Marshal(map[string]any{"principalId": "p1", "policyDocument": map[string]any{"Version": "2012-10-17",
				"Statement": []any{map[string]any{"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}}},
				"context": map[string]any{"n": 1, "ok": true}})
		}
	}
	fns := map[string]apigw.Function{
		"allow-all":     policy("Allow", "arn:aws:execute-api:*:*:*/*/*/*"),
		"deny-all":      policy("Deny", "*"),
		"allow-nothing": policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:other/*"),
		"unauthorized":  func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, apigw.ErrUnauthorized },
		"crash":         func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, errors.New("boom") },
		"garbage":       func(context.Context, json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`[1]`), nil },
		"simple-no": func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{"isAuthorized":false}`), nil
		},
		// Payload 1.0: identitySource and authorizationToken are one
		// comma-joined string; the answer must be a policy.
		"v1": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
			var ev struct {
				Version            string `json:"version"`
				IdentitySource     string `json:"identitySource"`
				AuthorizationToken string `json:"authorizationToken"`
				RouteArn           string `json:"routeArn"`
			}
			if err := json.Unmarshal(in, &ev); err != nil || ev.Version != "1.0" || ev.IdentitySource != "x" || ev.AuthorizationToken != "x" {
				return nil, apigw.ErrUnauthorized
			}
			return json.Marshal(map[string]any{"principalId": "p", "policyDocument": map[string]any{
				"Statement": []any{map[string]any{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ev.RouteArn}}}})
		},
	}
	svc := apigw.New(apigw.Options{Functions: fns})
	srv := httptest.NewServer(svc)
	defer srv.Close()
	ttl := 0
	var httpAuth []apigw.HTTPAuthorizerSeed
	var routes []apigw.HTTPRouteSeed
	var restAuth []apigw.RestAuthorizerSeed
	var methods []apigw.RestMethodSeed
	for name := range fns {
		version := "2.0"
		if name == "v1" {
			version = "1.0"
		}
		httpAuth = append(httpAuth, apigw.HTTPAuthorizerSeed{Name: name, Type: "REQUEST", Function: name, PayloadFormatVersion: version,
			SimpleResponses: name == "simple-no"})
		routes = append(routes, apigw.HTTPRouteSeed{RouteKey: "GET /" + name, Authorizer: name})
		restAuth = append(restAuth, apigw.RestAuthorizerSeed{Name: name, Type: "TOKEN", Function: name, ResultTTLSeconds: &ttl})
		methods = append(methods, apigw.RestMethodSeed{Method: "GET", Path: "/" + name, Authorizer: name})
	}
	restAuth = append(restAuth, apigw.RestAuthorizerSeed{Name: "validated", Type: "TOKEN", Function: "allow-all",
		IdentityValidationExpression: `^Bearer [a-z]+$`, ResultTTLSeconds: &ttl})
	methods = append(methods, apigw.RestMethodSeed{Method: "GET", Path: "/validated", Authorizer: "validated"})
	// Cache per route with $context.routeKey among the identity sources.
	httpAuth = append(httpAuth, apigw.HTTPAuthorizerSeed{Name: "per-route", Type: "REQUEST", Function: "simple-no",
		SimpleResponses: true, ResultTTLSeconds: 300, IdentitySource: []string{"$request.header.Authorization", "$context.routeKey"}})
	routes = append(routes, apigw.HTTPRouteSeed{RouteKey: "GET /a", Authorizer: "per-route"}, apigw.HTTPRouteSeed{RouteKey: "GET /b", Authorizer: "per-route"})
	if err := svc.ApplySeed(apigw.Seed{
		HTTPAPIs: []apigw.HTTPAPISeed{{ID: "lambdahttp", Name: "h", Authorizers: httpAuth, Routes: routes}},
		RestAPIs: []apigw.RestAPISeed{{ID: "lambdarest", Name: "r", Authorizers: restAuth, Methods: methods}},
	}); err != nil {
		t.Fatal(err)
	}
	get := func(url, auth string) (int, string, string) {
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header.Get("x-amzn-ErrorType")
	}
	httpBase, restBase := srv.URL+"/_api/lambdahttp", srv.URL+"/_api/lambdarest/prod"
	tests := []struct {
		url, auth     string
		status        int
		body, errType string
	}{
		{httpBase + "/allow-all", "x", 200, "", ""},
		{httpBase + "/deny-all", "x", 403, `{"message":"Forbidden"}`, ""},
		{httpBase + "/allow-nothing", "x", 403, `{"message":"Forbidden"}`, ""},
		{httpBase + "/simple-no", "x", 403, `{"message":"Forbidden"}`, ""},
		{httpBase + "/unauthorized", "x", 401, `{"message":"Unauthorized"}`, ""},
		{httpBase + "/crash", "x", 500, `{"message":"Internal Server Error"}`, ""},
		{httpBase + "/garbage", "x", 500, `{"message":"Internal Server Error"}`, ""},
		{httpBase + "/allow-all", "", 401, `{"message":"Unauthorized"}`, ""},
		{httpBase + "/v1", "x", 200, "", ""},
		{restBase + "/allow-all", "x", 200, "", ""},
		{restBase + "/deny-all", "x", 403, `{"Message":"User is not authorized to access this resource with an explicit deny"}`, "AccessDeniedException"},
		{restBase + "/allow-nothing", "x", 403, `{"Message":"User is not authorized to access this resource"}`, "AccessDeniedException"},
		{restBase + "/unauthorized", "x", 401, `{"message":"Unauthorized"}`, "UnauthorizedException"},
		{restBase + "/crash", "x", 500, `{"message":null}`, "AuthorizerConfigurationException"},
		{restBase + "/garbage", "x", 500, `{"message":null}`, "AuthorizerConfigurationException"},
		{restBase + "/allow-all", "", 401, `{"message":"Unauthorized"}`, "UnauthorizedException"},
		{restBase + "/validated", "Bearer abc", 200, "", ""},
		{restBase + "/validated", "Bearer ABC", 401, `{"message":"Unauthorized"}`, "UnauthorizedException"},
	}
	for _, tt := range tests {
		status, body, errType := get(tt.url, tt.auth)
		if status != tt.status || (tt.body != "" && body != tt.body) || errType != tt.errType {
			t.Errorf("%s (%q): %d %s %q, want %d %s %q", tt.url, tt.auth, status, body, errType, tt.status, tt.body, tt.errType)
		}
	}
	// The identity validation expression refused "Bearer ABC" without
	// invoking the function: allow-all ran for the 200s only.
	if n := svc.Invocations("allow-all"); n != 3 {
		t.Errorf("allow-all ran %d times, want 3 (two allowed calls and the validated one; none for a missing header or a failed expression)", n)
	}
	// $context.routeKey in the identity sources: one cache entry per route.
	before := svc.Invocations("simple-no")
	for range 2 {
		get(httpBase+"/a", "same")
		get(httpBase+"/b", "same")
	}
	if n := svc.Invocations("simple-no") - before; n != 2 {
		t.Errorf("per-route cache: %d invocations for 2 routes × 2 calls, want 2", n)
	}
}
