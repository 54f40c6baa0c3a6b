package inspect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// AuthorizerType is the kind of API Gateway authorizer to judge as.
type AuthorizerType string

// The authorizers Judge knows (cognito-protocol.md §6.1, §6.2).
const (
	// HTTPJWTAuthorizer is an HTTP API authorizer of type JWT.
	HTTPJWTAuthorizer AuthorizerType = "http-jwt"
	// RESTCognitoAuthorizer is a REST API authorizer of type
	// COGNITO_USER_POOLS.
	RESTCognitoAuthorizer AuthorizerType = "rest-cognito"
)

// Authorizer is a route's authorizer settings, as GetAuthorizer and
// GetRoute/GetMethod report them.
type Authorizer struct {
	Type AuthorizerType
	// IdentitySource is the header the token is read from; default
	// "Authorization" ($request.header.Authorization,
	// method.request.header.Authorization).
	IdentitySource string
	// Issuer and Audience are an HTTP API's JwtConfiguration.
	Issuer   string
	Audience []string
	// ProviderARNs are a REST authorizer's user pools
	// (arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>). Issuers
	// adds issuer URLs directly (a local stack's pools).
	ProviderARNs []string
	Issuers      []string
	// IdentityValidationExpression is a REST authorizer's regular
	// expression, matched against the token's aud.
	IdentityValidationExpression string
	// Scopes are the route's AuthorizationScopes (HTTP API) or the
	// method's authorizationScopes (REST).
	Scopes []string
}

// Judgement is what API Gateway would answer.
type Judgement struct {
	// Allowed is true when the request would reach the integration.
	Allowed bool
	// Status is the HTTP status the client would see from the gateway
	// itself; 0 when Allowed (the integration answers).
	Status int
	// Body is the gateway's response body, e.g. {"message":"Unauthorized"}.
	Body string
	// WWWAuthenticate is the HTTP API's www-authenticate header, if any.
	WWWAuthenticate string
	// ResponseType is the REST gateway response type (UNAUTHORIZED, ...)
	// and ErrorType its x-amzn-ErrorType.
	ResponseType, ErrorType string
	// Reason says in one line why the token was refused (or that it passes).
	Reason string
	// Mistakes name the common mistakes this request matches, plainly.
	Mistakes []string
	// Caveats say which parts of the judgement rest on behaviour AWS does
	// not document (observed, or unconfirmed).
	Caveats []string
	// Report is the verification behind the judgement; nil when no token
	// reached the authorizer.
	Report *Report
}

