package trace

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Recorder.
type Options struct {
	// Reveal records secrets as they are (the console records so, and
	// masks by IsSecret itself).
	Reveal bool
	// OnStep receives each step as soon as it ends, on the recording
	// goroutine; keep it short.
	OnStep func(Step)
	// Now stamps Step.Started; default time.Now.
	Now func() time.Time
}

// Recorder keeps one trace: the steps in the order they ended. Steps may
// be recorded and read from several goroutines.
type Recorder struct {
	o     Options
	mu    sync.Mutex
	steps []Step
}

// NewRecorder starts an empty trace.
func NewRecorder(o Options) *Recorder {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Recorder{o: o}
}

// Steps returns a copy of the steps so far, in order.
func (r *Recorder) Steps() []Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.steps)
}

// Begin starts a step. Fill it while the work happens, then End it.
func (r *Recorder) Begin(kind StepKind, op, title string) *Recording {
	return &Recording{r: r, Step: Step{Kind: kind, Operation: op, Title: title, Started: r.o.Now()}, began: time.Now()}
}

// Recording is one step while it happens. Step is the entry being built:
// callers set its fields (AuthFlow, Challenge, SRP, Error …) directly, and
// put request and response values through Request and Response so that
// the table decides what is hidden.
type Recording struct {
	Step  Step
	r     *Recorder
	began time.Time // monotonic, for the duration
	ended bool
}

// Request records a value sent, rendered as Classify says. Empty values
// are not recorded.
func (s *Recording) Request(key, val string) { s.RequestAs(key, val, Classify(key, val)) }

// Response records a value received, rendered as Classify says.
func (s *Recording) Response(key, val string) { s.ResponseAs(key, val, Classify(key, val)) }

// RequestAs records a value sent with an explicit class: for a value whose
// key is not a member name (a placeholder such as "(set)").
func (s *Recording) RequestAs(key, val string, c Class) { s.put(&s.Step.Request, key, val, c) }

// ResponseAs records a value received with an explicit class.
func (s *Recording) ResponseAs(key, val string, c Class) { s.put(&s.Step.Response, key, val, c) }

func (s *Recording) put(m *map[string]string, key, val string, c Class) {
	if val == "" {
		return
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = Render(val, c, s.r.o.Reveal)
}

// Value renders a value kept outside Request and Response (Step.SRP's),
// as the table classes the key ("srp.x").
func (s *Recording) Value(key, v string) string { return Render(v, Classify(key, v), s.r.o.Reveal) }

// Note adds a plain-language explanation to the step.
func (s *Recording) Note(format string, args ...any) {
	s.Step.Notes = append(s.Step.Notes, fmt.Sprintf(format, args...))
}

// HTTPMeta records what a response's headers say about the exchange: a
// request id (Cognito's OAuth endpoints send x-amz-cognito-request-id, AWS
// APIs x-amzn-RequestId, API Gateway x-amz-apigw-id) and the server's
// clock (the Date header, which shows clock skew).
func (s *Recording) HTTPMeta(h http.Header) {
	for _, k := range []string{"X-Amz-Cognito-Request-Id", "X-Amzn-Requestid", "X-Request-Id"} {
		if v := h.Get(k); v != "" {
			s.Step.RequestID = v
			break
		}
	}
	if d := h.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			t = t.UTC()
			s.Step.ServerTime = &t
		}
	}
}

// Exchange is one HTTP request and its response, as a trace records it.
type Exchange struct {
	Method string
	URL    string
	// Status is the response's status code; 0 when no response came.
	Status         int
	RequestHeader  http.Header
	ResponseHeader http.Header
	// RequestBody and ResponseBody are the bodies as text (the caller
	// caps and sanitises them); empty ones are not recorded.
	RequestBody  string
	ResponseBody string
}

// Exchange records an HTTP exchange on the step: request "method", "url"
// (secret query parameters redacted) and one entry per header under its
// canonical name (several values joined with ", "), "body"; response "status", headers and "body". Headers
// and query parameters go through the table (Authorization, Cookie,
// X-Api-Key … are hidden); the response headers also give HTTPMeta.
func (s *Recording) Exchange(x Exchange) {
	s.RequestAs("method", x.Method, Plain)
	s.RequestAs("url", RedactURL(x.URL, s.r.o.Reveal), Plain)
	for k, vs := range x.RequestHeader {
		s.Request(http.CanonicalHeaderKey(k), strings.Join(vs, ", "))
	}
	s.RequestAs("body", x.RequestBody, Plain)
	if x.Status != 0 {
		s.ResponseAs("status", strconv.Itoa(x.Status), Plain)
	}
	for k, vs := range x.ResponseHeader {
		s.Response(http.CanonicalHeaderKey(k), strings.Join(vs, ", "))
	}
	s.ResponseAs("body", x.ResponseBody, Plain)
	if x.ResponseHeader != nil {
		s.HTTPMeta(x.ResponseHeader)
	}
}

// Elapsed is the time since the step began (monotonic).
func (s *Recording) Elapsed() time.Duration { return time.Since(s.began) }

// End finishes the step: it gets its index and duration, joins the trace
// and goes to OnStep. Ending twice is a no-op that returns the step.
func (s *Recording) End() Step {
	if s.ended {
		return s.Step
	}
	s.ended = true
	s.Step.DurationMS = float64(time.Since(s.began).Microseconds()) / 1000
	r := s.r
	r.mu.Lock()
	s.Step.Index = len(r.steps) + 1
	r.steps = append(r.steps, s.Step)
	r.mu.Unlock()
	if r.o.OnStep != nil {
		r.o.OnStep(s.Step)
	}
	return s.Step
}
