package console

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/logview"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/apigw"
	apiview "github.com/cogscope/cogscope/ui/api"
	"github.com/cogscope/cogscope/ui/service"
	tokensview "github.com/cogscope/cogscope/ui/tokens"
)

// consoleAPI is view 3's service.API on top of internal/apicall and
// internal/apiconfig: the routes from the profile's [[api.routes]], else
// from API Gateway's configuration (the local stack's demo APIs when the
// target is the local stack), calls with the console session's tokens
// (the view passes them in CallRequest.Token), and refusals explained by
// apicall's Explainer with the inspector's authorizer judgement.
type consoleAPI struct {
	c *console

	mu     sync.Mutex
	loaded bool      // for key's target
	key    targetKey // the target base, routes and cfg are of
	cfg    *apiconfig.Config
	cfgErr error
	base   string               // what a free-form PATH resolves against
	routes map[string]routeInfo // by routeKey
	// The AWS credentials SigV4 calls are signed with, the identity
	// pool's for credsToken (an ID token), in credsRegion.
	creds                   aws.Credentials
	credsRegion, credsToken string
	// keys, when set, resolve the issuers' JWKS instead of the console's
	// cache (tests count the lookups through it).
	keys inspect.KeySource
}

// keySource is where the route's authorizer finds the issuer's keys.
func (a *consoleAPI) keySource() inspect.KeySource {
	if a.keys != nil {
		return a.keys
	}
	return a.c.keys
}

// routeInfo is where a listed route is called and its configuration.
type routeInfo struct {
	base   string
	config *apiconfig.Route
}

func routeKey(api, method, path string) string { return api + "\x00" + method + "\x00" + path }

// maxShown bounds the body a CallResult carries (the view shows the
// start; Size says the whole).
const maxShown = 256 << 10

