package fakes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cogscope/cogscope/ui/service"
)

// The demo API's log groups.
const (
	AuthorizerGroup = "/aws/lambda/demo-authorizer"
	AccessLogGroup  = "/aws/apigateway/demo-http/access"
	BackendGroup    = "/aws/lambda/demo-backend"
)

// Routes are the local stack's demo routes.
func Routes() []service.Route {
	groups := []string{AuthorizerGroup, AccessLogGroup}
	return []service.Route{
		{API: "demo-http", APIKind: "HTTP", Method: "GET", Path: "/public", Authorizer: service.AuthNone, LogGroups: []string{AccessLogGroup}, Source: "local stack"},
		{API: "demo-http", APIKind: "HTTP", Method: "GET", Path: "/private", Authorizer: service.AuthJWT, AuthorizerName: "cognito-jwt",
			LogGroups: groups, Source: "local stack"},
		{API: "demo-http", APIKind: "HTTP", Method: "GET", Path: "/scoped", Authorizer: service.AuthJWT, AuthorizerName: "cognito-jwt",
			Scopes: []string{"demo/read"}, LogGroups: groups, Source: "local stack"},
		{API: "demo-http", APIKind: "HTTP", Method: "POST", Path: "/items", Authorizer: service.AuthLambda, AuthorizerName: "demo-authorizer",
			LogGroups: []string{AuthorizerGroup, AccessLogGroup, BackendGroup}, Source: "local stack"},
		{API: "demo-rest", APIKind: "REST", Method: "GET", Path: "/pets", Authorizer: service.AuthCognito, AuthorizerName: "pool",
			Scopes: []string{"aws.cognito.signin.user.admin"}, LogGroups: []string{AccessLogGroup}, Source: "local stack"},
		// The same path on the other API: the list tells them apart.
		{API: "demo-rest", APIKind: "REST", Method: "GET", Path: "/public", Authorizer: service.AuthNone,
			LogGroups: []string{AccessLogGroup}, Source: "local stack"},
	}
}

// RequestID is the n-th call's API Gateway request id (from 1).
func RequestID(n int) string { return fmt.Sprintf("Qx%02dAbCdIAMEb%cQ=", n, 'A'+rune(n%26)) }

// API is a scripted service.API: the demo routes, answers by path and
// token, and for each call the log lines an authorizer and the access
// log would write, sent to Logs when it is set.
type API struct {
	// RouteList replaces Routes when set; RoutesErr fails Routes.
	RouteList []service.Route
	RoutesErr error
	// Results answer calls by path, replacing the built-in answers.
	Results map[string]*service.CallResult
	// Hold, when set, makes every call wait until it is closed.
	Hold chan struct{}
	// Logs receives each call's log lines.
	Logs *Logs

	mu    sync.Mutex
	calls []service.CallRequest
}

// NewAPI returns the demo API, its call lines going to logs (may be nil).
func NewAPI(logs *Logs) *API { return &API{Logs: logs} }

// Routes implements service.API.
func (a *API) Routes(context.Context) ([]service.Route, error) {
	if a.RoutesErr != nil {
		return nil, a.RoutesErr
	}
	if a.RouteList != nil {
		return a.RouteList, nil
	}
	return Routes(), nil
}

// Check implements service.API: an ID token on a route with scopes is
// refused (it has no scope claim), no token on an authorized route too.
func (a *API) Check(_ context.Context, req service.CallRequest) (*service.Warning, error) {
	r := req.Route
	if r == nil || r.Authorizer == service.AuthNone {
		return nil, nil
	}
	switch {
	case req.TokenChoice == service.SendNone:
		return &service.Warning{Status: 401, FailedCheck: "identity source", Gateway: `{"message":"Unauthorized"}`,
			Reason: "no Authorization header: the authorizer has no token to read", Fix: "send the access token"}, nil
	case req.TokenChoice == service.SendID && len(r.Scopes) > 0:
		return idTokenScopeWarning(r), nil
	}
	return nil, nil
}

func idTokenScopeWarning(r *service.Route) *service.Warning {
	return &service.Warning{Status: 403, FailedCheck: "scope", Gateway: `{"message":"Forbidden"}`,
		Reason: "an ID token has no scope claim, and " + r.Path + " requires one of " + strings.Join(r.Scopes, ", "),
		Fix:    "send the access token of a sign-in that asked for " + strings.Join(r.Scopes, " or ")}
}

