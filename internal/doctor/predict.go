package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
)

// Outcomes of a prediction.
const (
	OutcomePass    = "pass"    // the request reaches the integration
	OutcomeRefuse  = "refuse"  // the gateway answers Status, Body, WWWAuthenticate itself
	OutcomeUnknown = "unknown" // cogscope cannot tell (a Lambda authorizer's decision, IAM, no configuration)
)

// Prediction is API Gateway's answer to a call as cogscope expects it,
// from the route's authorizer configuration and the token, before the
// call is sent. Body and WWWAuthenticate are the gateway's exact text.
type Prediction struct {
	Outcome         string `json:"outcome"`
	Status          int    `json:"status,omitempty"`
	Body            string `json:"body,omitempty"`
	WWWAuthenticate string `json:"wwwAuthenticate,omitempty"`
	ErrorType       string `json:"errorType,omitempty"` // REST x-amzn-ErrorType
	// Check is the authorizer check that fails (identity_source, iss,
	// aud, exp, scope, token_use, …); Reason says why in one line.
	Check   string   `json:"check,omitempty"`
	Reason  string   `json:"reason"`
	Caveats []string `json:"caveats,omitempty"`
	// Judgement is the inspector's judgement the prediction rests on (JWT
	// and Cognito routes; nil otherwise): the one judgement of the call.
	// An explanation of the answer takes it (apicall.Explainer.Judged)
	// rather than judging the token again, and the console derives its
	// warning before sending from it.
	Judgement *inspect.Judgement `json:"-"`
}

// PredictInput is a call about to be sent.
type PredictInput struct {
	// Route is the called route's configuration (apiconfig's RouteFor).
	Route *apiconfig.Route
	// Headers are the request's headers (the token in the authorizer's
	// header); Query its query string (Lambda identity sources).
	Headers http.Header
	Query   url.Values
	// Keys resolve issuers' JWKS (inspect.NewCache); Now is the gateway's
	// clock (default time.Now).
	Keys inspect.KeySource
	Now  func() time.Time
	// PoolIssuer maps a REST authorizer's pool id to its issuer: nil for
	// AWS's, apicall.LocalPoolIssuer(endpoint) for a local stack.
	PoolIssuer func(poolID string) string
}

const bodyUnauthorized = `{"message":"Unauthorized"}`