// load reads the profile and API Gateway's configuration once the
// target is known (after the in-process stack started), and again for
// another target. The configuration is the console's one read of it
// (apiConfig), which the Logs view shares.
func (a *consoleAPI) load(ctx context.Context) (cmdutil.Target, error) {
	select {
	case <-a.c.done:
	case <-ctx.Done():
		return cmdutil.Target{}, ctx.Err()
	}
	t := a.c.current()
	key := keyOf(t)
	a.mu.Lock()
	loaded := a.loaded && a.key == key
	a.mu.Unlock()
	if loaded {
		return t, nil
	}
	prof, err := a.c.f.Profile()
	if err != nil {
		return t, err
	}
	cfg, _, cfgErr := a.c.apiConfig(ctx, t)
	if ctx.Err() != nil {
		return t, ctx.Err() // try again next time
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.loaded && a.key == key {
		return t, nil // loaded meanwhile: its routes are kept
	}
	a.base = prof.API.BaseURL
	if a.base == "" && t.Endpoint != "" {
		a.base = apigw.InvokeURL(t.Endpoint, apigw.DemoHTTPAPIID, "")
	}
	a.cfg, a.cfgErr = cfg, cfgErr
	a.routes = map[string]routeInfo{}
	a.loaded, a.key = true, key
	return t, nil
}

// errNoAPICredentials is why API Gateway's configuration was not read.
var errNoAPICredentials = errors.New("no AWS credentials to read API Gateway's configuration with")

// config is API Gateway's configuration as the view read it (nil, and
// why, when it could not be read).
func (a *consoleAPI) config(ctx context.Context) (*apiconfig.Config, error) {
	if _, err := a.load(ctx); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg, a.cfgErr
}

// Routes lists the profile's routes, else API Gateway's.
func (a *consoleAPI) Routes(ctx context.Context) ([]service.Route, error) {
	t, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	prof, err := a.c.f.Profile()
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []service.Route
	if len(prof.API.Routes) > 0 {
		name := "profile " + cmdutil.FirstNonEmpty(prof.Name, "(default)")
		for _, r := range prof.API.Routes {
			method := cmdutil.FirstNonEmpty(strings.ToUpper(r.Method), "GET")
			var cr *apiconfig.Route
			var api *apiconfig.API
			if a.cfg != nil {
				if u, err := resolve(r.Path, a.base); err == nil {
					api, cr = a.cfg.RouteFor(method, u)
				}
			}
			sr := serviceRoute(name, method, r.Path, cr, "profile")
			if cr == nil && r.Token == apicall.TokenSigV4 {
				// API Gateway's configuration does not say (unread, or
				// no such route): the profile declares it AWS_IAM, and
				// the view offers SigV4 for it.
				sr.Authorizer = service.AuthIAM
			}
			if api != nil {
				sr.APIKind = apiKind(api)
			}
			a.routes[routeKey(sr.API, sr.Method, sr.Path)] = routeInfo{base: a.base, config: cr}
			out = append(out, sr)
		}
		return out, nil
	}
	if a.cfg == nil {
		if prof.API.BaseURL != "" && a.cfgErr != nil {
			return nil, fmt.Errorf("the profile names api.base_url but no [[api.routes]], and API Gateway's configuration could not be read: %w", a.cfgErr)
		}
		return nil, nil
	}
	source := "API configuration"
	if t.IsLoopback() {
		source = "local stack"
	}
	for i := range a.cfg.APIs {
		api := &a.cfg.APIs[i]
		name := api.ID
		if api.Name != "" {
			name = fmt.Sprintf("%s (%s)", api.Name, api.ID)
		}
		for j := range api.Routes {
			r := &api.Routes[j]
			if r.Path == "$default" || r.Method == "" {
				continue
			}
			sr := serviceRoute(name, r.Method, r.Path, r, source)
			sr.APIKind = apiKind(api)
			sr.LogGroups = logview.RouteGroups(api, r)
			a.routes[routeKey(sr.API, sr.Method, sr.Path)] = routeInfo{base: api.InvokeURL, config: r}
			out = append(out, sr)
		}
	}
	return out, nil
}

// apiKind is how the console names an API's kind: "HTTP", "REST".
func apiKind(api *apiconfig.API) string { return strings.ToUpper(api.Kind) }

func serviceRoute(api, method, path string, r *apiconfig.Route, source string) service.Route {
	sr := service.Route{API: api, Method: method, Path: path, Authorizer: service.AuthNone, Source: source}
	if r == nil {
		return sr
	}
	sr.Scopes = r.Scopes
	switch r.AuthorizationType {
	case "JWT":
		sr.Authorizer = service.AuthJWT
	case "COGNITO_USER_POOLS":
		sr.Authorizer = service.AuthCognito
	case "CUSTOM":
		sr.Authorizer = service.AuthLambda
	case "AWS_IAM":
		sr.Authorizer = service.AuthIAM
	}
	if r.Authorizer != nil {
		sr.AuthorizerName = r.Authorizer.Name
	}
	return sr
}

// request turns the view's request into apicall's, with where it goes
// and the route's configuration.
func (a *consoleAPI) request(req service.CallRequest) (apicall.Request, *apiconfig.Route) {
	a.mu.Lock()
	base := a.base
	var cr *apiconfig.Route
	if req.Route != nil {
		if ri, ok := a.routes[routeKey(req.Route.API, req.Route.Method, req.Route.Path)]; ok {
			base, cr = ri.base, ri.config
		}
	}
	a.mu.Unlock()
	r := apicall.Request{Method: req.Method, Target: req.Path, BaseURL: base, Token: req.Token, Body: req.Body}
	switch req.TokenChoice {
	case service.SendAccess:
		r.TokenKind = apicall.TokenAccess
	case service.SendID:
		r.TokenKind = apicall.TokenID
	case service.SendNone:
		r.TokenKind, r.Token = apicall.TokenNone, ""
	case service.SendSigV4:
		// Signed (Call sets Sign); the ID token is traded, not sent.
		r.TokenKind, r.Token = apicall.TokenNone, ""
	default:
		r.TokenKind = apicall.TokenRaw
	}
	for _, h := range req.Headers {
		r.Headers = append(r.Headers, h.Name+": "+h.Value)
	}
	// A REST API's Cognito authorizer documents the bare token.
	if cr != nil && cr.AuthorizationType == "COGNITO_USER_POOLS" {
		r.AuthScheme = apicall.SchemeRaw
	}
	return r, cr
}

func (a *consoleAPI) explainer(cr *apiconfig.Route) *apicall.Explainer {
	t := a.c.current()
	a.mu.Lock()
	cfg := a.cfg
	a.mu.Unlock()
	x := &apicall.Explainer{Route: cr, Config: cfg, Keys: a.keySource(), Now: a.c.f.Clock()}
	if t.Endpoint != "" {
		x.PoolIssuer = apicall.LocalPoolIssuer(t.Endpoint)
	}
	return x
}

// Check predicts the gateway's answer before sending: doctor.Predict's
// judgement of the request (the inspector's, for JWT and Cognito
// authorizers) — the one the call's Preflight shows beside the answer —
// phrased as a warning when it would be refused.
func (a *consoleAPI) Check(ctx context.Context, req service.CallRequest) (*service.Warning, error) {
	if _, err := a.load(ctx); err != nil {
		return nil, err
	}
	r, cr := a.request(req)
	if cr != nil && cr.AuthorizationType == "AWS_IAM" {
		if req.TokenChoice == service.SendSigV4 {
			return nil, nil // the role's policy decides: nothing to predict
		}
		return &service.Warning{Status: http.StatusForbidden, FailedCheck: "sigv4_signature",
			Reason: "AWS_IAM wants a signature: " + apiview.DefaultKeyMap().Token.Help().Key + " picks SigV4",
			Fix:    apicall.FixPhrase(apicall.CauseIAM, fixHints())}, nil
	}
	if cr == nil || cr.Authorizer == nil {
		return nil, nil
	}
	b, err := apicall.Build(ctx, r)
	if err != nil {
		return nil, nil // the call will say what is wrong with it
	}
	p := a.predictBuilt(ctx, b, cr)
	// Only the inspector's refusals are warned of: a Lambda authorizer's
	// missing identity source is left to the call's answer.
	if p.Outcome != doctor.OutcomeRefuse || p.Judgement == nil {
		return nil, nil
	}
	// The predicted answer, explained as the real one will be, on the
	// same judgement: the cause, the check and the fix.
	h := map[string][]string{}
	if p.WWWAuthenticate != "" {
		h["Www-Authenticate"] = []string{p.WWWAuthenticate}
	}
	x := a.explainer(cr)
	x.Judged = p.Judgement
	j := x.Explain(ctx, b, &apicall.ResponseInfo{Status: p.Status, Body: p.Body, Headers: h})
	cause := apicall.Causes[j.Cause]
	w := &service.Warning{Status: p.Status, FailedCheck: j.FailedCheck, Gateway: gatewayText(j), Reason: cmp.Or(p.Reason, cause.Text),
		Fix: apicall.FixPhrase(j.Cause, fixHints())}
	return w, nil
}

// Call sends the request and explains a refusal.
func (a *consoleAPI) Call(ctx context.Context, req service.CallRequest) (*service.CallResult, error) {
	if _, err := a.load(ctx); err != nil {
		return nil, err
	}
	r, cr := a.request(req)
	var signer *cmdutil.SigV4
	if req.TokenChoice == service.SendSigV4 {
		var err error
		if signer, err = a.signer(ctx, req.Token); err != nil {
			return nil, err
		}
		r.Sign = signer.Sign
	}
	pred := a.predict(ctx, r, cr)
	x := a.explainer(cr)
	if pred != nil {
		// The judgement made before sending explains the answer too.
		x.Judged = pred.Judgement
	}
	started := time.Now()
	res, err := apicall.Do(ctx, r, apicall.Options{Explain: x})
	// Recorded as `cogscope call` records (cmdutil.RecordCall), for
	// `cogscope transcript export`; a failure cannot be shown under the
	// console's screen and does not change the call.
	_ = a.c.f.RecordCall(a.c.current(), a.base, res, r.Token, nil, started)
	var ue *apicall.UsageError
	if errors.As(err, &ue) {
		return nil, &service.Failure{Diagnosis: flows.Diagnosis{Message: ue.Msg, Cause: "The request cannot be sent as written.",
			Fix: "Edit it (e): the path, a header or the method."}, Err: err}
	}
	if res == nil || res.Response == nil {
		msg := "no answer"
		if res != nil && res.Error != nil {
			msg = res.Error.Message
		}
		return nil, &service.Failure{Transport: true, Err: err, Diagnosis: flows.Diagnosis{Message: msg,
			Cause: "No answer came from the API.", Fix: transportFix(res)}}
	}
	// An integration that echoes the request's headers would show the
	// token sent: the view gets the answer with it redacted.
	apicall.RedactEcho(res.Response, r.Token)
	if signer != nil {
		signer.Redact(res.Response)
	}
	out := callResult(res)
	if pred != nil {
		out.Preflight = preflightOf(*pred, doctor.CompareResponse(*pred, res.Response))
	}
	return out, nil
}

// predict is API Gateway's answer as doctor.Predict expects it, before
// the call is sent (as `call --preflight` predicts it): the route's
// authorizer (the listed route's, else the one the request's URL finds in
// the configuration), the request's token, the issuer's JWKS. nil when
// there is no API configuration to predict from. Its Judgement is the
// call's one judgement of the token: the answer's explanation rests on it.
func (a *consoleAPI) predict(ctx context.Context, r apicall.Request, cr *apiconfig.Route) *doctor.Prediction {
	a.mu.Lock()
	cfg := a.cfg
	a.mu.Unlock()
	if cr == nil && cfg == nil {
		return nil
	}
	b, err := apicall.Build(ctx, r)
	if err != nil {
		return nil // the call says what is wrong with it
	}
	if cr == nil {
		_, cr = cfg.RouteFor(b.Info.Method, b.HTTP.URL)
	}
	p := a.predictBuilt(ctx, b, cr)
	return &p
}

// predictBuilt is doctor.Predict on a built request and its route (nil:
// not in the configuration).
func (a *consoleAPI) predictBuilt(ctx context.Context, b *apicall.Built, cr *apiconfig.Route) doctor.Prediction {
	in := doctor.PredictInput{Route: cr, Headers: b.HTTP.Header, Query: b.HTTP.URL.Query(), Keys: a.keySource(), Now: a.c.f.Clock()}
	if t := a.c.current(); t.Endpoint != "" {
		in.PoolIssuer = apicall.LocalPoolIssuer(t.Endpoint)
	}
	return doctor.Predict(ctx, in)
}

// preflightOf is the prediction beside the answer, for the view.
func preflightOf(p doctor.Prediction, c *doctor.Comparison) *service.Preflight {
	out := &service.Preflight{Outcome: p.Outcome, Status: p.Status, Body: p.Body, WWWAuthenticate: p.WWWAuthenticate, Check: p.Check,
		Reason: p.Reason, Agrees: true}
	if c != nil {
		out.Agrees, out.Differences = c.Agrees, c.Differences
	}
	return out
}

// signer signs a call with the AWS credentials the console's identity
// pool gives for idToken (as the Tokens view's a shows them), traded once
// per ID token while they last. Errors are *service.Failure.
func (a *consoleAPI) signer(ctx context.Context, idToken string) (*cmdutil.SigV4, error) {
	if idToken == "" {
		return nil, service.NewFailure(flows.Diagnosis{Message: "no ID token to trade for AWS credentials",
			Cause: "A SigV4-signed call uses the AWS credentials an identity pool gives for the session's ID token.",
			Fix:   "Sign in on view 1."}, errors.New("no ID token"))
	}
	clock := a.c.f.Clock()
	a.mu.Lock()
	creds, region, tok := a.creds, a.credsRegion, a.credsToken
	a.mu.Unlock()
	if tok != idToken || creds.Expired() || (creds.CanExpire && creds.Expires.Before(clock().Add(time.Minute))) {
		res, err := a.c.exchange(ctx, idToken, false)
		if err != nil {
			return nil, err
		}
		creds = res.Credentials
		region, _, _ = strings.Cut(res.IdentityPoolID, ":")
		a.mu.Lock()
		a.creds, a.credsRegion, a.credsToken = creds, region, idToken
		a.mu.Unlock()
	}
	return &cmdutil.SigV4{Creds: creds, Region: region, Now: clock}, nil
}

func transportFix(res *apicall.Result) string {
	if res == nil || res.Error == nil {
		return "Check the API's URL."
	}
	switch res.Error.Kind {
	case apicall.ErrKindTLS:
		return "The server's certificate is not trusted: check the URL (https to an http server?) or the certificate."
	case apicall.ErrKindTimeout:
		return "The API did not answer in time: check the URL and that the API is up."
	case apicall.ErrKindRedirect:
		return "The API redirects in a loop: call the final URL."
	}
	return "Check the API's URL and that it is reachable."
}

// callResult is the view's shape of an apicall result.
func callResult(res *apicall.Result) *service.CallResult {
	r := res.Response
	out := &service.CallResult{Status: r.Status, Size: r.BodySize, RequestID: r.RequestID,
		Timings: service.Timings{DNS: dur(res.Timings.DNS), Connect: dur(res.Timings.Connect), TLS: dur(res.Timings.TLS),
			FirstByte: dur(res.Timings.FirstByte), Total: dur(res.Timings.Total)}}
	// The body as received: the view lays JSON out itself (a cut body
	// too), so that Body is the body and Size its size.
	body := r.Body
	if len(body) > maxShown {
		body = body[:maxShown]
	}
	out.Body = []byte(body)
	names := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range r.Headers[k] {
			out.Headers = append(out.Headers, service.Header{Name: http.CanonicalHeaderKey(k), Value: v})
		}
	}
	switch {
	case r.Status < 400:
		return out
	case res.Judgement == nil:
		out.Judgement = &service.Judgement{Verdict: service.VerdictError}
		return out
	}
	j := res.Judgement
	cause := apicall.Causes[j.Cause]
	v := service.VerdictError
	switch {
	case j.Cause == apicall.CauseUnknownRoute || j.Cause == apicall.CauseAuthorizerError:
	case r.Status == http.StatusUnauthorized:
		v = service.VerdictUnauthorized
	case r.Status == http.StatusForbidden:
		v = service.VerdictForbidden
	}
	diag := cause.Text
	if j.Reason != "" && j.Cause != apicall.CauseUnknownRoute {
		diag += " — " + j.Reason
	}
	if j.RouteProblem != "" && len(j.Known) > 0 {
		diag += "; the API has: " + strings.Join(j.Known, ", ")
	}
	fix := apicall.FixPhrase(j.Cause, fixHints())
	for _, w := range j.Warnings {
		switch w {
		case apicall.WarnBearerToRESTCognito:
			fix = strings.TrimSpace(fix + ` A "Bearer " prefix went to a REST Cognito authorizer: send the bare token.`)
		case apicall.WarnCachedPolicy:
			fix = strings.TrimSpace(fix + " The authorizer caches its policies: one cached for another method may be answering.")
		}
	}
	out.Judgement = &service.Judgement{Verdict: v, FailedCheck: j.FailedCheck, Gateway: gatewayText(j), Diagnosis: diag, Fix: fix}
	return out
}