// arnRe matches a user pool ARN.
var arnRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d*:userpool/(.+)$`)
})

// IssuerFromPoolARN turns a user pool ARN into its issuer URL.
func IssuerFromPoolARN(arn string) (string, error) {
	m := arnRe().FindStringSubmatch(strings.TrimSpace(arn))
	if m == nil {
		return "", fmt.Errorf("%q is not a user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>)", arn)
	}
	return CognitoIssuer(m[1], m[2]), nil
}

const (
	bodyUnauthorized = `{"message":"Unauthorized"}`
	bodyForbidden    = `{"message":"Forbidden"}`
	bodyExpiredREST  = `{"message":"The incoming token has expired"}`
)

// httpDescriptions are the HTTP API's error_description phrases per
// failed check. Only the audience phrase is quoted in AWS documentation;
// the others are widely reported.
var httpDescriptions = map[CheckName]struct {
	text      string
	confirmed bool
}{
	CheckAud:       {"the token does not have a valid audience", true},
	CheckExp:       {"the token has expired", false},
	CheckIss:       {"the token does not have a valid issuer", false},
	CheckNbf:       {"the token is not valid yet", false},
	CheckIat:       {"the token is not valid yet", false},
	CheckSignature: {"the token signature is invalid", false},
	CheckKid:       {"the token signing key was not found", false},
	CheckAlg:       {"the token signing method is not supported", false},
	CheckParse:     {"the token is malformed", false},
}

// Judge says whether API Gateway would let a request with these headers
// through the authorizer, and with what status, body and headers it would
// refuse it. keys resolves the issuer's JWKS as the gateway would; now is
// the gateway's clock. The error is non-nil only when the keys could not be
// had (the real gateway might reach them).
func Judge(ctx context.Context, a Authorizer, headers http.Header, keys KeySource, now time.Time) (*Judgement, error) {
	if keys == nil {
		return nil, errors.New("judge: no key source")
	}
	header := a.IdentitySource
	if header == "" {
		header = "Authorization"
	}
	switch a.Type {
	case HTTPJWTAuthorizer, RESTCognitoAuthorizer:
	default:
		return nil, fmt.Errorf("judge: unknown authorizer type %q", a.Type)
	}
	j := &Judgement{}
	value := strings.TrimSpace(headers.Get(header))
	if value == "" {
		j.refuse(a, 401, bodyUnauthorized, fmt.Sprintf("no %s header: the authorizer's identity source is missing", header))
		if other := tokenHeader(headers, header); other != "" {
			j.Mistakes = append(j.Mistakes, fmt.Sprintf("the token is in the %s header, but the authorizer reads %s (the wrong header)", other, header))
		} else {
			j.Mistakes = append(j.Mistakes, fmt.Sprintf("send the token in the %s header", header))
		}
		return j, nil
	}
	token := value
	if scheme, rest, ok := strings.Cut(value, " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(rest)
		if a.Type == RESTCognitoAuthorizer {
			j.Caveats = append(j.Caveats, `REST Cognito authorizers document the raw token as the header value; AWS's own workshop shows "Bearer <token>" accepted, so it is judged accepted here. If the call fails, send the token alone`)
		}
	}
	if strings.ContainsAny(token, " \t\r\n") {
		j.refuse(a, 401, bodyUnauthorized, "the header value holds whitespace inside the token")
		j.Mistakes = append(j.Mistakes, "stray whitespace or a line break inside the token (a wrapped copy?)")
		return j, nil
	}
	if a.Type == HTTPJWTAuthorizer {
		return j, j.judgeHTTP(ctx, a, token, keys, now)
	}
	return j, j.judgeREST(ctx, a, token, keys, now)
}

// tokenHeader finds another header that carries something JWT-shaped.
func tokenHeader(h http.Header, skip string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.EqualFold(k, skip) {
			continue
		}
		for _, v := range h[k] {
			v = strings.TrimSpace(v)
			if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
				v = strings.TrimSpace(v[7:])
			}
			if strings.HasPrefix(v, "eyJ") && strings.Count(v, ".") >= 2 {
				return k
			}
		}
	}
	return ""
}

func (j *Judgement) refuse(a Authorizer, status int, body, reason string) {
	j.Allowed, j.Status, j.Body, j.Reason = false, status, body, reason
	if a.Type == RESTCognitoAuthorizer {
		switch status {
		case 401:
			j.ResponseType, j.ErrorType = "UNAUTHORIZED", "UnauthorizedException"
		case 403:
			j.ResponseType, j.ErrorType = "ACCESS_DENIED", "AccessDeniedException"
		}
	}
}

// evaluate runs the verifier's checks with the gateway's expectations.
func evaluateFor(ctx context.Context, issuer string, token string, keys KeySource, now time.Time) (*evaluation, *Report, error) {
	// Built directly: the gateway compares its configured issuer exactly,
	// so a bare pool id must not be expanded as NewVerifier would.
	v := &Verifier{opts: Options{Issuer: issuer, Now: func() time.Time { return now }, Keys: keys}, keys: keys, pinned: pinned(keys)}
	e := &evaluation{v: v, ctx: ctx, full: true}
	e.setNow(now)
	tok, derr := Decode(token)
	if derr == nil {
		e.tok = tok
		if err := parseHeader(tok.HeaderJSON, &e.hdr, false); err != nil {
			derr = err
		} else if err := parseClaims(tok.PayloadJSON, &e.cs, false); err != nil {
			derr = err
		} else {
			e.signingInput = []byte(tok.Raw[:strings.LastIndexByte(tok.Raw, '.')])
			e.sig = tok.Signature
		}
	}
	if derr != nil {
		e.checks[0] = failCheck(CheckParse, derr.Error())
		for i := 1; i < numChecks; i++ {
			e.checks[i] = skipCheck(CheckNames[i], "the token could not be decoded")
		}
		return e, e.report(tok), nil
	}
	err := e.run()
	var f *Failure
	if errors.As(err, &f) {
		err = nil
	}
	return e, e.report(tok), err
}

