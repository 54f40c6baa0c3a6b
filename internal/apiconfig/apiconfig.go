// Package apiconfig reads API Gateway's configuration — HTTP APIs
// (apigatewayv2: GetApis, GetRoutes, GetAuthorizers, GetStages) and REST
// APIs (apigateway: GetRestApis, GetResources with methods,
// GetAuthorizers, GetStages) — into one model: each route with its method,
// path and authorizer (type, issuer, audience, scopes, identity sources,
// Lambda function, cache TTL), and each stage's access-log destination.
//
// What it could not read (no credentials, no permission, a throttle) is
// kept as typed *ReadError values beside what it could, so a caller can
// go on with the routes a profile declares.
//
// It must not import charm.land/*, ui or cmd.
package apiconfig

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/smithy-go"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// HTTPAPIClient is the part of the apigatewayv2 client Read uses.
type HTTPAPIClient interface {
	GetApis(context.Context, *apigatewayv2.GetApisInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApisOutput, error)
	GetRoutes(context.Context, *apigatewayv2.GetRoutesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRoutesOutput, error)
	GetAuthorizers(context.Context, *apigatewayv2.GetAuthorizersInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetAuthorizersOutput, error)
	GetStages(context.Context, *apigatewayv2.GetStagesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStagesOutput, error)
}

// RESTAPIClient is the part of the apigateway client Read uses.
type RESTAPIClient interface {
	GetRestApis(context.Context, *apigateway.GetRestApisInput, ...func(*apigateway.Options)) (*apigateway.GetRestApisOutput, error)
	GetResources(context.Context, *apigateway.GetResourcesInput, ...func(*apigateway.Options)) (*apigateway.GetResourcesOutput, error)
	GetAuthorizers(context.Context, *apigateway.GetAuthorizersInput, ...func(*apigateway.Options)) (*apigateway.GetAuthorizersOutput, error)
	GetStages(context.Context, *apigateway.GetStagesInput, ...func(*apigateway.Options)) (*apigateway.GetStagesOutput, error)
}

// Clients are the SDK clients to read with; a nil one is skipped.
type Clients struct {
	HTTP HTTPAPIClient
	REST RESTAPIClient
}

// Options narrow what Read reads.
type Options struct {
	// APIIDs, when set, reads only these APIs (of either kind).
	APIIDs []string
	// Endpoint, when set (a local stack), makes invoke URLs
	// <endpoint>/_api/<id>[/<stage>] instead of execute-api host names.
	Endpoint string
	// Region of the execute-api host names; default us-east-1.
	Region string
}

// Config is what Read found.
type Config struct {
	APIs []API `json:"apis"`
	// Problems are the reads that failed; the rest of Config is still
	// valid.
	Problems []*ReadError `json:"problems,omitempty"`
}

// API is an HTTP API or a REST API.
type API struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Kind   string  `json:"kind"` // "http" | "rest"
	Stages []Stage `json:"stages"`
	Routes []Route `json:"routes"`
	// InvokeURL is the base URL of the first stage ($default for HTTP
	// APIs): append a route's path.
	InvokeURL string `json:"invokeUrl"`
}

// Stage is a deployed stage and its access-log destination.
type Stage struct {
	Name string `json:"name"`
	// AccessLogARN is the destination ARN, AccessLogGroup the log group
	// name parsed from it, AccessLogFormat the format; empty when off.
	AccessLogARN    string `json:"accessLogArn,omitempty"`
	AccessLogGroup  string `json:"accessLogGroup,omitempty"`
	AccessLogFormat string `json:"accessLogFormat,omitempty"`
}

// Route is a route (HTTP API) or a method on a resource (REST API).
type Route struct {
	APIID  string `json:"apiId"`
	Kind   string `json:"kind"`   // "http" | "rest"
	Method string `json:"method"` // GET, ..., ANY; "" for $default
	Path   string `json:"path"`   // "/orders/{id}"; "$default"
	// AuthorizationType: NONE, JWT, CUSTOM, AWS_IAM, COGNITO_USER_POOLS.
	AuthorizationType string   `json:"authorizationType"`
	Scopes            []string `json:"scopes,omitempty"`
	// Authorizer is nil for NONE and AWS_IAM (or when it could not be
	// read).
	Authorizer *Authorizer `json:"authorizer,omitempty"`
}

