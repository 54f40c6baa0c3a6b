package logs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/internal/local/awsjson"
)

const (
	targetPrefix = "Logs_20140328."
	jsonType     = awsjson.ContentType

	// DefaultAccount is the account id in the ARNs the service makes, the
	// one the Cognito service uses too.
	DefaultAccount = "123456789012"
	// DefaultMaxEventsPerGroup is the memory bound: events kept per group.
	DefaultMaxEventsPerGroup = 100_000
	// DefaultLiveTailSampleRate is AWS's Live Tail limit: above this many
	// matching events per second a session is sampled down to it.
	DefaultLiveTailSampleRate = 500
	// DefaultLiveTailMaxDuration is how long a Live Tail session lasts.
	DefaultLiveTailMaxDuration = 3 * time.Hour
)

// Options configure the service.
type Options struct {
	Region  string // default "us-east-1"
	Account string // default DefaultAccount
	// Now is the service's clock (ingestion times, too-old/too-new
	// checks); default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// MaxEventsPerGroup bounds memory; default DefaultMaxEventsPerGroup.
	MaxEventsPerGroup int
}

// Service is the local CloudWatch Logs. It is safe for concurrent use.
type Service struct {
	region, account string
	now             func() time.Time
	log             *slog.Logger
	maxPerGroup     int

	mu       sync.Mutex
	groups   map[string]*group
	seq      uint64
	subs     map[*subscriber]struct{}
	started  int // Live Tail sessions ever started
	tailRate int
	tailMax  time.Duration
	tailTick time.Duration

	closing   chan struct{} // closed by Shutdown: Live Tail sessions end
	closeOnce sync.Once
}

// New returns an empty service.
func New(opts Options) *Service {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = DefaultAccount
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxEventsPerGroup <= 0 {
		opts.MaxEventsPerGroup = DefaultMaxEventsPerGroup
	}
	return &Service{
		region: opts.Region, account: opts.Account, now: opts.Now, log: opts.Logger,
		maxPerGroup: opts.MaxEventsPerGroup,
		groups:      map[string]*group{},
		subs:        map[*subscriber]struct{}{},
		tailRate:    DefaultLiveTailSampleRate,
		tailMax:     DefaultLiveTailMaxDuration,
		tailTick:    200 * time.Millisecond,
		closing:     make(chan struct{}),
	}
}

// Shutdown ends every Live Tail session (with SessionStreamingException)
// and refuses new ones, so a server's graceful shutdown is not held up by
// streams that never end by themselves. The other operations keep working.
func (s *Service) Shutdown() {
	s.closeOnce.Do(func() { close(s.closing) })
}

// SetLiveTailLimits changes the Live Tail sampling rate (matching events
// per second above which a session is sampled; <0 never samples, 0 keeps
// the default) and the session length (0 keeps the default). Benchmarks lift
// the rate to measure the whole pipeline; tests shorten sessions to see
// the client reconnect.
func (s *Service) SetLiveTailLimits(rate int, maxDuration time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rate != 0 {
		s.tailRate = rate
	}
	if maxDuration > 0 {
		s.tailMax = maxDuration
	}
}

// LiveTailSessions is how many Live Tail sessions are open now, and
// how many were ever started: what AWS bills (per session-minute) and
// limits (15 open per account). Tests check the console shares one.
func (s *Service) LiveTailSessions() (open, started int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs), s.started
}

// GroupARN is the logGroupArn form of a group (no trailing ":*"), the form
// logGroupIdentifier inputs and StartLiveTail take.
func (s *Service) GroupARN(name string) string {
	return "arn:aws:logs:" + s.region + ":" + s.account + ":log-group:" + name
}

// apiError is an AWS exception: its __type and message.
type apiError = awsjson.Error

func newErr(typ, msg string) *apiError {
	return &apiError{Type: typ, Message: msg, Status: http.StatusBadRequest}
}

func errf(typ, format string, args ...any) *apiError {
	return newErr(typ, fmt.Sprintf(format, args...))
}

