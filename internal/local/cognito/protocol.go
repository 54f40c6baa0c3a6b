package cognito

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/internal/lazyregexp"
	"github.com/cogscope/cogscope/internal/local/awsjson"
)

// maxBody caps request bodies; the largest legitimate Cognito request is a
// few kilobytes.
const maxBody = 1 << 20

const (
	targetPrefix = "AWSCognitoIdentityProviderService."
	jsonType     = awsjson.ContentType
)

// call is one API request as a handler sees it.
type call struct {
	ctx    context.Context
	action string
	body   []byte
}

type handlerFunc func(s *Service, c *call) (any, error)

// ServeHTTP answers the JSON 1.1 API on POST / and each pool's
// /.well-known/jwks.json and /.well-known/openid-configuration.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	// The service's clock, not the wall clock: clients measure their skew
	// against this header (the flows' clock-skew diagnosis does).
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	if r.URL.Path != "/" {
		s.serveWellKnown(w, r)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, &apiError{Type: excUnknownOperation, Status: http.StatusMethodNotAllowed,
			Message: r.Method + " is not supported: operations are POST / with an X-Amz-Target header"})
		return
	}
	defer func() {
		// A bug must not cost the client its connection or the AWS error
		// shape; the stack keeps serving.
		if v := recover(); v != nil {
			s.log.Error("cognito handler panicked", "target", r.Header.Get("X-Amz-Target"), "panic", v, "requestId", reqID)
			writeError(w, errInternal(fmt.Errorf("%v", v)))
		}
	}()
	resp, err := s.serveAPI(w, r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = errInternal(err)
		}
		s.log.Debug("cognito request failed", "target", r.Header.Get("X-Amz-Target"), "type", ae.Type, "message", ae.Message, "requestId", reqID)
		s.notify()
		writeError(w, ae)
		return
	}
	body, err := json.Marshal(resp)
	if err != nil {
		writeError(w, errInternal(fmt.Errorf("encode response: %w", err)))
		return
	}
	// The OnChange listeners run before the answer, so a stack that
	// writes its state synchronously (--state-sync) acknowledges only
	// what is on disk.
	s.notify()
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Service) serveAPI(w http.ResponseWriter, r *http.Request) (any, error) {
	target := r.Header.Get("X-Amz-Target")
	action, ok := strings.CutPrefix(target, targetPrefix)
	h := handlers[action]
	if !ok || h == nil {
		if target == "" {
			return nil, newErr(excUnknownOperation, "Missing X-Amz-Target header")
		}
		return nil, errf(excUnknownOperation, "Unknown operation %s", echo(target))
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil ||
		(mt != jsonType && mt != "application/x-amz-json-1.0") {
		return nil, errf(excUnknownOperation, "Unsupported Content-Type %q: use %s", echo(r.Header.Get("Content-Type")), jsonType)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			// 413 as the stack's dispatcher answers a declared length
			// over the cap: a body streamed without one gets the same.
			e := errf(excSerialization, "Request body exceeds the limit of %d bytes", maxBody)
			e.Status = http.StatusRequestEntityTooLarge
			return nil, e
		}
		return nil, errf(excSerialization, "Unable to read the request body: %v", err)
	}
	return h(s, &call{ctx: r.Context(), action: action, body: body})
}

// writeError answers e with the message in x-amzn-ErrorMessage too: some
// clients read headers only.
func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("x-amzn-ErrorMessage", headerText(e.Message))
	awsjson.WriteError(w, e)
}

// maxHeaderMessage caps the x-amzn-ErrorMessage header: clients cap
// their header sizes (Node's is 16 KB in all), and the message in the body
// is the full one.
const maxHeaderMessage = 512

// headerText is msg as a header value: printable ASCII only (anything else
// becomes '?'), cut to maxHeaderMessage bytes.
func headerText(msg string) string {
	b := make([]byte, 0, min(len(msg), maxHeaderMessage))
	for i := 0; i < len(msg) && len(b) < maxHeaderMessage; i++ {
		c := msg[i]
		if c < 0x20 || c >= 0x7f {
			c = '?'
		}
		b = append(b, c)
	}
	if len(msg) > maxHeaderMessage {
		b = append(b[:maxHeaderMessage-3], "..."...)
	}
	return string(b)
}

