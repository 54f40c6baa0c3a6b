package hostedui

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"html/template"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// The built-in SAML identity provider: every pool with a domain can act as
// a SAML 2.0 IdP for another pool of the stack (this is the local stack's,
// not a Cognito feature), so the demo can show a SAML sign-in with no
// setup. Its users are the pool's users, checked by password:
//
//	<base>/saml2/idp/metadata  GET        IdP metadata (entity id = the URL itself)
//	<base>/saml2/idp/sso       GET        HTTP-Redirect SingleSignOnService: a sign-in form
//	<base>/saml2/idp/login     POST       the form: username, password, the SSO query
//
// Assertions carry the NameID (the username), and the attributes uid,
// mail, givenName, sn and cn by FriendlyName (crewjam/saml's default
// assertion maker), signed with a key made when the stack starts serving
// it (the metadata changes with each start; providers read it by
// MetadataURL).
const (
	pathIdPMetadata = "/saml2/idp/metadata"
	pathIdPSSO      = "/saml2/idp/sso"
	pathIdPLogin    = "/saml2/idp/login"
	pathIdPSLO      = "/saml2/idp/slo"
)

type idpKey struct {
	once sync.Once
	key  *rsa.PrivateKey
	cert *x509.Certificate
	err  error
}

func (k *idpKey) get() (*rsa.PrivateKey, *x509.Certificate, error) {
	k.once.Do(func() {
		k.key, k.err = rsa.GenerateKey(rand.Reader, 2048)
		if k.err != nil {
			return
		}
		now := time.Now()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "cogscope local SAML IdP"},
			NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.key.PublicKey, k.key)
		if err != nil {
			k.err = err
			return
		}
		k.cert, k.err = x509.ParseCertificate(der)
	})
	return k.key, k.cert, k.err
}

type idpUserKey struct{}

// samlIdP builds the pool's IdP for one request.
func (h *Handler) samlIdP(dc *domainCtx) (*saml.IdentityProvider, error) {
	key, cert, err := h.idpKey.get()
	if err != nil {
		return nil, err
	}
	meta, _ := url.Parse(dc.url(pathIdPMetadata))
	sso, _ := url.Parse(dc.url(pathIdPSSO))
	slo, _ := url.Parse(dc.url(pathIdPSLO))
	return &saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *meta, SSOURL: *sso, LogoutURL: *slo,
		LogoutBindings:          []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding},
		ServiceProviderProvider: spLookup{h: h, root: strings.TrimSuffix(dc.base, dc.basePath), idp: meta.String()},
		SessionProvider:         idpSessions{h: h, dc: dc}, Clock: dsig.NewFakeClockAt(h.now()),
		Logger: slog.NewLogLogger(h.log.Handler(), slog.LevelDebug),
		OnError: func(w http.ResponseWriter, _ *http.Request, status int, err error) {
			// A request the IdP refuses (unsigned where the SP signs, a bad
			// signature, an unknown SP): a page saying why, not a bare 400.
			h.log.Debug("built-in SAML IdP refused a request", "pool", dc.pool.ID, "error", err)
			writePage(w, status, errorPage{Title: "SAML request refused",
				Message: "The SAML identity provider of user pool " + dc.pool.Name + " refused the request: " + err.Error()})
		}}, nil
}

func (h *Handler) serveIdPMetadata(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	idp, err := h.samlIdP(dc)
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "SAML IdP unavailable", Message: err.Error()})
		return
	}
	out, err := xml.MarshalIndent(idp.Metadata(), "", "  ")
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "SAML IdP unavailable", Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(append([]byte(xml.Header), out...))
}

func (h *Handler) serveIdPSSO(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	idp, err := h.samlIdP(dc)
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "SAML IdP unavailable", Message: err.Error()})
		return
	}
	idp.ServeSSO(w, r)
}

// serveIdPSLO is the built-in IdP's SingleLogoutService: it verifies the
// SP's LogoutRequest (signed with the SP pool's SAML signing certificate,
// which its SP metadata publishes), ends the session (the built-in IdP
// keeps none: each sign-in asks for the password) and answers with a
// signed LogoutResponse to the SP's single logout URL.
func (h *Handler) serveIdPSLO(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	idp, err := h.samlIdP(dc)
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "SAML IdP unavailable", Message: err.Error()})
		return
	}
	idp.ServeSLO(w, r)
}

