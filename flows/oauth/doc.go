// Package oauth is cogscope's hosted-UI client: the OAuth 2.0 / OpenID
// Connect side of a Cognito user pool's domain (or of any OpenID provider).
// It signs users in with the authorization code flow and PKCE through a
// one-shot loopback redirect listener (RFC 6749, RFC 7636, RFC 8252), runs
// the client_credentials and refresh_token grants, revokes refresh tokens
// (RFC 7009), reads userInfo and builds logout URLs, finding the endpoints
// by OpenID discovery. Every exchange is recorded as a flows.Step, in the
// same trace shape as the Cognito API flows, so the CLI and the console
// show both the same way.
//
// It imports only the standard library, flows and flows/trace (the one
// recorder and classification table every trace uses); it must not import
// charm.land/*, ui, or anything that opens a browser (the caller passes an
// opener).
//
// # Using it
//
//	c, err := oauth.New(oauth.Options{
//		Issuer:   "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI", // or Domain: "https://…amazoncognito.com"
//		ClientID: "1example23456789", RedirectURI: "http://localhost:8765/callback",
//		Scopes:   []string{"openid", "email"},
//		OpenBrowser: browser.OpenURL, OnAuthorizeURL: func(u string) { fmt.Fprintln(os.Stderr, u) },
//		OnStep:   func(s flows.Step) { steps <- s },
//	})
//	res, err := c.AuthorizationCode(ctx)      // res.Tokens is a *flows.Tokens
//	if err != nil { d := oauth.Diagnose(err) … } // a flows.Diagnosis
//	res, err = c.Refresh(ctx, res.Tokens.RefreshToken)
//	err = c.Revoke(ctx, refreshToken)
//
// # Public API
//
//	type Options struct{ Issuer, Domain string; Endpoints *Endpoints; ClientID, ClientSecret string;
//	                     ClientAuth ClientAuth; RedirectURI string; Scopes []string;
//	                     IdentityProvider, IDPIdentifier, Prompt, Lang string; HTTPClient *http.Client;
//	                     Reveal bool; OnStep func(flows.Step); Now func() time.Time;
//	                     OpenBrowser func(string) error; OnAuthorizeURL func(string); Timeout time.Duration;
//	                     Listener net.Listener; SkipPreflight bool }
//	func New(Options) (*Client, error)                  // errors wrap flows.ErrInvalidOptions
//	func (*Client) AuthorizationCode(ctx) (*Result, error)
//	func (*Client) ExchangeCode(ctx, code, redirectURI, verifier string) (*Result, error)
//	func (*Client) ClientCredentials(ctx) (*Result, error)
//	func (*Client) Refresh(ctx, refreshToken string) (*Result, error)
//	func (*Client) Revoke(ctx, refreshToken string) error
//	func (*Client) UserInfo(ctx, accessToken string) (map[string]any, error)
//	func (*Client) LogoutURL(ctx, LogoutRequest) (string, error)
//	func (*Client) Endpoints(ctx) (*Endpoints, error)    // discovery, once
//	func (*Client) Trace() []flows.Step
//	type Result struct{ Tokens *flows.Tokens; Scope, RedirectURI string }
//	type Endpoints struct{ Issuer, Authorization, Token, UserInfo, Revocation, EndSession, JWKS string;
//	                       CodeChallengeMethods, TokenAuthMethods, ScopesSupported []string; IssParameter bool }
//	func DomainEndpoints(domain string) (*Endpoints, error);  (*Endpoints) Cognito() bool
//	type LogoutRequest struct{ LogoutURI, IDTokenHint, State string }
//	type ClientAuth string  // ClientSecretBasic (default), ClientSecretPost;  ParseClientAuth("basic"|"post")
//	type PKCE struct{ Verifier, Challenge, Method string };  NewPKCE() (PKCE, error);  ChallengeS256(string) string
//	func CheckVerifier(string) error                     // RFC 7636 §4.1: 43–128 unreserved characters
//	const DefaultTimeout = 5 * time.Minute
//	const OpDiscovery, OpPKCE, OpAuthorizeCheck, OpAuthorize, OpRedirect, OpToken, OpRevoke, OpUserInfo
//	const GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials
//	func Diagnose(error) flows.Diagnosis
//	type Error struct{ Op, Grant, Code, Description, URI string; HTTPStatus int; RequestID string;
//	                   ErrorPage bool; ClientAuth ClientAuth; RedirectURI string }   // the provider's refusal
//	type HTTPError, StateMismatchError, IssuerMismatchError, IDTokenError, RedirectURIError,
//	     ListenError (InUse), TimeoutError                                          // everything else
//
// # The authorization code flow
//
// AuthorizationCode refuses a redirect URI the terminal cannot receive (not
// loopback, https, a custom scheme) before sending anything. It listens on
// 127.0.0.1 (or ::1) at the redirect URI's port — for a localhost URI on
// both, where the machine has IPv6, since browsers resolve localhost to
// either and a program on [::1]:PORT alone would otherwise get the code; a
// free port when the URI has none, which is then put into the URI and must
// be accepted by the provider (Cognito compares callback URLs exactly,
// port included). It
// draws the verifier, state and nonce from crypto/rand; GETs the authorize
// URL once without a browser and without following the redirect, so a
// refused request (Cognito's redirect_mismatch on its own /error page,
// invalid_scope, unauthorized_client) fails at once instead of after the
// timeout (login_required and its kin, prompt=none's answers, are left to
// the browser, whose session the check does not have); hands the URL to OnAuthorizeURL and OpenBrowser; waits for one
// redirect on the URI's path (other paths get 404, non-loopback Host
// headers 421, a second redirect 409); checks state, then the RFC 9207
// iss parameter when present (and requires it when the discovery document
// promises it); exchanges the code with the verifier; checks the ID
// token's nonce, aud, azp, iss, exp (5 minutes' leeway) and at_hash (not
// its signature: cogscope inspect verifies that; a refreshed ID token gets
// the same checks but the nonce); and only then answers the browser with "Signed in" or an error
// page. Timeout and ctx end the wait; the listener is closed before
// AuthorizationCode returns, whatever happened.
//
// # The trace
//
// Steps are flows.Step values (see package flows for the JSON form) with
// these operations:
//
//	Discovery       call     request url; response: the document's endpoints and issuer
//	PKCE            compute  response: code_verifier [redacted], code_challenge, code_challenge_method, state, nonce
//	AuthorizeCheck  call     request url; response: status, Location (the sign-in page, or the refusal)
//	Authorize       call     request: url and each authorize parameter; notes: where the listener listens
//	Redirect        call     response: the redirect's query (code [redacted], state, iss, error, error_description)
//	Token           call     request: grant_type, code [redacted], code_verifier [redacted], redirect_uri,
//	                         refresh_token [redacted], scope, client_id, client_secret or Authorization [redacted];
//	                         response: access_token and id_token shortened, refresh_token [redacted],
//	                         token_type, expires_in, scope, or error and error_description
//	Revoke          call     request: token [redacted]; response: status, error
//	UserInfo        call     request: Authorization (shortened); response: the claims, or WWW-Authenticate
//
// An OAuth error is the step's error, with the OAuth code as its type and
// the title ending "→ <code>". What is redacted or shortened is decided by
// flows/trace's table (trace.Classify), not here. With Options.Reveal
// nothing is redacted.
package oauth
