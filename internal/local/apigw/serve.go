package apigw

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Gateway-generated bodies (cognito-protocol.md §6).
const (
	bodyUnauthorized    = `{"message":"Unauthorized"}`
	bodyForbidden       = `{"message":"Forbidden"}`
	bodyNotFound        = `{"message":"Not Found"}`
	bodyMissingToken    = `{"message":"Missing Authentication Token"}`
	bodyNull            = `{"message":null}`
	bodyInternal        = `{"message":"Internal Server Error"}`
	bodyExpiredREST     = `{"message":"The incoming token has expired"}`
	bodyDeniedREST      = `{"Message":"User is not authorized to access this resource"}`
	bodyExplicitDenyRST = `{"Message":"User is not authorized to access this resource with an explicit deny"}`
)

// ServeHTTP answers invocations under PathPrefix and the configuration
// APIs under ConfigPrefixes.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, PathPrefix):
		s.invoke(w, r)
	case p == "/v2/apis" || strings.HasPrefix(p, "/v2/apis/"):
		s.serveV2(w, r)
	case p == "/restapis" || strings.HasPrefix(p, "/restapis/"):
		s.serveRestConfig(w, r)
	default:
		writeRaw(w, http.StatusNotFound, bodyNotFound, nil)
	}
}

// Owns reports whether the path is the gateway's.
func Owns(path string) bool {
	return strings.HasPrefix(path, PathPrefix) || path == "/v2/apis" || strings.HasPrefix(path, "/v2/apis/") ||
		path == "/restapis" || strings.HasPrefix(path, "/restapis/")
}

