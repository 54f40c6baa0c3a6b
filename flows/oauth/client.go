package oauth

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/trace"
)

// ClientAuth is how a confidential client proves itself to the token and
// revocation endpoints (RFC 6749 §2.3.1).
type ClientAuth string

// Client authentication methods, named as in OpenID Connect Discovery's
// token_endpoint_auth_methods_supported.
const (
	ClientSecretBasic ClientAuth = "client_secret_basic" // Authorization: Basic base64(id:secret) — Cognito's default
	ClientSecretPost  ClientAuth = "client_secret_post"  // client_id and client_secret form fields
)

// ParseClientAuth reads "basic" or "post" (or the full method names).
func ParseClientAuth(s string) (ClientAuth, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "basic", string(ClientSecretBasic):
		return ClientSecretBasic, nil
	case "post", string(ClientSecretPost):
		return ClientSecretPost, nil
	}
	return "", errInvalid("client authentication %q: want basic or post", s)
}

// DefaultTimeout is how long AuthorizationCode waits for the redirect.
const DefaultTimeout = 5 * time.Minute

// Options configure a Client. One of Issuer, Domain or Endpoints names the
// provider.
type Options struct {
	// Issuer is an OpenID provider's issuer URL; its endpoints come from
	// Issuer + "/.well-known/openid-configuration". A Cognito pool's issuer
	// (https://cognito-idp.<region>.amazonaws.com/<poolId>) lists its
	// hosted-UI domain's endpoints there.
	Issuer string
	// Domain is a Cognito hosted-UI domain's base URL
	// (https://<prefix>.auth.<region>.amazoncognito.com or a custom
	// domain); the endpoints are its standard /oauth2/* paths. The issuer
	// is then unknown unless Issuer is given too.
	Domain string
	// Endpoints, when set, are used as they are (no discovery).
	Endpoints *Endpoints

	ClientID     string
	ClientSecret string // confidential clients only
	// ClientAuth is how the secret is sent; default ClientSecretBasic.
	ClientAuth ClientAuth

	// RedirectURI is where the provider sends the browser back: a loopback
	// URL, http://localhost:PORT/path or http://127.0.0.1:PORT/path, whose
	// port the listener binds. Without a port (or with port 0) a free port
	// is chosen and put into the URI, which the provider must then accept
	// (RFC 8252 §7.3 says it should; Cognito only accepts registered
	// callback URLs, port included). Empty means
	// http://127.0.0.1:<free port>/callback.
	RedirectURI string
	// Scopes requested (authorization code and client credentials). Empty
	// asks for the client's defaults (Cognito: every scope the client
	// allows).
	Scopes []string
	// IdentityProvider and IDPIdentifier skip the provider's login page for
	// a federated IdP (Cognito: Google, SignInWithApple, a SAML or OIDC
	// provider's name). Prompt and Lang are passed through.
	IdentityProvider, IDPIdentifier, Prompt, Lang string

	// HTTPClient makes the requests; default a client with a 30 s
	// timeout. Redirects are never followed.
	HTTPClient *http.Client
	// Reveal puts secrets in the trace unredacted.
	Reveal bool
	// OnStep receives each step as soon as it is complete; keep it short.
	OnStep func(flows.Step)
	// Now is the clock of step times; default time.Now.
	Now func() time.Time

	// OpenBrowser opens the authorize URL (the CLI passes cli/browser's
	// OpenURL); nil opens nothing. It runs on its own goroutine and its
	// failure is ignored: the URL is also given to OnAuthorizeURL.
	OpenBrowser func(url string) error
	// OnAuthorizeURL receives the authorize URL once the listener is up,
	// for printing.
	OnAuthorizeURL func(url string)
	// Timeout bounds the wait for the redirect; default DefaultTimeout.
	Timeout time.Duration
	// Listener, when set, receives the redirect instead of a listener
	// opened from RedirectURI's port; it must be a TCP listener on a
	// loopback address. AuthorizationCode closes it.
	Listener net.Listener
	// SkipPreflight leaves out the AuthorizeCheck step, a GET of the
	// authorize URL (redirects not followed) that catches a refused
	// request (redirect_mismatch, invalid_scope, …) before the browser is
	// involved.
	SkipPreflight bool
}

