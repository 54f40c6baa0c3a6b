package apigw

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// Function is a built-in Lambda function: it gets the event as JSON and
// returns the response as JSON. An error whose text is exactly
// "Unauthorized" is the authorizer's way to answer 401; any other error is
// a failed invocation (500).
type Function func(ctx context.Context, event json.RawMessage) (json.RawMessage, error)

// ErrUnauthorized is what an authorizer function returns for 401.
var ErrUnauthorized = errors.New("Unauthorized") //nolint:staticcheck // the exact string AWS looks for

// Demo function names.
const (
	DemoAdminsFunction = "cogscope-demo-admins" // HTTP API, payload 2.0, simple responses: group "admins" only
	DemoPolicyFunction = "cogscope-demo-policy" // REST TOKEN: an IAM policy for the called method only
)

type lambdaState struct {
	mu      sync.Mutex
	counts  map[string]int
	streams map[string]string // function → log stream (one execution environment)
}

func (l *lambdaState) init() {
	l.counts = map[string]int{}
	l.streams = map[string]string{}
}

// Invocations is how many times a function has run (cache hits do not
// run it).
func (s *Service) Invocations(function string) int {
	s.lam.mu.Lock()
	defer s.lam.mu.Unlock()
	return s.lam.counts[function]
}

// FunctionLogGroup is a function's CloudWatch log group.
func FunctionLogGroup(function string) string { return "/aws/lambda/" + function }

// resultCache holds authorizer results by identity-source values.
type resultCache struct {
	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	out     authzOutput
	expires time.Time
}

func newResultCache() *resultCache { return &resultCache{m: map[string]cacheEntry{}} }

func (c *resultCache) get(key string, now time.Time) (authzOutput, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !now.Before(e.expires) {
		return authzOutput{}, false
	}
	return e.out, true
}

func (c *resultCache) put(key string, out authzOutput, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[key] = cacheEntry{out, until}
}

// authzOutput is a Lambda authorizer's parsed answer.
type authzOutput struct {
	simple       bool
	authorized   bool // simple responses
	policy       *policyDoc
	principalID  string
	context      map[string]any
	status       int  // the refusal for this request: 0 allowed, 401, 403, 500
	explicitDeny bool // REST: a Deny statement matched
}

type policyDoc struct {
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Effect   string      `json:"Effect"`
	Action   stringOrArr `json:"Action"`
	Resource stringOrArr `json:"Resource"`
}

type stringOrArr []string

func (s *stringOrArr) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// evaluate decides a policy for a method/route ARN: an explicit Deny
// wins, then an Allow, else an implicit deny.
func (p *policyDoc) evaluate(arn string) (allowed, explicitDeny bool) {
	for _, st := range p.Statement {
		if !strings.EqualFold(st.Effect, "Deny") || !matchesAny(st.Action, "execute-api:Invoke") || !matchesAny(st.Resource, arn) {
			continue
		}
		return false, true
	}
	for _, st := range p.Statement {
		if strings.EqualFold(st.Effect, "Allow") && matchesAny(st.Action, "execute-api:Invoke") && matchesAny(st.Resource, arn) {
			return true, false
		}
	}
	return false, false
}

func matchesAny(patterns []string, v string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(v, "/", "\x00")); ok {
			return true
		}
	}
	return false
}

