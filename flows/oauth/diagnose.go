package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/flows"
)

// Diagnose explains an error of this package in plain language, keeping
// the provider's own words (Type is the OAuth error code). Ref points into
// the failure catalogue (§b) where the error is one developers often hit.
func Diagnose(err error) flows.Diagnosis {
	if err == nil {
		return flows.Diagnosis{}
	}
	d := flows.Diagnosis{Message: err.Error()}
	var (
		oe  *Error
		he  *HTTPError
		sm  *StateMismatchError
		im  *IssuerMismatchError
		ie  *IDTokenError
		re  *RedirectURIError
		le  *ListenError
		te  *TimeoutError
		ue  *url.Error
		ne  net.Error
		ope *net.OpError
	)
	switch {
	case errors.As(err, &oe):
		d.Type, d.Message, d.RequestID = oe.Code, oe.Description, oe.RequestID
		if d.Message == "" {
			d.Message = oe.Error()
		}
		d.Operation = oe.Op
		if oe.Grant != "" {
			d.Operation += " (" + oe.Grant + ")"
		}
		diagnoseOAuth(oe, &d)
	case errors.As(err, &sm):
		d.Operation = OpRedirect
		d.Cause = "The redirect's state is not the one this sign-in sent, so its code was not used: it comes from an earlier attempt (a stale browser tab or a reloaded page) or from a forged request (CSRF)."
		d.Fix = "Start the sign-in again and finish it in the tab it opens; close tabs of earlier attempts."
	case errors.As(err, &im):
		d.Operation = im.Where
		d.Cause = "The issuer is not the one this sign-in trusts (" + im.Where + ")."
		switch {
		case strings.HasPrefix(im.Where, "discovery"):
			d.Cause += " The discovery document names another issuer than its URL: a wrong --issuer (a trailing slash, another pool or region) or a proxy in between."
			d.Fix = fmt.Sprintf("Use the issuer exactly as the document states it (%q) if you trust it.", im.Got)
		case strings.HasPrefix(im.Where, "redirect"):
			d.Cause += " A redirect from another provider than the one asked is the sign of a mix-up attack (RFC 9207), or of two sign-ins at once."
			d.Fix = "Start the sign-in again; if it repeats, check which provider the browser is really talking to."
		default:
			d.Cause += " The ID token was issued by another issuer than the discovery document's."
			d.Fix = "Check --issuer against the token's iss claim (cogscope inspect shows it)."
		}
	case errors.As(err, &ie):
		d.Operation = OpToken + " (" + firstNonEmpty(ie.Grant, GrantAuthorizationCode) + ")"
		switch ie.Claim {
		case "nonce":
			d.Cause = "The ID token's nonce is not the one this sign-in sent: the token belongs to another authorization request (a replayed or injected code)."
			d.Fix = "Start the sign-in again; if it repeats, the provider does not copy the nonce into the ID token as OpenID Connect requires."
		case "aud":
			d.Cause = "The ID token is for another client (aud), so it is not this sign-in's."
			d.Fix = "Check --client-id; the provider issued the token to " + ie.Got + "."
		case "azp":
			d.Cause = "The ID token names another authorized party (azp, " + ie.Got + ") than this client: it was issued to another client that lists this one as an audience."
			d.Fix = "Check --client-id; do not use a token issued to another client."
		case "exp":
			d.Cause = "The ID token is already expired (or has no exp claim) when it arrives: this machine's clock and the provider's disagree, or the provider sent an old token."
			d.Fix = "Check this machine's clock (timedatectl) against the provider's Date header shown in the trace."
		case "at_hash":
			d.Cause = "The ID token's at_hash does not match the access token it came with: the two tokens were not issued together (a substituted access token)."
			d.Fix = "Sign in again; if it repeats, the provider computes at_hash with another hash than its alg implies."
		default:
			d.Cause = "The ID token could not be read."
			d.Fix = "Inspect it with cogscope inspect; the provider may not return a JWT as id_token."
		}
	case errors.As(err, &re):
		d.Operation = "redirect URI"
		d.Cause = "This redirect URI cannot bring the code back to the terminal: " + re.Reason + "."
		d.Fix = "Register a loopback callback URL on the app client (http://localhost:PORT/callback; Cognito allows http only for localhost) and pass it with --redirect-uri."
	case errors.As(err, &le):
		d.Operation = "listen"
		if le.InUse {
			d.Cause = "Another program is listening on " + le.Addr + ", the redirect URI's port: perhaps another cogscope login, or a development server using the same callback port."
			if strings.HasPrefix(le.Addr, "[::1]") {
				d.Cause += " It holds the IPv6 loopback only, but a browser may send a localhost redirect there."
			}
			d.Fix = "Stop that program (`ss -ltnp` names it), or register another loopback callback port on the app client and use it with --redirect-uri."
		} else {
			d.Cause = "The loopback listener for the redirect could not start (" + le.Err.Error() + ")."
			d.Fix = "Use a redirect URI with a port above 1024 that this user may bind."
		}
	case errors.As(err, &te):
		d.Operation = OpRedirect
		d.Cause = fmt.Sprintf("No redirect reached %s within %s. If the browser shows \"An error was encountered with the requested page\" at the domain's /error?error=redirect_mismatch, the redirect URI is not registered: that error never reaches the app. Otherwise the sign-in was not finished, or the browser could not reach this machine's loopback (a browser on another machine, or in a container).", te.RedirectURI, te.Waited)
		d.Fix = "Register " + te.RedirectURI + " exactly (scheme, host, port, path, no trailing slash) as a callback URL, finish the sign-in in the browser, or raise --timeout."
		d.Ref = "b20"
	case errors.As(err, &he):
		d.Operation = he.Op
		d.Message = he.Error()
		switch he.Op {
		case OpDiscovery:
			d.Cause = "The issuer serves no usable OpenID discovery document (" + he.Reason + ")."
			d.Fix = "Check --issuer: for Cognito it is https://cognito-idp.<region>.amazonaws.com/<poolId> (no trailing slash, never the domain); or name the hosted-UI domain with --domain."
			if he.Status == 404 && strings.Contains(he.Body, "does not exist") {
				d.Cause = "The issuer's user pool does not exist (" + he.Body + ")."
				d.Fix = "Check the pool ID and region in --issuer."
			}
		default:
			d.Cause = "The " + he.Op + " endpoint answered with something that is not OAuth (" + he.Reason + ")."
			d.Fix = "Check the endpoint URL (--domain, or the discovery document): a wrong path answers with a web page or 404."
			d.Ref = "b25"
		}
	case errors.Is(err, flows.ErrInvalidOptions):
		d.Cause = "The sign-in was given incomplete or malformed input; nothing was sent."
		d.Fix = "Correct the input named in the message."
	case errors.Is(err, context.Canceled):
		d.Cause = "The sign-in was cancelled; the loopback listener is closed."
	case errors.Is(err, context.DeadlineExceeded):
		d.Cause = "The provider did not answer in time."
		d.Fix = "Check the network path to the provider."
	case errors.As(err, &ue), errors.As(err, &ne), errors.As(err, &ope):
		d.Cause = "The provider could not be reached (" + err.Error() + ")."
		d.Fix = "Check the URL (--issuer, --domain) and the network; for the local stack, is `cogscope local` running?"
	default:
		d.Cause = "The sign-in failed before the provider answered."
	}
	return d
}

