package apigw

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// PathPrefix is where invocations are served: <endpoint>/_api/<apiId>/...
const PathPrefix = "/_api/"

// ConfigPrefixes are the path prefixes of the configuration APIs.
var ConfigPrefixes = []string{"/v2/apis", "/restapis"}

// DefaultAccountID is the account in ARNs.
const DefaultAccountID = "123456789012"

// Options configure a Service.
type Options struct {
	// Region of ARNs and domain names; default us-east-1.
	Region string
	// AccountID in ARNs; default DefaultAccountID.
	AccountID string
	// Endpoint returns the stack's URL, e.g. http://127.0.0.1:9229; the
	// placeholder ${endpoint} in seeded issuers expands to it.
	Endpoint func() string
	// Now is the gateway's clock (token expiry, cache TTLs, log times).
	Now func() time.Time
	// Keys returns the public keys of an issuer by kid (the stack gives
	// its Cognito pools' keys in-process). An error fails the token, as
	// an unreachable JWKS does on AWS.
	Keys func(issuer string) (map[string]*rsa.PublicKey, error)
	// LogSink receives access-log lines and Lambda log lines; nil
	// discards them.
	LogSink func(group, stream string, t time.Time, message string)
	// Logger receives internal errors at debug level; default discard.
	Logger *slog.Logger
	// DemoUserPoolID is the pool whose tokens the demo authorizer
	// functions accept; empty: any pool of the stack.
	DemoUserPoolID string
	// Functions are extra built-in Lambda functions by name, beside the
	// demo ones.
	Functions map[string]Function
	// IAMAuth checks the SigV4 signature of a request to an AWS_IAM route
	// (body is its body, already read) and names the caller; the stack
	// sets it to its identity service. An *IAMAuthError refuses the
	// request as API Gateway does; nil refuses every AWS_IAM call with a
	// 500 (no identity service).
	IAMAuth func(r *http.Request, body []byte) (IAMCaller, error)
}

// IAMCaller is who signed a request to an AWS_IAM route.
type IAMCaller struct {
	Arn, UserID, Account, AccessKeyID string
	// RoleARN is the assumed role ("" for an IAM user); IdentityID and
	// IdentityPoolID are set for credentials of a Cognito identity pool.
	RoleARN, IdentityID, IdentityPoolID string
}

// IAMAuthError is a refused signature: Code is AWS's error code
// (MissingAuthenticationToken, IncompleteSignature,
// SignatureDoesNotMatch, ExpiredToken, InvalidClientTokenId), Message
// its text.
type IAMAuthError struct{ Code, Message string }

func (e *IAMAuthError) Error() string { return e.Code + ": " + e.Message }

// Seed declares APIs to create. It is the "httpApis" and "restApis" part
// of the stack's seed file.
type Seed struct {
	HTTPAPIs []HTTPAPISeed `json:"httpApis,omitempty" yaml:"httpApis,omitempty"`
	RestAPIs []RestAPISeed `json:"restApis,omitempty" yaml:"restApis,omitempty"`
}

// HTTPAPISeed declares an HTTP API with its $default stage.
type HTTPAPISeed struct {
	ID   string `json:"id,omitempty" yaml:"id,omitempty"` // 10 lower-case letters/digits; generated when empty
	Name string `json:"name" yaml:"name"`
	// AccessLogGroup is the $default stage's access-log destination
	// (a log group name); empty: no access logs.
	AccessLogGroup string               `json:"accessLogGroup,omitempty" yaml:"accessLogGroup,omitempty"`
	Authorizers    []HTTPAuthorizerSeed `json:"authorizers,omitempty" yaml:"authorizers,omitempty"`
	Routes         []HTTPRouteSeed      `json:"routes,omitempty" yaml:"routes,omitempty"`
	Tags           map[string]string    `json:"tags,omitempty" yaml:"tags,omitempty"`
}

