package hostedui

import (
	"crypto/subtle"
	"net/http"
	"time"
)

// Cookie names are Cognito's: "cognito" holds the domain session,
// "XSRF-TOKEN" the double-submit CSRF token of the forms.
const (
	sessionCookie = "cognito"
	csrfCookie    = "XSRF-TOKEN"
)

// Both cookies are scoped to the domain's path, so two pools' hosted UIs
// on one stack keep separate sessions, as separate hosts would.
func cookie(dc *domainCtx, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: dc.basePath, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	} else if maxAge < 0 {
		c.MaxAge = -1
	}
	return c
}

// ensureCSRF returns the request's CSRF token, setting a new cookie when
// it has none.
func ensureCSRF(w http.ResponseWriter, r *http.Request, dc *domainCtx) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, cookie(dc, csrfCookie, tok, 0))
	return tok
}

// checkCSRF is the double-submit check: the form's _csrf must equal the
// cookie GET /login set.
func checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	form := r.PostForm.Get("_csrf")
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) == 1
}

// liveSession is the domain session the request's cookie names, if live.
func (h *Handler) liveSession(r *http.Request, dc *domainCtx) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	return h.st.session(c.Value, dc.pool.ID)
}

// startSession signs the browser in to the domain for an hour.
// ss is the SAML session it came from (nil for other sign-ins).
func (h *Handler) startSession(w http.ResponseWriter, dc *domainCtx, username, sub string, authTime time.Time, ss *samlSession) {
	id := h.st.addSession(&session{poolID: dc.pool.ID, username: username, sub: sub, authTime: authTime,
		expires: h.now().Add(sessionTTL), saml: ss})
	http.SetCookie(w, cookie(dc, sessionCookie, id, sessionTTL))
}

// endSession forgets the domain session and clears its cookie.
func (h *Handler) endSession(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		h.st.dropSession(c.Value)
	}
	http.SetCookie(w, cookie(dc, sessionCookie, "", -1))
}