// serveIdPLogin checks the form's credentials and answers the SSO request
// it carries, now with a signed-in user.
func (h *Handler) serveIdPLogin(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	if !readForm(w, r, maxPageForm) {
		return
	}
	query := r.PostForm.Get("sso")
	username, password := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password")
	u, err := h.svc.VerifyPassword(dc.pool.ID, username, password)
	if err != nil {
		renderIdPLogin(w, dc, query, username, h.userMessage(err))
		return
	}
	idp, err := h.samlIdP(dc)
	if err != nil {
		writePage(w, http.StatusInternalServerError, errorPage{Title: "SAML IdP unavailable", Message: err.Error()})
		return
	}
	r2 := r.Clone(context.WithValue(r.Context(), idpUserKey{}, u))
	r2.Method, r2.Body, r2.Form, r2.PostForm = http.MethodGet, http.NoBody, nil, nil
	r2.URL.Path, r2.URL.RawQuery = dc.basePath+pathIdPSSO, query
	idp.ServeSSO(w, r2)
}

// idpSessions signs users in with the form (the user is in the request's
// context once serveIdPLogin has checked the password).
type idpSessions struct {
	h  *Handler
	dc *domainCtx
}

func (s idpSessions) GetSession(w http.ResponseWriter, r *http.Request, _ *saml.IdpAuthnRequest) *saml.Session {
	u, ok := r.Context().Value(idpUserKey{}).(cognito.PoolUser)
	if !ok {
		renderIdPLogin(w, s.dc, r.URL.RawQuery, "", "")
		return nil
	}
	now := s.h.now()
	return &saml.Session{ID: newCode(), Index: newCode(), CreateTime: now, ExpireTime: now.Add(time.Hour), NameID: u.Username,
		UserName: u.Username, UserEmail: u.Attributes["email"], UserGivenName: u.Attributes["given_name"],
		UserSurname: u.Attributes["family_name"], UserCommonName: u.Attributes["name"]}
}

// InvalidateSession ends the IdP session a LogoutRequest names: the
// built-in IdP keeps none, so there is nothing to end.
func (s idpSessions) InvalidateSession(http.ResponseWriter, *http.Request, *saml.IdpLogoutRequest) error {
	return nil
}

// spLookup finds the pool whose SP entity id a request names, and
// describes it as that pool's SAML provider for this IdP would have it
// registered: its SAML signing certificate, and AuthnRequestsSigned when
// the provider signs its requests (RequestSigningAlgorithm rsa-sha256),
// so that the IdP then refuses an unsigned or badly signed AuthnRequest.
type spLookup struct {
	h    *Handler
	root string
	idp  string // this IdP's metadata URL
}

func (l spLookup) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	poolID, ok := strings.CutPrefix(id, "urn:amazon:cognito:sp:")
	if !ok {
		return nil, os.ErrNotExist
	}
	p, err := l.h.svc.Pool(poolID)
	if err != nil || p.Domain == "" {
		return nil, os.ErrNotExist
	}
	sp, err := l.h.serviceProvider(poolID, BaseURL(l.root, p.Domain), l.provider(poolID))
	if err != nil {
		return nil, err
	}
	return spMetadata(sp), nil
}

// provider is the SP pool's SAML provider whose metadata is this IdP's
// (nil when none names it by MetadataURL).
func (l spLookup) provider(poolID string) *cognito.HostedIdentityProvider {
	ctx := context.WithValue(context.Background(), rootKey{}, l.root)
	for _, p := range l.h.svc.IdentityProviders(poolID) {
		if p.Type == "SAML" && l.h.expand(ctx, p.Details["MetadataURL"]) == l.idp {
			return &p
		}
	}
	return nil
}

var idpLoginPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("idp").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in ({{.Pool}} SAML IdP)</title></head>
<body><main>
<h1>Sign in</h1>
<p class="sub">to the SAML identity provider of user pool {{.Pool}} (cogscope local)</p>
{{if .Error}}<div class="error" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="sso" value="{{.SSO}}">
<label for="username">Username</label><input type="text" id="username" name="username" value="{{.Username}}" autocomplete="username">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" id="signin">Sign in</button>
</form>
</main></body></html>
`))
})

func renderIdPLogin(w http.ResponseWriter, dc *domainCtx, sso, username, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = idpLoginPage().Execute(w, map[string]string{"Pool": dc.pool.Name, "Error": msg, "Action": dc.url(pathIdPLogin),
		"SSO": sso, "Username": username})
}