// Authorizer is an authorizer's settings in one shape for both APIs.
type Authorizer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type: JWT, REQUEST (HTTP API); COGNITO_USER_POOLS, TOKEN, REQUEST
	// (REST).
	Type            string   `json:"type"`
	Issuer          string   `json:"issuer,omitempty"`
	Audience        []string `json:"audience,omitempty"`
	ProviderARNs    []string `json:"providerArns,omitempty"`
	IdentitySources []string `json:"identitySources,omitempty"`
	// FunctionARN and Function name the Lambda behind a REQUEST/TOKEN
	// authorizer (its logs are /aws/lambda/<Function>).
	FunctionARN string `json:"functionArn,omitempty"`
	Function    string `json:"function,omitempty"`
	// CacheTTLSeconds is the result cache TTL; nil when unset (HTTP API:
	// no default in the model; REST: AWS applies 300).
	CacheTTLSeconds              *int   `json:"cacheTtlSeconds,omitempty"`
	PayloadFormatVersion         string `json:"payloadFormatVersion,omitempty"`
	SimpleResponses              bool   `json:"simpleResponses,omitempty"`
	IdentityValidationExpression string `json:"identityValidationExpression,omitempty"`
}

// Problem kinds.
var (
	// ErrNoCredentials: no AWS credentials could be found or they were
	// refused as invalid or expired.
	ErrNoCredentials = errors.New("no usable AWS credentials")
	// ErrAccessDenied: the credentials lack permission (apigateway:GET).
	ErrAccessDenied = errors.New("access denied")
)

// ReadError says what could not be read and why.
type ReadError struct {
	Op    string `json:"op"`              // e.g. "apigatewayv2:GetRoutes"
	APIID string `json:"apiId,omitempty"` // the API, for per-API reads
	// Code and Message are AWS's error code and text, when it answered.
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Kind    error  `json:"-"` // ErrNoCredentials, ErrAccessDenied or nil
	Err     error  `json:"-"`
}

func (e *ReadError) Error() string {
	where := e.Op
	if e.APIID != "" {
		where += " " + e.APIID
	}
	if e.Code != "" {
		return fmt.Sprintf("%s: %s: %s", where, e.Code, e.Message)
	}
	return where + ": " + e.Message
}

// Unwrap gives the kind (for errors.Is) and the SDK error.
func (e *ReadError) Unwrap() []error {
	out := []error{e.Err}
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	return out
}

// IncompleteError is Read's error when some reads failed.
type IncompleteError struct{ Problems []*ReadError }

