package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/trace"
	"github.com/cogscope/cogscope/internal/termtext"
)

// authRequest is one authorization request's parameters and secrets.
type authRequest struct {
	pkce        PKCE
	state       string
	nonce       string
	redirectURI string
	url         string
}

// AuthorizationCode signs a user in through the provider's login page: it
// opens a loopback listener for the redirect, sends the browser to the
// authorize endpoint with a PKCE S256 challenge, state and nonce, waits
// for the redirect (Options.Timeout), checks state and iss, exchanges the
// code with the verifier and checks the ID token's nonce. The browser is
// shown a page saying how it went. When ctx ends, the listener is closed
// before it returns.
func (c *Client) AuthorizationCode(ctx context.Context) (*Result, error) {
	// Until the receiver owns it, a listener given in Options is closed
	// here on failure, as documented.
	early := func(err error) (*Result, error) {
		if c.o.Listener != nil {
			_ = c.o.Listener.Close()
		}
		return nil, err
	}
	lr, err := parseLoopbackRedirect(c.o.RedirectURI)
	if err != nil {
		return early(err)
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return early(err)
	}
	if err := need("authorization_endpoint", ep.Authorization); err != nil {
		return early(err)
	}
	if err := need("token_endpoint", ep.Token); err != nil {
		return early(err)
	}
	recv, err := listen(lr, c.o.Listener)
	if err != nil {
		return nil, err
	}
	defer recv.close()

	ar, err := c.newAuthRequest(ep, recv.redirectURI)
	if err != nil {
		return nil, err
	}
	recv.expect(ar.state)
	c.recordPKCE(ep, ar, lr, recv)
	if !c.o.SkipPreflight {
		if err := c.preflight(ctx, ep, ar); err != nil {
			return nil, err
		}
	}
	c.handOver(ar, recv)

	cb, err := c.awaitRedirect(ctx, ep, ar, recv)
	if err != nil {
		return nil, err
	}
	res, err := c.exchangeCode(ctx, ep, ar, cb.query.Get("code"))
	if err != nil {
		cb.reply <- failurePage("Sign-in failed", "The code could not be exchanged for tokens: "+err.Error()+".")
		return nil, err
	}
	cb.reply <- successPage()
	res.RedirectURI = ar.redirectURI
	return res, nil
}

// newAuthRequest draws the secrets and builds the authorize URL.
func (c *Client) newAuthRequest(ep *Endpoints, redirectURI string) (*authRequest, error) {
	pk, err := NewPKCE()
	if err != nil {
		return nil, err
	}
	state, err := randomToken(24)
	if err != nil {
		return nil, err
	}
	nonce, err := randomToken(24)
	if err != nil {
		return nil, err
	}
	ar := &authRequest{pkce: pk, state: state, nonce: nonce, redirectURI: redirectURI}
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.o.ClientID},
		"redirect_uri":          {redirectURI},
		"state":                 {state},
		"nonce":                 {nonce},
		"code_challenge":        {pk.Challenge},
		"code_challenge_method": {pk.Method},
	}
	if len(c.o.Scopes) > 0 {
		q.Set("scope", strings.Join(c.o.Scopes, " "))
	}
	for k, v := range map[string]string{"identity_provider": c.o.IdentityProvider, "idp_identifier": c.o.IDPIdentifier,
		"prompt": c.o.Prompt, "lang": c.o.Lang} {
		if v != "" {
			q.Set(k, v)
		}
	}
	u, err := url.Parse(ep.Authorization)
	if err != nil {
		return nil, errInvalid("authorization_endpoint %q: %v", ep.Authorization, err)
	}
	// Keep any query the endpoint itself carries (some providers need one).
	base := u.Query()
	for k, v := range q {
		base[k] = v
	}
	// Scopes are joined with %20, which every provider reads; Encode's
	// "+" is also valid form encoding, but %20 is what Cognito documents.
	u.RawQuery = strings.ReplaceAll(base.Encode(), "+", "%20")
	ar.url = u.String()
	return ar, nil
}