func writeRaw(w http.ResponseWriter, status int, body string, hdr map[string]string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	for k, v := range hdr {
		h.Set(k, v)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// call is one invocation's $context, for the integration echo and the
// access log.
type call struct {
	start        time.Time
	requestID    string // $context.requestId
	extendedID   string
	apiID, stage string
	routeKey     string // HTTP API; REST: resource path
	method, path string
	status       int
	authErr      string // $context.authorizer.error
	errMsg       string // $context.error.message
	respType     string // $context.error.responseType
	claims       map[string]any
	scopes       []string
	principalID  string
	lambdaCtx    map[string]any
	authzReqID   string // $context.authorizer.requestId (REST)
	sourceIP     string
}

func (s *Service) invoke(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, PathPrefix)
	id, sub, _ := strings.Cut(rest, "/")
	sub = "/" + sub
	s.mu.RLock()
	var ha *httpAPI
	var ra *restAPI
	for _, a := range s.httpAPIs {
		if a.ID == id {
			ha = a
		}
	}
	for _, a := range s.restAPIs {
		if a.ID == id {
			ra = a
		}
	}
	s.mu.RUnlock()
	c := &call{start: s.opts.Now(), apiID: id, method: r.Method, path: sub, sourceIP: sourceIP(r)}
	switch {
	case ha != nil:
		c.requestID, c.stage = newAPIGWID(), "$default"
		c.extendedID = c.requestID
		s.serveHTTPAPI(w, r, ha, c)
	case ra != nil:
		c.requestID, c.extendedID = newUUID(), newAPIGWID()
		s.serveRestAPI(w, r, ra, c)
	default:
		// No such API: on AWS the host name would not resolve; answer as
		// an HTTP API does for an unknown route.
		writeRaw(w, http.StatusNotFound, bodyNotFound, map[string]string{"apigw-requestid": newAPIGWID()})
	}
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ---- HTTP API ----

func (s *Service) serveHTTPAPI(w http.ResponseWriter, r *http.Request, a *httpAPI, c *call) {
	hdr := map[string]string{"apigw-requestid": c.requestID}
	finish := func(status int, body string, extra map[string]string) {
		for k, v := range extra {
			hdr[k] = v
		}
		c.status = status
		writeRaw(w, status, body, hdr)
		s.accessLogHTTP(a, c)
	}
	s.mu.RLock()
	rt, params := matchRoute(a.routes, r.Method, c.path)
	var au *httpAuthorizer
	if rt != nil && rt.AuthorizerID != "" {
		for _, x := range a.authorizers {
			if x.ID == rt.AuthorizerID {
				au = x
			}
		}
	}
	var scopes, iamRoles []string
	if rt != nil {
		scopes = append(scopes, rt.Scopes...)
		iamRoles = append(iamRoles, rt.IAMRoles...)
	}
	s.mu.RUnlock()
	if rt == nil {
		c.routeKey, c.errMsg, c.respType = "-", "Not Found", "MISSING_AUTHENTICATION_TOKEN"
		finish(http.StatusNotFound, bodyNotFound, nil)
		return
	}
	c.routeKey = rt.Key
	authorizer := map[string]any(nil)
	switch {
	case rt.AuthType == "NONE" || rt.AuthType == "":
	case rt.AuthType == "AWS_IAM":
		iam, refusal := s.authorizeIAM(r, c, iamRoles)
		if refusal != nil {
			finish(refusal.status, refusal.body, refusal.hdr)
			return
		}
		authorizer = map[string]any{"iam": iam}
	case au == nil:
		c.authErr, c.errMsg = "authorizer "+rt.AuthorizerID+" not found", "Internal Server Error"
		finish(http.StatusInternalServerError, bodyInternal, nil)
		return
	case rt.AuthType == "JWT" && au.Type == "JWT":
		claims, status, www := s.authorizeJWT(au, r, scopes)
		if status != 0 {
			c.authErr = www
			if _, d, ok := strings.Cut(www, `error_description="`); ok {
				c.authErr = strings.TrimSuffix(d, `"`)
			}
			if status == 401 {
				c.errMsg, c.respType = "Unauthorized", "UNAUTHORIZED"
				if www == "" {
					c.authErr = "identity source missing"
				}
				finish(status, bodyUnauthorized, wwwHeader(www))
			} else {
				c.errMsg, c.respType = "Forbidden", "ACCESS_DENIED"
				finish(status, bodyForbidden, wwwHeader(www))
			}
			return
		}
		c.claims = claims
		var sc any // null when the route has no scopes (obs)
		if len(scopes) > 0 {
			sc = scopes
		}
		authorizer = map[string]any{"jwt": map[string]any{"claims": stringClaimsHTTP(claims), "scopes": sc}}
	case rt.AuthType == "CUSTOM" && au.Type == "REQUEST":
		out := s.authorizeLambdaHTTP(au, r, a, rt, c)
		if out.status != 0 {
			body := bodyForbidden
			switch out.status {
			case 401:
				body, c.errMsg, c.respType = bodyUnauthorized, "Unauthorized", "UNAUTHORIZED"
			case 500:
				body, c.errMsg, c.respType = bodyInternal, "Internal Server Error", "AUTHORIZER_FAILURE"
			default:
				c.errMsg, c.respType = "Forbidden", "ACCESS_DENIED"
			}
			finish(out.status, body, nil)
			return
		}
		authorizer = map[string]any{"lambda": out.context}
		c.lambdaCtx = out.context
		if out.principalID != "" {
			authorizer["principalId"] = out.principalID
			c.principalID = out.principalID
		}
	default:
		c.authErr, c.errMsg = fmt.Sprintf("route authorization type %s with a %s authorizer", rt.AuthType, au.Type), "Internal Server Error"
		finish(http.StatusInternalServerError, bodyInternal, nil)
		return
	}
	event := map[string]any{
		"version": "2.0", "routeKey": rt.Key, "rawPath": c.path, "rawQueryString": r.URL.RawQuery,
		"headers": lowerHeaders(r.Header), "pathParameters": params, "isBase64Encoded": false,
		"requestContext": map[string]any{
			"accountId": s.opts.AccountID, "apiId": a.ID, "authorizer": authorizer,
			"domainName": r.Host, "domainPrefix": a.ID,
			"http": map[string]any{"method": r.Method, "path": c.path, "protocol": r.Proto,
				"sourceIp": c.sourceIP, "userAgent": r.UserAgent()},
			"requestId": c.requestID, "routeKey": rt.Key, "stage": "$default",
			"time": clf(c.start), "timeEpoch": c.start.UnixMilli(),
		},
	}
	if q := r.URL.Query(); len(q) > 0 {
		qs := map[string]string{}
		for k, v := range q {
			qs[k] = strings.Join(v, ",")
		}
		event["queryStringParameters"] = qs
	}
	b, _ := json.Marshal(event)
	finish(http.StatusOK, string(b), nil)
}

// iamRefusal is an AWS_IAM route's answer to a refused call.
type iamRefusal struct {
	status int
	body   string
	hdr    map[string]string
}

// authorizeIAM checks an AWS_IAM route's call: the SigV4 signature
// through Options.IAMAuth, then the caller's role against the route's
// roles. It returns requestContext.authorizer.iam as a payload 2.0 event
// carries it, or the refusal as API Gateway words it (cognito-protocol.md
// §6.3).
func (s *Service) authorizeIAM(r *http.Request, c *call, roles []string) (map[string]any, *iamRefusal) {
	refuse := func(status int, msg, errType, respType string) (map[string]any, *iamRefusal) {
		c.errMsg, c.respType, c.authErr = msg, respType, msg
		b, _ := json.Marshal(map[string]string{"message": msg})
		return nil, &iamRefusal{status, string(b), map[string]string{"x-amzn-ErrorType": errType}}
	}
	if s.opts.IAMAuth == nil {
		c.authErr, c.errMsg = "no identity service to check SigV4 signatures", "Internal Server Error"
		return nil, &iamRefusal{http.StatusInternalServerError, bodyInternal, nil}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxIAMBody+1))
	if err != nil || len(body) > maxIAMBody {
		return refuse(http.StatusRequestEntityTooLarge, "Request Too Long", "RequestTooLongException", "REQUEST_TOO_LARGE")
	}
	caller, err := s.opts.IAMAuth(r, body)
	var ae *IAMAuthError
	switch {
	case err == nil:
	case errors.As(err, &ae):
		switch ae.Code {
		case "MissingAuthenticationToken":
			c.errMsg, c.respType, c.authErr = "Missing Authentication Token", "MISSING_AUTHENTICATION_TOKEN", ae.Message
			return nil, &iamRefusal{http.StatusForbidden, bodyMissingToken, map[string]string{"x-amzn-ErrorType": "MissingAuthenticationTokenException"}}
		case "SignatureDoesNotMatch":
			return refuse(http.StatusForbidden, ae.Message, "InvalidSignatureException", "INVALID_SIGNATURE")
		case "IncompleteSignature":
			return refuse(http.StatusForbidden, ae.Message, "IncompleteSignatureException", "INVALID_SIGNATURE")
		case "ExpiredToken":
			return refuse(http.StatusForbidden, ae.Message, "ExpiredTokenException", "EXPIRED_TOKEN")
		default:
			return refuse(http.StatusForbidden, ae.Message, "UnrecognizedClientException", "DEFAULT_4XX")
		}
	default:
		c.authErr, c.errMsg = err.Error(), "Internal Server Error"
		return nil, &iamRefusal{http.StatusInternalServerError, bodyInternal, nil}
	}
	if len(roles) > 0 && !slices.Contains(roles, caller.RoleARN) {
		resource := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s%s", s.opts.Region, s.opts.AccountID, c.apiID, c.stage, r.Method, c.path)
		msg := "User: " + caller.Arn + " is not authorized to perform: execute-api:Invoke on resource: " + resource
		c.errMsg, c.respType, c.authErr = msg, "ACCESS_DENIED", msg
		b, _ := json.Marshal(map[string]string{"Message": msg})
		return nil, &iamRefusal{http.StatusForbidden, string(b), map[string]string{"x-amzn-ErrorType": "AccessDeniedException"}}
	}
	c.principalID = caller.Arn
	var cognito any // null unless the credentials come from an identity pool
	if caller.IdentityID != "" {
		cognito = map[string]any{"identityId": caller.IdentityID, "identityPoolId": caller.IdentityPoolID}
	}
	return map[string]any{
		"accessKey": caller.AccessKeyID, "accountId": caller.Account, "callerId": caller.UserID,
		"cognitoIdentity": cognito, "principalOrgId": nil, "userArn": caller.Arn, "userId": caller.UserID,
	}, nil
}

// maxIAMBody bounds the body read to check an AWS_IAM call's signature
// (API Gateway's own payload limit is 10 MB).
const maxIAMBody = 10 << 20

func wwwHeader(v string) map[string]string {
	if v == "" {
		return nil
	}
	return map[string]string{"www-authenticate": v}
}

func lowerHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = strings.Join(v, ",")
	}
	return out
}