func (e *IncompleteError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return "API Gateway configuration incomplete: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is find ErrNoCredentials / ErrAccessDenied.
func (e *IncompleteError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

var (
	credCodes   = map[string]bool{"UnrecognizedClientException": true, "InvalidSignatureException": true, "ExpiredTokenException": true, "InvalidClientTokenId": true, "MissingAuthenticationTokenException": true}
	deniedCodes = map[string]bool{"AccessDeniedException": true, "UnauthorizedException": true, "AccessDenied": true}
)

func readError(op, apiID string, err error) *ReadError {
	re := &ReadError{Op: op, APIID: apiID, Err: err, Message: err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		re.Code, re.Message = ae.ErrorCode(), ae.ErrorMessage()
		switch {
		case credCodes[re.Code]:
			re.Kind = ErrNoCredentials
		case deniedCodes[re.Code]:
			re.Kind = ErrAccessDenied
		}
		return re
	}
	msg := err.Error()
	if strings.Contains(msg, "get credentials") || strings.Contains(msg, "retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found") || strings.Contains(msg, "AnonymousCredentials") {
		re.Kind = ErrNoCredentials
	}
	return re
}

// fatal says a failure will repeat for every other read.
func fatal(re *ReadError) bool {
	return re.Kind == ErrNoCredentials || re.Kind == ErrAccessDenied
}

// add files an API (as far as it was read) and the problem reading it,
// if any; stop says the problem is fatal: reading other APIs would fail
// the same way.
func (c *Config) add(api API, re *ReadError) (stop bool) {
	c.APIs = append(c.APIs, api)
	if re == nil {
		return false
	}
	c.Problems = append(c.Problems, re)
	return fatal(re)
}

// Read reads the configuration. The error is nil, *IncompleteError (the
// Config holds what was read), or the context's error.
func Read(ctx context.Context, c Clients, opts Options) (*Config, error) {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	cfg := &Config{APIs: []API{}}
	want := func(id string) bool {
		if len(opts.APIIDs) == 0 {
			return true
		}
		for _, w := range opts.APIIDs {
			if w == id {
				return true
			}
		}
		return false
	}
	if c.HTTP != nil {
		readHTTP(ctx, c.HTTP, opts, want, cfg)
	}
	if err := ctx.Err(); err != nil {
		return cfg, err
	}
	if c.REST != nil {
		readREST(ctx, c.REST, opts, want, cfg)
	}
	if err := ctx.Err(); err != nil {
		return cfg, err
	}
	if len(cfg.Problems) > 0 {
		return cfg, &IncompleteError{Problems: cfg.Problems}
	}
	return cfg, nil
}

func invokeURL(opts Options, id, stage string) string {
	if opts.Endpoint != "" {
		u := strings.TrimRight(opts.Endpoint, "/") + "/_api/" + id
		if stage != "" && stage != "$default" {
			u += "/" + stage
		}
		return u
	}
	u := fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, opts.Region)
	if stage != "" && stage != "$default" {
		u += "/" + stage
	}
	return u
}

var logGroupARNRe = lazyregexp.New(`^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$`)

// LogGroupFromARN is the log group a destination ARN names ("" if none).
func LogGroupFromARN(arn string) string {
	if m := logGroupARNRe.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return ""
}

var functionARNRe = lazyregexp.New(`(arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:([A-Za-z0-9_-]+)(?::[^/]+)?)/invocations$`)

// functionOf parses an authorizerUri into the function ARN and name.
func functionOf(uri string) (string, string) {
	if m := functionARNRe.FindStringSubmatch(uri); m != nil {
		return m[1], m[2]
	}
	return "", ""
}

func ttl(v *int32) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

func readHTTP(ctx context.Context, c HTTPAPIClient, opts Options, want func(string) bool, cfg *Config) {
	var next *string
	for {
		out, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{NextToken: next})
		if err != nil {
			cfg.Problems = append(cfg.Problems, readError("apigatewayv2:GetApis", "", err))
			return
		}
		for _, a := range out.Items {
			id := aws.ToString(a.ApiId)
			if !want(id) || (a.ProtocolType != "" && a.ProtocolType != "HTTP") {
				continue
			}
			api := API{ID: id, Name: aws.ToString(a.Name), Kind: "http", Stages: []Stage{}, Routes: []Route{}}
			re := readHTTPAPI(ctx, c, opts, &api)
			if cfg.add(api, re) {
				return
			}
		}
		if out.NextToken == nil || *out.NextToken == "" {
			return
		}
		next = out.NextToken
	}
}