// invokeFunction runs a built-in function as Lambda would, counting the
// invocation and writing START / the decision / END / REPORT to its log
// group. It returns the output or the failure status (401, 500), and the
// invocation's request id.
func (s *Service) invokeFunction(name string, event map[string]any, requestID string) (json.RawMessage, int, string) {
	invID := newUUID()
	start := time.Now()
	now := s.opts.Now()
	s.lam.mu.Lock()
	s.lam.counts[name]++
	stream, warm := s.lam.streams[name]
	if !warm {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		stream = now.UTC().Format("2006/01/02") + "/[$LATEST]" + hex.EncodeToString(b)
		s.lam.streams[name] = stream
	}
	s.lam.mu.Unlock()
	group := FunctionLogGroup(name)
	logLine := func(msg string) {
		if s.opts.LogSink != nil {
			s.opts.LogSink(group, stream, s.opts.Now(), msg)
		}
	}
	if !warm {
		logLine("INIT_START Runtime Version: provided:al2023.v1\tRuntime Version ARN: arn:aws:lambda:" + s.opts.Region + "::runtime:cogscope-local\n")
	}
	logLine(fmt.Sprintf("START RequestId: %s Version: $LATEST\n", invID))
	fn := s.funcs[name]
	var out json.RawMessage
	var err error
	if fn == nil {
		err = fmt.Errorf("Function not found: arn:aws:lambda:%s:%s:function:%s", s.opts.Region, s.opts.AccountID, name)
	} else {
		in, _ := json.Marshal(event)
		out, err = fn(context.Background(), in)
	}
	decision := map[string]any{"function": name, "requestContext": map[string]any{"requestId": requestID}}
	for _, k := range []string{"type", "routeKey", "routeArn", "methodArn"} {
		if v, ok := event[k]; ok {
			decision[k] = v
		}
	}
	status := 0
	switch {
	case err != nil && err.Error() == ErrUnauthorized.Error():
		status, decision["error"] = 401, "Unauthorized"
	case err != nil:
		status, decision["error"] = 500, err.Error()
	default:
		decision["result"] = out
	}
	db, _ := json.Marshal(decision)
	logLine(fmt.Sprintf("%s\t%s\tINFO\t%s\n", s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z"), invID, db))
	if status == 500 {
		logLine(fmt.Sprintf("%s\t%s\tERROR\tInvoke Error \t%s\n", s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z"), invID, err))
	}
	logLine(fmt.Sprintf("END RequestId: %s\n", invID))
	d := float64(time.Since(start).Microseconds()) / 1000
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 128 MB\tMax Memory Used: 38 MB\t", invID, d, int(d)+1)
	if !warm {
		report += "Init Duration: 0.51 ms\t"
	}
	logLine(report + "\n")
	return out, status, invID
}

// parseAuthorizerOutput reads a function's answer: a simple response or
// an IAM policy. Malformed output is a 500, as on AWS.
func parseAuthorizerOutput(out json.RawMessage, simple bool) (authzOutput, error) {
	var raw struct {
		IsAuthorized   *bool          `json:"isAuthorized"`
		PrincipalID    string         `json:"principalId"`
		PolicyDocument *policyDoc     `json:"policyDocument"`
		Context        map[string]any `json:"context"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return authzOutput{}, fmt.Errorf("authorizer output is not a JSON object: %w", err)
	}
	o := authzOutput{simple: simple, principalID: raw.PrincipalID, context: raw.Context}
	if simple {
		if raw.IsAuthorized == nil {
			return o, errors.New("simple response without isAuthorized")
		}
		o.authorized = *raw.IsAuthorized
		return o, nil
	}
	if raw.PolicyDocument == nil {
		return o, errors.New("authorizer output without policyDocument")
	}
	o.policy = raw.PolicyDocument
	return o, nil
}

// runAuthorizer answers from the authorizer's result cache under key while
// an entry is fresh (ttl > 0); else it invokes the function with event()
// (built only then), parses the answer and caches it for ttl seconds. A
// failed invocation or a malformed answer is recorded on c and comes back
// as the output's status; an answer's own verdict is the caller's to judge.
func (s *Service) runAuthorizer(cache *resultCache, ttl int, key, uri string, simple bool, c *call, event func() map[string]any) authzOutput {
	now := s.opts.Now()
	if ttl > 0 {
		if out, hit := cache.get(key, now); hit {
			return out
		}
	}
	raw, failure, invID := s.invokeFunction(functionName(uri), event(), c.requestID)
	c.authzReqID = invID
	if failure != 0 {
		c.authErr = map[int]string{401: "Unauthorized", 500: "The authorizer function failed"}[failure]
		return authzOutput{status: failure}
	}
	out, err := parseAuthorizerOutput(raw, simple)
	if err != nil {
		c.authErr = err.Error()
		return authzOutput{status: 500}
	}
	if ttl > 0 {
		cache.put(key, out, now.Add(time.Duration(ttl)*time.Second))
	}
	return out
}

// authorizeLambdaHTTP runs an HTTP API REQUEST authorizer (payload 2.0).
func (s *Service) authorizeLambdaHTTP(au *httpAuthorizer, r *http.Request, a *httpAPI, rt *route, c *call) authzOutput {
	var values []string
	for _, src := range au.IdentitySource {
		v, ok := identityValue(src, r, rt.Key)
		if !ok || strings.TrimSpace(v) == "" {
			c.authErr = "identity source " + src + " missing"
			return authzOutput{status: 401}
		}
		values = append(values, v)
	}
	routeArn := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/$default/%s%s", s.opts.Region, s.opts.AccountID, a.ID, r.Method, c.path)
	simple := au.SimpleResponses && au.PayloadFormatVersion == "2.0"
	out := s.runAuthorizer(au.cache, au.TTL, strings.Join(values, "\x00"), au.URI, simple, c, func() map[string]any {
		event := map[string]any{
			"version": au.PayloadFormatVersion, "type": "REQUEST", "routeArn": routeArn, "identitySource": values,
			"routeKey": rt.Key, "rawPath": c.path, "rawQueryString": r.URL.RawQuery, "headers": lowerHeaders(r.Header),
			"requestContext": map[string]any{"accountId": s.opts.AccountID, "apiId": a.ID, "domainName": r.Host,
				"http":      map[string]any{"method": r.Method, "path": c.path, "protocol": r.Proto, "sourceIp": c.sourceIP, "userAgent": r.UserAgent()},
				"requestId": c.requestID, "routeKey": rt.Key, "stage": "$default", "time": clf(c.start), "timeEpoch": c.start.UnixMilli()},
		}
		if au.PayloadFormatVersion == "1.0" {
			event["identitySource"] = strings.Join(values, ",")
			event["authorizationToken"] = strings.Join(values, ",")
		}
		return event
	})
	if out.status != 0 {
		return out
	}
	if out.simple {
		if !out.authorized {
			c.authErr = "isAuthorized is false"
			out.status = 403
		}
		return out
	}
	if ok, _ := out.policy.evaluate(routeArn); !ok {
		c.authErr = "the policy does not allow " + routeArn
		out.status = 403
	}
	return out
}

// authorizeLambdaREST runs a REST TOKEN authorizer: the token header is
// the identity source and the cache key; the cached policy is evaluated
// against this request's method ARN (so a policy for one method denies
// another until the TTL ends, as on AWS).
func (s *Service) authorizeLambdaREST(au *restAuthorizer, r *http.Request, methodArn string, c *call) authzOutput {
	value, ok := identityValue(au.IdentitySource, r, "")
	if !ok || strings.TrimSpace(value) == "" {
		c.authErr = "identity source missing"
		return authzOutput{status: 401}
	}
	if au.IdentityValidation != "" {
		if ok, _ := regexpMatch(au.IdentityValidation, value); !ok {
			c.authErr = "identity validation expression did not match"
			return authzOutput{status: 401}
		}
	}
	out := s.runAuthorizer(au.cache, au.TTL, value, au.URI, false, c, func() map[string]any {
		return map[string]any{"type": "TOKEN", "authorizationToken": value, "methodArn": methodArn}
	})
	if out.status != 0 {
		return out
	}
	allowed, deny := out.policy.evaluate(methodArn)
	if !allowed {
		c.authErr = "the cached or returned policy does not allow " + methodArn
		out.status, out.explicitDeny = 403, deny
	}
	return out
}

// ---- the demo functions ----

func (s *Service) demoFunctions() map[string]Function {
	return map[string]Function{
		DemoAdminsFunction: s.demoAdmins,
		DemoPolicyFunction: s.demoPolicy,
	}
}

// verifyStackToken is what the demo functions do with aws-jwt-verify:
// signature with the issuer's keys (one of the stack's pools), expiry.
func (s *Service) verifyStackToken(raw string) (*token, error) {
	raw = bearerToken(raw)
	t, err := decodeToken(raw)
	if err != nil {
		return nil, ErrUnauthorized
	}
	iss := t.str("iss")
	ep := strings.TrimRight(s.opts.Endpoint(), "/")
	if ep == "" || !strings.HasPrefix(iss, ep+"/") {
		return nil, ErrUnauthorized
	}
	if id := s.opts.DemoUserPoolID; id != "" && iss != ep+"/"+id {
		return nil, ErrUnauthorized
	}
	if f := s.verifySignature(t, iss); f != nil {
		return nil, ErrUnauthorized
	}
	if f := checkTimes(t, s.opts.Now()); f != nil {
		return nil, ErrUnauthorized
	}
	return t, nil
}

// demoAdmins allows members of the "admins" group (payload 2.0, simple
// response).
func (s *Service) demoAdmins(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
	var ev struct {
		IdentitySource []string `json:"identitySource"`
	}
	if err := json.Unmarshal(in, &ev); err != nil || len(ev.IdentitySource) == 0 {
		return nil, ErrUnauthorized
	}
	t, err := s.verifyStackToken(ev.IdentitySource[0])
	if err != nil {
		return nil, err
	}
	groups := t.groups()
	username := t.str("cognito:username")
	if username == "" {
		username = t.str("username")
	}
	if !slices.Contains(groups, "admins") {
		return json.Marshal(map[string]any{"isAuthorized": false})
	}
	return json.Marshal(map[string]any{"isAuthorized": true,
		"context": map[string]any{"username": username, "groups": groups, "sub": t.str("sub")}})
}

// demoPolicy returns an Allow policy for exactly the method ARN it was
// called for (the classic caching mistake: the cached policy then denies
// other methods until the TTL ends).
func (s *Service) demoPolicy(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
	var ev struct {
		AuthorizationToken string `json:"authorizationToken"`
		MethodArn          string `json:"methodArn"`
	}
	if err := json.Unmarshal(in, &ev); err != nil {
		return nil, ErrUnauthorized
	}
	t, err := s.verifyStackToken(ev.AuthorizationToken)
	if err != nil {
		return nil, err
	}
	username := t.str("cognito:username")
	if username == "" {
		username = t.str("username")
	}
	return json.Marshal(map[string]any{
		"principalId": t.str("sub"),
		"policyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": ev.MethodArn}}},
		"context": map[string]any{"username": username, "tokenUse": t.str("token_use")},
	})
}
