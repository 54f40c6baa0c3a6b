package transcript

import (
	"encoding/json"
	"maps"
	"strings"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/logtail"
)

// StepsFrom converts a flow's trace into transcript steps (copies: the
// trace is not changed). Masking is Redact's.
func StepsFrom(steps []trace.Step) []Step {
	out := make([]Step, 0, len(steps))
	for _, s := range steps {
		st := Step{Index: s.Index, Kind: string(s.Kind), Operation: s.Operation, Title: s.Title,
			AuthFlow: s.AuthFlow, Challenge: s.Challenge, NextChallenge: s.NextChallenge,
			Request: maps.Clone(s.Request), Response: maps.Clone(s.Response), RequestID: s.RequestID,
			Notes: append([]string(nil), s.Notes...), Started: s.Started.UTC(), DurationMS: s.DurationMS}
		if e := s.Error; e != nil {
			st.Error = &Error{Operation: s.Operation, Type: e.Type, Message: e.Message, RequestID: e.RequestID, HTTPStatus: e.HTTPStatus}
		}
		if p := s.SRP; p != nil {
			st.SRP = &SRP{Subject: p.Subject, PoolName: p.PoolName, UserID: p.UserID, A: p.A, B: p.B, Salt: p.Salt,
				U: p.U, X: p.X, Key: p.Key, SecretBlock: p.SecretBlock, Timestamp: p.Timestamp, Signature: p.Signature}
		}
		out = append(out, st)
	}
	return out
}

// IssuedTokens are a sign-in's raw tokens, as the flow returned them.
type IssuedTokens struct {
	IDToken, AccessToken, RefreshToken string
}

// SignInFrom builds a sign-in from its flow name, its trace, the tokens it
// issued (each decoded; reports, when not nil, are the inspector's
// verified reports by use "id"/"access") and the error that ended it.
// The raw tokens are not kept: only their decoded parts.
func SignInFrom(flow string, steps []trace.Step, tk IssuedTokens, reports map[string]*inspect.Report, runErr error, now time.Time) SignIn {
	s := SignIn{Flow: flow, Steps: StepsFrom(steps), Started: now.UTC()}
	if len(s.Steps) > 0 && !s.Steps[0].Started.IsZero() {
		s.Started = s.Steps[0].Started
	}
	for _, st := range s.Steps {
		if st.NextChallenge != "" {
			s.Challenges = append(s.Challenges, st.NextChallenge)
		}
	}
	switch {
	case tk.AccessToken != "" || tk.IDToken != "":
		s.Outcome = OutcomeSignedIn
	case lastError(s.Steps) != nil:
		s.Outcome = OutcomeRefused
		s.Error = lastError(s.Steps)
	default:
		s.Outcome = OutcomeStopped
		if runErr != nil {
			s.Error = &Error{Message: runErr.Error()}
		}
	}
	for _, u := range []struct{ use, raw string }{{"id", tk.IDToken}, {"access", tk.AccessToken}} {
		if u.raw != "" {
			s.Tokens = append(s.Tokens, TokenFrom(u.use, u.raw, reports[u.use], now))
		}
	}
	if tk.RefreshToken != "" {
		s.Tokens = append(s.Tokens, Token{Use: "refresh"})
	}
	return s
}

func lastError(steps []Step) *Error {
	for i := len(steps) - 1; i >= 0; i-- {
		if e := steps[i].Error; e != nil && e.Type != "" {
			c := *e
			return &c
		}
	}
	return nil
}

// TokenFrom decodes a JWT into a Token: header and claims, jti, client,
// lifetime, and the checks of rep (the inspector's report of a
// verification), or of an offline description when rep is nil. The
// signature is never kept.
func TokenFrom(use, raw string, rep *inspect.Report, now time.Time) Token {
	tk := Token{Use: use, Signature: Masked}
	parts := strings.Split(strings.TrimSpace(raw), ".")
	if len(parts) == 3 {
		tk.Header = flows.JWTSegment(parts[0])
		tk.Claims = flows.JWTSegment(parts[1])
	}
	c := tk.Claims
	tk.JTI, tk.OriginJTI = str(c["jti"]), str(c["origin_jti"])
	tk.Issuer, tk.Subject = str(c["iss"]), str(c["sub"])
	tk.Username = first(str(c["cognito:username"]), str(c["username"]))
	tk.ClientID = first(str(c["client_id"]), str(c["aud"]))
	if tu := str(c["token_use"]); tu != "" {
		tk.Use = tu
	}
	tk.Scopes = strings.Fields(str(c["scope"]))
	tk.Groups = strs(c["cognito:groups"])
	tk.IssuedAt, tk.Expires = unix(c["iat"]), unix(c["exp"])
	if rep == nil {
		rep = inspect.Describe(raw, now)
	} else {
		tk.Verified = true
	}
	tk.Valid = rep.Valid
	for _, ch := range rep.Checks {
		tk.Checks = append(tk.Checks, Check{Name: string(ch.Name), Status: string(ch.Status), Detail: ch.Detail})
	}
	return tk
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			return str(x[0])
		}
	}
	return ""
}