// diagnoseOAuth reads an OAuth error code in the light of where it came
// from (failure catalogue §b).
func diagnoseOAuth(oe *Error, d *flows.Diagnosis) {
	switch oe.Op {
	case OpAuthorize, OpAuthorizeCheck:
		diagnoseAuthorize(oe, d)
	case OpToken:
		diagnoseToken(oe, d)
	case OpRevoke:
		switch oe.Code {
		case "unsupported_token_type":
			d.Cause = "Only refresh tokens can be revoked (Cognito's /oauth2/revoke); this is an access or ID token."
			d.Fix = "Revoke the refresh token; the access and ID tokens minted from it go with it."
		case "invalid_request":
			d.Cause = "The revocation request is incomplete, or token revocation is disabled on the app client (EnableTokenRevocation)."
			d.Fix = "Enable token revocation on the app client, or use GlobalSignOut."
		case "invalid_client":
			d.Ref = "b23"
			d.Cause = clientAuthCause(oe)
			d.Fix = "Give the app client's secret (--client-secret-stdin); a confidential client must authenticate to revoke."
		default:
			d.Cause = "The revocation endpoint refused the request."
			d.Fix = "Read the provider's message above."
		}
	case OpUserInfo:
		switch oe.Code {
		case "invalid_token":
			d.Cause = "The access token is expired, revoked (GlobalSignOut, RevokeToken) or not from this provider."
			d.Fix = "Refresh or sign in again."
		case "invalid_request":
			d.Cause = "The userinfo endpoint does not accept this token: Cognito answers only access tokens from its token endpoint that carry the openid scope (API sign-in tokens, scope aws.cognito.signin.user.admin, are refused)."
			d.Fix = "Sign in through the hosted UI with the openid scope (--flow pkce --scope \"openid email\")."
		case "insufficient_scope":
			d.Cause = "The access token lacks the scope the userinfo endpoint needs (openid)."
			d.Fix = "Request the openid scope."
		default:
			d.Cause = "The userinfo endpoint refused the token."
			d.Fix = "Read the provider's message above."
		}
	default:
		d.Cause = "The provider refused the request."
	}
}