// recordPKCE records the compute step: the proof key, state and nonce.
func (c *Client) recordPKCE(ep *Endpoints, ar *authRequest, lr *loopbackRedirect, recv *receiver) {
	s := c.rec.begin(flows.StepCompute, OpPKCE, "Compute the PKCE proof key (S256), state and nonce")
	s.Response("code_verifier", ar.pkce.Verifier)
	s.Response("code_challenge", ar.pkce.Challenge)
	s.Response("code_challenge_method", ar.pkce.Method)
	s.Response("state", ar.state)
	s.Response("nonce", ar.nonce)
	s.Note("The verifier (32 random bytes) never leaves this machine until the code exchange; the challenge is its SHA-256.")
	if len(ep.CodeChallengeMethods) > 0 && !slices.Contains(ep.CodeChallengeMethods, "S256") {
		s.Note("The provider's metadata does not list S256 among code_challenge_methods_supported (%s); it may refuse the request.",
			strings.Join(ep.CodeChallengeMethods, " "))
	}
	switch {
	case c.o.Listener != nil:
	case c.o.RedirectURI == "":
		s.Note("No redirect URI given: listening on %s and using %s, which the provider must accept (Cognito needs it registered exactly, port included, as a callback URL).", recv.addr(), recv.redirectURI)
	case lr.port == 0:
		s.Note("The redirect URI has no port: listening on free port %s and using %s, which the provider must accept (Cognito needs it registered exactly, port included).", recv.addr(), recv.redirectURI)
	}
	s.End()
}

// handOver records the authorize step and gives the URL to the user.
func (c *Client) handOver(ar *authRequest, recv *receiver) {
	s := c.rec.begin(flows.StepCall, OpAuthorize, "Authorize in the browser")
	u, _ := url.Parse(ar.url) // built by newAuthRequest
	s.Request("url", ar.url)
	q := u.Query()
	for k := range q {
		s.Request(k, q.Get(k))
	}
	s.Note("Listening on %s for the redirect to %s (one request, then closed).", recv.addr(), recv.redirectURI)
	if c.o.OpenBrowser != nil {
		// The opener's answer, if it comes soon, says whether a browser
		// shows the page: "opening" when none could be started sends
		// the user waiting for nothing. An opener that blocks (a
		// $BROWSER that runs until it is closed) goes on by itself.
		done := make(chan error, 1)
		go func() { done <- c.o.OpenBrowser(ar.url) }()
		select {
		case err := <-done:
			if err != nil {
				s.Note("Could not open a browser (%s): open the URL yourself.", firstLineOf(err.Error()))
			} else {
				s.Note("Opened the URL in the browser.")
			}
		case <-time.After(openerWait):
			s.Note("Opening the URL in the browser.")
		}
	} else {
		s.Note("Open the URL in a browser to sign in.")
	}
	s.End()
	if c.o.OnAuthorizeURL != nil {
		c.o.OnAuthorizeURL(ar.url)
	}
}

var pageErrorRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\berror\s*[:=]\s*"?([a-z][a-z_]+)"?(?:\s+error_description\s*[:=]\s*"?([^"]+)"?)?`)
})

