package apicall

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Explainer explains 401/403 (and gateway 404/500) answers.
type Explainer struct {
	// Route is the called route's configuration when the caller knows it
	// (a profile's route); else Config is searched by URL.
	Route  *apiconfig.Route
	Config *apiconfig.Config
	// Keys resolve issuers' JWKS for the inspector's judgement; nil skips
	// the judgement (the explanation then rests on the answer alone).
	Keys inspect.KeySource
	// Now is the gateway's clock as the inspector should assume it;
	// default time.Now.
	Now func() time.Time
	// PoolIssuer maps a REST authorizer's user pool id to its issuer; nil
	// means AWS's https://cognito-idp.<region>.amazonaws.com/<id>. A local
	// stack's is <endpoint>/<id>.
	PoolIssuer func(poolID string) string
	// Judged is the inspector's judgement of this very request against
	// this route, when the caller made it before sending
	// (doctor.Prediction.Judgement, from JudgeRoute): Explain rests on it
	// instead of judging the token a second time. nil: Explain judges.
	Judged *inspect.Judgement
}

// Judgement is the explanation of a refused call, as data: stable codes
// (Cause, Fix, FailedCheck, Warnings) for the CLI and the console to
// phrase, and the server's raw text.
type Judgement struct {
	Status int `json:"status"`
	// Message is the body's "message" (or REST policy denials'
	// "Message"), raw; MessageNull says it was JSON null.
	Message     string `json:"message,omitempty"`
	MessageNull bool   `json:"messageNull,omitempty"`
	// WWWAuthenticate is the parsed www-authenticate header (HTTP API JWT
	// authorizers).
	WWWAuthenticate *WWWAuthenticate `json:"wwwAuthenticate,omitempty"`
	ErrorType       string           `json:"errorType,omitempty"`
	// Route is the route configuration the explanation used.
	Route *apiconfig.Route `json:"route,omitempty"`
	// TokenUse is the sent token's token_use ("id", "access"), if any.
	TokenUse string `json:"tokenUse,omitempty"`
	// FailedCheck names the authorizer check that failed: identity_source,
	// parse, alg, kid, signature, iss, aud, exp, nbf, iat, token_use,
	// scope, route, lambda; for AWS_IAM routes iam_policy, sigv4_signature,
	// sigv4_credentials.
	FailedCheck string `json:"failedCheck,omitempty"`
	// Cause and Fix are stable codes (see Causes); Catalogue the
	// failure-catalogue row.
	Cause     string `json:"cause"`
	Fix       string `json:"fix,omitempty"`
	Catalogue string `json:"catalogue,omitempty"`
	// Entry is the `cogscope explain` entry of the cause (EntryID):
	// "gateway.forbidden.scope".
	Entry    string   `json:"entry,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Reason, Mistakes and Caveats come from the inspector's judgement.
	Reason   string   `json:"reason,omitempty"`
	Mistakes []string `json:"mistakes,omitempty"`
	Caveats  []string `json:"caveats,omitempty"`
	// Predicted is what the inspector says the gateway answers; Agrees
	// that the real answer matches it.
	Predicted *Prediction `json:"predicted,omitempty"`
	// For an unknown route, when the API's configuration is known:
	// RouteProblem is "wrong-method" (the path exists with other methods),
	// "wrong-stage" (REST: no such stage) or "no-such-path"; Known lists
	// the API's routes ("GET /orders") or stages.
	RouteProblem string   `json:"routeProblem,omitempty"`
	Known        []string `json:"known,omitempty"`
	// LogGroups are where to read more: the stage's access log and the
	// Lambda authorizer's /aws/lambda/<function> (from the configuration).
	LogGroups []string `json:"logGroups,omitempty"`
}

// Prediction is the inspector's expected answer.
type Prediction struct {
	Status          int    `json:"status"` // 0 = allowed (the integration answers)
	Body            string `json:"body,omitempty"`
	WWWAuthenticate string `json:"wwwAuthenticate,omitempty"`
	Agrees          bool   `json:"agrees"`
}

// WWWAuthenticate is a parsed Bearer challenge.
type WWWAuthenticate struct {
	Raw              string `json:"raw"`
	Scheme           string `json:"scheme"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"errorDescription,omitempty"`
	Scope            string `json:"scope"`
}

var wwwParamRe = lazyregexp.New(`([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))`)

// ParseWWWAuthenticate reads `Bearer scope="" error="invalid_token"
// error_description="…"` (AWS separates with spaces; commas are accepted
// too).
func ParseWWWAuthenticate(v string) *WWWAuthenticate {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	w := &WWWAuthenticate{Raw: v}
	scheme, rest, _ := strings.Cut(v, " ")
	if strings.Contains(scheme, "=") {
		rest = v
	} else {
		w.Scheme = scheme
	}
	for _, m := range wwwParamRe.FindAllStringSubmatch(rest, -1) {
		val := m[2]
		if m[3] != "" {
			val = m[3]
		}
		val = strings.ReplaceAll(val, `\"`, `"`)
		switch strings.ToLower(m[1]) {
		case "error":
			w.Error = val
		case "error_description":
			w.ErrorDescription = val
		case "scope":
			w.Scope = val
		}
	}
	return w
}

// Cause codes.
const (
	CauseUnknownRoute       = "unknown-route"
	CauseNoToken            = "no-token"
	CauseExpired            = "expired"
	CauseWrongAudience      = "wrong-audience"
	CauseWrongIssuer        = "wrong-issuer"
	CauseUnknownKey         = "unknown-key"
	CauseBadSignature       = "bad-signature"
	CauseMalformed          = "malformed-token"
	CauseNotYetValid        = "not-yet-valid"
	CauseIDTokenNeedsScope  = "id-token-on-scoped-route"
	CauseAccessTokenForID   = "access-token-on-id-route"
	CauseMissingScope       = "missing-scope"
	CauseLambdaDenied       = "lambda-denied"
	CauseLambdaUnauthorized = "lambda-unauthorized"
	CausePolicyDenied       = "lambda-policy-denied"
	CauseExplicitDeny       = "lambda-explicit-deny"
	CauseAuthorizerError    = "authorizer-error"
	CauseIAM                = "iam-signature-required"
	CauseIAMDenied          = "iam-not-authorized"
	CauseIAMSignature       = "iam-bad-signature"
	CauseIAMCredentials     = "iam-bad-credentials"
	CauseUnknown            = "unknown"
)

// Warning codes.
const (
	// WarnBearerToRESTCognito: "Bearer " went to a REST Cognito
	// authorizer, whose documented form is the bare token.
	WarnBearerToRESTCognito = "bearer-prefix-rest-cognito"
	// WarnCachedPolicy: a Lambda authorizer with a result cache may be
	// answering with another route's cached policy.
	WarnCachedPolicy = "authorizer-cache"
)

// Causes are plain-words defaults for each cause code: what went wrong
// and the fix. FixText names no flag, key or command: the CLI and the
// console add their own words for the fix (FixPhrase with their Hints,
// keyed by the Fix code).
var Causes = map[string]struct{ Fix, Text, FixText, Catalogue string }{
	CauseUnknownRoute:       {"check-path-method-stage", "no route matches this method and path: it is not about the token", "check the path, the HTTP method and (REST) the stage; a resource that was never deployed answers the same", "c31"},
	CauseNoToken:            {"send-token", "the authorizer's identity source (the token header) is missing", "send a token in the header the authorizer reads", "c26"},
	CauseExpired:            {"refresh-token", "the token has expired", "refresh the session (or sign in again) and resend", "c27"},
	CauseWrongAudience:      {"add-client-to-audience", "the token's client (aud, or client_id for access tokens) is not in the authorizer's audience list", "add the app client id to the JWT authorizer's audience, or use a token of a listed client", "c28"},
	CauseWrongIssuer:        {"match-issuer", "the token's issuer is not the authorizer's", "set the authorizer's issuer to https://cognito-idp.<region>.amazonaws.com/<poolId> of the token's pool, exactly", "c29"},
	CauseUnknownKey:         {"token-from-authorizer-pool", "the token was signed by a key the authorizer's issuer does not publish: a token of another pool, region or environment", "sign in to the pool the authorizer trusts", "c29"},
	CauseBadSignature:       {"send-untampered-token", "the signature does not match: the token was changed or cut", "send the token exactly as issued", ""},
	CauseMalformed:          {"send-whole-jwt", "the header does not hold a whole JWT", "send the whole ID or access token (not a refresh token, not quoted)", ""},
	CauseNotYetValid:        {"check-clock", "the token is not valid yet by the gateway's clock", "check the clocks", ""},
	CauseIDTokenNeedsScope:  {"send-access-token", "an ID token was sent to a route with scopes; ID tokens carry no scope", "send the access token", "c30"},
	CauseAccessTokenForID:   {"send-id-token", "an access token was sent to a REST Cognito authorizer method without OAuth scopes, which expects the ID token", "send the ID token, or add authorization scopes to the method", "c26"},
	CauseMissingScope:       {"request-scope", "the token holds none of the route's scopes", "request one of the route's scopes when signing in (hosted UI / client credentials); API sign-ins only get aws.cognito.signin.user.admin", "c30"},
	CauseLambdaDenied:       {"check-authorizer-logs", "the Lambda authorizer refused the request", "read the authorizer's log group (/aws/lambda/<function>) for its decision", "c33"},
	CauseLambdaUnauthorized: {"check-authorizer-logs", "the Lambda authorizer answered Unauthorized (or its identity source was missing)", "send the header the authorizer reads; read its log group for the decision", "c33"},
	CausePolicyDenied:       {"policy-resource-or-cache-key", "the authorizer's policy does not cover this method: often a policy cached for another method", "return a policy with a wildcard resource, or add the route to the identity sources, or set the TTL to 0", "c33"},
	CauseExplicitDeny:       {"check-authorizer-logs", "the authorizer's policy explicitly denies this method", "read the authorizer's log group for the policy it returned", "c33"},
	CauseAuthorizerError:    {"check-authorizer-logs", "the authorizer failed (error, timeout, malformed output, or no permission to invoke it)", "read $context.authorizer.error in the access log and the function's log group", ""},
	CauseIAM:                {"sign-request", "the route uses AWS_IAM authorization: it wants a SigV4 signature, not a JWT", "sign the request with AWS credentials", "c32"},
	CauseIAMDenied:          {"check-role-policy", "the signature is good, but the signer's role may not call execute-api:Invoke on this route", "use credentials of a role allowed on the route (see which role the identity pool gives), or allow the route in the role's policy", "c32"},
	CauseIAMSignature:       {"check-signing", "the SigV4 signature does not match: a wrong secret key, a request changed after signing, or signed for another service or region", "sign for service execute-api in the API's region, and send the request as signed", "c32"},
	CauseIAMCredentials:     {"refresh-credentials", "the signing credentials are expired or not valid (a missing or stale session token)", "get fresh credentials and sign again", "c32"},
	CauseUnknown:            {"", "the answer does not match a known authorizer refusal", "", ""},
}

// causeEntries are the `cogscope explain` entries (doctor.Entries,
// gateway.* and jwt.*) of the causes that have one; EntryID picks
// between the HTTP API and REST words where they differ.
var causeEntries = map[string]string{
	CauseUnknownRoute:       "gateway.not-found",
	CauseNoToken:            "gateway.unauthorized",
	CauseExpired:            "gateway.jwt.expired",
	CauseWrongAudience:      "gateway.jwt.audience",
	CauseWrongIssuer:        "gateway.jwt.issuer",
	CauseUnknownKey:         "gateway.jwt.signature",
	CauseBadSignature:       "gateway.jwt.signature",
	CauseMalformed:          "gateway.jwt.invalid_token",
	CauseNotYetValid:        "gateway.jwt.expired",
	CauseIDTokenNeedsScope:  "gateway.forbidden.scope",
	CauseAccessTokenForID:   "gateway.unauthorized",
	CauseMissingScope:       "gateway.forbidden.scope",
	CauseLambdaDenied:       "gateway.forbidden",
	CauseLambdaUnauthorized: "gateway.unauthorized",
	CausePolicyDenied:       "gateway.lambda.policy",
	CauseExplicitDeny:       "gateway.lambda.explicit-deny",
	CauseAuthorizerError:    "gateway.authorizer-configuration",
	CauseIAM:                "gateway.iam",
}

// EntryID is the `cogscope explain` entry that explains j's cause, ""
// when there is none (an IAM policy or signing refusal, an unknown
// answer). A REST API's unknown route answers 403 Missing
// Authentication Token, and its Cognito authorizer words an expired
// token its own way.
func EntryID(j *Judgement) string {
	if j == nil {
		return ""
	}
	switch {
	case j.Cause == CauseUnknownRoute && j.Status == 403:
		return "gateway.missing-authentication-token"
	case j.Cause == CauseExpired && j.Route != nil && j.Route.AuthorizationType == "COGNITO_USER_POOLS":
		return "gateway.expired.rest"
	}
	return causeEntries[j.Cause]
}

// Hint is an edge's own words for a fix: how to do it there (a CLI
// flag, a console key). Text goes right after the words After of the
// fix's text, or at its end when After is "" or not found. It is the
// inspector's (inspect.Hint), which words its checks' fixes the same way.
type Hint = inspect.Hint

// FixPhrase is cause's FixText with the hint hints holds for its Fix
// code; "" for a cause without a fix.
func FixPhrase(cause string, hints map[string]Hint) string {
	c := Causes[cause]
	return inspect.Phrase(c.FixText, c.Fix, hints)
}

// Explain builds the judgement of a refused call.
func (x *Explainer) Explain(ctx context.Context, b *Built, resp *ResponseInfo) *Judgement {
	j := &Judgement{Status: resp.Status, ErrorType: resp.ErrorType}
	var body map[string]json.RawMessage
	if json.Unmarshal([]byte(resp.Body), &body) == nil {
		for _, k := range []string{"message", "Message"} {
			if raw, ok := body[k]; ok {
				if string(raw) == "null" {
					j.MessageNull = true
				} else {
					_ = json.Unmarshal(raw, &j.Message)
				}
				break
			}
		}
	}
	j.WWWAuthenticate = ParseWWWAuthenticate(http.Header(resp.Headers).Get("www-authenticate"))
	j.Route = x.Route
	if j.Route == nil && x.Config != nil {
		if u, err := url.Parse(b.Info.URL); err == nil {
			_, j.Route = x.Config.RouteFor(b.Info.Method, u)
		}
	}
	j.TokenUse = tokenUse(b.token)
	x.judge(ctx, b, j)
	j.Cause = x.cause(b, j)
	if j.Cause == CauseUnknownRoute {
		x.routeProblem(b, j)
	}
	j.LogGroups = x.logGroups(b, j)
	c := Causes[j.Cause]
	j.Fix, j.Catalogue = c.Fix, c.Catalogue
	j.Entry = EntryID(j)
	if j.Route != nil && j.Route.AuthorizationType == "COGNITO_USER_POOLS" && b.Info.TokenScheme == SchemeBearer && resp.Status == 401 {
		j.Warnings = append(j.Warnings, WarnBearerToRESTCognito)
	}
	if j.Route != nil && j.Route.Authorizer != nil && j.Route.Authorizer.CacheTTLSeconds != nil && *j.Route.Authorizer.CacheTTLSeconds > 0 &&
		(j.Cause == CausePolicyDenied || j.Cause == CauseLambdaDenied) {
		j.Warnings = append(j.Warnings, WarnCachedPolicy)
	}
	return j
}

// judge sets the inspector's authorizer judgement of the request (the
// caller's, Judged, else JudgeRoute's) for JWT and Cognito routes.
func (x *Explainer) judge(ctx context.Context, b *Built, j *Judgement) {
	jd := x.Judged
	if jd == nil {
		if x.Keys == nil {
			return
		}
		now := time.Now
		if x.Now != nil {
			now = x.Now
		}
		var err error
		var ok bool
		if jd, ok, err = JudgeRoute(ctx, j.Route, b.HTTP.Header, x.Keys, now(), x.PoolIssuer); !ok {
			return
		}
		if err != nil || jd == nil {
			j.Caveats = append(j.Caveats, "the inspector could not judge the token: "+errText(err))
			return
		}
	}
	j.Reason, j.Mistakes, j.Caveats = jd.Reason, jd.Mistakes, append(j.Caveats, jd.Caveats...)
	p := &Prediction{Status: jd.Status, Body: jd.Body, WWWAuthenticate: jd.WWWAuthenticate}
	observedAllowed := j.Status < 400
	p.Agrees = (jd.Allowed && observedAllowed) || (!jd.Allowed && jd.Status == j.Status)
	j.Predicted = p
	j.FailedCheck = FailedCheck(jd)
}

// JudgeRoute is the inspector's judgement of a request's token (in
// headers) by route r's authorizer, at now: the one judgement both the
// doctor's prediction before a call and Explain after it rest on. ok is
// false when there is nothing the inspector models: a route that is not
// JWT (with a JWT authorizer) or COGNITO_USER_POOLS, an authorizer not
// read. err is the inspector's (the issuer's keys could not be had).
func JudgeRoute(ctx context.Context, r *apiconfig.Route, headers http.Header, keys inspect.KeySource, now time.Time,
	poolIssuer func(poolID string) string) (jd *inspect.Judgement, ok bool, err error) {
	if r != nil && r.Authorizer != nil && r.AuthorizationType == "JWT" && r.Authorizer.Type != "JWT" {
		return nil, false, nil
	}
	a, ok := InspectAuthorizer(r, poolIssuer)
	if !ok {
		return nil, false, nil
	}
	jd, err = inspect.Judge(ctx, a, headers, keys, now)
	return jd, true, err
}

func errText(err error) string {
	if err == nil {
		return "no result"
	}
	return err.Error()
}

// InspectAuthorizer is the inspector's model of a JWT (HTTP API) or
// COGNITO_USER_POOLS (REST) route's authorizer: its identity source,
// scopes and issuer, audience or user pools. poolIssuer maps a user
// pool id to its issuer (nil: the provider ARNs stand, AWS's issuers);
// see Explainer.PoolIssuer. ok is false for other routes and for a route
// whose authorizer was not read. The explanation of an answer
// (Explainer) and the doctor's prediction before a call both judge the
// token through it.
func InspectAuthorizer(r *apiconfig.Route, poolIssuer func(poolID string) string) (inspect.Authorizer, bool) {
	if r == nil || r.Authorizer == nil {
		return inspect.Authorizer{}, false
	}
	a := inspect.Authorizer{Scopes: r.Scopes, IdentityValidationExpression: r.Authorizer.IdentityValidationExpression}
	if len(r.Authorizer.IdentitySources) > 0 {
		a.IdentitySource = IdentityHeader(r.Authorizer.IdentitySources[0])
	}
	switch r.AuthorizationType {
	case "JWT":
		a.Type, a.Issuer, a.Audience = inspect.HTTPJWTAuthorizer, r.Authorizer.Issuer, r.Authorizer.Audience
	case "COGNITO_USER_POOLS":
		a.Type = inspect.RESTCognitoAuthorizer
		for _, arn := range r.Authorizer.ProviderARNs {
			if _, id, ok := strings.Cut(arn, ":userpool/"); ok && poolIssuer != nil {
				a.Issuers = append(a.Issuers, poolIssuer(id))
				continue
			}
			a.ProviderARNs = append(a.ProviderARNs, arn)
		}
	default:
		return inspect.Authorizer{}, false
	}
	return a, true
}

// IdentityHeader turns an identity source $request.header.X (HTTP API)
// or method.request.header.X (REST) into the header name X; "" for any
// other source.
func IdentityHeader(src string) string {
	for _, p := range []string{"$request.header.", "method.request.header."} {
		if h, ok := strings.CutPrefix(src, p); ok {
			return h
		}
	}
	return ""
}

var reportOrder = []inspect.CheckName{inspect.CheckParse, inspect.CheckAlg, inspect.CheckKid, inspect.CheckSignature,
	inspect.CheckIss, inspect.CheckExp, inspect.CheckNbf, inspect.CheckIat}

// FailedCheck names the authorizer check a judgement failed (see
// Judgement.FailedCheck); "" when the token is allowed or no check can be
// named.
func FailedCheck(jd *inspect.Judgement) string {
	if jd.Allowed {
		return ""
	}
	switch {
	case strings.Contains(jd.WWWAuthenticate, "insufficient_scope"):
		return "scope"
	case strings.Contains(jd.WWWAuthenticate, "valid audience"):
		return "aud"
	case jd.Report == nil:
		return "identity_source"
	}
	for _, name := range reportOrder {
		if c := jd.Report.Check(name); c.Status == inspect.StatusFail {
			return string(name)
		}
	}
	switch {
	case strings.Contains(jd.Reason, "expects an ID token"), strings.Contains(jd.Reason, "expects an access token"):
		return "token_use"
	case strings.Contains(jd.Reason, "scopes"):
		return "scope"
	case strings.Contains(jd.Reason, "identity validation"):
		return "aud"
	}
	return ""
}

// cause picks the cause code: the server's own words first
// (www-authenticate, the body), then the inspector's failed check.
func (x *Explainer) cause(b *Built, j *Judgement) string {
	rt := j.Route
	switch {
	case j.Message == "Missing Authentication Token" || (j.Status == 404 && j.Message == "Not Found"):
		if rt != nil && rt.AuthorizationType == "AWS_IAM" {
			return CauseIAM
		}
		j.FailedCheck = "route"
		return CauseUnknownRoute
	case j.Status == 500:
		j.FailedCheck = "lambda"
		return CauseAuthorizerError
	case j.Message == "User is not authorized to access this resource":
		j.FailedCheck = "lambda"
		return CausePolicyDenied
	case strings.HasPrefix(j.Message, "User is not authorized to access this resource with an explicit deny"):
		j.FailedCheck = "lambda"
		return CauseExplicitDeny
	case j.Status == 403 && strings.HasPrefix(j.Message, "User: ") && strings.Contains(j.Message, "is not authorized to perform: execute-api:Invoke"):
		j.FailedCheck = "iam_policy"
		return CauseIAMDenied
	case j.Status == 403 && (j.ErrorType == "InvalidSignatureException" || j.ErrorType == "IncompleteSignatureException"):
		j.FailedCheck = "sigv4_signature"
		if b.Info.TokenKind != TokenSigV4 {
			// A token where a signature belongs (Authorization: Bearer …).
			return CauseIAM
		}
		return CauseIAMSignature
	case j.Status == 403 && (j.ErrorType == "ExpiredTokenException" || j.ErrorType == "UnrecognizedClientException"):
		j.FailedCheck = "sigv4_credentials"
		return CauseIAMCredentials
	case j.Status == 401 && b.Info.TokenKind == TokenNone:
		j.FailedCheck = "identity_source"
		return CauseNoToken
	case j.Message == "The incoming token has expired":
		j.FailedCheck = "exp"
		return CauseExpired
	}
	if w := j.WWWAuthenticate; w != nil {
		d := strings.ToLower(w.ErrorDescription)
		var c, check string
		switch {
		case w.Error == "insufficient_scope":
			c, check = CauseMissingScope, "scope"
			if j.TokenUse == "id" {
				c = CauseIDTokenNeedsScope
			}
		case strings.Contains(d, "audience"):
			c, check = CauseWrongAudience, "aud"
		case strings.Contains(d, "expired"):
			c, check = CauseExpired, "exp"
		case strings.Contains(d, "issuer"):
			c, check = CauseWrongIssuer, "iss"
		case strings.Contains(d, "signing key") || strings.Contains(d, "kid"):
			c, check = CauseUnknownKey, "kid"
		case strings.Contains(d, "signature"):
			c, check = CauseBadSignature, "signature"
		case strings.Contains(d, "malformed") || strings.Contains(d, "parse"):
			c, check = CauseMalformed, "parse"
		case strings.Contains(d, "not valid yet") || strings.Contains(d, "before"):
			c, check = CauseNotYetValid, "nbf"
		}
		if c != "" {
			if j.FailedCheck == "" {
				j.FailedCheck = check
			}
			return c
		}
	}
	if rt != nil && rt.AuthorizationType == "CUSTOM" {
		j.FailedCheck = "lambda"
		if j.Status == 401 {
			return CauseLambdaUnauthorized
		}
		return CauseLambdaDenied
	}
	switch j.FailedCheck {
	case "identity_source":
		return CauseNoToken
	case "parse", "alg":
		return CauseMalformed
	case "kid":
		return CauseUnknownKey
	case "signature":
		return CauseBadSignature
	case "iss":
		return CauseWrongIssuer
	case "aud":
		return CauseWrongAudience
	case "exp":
		return CauseExpired
	case "nbf", "iat":
		return CauseNotYetValid
	case "token_use":
		if j.TokenUse == "id" {
			return CauseIDTokenNeedsScope
		}
		return CauseAccessTokenForID
	case "scope":
		if j.TokenUse == "id" {
			return CauseIDTokenNeedsScope
		}
		return CauseMissingScope
	}
	if rt != nil && rt.AuthorizationType == "COGNITO_USER_POOLS" && j.Status == 401 {
		// Without the inspector: the token type is the usual cause.
		switch {
		case len(rt.Scopes) == 0 && j.TokenUse == "access":
			j.FailedCheck = "token_use"
			return CauseAccessTokenForID
		case len(rt.Scopes) > 0 && j.TokenUse == "id":
			j.FailedCheck = "token_use"
			return CauseIDTokenNeedsScope
		}
	}
	return CauseUnknown
}

// tokenUse reads token_use from a JWT's payload without verifying it.
func tokenUse(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		TokenUse string `json:"token_use"`
	}
	_ = json.Unmarshal(b, &c)
	return c.TokenUse
}