// fixHints are the console's keys that do a fix, by fix code (the
// library's fix text names none; the CLI adds its flags): the API view's
// token key, the Tokens view's AWS credentials key. Built on first use:
// two whole key maps are not built at every start of cogscope.
var fixHints = sync.OnceValue(func() map[string]apicall.Hint {
	tk := apiview.DefaultKeyMap().Token.Help().Key
	aws := tokensview.DefaultKeyMap().AWS.Help().Key
	return map[string]apicall.Hint{
		"send-token":          {After: "send a token", Text: " (" + tk + " picks the token sent)"},
		"send-access-token":   {After: "send the access token", Text: " (" + tk + ": access)"},
		"send-id-token":       {After: "send the ID token", Text: " (" + tk + ": ID)"},
		"sign-request":        {After: "with AWS credentials", Text: " (" + tk + ": SigV4, the identity pool's for the ID token)"},
		"check-role-policy":   {After: "the identity pool gives", Text: ": view 2, " + aws},
		"refresh-credentials": {After: "get fresh credentials", Text: " (view 2, " + aws + ")"},
	}
})

// gatewayText is API Gateway's own words: the body's message and the
// www-authenticate header.
func gatewayText(j *apicall.Judgement) string {
	var parts []string
	switch {
	case j.Message != "":
		parts = append(parts, fmt.Sprintf("%q", j.Message))
	case j.MessageNull:
		parts = append(parts, "message null")
	}
	if j.WWWAuthenticate != nil {
		parts = append(parts, "www-authenticate: "+j.WWWAuthenticate.Raw)
	}
	return strings.Join(parts, " · ")
}

func dur(d apicall.Duration) time.Duration { return time.Duration(d) }

func resolve(path, base string) (*url.URL, error) {
	b, err := apicall.Build(context.Background(), apicall.Request{Target: path, BaseURL: base, TokenKind: apicall.TokenNone})
	if err != nil {
		return nil, err
	}
	return b.HTTP.URL, nil
}
