package apigw

import (
	"slices"
	"strings"
)

// Fixed ids and names of the demo APIs (documented in the README).
const (
	DemoHTTPAPIID      = "cogshttp01"
	DemoRestAPIID      = "cogsrest01"
	DemoRestStage      = "prod"
	DemoHTTPLogGroup   = "/aws/apigateway/cogscope-demo-http"
	DemoRestLogGroup   = "/aws/apigateway/cogscope-demo-rest"
	DemoScope          = "cogscope-api/read"
	DemoAdminsGroup    = "admins"
	DemoAuthorizerTTL  = 300
	demoJWTAuthorizer  = "cognito-jwt"
	demoJWTAPIAuth     = "cognito-jwt-api"
	demoAdminsAuth     = "admins-only"
	demoCognitoAuth    = "cognito-pool"
	demoTokenAuth      = "token-policy"
	demoIdentitySource = "$request.header.Authorization"
)

// DemoSeed is the demo HTTP API and REST API for the demo pool:
//
//	HTTP API cogshttp01 ($default stage)
//	  GET /hello    no authorizer
//	  GET /private  JWT: issuer the pool, audience the public client
//	  GET /scoped   JWT (audience the public and confidential clients), scope cogscope-api/read
//	  GET /admin    Lambda REQUEST authorizer cogscope-demo-admins (payload 2.0, simple responses,
//	                group "admins" only, results cached 300 s by the Authorization header)
//	GET /iam      AWS_IAM: SigV4-signed (service execute-api), by one of iamRoles (any
//	              signed caller when none is given)
//	REST API cogsrest01 (stage prod)
//	  GET /hello           no authorizer
//	  GET /profile         COGNITO_USER_POOLS, no scopes: the ID token
//	  GET /orders          COGNITO_USER_POOLS with scope cogscope-api/read: an access token
//	  GET /lambda/orders   TOKEN authorizer cogscope-demo-policy (a policy for the called
//	  GET /lambda/profile  method only, cached 300 s: one method's policy denies the other)
//
// The stack passes the demo identity pool's authenticated and admins
// roles as iamRoles: its guest role is refused on GET /iam.
func DemoSeed(poolID, publicClientID, confidentialClientID string, iamRoles ...string) Seed {
	ttl := DemoAuthorizerTTL
	return Seed{
		HTTPAPIs: []HTTPAPISeed{{
			ID: DemoHTTPAPIID, Name: "cogscope-demo-http", AccessLogGroup: DemoHTTPLogGroup,
			Authorizers: []HTTPAuthorizerSeed{
				{Name: demoJWTAuthorizer, Type: "JWT", UserPoolID: poolID, Audience: []string{publicClientID}},
				{Name: demoJWTAPIAuth, Type: "JWT", UserPoolID: poolID, Audience: []string{publicClientID, confidentialClientID}},
				{Name: demoAdminsAuth, Type: "REQUEST", Function: DemoAdminsFunction, PayloadFormatVersion: "2.0",
					SimpleResponses: true, ResultTTLSeconds: DemoAuthorizerTTL, IdentitySource: []string{demoIdentitySource}},
			},
			Routes: []HTTPRouteSeed{
				{RouteKey: "GET /hello"},
				{RouteKey: "GET /private", Authorizer: demoJWTAuthorizer},
				{RouteKey: "GET /scoped", Authorizer: demoJWTAPIAuth, Scopes: []string{DemoScope}},
				{RouteKey: "GET /admin", Authorizer: demoAdminsAuth},
				{RouteKey: "GET /iam", AuthorizationType: "AWS_IAM", IAMRoles: iamRoles},
			},
		}},
		RestAPIs: []RestAPISeed{{
			ID: DemoRestAPIID, Name: "cogscope-demo-rest", Stage: DemoRestStage, AccessLogGroup: DemoRestLogGroup,
			Authorizers: []RestAuthorizerSeed{
				{Name: demoCognitoAuth, Type: "COGNITO_USER_POOLS", UserPoolIDs: []string{poolID}},
				{Name: demoTokenAuth, Type: "TOKEN", Function: DemoPolicyFunction, ResultTTLSeconds: &ttl},
			},
			Methods: []RestMethodSeed{
				{Method: "GET", Path: "/hello"},
				{Method: "GET", Path: "/profile", Authorizer: demoCognitoAuth},
				{Method: "GET", Path: "/orders", Authorizer: demoCognitoAuth, Scopes: []string{DemoScope}},
				{Method: "GET", Path: "/lambda/orders", Authorizer: demoTokenAuth},
				{Method: "GET", Path: "/lambda/profile", Authorizer: demoTokenAuth},
			},
		}},
	}
}

