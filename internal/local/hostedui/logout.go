package hostedui

import (
	"net/http"
	"net/url"
	"slices"
)

// serveLogout is GET /logout: it ends the domain session (it revokes no
// token) and sends the browser to a registered logout URL, or back to
// sign-in when given redirect_uri and response_type instead.
func (h *Handler) serveLogout(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	q := r.URL.Query()
	clientID := q.Get("client_id")
	errorPage := func(code string) {
		v := url.Values{"error": {code}}
		if clientID != "" {
			v.Set("client_id", clientID)
		}
		http.Redirect(w, r, dc.url(pathError)+"?"+v.Encode(), http.StatusFound)
	}
	if clientID == "" {
		errorPage("invalid_request")
		return
	}
	client, err := h.svc.LookupClient(clientID)
	if err != nil || client.PoolID != dc.pool.ID {
		errorPage("invalid_request")
		return
	}
	if logoutURI := q.Get("logout_uri"); logoutURI != "" {
		if !slices.Contains(client.LogoutURLs, logoutURI) {
			errorPage("redirect_mismatch")
			return
		}
		h.signOut(w, r, dc, logoutURI)
		return
	}
	redirectURI := q.Get("redirect_uri")
	switch {
	case redirectURI == "":
		errorPage("invalid_request") // one of logout_uri and redirect_uri is required
		return
	case !slices.Contains(client.CallbackURLs, redirectURI):
		errorPage("redirect_mismatch")
		return
	case q.Get("response_type") == "":
		errorPage("invalid_request")
		return
	}
	// Sign-in starts again with the same parameters; /login validates them.
	h.signOut(w, r, dc, dc.url(pathLogin)+"?"+q.Encode())
}

// signOut ends the domain session and sends the browser to next, through
// the SAML IdP the session came from when its provider has IDPSignout.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, dc *domainCtx, next string) {
	p, ss := h.idpSignOut(r, dc)
	h.endSession(w, r, dc)
	if p != nil {
		h.startIdPSignOut(w, r, dc, p, ss, next)
		return
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// serveErrorPage is GET /error, where refused authorize and logout
// requests land: Cognito's wording, with the error code shown.
func (h *Handler) serveErrorPage(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	q := r.URL.Query()
	e := errorPage{Title: "Error", Message: "An error was encountered with the requested page.",
		Code: q.Get("error"), ClientID: q.Get("client_id")}
	if e.Code == "redirect_mismatch" {
		e.Message += " The redirect URI is not one of the app client's registered URLs (they must match exactly)."
	}
	writePage(w, http.StatusBadRequest, e)
}