// HTTPAuthorizerSeed is an HTTP API authorizer: Type JWT (Issuer,
// Audience) or REQUEST (Function, PayloadFormatVersion, SimpleResponses).
type HTTPAuthorizerSeed struct {
	ID             string   `json:"id,omitempty" yaml:"id,omitempty"`
	Name           string   `json:"name" yaml:"name"`
	Type           string   `json:"type" yaml:"type"`                                         // JWT | REQUEST
	IdentitySource []string `json:"identitySource,omitempty" yaml:"identitySource,omitempty"` // default $request.header.Authorization
	// Issuer may contain ${endpoint} (the stack's URL); UserPoolID sets
	// it to the stack's issuer of that pool.
	Issuer               string   `json:"issuer,omitempty" yaml:"issuer,omitempty"`
	UserPoolID           string   `json:"userPoolId,omitempty" yaml:"userPoolId,omitempty"`
	Audience             []string `json:"audience,omitempty" yaml:"audience,omitempty"`
	Function             string   `json:"function,omitempty" yaml:"function,omitempty"` // built-in function name
	PayloadFormatVersion string   `json:"payloadFormatVersion,omitempty" yaml:"payloadFormatVersion,omitempty"`
	SimpleResponses      bool     `json:"simpleResponses,omitempty" yaml:"simpleResponses,omitempty"`
	ResultTTLSeconds     int      `json:"resultTtlSeconds,omitempty" yaml:"resultTtlSeconds,omitempty"`
}

// HTTPRouteSeed is a route: RouteKey "GET /hello" (or "ANY /x/{proxy+}",
// "$default"), the authorizer by name, and its scopes.
type HTTPRouteSeed struct {
	RouteKey   string   `json:"routeKey" yaml:"routeKey"`
	Authorizer string   `json:"authorizer,omitempty" yaml:"authorizer,omitempty"`
	Scopes     []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	// AuthorizationType "AWS_IAM" makes the route IAM-authorized (SigV4,
	// no authorizer); IAMRoles are the roles allowed to invoke it (the
	// roles' policies, in short); empty: any signed caller.
	AuthorizationType string   `json:"authorizationType,omitempty" yaml:"authorizationType,omitempty"`
	IAMRoles          []string `json:"iamRoles,omitempty" yaml:"iamRoles,omitempty"`
}

// RestAPISeed declares a REST API deployed to one stage.
type RestAPISeed struct {
	ID             string               `json:"id,omitempty" yaml:"id,omitempty"`
	Name           string               `json:"name" yaml:"name"`
	Stage          string               `json:"stage,omitempty" yaml:"stage,omitempty"` // default "prod"
	AccessLogGroup string               `json:"accessLogGroup,omitempty" yaml:"accessLogGroup,omitempty"`
	Authorizers    []RestAuthorizerSeed `json:"authorizers,omitempty" yaml:"authorizers,omitempty"`
	Methods        []RestMethodSeed     `json:"methods,omitempty" yaml:"methods,omitempty"`
}

// RestAuthorizerSeed is a REST authorizer: COGNITO_USER_POOLS
// (UserPoolIDs or ProviderARNs) or TOKEN (Function).
type RestAuthorizerSeed struct {
	ID                           string   `json:"id,omitempty" yaml:"id,omitempty"`
	Name                         string   `json:"name" yaml:"name"`
	Type                         string   `json:"type" yaml:"type"` // COGNITO_USER_POOLS | TOKEN
	UserPoolIDs                  []string `json:"userPoolIds,omitempty" yaml:"userPoolIds,omitempty"`
	ProviderARNs                 []string `json:"providerARNs,omitempty" yaml:"providerARNs,omitempty"`
	IdentitySource               string   `json:"identitySource,omitempty" yaml:"identitySource,omitempty"` // default method.request.header.Authorization
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty" yaml:"identityValidationExpression,omitempty"`
	Function                     string   `json:"function,omitempty" yaml:"function,omitempty"`
	// ResultTTLSeconds: nil means AWS's default of 300; 0 turns caching off.
	ResultTTLSeconds *int `json:"resultTtlSeconds,omitempty" yaml:"resultTtlSeconds,omitempty"`
}

// RestMethodSeed is a method on a resource path ("/orders/{id}").
type RestMethodSeed struct {
	Method     string   `json:"method" yaml:"method"`
	Path       string   `json:"path" yaml:"path"`
	Authorizer string   `json:"authorizer,omitempty" yaml:"authorizer,omitempty"`
	Scopes     []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
}

// ---- in-memory model ----

type httpAPI struct {
	ID, Name     string
	Created      time.Time
	LogGroup     string
	Tags         map[string]string
	routes       []*route
	authorizers  []*httpAuthorizer
	integration  string // the one echo integration's id
	stageCreated time.Time
}

type route struct {
	ID, Key      string
	Method, Path string // "" / "" for $default
	AuthType     string // NONE | JWT | CUSTOM | AWS_IAM
	AuthorizerID string
	Scopes       []string
	Target       string
	// IAMRoles are the roles an AWS_IAM route lets in; empty: any.
	IAMRoles []string
}

type httpAuthorizer struct {
	ID, Name, Type       string
	IdentitySource       []string
	Issuer               string
	Audience             []string
	URI                  string
	PayloadFormatVersion string
	SimpleResponses      bool
	TTL                  int
	IdentityValidation   string
	cache                *resultCache
}

