package apigw

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ---- configuration API errors (cognito-protocol.md §6.4) ----

func writeConfigError(w http.ResponseWriter, status int, typ, msg string, extra map[string]string) {
	body := map[string]string{"message": msg}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-ErrorType", typ)
	h.Set("x-amzn-RequestId", newUUID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeConfigJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeConfigError(w, 500, "InternalServerError", "encode: "+err.Error(), nil)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", newUUID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// page cuts items by the string paging token (an index) and size.
func page[T any](items []T, token, size string, def, max int) ([]T, string, error) {
	start := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", fmt.Errorf("invalid pagination token %q", token)
		}
		start = n
	}
	limit := def
	if size != "" {
		n, err := strconv.Atoi(size)
		if err != nil || n < 1 || n > max {
			return nil, "", fmt.Errorf("page size %q must be a number from 1 to %d", size, max)
		}
		limit = n
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

// ---- apigatewayv2 wire shapes ----

type v2API struct {
	APIID                     string            `json:"apiId"`
	Name                      string            `json:"name"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	APIEndpoint               string            `json:"apiEndpoint"`
	CreatedDate               string            `json:"createdDate"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	Tags                      map[string]string `json:"tags,omitempty"`
}

type v2Route struct {
	RouteID             string   `json:"routeId"`
	RouteKey            string   `json:"routeKey"`
	AuthorizationType   string   `json:"authorizationType"`
	AuthorizerID        string   `json:"authorizerId,omitempty"`
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
	Target              string   `json:"target,omitempty"`
	APIKeyRequired      bool     `json:"apiKeyRequired"`
}

type v2JWTConfig struct {
	Audience []string `json:"audience,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
}

type v2Authorizer struct {
	AuthorizerID                   string       `json:"authorizerId"`
	Name                           string       `json:"name"`
	AuthorizerType                 string       `json:"authorizerType"`
	IdentitySource                 []string     `json:"identitySource"`
	JWTConfiguration               *v2JWTConfig `json:"jwtConfiguration,omitempty"`
	AuthorizerURI                  string       `json:"authorizerUri,omitempty"`
	AuthorizerPayloadFormatVersion string       `json:"authorizerPayloadFormatVersion,omitempty"`
	AuthorizerResultTTLInSeconds   *int         `json:"authorizerResultTtlInSeconds,omitempty"`
	EnableSimpleResponses          *bool        `json:"enableSimpleResponses,omitempty"`
	IdentityValidationExpression   string       `json:"identityValidationExpression,omitempty"`
}

type v2AccessLog struct {
	DestinationARN string `json:"destinationArn,omitempty"`
	Format         string `json:"format,omitempty"`
}

type v2Stage struct {
	StageName         string       `json:"stageName"`
	AutoDeploy        bool         `json:"autoDeploy"`
	DeploymentID      string       `json:"deploymentId,omitempty"`
	AccessLogSettings *v2AccessLog `json:"accessLogSettings,omitempty"`
	CreatedDate       string       `json:"createdDate"`
	LastUpdatedDate   string       `json:"lastUpdatedDate"`
}

type v2Integration struct {
	IntegrationID        string `json:"integrationId"`
	IntegrationType      string `json:"integrationType"`
	IntegrationURI       string `json:"integrationUri,omitempty"`
	IntegrationMethod    string `json:"integrationMethod,omitempty"`
	PayloadFormatVersion string `json:"payloadFormatVersion"`
	Description          string `json:"description,omitempty"`
}

// AccessLogFormat is the JSON access-log format the stages report.
const AccessLogFormat = `{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","routeKey":"$context.routeKey","status":"$context.status","authorizer.error":"$context.authorizer.error","error.message":"$context.error.message","authorizer.claims.sub":"$context.authorizer.claims.sub"}`

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func (s *Service) logGroupARN(group string) string {
	if group == "" {
		return ""
	}
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", s.opts.Region, s.opts.AccountID, group)
}

// InvokeURL is where an API is served: <endpoint>/_api/<id> for an HTTP
// API, <endpoint>/_api/<id>/<stage> for a REST API.
func InvokeURL(endpoint, apiID, stage string) string {
	u := strings.TrimRight(endpoint, "/") + PathPrefix + apiID
	if stage != "" && stage != "$default" {
		u += "/" + stage
	}
	return u
}

func (s *Service) wireAPI(a *httpAPI) v2API {
	return v2API{APIID: a.ID, Name: a.Name, ProtocolType: "HTTP", RouteSelectionExpression: "${request.method} ${request.path}",
		APIEndpoint: InvokeURL(s.opts.Endpoint(), a.ID, ""), CreatedDate: iso(a.Created),
		APIKeySelectionExpression: "$request.header.x-api-key", Tags: a.Tags}
}

func wireRoute(r *route) v2Route {
	return v2Route{RouteID: r.ID, RouteKey: r.Key, AuthorizationType: r.AuthType, AuthorizerID: r.AuthorizerID,
		AuthorizationScopes: r.Scopes, Target: r.Target}
}

func (s *Service) wireAuthorizer(au *httpAuthorizer) v2Authorizer {
	w := v2Authorizer{AuthorizerID: au.ID, Name: au.Name, AuthorizerType: au.Type, IdentitySource: au.IdentitySource,
		IdentityValidationExpression: au.IdentityValidation}
	if au.Type == "JWT" {
		w.JWTConfiguration = &v2JWTConfig{Audience: au.Audience, Issuer: s.expand(au.Issuer)}
	} else {
		ttl, simple := au.TTL, au.SimpleResponses
		w.AuthorizerURI, w.AuthorizerPayloadFormatVersion = au.URI, au.PayloadFormatVersion
		w.AuthorizerResultTTLInSeconds, w.EnableSimpleResponses = &ttl, &simple
	}
	return w
}

func (s *Service) findHTTPAPI(id string) *httpAPI {
	for _, a := range s.httpAPIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func notFoundV2(w http.ResponseWriter, kind, id string) {
	writeConfigError(w, 404, "NotFoundException", fmt.Sprintf("Invalid %s identifier specified %s", kind, id),
		map[string]string{"resourceType": kind})
}

// serveV2 is the apigatewayv2 REST-JSON API under /v2/apis.
func (s *Service) serveV2(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/apis"), "/"), "/")
	if parts[0] == "" {
		parts = nil
	}
	q := r.URL.Query()
	if len(parts) == 0 {
		if r.Method != http.MethodGet {
			writeConfigError(w, 400, "BadRequestException", "Creating APIs is not supported by the local stack; declare them in the seed file", nil)
			return
		}
		s.mu.RLock()
		items := make([]v2API, 0, len(s.httpAPIs))
		for _, a := range s.httpAPIs {
			items = append(items, s.wireAPI(a))
		}
		s.mu.RUnlock()
		s.v2List(w, items, q)
		return
	}
	write := r.Method != http.MethodGet
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	a := s.findHTTPAPI(parts[0])
	if a == nil {
		notFoundV2(w, "API", s.opts.AccountID+":"+parts[0])
		return
	}
	coll, id := "", ""
	if len(parts) > 1 {
		coll = parts[1]
	}
	if len(parts) > 2 {
		id = parts[2]
	}
	if len(parts) > 3 {
		writeConfigError(w, 404, "NotFoundException", "Unknown resource "+r.URL.Path, nil)
		return
	}
	switch {
	case coll == "" && r.Method == http.MethodGet:
		writeConfigJSON(w, 200, s.wireAPI(a))
	case coll == "routes":
		s.v2Routes(w, r, a, id)
	case coll == "authorizers":
		s.v2Authorizers(w, r, a, id)
	case coll == "stages" && r.Method == http.MethodGet:
		st := v2Stage{StageName: "$default", AutoDeploy: true, DeploymentID: "cogsdeploy", CreatedDate: iso(a.stageCreated), LastUpdatedDate: iso(a.stageCreated)}
		if a.LogGroup != "" {
			st.AccessLogSettings = &v2AccessLog{DestinationARN: s.logGroupARN(a.LogGroup), Format: AccessLogFormat}
		}
		if id != "" {
			if id != "$default" {
				notFoundV2(w, "Stage", id)
				return
			}
			writeConfigJSON(w, 200, st)
			return
		}
		s.v2List(w, []v2Stage{st}, q)
	case coll == "integrations" && r.Method == http.MethodGet:
		in := v2Integration{IntegrationID: a.integration, IntegrationType: "HTTP_PROXY", IntegrationMethod: "ANY",
			IntegrationURI: "cogscope://echo", PayloadFormatVersion: "1.0", Description: "echoes the request context as JSON"}
		if id != "" {
			if id != a.integration {
				notFoundV2(w, "Integration", id)
				return
			}
			writeConfigJSON(w, 200, in)
			return
		}
		s.v2List(w, []v2Integration{in}, q)
	default:
		writeConfigError(w, 404, "NotFoundException", fmt.Sprintf("%s %s is not supported by the local stack", r.Method, r.URL.Path), nil)
	}
}

func (s *Service) v2List(w http.ResponseWriter, items any, q map[string][]string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var out any
	var next string
	var err error
	switch it := items.(type) {
	case []v2API:
		out, next, err = page(it, get("nextToken"), get("maxResults"), 100, 500)
	case []v2Route:
		out, next, err = page(it, get("nextToken"), get("maxResults"), 100, 500)
	case []v2Authorizer:
		out, next, err = page(it, get("nextToken"), get("maxResults"), 100, 500)
	case []v2Stage:
		out, next, err = page(it, get("nextToken"), get("maxResults"), 100, 500)
	case []v2Integration:
		out, next, err = page(it, get("nextToken"), get("maxResults"), 100, 500)
	}
	if err != nil {
		writeConfigError(w, 400, "BadRequestException", err.Error(), nil)
		return
	}
	body := map[string]any{"items": out}
	if next != "" {
		body["nextToken"] = next
	}
	writeConfigJSON(w, 200, body)
}

type v2RouteInput struct {
	RouteKey            *string  `json:"routeKey"`
	AuthorizationType   *string  `json:"authorizationType"`
	AuthorizerID        *string  `json:"authorizerId"`
	AuthorizationScopes []string `json:"authorizationScopes"`
	Target              *string  `json:"target"`
}

func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}

// v2Routes: GetRoutes, GetRoute, CreateRoute, UpdateRoute, DeleteRoute.
// s.mu is held (write lock for changes).
func (s *Service) v2Routes(w http.ResponseWriter, r *http.Request, a *httpAPI, id string) {
	idx := -1
	if id != "" {
		for i, rt := range a.routes {
			if rt.ID == id {
				idx = i
			}
		}
		if idx < 0 {
			notFoundV2(w, "Route", id)
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && id == "":
		items := make([]v2Route, 0, len(a.routes))
		for _, rt := range a.routes {
			items = append(items, wireRoute(rt))
		}
		s.v2List(w, items, r.URL.Query())
	case r.Method == http.MethodGet:
		writeConfigJSON(w, 200, wireRoute(a.routes[idx]))
	case r.Method == http.MethodDelete && id != "":
		a.routes = slices.Delete(a.routes, idx, idx+1)
		w.WriteHeader(http.StatusNoContent)
	case (r.Method == http.MethodPost && id == "") || (r.Method == http.MethodPatch && id != ""):
		var in v2RouteInput
		if err := readJSON(r, &in); err != nil {
			writeConfigError(w, 400, "BadRequestException", "Invalid request body: "+err.Error(), nil)
			return
		}
		rt := &route{ID: newShortID(), AuthType: "NONE", Target: "integrations/" + a.integration}
		if idx >= 0 {
			cp := *a.routes[idx]
			rt = &cp
		} else if in.RouteKey == nil {
			writeConfigError(w, 400, "BadRequestException", "RouteKey is required", nil)
			return
		}
		if in.RouteKey != nil {
			parsed, err := parseRouteKey(*in.RouteKey)
			if err != nil {
				writeConfigError(w, 400, "BadRequestException", err.Error(), nil)
				return
			}
			rt.Key, rt.Method, rt.Path = parsed.Key, parsed.Method, parsed.Path
			for i, other := range a.routes {
				if other.Key == rt.Key && i != idx {
					writeConfigError(w, 409, "ConflictException", "Unable to complete operation due to concurrent modification. Please try again later.", nil)
					return
				}
			}
		}
		if in.AuthorizationType != nil {
			rt.AuthType = *in.AuthorizationType
		}
		if in.AuthorizerID != nil {
			rt.AuthorizerID = *in.AuthorizerID
		}
		if in.AuthorizationScopes != nil {
			rt.Scopes = in.AuthorizationScopes
		}
		if in.Target != nil {
			rt.Target = *in.Target
		}
		if !slices.Contains([]string{"NONE", "JWT", "CUSTOM", "AWS_IAM"}, rt.AuthType) {
			writeConfigError(w, 400, "BadRequestException", "AuthorizationType must be one of NONE, JWT, CUSTOM, AWS_IAM", nil)
			return
		}
		if rt.AuthType == "NONE" {
			rt.AuthorizerID = ""
		} else if rt.AuthType != "AWS_IAM" {
			var au *httpAuthorizer
			for _, x := range a.authorizers {
				if x.ID == rt.AuthorizerID {
					au = x
				}
			}
			if au == nil {
				writeConfigError(w, 400, "BadRequestException", fmt.Sprintf("Unable to find Authorizer with id %q", rt.AuthorizerID), nil)
				return
			}
			if authTypeFor(au.Type) != rt.AuthType {
				writeConfigError(w, 400, "BadRequestException", fmt.Sprintf("AuthorizationType %s does not match the %s authorizer %s", rt.AuthType, au.Type, au.ID), nil)
				return
			}
		}
		if len(rt.Scopes) > 0 && rt.AuthType != "JWT" {
			writeConfigError(w, 400, "BadRequestException", "AuthorizationScopes are supported only for JWT authorizers", nil)
			return
		}
		if idx >= 0 {
			a.routes[idx] = rt
			writeConfigJSON(w, 200, wireRoute(rt))
		} else {
			a.routes = append(a.routes, rt)
			writeConfigJSON(w, 201, wireRoute(rt))
		}
	default:
		writeConfigError(w, 404, "NotFoundException", fmt.Sprintf("%s %s is not supported", r.Method, r.URL.Path), nil)
	}
}

type v2AuthorizerInput struct {
	Name                           *string      `json:"name"`
	AuthorizerType                 *string      `json:"authorizerType"`
	IdentitySource                 []string     `json:"identitySource"`
	JWTConfiguration               *v2JWTConfig `json:"jwtConfiguration"`
	AuthorizerURI                  *string      `json:"authorizerUri"`
	AuthorizerPayloadFormatVersion *string      `json:"authorizerPayloadFormatVersion"`
	AuthorizerResultTTLInSeconds   *int         `json:"authorizerResultTtlInSeconds"`
	EnableSimpleResponses          *bool        `json:"enableSimpleResponses"`
	IdentityValidationExpression   *string      `json:"identityValidationExpression"`
}

// v2Authorizers: GetAuthorizers, GetAuthorizer, Create/Update/Delete.
func (s *Service) v2Authorizers(w http.ResponseWriter, r *http.Request, a *httpAPI, id string) {
	idx := -1
	if id != "" {
		for i, au := range a.authorizers {
			if au.ID == id {
				idx = i
			}
		}
		if idx < 0 {
			notFoundV2(w, "Authorizer", id)
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && id == "":
		items := make([]v2Authorizer, 0, len(a.authorizers))
		for _, au := range a.authorizers {
			items = append(items, s.wireAuthorizer(au))
		}
		s.v2List(w, items, r.URL.Query())
	case r.Method == http.MethodGet:
		writeConfigJSON(w, 200, s.wireAuthorizer(a.authorizers[idx]))
	case r.Method == http.MethodDelete && id != "":
		for _, rt := range a.routes {
			if rt.AuthorizerID == id {
				writeConfigError(w, 409, "ConflictException", fmt.Sprintf("Cannot delete authorizer %s: route %s uses it", id, rt.Key), nil)
				return
			}
		}
		a.authorizers = slices.Delete(a.authorizers, idx, idx+1)
		w.WriteHeader(http.StatusNoContent)
	case (r.Method == http.MethodPost && id == "") || (r.Method == http.MethodPatch && id != ""):
		var in v2AuthorizerInput
		if err := readJSON(r, &in); err != nil {
			writeConfigError(w, 400, "BadRequestException", "Invalid request body: "+err.Error(), nil)
			return
		}
		au := &httpAuthorizer{ID: newShortID()}
		if idx >= 0 {
			cp := *a.authorizers[idx]
			au = &cp
		} else if in.Name == nil || in.AuthorizerType == nil {
			writeConfigError(w, 400, "BadRequestException", "Name and AuthorizerType are required", nil)
			return
		}
		if in.Name != nil {
			au.Name = *in.Name
		}
		if in.AuthorizerType != nil {
			au.Type = *in.AuthorizerType
		}
		if in.IdentitySource != nil {
			au.IdentitySource = in.IdentitySource
		}
		if in.JWTConfiguration != nil {
			au.Issuer, au.Audience = in.JWTConfiguration.Issuer, in.JWTConfiguration.Audience
		}
		if in.AuthorizerURI != nil {
			au.URI = *in.AuthorizerURI
		}
		if in.AuthorizerPayloadFormatVersion != nil {
			au.PayloadFormatVersion = *in.AuthorizerPayloadFormatVersion
		}
		if in.AuthorizerResultTTLInSeconds != nil {
			au.TTL = *in.AuthorizerResultTTLInSeconds
		}
		if in.EnableSimpleResponses != nil {
			au.SimpleResponses = *in.EnableSimpleResponses
		}
		if in.IdentityValidationExpression != nil {
			au.IdentityValidation = *in.IdentityValidationExpression
		}
		switch au.Type {
		case "JWT":
			if au.Issuer == "" {
				writeConfigError(w, 400, "BadRequestException", "JwtConfiguration.Issuer is required for a JWT authorizer", nil)
				return
			}
		case "REQUEST":
			if functionName(au.URI) == "" {
				writeConfigError(w, 400, "BadRequestException", "AuthorizerUri must be a Lambda invocation URI (…/functions/<function arn>/invocations)", nil)
				return
			}
			if au.PayloadFormatVersion != "1.0" && au.PayloadFormatVersion != "2.0" {
				writeConfigError(w, 400, "BadRequestException", "AuthorizerPayloadFormatVersion must be 1.0 or 2.0", nil)
				return
			}
		default:
			writeConfigError(w, 400, "BadRequestException", "AuthorizerType must be JWT or REQUEST", nil)
			return
		}
		if len(au.IdentitySource) == 0 {
			au.IdentitySource = []string{"$request.header.Authorization"}
		}
		if au.TTL < 0 || au.TTL > 3600 {
			writeConfigError(w, 400, "BadRequestException", "AuthorizerResultTtlInSeconds must be between 0 and 3600", nil)
			return
		}
		au.cache = newResultCache() // a changed authorizer starts with an empty cache
		if idx >= 0 {
			a.authorizers[idx] = au
			writeConfigJSON(w, 200, s.wireAuthorizer(au))
		} else {
			a.authorizers = append(a.authorizers, au)
			writeConfigJSON(w, 201, s.wireAuthorizer(au))
		}
	default:
		writeConfigError(w, 404, "NotFoundException", fmt.Sprintf("%s %s is not supported", r.Method, r.URL.Path), nil)
	}
}