// Call implements service.API.
func (a *API) Call(ctx context.Context, req service.CallRequest) (*service.CallResult, error) {
	a.mu.Lock()
	a.calls = append(a.calls, req)
	n := len(a.calls)
	hold := a.Hold
	a.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	res := a.answer(req, n)
	if a.Logs != nil {
		a.Logs.Emit(callLines(req, res, n)...)
	}
	return res, nil
}

func (a *API) answer(req service.CallRequest, n int) *service.CallResult {
	id := RequestID(n)
	timings := service.Timings{DNS: 1 * time.Millisecond, Connect: 2 * time.Millisecond, FirstByte: 9 * time.Millisecond, Total: 12 * time.Millisecond}
	hdr := func(ct string, size int) []service.Header {
		return []service.Header{{Name: "Content-Type", Value: ct}, {Name: "Content-Length", Value: fmt.Sprint(size)},
			{Name: "Apigw-Requestid", Value: id}, {Name: "Date", Value: "Thu, 26 Nov 2026 10:00:00 GMT"}}
	}
	if r, ok := a.Results[req.Path]; ok {
		c := *r
		if c.RequestID == "" {
			c.RequestID = id
		}
		return &c
	}
	w, _ := a.Check(context.Background(), req)
	if w != nil {
		body := []byte(w.Gateway)
		res := &service.CallResult{Status: w.Status, Headers: hdr("application/json", len(body)), Body: body, Size: int64(len(body)),
			RequestID: id, Timings: timings}
		verdict := service.VerdictUnauthorized
		if w.Status == 403 {
			verdict = service.VerdictForbidden
			res.Headers = append(res.Headers, service.Header{Name: "Www-Authenticate",
				Value: `Bearer scope="demo/read" error="insufficient_scope" error_description="Insufficient scope"`})
		}
		res.Judgement = &service.Judgement{Verdict: verdict, FailedCheck: w.FailedCheck,
			Gateway: w.Gateway, Diagnosis: w.Reason, Fix: w.Fix}
		res.Preflight = &service.Preflight{Outcome: service.PredictRefuse, Status: w.Status, Body: w.Gateway, Check: w.FailedCheck,
			Reason: w.Reason, Agrees: true}
		for _, h := range res.Headers {
			if h.Name == "Www-Authenticate" {
				res.Preflight.WWWAuthenticate = h.Value
			}
		}
		return res
	}
	body := []byte(`{"message":"hello from ` + req.Path + `","sub":"8f2c1a4e-6b3d-4e5f-9a7b-1c2d3e4f5a6b","scope":"aws.cognito.signin.user.admin","items":[1,2,3]}`)
	res := &service.CallResult{Status: 200, Headers: hdr("application/json", len(body)), Body: body, Size: int64(len(body)),
		RequestID: id, Timings: timings, Judgement: &service.Judgement{Verdict: service.VerdictOK}}
	switch {
	case req.Route == nil:
		res.Preflight = &service.Preflight{Outcome: service.PredictUnknown, Reason: "the route is not in the API's configuration", Agrees: true}
	case req.Route.Authorizer == service.AuthLambda:
		res.Preflight = &service.Preflight{Outcome: service.PredictUnknown, Reason: "the Lambda authorizer " + req.Route.AuthorizerName + " decides", Agrees: true}
	default:
		res.Preflight = &service.Preflight{Outcome: service.PredictPass, Reason: "the token passes the authorizer's checks", Agrees: true}
	}
	return res
}

// callLines are what the authorizer and the access log write for a call.
func callLines(req service.CallRequest, res *service.CallResult, n int) []service.LogEvent {
	at := Now.Add(time.Duration(n) * time.Second)
	id := res.RequestID
	var out []service.LogEvent
	if req.Route != nil && req.Route.Authorizer != service.AuthNone {
		verdict := "allow"
		if res.Status == 401 || res.Status == 403 {
			verdict = "deny"
		}
		out = append(out, service.LogEvent{Time: at, Group: AuthorizerGroup, Stream: "2026/11/26/[$LATEST]a1b2", ID: fmt.Sprintf("%d-1", n),
			Message:   `{"level":"info","msg":"authorize","requestId":"` + id + `","route":"` + req.Method + " " + req.Path + `","decision":"` + verdict + `"}`,
			RequestID: id})
	}
	out = append(out, service.LogEvent{Time: at.Add(5 * time.Millisecond), Group: AccessLogGroup, Stream: "default", ID: fmt.Sprintf("%d-2", n),
		Message:   fmt.Sprintf(`{"requestId":"%s","routeKey":"%s %s","status":"%d"}`, id, req.Method, req.Path, res.Status),
		RequestID: id})
	return out
}