func diagnoseAuthorize(oe *Error, d *flows.Diagnosis) {
	switch oe.Code {
	case "redirect_mismatch", "invalid_redirect_uri":
		d.Ref = "b20"
		d.Cause = fmt.Sprintf("The redirect URI %q is not one of the app client's callback URLs. The match is exact: scheme, localhost versus 127.0.0.1, port, path and a trailing slash all count. Cognito shows this on its own error page (<domain>/error?error=redirect_mismatch, \"An error was encountered with the requested page\") and never redirects to the app, so a browser sign-in would just wait.", oe.RedirectURI)
		d.Fix = "Add exactly that URL to the app client's callback URLs, or pass a registered one with --redirect-uri (with its port: cogscope listens there)."
	case "invalid_scope":
		d.Ref = "b24"
		d.Cause = "A requested scope is not allowed on the app client, unknown to the pool, or not supported (Cognito has no offline_access; email, phone and profile need openid)."
		d.Fix = "Request only scopes in the client's AllowedOAuthScopes (and custom scopes as <resource-server>/<scope>), or leave --scope out to get all of them."
	case "unauthorized_client":
		d.Ref = "b21"
		d.Cause = "The app client may not use the authorization code grant: \"code\" is not in its AllowedOAuthFlows, or AllowedOAuthFlowsUserPoolClient is off, or the identity provider is not in its SupportedIdentityProviders."
		d.Fix = "Enable the authorization code grant (and the identity provider) on the app client's hosted-UI settings."
	case "invalid_request":
		d.Cause = "The provider found the authorization request malformed: a missing or unknown client_id, a PKCE challenge or method it does not take, or an external IdP failing (see the description)."
		if oe.ErrorPage {
			d.Cause = "The provider refused the request on its own error page, so the app never heard of it: most often the client_id is not a client of this pool or domain."
		}
		d.Fix = "Check --client-id against the pool whose domain or issuer is used; the description, if any, names the parameter."
	case "access_denied":
		d.Cause = "The user, or the external identity provider, declined the sign-in (or consent)."
		d.Fix = "Sign in again and accept; for a federated IdP, check its own logs."
	case "login_required", "consent_required", "interaction_required", "account_selection_required":
		d.Cause = "The provider needs the user to interact (sign in, consent or pick an account), which prompt=none forbids."
		d.Fix = "Drop --prompt none, or sign in first in the same browser."
	case "server_error", "temporarily_unavailable":
		d.Cause = "The provider failed on its side."
		d.Fix = "Try again shortly; if it persists, check the provider's status (and Lambda triggers on the pool)."
	case "unsupported_response_type":
		d.Cause = "The provider does not offer the authorization code flow to this client."
		d.Fix = "Enable the code grant on the client."
	case "":
		d.Cause = fmt.Sprintf("The authorize endpoint refused the request with HTTP %d before any sign-in page, without an OAuth error code.", oe.HTTPStatus)
		d.Fix = "Check the client ID, the redirect URI and the endpoint; the page said: " + oe.Description
	default:
		d.Cause = "The provider refused the authorization request (" + oe.Code + ")."
		d.Fix = "Read the provider's description above."
	}
}