func clf(t time.Time) string { return t.UTC().Format("02/Jan/2006:15:04:05 -0700") }

// matchRoute finds the route for method and path: a route of that
// method before ANY, literal segments before {params}, $default last.
func matchRoute(routes []*route, method, path string) (*route, map[string]string) {
	var best *route
	var bestParams map[string]string
	bestScore := -1
	for _, rt := range routes {
		if rt.Key == "$default" {
			continue
		}
		if rt.Method != method && rt.Method != "ANY" {
			continue
		}
		params, score, ok := matchPath(rt.Path, path)
		if !ok {
			continue
		}
		if rt.Method != "ANY" {
			score += 1 << 20
		}
		if score > bestScore {
			best, bestParams, bestScore = rt, params, score
		}
	}
	if best != nil {
		return best, bestParams
	}
	for _, rt := range routes {
		if rt.Key == "$default" {
			return rt, nil
		}
	}
	return nil, nil
}

var paramRe = lazyregexp.New(`^\{([^{}+]+)(\+?)\}$`)

// matchPath matches a path against a template ("/orders/{id}",
// "/files/{proxy+}"); the score counts literal segments.
func matchPath(tmpl, path string) (map[string]string, int, bool) {
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if tmpl == "/" {
		ts = []string{}
	}
	if strings.Trim(path, "/") == "" {
		ps = []string{}
	}
	params := map[string]string{}
	score := 0
	for i, t := range ts {
		m := paramRe.FindStringSubmatch(t)
		if m != nil && m[2] == "+" {
			if i >= len(ps) {
				return nil, 0, false
			}
			params[m[1]] = strings.Join(ps[i:], "/")
			return params, score, true
		}
		if i >= len(ps) {
			return nil, 0, false
		}
		if m != nil {
			params[m[1]] = ps[i]
			continue
		}
		if t != ps[i] {
			return nil, 0, false
		}
		score++
	}
	if len(ps) != len(ts) {
		return nil, 0, false
	}
	return params, score, true
}