// firstFail returns the first failed check among names.
func firstFail(r *Report, names ...CheckName) (Check, bool) {
	for _, c := range r.Checks {
		for _, n := range names {
			if c.Name == n && c.Status == StatusFail {
				return c, true
			}
		}
	}
	return Check{}, false
}

func (j *Judgement) judgeHTTP(ctx context.Context, a Authorizer, token string, keys KeySource, now time.Time) error {
	e, r, err := evaluateFor(ctx, a.Issuer, token, keys, now)
	j.Report = r
	if err != nil {
		return err
	}
	invalid := func(check CheckName, reason string) {
		d := httpDescriptions[check]
		j.refuse(Authorizer{Type: HTTPJWTAuthorizer}, 401, bodyUnauthorized, reason)
		j.WWWAuthenticate = fmt.Sprintf(`Bearer scope="" error="invalid_token" error_description="%s"`, d.text)
		if !d.confirmed {
			j.Caveats = append(j.Caveats, fmt.Sprintf("the error_description %q is widely reported, not documented by AWS", d.text))
		}
	}
	if c, bad := firstFail(r, CheckParse); bad {
		invalid(CheckParse, c.Detail)
		j.mistakesForParse(r, token)
		return nil
	}
	// The JWT authorizer checks signature, issuer, audience and times;
	// token_use is not its business (an ID token passes a route without
	// scopes when its aud is listed).
	if c, bad := firstFail(r, CheckAlg, CheckKid, CheckSignature); bad {
		invalid(c.Name, c.Name.String()+": "+c.Detail)
		j.mistakesFor(c, r)
		return nil
	}
	if a.Issuer == "" {
		// Without one the keys came from the token's own iss: nothing an
		// authorizer would accept.
		invalid(CheckIss, "the authorizer has no issuer configured")
		return nil
	}
	if c, bad := firstFail(r, CheckIss); bad {
		invalid(c.Name, c.Name.String()+": "+c.Detail)
		j.mistakesFor(c, r)
		return nil
	}
	// aud if present, else client_id (API Gateway evaluates aud when both
	// are there).
	aud := e.cs.audience()
	field, got := aud.field, aud.values()
	if field == "" {
		field = "aud or client_id"
	}
	if aud.bad != "" {
		invalid(CheckAud, aud.bad)
		j.Mistakes = append(j.Mistakes, "the token's "+aud.field+" is of the wrong type; API Gateway evaluates aud whenever the token has one")
		return nil
	}
	if !overlaps(got, a.Audience) {
		invalid(CheckAud, fmt.Sprintf("%s %s is not in the authorizer's audience list (%s)", field, quoteList(got), listOr(a.Audience, "an empty list")))
		switch {
		case field == "client_id":
			j.Mistakes = append(j.Mistakes, "an access token has no aud: API Gateway compares its client_id with the audience list, so the list must hold the app client id")
		case field == "aud" && e.cs.clientID != "" && overlaps([]string{e.cs.clientID}, a.Audience):
			j.Mistakes = append(j.Mistakes, fmt.Sprintf("the audience list holds the token's client_id %q, but the token has an aud, and then only aud is evaluated", e.cs.clientID))
		case field == "aud":
			j.Mistakes = append(j.Mistakes, "the audience list lacks the app client id the token was issued to")
		default:
			j.Mistakes = append(j.Mistakes, "the token names no client (neither aud nor client_id)")
		}
		return nil
	}
	if c, bad := firstFail(r, CheckExp, CheckNbf); bad {
		invalid(c.Name, c.Name.String()+": "+c.Detail)
		j.mistakesFor(c, r)
		return nil
	}
	if e.cs.present(cIat) && !e.cs.wrong(cIat) && e.cs.iat > e.nowSec {
		invalid(CheckIat, "iat is in the future")
		j.Mistakes = append(j.Mistakes, "the token was issued in the future by the gateway's clock (clock skew)")
		return nil
	}
	if len(a.Scopes) > 0 {
		have := splitSpaces(e.cs.scope)
		if e.cs.scope == "" && len(e.cs.scp) > 0 {
			have = e.cs.scp
		}
		if !overlaps(have, a.Scopes) {
			j.refuse(Authorizer{Type: HTTPJWTAuthorizer}, 403, bodyForbidden,
				fmt.Sprintf("the token's scopes (%s) hold none of the route's (%s)", listOr(have, "it has none"), quoteList(a.Scopes)))
			j.WWWAuthenticate = fmt.Sprintf(`Bearer scope="%s" error="insufficient_scope" error_description="the token does not have the required scope"`, strings.Join(a.Scopes, " "))
			j.Caveats = append(j.Caveats, "the form of the insufficient_scope header is unconfirmed")
			if e.cs.tokenUse == "id" {
				j.Mistakes = append(j.Mistakes, "an ID token sent where scopes are required: ID tokens carry no scope, send the access token")
			} else {
				j.Mistakes = append(j.Mistakes, scopeHint(have))
			}
			return nil
		}
	}
	j.Allowed, j.Reason = true, "the token passes the JWT authorizer"
	if e.cs.tokenUse == "id" && len(a.Scopes) == 0 {
		j.Mistakes = append(j.Mistakes, "an ID token passes here because its aud is listed; APIs usually want the access token")
	}
	return nil
}