// APIInfo describes one API for `cogscope local --json`.
type APIInfo struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`            // "http" | "rest"
	Stage string `json:"stage,omitempty"` // REST only
	// URL is the invoke URL: append a route's path to it.
	URL            string      `json:"url"`
	Routes         []RouteInfo `json:"routes"`
	AccessLogGroup string      `json:"accessLogGroup,omitempty"`
	// FunctionLogGroups are the log groups of its Lambda authorizers.
	FunctionLogGroups []string `json:"functionLogGroups,omitempty"`
}

// RouteInfo is one route: authorizer "none", "jwt", "lambda" (HTTP API)
// or "none", "cognito", "lambda" (REST).
type RouteInfo struct {
	Method     string   `json:"method"`
	Path       string   `json:"path"`
	Authorizer string   `json:"authorizer"`
	Scopes     []string `json:"scopes"`
	// AuthorizerID names the authorizer in the configuration APIs.
	AuthorizerID string `json:"authorizerId,omitempty"`
}

// Describe lists the HTTP APIs, then the REST APIs.
func (s *Service) Describe() []APIInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ep := s.opts.Endpoint()
	var out []APIInfo
	for _, a := range s.httpAPIs {
		info := APIInfo{ID: a.ID, Name: a.Name, Type: "http", URL: InvokeURL(ep, a.ID, ""), AccessLogGroup: a.LogGroup, Routes: []RouteInfo{}}
		for _, au := range a.authorizers {
			if fn := functionName(au.URI); fn != "" && !slices.Contains(info.FunctionLogGroups, FunctionLogGroup(fn)) {
				info.FunctionLogGroups = append(info.FunctionLogGroups, FunctionLogGroup(fn))
			}
		}
		for _, rt := range a.routes {
			kind := map[string]string{"JWT": "jwt", "CUSTOM": "lambda", "AWS_IAM": "iam"}[rt.AuthType]
			if kind == "" {
				kind = "none"
			}
			method, path := rt.Method, rt.Path
			if rt.Key == "$default" {
				method, path = "ANY", "$default"
			}
			info.Routes = append(info.Routes, RouteInfo{Method: method, Path: path, Authorizer: kind, Scopes: nonNil(rt.Scopes), AuthorizerID: rt.AuthorizerID})
		}
		out = append(out, info)
	}
	for _, a := range s.restAPIs {
		info := APIInfo{ID: a.ID, Name: a.Name, Type: "rest", Stage: a.Stage, URL: InvokeURL(ep, a.ID, a.Stage), AccessLogGroup: a.LogGroup, Routes: []RouteInfo{}}
		for _, au := range a.authorizers {
			if fn := functionName(au.URI); fn != "" && !slices.Contains(info.FunctionLogGroups, FunctionLogGroup(fn)) {
				info.FunctionLogGroups = append(info.FunctionLogGroups, FunctionLogGroup(fn))
			}
		}
		for _, res := range a.resources {
			verbs := make([]string, 0, len(res.methods))
			for v := range res.methods {
				verbs = append(verbs, v)
			}
			slices.Sort(verbs)
			for _, v := range verbs {
				m := res.methods[v]
				kind := map[string]string{"COGNITO_USER_POOLS": "cognito", "CUSTOM": "lambda", "AWS_IAM": "iam"}[m.AuthType]
				if kind == "" {
					kind = "none"
				}
				info.Routes = append(info.Routes, RouteInfo{Method: v, Path: res.Path, Authorizer: kind, Scopes: nonNil(m.Scopes), AuthorizerID: m.AuthorizerID})
			}
		}
		out = append(out, info)
	}
	return out
}

// LogGroups are every log group the gateway writes to: the stages'
// access logs and the authorizer functions'.
func (s *Service) LogGroups() []string {
	var out []string
	for _, a := range s.Describe() {
		if a.AccessLogGroup != "" && !slices.Contains(out, a.AccessLogGroup) {
			out = append(out, a.AccessLogGroup)
		}
		for _, g := range a.FunctionLogGroups {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	slices.SortFunc(out, strings.Compare)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
