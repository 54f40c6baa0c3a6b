package hostedui

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// PathPrefix starts the path of every hosted-UI URL: the domain follows it.
const PathPrefix = "/_domain/"

// endpoint paths under a domain's base URL.
const (
	pathAuthorize   = "/oauth2/authorize"
	pathLogin       = "/login"
	pathMFA         = "/mfa"
	pathSelectMFA   = "/select-mfa"
	pathMFASetup    = "/mfa-setup"
	pathNewPassword = "/new-password"
	pathToken       = "/oauth2/token"
	pathUserInfo    = "/oauth2/userInfo"
	pathRevoke      = "/oauth2/revoke"
	pathLogout      = "/logout"
	pathError       = "/error"
)

var endpointPaths = []string{pathAuthorize, pathLogin, pathMFA, pathSelectMFA, pathMFASetup, pathNewPassword,
	pathToken, pathUserInfo, pathRevoke, pathLogout, pathError, pathIDPResponse, pathSAMLResponse, pathSAMLMetadata, pathSAMLLogout, pathIdPMetadata, pathIdPSSO, pathIdPLogin, pathIdPSLO}

// BaseURL is the hosted-UI base URL of a domain (prefix or custom domain)
// on a stack reached at endpoint, e.g.
// BaseURL("http://127.0.0.1:9229", "cogscope-demo") =
// "http://127.0.0.1:9229/_domain/cogscope-demo".
func BaseURL(endpoint, domain string) string {
	return strings.TrimRight(endpoint, "/") + PathPrefix + domain
}

// Patterns are the http.ServeMux patterns the stack registers for the
// hosted UI. They name each endpoint rather than the whole /_domain/
// subtree because a subtree pattern would conflict with the issuer's
// "GET /{pool}/.well-known/..." patterns.
func Patterns() []string {
	out := make([]string, 0, len(endpointPaths))
	for _, p := range endpointPaths {
		out = append(out, PathPrefix+"{domain}"+p)
	}
	return out
}

// Options configure a Handler.
type Options struct {
	// Cognito is the user-pools service whose pools and clients the
	// hosted UI serves. Required.
	Cognito *cognito.Service
	// Endpoint returns the stack's URL (e.g. "http://127.0.0.1:9229"),
	// the root of the absolute URLs in redirects. Nil or "" means the
	// request's own scheme and Host.
	Endpoint func() string
	// Now is the clock of codes, sessions and cookies; it should be the
	// cognito service's clock. Default time.Now.
	Now func() time.Time
	// Logger receives request errors at debug level. Default: discard.
	Logger *slog.Logger
	// Upstream is the HTTP client for federated identity providers
	// (OIDC discovery, token, JWKS and userInfo; SAML MetadataURL).
	// Default: a client that dials loopback addresses only.
	Upstream *http.Client
}

// Handler serves the hosted UI of every pool with a domain. It is safe for
// concurrent use.
type Handler struct {
	svc      *cognito.Service
	endpoint func() string
	now      func() time.Time
	log      *slog.Logger
	st       *store
	upstream *http.Client
	fed      fedStore
	logouts  logoutStore
	idpKey   idpKey // the built-in SAML IdP's signing key, made on first use
}