func (j *Judgement) judgeREST(ctx context.Context, a Authorizer, token string, keys KeySource, now time.Time) error {
	var issuers []string
	for _, arn := range a.ProviderARNs {
		iss, err := IssuerFromPoolARN(arn)
		if err != nil {
			return fmt.Errorf("judge: %w", err)
		}
		issuers = append(issuers, iss)
	}
	issuers = append(issuers, a.Issuers...)
	if len(issuers) == 0 {
		return errors.New("judge: a REST Cognito authorizer needs at least one user pool (ProviderARNs or Issuers)")
	}
	// Keys come from the token's pool when the authorizer trusts it, else
	// from the first configured pool (where the token's kid is unknown).
	issuer := issuers[0]
	if tok, err := Decode(token); err == nil {
		var cs claimSet
		if parseClaims(tok.PayloadJSON, &cs, false) == nil {
			for _, iss := range issuers {
				if cs.iss == iss {
					issuer = iss
				}
			}
		}
	}
	e, r, err := evaluateFor(ctx, issuer, token, keys, now)
	j.Report = r
	if err != nil {
		return err
	}
	unauthorized := func(reason string) { j.refuse(a, 401, bodyUnauthorized, reason) }
	if c, bad := firstFail(r, CheckParse); bad {
		unauthorized(c.Detail)
		j.mistakesForParse(r, token)
		return nil
	}
	if c, bad := firstFail(r, CheckAlg, CheckKid, CheckSignature, CheckIss); bad {
		unauthorized(c.Name.String() + ": " + c.Detail)
		if c.Name == CheckIss && len(issuers) > 1 {
			c.Hint = "the token's pool is not among the authorizer's user pools"
		}
		j.mistakesFor(c, r)
		return nil
	}
	if c, bad := firstFail(r, CheckExp); bad {
		j.refuse(a, 401, bodyExpiredREST, "exp: "+c.Detail)
		j.mistakesFor(c, r)
		return nil
	}
	if c, bad := firstFail(r, CheckNbf, CheckIat); bad {
		unauthorized(c.Name.String() + ": " + c.Detail)
		j.mistakesFor(c, r)
		return nil
	}
	if c, bad := firstFail(r, CheckTokenUse); bad {
		unauthorized(c.Detail)
		return nil
	}
	if len(a.Scopes) == 0 {
		if e.cs.tokenUse != "id" {
			unauthorized("the method has no OAuth scopes, so the authorizer expects an ID token; this is an access token")
			j.Mistakes = append(j.Mistakes, "an access token sent to a method without authorization scopes: send the ID token, or add scopes to the method")
			return nil
		}
	} else {
		if e.cs.tokenUse != "access" {
			unauthorized(fmt.Sprintf("the method requires scopes (%s), so the authorizer expects an access token; this is an ID token", quoteList(a.Scopes)))
			j.Mistakes = append(j.Mistakes, "an ID token sent where scopes are required: send the access token")
			return nil
		}
		have := splitSpaces(e.cs.scope)
		if !overlaps(have, a.Scopes) {
			unauthorized(fmt.Sprintf("the token's scopes (%s) hold none of the method's (%s)", listOr(have, "it has none"), quoteList(a.Scopes)))
			j.Mistakes = append(j.Mistakes, scopeHint(have))
			return nil
		}
	}
	if a.IdentityValidationExpression != "" {
		re, err := regexp.Compile(a.IdentityValidationExpression)
		if err != nil {
			return fmt.Errorf("judge: identity validation expression: %w", err)
		}
		aud := e.cs.aud
		if e.cs.audIsList {
			aud = strings.Join(e.cs.audList, ",")
		}
		if !re.MatchString(aud) {
			unauthorized(fmt.Sprintf("aud %q does not match the identity validation expression %q", aud, a.IdentityValidationExpression))
			if e.cs.tokenUse == "access" {
				j.Mistakes = append(j.Mistakes, "an access token sent to an audience check that looks at aud: access tokens have no aud (their client is in client_id), so the expression can never match")
			}
			return nil
		}
	}
	j.Allowed, j.Reason = true, "the token passes the Cognito user-pool authorizer"
	if e.cs.tokenUse == "id" {
		j.Mistakes = append(j.Mistakes, "ID tokens are not revoked by sign-out: this one stays accepted until exp")
	}
	return nil
}

