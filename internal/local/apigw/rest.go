package apigw

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// ---- REST API (cognito-protocol.md §6.2, §6.3) ----

func (s *Service) serveRestAPI(w http.ResponseWriter, r *http.Request, a *restAPI, c *call) {
	hdr := map[string]string{"x-amzn-RequestId": c.requestID, "x-amz-apigw-id": c.extendedID}
	finish := func(status int, body, errType string) {
		if errType != "" {
			hdr["x-amzn-ErrorType"] = errType
		}
		c.status = status
		writeRaw(w, status, body, hdr)
		s.accessLogREST(a, c)
	}
	missing := func() {
		c.routeKey, c.errMsg, c.respType = "-", "Missing Authentication Token", "MISSING_AUTHENTICATION_TOKEN"
		finish(http.StatusForbidden, bodyMissingToken, "MissingAuthenticationTokenException")
	}
	stage, p, _ := strings.Cut(strings.TrimPrefix(c.path, "/"), "/")
	c.stage, c.path = stage, "/"+p
	s.mu.RLock()
	if stage != a.Stage {
		s.mu.RUnlock()
		missing()
		return
	}
	var res *resource
	var params map[string]string
	best := -1
	for _, rs := range a.resources {
		ps, score, ok := matchPath(rs.Path, c.path)
		if ok && score > best {
			res, params, best = rs, ps, score
		}
	}
	var m *method
	if res != nil {
		m = res.methods[r.Method]
		if m == nil {
			m = res.methods["ANY"]
		}
	}
	var au *restAuthorizer
	var scopes []string
	if m != nil {
		scopes = append(scopes, m.Scopes...)
		for _, x := range a.authorizers {
			if x.ID == m.AuthorizerID {
				au = x
			}
		}
	}
	s.mu.RUnlock()
	if m == nil {
		missing()
		return
	}
	c.routeKey = res.Path
	authorizer := map[string]any{}
	switch {
	case m.AuthType == "NONE" || m.AuthType == "":
	case au == nil:
		c.authErr, c.errMsg, c.respType = "authorizer not found", "null", "AUTHORIZER_CONFIGURATION_ERROR"
		finish(500, bodyNull, "AuthorizerConfigurationException")
		return
	case m.AuthType == "COGNITO_USER_POOLS" && au.Type == "COGNITO_USER_POOLS":
		claims, status, body, reason := s.authorizeCognito(au, r, scopes)
		if status != 0 {
			c.authErr, c.errMsg, c.respType = reason, "Unauthorized", "UNAUTHORIZED"
			if body == bodyExpiredREST {
				c.errMsg = "The incoming token has expired"
			}
			finish(status, body, "UnauthorizedException")
			return
		}
		c.claims = claims
		authorizer["claims"] = stringClaimsREST(claims)
	case m.AuthType == "CUSTOM" && au.Type == "TOKEN":
		arn := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s/%s", s.opts.Region, s.opts.AccountID, a.ID, stage, r.Method, strings.TrimPrefix(c.path, "/"))
		out := s.authorizeLambdaREST(au, r, arn, c)
		if out.status != 0 {
			switch {
			case out.status == 401:
				c.errMsg, c.respType = "Unauthorized", "UNAUTHORIZED"
				finish(401, bodyUnauthorized, "UnauthorizedException")
			case out.status == 500:
				c.errMsg, c.respType = "null", "AUTHORIZER_CONFIGURATION_ERROR"
				finish(500, bodyNull, "AuthorizerConfigurationException")
			case out.explicitDeny:
				c.errMsg, c.respType = "User is not authorized to access this resource with an explicit deny", "ACCESS_DENIED"
				finish(403, bodyExplicitDenyRST, "AccessDeniedException")
			default:
				c.errMsg, c.respType = "User is not authorized to access this resource", "ACCESS_DENIED"
				finish(403, bodyDeniedREST, "AccessDeniedException")
			}
			return
		}
		c.principalID, c.lambdaCtx = out.principalID, out.context
		for k, v := range out.context {
			authorizer[k] = claimString(v) // REST stringifies context values
		}
		authorizer["principalId"] = out.principalID
	default:
		c.authErr, c.errMsg, c.respType = "unsupported authorizer", "null", "AUTHORIZER_CONFIGURATION_ERROR"
		finish(500, bodyNull, "AuthorizerConfigurationException")
		return
	}
	event := map[string]any{
		"resource": res.Path, "path": c.path, "httpMethod": r.Method, "headers": flatHeaders(r.Header),
		"pathParameters": params, "isBase64Encoded": false,
		"requestContext": map[string]any{
			"accountId": s.opts.AccountID, "apiId": a.ID, "authorizer": authorizer, "domainName": r.Host,
			"extendedRequestId": c.extendedID, "httpMethod": r.Method, "path": "/" + stage + c.path,
			"protocol": r.Proto, "requestId": c.requestID, "requestTime": clf(c.start),
			"requestTimeEpoch": c.start.UnixMilli(), "resourceId": res.ID, "resourcePath": res.Path, "stage": stage,
			"identity": map[string]any{"sourceIp": c.sourceIP, "userAgent": r.UserAgent()},
		},
	}
	if q := r.URL.Query(); len(q) > 0 {
		qs := map[string]string{}
		for k, v := range q {
			qs[k] = v[len(v)-1]
		}
		event["queryStringParameters"] = qs
	}
	b, _ := json.Marshal(event)
	finish(http.StatusOK, string(b), "")
}

func flatHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ",")
	}
	return out
}

var poolARNRe = lazyregexp.New(`^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d*:userpool/(.+)$`)

// authorizeCognito runs a COGNITO_USER_POOLS authorizer: the ID token on
// methods without scopes, an access token holding one of them otherwise.
// It returns the claims or the refusal (status, body, reason).
func (s *Service) authorizeCognito(au *restAuthorizer, r *http.Request, scopes []string) (map[string]any, int, string, string) {
	value, _ := identityValue(au.IdentitySource, r, "")
	value = strings.TrimSpace(value)
	unauthorized := func(reason string) (map[string]any, int, string, string) {
		return nil, 401, bodyUnauthorized, reason
	}
	if value == "" {
		return unauthorized("identity source missing")
	}
	raw := bearerToken(value)
	if strings.ContainsAny(raw, " \t\r\n") {
		return unauthorized("whitespace in the token")
	}
	t, _, err := s.decodeCached(raw)
	if err != nil {
		return unauthorized("malformed token: " + err.Error())
	}
	var issuers []string
	for _, arn := range au.ProviderARNs {
		if m := poolARNRe.FindStringSubmatch(arn); m != nil {
			issuers = append(issuers, strings.TrimRight(s.opts.Endpoint(), "/")+"/"+m[1])
		}
	}
	if len(issuers) == 0 {
		return unauthorized("no user pool")
	}
	issuer := issuers[0]
	for _, iss := range issuers {
		if t.str("iss") == iss {
			issuer = iss
		}
	}
	if _, f := s.verifyRaw(raw, issuer); f != nil {
		return unauthorized(f.description)
	}
	if t.str("iss") != issuer {
		return unauthorized(failIss.description)
	}
	if f := checkTimes(t, s.opts.Now()); f != nil {
		if f == &failExp {
			return nil, 401, bodyExpiredREST, f.description
		}
		return unauthorized(f.description)
	}
	use := t.str("token_use")
	if use != "id" && use != "access" {
		return unauthorized(failTokenUse.description)
	}
	if len(scopes) == 0 {
		if use != "id" {
			return unauthorized("an access token on a method without scopes (an ID token is expected)")
		}
	} else {
		if use != "access" {
			return unauthorized("an ID token on a method with scopes (an access token is expected)")
		}
		if !overlaps(t.scopes(), scopes) {
			return unauthorized("the token has none of the method's scopes")
		}
	}
	if au.IdentityValidation != "" {
		re, err := regexp.Compile(au.IdentityValidation)
		if err != nil {
			return unauthorized("bad identity validation expression")
		}
		auds, _ := t.audiences()
		if !re.MatchString(strings.Join(auds, ",")) {
			return unauthorized("aud does not match the identity validation expression")
		}
	}
	return t.claims, 0, "", ""
}