// New builds the hosted UI over opts.Cognito.
func New(opts Options) *Handler {
	h := &Handler{svc: opts.Cognito, endpoint: opts.Endpoint, now: opts.Now, log: opts.Logger, upstream: opts.Upstream}
	if h.upstream == nil {
		h.upstream = loopbackClient()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.st = newStore(h.now)
	return h
}

// domainCtx is the domain a request reached and its pool.
type domainCtx struct {
	name     string // as CreateUserPoolDomain named it
	basePath string // "/_domain/<name>"
	base     string // absolute base URL
	pool     cognito.HostedPool
}

func (d *domainCtx) url(path string) string { return d.base + path }

// requestIDHeader is the request id Cognito's domain endpoints answer
// with (x-amz-cognito-request-id), which clients quote to AWS support.
const requestIDHeader = "X-Amz-Cognito-Request-Id"

// ServeHTTP routes /_domain/<domain>/<endpoint> requests.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(requestIDHeader, newCode())
	rest, ok := strings.CutPrefix(r.URL.Path, PathPrefix)
	domain, path, _ := strings.Cut(rest, "/")
	if !ok || domain == "" {
		notFound(w, r.URL.Path)
		return
	}
	path = "/" + path
	poolID, ok := h.svc.PoolForDomain(domain)
	if !ok {
		writePage(w, http.StatusNotFound, errorPage{Title: "Domain not found",
			Message: "No user pool has the domain " + domain + ". Create it with CreateUserPoolDomain or a seed's domain field."})
		return
	}
	pool, err := h.svc.Pool(poolID)
	if err != nil {
		notFound(w, r.URL.Path)
		return
	}
	dc := &domainCtx{name: domain, basePath: PathPrefix + domain, pool: pool}
	dc.base = h.root(r) + dc.basePath
	h.route(w, r, dc, path)
}

func (h *Handler) route(w http.ResponseWriter, r *http.Request, dc *domainCtx, path string) {
	type route struct {
		methods []string
		serve   func(http.ResponseWriter, *http.Request, *domainCtx)
	}
	get, post := []string{http.MethodGet, http.MethodHead}, []string{http.MethodPost}
	routes := map[string]route{
		pathAuthorize:    {get, h.serveAuthorize},
		pathLogin:        {[]string{http.MethodGet, http.MethodHead, http.MethodPost}, h.serveLogin},
		pathMFA:          {post, h.serveMFA},
		pathSelectMFA:    {post, h.serveSelectMFA},
		pathMFASetup:     {post, h.serveMFASetup},
		pathNewPassword:  {post, h.serveNewPassword},
		pathToken:        {post, h.serveToken},
		pathUserInfo:     {[]string{http.MethodGet, http.MethodHead, http.MethodPost}, h.serveUserInfo},
		pathRevoke:       {post, h.serveRevoke},
		pathLogout:       {get, h.serveLogout},
		pathError:        {get, h.serveErrorPage},
		pathIDPResponse:  {get, h.serveIDPResponse},
		pathSAMLResponse: {post, h.serveSAMLResponse},
		pathSAMLMetadata: {get, h.serveSAMLMetadata},
		pathSAMLLogout:   {[]string{http.MethodGet, http.MethodPost}, h.serveSAMLLogout},
		pathIdPSLO:       {[]string{http.MethodGet, http.MethodPost}, h.serveIdPSLO},
		pathIdPMetadata:  {get, h.serveIdPMetadata},
		pathIdPSSO:       {get, h.serveIdPSSO},
		pathIdPLogin:     {post, h.serveIdPLogin},
	}
	rt, ok := routes[path]
	if !ok {
		notFound(w, r.URL.Path)
		return
	}
	for _, m := range rt.methods {
		if r.Method == m {
			rt.serve(w, r, dc)
			return
		}
	}
	w.Header().Set("Allow", strings.Join(rt.methods, ", "))
	if path == pathToken || path == pathRevoke {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "the "+path+" endpoint accepts only POST with a form body")
		return
	}
	writePage(w, http.StatusMethodNotAllowed, errorPage{Title: "Method not allowed",
		Message: r.Method + " is not allowed on " + path + "; use " + strings.Join(rt.methods, " or ") + "."})
}

// root is the scheme and host redirects are built on.
func (h *Handler) root(r *http.Request) string {
	if h.endpoint != nil {
		if e := strings.TrimRight(h.endpoint(), "/"); e != "" {
			return e
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func notFound(w http.ResponseWriter, path string) {
	writePage(w, http.StatusNotFound, errorPage{Title: "Not found", Message: "The hosted UI has no page at " + path + "."})
}