func readHTTPAPI(ctx context.Context, c HTTPAPIClient, opts Options, api *API) *ReadError {
	id := aws.String(api.ID)
	auths := map[string]*Authorizer{}
	var next *string
	for {
		out, err := c.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: id, NextToken: next})
		if err != nil {
			return readError("apigatewayv2:GetAuthorizers", api.ID, err)
		}
		for _, a := range out.Items {
			au := &Authorizer{ID: aws.ToString(a.AuthorizerId), Name: aws.ToString(a.Name), Type: string(a.AuthorizerType),
				IdentitySources: a.IdentitySource, CacheTTLSeconds: ttl(a.AuthorizerResultTtlInSeconds),
				PayloadFormatVersion: aws.ToString(a.AuthorizerPayloadFormatVersion), SimpleResponses: aws.ToBool(a.EnableSimpleResponses),
				IdentityValidationExpression: aws.ToString(a.IdentityValidationExpression)}
			if a.JwtConfiguration != nil {
				au.Issuer, au.Audience = aws.ToString(a.JwtConfiguration.Issuer), a.JwtConfiguration.Audience
			}
			au.FunctionARN, au.Function = functionOf(aws.ToString(a.AuthorizerUri))
			auths[au.ID] = au
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		next = out.NextToken
	}
	next = nil
	for {
		out, err := c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: id, NextToken: next})
		if err != nil {
			return readError("apigatewayv2:GetRoutes", api.ID, err)
		}
		for _, r := range out.Items {
			key := aws.ToString(r.RouteKey)
			rt := Route{APIID: api.ID, Kind: "http", AuthorizationType: string(r.AuthorizationType), Scopes: r.AuthorizationScopes}
			if rt.AuthorizationType == "" {
				rt.AuthorizationType = "NONE"
			}
			if m, p, ok := strings.Cut(key, " "); ok {
				rt.Method, rt.Path = m, p
			} else {
				rt.Path = key
			}
			if r.AuthorizerId != nil {
				rt.Authorizer = auths[*r.AuthorizerId]
			}
			api.Routes = append(api.Routes, rt)
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		next = out.NextToken
	}
	next = nil
	for {
		out, err := c.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: id, NextToken: next})
		if err != nil {
			return readError("apigatewayv2:GetStages", api.ID, err)
		}
		for _, s := range out.Items {
			st := Stage{Name: aws.ToString(s.StageName)}
			if s.AccessLogSettings != nil {
				st.AccessLogARN, st.AccessLogFormat = aws.ToString(s.AccessLogSettings.DestinationArn), aws.ToString(s.AccessLogSettings.Format)
				st.AccessLogGroup = LogGroupFromARN(st.AccessLogARN)
			}
			api.Stages = append(api.Stages, st)
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		next = out.NextToken
	}
	stage := "$default"
	if len(api.Stages) > 0 {
		stage = api.Stages[0].Name
		for _, s := range api.Stages {
			if s.Name == "$default" {
				stage = "$default"
			}
		}
	}
	api.InvokeURL = invokeURL(opts, api.ID, stage)
	return nil
}

func readREST(ctx context.Context, c RESTAPIClient, opts Options, want func(string) bool, cfg *Config) {
	var pos *string
	for {
		out, err := c.GetRestApis(ctx, &apigateway.GetRestApisInput{Position: pos, Limit: aws.Int32(500)})
		if err != nil {
			cfg.Problems = append(cfg.Problems, readError("apigateway:GetRestApis", "", err))
			return
		}
		for _, a := range out.Items {
			id := aws.ToString(a.Id)
			if !want(id) {
				continue
			}
			api := API{ID: id, Name: aws.ToString(a.Name), Kind: "rest", Stages: []Stage{}, Routes: []Route{}}
			re := readRESTAPI(ctx, c, opts, &api)
			if cfg.add(api, re) {
				return
			}
		}
		if out.Position == nil || *out.Position == "" {
			return
		}
		pos = out.Position
	}
}

