package hostedui

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	IDToken      string `json:"id_token,omitempty"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

func toResponse(t cognito.Tokens) tokenResponse {
	return tokenResponse{IDToken: t.IDToken, AccessToken: t.AccessToken, RefreshToken: t.RefreshToken,
		ExpiresIn: t.ExpiresIn, TokenType: "Bearer"}
}

// serveToken is POST /oauth2/token.
func (h *Handler) serveToken(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	resp, fail := h.token(w, r, dc)
	if fail != nil {
		h.log.Debug("hosted UI token request refused", "domain", dc.name, "error", fail.code, "description", fail.description)
		fail.write(w)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request, dc *domainCtx) (tokenResponse, *oauthError) {
	form, fail := readOAuthForm(w, r)
	if fail != nil {
		return tokenResponse{}, fail
	}
	grant := form.Get("grant_type")
	switch grant {
	case "":
		return tokenResponse{}, badRequest("invalid_request", "grant_type is required")
	case "authorization_code", "refresh_token", "client_credentials":
	default:
		return tokenResponse{}, badRequest("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials")
	}
	client, fail := h.authenticateClient(r, form, dc, http.StatusBadRequest)
	if fail != nil {
		return tokenResponse{}, fail
	}
	if !client.AllowedOAuthFlowsUserPoolClient {
		return tokenResponse{}, badRequest("unauthorized_client", "the app client is not enabled for OAuth (AllowedOAuthFlowsUserPoolClient)")
	}
	switch grant {
	case "authorization_code":
		return h.codeGrant(form, client)
	case "refresh_token":
		return h.refreshGrant(form, client)
	}
	return h.clientCredentialsGrant(form, client, dc)
}

// codeGrant redeems an authorization code: single use, five minutes,
// for the client and redirect URI it was issued to, and with the PKCE
// verifier when the authorize request had a challenge.
func (h *Handler) codeGrant(form url.Values, client cognito.HostedClient) (tokenResponse, *oauthError) {
	code, redirectURI, verifier := form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier")
	switch {
	case code == "":
		return tokenResponse{}, badRequest("invalid_request", "code is required")
	case redirectURI == "":
		return tokenResponse{}, badRequest("invalid_request", "redirect_uri is required (the one of the authorize request)")
	case !slices.Contains(client.AllowedOAuthFlows, "code"):
		return tokenResponse{}, badRequest("unauthorized_client", "the app client is not allowed the code grant (AllowedOAuthFlows)")
	}
	ac := h.st.redeemCode(code)
	switch {
	case ac == nil:
		return tokenResponse{}, badRequest("invalid_grant", "unknown authorization code")
	case ac.clientID != client.ClientID:
		return tokenResponse{}, badRequest("invalid_grant", "the authorization code was issued to another client")
	case ac.used:
		// Somebody has the code twice: revoke what the first
		// redemption issued, as RFC 6749 §4.1.2 advises.
		if rt := h.st.takeIssued(code); rt != "" {
			if err := h.svc.RevokeRefreshToken(client.ClientID, rt); err != nil {
				h.log.Debug("hosted UI: revoke tokens of a reused code", "error", err)
			}
		}
		return tokenResponse{}, badRequest("invalid_grant", "the authorization code has already been used")
	case !h.now().Before(ac.expires):
		return tokenResponse{}, badRequest("invalid_grant", "the authorization code has expired")
	case ac.redirectURI != redirectURI:
		return tokenResponse{}, badRequest("invalid_grant", "redirect_uri differs from the authorize request's")
	}
	if f := checkVerifier(ac.challenge, verifier); f != nil {
		return tokenResponse{}, f
	}
	tok, err := h.mintForUser(client.ClientID, ac.username, ac.scopes, ac.nonce, ac.authTime, true)
	if err != nil {
		return tokenResponse{}, h.grantError(err)
	}
	h.st.recordIssued(code, tok.RefreshToken)
	return toResponse(tok), nil
}

// checkVerifier is the PKCE check: BASE64URL(SHA256(verifier)) must equal
// the challenge; a verifier for a code issued without PKCE is refused too.
// A verifier that is not 43 to 128 unreserved characters (RFC 7636 §4.1)
// is refused even when its hash matches: a client that draws one from the
// wrong alphabet (standard base64's "+/=") works nowhere else either.
func checkVerifier(challenge, verifier string) *oauthError {
	switch {
	case challenge == "" && verifier == "":
		return nil
	case challenge == "":
		return badRequest("invalid_grant", "code_verifier sent for a code issued without code_challenge")
	case verifier == "":
		return badRequest("invalid_grant", "code_verifier is required: the authorize request had a code_challenge")
	case len(verifier) < 43 || len(verifier) > 128:
		return badRequest("invalid_grant", "code_verifier must be 43 to 128 characters")
	case !isUnreserved(verifier):
		return badRequest("invalid_grant", "code_verifier may hold only the unreserved characters A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)")
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) != 1 {
		return badRequest("invalid_grant", "code_verifier does not match the code_challenge")
	}
	return nil
}

// isUnreserved says whether s holds only RFC 3986's unreserved characters,
// the alphabet of a PKCE code_verifier.
func isUnreserved(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// refreshGrant mints new tokens from a refresh token (a new refresh token
// only when the client rotates them).
func (h *Handler) refreshGrant(form url.Values, client cognito.HostedClient) (tokenResponse, *oauthError) {
	rt := form.Get("refresh_token")
	if rt == "" {
		return tokenResponse{}, badRequest("invalid_request", "refresh_token is required")
	}
	tok, err := h.svc.RefreshTokens(client.ClientID, rt)
	if err != nil {
		return tokenResponse{}, h.grantError(err)
	}
	return toResponse(tok), nil
}

// clientCredentialsGrant issues a machine-to-machine access token with
// resource-server scopes; the client needs a secret and the grant.
func (h *Handler) clientCredentialsGrant(form url.Values, client cognito.HostedClient, dc *domainCtx) (tokenResponse, *oauthError) {
	switch {
	case client.Secret == "":
		return tokenResponse{}, badRequest("unauthorized_client", "client_credentials needs an app client with a secret")
	case !slices.Contains(client.AllowedOAuthFlows, "client_credentials"):
		return tokenResponse{}, badRequest("unauthorized_client", "the app client is not allowed the client_credentials grant (AllowedOAuthFlows)")
	}
	scopes, why := clientCredentialsScopes(form.Get("scope"), client, dc.pool)
	if why != "" {
		return tokenResponse{}, badRequest("invalid_scope", why)
	}
	tok, err := h.svc.MintTokens(cognito.MintRequest{ClientID: client.ClientID, Scopes: scopes})
	if err != nil {
		return tokenResponse{}, h.grantError(err)
	}
	return toResponse(tok), nil
}

// grantError maps a cognito error while minting to invalid_grant (the
// token, user or sign-in is no longer good), anything else to
// server_error.
func (h *Handler) grantError(err error) *oauthError {
	if _, msg, ok := cognito.ErrorInfo(err); ok {
		return badRequest("invalid_grant", msg)
	}
	h.log.Debug("hosted UI token minting failed", "error", err)
	return &oauthError{status: http.StatusInternalServerError, code: "server_error", description: "the tokens could not be minted"}
}
