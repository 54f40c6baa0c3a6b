package service

import (
	"context"
	"time"
)

// AuthorizerKind is how a route is protected.
type AuthorizerKind string

// The authorizers a route can have.
const (
	AuthNone    AuthorizerKind = "none"
	AuthJWT     AuthorizerKind = "jwt"     // HTTP API, AuthorizerType JWT
	AuthLambda  AuthorizerKind = "lambda"  // HTTP or REST API, a Lambda authorizer
	AuthCognito AuthorizerKind = "cognito" // REST API, COGNITO_USER_POOLS
	// AuthIAM is AWS_IAM: the request must be signed with SigV4 by AWS
	// credentials (a role allowed on the route); a token is no use.
	AuthIAM AuthorizerKind = "iam"
)

// Route is one route of an API Gateway API, as the console lists it.
type Route struct {
	// API names the API the route belongs to ("demo-http (a1b2c3)");
	// APIKind says which kind it is, "HTTP" or "REST" (empty when not
	// known: a profile's route that matches no API read).
	API     string
	APIKind string
	// Method is the HTTP method ("GET", or "ANY"); Path the route's path
	// ("/private", "/items/{id}").
	Method string
	Path   string
	// Authorizer is the kind of authorizer, AuthorizerName its name.
	Authorizer     AuthorizerKind
	AuthorizerName string
	// Scopes are the route's required scopes (any one of them suffices).
	Scopes []string
	// LogGroups are the groups whose lines belong to the route's calls:
	// the authorizer's, the access log, the integration's.
	LogGroups []string
	// Source says where the route was found: "profile", "API
	// configuration", "local stack".
	Source string
}

// TokenChoice says which token a call sends.
type TokenChoice string

// The tokens a call can send.
const (
	SendAccess TokenChoice = "access"
	SendID     TokenChoice = "id"
	SendNone   TokenChoice = "none"
	SendPasted TokenChoice = "pasted"
	// SendSigV4 signs the request with SigV4 (for AWS_IAM routes) by the
	// AWS credentials an identity pool gives for the session's ID token;
	// Token is that ID token, and is not sent.
	SendSigV4 TokenChoice = "sigv4"
)

// Header is one HTTP header; headers are kept in order.
type Header struct {
	Name, Value string
}

// CallRequest is one call the API view makes.
type CallRequest struct {
	// Route is the listed route the call was made from; nil for a
	// free-form request.
	Route *Route
	// Method and Path are what is sent (Path may carry a query).
	Method string
	Path   string
	// Headers are extra headers; the token goes in Authorization unless
	// the caller puts it elsewhere.
	Headers []Header
	Body    []byte
	// TokenChoice says which token Token is; Token is empty for SendNone.
	TokenChoice TokenChoice
	Token       string
}

// Timings are a call's phases; a phase that did not happen (a reused
// connection, plain HTTP) is zero.
type Timings struct {
	DNS, Connect, TLS, FirstByte, Total time.Duration
}

// Verdict is the short judgement of a response.
type Verdict string

// The verdicts.
const (
	VerdictOK           Verdict = "ok"           // the integration answered 2xx/3xx
	VerdictUnauthorized Verdict = "unauthorized" // the authorizer refused the token (401)
	VerdictForbidden    Verdict = "forbidden"    // the token lacks what the route needs (403)
	VerdictError        Verdict = "error"        // the integration or the gateway failed (4xx/5xx)
)

// Judgement explains a response: mostly a 401 or 403.
type Judgement struct {
	Verdict Verdict
	// FailedCheck names the check that failed ("scope", "token_use",
	// "aud", "exp", "signature"); empty when none did or it is unknown.
	FailedCheck string
	// Gateway is API Gateway's own text: the body's message and the
	// www-authenticate header, as received.
	Gateway string
	// Diagnosis says in plain words what is wrong; Fix what to do.
	Diagnosis string
	Fix       string
}

// CallResult is what came back.
type CallResult struct {
	Status  int
	Headers []Header
	// Body is the body, or its first bytes when it is large; Size is the
	// whole body's size in bytes.
	Body []byte
	Size int64
	// RequestID is API Gateway's request id (apigw-requestid or
	// x-amzn-RequestId), the key to the call's log lines.
	RequestID string
	Timings   Timings
	// Judgement explains the response; nil when there is nothing to say.
	Judgement *Judgement
	// Preflight is the prediction made before sending, beside this
	// answer; nil when there was nothing to predict from (no API
	// configuration).
	Preflight *Preflight
}

// Warning is the inspector's prediction, before sending, that API Gateway
// will refuse the call.
type Warning struct {
	// Status is the status API Gateway would answer (401, 403).
	Status int
	// FailedCheck names the check that would fail; Gateway is what API
	// Gateway would say; Reason says why in plain words; Fix what to do.
	FailedCheck string
	Gateway     string
	Reason      string
	Fix         string
}

// API lists and calls the target's API Gateway routes. Every method may
// do I/O: the view calls them from tea.Cmds.
type API interface {
	// Routes lists the routes the console offers. An empty list with no
	// error means the target has no API configured.
	Routes(ctx context.Context) ([]Route, error)
	// Check predicts whether API Gateway will accept req's token, from
	// the route's authorizer settings (inspect.Judge). It returns nil
	// when the call should pass, or when there is nothing to judge (no
	// route, no authorizer).
	Check(ctx context.Context, req CallRequest) (*Warning, error)
	// Call sends req. Any answer, 4xx and 5xx included, is a result; the
	// error is for not getting one (preferably a *Failure with Transport
	// set and a diagnosis).
	Call(ctx context.Context, req CallRequest) (*CallResult, error)
}

// The outcomes of a prediction.
const (
	PredictPass    = "pass"    // the request reaches the integration
	PredictRefuse  = "refuse"  // API Gateway answers Status, Body, WWWAuthenticate itself
	PredictUnknown = "unknown" // cogscope cannot tell (a Lambda authorizer decides, IAM, no configuration)
)

// Preflight is cogscope's prediction of API Gateway's answer, made from
// the route's authorizer configuration before the call was sent, set
// beside the answer that came.
type Preflight struct {
	// Outcome is PredictPass, PredictRefuse or PredictUnknown; for a
	// refusal, Status, Body and WWWAuthenticate are the gateway's exact
	// answer predicted, and Check the authorizer check that fails.
	Outcome         string
	Status          int
	Body            string
	WWWAuthenticate string
	Check           string
	// Reason says why in one line.
	Reason string
	// Agrees is false when the gateway answered otherwise: cogscope's
	// model of the authorizer is wrong, or the configuration changed
	// since it was read. Differences name what differs ("status",
	// "body", "www-authenticate", "x-amzn-ErrorType").
	Agrees      bool
	Differences []string
}
