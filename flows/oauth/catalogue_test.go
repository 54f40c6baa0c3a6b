package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// One row per catalogue entry of the sources this package diagnoses
// ("oauth", "oauth-client"): an error that must be explained by exactly
// that entry, and words its cause and fix must hold.
func TestCatalogueEntries(t *testing.T) {
	t.Parallel()
	oe := func(op, grant, code string, mod ...func(*Error)) error {
		e := &Error{Op: op, Grant: grant, Code: code, Description: "the description", HTTPStatus: 400, RedirectURI: "http://localhost:8765/callback"}
		for _, m := range mod {
			m(e)
		}
		return e
	}
	page := func(e *Error) { e.ErrorPage = true }
	desc := func(d string) func(*Error) { return func(e *Error) { e.Description = d } }
	basic := func(e *Error) { e.ClientAuth = ClientSecretBasic }
	rows := []struct {
		id         string
		err        error
		cause, fix string
	}{
		{"oauth.authorize.redirect_mismatch", oe(OpAuthorize, "", "redirect_mismatch"), `"http://localhost:8765/callback" is not one of`, "with --redirect-uri (with its port"},
		{"oauth.authorize.invalid_scope", oe(OpAuthorizeCheck, "", "invalid_scope"), "no offline_access", "AllowedOAuthScopes (and custom scopes as <resource-server>/<scope>), or leave --scope out"},
		{"oauth.authorize.unauthorized_client", oe(OpAuthorize, "", "unauthorized_client"), "SupportedIdentityProviders", "hosted-UI settings"},
		{"oauth.federation.saml-relay-state", oe(OpAuthorize, "", "invalid_request", desc("Invalid samlResponse or relayState from identity provider")), "RelayState", "IDPInit"},
		{"oauth.federation.required-attribute", oe(OpAuthorize, "", "invalid_request", desc("Invalid user attributes: email: Attribute is required.")), "did not send", "AttributeMapping"},
		{"oauth.federation.immutable-attribute", oe(OpAuthorize, "", "invalid_request", desc("Invalid user attributes: custom:x: Attribute cannot be updated. (changing an immutable attribute)")), "every federated sign-in", "Remove the immutable attribute"},
		{"oauth.federation.unknown-attribute", oe(OpAuthorize, "", "server_error", desc("Error in SAML response processing: Invalid user attributes: Type for attribute {custom:role} could not be determined")), "does not have", "custom attribute"},
		{"oauth.federation.id-token-issuer", oe(OpAuthorize, "", "invalid_request", desc("Bad id_token issuer https://idp.example/")), "trailing slash", "oidc_issuer"},
		{"oauth.federation.id-token", oe(OpAuthorize, "", "invalid_request", desc("Invalid id_token from identity provider: expected audience")), "did not verify", "client_id"},
		{"oauth.federation.saml-processing", oe(OpAuthorize, "", "server_error", desc("Error in SAML response processing: signature missing")), "unsigned", "metadata"},
		{"oauth.federation.idp-error", oe(OpAuthorize, "", "invalid_request", desc("Okta Error - 401 invalid_client bad secret")), "talked to it", "client_secret"},
		{"oauth.authorize.invalid_request.error-page", oe(OpAuthorizeCheck, "", "invalid_request", page), "own error page", "Check --client-id"},
		{"oauth.authorize.invalid_request", oe(OpAuthorize, "", "invalid_request"), "malformed", "Check --client-id"},
		{"oauth.authorize.access_denied", oe(OpAuthorize, "", "access_denied"), "declined", "accept"},
		{"oauth.authorize.interaction_required", oe(OpAuthorize, "", "consent_required"), "prompt=none", "Drop --prompt none"},
		{"oauth.authorize.server_error", oe(OpAuthorize, "", "temporarily_unavailable"), "its side", "Lambda triggers"},
		{"oauth.authorize.unsupported_response_type", oe(OpAuthorize, "", "unsupported_response_type"), "does not offer", "code grant"},
		{"oauth.authorize.no-code", oe(OpAuthorizeCheck, "", ""), "with HTTP 400 before any sign-in page", "the page said: the description"},
		{"oauth.authorize", oe(OpAuthorize, "", "weird_error"), "authorization request (weird_error).", "description above"},
		{"oauth.token.invalid_grant.code", oe(OpToken, GrantAuthorizationCode, "invalid_grant"), "single-use", "verifier (--reveal)"},
		{"oauth.token.invalid_grant.refresh", oe(OpToken, GrantRefreshToken, "invalid_grant"), "rotated out", "same --client-id"},
		{"oauth.token.invalid_grant", oe(OpToken, GrantClientCredentials, "invalid_grant"), "does not accept the grant", "description above"},
		{"oauth.token.invalid_client", oe(OpToken, GrantAuthorizationCode, "invalid_client", basic), "sent with HTTP Basic", "--client-secret-stdin, or client_secret_env / client_secret_command in the profile); if the client is configured for the other method, switch with --client-auth basic|post"},
		{"oauth.token.unauthorized_client.client_credentials", oe(OpToken, GrantClientCredentials, "unauthorized_client"), "may not use client_credentials", "custom (resource-server) scope"},
		{"oauth.token.unauthorized_client.refresh", oe(OpToken, GrantRefreshToken, "unauthorized_client"), "may not refresh", "Enable refresh"},
		{"oauth.token.unauthorized_client", oe(OpToken, GrantAuthorizationCode, "unauthorized_client"), "at the token endpoint", "authorization code grant"},
		{"oauth.token.unsupported_grant_type", oe(OpToken, "password", "unsupported_grant_type"), "grant_type", "client_credentials"},
		{"oauth.token.invalid_scope", oe(OpToken, GrantClientCredentials, "invalid_scope"), "only custom scopes", `e.g. --scope "cogscope-api/read"`},
		{"oauth.token.invalid_request", oe(OpToken, GrantRefreshToken, "invalid_request"), "form-encoded POST", "trace (--json)"},
		{"oauth.token", oe(OpToken, GrantRefreshToken, "slow_down"), "token endpoint refused", "description above"},
		{"oauth.revoke.unsupported_token_type", oe(OpRevoke, "", "unsupported_token_type"), "Only refresh tokens", "go with it"},
		{"oauth.revoke.invalid_request", oe(OpRevoke, "", "invalid_request"), "EnableTokenRevocation", "GlobalSignOut"},
		{"oauth.revoke.invalid_client", oe(OpRevoke, "", "invalid_client"), "no client secret was sent", "must authenticate to revoke"},
		{"oauth.revoke", oe(OpRevoke, "", "weird"), "revocation endpoint refused", "message above"},
		{"oauth.userinfo.invalid_token", oe(OpUserInfo, "", "invalid_token"), "expired, revoked", "Refresh or sign in"},
		{"oauth.userinfo.invalid_request", oe(OpUserInfo, "", "invalid_request"), "carry the openid scope", `(--flow pkce --scope "openid email")`},
		{"oauth.userinfo.insufficient_scope", oe(OpUserInfo, "", "insufficient_scope"), "lacks the scope", "openid scope"},
		{"oauth.userinfo", oe(OpUserInfo, "", "weird"), "userinfo endpoint refused", "message above"},
		{"oauth.other", oe("Elsewhere", "", "weird"), "provider refused the request", ""},
		{"oauth-client.state-mismatch", &StateMismatchError{Want: "a", Got: "b"}, "CSRF", "close tabs"},
		{"oauth-client.issuer-mismatch.discovery", &IssuerMismatchError{Where: "discovery document", Want: "a", Got: "https://x/"}, "(discovery document). The discovery document names another issuer than its URL: a wrong --issuer", `states it ("https://x/")`},
		{"oauth-client.issuer-mismatch.redirect", &IssuerMismatchError{Where: "redirect iss", Want: "a", Got: "b"}, "mix-up attack", "really talking to"},
		{"oauth-client.issuer-mismatch", &IssuerMismatchError{Where: "ID token iss", Want: "a", Got: "b"}, "(ID token iss). The ID token was issued", "Check --issuer against"},
		{"oauth-client.id-token.nonce", &IDTokenError{Claim: "nonce"}, "replayed or injected", "copy the nonce"},
		{"oauth-client.id-token.aud", &IDTokenError{Claim: "aud", Got: "other-client"}, "another client (aud)", "issued the token to other-client."},
		{"oauth-client.id-token.azp", &IDTokenError{Claim: "azp", Got: "other-client"}, "(azp, other-client)", "do not use a token"},
		{"oauth-client.id-token.exp", &IDTokenError{Claim: "exp"}, "already expired", "timedatectl"},
		{"oauth-client.id-token.at_hash", &IDTokenError{Claim: "at_hash"}, "substituted access token", "alg implies"},
		{"oauth-client.id-token", &IDTokenError{Err: errors.New("not a JWT")}, "could not be read", "cogscope inspect"},
		{"oauth-client.redirect-uri", &RedirectURIError{URI: "https://example.com/cb", Reason: "it is not this machine's loopback"}, "back to the terminal: it is not this machine's loopback.", "pass it with --redirect-uri."},
		{"oauth-client.listen.in-use", &ListenError{Addr: "[::1]:8765", InUse: true, Err: errors.New("address in use")}, "listening on [::1]:8765, the redirect URI's port: perhaps another cogscope login, or a development server using the same callback port. It holds the IPv6 loopback only", "use it with --redirect-uri."},
		{"oauth-client.listen", &ListenError{Addr: "127.0.0.1:80", Err: errors.New("permission denied")}, "could not start (permission denied).", "above 1024"},
		{"oauth-client.timeout", &TimeoutError{Waited: 2 * time.Minute, RedirectURI: "http://localhost:8765/callback"}, "No redirect reached http://localhost:8765/callback within 2m0s.", "or raise --timeout."},
		{"oauth-client.http.discovery-no-pool", &HTTPError{Op: OpDiscovery, Status: 404, Body: "User pool us-east-1_x does not exist.", Reason: "HTTP 404"}, "(User pool us-east-1_x does not exist.)", "region in --issuer."},
		{"oauth-client.http.discovery", &HTTPError{Op: OpDiscovery, Status: 200, Body: "<html>", Reason: "not JSON"}, "no usable OpenID discovery document (not JSON).", "with --domain."},
		{"oauth-client.http", &HTTPError{Op: OpToken, Status: 404, Body: "<html>", Reason: "HTTP 404, text/html"}, "The Token endpoint answered with something that is not OAuth (HTTP 404, text/html).", "(--domain, or the discovery document)"},
		{"oauth-client.invalid-input", fmt.Errorf("%w: no client id", flows.ErrInvalidOptions), "nothing was sent", "input named"},
		{"oauth-client.cancelled", context.Canceled, "listener is closed", ""},
		{"oauth-client.deadline", context.DeadlineExceeded, "did not answer in time", "network path"},
		{"oauth-client.unreachable.proxy-http", &url.Error{Op: "Get", URL: "http://idp.internal.example/.well-known/openid-configuration", Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: &net.OpError{Op: "dial", Net: "tcp",
			Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}, Err: errors.New("connection refused")}}},
			"HTTP_PROXY sends plain-http requests to idp.internal.example through it, so the request never got to the provider", "add idp.internal.example to NO_PROXY"},
		{"oauth-client.unreachable.proxy-https", &url.Error{Op: "Post", URL: "https://auth.example.com/oauth2/token", Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: &net.OpError{Op: "dial", Net: "tcp",
			Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}, Err: errors.New("connection refused")}}},
			"The HTTP proxy at 127.0.0.1:3128 could not be reached", "Check the proxy that HTTPS_PROXY names"},
		{"oauth-client.unreachable.proxy", &net.OpError{Op: "proxyconnect", Net: "tcp", Err: &net.OpError{Op: "dial", Net: "tcp",
			Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}, Err: errors.New("connection refused")}},
			"The HTTP proxy at 127.0.0.1:3128 could not be reached", "HTTPS_PROXY or HTTP_PROXY"},
		{"oauth-client.unreachable", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "could not be reached (wrapped: dial tcp: connection refused).", "(--issuer, --domain)"},
		{"oauth-client.other", errors.New("boom"), "failed before the provider answered", ""},
	}
	covered := map[string]bool{}
	unfilled := regexp.MustCompile(`\{[a-z0-9_]+\}|\{(flow|scope|input|omit|setting):`)
	for _, r := range rows {
		covered[r.id] = true
		t.Run(r.id, func(t *testing.T) {
			t.Parallel()
			e, ok := flows.EntryByID(r.id)
			if !ok {
				t.Fatalf("no entry %s", r.id)
			}
			d := Diagnose(fmt.Errorf("wrapped: %w", r.err))
			if d.ID != r.id {
				t.Fatalf("explained by %q, want %q (%s)", d.ID, r.id, d)
			}
			if d.Ref != e.Ref {
				t.Errorf("ref = %q, want the entry's %q", d.Ref, e.Ref)
			}
			if !strings.Contains(d.Cause, r.cause) || !strings.Contains(d.Fix, r.fix) || (r.fix == "") != (d.Fix == "") {
				t.Errorf("cause %q\nfix %q\nwant %q and %q", d.Cause, d.Fix, r.cause, r.fix)
			}
			if unfilled.MatchString(d.Cause + d.Fix) {
				t.Errorf("a placeholder is left: %q / %q", d.Cause, d.Fix)
			}
		})
	}
	for _, e := range flows.Catalogue() {
		if (e.Source == flows.SourceOAuth || e.Source == flows.SourceOAuthClient) && !covered[e.ID] {
			t.Errorf("entry %s has no row in this test", e.ID)
		}
	}
}