// routeProblem says why no route matched, from the API's configuration.
func (x *Explainer) routeProblem(b *Built, j *Judgement) {
	if x.Config == nil {
		return
	}
	u, err := url.Parse(b.Info.URL)
	if err != nil {
		return
	}
	api, _ := x.Config.RouteFor(b.Info.Method, u)
	if api == nil {
		return
	}
	path := u.Path
	if rest, ok := strings.CutPrefix(path, "/_api/"+api.ID); ok {
		path = rest
	}
	if api.Kind == "rest" {
		stage, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		known := false
		for _, s := range api.Stages {
			j.Known = append(j.Known, s.Name)
			known = known || s.Name == stage
		}
		if !known && len(api.Stages) > 0 {
			j.RouteProblem = "wrong-stage"
			return
		}
		j.Known = nil
		path = "/" + rest
	}
	for _, r := range api.Routes {
		j.Known = append(j.Known, strings.TrimSpace(r.Method+" "+r.Path))
	}
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"} {
		if m == b.Info.Method {
			continue
		}
		if r := matchAny(api.Routes, m, path); r != nil {
			j.RouteProblem = "wrong-method"
			return
		}
	}
	j.RouteProblem = "no-such-path"
}

// matchAny finds a route for method and path without a $default fallback.
func matchAny(routes []apiconfig.Route, method, path string) *apiconfig.Route {
	cfg := apiconfig.Config{APIs: []apiconfig.API{{ID: "x", Kind: "http", Routes: nonDefault(routes)}}}
	_, r := cfg.RouteFor(method, &url.URL{Path: "/_api/x" + path})
	return r
}