// Patterns the service model puts on the ids every operation carries.
var (
	poolIDPattern   = lazyregexp.New(`^[\w-]+_[0-9a-zA-Z]+$`)
	clientIDPattern = lazyregexp.New(`^[\w+]+$`)
)

// decode parses the request body into v and applies the model's
// constraints: required members (null → "Member must not be null"), and
// the UserPoolId/ClientId patterns wherever those members appear.
func (c *call) decode(v any, required ...string) error {
	body := bytes.TrimSpace(c.body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if !validJSONText(body) {
		return errf(excSerialization, "Unable to parse the request body: it is not valid UTF-8 text")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return errf(excSerialization, "Unable to parse the request body as a JSON object: %s", jsonProblem(err))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errf(excSerialization, "Unable to parse the request body: %s", jsonProblem(err))
	}
	var vs []violation
	for _, name := range required {
		if m, ok := raw[name]; !ok || string(m) == "null" {
			vs = append(vs, violation{member: name, rule: "Member must not be null"})
		}
	}
	for _, f := range []struct {
		name string
		re   *lazyregexp.Regexp
		max  int
	}{{"UserPoolId", poolIDPattern, 55}, {"ClientId", clientIDPattern, 128}} {
		m, ok := raw[f.name]
		if !ok || string(m) == "null" {
			continue
		}
		var sv string
		if json.Unmarshal(m, &sv) != nil {
			continue
		}
		switch {
		case sv == "":
			vs = append(vs, violation{member: f.name, value: &sv, rule: "Member must have length greater than or equal to 1"})
		case len(sv) > f.max:
			vs = append(vs, violation{member: f.name, value: &sv, rule: fmt.Sprintf("Member must have length less than or equal to %d", f.max)})
		case !f.re.MatchString(sv):
			pattern := strings.TrimSuffix(strings.TrimPrefix(f.re.String(), "^"), "$")
			vs = append(vs, violation{member: f.name, value: &sv, rule: "Member must satisfy regular expression pattern: " + pattern})
		}
	}
	vs = append(vs, checkLimits(raw)...)
	return validationError(vs)
}

// jsonProblem describes a decoding error without echoing request content.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte offset %d", se.Offset)
	case errors.As(err, &te) && te.Field == "":
		return "the body is " + jsonKind(te.Value) + ", not an object"
	case errors.As(err, &te):
		return fmt.Sprintf("member %s must be %s, not %s", te.Field, goKindInJSON(te.Type), jsonKind(te.Value))
	default:
		return "malformed JSON"
	}
}

// jsonKind names a JSON value kind as encoding/json reports it ("string",
// "number", "array", "object", "bool") with its article.
func jsonKind(v string) string {
	switch {
	case v == "array" || v == "object":
		return "an " + v
	case v == "bool":
		return "a boolean"
	case strings.HasPrefix(v, "number"):
		return "a number" // "number 1.5" for a fraction where an integer belongs
	}
	return "a " + v
}

// goKindInJSON names the JSON kind a Go destination type expects, so the
// message speaks the client's language, not this server's.
func goKindInJSON(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Pointer:
		return goKindInJSON(t.Elem())
	}
	return "an object"
}

// onPool is the preamble of an operation on one pool: it decodes the
// request into in (checking the required members), takes the service's
// lock and looks up the pool whose id decoding put in *poolID; fn then runs
// under the lock.
func onPool(s *Service, c *call, in any, poolID *string, fn func(p *pool) (any, error), required ...string) (any, error) {
	if err := c.decode(in, required...); err != nil {
		return nil, err
	}
	return s.withPool(*poolID, fn)
}

// withPool runs fn on the pool under the service's lock (ResourceNotFound
// when there is no such pool).
func (s *Service) withPool(poolID string, fn func(p *pool) (any, error)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(poolID)
	if err != nil {
		return nil, err
	}
	return fn(p)
}
