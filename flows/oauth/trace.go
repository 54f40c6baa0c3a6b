package oauth

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// Operation names of the steps this package records (flows.Step.Operation).
const (
	OpDiscovery      = "Discovery"      // GET <issuer>/.well-known/openid-configuration
	OpPKCE           = "PKCE"           // compute: code_verifier, code_challenge, state, nonce
	OpAuthorizeCheck = "AuthorizeCheck" // GET of the authorize URL without a browser, to catch refusals early
	OpAuthorize      = "Authorize"      // the authorize URL handed to the browser
	OpRedirect       = "Redirect"       // the redirect received by the loopback listener
	OpToken          = "Token"          // POST <token endpoint>
	OpRevoke         = "Revoke"         // POST <revocation endpoint>
	OpUserInfo       = "UserInfo"       // GET <userinfo endpoint>
)

// class says how a recorded value is treated without Reveal.
type class int

const (
	plain   class = iota // shown as is
	secret               // code, code_verifier, client secret, refresh token, Basic credentials: hidden
	shorten              // ID and access tokens: first and last characters and the length
)

func redact(v string, c class, reveal bool) string {
	if reveal || v == "" {
		return v
	}
	switch c {
	case secret:
		return flows.Redacted
	case shorten:
		return flows.Shorten(v)
	}
	return v
}

// recorder keeps a client's trace and hands each finished step to OnStep.
type recorder struct {
	reveal bool
	onStep func(flows.Step)
	now    func() time.Time

	mu    sync.Mutex
	steps []flows.Step
}

// rec builds one step while it happens.
type rec struct {
	r     *recorder
	st    flows.Step
	began time.Time // monotonic, for the duration
	ended bool
}

func (r *recorder) begin(kind flows.StepKind, op, title string) *rec {
	return &rec{r: r, st: flows.Step{Kind: kind, Operation: op, Title: title, Started: r.now()}, began: time.Now()}
}

func (s *rec) req(key, val string, c class) {
	if val == "" {
		return
	}
	if s.st.Request == nil {
		s.st.Request = map[string]string{}
	}
	s.st.Request[key] = redact(val, c, s.r.reveal)
}

func (s *rec) resp(key, val string, c class) {
	if val == "" {
		return
	}
	if s.st.Response == nil {
		s.st.Response = map[string]string{}
	}
	s.st.Response[key] = redact(val, c, s.r.reveal)
}

func (s *rec) note(format string, args ...any) {
	s.st.Notes = append(s.st.Notes, fmt.Sprintf(format, args...))
}

// httpMeta records what the response says about the exchange: a request id
// (Cognito's OAuth endpoints send x-amz-cognito-request-id) and the
// server's clock.
func (s *rec) httpMeta(h http.Header) {
	for _, k := range []string{"X-Amz-Cognito-Request-Id", "X-Amzn-Requestid", "X-Request-Id"} {
		if v := h.Get(k); v != "" {
			s.st.RequestID = v
			break
		}
	}
	if d := h.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			t = t.UTC()
			s.st.ServerTime = &t
		}
	}
}

// fail puts err on the step: an OAuth error keeps its code as the type.
func (s *rec) fail(err error) {
	if oe, ok := asError(err); ok {
		s.st.Error = &flows.APIError{Type: oe.Code, Message: oe.Description, RequestID: oe.RequestID, HTTPStatus: oe.HTTPStatus}
		if oe.Code != "" {
			s.st.Title += " → " + oe.Code
		}
		return
	}
	s.st.Error = &flows.APIError{Message: err.Error()}
}

// end finishes the step: it gets its index and duration, joins the trace
// and goes to the observer. Ending twice is a no-op.
func (s *rec) end() flows.Step {
	if s.ended {
		return s.st
	}
	s.ended = true
	s.st.DurationMS = float64(time.Since(s.began).Microseconds()) / 1000
	r := s.r
	r.mu.Lock()
	s.st.Index = len(r.steps) + 1
	r.steps = append(r.steps, s.st)
	r.mu.Unlock()
	if r.onStep != nil {
		r.onStep(s.st)
	}
	return s.st
}

func (r *recorder) trace() []flows.Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]flows.Step(nil), r.steps...)
}