// Client talks to one OAuth 2.0 / OpenID provider for one app client. It
// keeps the trace of everything it did. Methods may be called one after
// the other (sign in, then refresh, then revoke); the trace grows.
type Client struct {
	o   Options
	hc  *http.Client
	rec recorder

	mu sync.Mutex
	ep *Endpoints // resolved endpoints, nil until the first call needs them
}

// New checks the options and builds a client. Errors wrap
// flows.ErrInvalidOptions. Nothing is sent yet.
func New(o Options) (*Client, error) {
	if o.ClientID == "" {
		return nil, errInvalid("no client ID")
	}
	if o.Issuer == "" && o.Domain == "" && o.Endpoints == nil {
		return nil, errInvalid("no provider: give an issuer (OpenID discovery), a Cognito domain or the endpoints")
	}
	if o.Issuer != "" {
		iss, err := normaliseIssuer(o.Issuer)
		if err != nil {
			return nil, err
		}
		o.Issuer = iss
	}
	if o.Domain != "" {
		d, err := normaliseDomain(o.Domain)
		if err != nil {
			return nil, err
		}
		o.Domain = d
	}
	if o.ClientAuth == "" {
		o.ClientAuth = ClientSecretBasic
	}
	if o.ClientAuth != ClientSecretBasic && o.ClientAuth != ClientSecretPost {
		return nil, errInvalid("client authentication %q: want %s or %s", o.ClientAuth, ClientSecretBasic, ClientSecretPost)
	}
	for _, s := range o.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			return nil, errInvalid("scope %q: scopes are space-separated tokens without quotes or backslashes", s)
		}
	}
	if o.Timeout < 0 {
		return nil, errInvalid("timeout %s is negative", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	base := o.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 30 * time.Second}
	}
	hc := *base
	// A token or userinfo request that is redirected has gone wrong; the
	// authorize check must see the redirect itself.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Jar = nil
	c := &Client{o: o, hc: &hc, rec: recorder{trace.NewRecorder(trace.Options{Reveal: o.Reveal, OnStep: o.OnStep, Now: o.Now})}}
	if o.Endpoints != nil {
		ep := *o.Endpoints
		if err := ep.validate(); err != nil {
			return nil, err
		}
		c.ep = &ep
	}
	return c, nil
}

// Trace returns the steps recorded so far.
func (c *Client) Trace() []flows.Step { return c.rec.Steps() }

// Result is what a grant yields.
type Result struct {
	Tokens *flows.Tokens `json:"tokens"`
	// Scope is the scope the token endpoint says it granted (not every
	// provider says; Cognito does not).
	Scope string `json:"scope,omitempty"`
	// RedirectURI is the redirect URI used (authorization code), with the
	// port actually listened on.
	RedirectURI string `json:"redirectUri,omitempty"`
}

// normaliseURL checks an absolute http(s) URL and drops a trailing slash.
func normaliseURL(what, raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errInvalid("%s %q is not a URL: %v", what, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", errInvalid("%s %q is not an absolute http(s) URL", what, raw)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return "", errInvalid("%s %q is plain http on a host that is not this machine; use https", what, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errInvalid("%s %q must not have a query or fragment", what, raw)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

func normaliseIssuer(raw string) (string, error) {
	// A pasted discovery URL names its issuer too.
	raw = strings.TrimSuffix(strings.TrimSpace(raw), wellKnownPath)
	return normaliseURL("issuer", raw)
}

func normaliseDomain(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		if !strings.Contains(raw, ".") {
			return "", errInvalid("domain %q: give the domain's URL or host name (https://<prefix>.auth.<region>.amazoncognito.com), not only its prefix", raw)
		}
		raw = "https://" + raw
	}
	return normaliseURL("domain", raw)
}

// isLoopbackHost says whether a host name is this machine's loopback.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