// preflight GETs the authorize URL without following the redirect: a
// refused request shows at once (Cognito sends redirect_mismatch to its
// own /error page, where the loopback listener would never hear of it)
// instead of after the timeout.
func (c *Client) preflight(ctx context.Context, ep *Endpoints, ar *authRequest) error {
	s := c.rec.begin(flows.StepCall, OpAuthorizeCheck, "Check the authorize request (no browser, redirect not followed)")
	defer s.End()
	s.Request("url", ar.url)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ar.url, nil)
	if err != nil {
		s.fail(err)
		return fmt.Errorf("authorize check: %w", err)
	}
	res, body, err := c.do(req)
	if err != nil {
		err = fmt.Errorf("authorize check: %w", err)
		s.fail(err)
		return err
	}
	s.HTTPMeta(res.Header)
	s.Response("status", fmt.Sprint(res.StatusCode))
	loc := res.Header.Get("Location")
	s.Response("Location", trace.RedactURL(loc, c.o.Reveal))
	refuse := func(oe *Error) error {
		oe.RedirectURI = ar.redirectURI
		oe.RequestID = s.Step.RequestID
		s.fail(oe)
		return oe
	}
	switch {
	case res.StatusCode >= 300 && res.StatusCode < 400 && loc != "":
		to, err := req.URL.Parse(loc)
		if err != nil {
			s.Note("The Location %q is not a URL; going on with the browser.", loc)
			return nil
		}
		q := to.Query()
		switch {
		case sameEndpoint(to, ar.redirectURI) && needsBrowserSession(q.Get("error")):
			// prompt=none (or a consent the user gave before) depends on
			// the browser's session, which this check does not have.
			s.Step.Title += " → " + q.Get("error") + " without the browser's session"
			s.Note("The provider answers %s to this check, which has none of the browser's cookies; the browser may be signed in, so it gets the request.", q.Get("error"))
		case sameEndpoint(to, ar.redirectURI) && q.Get("error") != "":
			return refuse(&Error{Op: OpAuthorize, Code: termtext.Line(q.Get("error")), Description: termtext.Line(q.Get("error_description")), URI: termtext.Line(q.Get("error_uri")), HTTPStatus: res.StatusCode})
		case sameEndpoint(to, ar.redirectURI):
			s.Note("The provider redirected straight back (a session it already had); the browser will get its own code.")
		case strings.HasSuffix(to.Path, "/error") && q.Get("error") != "":
			return refuse(&Error{Op: OpAuthorize, Code: termtext.Line(q.Get("error")), Description: termtext.Line(q.Get("error_description")), HTTPStatus: res.StatusCode, ErrorPage: true})
		case c.federated():
			c.recordProviderHop(s, to)
		default:
			s.Step.Title += " → sign-in page"
			s.Note("The provider accepts the request and sends the browser to %s.", to.Scheme+"://"+to.Host+to.Path)
		}
	case res.StatusCode >= 400:
		oe := &Error{Op: OpAuthorize, HTTPStatus: res.StatusCode, ErrorPage: true, Description: termtext.Line(snippet(body))}
		if eb, ok := parseErrorBody(body); ok {
			oe.Code, oe.Description = eb.Error, eb.Description
		} else if m := pageErrorRE().FindStringSubmatch(oe.Description); m != nil {
			oe.Code = m[1]
			if m[2] != "" {
				oe.Description = strings.TrimSpace(m[2])
			}
		}
		return refuse(oe)
	default:
		s.Step.Title += " → sign-in page"
		s.Note("The provider answers with a page (HTTP %d): the request is accepted.", res.StatusCode)
	}
	return nil
}

// needsBrowserSession says whether an authorization error code is one
// the user's browser may not get: OpenID Connect's answers to prompt=none
// when the provider sees no session (Core §3.1.2.6).
func needsBrowserSession(code string) bool {
	switch code {
	case "login_required", "consent_required", "interaction_required", "account_selection_required":
		return true
	}
	return false
}

// sameEndpoint says whether u is the redirect URI (scheme, host, port and
// path), whatever its query.
func sameEndpoint(u *url.URL, redirectURI string) bool {
	r, err := url.Parse(redirectURI)
	return err == nil && strings.EqualFold(u.Scheme, r.Scheme) && strings.EqualFold(u.Host, r.Host) && u.EscapedPath() == r.EscapedPath()
}

