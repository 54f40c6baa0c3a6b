package hostedui

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// serveRevoke is POST /oauth2/revoke: it revokes a refresh token and the
// tokens minted from it (Cognito §4.5): 200 with an empty body also for
// unknown or already revoked tokens.
func (h *Handler) serveRevoke(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	form, fail := readOAuthForm(w, r)
	if fail == nil {
		fail = h.revoke(r, form, dc)
	}
	if fail != nil {
		h.log.Debug("hosted UI revoke refused", "domain", dc.name, "error", fail.code, "description", fail.description)
		fail.write(w)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

func (h *Handler) revoke(r *http.Request, form map[string][]string, dc *domainCtx) *oauthError {
	client, fail := h.authenticateClient(r, form, dc, http.StatusUnauthorized)
	if fail != nil {
		return fail
	}
	token := ""
	if v := form["token"]; len(v) == 1 {
		token = v[0]
	}
	switch {
	case token == "":
		return badRequest("invalid_request", "token is required")
	case !client.EnableTokenRevocation:
		return badRequest("invalid_request", "token revocation is disabled for the app client (EnableTokenRevocation)")
	case isJWT(token):
		return badRequest("unsupported_token_type", "only refresh tokens can be revoked")
	}
	if err := h.svc.RevokeRefreshToken(client.ClientID, token); err != nil {
		return h.grantError(err)
	}
	return nil
}

// isJWT tells an ID or access token (a signed JWT: three parts, a JSON
// header with alg) from a refresh token (five parts).
func isJWT(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return false
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(raw, &hdr) == nil && hdr.Alg != ""
}