// authorizeJWT runs the HTTP API JWT authorizer (cognito-protocol.md
// §6.1). It returns the claims, or the refusal's status and
// www-authenticate value ("" when the identity source is missing).
func (s *Service) authorizeJWT(au *httpAuthorizer, r *http.Request, scopes []string) (map[string]any, int, string) {
	value := ""
	for _, src := range au.IdentitySource {
		if v, ok := identityValue(src, r, ""); ok {
			value = v
			break
		}
	}
	if strings.TrimSpace(value) == "" {
		return nil, 401, ""
	}
	invalid := func(f *failure) (map[string]any, int, string) {
		return nil, 401, fmt.Sprintf(`Bearer scope="" error="invalid_token" error_description="%s"`, f.description)
	}
	raw := bearerToken(value)
	if strings.ContainsAny(raw, " \t\r\n") {
		return invalid(&failParse)
	}
	issuer := s.expand(au.Issuer)
	t, f := s.verifyRaw(raw, issuer)
	if f != nil {
		return invalid(f)
	}
	if t.str("iss") != issuer {
		return invalid(&failIss)
	}
	// aud when present, else client_id.
	auds, hasAud := t.audiences()
	if !hasAud {
		if cid := t.str("client_id"); cid != "" {
			auds = []string{cid}
		}
	}
	if !overlaps(auds, au.Audience) {
		return invalid(&failAud)
	}
	if f := checkTimes(t, s.opts.Now()); f != nil {
		return invalid(f)
	}
	if len(scopes) > 0 && !overlaps(t.scopes(), scopes) {
		return nil, 403, fmt.Sprintf(`Bearer scope="%s" error="insufficient_scope" error_description="the token does not have the required scope"`, strings.Join(scopes, " "))
	}
	return t.claims, 0, ""
}

// identityValue reads one identity source ($request.header.X,
// $request.querystring.X, $context.routeKey).
func identityValue(src string, r *http.Request, routeKey string) (string, bool) {
	switch {
	case strings.HasPrefix(src, "$request.header."):
		v := r.Header.Get(strings.TrimPrefix(src, "$request.header."))
		return v, v != ""
	case strings.HasPrefix(src, "method.request.header."):
		v := r.Header.Get(strings.TrimPrefix(src, "method.request.header."))
		return v, v != ""
	case strings.HasPrefix(src, "$request.querystring."):
		v := r.URL.Query().Get(strings.TrimPrefix(src, "$request.querystring."))
		return v, v != ""
	case src == "$context.routeKey":
		return routeKey, routeKey != ""
	}
	return "", false
}

// stringClaimsHTTP renders claims as an HTTP API passes them: every value
// a string, arrays as "[a b]" (cognito-protocol.md §6.1).
func stringClaimsHTTP(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = claimString(v)
	}
	return out
}

func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = claimString(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// stringClaimsREST renders claims as a REST Cognito authorizer passes
// them: exp/iat as "Mon Jul 20 02:28:52 UTC 2026", one group bare,
// several as "[a b]" (cognito-protocol.md §6.2).
func stringClaimsREST(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		switch {
		case (k == "exp" || k == "iat") && isNumber(v):
			f, _ := v.(json.Number).Int64()
			out[k] = time.Unix(f, 0).UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
		default:
			if arr, ok := v.([]any); ok && len(arr) == 1 {
				out[k] = claimString(arr[0])
			} else {
				out[k] = claimString(v)
			}
		}
	}
	return out
}

func isNumber(v any) bool { _, ok := v.(json.Number); return ok }