// mistakesFor adds plain-words explanations for a failed check.
func (j *Judgement) mistakesFor(c Check, r *Report) {
	switch c.Name {
	case CheckExp:
		j.Mistakes = append(j.Mistakes, "an expired token: the client reused a cached token instead of refreshing it")
	case CheckIss, CheckKid:
		if c.Hint != "" {
			j.Mistakes = append(j.Mistakes, c.Hint)
		} else {
			j.Mistakes = append(j.Mistakes, "a token from another user pool or region")
		}
	case CheckAlg:
		if c.Attack != "" {
			j.Mistakes = append(j.Mistakes, "a forged token: "+c.Attack)
		}
	case CheckSignature:
		j.Mistakes = append(j.Mistakes, "a tampered or truncated token")
	case CheckNbf, CheckIat:
		j.Mistakes = append(j.Mistakes, "the gateway's clock and the issuer's disagree")
	}
}

func (j *Judgement) mistakesForParse(r *Report, token string) {
	_, err := Decode(token)
	var je *JWEError
	switch {
	case errors.As(err, &je):
		j.Mistakes = append(j.Mistakes, "a refresh token (encrypted, opaque) sent as a bearer token: send the ID or access token")
	default:
		j.Mistakes = append(j.Mistakes, "the header does not hold a whole JWT (cut off, quoted, or another kind of token)")
	}
}

func overlaps(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h == w {
				return true
			}
		}
	}
	return false
}

// String returns the check's name.
func (n CheckName) String() string { return string(n) }