const (
	excResourceNotFound  = "ResourceNotFoundException"
	excAlreadyExists     = "ResourceAlreadyExistsException"
	excInvalidParameter  = "InvalidParameterException"
	excSerialization     = "SerializationException"
	excUnknownOperation  = "UnknownOperationException"
	excServiceUnavail    = "ServiceUnavailableException"
	excSessionTimeout    = "SessionTimeoutException"
	excSessionStreaming  = "SessionStreamingException"
	msgGroupNotFound     = "The specified log group does not exist."
	msgStreamNotFound    = "The specified log stream does not exist."
	msgGroupExists       = "The specified log group already exists"
	msgStreamExists      = "The specified log stream already exists"
	msgInvalidNextToken  = "The specified nextToken is invalid."
	msgInvalidPatternFmt = "Invalid filter pattern: %s"
)

func errGroupNotFound() *apiError  { return newErr(excResourceNotFound, msgGroupNotFound) }
func errStreamNotFound() *apiError { return newErr(excResourceNotFound, msgStreamNotFound) }

// validation builds AWS's model-constraint message: one clause per
// violation joined by "; ".
type validation []string

func (v *validation) add(value, member, constraint string) {
	*v = append(*v, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

func (v validation) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return newErr(excInvalidParameter, "1 validation error detected: "+v[0])
	}
	return errf(excInvalidParameter, "%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

type handlerFunc func(s *Service, w http.ResponseWriter, r *http.Request, body []byte) (any, error)

var handlers = map[string]handlerFunc{
	"CreateLogGroup":     wrap(opCreateLogGroup),
	"DeleteLogGroup":     wrap(opDeleteLogGroup),
	"CreateLogStream":    wrap(opCreateLogStream),
	"PutLogEvents":       wrap(opPutLogEvents),
	"DescribeLogGroups":  wrap(opDescribeLogGroups),
	"DescribeLogStreams": wrap(opDescribeLogStreams),
	"GetLogEvents":       wrap(opGetLogEvents),
	"FilterLogEvents":    wrap(opFilterLogEvents),
	"PutRetentionPolicy": wrap(opPutRetentionPolicy),
	"StartLiveTail":      opStartLiveTail,
}

// wrap decodes the request body into In and runs op.
func wrap[In any](op func(s *Service, in *In) (any, error)) handlerFunc {
	return func(s *Service, _ http.ResponseWriter, _ *http.Request, body []byte) (any, error) {
		in := new(In)
		if len(body) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, newErr(excSerialization, "Could not parse the request body: "+err.Error())
			}
		}
		return op(s, in)
	}
}

// ServeHTTP answers POST / with X-Amz-Target: Logs_20140328.<Action>. It
// accepts any Host, including the "stream-"/"streaming-" prefixed hosts the
// SDKs send StartLiveTail to.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		awsjson.WriteError(w, &apiError{Type: excUnknownOperation, Status: http.StatusMethodNotAllowed,
			Message: r.Method + " " + r.URL.Path + " is not supported: operations are POST / with an X-Amz-Target header"})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	action, ok := strings.CutPrefix(target, targetPrefix)
	h := handlers[action]
	if !ok || h == nil {
		awsjson.WriteError(w, newErr(excUnknownOperation, "Unknown operation "+target))
		return
	}
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("logs handler panicked", "target", target, "panic", v, "requestId", reqID)
			awsjson.WriteError(w, &apiError{Type: excServiceUnavail, Status: http.StatusInternalServerError, Message: fmt.Sprint(v)})
		}
	}()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		awsjson.WriteError(w, newErr(excSerialization, "Could not read the request body: "+err.Error()))
		return
	}
	resp, err := h(s, w, r, body)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = &apiError{Type: excServiceUnavail, Status: http.StatusInternalServerError, Message: err.Error()}
		}
		s.log.Debug("logs request failed", "target", target, "type", ae.Type, "message", ae.Message, "requestId", reqID)
		awsjson.WriteError(w, ae)
		return
	}
	if resp == nil { // a streaming operation wrote its own response
		return
	}
	out, err := json.Marshal(resp)
	if err != nil {
		awsjson.WriteError(w, &apiError{Type: excServiceUnavail, Status: http.StatusInternalServerError, Message: "encode response: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// ErrorInfo returns the AWS exception name and message of an error the
// service returned, for Go callers (Write never fails, the rest is HTTP).
func ErrorInfo(err error) (typ, message string, ok bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Type, ae.Message, true
	}
	return "", "", false
}