type restAPI struct {
	ID, Name     string
	Created      time.Time
	Stage        string
	LogGroup     string
	resources    []*resource // [0] is the root "/"
	authorizers  []*restAuthorizer
	stageCreated time.Time
}

type resource struct {
	ID, ParentID, PathPart, Path string
	methods                      map[string]*method
}

type method struct {
	HTTPMethod, AuthType, AuthorizerID string
	Scopes                             []string
}

type restAuthorizer struct {
	ID, Name, Type     string
	ProviderARNs       []string
	IdentitySource     string
	IdentityValidation string
	URI                string
	TTL                int
	cache              *resultCache
}

// Service is the local API Gateway. It is safe for concurrent use.
type Service struct {
	opts  Options
	funcs map[string]Function

	mu       sync.RWMutex
	httpAPIs []*httpAPI
	restAPIs []*restAPI

	keys keyCache
	lam  lambdaState
}

// New builds an empty gateway; ApplySeed adds APIs.
func New(opts Options) *Service {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Endpoint == nil {
		opts.Endpoint = func() string { return "" }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Keys == nil {
		opts.Keys = func(issuer string) (map[string]*rsa.PublicKey, error) {
			return nil, fmt.Errorf("no keys for %s", issuer)
		}
	}
	s := &Service{opts: opts}
	s.funcs = s.demoFunctions()
	for name, f := range opts.Functions {
		s.funcs[name] = f
	}
	s.keys.init()
	s.lam.init()
	return s
}

var (
	apiIDRe    = lazyregexp.New(`^[a-z0-9]{10}$`)
	routeKeyRe = lazyregexp.New(`^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (/[^ ]*)$`)
)

func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func newShortID() string { return newID()[:7] }

// ApplySeed adds the seed's APIs. Ids given must be unique; names of
// authorizers referenced by routes must exist.
func (s *Service) ApplySeed(seed Seed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now().UTC().Truncate(time.Second)
	for i, as := range seed.HTTPAPIs {
		a, err := s.buildHTTPAPI(as, now)
		if err != nil {
			return fmt.Errorf("httpApis[%d] (%s): %w", i, as.Name, err)
		}
		s.httpAPIs = append(s.httpAPIs, a)
	}
	for i, rs := range seed.RestAPIs {
		a, err := s.buildRestAPI(rs, now)
		if err != nil {
			return fmt.Errorf("restApis[%d] (%s): %w", i, rs.Name, err)
		}
		s.restAPIs = append(s.restAPIs, a)
	}
	return nil
}

func (s *Service) idTaken(id string) bool {
	for _, a := range s.httpAPIs {
		if a.ID == id {
			return true
		}
	}
	for _, a := range s.restAPIs {
		if a.ID == id {
			return true
		}
	}
	return false
}

func (s *Service) pickID(id string) (string, error) {
	if id == "" {
		for {
			id = newID()
			if !s.idTaken(id) {
				return id, nil
			}
		}
	}
	if !apiIDRe.MatchString(id) {
		return "", fmt.Errorf("id %q: an API id is 10 lower-case letters or digits", id)
	}
	if s.idTaken(id) {
		return "", fmt.Errorf("id %q is used twice", id)
	}
	return id, nil
}

func (s *Service) buildHTTPAPI(as HTTPAPISeed, now time.Time) (*httpAPI, error) {
	if as.Name == "" {
		return nil, fmt.Errorf("name is required")
	}
	id, err := s.pickID(as.ID)
	if err != nil {
		return nil, err
	}
	a := &httpAPI{ID: id, Name: as.Name, Created: now, stageCreated: now, LogGroup: as.AccessLogGroup,
		Tags: as.Tags, integration: newShortID()}
	byName := map[string]*httpAuthorizer{}
	for _, au := range as.Authorizers {
		h := &httpAuthorizer{ID: au.ID, Name: au.Name, Type: strings.ToUpper(au.Type), IdentitySource: au.IdentitySource,
			Issuer: au.Issuer, Audience: au.Audience, PayloadFormatVersion: au.PayloadFormatVersion,
			SimpleResponses: au.SimpleResponses, TTL: au.ResultTTLSeconds}
		if h.ID == "" {
			h.ID = newShortID()
		}
		if au.UserPoolID != "" {
			h.Issuer = "${endpoint}/" + au.UserPoolID
		}
		if len(h.IdentitySource) == 0 {
			h.IdentitySource = []string{"$request.header.Authorization"}
		}
		switch h.Type {
		case "JWT":
			if h.Issuer == "" || len(h.Audience) == 0 {
				return nil, fmt.Errorf("authorizer %s: a JWT authorizer needs issuer (or userPoolId) and audience", au.Name)
			}
		case "REQUEST":
			if au.Function == "" {
				return nil, fmt.Errorf("authorizer %s: a REQUEST authorizer needs function", au.Name)
			}
			h.URI = s.functionURI(au.Function)
			if h.PayloadFormatVersion == "" {
				h.PayloadFormatVersion = "2.0"
			}
		default:
			return nil, fmt.Errorf("authorizer %s: type %q is not JWT or REQUEST", au.Name, au.Type)
		}
		if h.TTL < 0 || h.TTL > 3600 {
			return nil, fmt.Errorf("authorizer %s: resultTtlSeconds must be 0-3600", au.Name)
		}
		h.cache = newResultCache()
		if _, dup := byName[au.Name]; dup {
			return nil, fmt.Errorf("authorizer name %q is used twice", au.Name)
		}
		byName[au.Name] = h
		a.authorizers = append(a.authorizers, h)
	}
	for _, rs := range as.Routes {
		r, err := parseRouteKey(rs.RouteKey)
		if err != nil {
			return nil, err
		}
		r.ID, r.AuthType, r.Scopes, r.Target = newShortID(), "NONE", rs.Scopes, "integrations/"+a.integration
		if rs.Authorizer != "" {
			au, ok := byName[rs.Authorizer]
			if !ok {
				return nil, fmt.Errorf("route %s: no authorizer named %q", rs.RouteKey, rs.Authorizer)
			}
			r.AuthorizerID, r.AuthType = au.ID, authTypeFor(au.Type)
		}
		switch rs.AuthorizationType {
		case "", "NONE":
			if len(rs.IAMRoles) > 0 {
				return nil, fmt.Errorf("route %s: iamRoles need authorizationType AWS_IAM", rs.RouteKey)
			}
		case "AWS_IAM":
			if rs.Authorizer != "" || len(rs.Scopes) > 0 {
				return nil, fmt.Errorf("route %s: an AWS_IAM route has no authorizer or scopes", rs.RouteKey)
			}
			r.AuthType, r.IAMRoles = "AWS_IAM", slices.Clone(rs.IAMRoles)
		default:
			if rs.AuthorizationType != r.AuthType {
				return nil, fmt.Errorf("route %s: authorizationType %q: want AWS_IAM (other types come from the authorizer)", rs.RouteKey, rs.AuthorizationType)
			}
		}
		for _, other := range a.routes {
			if other.Key == r.Key {
				return nil, fmt.Errorf("route %s is declared twice", r.Key)
			}
		}
		a.routes = append(a.routes, r)
	}
	return a, nil
}

func authTypeFor(authorizerType string) string {
	if authorizerType == "JWT" {
		return "JWT"
	}
	return "CUSTOM"
}

func parseRouteKey(key string) (*route, error) {
	if key == "$default" {
		return &route{Key: key}, nil
	}
	m := routeKeyRe.FindStringSubmatch(key)
	if m == nil {
		return nil, fmt.Errorf("route key %q: want \"METHOD /path\" (GET, POST, ..., ANY) or \"$default\"", key)
	}
	return &route{Key: key, Method: m[1], Path: m[2]}, nil
}

func (s *Service) buildRestAPI(rs RestAPISeed, now time.Time) (*restAPI, error) {
	if rs.Name == "" {
		return nil, fmt.Errorf("name is required")
	}
	id, err := s.pickID(rs.ID)
	if err != nil {
		return nil, err
	}
	a := &restAPI{ID: id, Name: rs.Name, Created: now, stageCreated: now, Stage: rs.Stage, LogGroup: rs.AccessLogGroup}
	if a.Stage == "" {
		a.Stage = "prod"
	}
	a.resources = []*resource{{ID: newShortID(), Path: "/", methods: map[string]*method{}}}
	byName := map[string]*restAuthorizer{}
	for _, au := range rs.Authorizers {
		r := &restAuthorizer{ID: au.ID, Name: au.Name, Type: strings.ToUpper(au.Type), IdentitySource: au.IdentitySource,
			IdentityValidation: au.IdentityValidationExpression, TTL: 300, ProviderARNs: au.ProviderARNs}
		if r.ID == "" {
			r.ID = newShortID()
		}
		if au.ResultTTLSeconds != nil {
			r.TTL = *au.ResultTTLSeconds
		}
		if r.TTL < 0 || r.TTL > 3600 {
			return nil, fmt.Errorf("authorizer %s: resultTtlSeconds must be 0-3600", au.Name)
		}
		if r.IdentitySource == "" {
			r.IdentitySource = "method.request.header.Authorization"
		}
		for _, p := range au.UserPoolIDs {
			region, _, _ := strings.Cut(p, "_")
			r.ProviderARNs = append(r.ProviderARNs, fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, s.opts.AccountID, p))
		}
		switch r.Type {
		case "COGNITO_USER_POOLS":
			if len(r.ProviderARNs) == 0 {
				return nil, fmt.Errorf("authorizer %s: a COGNITO_USER_POOLS authorizer needs userPoolIds or providerARNs", au.Name)
			}
		case "TOKEN":
			if au.Function == "" {
				return nil, fmt.Errorf("authorizer %s: a TOKEN authorizer needs function", au.Name)
			}
			r.URI = s.functionURI(au.Function)
		default:
			return nil, fmt.Errorf("authorizer %s: type %q is not COGNITO_USER_POOLS or TOKEN", au.Name, au.Type)
		}
		if r.IdentityValidation != "" {
			if _, err := regexp.Compile(r.IdentityValidation); err != nil {
				return nil, fmt.Errorf("authorizer %s: identityValidationExpression: %v", au.Name, err)
			}
		}
		r.cache = newResultCache()
		if _, dup := byName[au.Name]; dup {
			return nil, fmt.Errorf("authorizer name %q is used twice", au.Name)
		}
		byName[au.Name] = r
		a.authorizers = append(a.authorizers, r)
	}
	for _, ms := range rs.Methods {
		verb := strings.ToUpper(ms.Method)
		if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}, verb) {
			return nil, fmt.Errorf("method %q on %s: not an HTTP method", ms.Method, ms.Path)
		}
		if !strings.HasPrefix(ms.Path, "/") {
			return nil, fmt.Errorf("method %s %s: the path must start with /", verb, ms.Path)
		}
		res := a.ensureResource(ms.Path)
		if _, dup := res.methods[verb]; dup {
			return nil, fmt.Errorf("method %s %s is declared twice", verb, ms.Path)
		}
		m := &method{HTTPMethod: verb, AuthType: "NONE", Scopes: ms.Scopes}
		if ms.Authorizer != "" {
			au, ok := byName[ms.Authorizer]
			if !ok {
				return nil, fmt.Errorf("method %s %s: no authorizer named %q", verb, ms.Path, ms.Authorizer)
			}
			m.AuthorizerID = au.ID
			m.AuthType = "CUSTOM"
			if au.Type == "COGNITO_USER_POOLS" {
				m.AuthType = "COGNITO_USER_POOLS"
			}
		}
		res.methods[verb] = m
	}
	return a, nil
}