func readRESTAPI(ctx context.Context, c RESTAPIClient, opts Options, api *API) *ReadError {
	id := aws.String(api.ID)
	auths := map[string]*Authorizer{}
	var pos *string
	for {
		out, err := c.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: id, Position: pos, Limit: aws.Int32(500)})
		if err != nil {
			return readError("apigateway:GetAuthorizers", api.ID, err)
		}
		for _, a := range out.Items {
			au := &Authorizer{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Type: string(a.Type), ProviderARNs: a.ProviderARNs,
				CacheTTLSeconds: ttl(a.AuthorizerResultTtlInSeconds), IdentityValidationExpression: aws.ToString(a.IdentityValidationExpression)}
			for _, src := range strings.Split(aws.ToString(a.IdentitySource), ",") {
				if src = strings.TrimSpace(src); src != "" {
					au.IdentitySources = append(au.IdentitySources, src)
				}
			}
			if au.CacheTTLSeconds == nil && au.Type != "COGNITO_USER_POOLS" {
				d := 300 // AWS's default when the field is absent
				au.CacheTTLSeconds = &d
			}
			au.FunctionARN, au.Function = functionOf(aws.ToString(a.AuthorizerUri))
			auths[au.ID] = au
		}
		if out.Position == nil || *out.Position == "" {
			break
		}
		pos = out.Position
	}
	pos = nil
	for {
		out, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: id, Embed: []string{"methods"}, Position: pos, Limit: aws.Int32(500)})
		if err != nil {
			return readError("apigateway:GetResources", api.ID, err)
		}
		for _, r := range out.Items {
			for verb, m := range r.ResourceMethods {
				rt := Route{APIID: api.ID, Kind: "rest", Method: verb, Path: aws.ToString(r.Path),
					AuthorizationType: aws.ToString(m.AuthorizationType), Scopes: m.AuthorizationScopes}
				if rt.AuthorizationType == "" {
					rt.AuthorizationType = "NONE"
				}
				if m.AuthorizerId != nil {
					rt.Authorizer = auths[*m.AuthorizerId]
				}
				api.Routes = append(api.Routes, rt)
			}
		}
		if out.Position == nil || *out.Position == "" {
			break
		}
		pos = out.Position
	}
	sortRoutes(api.Routes)
	out, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: id})
	if err != nil {
		return readError("apigateway:GetStages", api.ID, err)
	}
	for _, s := range out.Item {
		st := Stage{Name: aws.ToString(s.StageName)}
		if s.AccessLogSettings != nil {
			st.AccessLogARN, st.AccessLogFormat = aws.ToString(s.AccessLogSettings.DestinationArn), aws.ToString(s.AccessLogSettings.Format)
			st.AccessLogGroup = LogGroupFromARN(st.AccessLogARN)
		}
		api.Stages = append(api.Stages, st)
	}
	stage := ""
	if len(api.Stages) > 0 {
		stage = api.Stages[0].Name
	}
	api.InvokeURL = invokeURL(opts, api.ID, stage)
	return nil
}

// sortRoutes orders REST methods by path then verb (GetResources' map
// order is random).
func sortRoutes(rs []Route) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && (rs[j].Path < rs[j-1].Path || (rs[j].Path == rs[j-1].Path && rs[j].Method < rs[j-1].Method)); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// RouteFor finds the route a URL and method reach: the API from the
// host (<id>.execute-api...) or the local stack's /_api/<id> prefix, the
// stage of a REST API stripped, then the route by path template (a
// method before ANY, literal segments before {params}, $default last).
func (c *Config) RouteFor(method string, u *url.URL) (*API, *Route) {
	id, path := "", u.Path
	if host, _, ok := strings.Cut(u.Hostname(), ".execute-api."); ok {
		id = host
	} else if rest, ok := strings.CutPrefix(u.Path, "/_api/"); ok {
		id, path, _ = strings.Cut(rest, "/")
		path = "/" + path
	}
	for i := range c.APIs {
		a := &c.APIs[i]
		if a.ID != id {
			continue
		}
		if a.Kind == "rest" {
			_, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
			path = "/" + rest
		}
		return a, matchRoute(a.Routes, method, path)
	}
	return nil, nil
}

func matchRoute(routes []Route, method, path string) *Route {
	var best *Route
	bestScore := -1
	for i := range routes {
		r := &routes[i]
		if r.Path == "$default" || (r.Method != method && r.Method != "ANY") {
			continue
		}
		score, ok := matchPath(r.Path, path)
		if !ok {
			continue
		}
		if r.Method != "ANY" {
			score += 1 << 20
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	if best != nil {
		return best
	}
	for i := range routes {
		if routes[i].Path == "$default" {
			return &routes[i]
		}
	}
	return nil
}

func matchPath(tmpl, path string) (int, bool) {
	split := func(s string) []string {
		s = strings.Trim(s, "/")
		if s == "" {
			return nil
		}
		return strings.Split(s, "/")
	}
	ts, ps := split(tmpl), split(path)
	score := 0
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}") {
			return score, i < len(ps)
		}
		if i >= len(ps) {
			return 0, false
		}
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			continue
		}
		if t != ps[i] {
			return 0, false
		}
		score++
	}
	return score, len(ps) == len(ts)
}