// Predict says what API Gateway will answer: pass, or the refusal with
// its exact status, body and www-authenticate, or unknown (a Lambda
// authorizer that receives its identity sources decides by its own code).
// The `call` command prints it before sending (--preflight) and Compare
// sets it beside the real answer.
func Predict(ctx context.Context, in PredictInput) Prediction {
	r := in.Route
	if r == nil {
		return Prediction{Outcome: OutcomeUnknown, Reason: "the route is not in the API's configuration (unknown path, method or stage, or the configuration could not be read)"}
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	switch {
	case r.AuthorizationType == "" || r.AuthorizationType == "NONE":
		return Prediction{Outcome: OutcomePass, Reason: "the route has no authorizer"}
	case r.AuthorizationType == "AWS_IAM":
		return Prediction{Outcome: OutcomeUnknown, Reason: "the route uses AWS_IAM: it wants a SigV4 signature, which cogscope does not predict",
			Caveats: []string{`an unsigned request with a bearer token is usually refused with 403 (Missing Authentication Token or "not a valid key=value pair")`}}
	case r.Authorizer == nil:
		return Prediction{Outcome: OutcomeUnknown, Reason: "the route's authorizer could not be read"}
	case r.AuthorizationType == "JWT" || r.AuthorizationType == "COGNITO_USER_POOLS":
		return predictJWT(ctx, in, now())
	}
	return predictLambda(in)
}

func predictJWT(ctx context.Context, in PredictInput, now time.Time) Prediction {
	if in.Keys == nil {
		return Prediction{Outcome: OutcomeUnknown, Reason: "no key source to verify the token with"}
	}
	jd, ok, err := apicall.JudgeRoute(ctx, in.Route, in.Headers, in.Keys, now, in.PoolIssuer)
	if !ok {
		// A JWT route whose authorizer is not a JWT one: API Gateway
		// refuses to configure it, and the inspector has no model of it.
		return Prediction{Outcome: OutcomeUnknown, Reason: fmt.Sprintf("the route's %s authorization does not match its %s authorizer", in.Route.AuthorizationType, in.Route.Authorizer.Type)}
	}
	if err != nil || jd == nil {
		return Prediction{Outcome: OutcomeUnknown, Reason: fmt.Sprintf("the token could not be judged: %v", err)}
	}
	p := Prediction{Reason: jd.Reason, Caveats: jd.Caveats, Judgement: jd}
	if jd.Allowed {
		p.Outcome = OutcomePass
		return p
	}
	p.Outcome, p.Status, p.Body, p.WWWAuthenticate, p.ErrorType = OutcomeRefuse, jd.Status, jd.Body, jd.WWWAuthenticate, jd.ErrorType
	p.Check = apicall.FailedCheck(jd)
	return p
}

func predictLambda(in PredictInput) Prediction {
	r := in.Route
	a := r.Authorizer
	refuse := func(reason string) Prediction {
		p := Prediction{Outcome: OutcomeRefuse, Status: 401, Body: bodyUnauthorized, Check: "identity_source", Reason: reason}
		if r.Kind == "rest" {
			p.ErrorType = "UnauthorizedException"
		}
		return p
	}
	sources := a.IdentitySources
	if len(sources) == 0 && a.Type == "TOKEN" {
		sources = []string{"method.request.header.Authorization"}
	}
	var token string
	for _, src := range sources {
		v, known := identityValue(src, in)
		if !known {
			continue
		}
		if strings.TrimSpace(v) == "" {
			return refuse(fmt.Sprintf("the identity source %s is missing: API Gateway answers 401 without invoking the function", src))
		}
		if token == "" {
			token = v
		}
	}
	if expr := a.IdentityValidationExpression; expr != "" && a.Type == "TOKEN" {
		re, err := regexp.Compile("^(?:" + expr + ")$")
		if err == nil && !re.MatchString(token) {
			p := refuse(fmt.Sprintf("the token does not match the identity validation expression %q: 401 without invoking the function", expr))
			p.Check = "identity_validation"
			return p
		}
	}
	p := Prediction{Outcome: OutcomeUnknown, Reason: fmt.Sprintf("the Lambda authorizer %s decides (its log group: /aws/lambda/%s)", a.Name, a.Function)}
	if a.CacheTTLSeconds != nil && *a.CacheTTLSeconds > 0 {
		p.Caveats = append(p.Caveats, fmt.Sprintf("its answer is cached for %d s per identity source: an earlier call's decision may answer this one", *a.CacheTTLSeconds))
	}
	return p
}

// identityValue reads one identity source from the request; known is
// false for sources the request does not carry ($context, $stageVariables).
func identityValue(src string, in PredictInput) (string, bool) {
	if h := apicall.IdentityHeader(src); h != "" {
		return in.Headers.Get(h), true
	}
	for _, p := range []string{"$request.querystring.", "method.request.querystring."} {
		if q, ok := strings.CutPrefix(src, p); ok {
			return in.Query.Get(q), true
		}
	}
	return "", false
}

// Comparison sets a prediction beside the gateway's real answer.
type Comparison struct {
	Predicted Prediction `json:"predicted"`
	Status    int        `json:"status"`
	// Agrees is false when the prediction named an answer and the gateway
	// gave another: cogscope's model of the authorizer is wrong, or the
	// configuration changed since it was read.
	Agrees bool `json:"agrees"`
	// Differences name what differs: "status", "body", "www-authenticate",
	// "x-amzn-ErrorType".
	Differences []string `json:"differences,omitempty"`
}

// Compare checks a prediction against the answer (status, headers, body).
// An unknown prediction agrees with any answer; a pass agrees with any
// answer the gateway did not generate itself (it cannot know the
// integration's status, so only a gateway refusal body disagrees).
func Compare(p Prediction, status int, header http.Header, body string) Comparison {
	c := Comparison{Predicted: p, Status: status, Agrees: true}
	switch p.Outcome {
	case OutcomePass:
		if (status == 401 || status == 403) && gatewayBody(body) {
			c.Differences = append(c.Differences, "status")
		}
	case OutcomeRefuse:
		if status != p.Status {
			c.Differences = append(c.Differences, "status")
		}
		if strings.TrimSpace(body) != p.Body {
			c.Differences = append(c.Differences, "body")
		}
		if header.Get("www-authenticate") != p.WWWAuthenticate {
			c.Differences = append(c.Differences, "www-authenticate")
		}
		if p.ErrorType != "" && header.Get("x-amzn-ErrorType") != p.ErrorType {
			c.Differences = append(c.Differences, "x-amzn-ErrorType")
		}
	}
	c.Agrees = len(c.Differences) == 0
	return c
}

// gatewayBody says whether body is one the gateway writes itself on a
// refusal.
func gatewayBody(body string) bool {
	switch strings.TrimSpace(body) {
	case bodyUnauthorized, `{"message":"Forbidden"}`, `{"message":"The incoming token has expired"}`, `{"message":null}`,
		`{"Message":"User is not authorized to access this resource"}`,
		`{"Message":"User is not authorized to access this resource with an explicit deny"}`:
		return true
	}
	return false
}

// CompareResponse sets the prediction beside a call's answer as apicall
// received it (nil without one): `call --preflight` and the console's API
// view compare alike.
func CompareResponse(p Prediction, r *apicall.ResponseInfo) *Comparison {
	if r == nil {
		return nil
	}
	h := http.Header{}
	for k, vs := range r.Headers {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	c := Compare(p, r.Status, h, r.Body)
	return &c
}