func diagnoseToken(oe *Error, d *flows.Diagnosis) {
	switch oe.Code {
	case "invalid_grant":
		d.Ref = "b22"
		switch oe.Grant {
		case GrantAuthorizationCode:
			d.Cause = "The provider does not accept the code: it was already used (codes are single-use), it expired (5 minutes at Cognito), the redirect_uri differs from the authorization request's, or the PKCE code_verifier does not match the challenge."
			d.Fix = "Sign in again and let cogscope exchange the code at once; compare the code_challenge in the trace with the verifier (--reveal)."
		case GrantRefreshToken:
			d.Cause = "The refresh token is revoked (RevokeToken, GlobalSignOut), expired, rotated out, or belongs to another app client."
			d.Fix = "Sign in again for a new refresh token (with the same --client-id)."
		default:
			d.Cause = "The provider does not accept the grant."
			d.Fix = "Read the provider's description above."
		}
	case "invalid_client":
		d.Ref = "b23"
		d.Cause = clientAuthCause(oe)
		d.Fix = "Give the right client secret (--client-secret-stdin); if the client is configured for the other method, switch with --client-auth basic|post."
	case "unauthorized_client":
		d.Ref = "b21"
		switch oe.Grant {
		case GrantClientCredentials:
			d.Cause = "The app client may not use client_credentials: the grant is not in its AllowedOAuthFlows (which also requires a client secret), or AllowedOAuthFlowsUserPoolClient is off."
			d.Fix = "Enable client_credentials on a confidential app client with at least one custom (resource-server) scope."
		case GrantRefreshToken:
			d.Cause = "The app client may not refresh tokens at the token endpoint (ALLOW_REFRESH_TOKEN_AUTH is off, or the OAuth flows are disabled)."
			d.Fix = "Enable refresh on the app client."
		default:
			d.Cause = "The app client may not use the authorization code grant at the token endpoint (\"code\" not in AllowedOAuthFlows, or AllowedOAuthFlowsUserPoolClient off)."
			d.Fix = "Enable the authorization code grant on the app client."
		}
	case "unsupported_grant_type":
		d.Cause = "The token endpoint does not know this grant_type."
		d.Fix = "Use authorization_code, refresh_token or client_credentials."
	case "invalid_scope":
		d.Ref = "b24"
		d.Cause = "A requested scope is unknown or not allowed for the client; client_credentials takes only custom scopes (<resource-server>/<scope>) the client allows."
		d.Fix = "Request scopes from the client's AllowedOAuthScopes, e.g. --scope \"cogscope-api/read\"."
	case "invalid_request":
		d.Ref = "b25"
		d.Cause = "The token request is malformed: a parameter is missing or extra (a refresh without refresh_token, a code without redirect_uri), or it was not a form-encoded POST."
		d.Fix = "This is cogscope's request; report it with the trace (--json)."
	default:
		d.Cause = "The token endpoint refused the request."
		d.Fix = "Read the provider's description above."
	}
}

// clientAuthCause says why client authentication may have failed, given
// what was sent.
func clientAuthCause(oe *Error) string {
	switch oe.ClientAuth {
	case "":
		return "Client authentication failed and no client secret was sent: the app client is confidential (it has a secret), or the client ID is unknown to this pool."
	case ClientSecretPost:
		return "Client authentication failed: the secret (sent as client_secret in the form) is wrong for this client, the client ID is unknown, or the provider wants HTTP Basic."
	}
	return "Client authentication failed: the secret (sent with HTTP Basic) is wrong for this client, the client ID is unknown, or the provider wants it in the form (client_secret_post)."
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
