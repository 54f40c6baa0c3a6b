package hostedui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// userInfo errors, as Cognito words them in WWW-Authenticate.
const (
	userInfoBadRequest   = `error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"`
	userInfoInvalidToken = `error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`
)

// serveUserInfo is GET/POST /oauth2/userInfo: the user's attributes that
// the access token's scopes release and the client may read. Only tokens
// from the token endpoint with openid are accepted.
func (h *Handler) serveUserInfo(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		userInfoError(w, http.StatusBadRequest, userInfoBadRequest)
		return
	}
	info, err := h.svc.InspectAccessToken(token)
	if err != nil || info.PoolID != dc.pool.ID || !slices.Contains(info.Scopes, scopeOpenID) {
		h.log.Debug("hosted UI userInfo refused", "domain", dc.name, "error", err, "scopes", info.Scopes)
		userInfoError(w, http.StatusUnauthorized, userInfoInvalidToken)
		return
	}
	canRead, err := h.svc.ClientCanRead(info.ClientID)
	if err != nil {
		userInfoError(w, http.StatusUnauthorized, userInfoInvalidToken)
		return
	}
	released := cognito.ScopeAttributes(info.Scopes)
	out := map[string]string{}
	for k, v := range info.Attributes {
		if canRead(k) && (released == nil || released(k)) {
			out[k] = v // *_verified stay strings, as Cognito's userInfo sends them
		}
	}
	out["sub"], out["username"] = info.Sub, info.Username
	writeJSON(w, http.StatusOK, out)
}

func userInfoError(w http.ResponseWriter, status int, challenge string) {
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
}
