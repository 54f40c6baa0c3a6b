package hostedui

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/crewjam/saml"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// IdP sign-out: a SAML provider with ProviderDetails IDPSignout "true"
// signs the user out at the IdP too. /logout ends the domain session and,
// when the session came from such a provider, sends the browser to the
// IdP's SingleLogoutService (HTTP-Redirect) with a LogoutRequest signed
// with the pool's SAML signing certificate (NameID and SessionIndex of the
// assertion the session came from); the IdP answers at /saml2/logout with
// a LogoutResponse, which is verified (the IdP's signature, InResponseTo,
// destination, issuer, status) before the browser goes on to the
// logout_uri (or back to sign-in) /logout was asked for.

// logoutTTL bounds a sign-out waiting at the IdP.
const logoutTTL = 5 * time.Minute

// Sign-out error descriptions (ours: Cognito's are not documented).
const msgSAMLLogout = "Error in SAML logout response processing: "

// samlSession is what a domain session signed in through a SAML provider
// keeps for signing out there.
type samlSession struct {
	provider     string
	nameID       string
	nameIDFormat string
	sessionIndex string
}

// fromAssertion is the SAML session of a verified assertion.
func fromAssertion(provider string, a *saml.Assertion) *samlSession {
	s := &samlSession{provider: provider}
	if a.Subject != nil && a.Subject.NameID != nil {
		s.nameID, s.nameIDFormat = a.Subject.NameID.Value, a.Subject.NameID.Format
	}
	for _, st := range a.AuthnStatements {
		if st.SessionIndex != "" {
			s.sessionIndex = st.SessionIndex
			break
		}
	}
	return s
}

// pendingLogout is a sign-out waiting at the IdP, keyed by the RelayState
// sent there.
type pendingLogout struct {
	poolID    string
	provider  cognito.HostedIdentityProvider
	requestID string
	next      string // where the browser goes once the IdP has answered
	expires   time.Time
}

type logoutStore struct {
	mu      sync.Mutex
	pending map[string]*pendingLogout
}

func (l *logoutStore) put(now time.Time, p *pendingLogout) string {
	id := randomToken()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending == nil {
		l.pending = map[string]*pendingLogout{}
	}
	for k, v := range l.pending {
		if !now.Before(v.expires) {
			delete(l.pending, k)
		}
	}
	l.pending[id] = p
	return id
}

func (l *logoutStore) take(now time.Time, id, poolID string) *pendingLogout {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.pending[id]
	if p == nil || p.poolID != poolID || !now.Before(p.expires) {
		return nil
	}
	delete(l.pending, id)
	return p
}

// idpSignOut returns the session's SAML provider when signing out must go
// through it (IDPSignout "true"), nil otherwise.
func (h *Handler) idpSignOut(r *http.Request, dc *domainCtx) (*cognito.HostedIdentityProvider, *samlSession) {
	se := h.liveSession(r, dc)
	if se == nil || se.saml == nil || se.saml.nameID == "" {
		return nil, nil
	}
	p, err := h.svc.IdentityProvider(dc.pool.ID, se.saml.provider)
	if err != nil || !signsOut(&p) {
		return nil, nil
	}
	return &p, se.saml
}

// startIdPSignOut sends the browser to the IdP's SingleLogoutService; the
// domain session has ended already. next is where the sign-out ends.
func (h *Handler) startIdPSignOut(w http.ResponseWriter, r *http.Request, dc *domainCtx, p *cognito.HostedIdentityProvider, ss *samlSession, next string) {
	u, err := h.idpLogoutURL(r, dc, p, ss, next)
	if err != nil {
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-out failed", Message: msgSAMLLogout + err.Error()})
		return
	}
	http.Redirect(w, r, u, http.StatusFound)
}

func (h *Handler) idpLogoutURL(r *http.Request, dc *domainCtx, p *cognito.HostedIdentityProvider, ss *samlSession, next string) (string, error) {
	sp, err := h.samlSP(r.Context(), dc, p)
	if err != nil {
		return "", err
	}
	loc := sp.GetSLOBindingLocation(saml.HTTPRedirectBinding)
	if loc == "" {
		return "", errors.New("IDPSignout is true but the IdP metadata has no SingleLogoutService with the HTTP-Redirect binding")
	}
	opts := []saml.LogoutRequestOption{func(req *saml.LogoutRequest) {
		if ss.nameIDFormat != "" {
			req.NameID.Format = ss.nameIDFormat
		}
	}}
	if ss.sessionIndex != "" {
		opts = append(opts, saml.WithSessionIndex(ss.sessionIndex))
	}
	req, err := sp.MakeLogoutRequest(loc, ss.nameID, opts...)
	if err != nil {
		return "", fmt.Errorf("LogoutRequest: %w", err)
	}
	relay := h.logouts.put(h.now(), &pendingLogout{poolID: dc.pool.ID, provider: *p, requestID: req.ID, next: next,
		expires: h.now().Add(logoutTTL)})
	u, err := sp.RedirectLogoutRequestURL(req, relay)
	if err != nil {
		return "", fmt.Errorf("LogoutRequest: %w", err)
	}
	return u.String(), nil
}

// serveSAMLLogout is GET or POST /saml2/logout, the pool's
// SingleLogoutService: the IdP's LogoutResponse to a sign-out /logout
// started. IdP-initiated single logout (a LogoutRequest) is not emulated.
func (h *Handler) serveSAMLLogout(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	if r.Method == http.MethodPost && !readForm(w, r, maxSAMLForm) {
		return
	}
	relay := r.URL.Query().Get("RelayState")
	if r.Method == http.MethodPost {
		relay = r.PostForm.Get("RelayState")
	}
	if r.URL.Query().Get("SAMLRequest") != "" || r.PostForm.Get("SAMLRequest") != "" {
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-out failed",
			Message: "IdP-initiated single logout is not supported by the local hosted UI: sign out at /logout."})
		return
	}
	pl := h.logouts.take(h.now(), relay, dc.pool.ID)
	if pl == nil {
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-out failed",
			Message: msgSAMLLogout + "the RelayState does not belong to a sign-out in progress on this domain (unknown or expired)"})
		return
	}
	sp, err := h.samlSP(r.Context(), dc, &pl.provider)
	if err == nil {
		_, err = sp.ParseLogoutResponse(r, []string{pl.requestID})
	}
	if err != nil {
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-out failed", Message: msgSAMLLogout + samlProblem(err)})
		return
	}
	http.Redirect(w, r, pl.next, http.StatusFound)
}