// awaitRedirect waits for the browser and checks what it brought.
func (c *Client) awaitRedirect(ctx context.Context, ep *Endpoints, ar *authRequest, recv *receiver) (*callback, error) {
	s := c.rec.begin(flows.StepCall, OpRedirect, "Redirect to "+recv.redirectURI)
	defer s.End()
	cb, err := recv.wait(ctx, c.o.Timeout)
	if err != nil {
		var te *TimeoutError
		if errors.As(err, &te) {
			te.AuthorizeURL = ar.url
			s.Step.Title += " → timeout"
		} else {
			s.Step.Title += " → cancelled"
			err = fmt.Errorf("redirect: cancelled while waiting for the browser (%w)", err)
		}
		s.fail(err)
		return nil, err
	}
	if n := recv.ignoredCount(); n > 0 {
		s.Note("Ignored %d redirect(s) whose state was not this sign-in's (a stale tab, or a forged request) before this one.", n)
	}
	q := cb.query
	for k := range q {
		s.Response(termtext.Line(k), termtext.Line(q.Get(k)))
	}
	reject := func(err error, title, detail string) (*callback, error) {
		s.fail(err)
		cb.reply <- failurePage(title, detail)
		return nil, err
	}
	// The receiver passes only redirects with this sign-in's state;
	// checked again here so the rule holds whatever delivers them.
	if got := q.Get("state"); subtle.ConstantTimeCompare([]byte(got), []byte(ar.state)) != 1 {
		return reject(&StateMismatchError{Want: ar.state, Got: got}, "Sign-in refused",
			"The redirect's state does not match this sign-in (a stale tab, or a forged request).")
	}
	// RFC 9207: the issuer says which provider sent the redirect (mix-up
	// attacks); checked whenever it can be.
	switch iss := q.Get("iss"); {
	case iss != "" && ep.Issuer != "" && iss != ep.Issuer:
		return reject(&IssuerMismatchError{Where: "redirect iss (RFC 9207)", Want: ep.Issuer, Got: iss}, "Sign-in refused",
			"The redirect comes from another issuer than the one this sign-in started with.")
	case iss == "" && ep.IssParameter:
		return reject(&IssuerMismatchError{Where: "redirect iss (RFC 9207)", Want: ep.Issuer}, "Sign-in refused",
			"The provider promises an iss parameter on its redirects and this one has none.")
	case iss != "" && ep.Issuer == "":
		s.Note("The redirect names issuer %s; without a known issuer (--issuer) it is not checked.", iss)
	case iss != "":
		s.Note("iss matches the issuer (RFC 9207).")
	}
	if code := q.Get("error"); code != "" {
		oe := &Error{Op: OpAuthorize, Code: termtext.Line(code), Description: termtext.Line(q.Get("error_description")), URI: termtext.Line(q.Get("error_uri")), RedirectURI: ar.redirectURI}
		return reject(oe, "Sign-in failed", "The provider answered "+oe.Code+describe(oe.Description)+".")
	}
	if q.Get("code") == "" {
		err := &Error{Op: OpAuthorize, Code: "invalid_request", Description: "the redirect carries neither a code nor an error", RedirectURI: ar.redirectURI}
		return reject(err, "Sign-in failed", "The redirect carries neither a code nor an error.")
	}
	s.Step.Title += " → code"
	return cb, nil
}

func describe(d string) string {
	if d == "" {
		return ""
	}
	return ": " + d
}

// exchangeCode trades the code and verifier for tokens and checks the ID
// token belongs to this sign-in.
func (c *Client) exchangeCode(ctx context.Context, ep *Endpoints, ar *authRequest, code string) (*Result, error) {
	s := c.rec.begin(flows.StepCall, OpToken, "Token "+GrantAuthorizationCode)
	defer s.End()
	form := url.Values{"code": {code}, "redirect_uri": {ar.redirectURI}, "code_verifier": {ar.pkce.Verifier}}
	tr, err := c.token(ctx, s, ep, GrantAuthorizationCode, form)
	if err != nil {
		return nil, err
	}
	if err := c.checkIDToken(s, ep, tr.IDToken, idTokenCheck{grant: GrantAuthorizationCode, nonce: ar.nonce, accessToken: tr.AccessToken}); err != nil {
		s.fail(err)
		return nil, err
	}
	s.Step.Title += " → tokens"
	return &Result{Tokens: c.tokens(tr), Scope: tr.Scope}, nil
}

// ExchangeCode trades a code obtained elsewhere (a redirect URL pasted from
// a browser on another machine) for tokens. redirectURI and verifier must
// be those of the authorization request. Without the request's nonce the
// ID token's nonce is not checked; AuthorizationCode does all of this by
// itself.
func (c *Client) ExchangeCode(ctx context.Context, code, redirectURI, verifier string) (*Result, error) {
	if code == "" || redirectURI == "" || verifier == "" {
		return nil, errInvalid("exchanging a code needs the code, the redirect URI and the code verifier")
	}
	if err := CheckVerifier(verifier); err != nil {
		return nil, err
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return nil, err
	}
	res, err := c.exchangeCode(ctx, ep, &authRequest{redirectURI: redirectURI, pkce: PKCE{Verifier: verifier}}, code)
	if err != nil {
		return nil, err
	}
	res.RedirectURI = redirectURI
	return res, nil
}

// openerWait is how long handOver waits for the browser opener's answer
// before it records the step without it.
const openerWait = 2 * time.Second

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