func strs(v any) []string {
	xs, _ := v.([]any)
	var out []string
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func unix(v any) time.Time {
	if f, ok := v.(float64); ok && f > 0 {
		return time.Unix(int64(f), 0).UTC()
	}
	return time.Time{}
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// CallFrom builds a call from internal/apicall's result (nil when the
// request was never sent), the jti of the token sent, the API base URL
// (to keep the path a replay resends) and the call's log lines (nil
// without --logs).
func CallFrom(res *apicall.Result, tokenJTI, baseURL string, logs *logtail.CallLogs, started time.Time) Call {
	c := Call{Started: started.UTC(), TokenJTI: tokenJTI}
	if res == nil {
		return c
	}
	c.Method, c.URL, c.TokenKind = res.Request.Method, res.Request.URL, res.Request.TokenKind
	c.BodyBytes = res.Request.BodyBytes
	if len(res.Request.Headers) > 0 {
		c.Headers = make(map[string][]string, len(res.Request.Headers))
		for k, v := range res.Request.Headers {
			c.Headers[k] = append([]string(nil), v...)
		}
	}
	c.Path = PathOf(c.URL, baseURL)
	c.DurationMS = float64(res.Timings.Total) / float64(time.Millisecond)
	if r := res.Response; r != nil {
		c.Status, c.RequestID, c.ErrorType = r.Status, r.RequestID, r.ErrorType
		if r.Status >= 400 && r.JSON {
			var m map[string]any
			if json.Unmarshal([]byte(r.Body), &m) == nil {
				c.Message = first(str(m["message"]), str(m["Message"]))
			}
		}
	}
	if res.Error != nil {
		c.Error = res.Error.Message
	}
	if j := res.Judgement; j != nil {
		c.Explanation = &Explanation{FailedCheck: j.FailedCheck, Cause: j.Cause, Fix: j.Fix, Reason: j.Reason,
			Mistakes: append([]string(nil), j.Mistakes...)}
	}
	c.Logs = LogLines(logs)
	return c
}

// LogLines are a call's matched log lines: its access-log line and its
// authorizer's invocation.
func LogLines(cl *logtail.CallLogs) []LogLine {
	if cl == nil {
		return nil
	}
	var out []LogLine
	add := func(kind string, e logtail.Event) {
		out = append(out, LogLine{Kind: kind, Group: e.LogGroup, Stream: e.LogStream, Timestamp: e.Time().UTC(), Message: e.Message})
	}
	if cl.Access != nil {
		add("access", *cl.Access)
	}
	if cl.Authorizer != nil {
		for _, e := range cl.Authorizer.Lines {
			add("authorizer", e)
		}
	}
	return out
}

// PathOf is u relative to base ("/private?x=1"), or u itself when it is
// not under base.
func PathOf(u, base string) string {
	b := strings.TrimRight(base, "/")
	if b != "" && strings.HasPrefix(u, b) {
		rest := u[len(b):]
		if rest == "" || strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, "?") {
			if !strings.HasPrefix(rest, "/") {
				rest = "/" + rest
			}
			return rest
		}
	}
	return u
}

// CallFromSmoke builds a call from one row of a smoke run (`cogscope
// call --routes`): no body, no log lines; the row's path is resolved
// against base (the row's API).
func CallFromSmoke(r apicall.SmokeResult, base string, started time.Time) Call {
	path := r.Route.Path
	c := Call{Method: r.Route.Method, Path: path, URL: path, TokenKind: r.Route.Token, Started: started.UTC(),
		DurationMS: float64(r.Duration) / float64(time.Millisecond), Status: r.Status, RequestID: r.RequestID, Error: r.Error}
	if c.Method == "" {
		c.Method = "GET"
	}
	if c.TokenKind == "" {
		c.TokenKind = apicall.TokenAccess
	}
	if b := strings.TrimRight(base, "/"); b != "" && strings.HasPrefix(path, "/") {
		c.URL = b + path
	}
	if j := r.Judge; j != nil {
		c.Explanation = &Explanation{FailedCheck: j.FailedCheck, Cause: j.Cause, Fix: j.Fix, Reason: j.Reason,
			Mistakes: append([]string(nil), j.Mistakes...)}
	}
	return c
}