// ensureResource returns the resource at path, creating it and its parents.
func (a *restAPI) ensureResource(path string) *resource {
	parent := a.resources[0]
	cur := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		cur += "/" + part
		var found *resource
		for _, r := range a.resources {
			if r.Path == cur {
				found = r
				break
			}
		}
		if found == nil {
			found = &resource{ID: newShortID(), ParentID: parent.ID, PathPart: part, Path: cur, methods: map[string]*method{}}
			a.resources = append(a.resources, found)
		}
		parent = found
	}
	return parent
}

// functionURI is an authorizer's authorizerUri for a function name.
func (s *Service) functionURI(fn string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/arn:aws:lambda:%s:%s:function:%s/invocations",
		s.opts.Region, s.opts.Region, s.opts.AccountID, fn)
}

var functionURIRe = lazyregexp.New(`function:([A-Za-z0-9_-]+)(?::[^/]*)?/invocations$`)

// functionName is the function an authorizerUri invokes.
func functionName(uri string) string {
	if m := functionURIRe.FindStringSubmatch(uri); m != nil {
		return m[1]
	}
	return ""
}

// expand replaces ${endpoint} in a seeded issuer.
func (s *Service) expand(v string) string {
	if !strings.Contains(v, "${endpoint}") {
		return v
	}
	return strings.ReplaceAll(v, "${endpoint}", strings.TrimRight(s.opts.Endpoint(), "/"))
}

// ---- request ids (cognito-protocol.md §6) ----

// newAPIGWID is the 16-character id of apigw-requestid / x-amz-apigw-id:
// 15 of [A-Za-z0-9_-] and "=".
func newAPIGWID() string {
	b := make([]byte, 11)
	_, _ = rand.Read(b)
	return base64.URLEncoding.EncodeToString(b)
}

// newUUID is a lower-case random UUID (x-amzn-RequestId, Lambda ids).
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