// Calls returns the requests Call received.
func (a *API) Calls() []service.CallRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]service.CallRequest(nil), a.calls...)
}

// Logs is a scripted service.Logs: every tail gets the events in Backlog,
// then whatever Emit sends; Fail and Recover play the service going away
// and coming back.
type Logs struct {
	GroupList []string
	Backlog   []service.LogEvent
	Mode      service.TailMode

	mu    sync.Mutex
	tails []*fakeTail
	reqs  []service.TailRequest
}

type fakeTail struct {
	req service.TailRequest
	ch  chan service.TailUpdate
	ctx context.Context
}

// NewLogs returns a fake log service following the demo groups.
func NewLogs() *Logs {
	return &Logs{GroupList: []string{AuthorizerGroup, AccessLogGroup, BackendGroup}, Mode: service.TailLive}
}

// Groups implements service.Logs.
func (l *Logs) Groups(context.Context) ([]string, error) { return l.GroupList, nil }

// Tail implements service.Logs.
func (l *Logs) Tail(ctx context.Context, req service.TailRequest) (<-chan service.TailUpdate, error) {
	if len(req.Groups) == 0 {
		return nil, errors.New("no log group to follow")
	}
	t := &fakeTail{req: req, ch: make(chan service.TailUpdate, 1024), ctx: ctx}
	l.mu.Lock()
	l.tails = append(l.tails, t)
	l.reqs = append(l.reqs, req)
	l.mu.Unlock()
	t.ch <- service.TailUpdate{Status: &service.TailStatus{Mode: l.Mode, Lag: 800 * time.Millisecond}}
	if evs := t.filter(l.Backlog); len(evs) > 0 {
		t.ch <- service.TailUpdate{Events: evs}
	}
	go func() {
		<-ctx.Done()
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, x := range l.tails {
			if x == t {
				l.tails = append(l.tails[:i], l.tails[i+1:]...)
				close(t.ch)
				break
			}
		}
	}()
	return t.ch, nil
}

func (t *fakeTail) filter(evs []service.LogEvent) []service.LogEvent {
	var out []service.LogEvent
	for _, e := range evs {
		for _, g := range t.req.Groups {
			if e.Group == g && (t.req.FilterPattern == "" || strings.Contains(e.Message, strings.Trim(t.req.FilterPattern, `"`))) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// Emit sends events to every tail that follows their groups.
func (l *Logs) Emit(evs ...service.LogEvent) {
	l.send(func(t *fakeTail) service.TailUpdate { return service.TailUpdate{Events: t.filter(evs)} })
}

// Fail says to every tail that the service went away, and that it
// retries.
func (l *Logs) Fail(err error) {
	l.send(func(*fakeTail) service.TailUpdate {
		return service.TailUpdate{Status: &service.TailStatus{Mode: l.Mode, Err: err, Retrying: true, Reconnects: 1}}
	})
}

// Recover says to every tail that it runs again.
func (l *Logs) Recover() {
	l.send(func(*fakeTail) service.TailUpdate {
		return service.TailUpdate{Status: &service.TailStatus{Mode: l.Mode, Lag: time.Second, Reconnects: 1}}
	})
}

func (l *Logs) send(f func(*fakeTail) service.TailUpdate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range l.tails {
		u := f(t)
		if u.Status == nil && len(u.Events) == 0 {
			continue
		}
		select {
		case t.ch <- u:
		case <-t.ctx.Done():
		}
	}
}

// Requests returns the tails started, in order.
func (l *Logs) Requests() []service.TailRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]service.TailRequest(nil), l.reqs...)
}

// Backlog is a few minutes of the demo groups' lines before Now.
func Backlog() []service.LogEvent {
	var out []service.LogEvent
	for i := range 12 {
		at := Now.Add(time.Duration(i-12) * 10 * time.Second)
		g := []string{AuthorizerGroup, AccessLogGroup, BackendGroup}[i%3]
		msg := fmt.Sprintf("START RequestId: 5f0e%04d-1c2d-4e3f Version: $LATEST", i)
		switch g {
		case AccessLogGroup:
			msg = fmt.Sprintf(`{"requestId":"Pre%02dIAMEbA=","routeKey":"GET /public","status":"200"}`, i)
		case BackendGroup:
			msg = fmt.Sprintf("handled GET /public in %d ms", 3+i)
		}
		out = append(out, service.LogEvent{Time: at, Group: g, Stream: "s1", ID: fmt.Sprintf("b%d", i), Message: msg})
	}
	return out
}
