package local

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/internal/local/awsjson"
)

// maxBodyBytes caps every request body. The largest legitimate request of
// the services we emulate (a Cognito seed-sized AdminCreateUser, a Logs
// PutLogEvents batch) is far below it; a bigger body is refused before any
// service reads it.
const maxBodyBytes = 1 << 20

// service is one emulated AWS service as the dispatcher sees it: the
// X-Amz-Target prefixes it answers (JSON protocols) and the ServeMux path
// patterns it owns (JWKS, discovery, later the hosted UI and API Gateway
// stages).
type service struct {
	name     string
	handler  http.Handler
	targets  []string // e.g. "AWSCognitoIdentityProviderService"
	patterns []string // e.g. "GET /{pool}/.well-known/jwks.json"
	// owns claims whole path trees ahead of the patterns: API Gateway
	// serves arbitrary paths under /_api/<id>/, which no ServeMux pattern
	// can express without conflicting with /{pool}/.well-known/....
	owns func(path string) bool
	// maxBody, when set, replaces maxBodyBytes for the service's targets:
	// a full PutLogEvents batch (1 MiB of messages plus 10,000 events'
	// JSON) is larger than the default cap.
	maxBody int64
	// query: the service speaks AWS's query protocol (STS): POST / with a
	// form body naming the Action and no X-Amz-Target. One service at most.
	query bool
}

// router dispatches a request to the service that owns it.
type router struct {
	mux     *http.ServeMux
	targets map[string]service // target prefix (before the first '.') → its service
	trees   []service          // services with owns, asked in order
	query   http.Handler       // the query-protocol service (form posts), if any
}

// newRouter builds the dispatcher for services. It panics on conflicting
// registrations, which are programming errors caught by the tests.
func newRouter(services []service) http.Handler {
	rt := &router{mux: http.NewServeMux(), targets: map[string]service{}}
	for _, svc := range services {
		for _, t := range svc.targets {
			if _, dup := rt.targets[t]; dup {
				panic(fmt.Sprintf("local: target prefix %q registered twice", t))
			}
			rt.targets[t] = svc
		}
		for _, p := range svc.patterns {
			rt.mux.Handle(p, svc.handler)
		}
		if svc.owns != nil {
			rt.trees = append(rt.trees, svc)
		}
		if svc.query {
			if rt.query != nil {
				panic("local: two query-protocol services")
			}
			rt.query = svc.handler
		}
	}
	// Every AWS JSON-protocol operation is POST / with X-Amz-Target.
	rt.mux.HandleFunc("POST /{$}", rt.serveTarget)
	rt.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "" {
			writeError(w, http.StatusBadRequest, "UnknownOperationException",
				fmt.Sprintf("%s %s: operations are served by POST /", r.Method, r.URL.Path))
			return
		}
		writeError(w, http.StatusNotFound, "ResourceNotFoundException",
			fmt.Sprintf("No resource at %s %s", r.Method, r.URL.Path))
	})
	return rt
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	limit := int64(maxBodyBytes)
	if svc, ok := rt.targets[targetPrefix(r)]; ok && svc.maxBody > 0 {
		limit = svc.maxBody
	}
	// A JSON-protocol request (it names an X-Amz-Target) declaring a
	// body over the cap is refused here with the AWS JSON error. Path-
	// routed services (the hosted UI's OAuth endpoints, the JWKS) speak
	// other protocols: their bodies are capped below, and they answer an
	// oversized one in their own shape (OAuth's {"error": …}).
	if r.ContentLength > limit && r.Header.Get("X-Amz-Target") != "" {
		writeError(w, http.StatusRequestEntityTooLarge, "SerializationException",
			fmt.Sprintf("Request body of %d bytes exceeds the limit of %d bytes", r.ContentLength, limit))
		return
	}
	// A chunked body has no length up front; MaxBytesReader makes the
	// service's read fail once it passes the cap.
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	for _, svc := range rt.trees {
		if svc.owns(r.URL.Path) {
			svc.handler.ServeHTTP(w, r)
			return
		}
	}
	rt.mux.ServeHTTP(w, r)
}

func (rt *router) serveTarget(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if target == "" && rt.query != nil && isForm(r) {
		// The query protocol (STS): Action=…&Version=… in a form body.
		rt.query.ServeHTTP(w, r)
		return
	}
	if target == "" {
		writeError(w, http.StatusBadRequest, "UnknownOperationException",
			"Missing X-Amz-Target header: AWS JSON operations name themselves with it, e.g. AWSCognitoIdentityProviderService.InitiateAuth")
		return
	}
	svc, ok := rt.targets[targetPrefix(r)]
	if !ok {
		writeError(w, http.StatusBadRequest, "UnknownOperationException",
			fmt.Sprintf("Unknown operation %s: this stack serves %s", target, strings.Join(rt.prefixes(), ", ")))
		return
	}
	svc.handler.ServeHTTP(w, r)
}

// targetPrefix is the service part of X-Amz-Target (before the first '.').
func targetPrefix(r *http.Request) string {
	prefix, _, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	return prefix
}

// isForm reports a form-encoded body, as query-protocol requests have.
func isForm(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}

func (rt *router) prefixes() []string {
	out := make([]string, 0, len(rt.targets))
	for p := range rt.targets {
		out = append(out, p+".*")
	}
	slices.Sort(out)
	return out
}

// writeError answers in the AWS JSON error shape the SDKs decode: the
// exception name in __type (and x-amzn-ErrorType) and the text in message.
func writeError(w http.ResponseWriter, status int, typ, msg string) {
	h := w.Header()
	if h.Get("x-amzn-RequestId") == "" {
		h.Set("x-amzn-RequestId", uuid.NewString())
	}
	// As the Cognito service's errors do (and real AWS responses, whose
	// CORS lists expose it): clients that read headers only get the text.
	h.Set("x-amzn-ErrorMessage", msg)
	awsjson.WriteError(w, &awsjson.Error{Type: typ, Message: msg, Status: status})
}