func nonDefault(routes []apiconfig.Route) []apiconfig.Route {
	out := make([]apiconfig.Route, 0, len(routes))
	for _, r := range routes {
		if r.Path != "$default" {
			out = append(out, r)
		}
	}
	return out
}

// LocalPoolIssuer is Explainer.PoolIssuer for a local stack at endpoint.
func LocalPoolIssuer(endpoint string) func(poolID string) string {
	return func(poolID string) string { return strings.TrimRight(endpoint, "/") + "/" + poolID }
}

// logGroups lists the stage's access-log group and the authorizer
// function's log group, when the configuration names them.
func (x *Explainer) logGroups(b *Built, j *Judgement) []string {
	var out []string
	if x.Config != nil {
		if u, err := url.Parse(b.Info.URL); err == nil {
			if api, _ := x.Config.RouteFor(b.Info.Method, u); api != nil {
				stage := ""
				if api.Kind == "rest" {
					if rest, ok := strings.CutPrefix(u.Path, "/_api/"+api.ID+"/"); ok {
						stage, _, _ = strings.Cut(rest, "/")
					} else {
						stage, _, _ = strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
					}
				}
				for _, s := range api.Stages {
					if s.AccessLogGroup != "" && (stage == "" || s.Name == stage) {
						out = append(out, s.AccessLogGroup)
					}
				}
			}
		}
	}
	if j.Route != nil && j.Route.Authorizer != nil && j.Route.Authorizer.Function != "" {
		out = append(out, "/aws/lambda/"+j.Route.Authorizer.Function)
	}
	return out
}
