package apiconfig_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func TestReadTheLocalStack(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	cfg, err := apiconfig.Read(context.Background(), apiconfig.Clients{HTTP: env.APIGatewayV2Client(), REST: env.APIGatewayClient()},
		apiconfig.Options{Endpoint: env.Endpoint})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(cfg.APIs) != 2 {
		t.Fatalf("APIs = %+v", cfg.APIs)
	}
	httpAPI, restAPI := cfg.APIs[0], cfg.APIs[1]
	if httpAPI.Kind != "http" || httpAPI.InvokeURL != env.API.HTTPURL || len(httpAPI.Stages) != 1 || httpAPI.Stages[0].AccessLogGroup != apigw.DemoHTTPLogGroup {
		t.Errorf("HTTP API = %+v", httpAPI)
	}
	if restAPI.Kind != "rest" || restAPI.InvokeURL != env.API.RestURL || restAPI.Stages[0].AccessLogGroup != apigw.DemoRestLogGroup {
		t.Errorf("REST API = %+v", restAPI)
	}
	route := func(api apiconfig.API, method, path string) apiconfig.Route {
		for _, r := range api.Routes {
			if r.Method == method && r.Path == path {
				return r
			}
		}
		t.Fatalf("no route %s %s in %+v", method, path, api.Routes)
		return apiconfig.Route{}
	}
	priv := route(httpAPI, "GET", "/private")
	if priv.AuthorizationType != "JWT" || priv.Authorizer == nil || priv.Authorizer.Issuer != env.Demo.Issuer ||
		!slices.Equal(priv.Authorizer.Audience, []string{cognito.DemoPublicClientID}) ||
		!slices.Equal(priv.Authorizer.IdentitySources, []string{"$request.header.Authorization"}) {
		t.Errorf("/private = %+v (authorizer %+v)", priv, priv.Authorizer)
	}
	if r := route(httpAPI, "GET", "/scoped"); !slices.Equal(r.Scopes, []string{apigw.DemoScope}) {
		t.Errorf("/scoped = %+v", r)
	}
	if a := route(httpAPI, "GET", "/admin").Authorizer; a == nil || a.Function != apigw.DemoAdminsFunction || a.CacheTTLSeconds == nil || *a.CacheTTLSeconds != 300 || !a.SimpleResponses {
		t.Errorf("/admin authorizer = %+v", a)
	}
	if r := route(restAPI, "GET", "/profile"); r.AuthorizationType != "COGNITO_USER_POOLS" || r.Authorizer == nil || len(r.Authorizer.ProviderARNs) != 1 ||
		!slices.Equal(r.Authorizer.IdentitySources, []string{"method.request.header.Authorization"}) {
		t.Errorf("/profile = %+v", r)
	}
	if a := route(restAPI, "GET", "/lambda/orders").Authorizer; a == nil || a.Type != "TOKEN" || a.Function != apigw.DemoPolicyFunction {
		t.Errorf("/lambda/orders authorizer = %+v", a)
	}
	// RouteFor maps URLs to routes.
	tests := []struct {
		method, url, want string
	}{
		{"GET", env.API.HTTPURL + "/private", "GET /private"},
		{"GET", env.API.RestURL + "/orders", "GET /orders"},
		{"POST", env.API.HTTPURL + "/private", ""},
		{"GET", env.API.RestURL + "/nope", ""},
		{"GET", "https://" + env.API.HTTPAPIID + ".execute-api.us-east-1.amazonaws.com/scoped", "GET /scoped"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.url)
		_, r := cfg.RouteFor(tt.method, u)
		got := ""
		if r != nil {
			got = r.Method + " " + r.Path
		}
		if got != tt.want {
			t.Errorf("RouteFor(%s %s) = %q, want %q", tt.method, tt.url, got, tt.want)
		}
	}
}

func TestReadSaysWhatItCouldNotRead(t *testing.T) {
	t.Parallel()
	denied := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-ErrorType", "AccessDeniedException")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		_, _ = w.Write([]byte(`{"message":"User: arn:aws:iam::1:user/x is not authorized to perform: apigateway:GET"}`))
	}))
	defer denied.Close()
	noCreds := awsclient.Static("us-east-1", nil)
	noCreds.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no credentials in the chain")
	})
	tests := []struct {
		name string
		cfg  aws.Config
		url  string
		kind error
		code string
	}{
		{"access denied", awsclient.Static("us-east-1", nil), denied.URL, apiconfig.ErrAccessDenied, "AccessDeniedException"},
		{"no credentials", noCreds, denied.URL, apiconfig.ErrNoCredentials, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := apiconfig.Read(context.Background(), apiconfig.Clients{
				HTTP: awsclient.APIGatewayV2(tt.cfg, tt.url), REST: awsclient.APIGateway(tt.cfg, tt.url)}, apiconfig.Options{})
			var inc *apiconfig.IncompleteError
			if !errors.As(err, &inc) || !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want an IncompleteError that is %v", err, tt.kind)
			}
			if len(cfg.Problems) != 2 || cfg.Problems[0].Op != "apigatewayv2:GetApis" || cfg.Problems[1].Op != "apigateway:GetRestApis" ||
				cfg.Problems[0].Code != tt.code {
				t.Errorf("problems = %+v", cfg.Problems)
			}
		})
	}
}
